// Node's in-process dgram as a sender (bench/peers/run, send side): a
// socket connected to 127.0.0.1:PORT sends SIZE-byte datagrams as fast as
// it can with 64 sends in flight, says "ready" first, and after SECONDS
// prints "count N ms M" (sends whose callback ran, and the time taken).
// Usage: node node_sender.mjs PORT SECONDS SIZE
import dgram from 'node:dgram';

const [port, seconds, size] = process.argv.slice(2).map(Number);
const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 << 20 });
const payload = Buffer.alloc(size, 'n');
let done = 0;
let inFlight = 0;
let stopping = false;
let start = 0;
let end = 0;
function pump() {
  // Checked here, not by a timer: sends that complete at once call back as
  // next-tick jobs, which would starve a timer.
  if (Date.now() >= end) stopping = true;
  while (!stopping && inFlight < 64) {
    inFlight++;
    socket.send(payload, () => {
      inFlight--;
      done++;
      if (inFlight === 0 && stopping) finish();
      else pump();
    });
  }
}
function finish() {
  console.log(`count ${done} ms ${Date.now() - start}`);
  socket.close();
}
socket.connect(port, '127.0.0.1', () => {
  console.log('ready');
  start = Date.now();
  end = start + seconds * 1000;
  pump();
});
