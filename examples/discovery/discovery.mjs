// Device discovery, the explainer's second use case: Multicast DNS
// (RFC 6762) and DNS-SD (RFC 6763) on 224.0.0.251 and ff02::fb, port 5353,
// with address sharing, so that it runs beside avahi-daemon (or any other
// responder) on the same machine, as several applications listen on one
// address and port in the explainer. On each IP version the machine has:
//   - announces its own service (PTR, SRV, TXT, A and AAAA records), twice,
//     a second apart, and answers the queries that ask for it;
//   - browses a service type: asks who offers it, then resolves each
//     instance (SRV for host and port, TXT, A for the address), and prints
//     each device it found;
//   - says goodbye (its records with TTL 0) when it ends.
// Its bundle holds discovery.json: {serviceType, instance, host, port, txt,
// seconds}. Its admin must grant it the groups 224.0.0.251 (and ff02::fb
// for IPv6), port 5353, address sharing and TTL 255
// (examples/discovery/policy); without the group in its grant, its join
// fails with NotAllowedError naming the policy. IPv6 is used where the
// machine and the policy allow it, and said so where not.
import { buildQuery, buildResponse, kType, parseMessage, sameName } from './dns.mjs';

const kPort = 5353;
const kServicesName = '_services._dns-sd._udp.local';

const config = await (await fetch('./discovery.json')).json();
const serviceName = `${config.serviceType}.local`;
const instanceName = `${config.instance.replaceAll('.', '\\.')}.${serviceName}`;
const hostName = `${config.host}.local`;

const sendOn = (family, bytes) =>
  family.writer.write({ data: bytes, remoteAddress: family.group, remotePort: kPort });

// One socket per IP version, bound to the mDNS port beside other
// responders, joined to its group.
async function openFamily(family) {
  family.socket = new UDPSocket({
    localAddress: family.bind, localPort: kPort, multicastAllowAddressSharing: true,
    // RFC 6762, section 11: every mDNS packet goes out with TTL 255.
    multicastTimeToLive: 255, multicastLoopback: true,
    ...(family.bind === '::' ? { ipv6Only: true } : {}),
  });
  const { readable, writable, multicastController } = await family.socket.opened;
  await multicastController.joinGroup(family.group);
  family.reader = readable.getReader();
  family.writer = writable.getWriter();
  if (family.bind === '0.0.0.0') {
    // The address other devices reach us at: the one the kernel sends to
    // the group from (a connected socket's localAddress).
    const probe = new UDPSocket({ remoteAddress: family.group, remotePort: kPort });
    family.address = (await probe.opened).localAddress;
    await probe.close();
  } else {
    // ff02::fb is link-local: a socket cannot connect to it without naming
    // the interface, so the IPv6 address is the one our own first message
    // comes back from (multicastLoopback).
    family.address = await ownAddressByLoopback(family);
  }
  console.log(`discovery: joined ${family.group} port ${kPort}, sharing the port; ` +
              `this device is ${family.address}`);
  return family;
}
// Sends a query no one answers (a name of our own making) and reads until
// it comes back to us; its remoteAddress is ours. Gives up after 2 s.
async function ownAddressByLoopback(family) {
  const marker = buildQuery([{
    name: `${config.host}-${crypto.randomUUID().slice(0, 8)}.local`, type: kType.AAAA,
  }]);
  const watchdog = setTimeout(() => family.reader.cancel(), 2000);
  await sendOn(family, marker);
  for (;;) {
    const { value, done } = await family.reader.read();
    if (done) throw new Error('our own message did not come back');
    const data = value.data;
    if (data.length === marker.length && data.every((byte, i) => byte === marker[i])) {
      clearTimeout(watchdog);
      return value.remoteAddress;
    }
  }
}

const ipv4 = await openFamily({ group: '224.0.0.251', bind: '0.0.0.0' });
let ipv6 = null;
try {
  ipv6 = await openFamily({ group: 'ff02::fb', bind: '::' });
} catch (error) {
  console.log(`discovery: IPv6 not used: ${error.name}: ${error.message}`);
}
const families = ipv6 ? [ipv4, ipv6] : [ipv4];
const sendAll = (bytes) => Promise.all(families.map((family) => sendOn(family, bytes)));
const ownAddress = ipv4.address;

// Our records; `ttl` 0 says goodbye.
function ourRecords(ttl) {
  return {
    ptr: { name: serviceName, type: kType.PTR, ttl: ttl && 4500, target: instanceName },
    srv: {
      name: instanceName, type: kType.SRV, ttl: ttl && 120, unique: true, port: config.port,
      target: hostName,
    },
    txt: {
      name: instanceName, type: kType.TXT, ttl: ttl && 4500, unique: true,
      entries: config.txt ?? [],
    },
    a: { name: hostName, type: kType.A, ttl: ttl && 120, unique: true, address: ipv4.address },
    aaaa: ipv6 && {
      name: hostName, type: kType.AAAA, ttl: ttl && 120, unique: true, address: ipv6.address,
    },
    services: { name: kServicesName, type: kType.PTR, ttl: ttl && 4500, target: serviceName },
  };
}
const ours = ourRecords(1);
// The host's address records: A, and AAAA when IPv6 is in use.
const addressRecords = (records) => [records.a, ...(records.aaaa ? [records.aaaa] : [])];

