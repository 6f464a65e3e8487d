// The video wall's sender: streams an MPEG transport stream from the app's
// bundle to a multicast group, 7 packets a datagram, each sent when the
// stream's own clock (its PCRs) says, so the group gets the stream at the
// rate it was made for. In place of null packets (the padding of a
// constant-rate stream) it puts the wall's clock packet, which tells every
// display when to show each frame (mpegts.mjs).
//
// Its bundle holds wall.json ({group, port, ttl, video, latencyMs,
// clockEveryMs}) and the video (`video` names it), fetched as an isolated
// app fetches its own files.
import {
  clockPacket, kNullPid, kPacketBytes, kPacketsPerDatagram, pcr, pid, wallNow,
} from './mpegts.mjs';

const config = await (await fetch('./wall.json')).json();
const response = await fetch(`./${config.video}`);
if (!response.ok) {
  throw new Error(`${config.video} is not in the app's bundle (status ${response.status})`);
}
const stream = new Uint8Array(await response.arrayBuffer());
const packets = stream.length / kPacketBytes;
if (!Number.isInteger(packets) || packets === 0 || stream[0] !== 0x47) {
  throw new Error(`${config.video} is not an MPEG transport stream of 188-byte packets`);
}

// Each packet's time on the stream's clock (27 MHz): its PCR, or between
// the PCRs around it in proportion, as a constant-rate stream is sent.
const clocks = [];
for (let i = 0; i < packets; i++) {
  const value = pcr(stream, i * kPacketBytes);
  if (value >= 0) clocks.push([i, value]);
}
if (clocks.length < 2) throw new Error(`${config.video} has fewer than two PCRs`);
const times = new Float64Array(packets);
for (let k = 0, i = 0; i < packets; i++) {
  while (k < clocks.length - 2 && clocks[k + 1][0] <= i) k++;
  const [i0, t0] = clocks[k];
  const [i1, t1] = clocks[k + 1];
  times[i] = t0 + (t1 - t0) * (i - i0) / (i1 - i0);
}
const seconds = (times[packets - 1] - times[0]) / 27e6;
const megabits = stream.length * 8 / seconds / 1e6;

const socket = new UDPSocket({
  remoteAddress: config.group, remotePort: config.port,
  multicastTimeToLive: config.ttl ?? 1,
});
const { writable } = await socket.opened;
const writer = writable.getWriter();

// The wall's clock: the stream's first PCR is at `start` on the wall
// clock; a display shows a frame latencyMs after its PTS on that clock.
const start = wallNow() + 200;
const clock = { wallMs: start, pcr: times[0], latencyMs: config.latencyMs ?? 200 };
const clockEvery = (config.clockEveryMs ?? 100) * 27000;
let clockCounter = 0;
let nextClock = times[0];
console.log(`sender: ${config.video}: ${seconds.toFixed(2)} s at ` +
            `${megabits.toFixed(1)} Mbit/s to ${config.group}:${config.port}, ` +
            `TTL ${config.ttl ?? 1}`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let datagrams = 0;
let latest = 0;  // How far behind its time a datagram went, at worst.
for (let first = 0; first < packets; first += kPacketsPerDatagram) {
  const count = Math.min(kPacketsPerDatagram, packets - first);
  const due = start + (times[first] - times[0]) / 27000;
  const wait = due - wallNow();
  if (wait >= 1) await sleep(Math.floor(wait));
  latest = Math.max(latest, wallNow() - due);
  const datagram = stream.slice(first * kPacketBytes, (first + count) * kPacketBytes);
  for (let i = 0; i < count; i++) {
    if (times[first + i] >= nextClock && pid(datagram, i * kPacketBytes) === kNullPid) {
      datagram.set(clockPacket(clock, clockCounter++), i * kPacketBytes);
      nextClock += clockEvery;
    }
  }
  await writer.ready;
  writer.write({ data: datagram });
  datagrams++;
}
await writer.close();
writer.releaseLock();  // close() refuses a socket whose streams are locked.
const took = (wallNow() - start) / 1000;
console.log(`sender: sent ${datagrams} datagrams (${packets} packets, ${clockCounter} ` +
            `clock packets) in ${took.toFixed(2)} s; ` +
            `${(stream.length * 8 / took / 1e6).toFixed(1)} Mbit/s; at worst ` +
            `${latest.toFixed(1)} ms behind the stream's clock`);
await socket.close();
