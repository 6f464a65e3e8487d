// The admin's live page (`dsock admin serve`): reads /state.json once a
// second (the network service's state, proto/admin.proto's fields) and
// shows it. Read-only; every text from the service goes in as text, never
// as markup.
'use strict';

const kIntervalMs = 1000;
const kSparkPoints = 60;
const rates = new Map();  // socket id -> datagrams a second, last minute.
const seenRefusals = new Set();
let previous = null;
let firstRender = true;

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) tr.append(c instanceof Node ? c : cell(String(c)));
  return tr;
}

function fill(tableId, rows, emptyText, columns) {
  const body = document.querySelector(`#${tableId} tbody`);
  if (rows.length === 0) {
    const td = cell(emptyText, 'empty');
    td.colSpan = columns;
    rows = [row([td])];
  }
  body.replaceChildren(...rows);
}

function hostPort(address, port) {
  if (!address) return '-';
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function clock(rfc3339) {
  const t = rfc3339.indexOf('T');
  return t < 0 ? rfc3339 : rfc3339.substring(t + 1, t + 9);
}

function age(seconds) {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

function number(value) { return cell(Number(value).toLocaleString('en'), 'number'); }

function sparkline(values) {
  // The last minute's rates, oldest left, scaled to the highest.
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 100 24');
  svg.setAttribute('preserveAspectRatio', 'none');
  const top = Math.max(1, ...values);
  const step = 100 / (kSparkPoints - 1);
  const start = 100 - (values.length - 1) * step;
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', values.map(
    (v, i) => `${(start + i * step).toFixed(1)},${(22 - (v / top) * 20).toFixed(1)}`).join(' '));
  svg.append(line);
  const td = document.createElement('td');
  const now = values.length ? values[values.length - 1] : 0;
  td.append(svg, ` ${now.toFixed(1)}`);
  return td;
}

function policyText(policy) {
  if (!policy.enforced) return 'Policy: NOT ENFORCED (--unsafe-development-mode): every app may use multicast.';
  if (!policy.policy_dir) return 'Policy: none given (an unmanaged device: no app may use multicast).';
  return `Policy: ${policy.policy_dir}: ${policy.files.join(', ')}` +
    `${policy.managed ? '' : ' (none names a Direct Sockets policy)'}; ` +
    `SHA-256 ${policy.digest.substring(0, 16)}…, loaded ${clock(policy.loaded_at)}.`;
}

function render(state) {
  const now = Date.parse(state.now);
  const interval = previous ? (now - Date.parse(previous.now)) / 1000 : 0;
  const before = new Map();
  for (const app of previous ? previous.apps : []) {
    for (const socket of app.sockets) before.set(socket.id, socket);
  }
  const refusedByApp = new Map();
  for (const count of state.refusal_counts) {
    refusedByApp.set(count.origin, (refusedByApp.get(count.origin) || 0) + Number(count.count));
  }

  document.getElementById('service').textContent =
    `Network service pid ${state.pid}, started ${state.started_at.replace('T', ' ').substring(0, 19)} UTC; ` +
    `state of ${clock(state.now)}.`;
  document.getElementById('policy').textContent = policyText(state.policy);

  const apps = [], sockets = [], memberships = [];
  const live = new Set();
  for (const app of state.apps) {
    let joined = 0;
    for (const socket of app.sockets) {
      live.add(socket.id);
      joined += socket.memberships.length;
      const c = socket.counters;
      const earlier = before.get(socket.id);
      const history = rates.get(socket.id) || [];
      if (earlier && interval > 0) {
        const moved = Number(c.datagrams_in) - Number(earlier.counters.datagrams_in) +
          Number(c.datagrams_out) - Number(earlier.counters.datagrams_out);
        history.push(Math.max(0, moved) / interval);
        if (history.length > kSparkPoints) history.shift();
      }
      rates.set(socket.id, history);
      const o = socket.options;
      const tr = row([socket.id, app.origin, socket.state,
        hostPort(socket.local_address, socket.local_port),
        hostPort(socket.remote_address, socket.remote_port),
        o.multicast_ttl, o.multicast_loopback ? 'on' : 'off',
        o.allow_address_sharing ? 'yes' : 'no', age(socket.age_seconds),
        number(c.datagrams_in), number(c.datagrams_out), sparkline(history),
        number(c.kernel_drops), number(c.held_sends)]);
      if (!earlier && !firstRender) tr.className = 'fresh';
      sockets.push(tr);
      for (const m of socket.memberships) {
        memberships.push(row([socket.id, app.origin, m.group, m.source || '(any)', clock(m.since)]));
      }
    }
    apps.push(row([app.origin,
      app.multicast_rule ? `${app.multicast_rule} (${app.multicast_rule_file})` : '(none)',
      app.channels, app.sockets.length, joined,
      number(app.totals.datagrams_in), number(app.totals.datagrams_out),
      number(app.totals.kernel_drops), number(refusedByApp.get(app.origin) || 0)]));
  }
  for (const id of rates.keys()) if (!live.has(id)) rates.delete(id);
  fill('apps', apps, 'No app has a channel or a socket.', 9);
  fill('sockets', sockets, 'No sockets.', 14);
  fill('memberships', memberships, 'No memberships.', 5);

  let refused = 0;
  for (const count of state.refusal_counts) refused += Number(count.count);
  document.getElementById('refusal-count').textContent = refused === 0
    ? 'No refusals since the service started.'
    : `${refused} since the service started; the latest, newest first:`;
  const refusals = state.recent_refusals.slice().reverse().map((r) => {
    const action = cell(r.revoked ? `${r.action} (revoked)` : r.action, r.revoked ? 'revoked' : '');
    const tr = row([clock(r.time), r.origin, action, r.target, r.policy, cell(r.reason, 'reason')]);
    const key = `${r.time} ${r.origin} ${r.target}`;
    if (!seenRefusals.has(key) && !firstRender) tr.className = 'fresh';
    seenRefusals.add(key);
    return tr;
  });
  fill('refusals', refusals, 'None.', 6);
  previous = state;
  firstRender = false;
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    const response = await fetch('/state.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
    render(await response.json());
    status.textContent = '';
    status.className = '';
  } catch (error) {
    status.textContent = `Cannot read the service's state: ${error.message}`;
    status.className = 'error';
  }
  setTimeout(refresh, kIntervalMs);
}

refresh();
