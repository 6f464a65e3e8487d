// The floor of a page's write loop (bench/peers/run): how long one
// writer.write() takes, `ready` awaited as the send rows do, into a
// WritableStream whose sink takes each chunk at once and does nothing with
// it: no socket at all. The chunk is shaped as a UDPSocket's. Runs the same
// in our renderer, in Chromium 156 and in Node (its own WHATWG streams);
// prints the last of three rounds (the first ones warm the engine up) as
// "floor US".
const kWrites = 500000;
const data = new Uint8Array(64);
let microseconds = 0;
for (let round = 0; round < 3; round++) {
  const writer = new WritableStream({ write() {} }, { highWaterMark: 256 })
      .getWriter();
  const start = performance.now();
  let last;
  for (let i = 0; i < kWrites; i++) {
    await writer.ready;
    last = writer.write({ data });
  }
  await last;
  microseconds = (performance.now() - start) * 1000 / kWrites;
  writer.releaseLock();
}
console.log(`floor ${microseconds.toFixed(3)}`);
