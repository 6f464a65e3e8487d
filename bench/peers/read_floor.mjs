// The floor of a page's read loop (bench/peers/run): how long one
// reader.read() takes when the stream already holds the datagram, with no
// socket at all. A pull enqueues 64 messages shaped as a UDPSocket's are;
// the loop reads them one by one. Runs the same in our renderer, in
// Chromium 156 and in Node (its own WHATWG streams); prints the last of
// three rounds (the first ones warm the engine up) as "floor US".
const kReads = 500000;
const make = () => new ReadableStream({
  pull(controller) {
    for (let i = 0; i < 64; i++) {
      controller.enqueue({ data: new Uint8Array(64), remoteAddress: '127.0.0.1',
                           remotePort: 4000 });
    }
  },
}, { highWaterMark: 0 });
let microseconds = 0;
for (let round = 0; round < 3; round++) {
  const reader = make().getReader();
  const start = performance.now();
  for (let i = 0; i < kReads; i++) await reader.read();
  microseconds = (performance.now() - start) * 1000 / kReads;
  reader.releaseLock();
}
console.log(`floor ${microseconds.toFixed(3)}`);