// What we know of other devices' instances of the service type.
const instances = new Map();  // instance name -> {srv, txt}
const addresses = new Map();  // host name (lower case) -> IPv4 address
const addresses6 = new Map();  // host name (lower case) -> IPv6 address
const printed = new Set();

function learn(record) {
  if (record.type === kType.PTR && sameName(record.name, serviceName)) {
    if (sameName(record.target, instanceName)) return;  // Our own.
    if (!instances.has(record.target)) instances.set(record.target, {});
  } else if (record.type === kType.SRV || record.type === kType.TXT) {
    const known = [...instances.keys()].find((name) => sameName(name, record.name));
    if (known) instances.get(known)[record.type === kType.SRV ? 'srv' : 'txt'] = record;
  } else if (record.type === kType.A) {
    addresses.set(record.name.toLowerCase(), record.address);
  } else if (record.type === kType.AAAA) {
    addresses6.set(record.name.toLowerCase(), record.address);
  }
}

function report() {
  for (const [name, { srv, txt }] of instances) {
    const address = srv && addresses.get(srv.target.toLowerCase());
    if (printed.has(name) || !srv || !address || !txt) continue;
    printed.add(name);
    const instance = name.slice(0, -(serviceName.length + 1)).replaceAll('\\.', '.');
    const address6 = addresses6.get(srv.target.toLowerCase());
    console.log(`discovery: found "${instance}" on ${srv.target} ${address} port ${srv.port}` +
                ` txt ${txt.entries.join(' ') || '(none)'}` + (address6 ? ` ipv6 ${address6}` : ''));
  }
}

// Asks for what is still missing of each instance (RFC 6763, section 12:
// most responders send it all with the PTR answer, as avahi does).
function resolveMissing() {
  const questions = [];
  for (const [name, { srv, txt }] of instances) {
    if (!srv) questions.push({ name, type: kType.SRV });
    if (!txt) questions.push({ name, type: kType.TXT });
    if (srv && !addresses.has(srv.target.toLowerCase())) {
      questions.push({ name: srv.target, type: kType.A });
    }
  }
  if (questions.length > 0) sendAll(buildQuery(questions));
}

// Answers on the family the query came on.
function answer(family, message) {
  const answers = [];
  const additionals = [];
  const asks = (q, name, type) => sameName(q.name, name) && (q.type === type || q.type === kType.ANY);
  for (const q of message.questions) {
    if (asks(q, serviceName, kType.PTR)) {
      answers.push(ours.ptr);
      additionals.push(ours.srv, ours.txt, ...addressRecords(ours));
    }
    if (asks(q, instanceName, kType.SRV)) answers.push(ours.srv);
    if (asks(q, instanceName, kType.TXT)) answers.push(ours.txt);
    if (asks(q, hostName, kType.A)) answers.push(ours.a);
    if (ours.aaaa && asks(q, hostName, kType.AAAA)) answers.push(ours.aaaa);
    if (asks(q, kServicesName, kType.PTR)) answers.push(ours.services);
  }
  if (answers.length > 0) {
    sendOn(family, buildResponse(answers, additionals.filter((r) => !answers.includes(r))));
  }
}

let malformed = 0;
const readers = families.map(async (family) => {
  for (;;) {
    const { value, done } = await family.reader.read();
    if (done) return;
    let message;
    try {
      message = parseMessage(value.data);
    } catch {
      malformed++;
      continue;
    }
    if (message.isResponse) {
      for (const record of [...message.answers, ...message.additionals]) learn(record);
      report();
    } else {
      answer(family, message);
    }
  }
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Announce (RFC 6762, section 8.3) and browse, each a few times a second
// apart; then resolve what is missing until the time is up.
const all = [ours.ptr, ours.srv, ours.txt, ...addressRecords(ours)];
const browse = buildQuery([{ name: serviceName, type: kType.PTR }]);
for (let round = 0; round < 2; round++) {
  await sendAll(buildResponse(all));
  await sendAll(browse);
  if (round === 0) {
    console.log(`discovery: announced "${config.instance}" (${config.serviceType}) on ` +
                `${hostName} ${ownAddress} port ${config.port}; browsing ${config.serviceType}`);
  }
  await sleep(1000);
}
console.log('discovery: announced twice; from now on it answers queries for it');
const end = performance.now() + (config.seconds ?? 6) * 1000 - 2000;
while (performance.now() < end) {
  resolveMissing();
  await sleep(Math.min(1000, Math.max(0, end - performance.now())));
}
report();
const goodbye = ourRecords(0);
await sendAll(buildResponse([goodbye.ptr, goodbye.srv, goodbye.txt, ...addressRecords(goodbye)]));
console.log(`discovery: ${printed.size} devices found; said goodbye` +
            (malformed ? `; ${malformed} malformed messages ignored` : ''));
for (const family of families) {
  await family.reader.cancel();
  family.reader.releaseLock();
  await family.writer.close();
  family.writer.releaseLock();
  await family.socket.close();
}
await Promise.all(readers);
