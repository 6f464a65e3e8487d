// Device discovery, the explainer's second use case: Multicast DNS
// (RFC 6762) and DNS-SD (RFC 6763) on 224.0.0.251 port 5353, with address
// sharing, so that it runs beside avahi-daemon (or any other responder) on
// the same machine, as several applications listen on one address and
// port in the explainer. It:
//   - announces its own service (PTR, SRV, TXT and A records), twice, a
//     second apart, and answers the queries that ask for it;
//   - browses a service type: asks who offers it, then resolves each
//     instance (SRV for host and port, TXT, A for the address), and prints
//     each device it found;
//   - says goodbye (its records with TTL 0) when it ends.
// Its bundle holds discovery.json: {serviceType, instance, host, port, txt,
// seconds}. Its admin must grant it the group 224.0.0.251, port 5353,
// address sharing and TTL 255 (examples/discovery/policy); without that
// grant, opening its socket fails with NotAllowedError naming the policy.
import { buildQuery, buildResponse, kType, parseMessage, sameName } from './dns.mjs';

const kGroup = '224.0.0.251';
const kPort = 5353;
const kServicesName = '_services._dns-sd._udp.local';

const config = await (await fetch('./discovery.json')).json();
const serviceName = `${config.serviceType}.local`;
const instanceName = `${config.instance.replaceAll('.', '\\.')}.${serviceName}`;
const hostName = `${config.host}.local`;

// The address other devices reach us at: the one the kernel sends to the
// group from (a connected socket's localAddress).
const probe = new UDPSocket({ remoteAddress: kGroup, remotePort: kPort });
const { localAddress: ownAddress } = await probe.opened;
await probe.close();

const socket = new UDPSocket({
  localAddress: '0.0.0.0', localPort: kPort, multicastAllowAddressSharing: true,
  // RFC 6762, section 11: every mDNS packet goes out with IP TTL 255.
  multicastTimeToLive: 255, multicastLoopback: true,
});
const { readable, writable, multicastController } = await socket.opened;
await multicastController.joinGroup(kGroup);
console.log(`discovery: joined ${kGroup} port ${kPort}, sharing the port; ` +
            `this device is ${ownAddress}`);
const writer = writable.getWriter();
const send = (bytes) => writer.write({ data: bytes, remoteAddress: kGroup, remotePort: kPort });

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
    a: { name: hostName, type: kType.A, ttl: ttl && 120, unique: true, address: ownAddress },
    services: { name: kServicesName, type: kType.PTR, ttl: ttl && 4500, target: serviceName },
  };
}
const ours = ourRecords(1);

// What we know of other devices' instances of the service type.
const instances = new Map();  // instance name -> {srv, txt}
const addresses = new Map();  // host name (lower case) -> address
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
  }
}

function report() {
  for (const [name, { srv, txt }] of instances) {
    const address = srv && addresses.get(srv.target.toLowerCase());
    if (printed.has(name) || !srv || !address || !txt) continue;
    printed.add(name);
    const instance = name.slice(0, -(serviceName.length + 1)).replaceAll('\\.', '.');
    console.log(`discovery: found "${instance}" on ${srv.target} ${address} port ${srv.port}` +
                ` txt ${txt.entries.join(' ') || '(none)'}`);
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
  if (questions.length > 0) send(buildQuery(questions));
}

function answer(message) {
  const answers = [];
  const additionals = [];
  const asks = (q, name, type) => sameName(q.name, name) && (q.type === type || q.type === kType.ANY);
  for (const q of message.questions) {
    if (asks(q, serviceName, kType.PTR)) {
      answers.push(ours.ptr);
      additionals.push(ours.srv, ours.txt, ours.a);
    }
    if (asks(q, instanceName, kType.SRV)) answers.push(ours.srv);
    if (asks(q, instanceName, kType.TXT)) answers.push(ours.txt);
    if (asks(q, hostName, kType.A)) answers.push(ours.a);
    if (asks(q, kServicesName, kType.PTR)) answers.push(ours.services);
  }
  if (answers.length > 0) {
    send(buildResponse(answers, additionals.filter((r) => !answers.includes(r))));
  }
}

const reader = readable.getReader();
let malformed = 0;
(async () => {
  for (;;) {
    const { value, done } = await reader.read();
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
      answer(message);
    }
  }
})();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Announce (RFC 6762, section 8.3) and browse, each a few times a second
// apart; then resolve what is missing until the time is up.
const all = [ours.ptr, ours.srv, ours.txt, ours.a];
const browse = buildQuery([{ name: serviceName, type: kType.PTR }]);
for (let round = 0; round < 2; round++) {
  await send(buildResponse(all));
  await send(browse);
  if (round === 0) {
    console.log(`discovery: announced "${config.instance}" (${config.serviceType}) on ` +
                `${hostName} ${ownAddress} port ${config.port}; browsing ${config.serviceType}`);
  }
  await sleep(1000);
}
const end = performance.now() + (config.seconds ?? 6) * 1000 - 2000;
while (performance.now() < end) {
  resolveMissing();
  await sleep(Math.min(1000, Math.max(0, end - performance.now())));
}
report();
const goodbye = ourRecords(0);
await send(buildResponse([goodbye.ptr, goodbye.srv, goodbye.txt, goodbye.a]));
console.log(`discovery: ${printed.size} devices found; said goodbye` +
            (malformed ? `; ${malformed} malformed messages ignored` : ''));
await reader.cancel();
reader.releaseLock();
await writer.close();
writer.releaseLock();
await socket.close();
