// A display of the video wall: receives the MPEG transport stream the
// sender (or any sender: ffmpeg, a hardware encoder) multicasts, counts
// every packet lost or out of order by the continuity counters, and
// "plays" the video: shows each frame when the wall's clock says, by its
// PTS, and logs when it did, so that displays can be compared frame by
// frame.
//
// The wall's clock comes in the stream (the sender's clock packet,
// mpegts.mjs): every display shows frame PTS at the same wall time. A
// stream without one (ffmpeg's) is played by the first PCR this display
// got, a clock of its own.
//
// Its bundle holds wall.json ({group, port, latencyMs, idleEndMs,
// seconds}). It prints "display: joined ...", a line per frame shown
// ("frame PTS shown WALL_MS due WALL_MS"), and a summary; it ends once the
// stream has stopped for idleEndMs, or after `seconds`.
import {
  ContinuityCheck, isVideoPes, kPacketBytes, pcr, pesPts, readClock, wallNow,
} from './mpegts.mjs';

const config = await (await fetch('./wall.json')).json();
const idleEndMs = config.idleEndMs ?? 1000;

const socket = new UDPSocket({ localAddress: '0.0.0.0', localPort: config.port });
const { readable, multicastController } = await socket.opened;
await multicastController.joinGroup(config.group);
console.log(`display: joined ${config.group} port ${config.port}`);

const check = new ContinuityCheck();
let clock = null;        // The wall's, from the stream, else our own.
let clockSource = 'none';
let firstArrival = -1;
let lastArrival = -1;
let datagrams = 0;
const waiting = [];      // Frames (PTS) that came before the clock did.
const timers = new Set();
let frames = 0;
let late = 0;

function show(pts, due) {
  const shown = wallNow();
  console.log(`frame ${pts} shown ${shown.toFixed(3)} due ${due.toFixed(3)}`);
}

function schedule(pts) {
  frames++;
  const due = clock.wallMs + (pts * 300 - clock.pcr) / 27000 + clock.latencyMs;
  const delay = due - wallNow();
  if (delay < 0) late++;  // It came after its time: shown at once.
  const timer = setTimeout(() => {
    timers.delete(timer);
    show(pts, due);
  }, Math.max(0, Math.ceil(delay)));  // Timers count whole milliseconds.
  timers.add(timer);
}

function setClock(value, source) {
  clock = value;
  clockSource = source;
  for (const pts of waiting.splice(0)) schedule(pts);
}

function onDatagram(data, arrival) {
  datagrams++;
  if (firstArrival < 0) firstArrival = arrival;
  lastArrival = arrival;
  for (let offset = 0; offset + kPacketBytes <= data.length; offset += kPacketBytes) {
    if (data[offset] !== 0x47) {
      check.lost++;  // Not a transport stream packet: counted as lost.
      continue;
    }
    check.add(data, offset);
    if (clockSource !== 'stream') {
      const wall = readClock(data, offset);
      if (wall) {
        setClock(wall, 'stream');
        continue;
      }
    }
    const value = clock ? -1 : pcr(data, offset);
    if (value >= 0 && arrival - firstArrival >= (config.clockWaitMs ?? 500)) {
      // No clock packet came: this display's own clock, from this PCR.
      setClock({ wallMs: arrival, pcr: value, latencyMs: config.latencyMs ?? 200 }, 'local');
    }
    const pts = pesPts(data, offset);
    if (pts >= 0 && isVideoPes(data, offset)) {
      if (clock) schedule(pts);
      else waiting.push(pts);
    }
  }
}

const reader = readable.getReader();
const began = wallNow();
const watchdog = setInterval(() => {
  const now = wallNow();
  const idle = lastArrival >= 0 && now - lastArrival > idleEndMs;
  if (idle || now - began > (config.seconds ?? 60) * 1000) reader.cancel();
}, 50);
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  onDatagram(value.data, wallNow());
}
clearInterval(watchdog);
reader.releaseLock();  // close() refuses a socket whose streams are locked.
// A stream too short for a PCR after clockWaitMs still plays, late.
if (!clock && waiting.length > 0) {
  setClock({ wallMs: wallNow(), pcr: waiting[0] * 300, latencyMs: 0 }, 'local');
}
// The frames still due are shown before the summary.
while (timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
const megabits = lastArrival > firstArrival ?
  check.packets * kPacketBytes * 8 / (lastArrival - firstArrival) / 1000 : 0;
console.log(`display: datagrams ${datagrams} packets ${check.packets} lost ${check.lost} ` +
            `out-of-order ${check.outOfOrder} frames ${frames} late ${late} ` +
            `clock ${clockSource} rate ${megabits.toFixed(1)} Mbit/s`);
await socket.close();
