// A page's own reader.read() loop (bench/peers/run), the same file in our
// renderer (dsock run) and in Chromium 156: binds 127.0.0.1 at the port in
// params.mjs (written by the benchmark), says "ready", then from the first
// datagram on counts for `seconds` and prints "count N ms M".
import { port, seconds } from './params.mjs';

const socket = new UDPSocket({ localAddress: '127.0.0.1', localPort: port,
                               receiveBufferSize: 4 << 20 });
const { readable } = await socket.opened;
const reader = readable.getReader();
console.log('ready');
// The first datagram, or none in 20 s (the benchmark then reports nothing).
const first = await Promise.race([
  reader.read(), new Promise((resolve) => setTimeout(() => resolve(null), 20000))]);
if (first === null) {
  console.log('count 0 ms 0');
  reader.releaseLock();
  await socket.close();
} else {
  let count = 1;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    const { done } = await reader.read();
    if (done) break;
    count++;
  }
  console.log(`count ${count} ms ${Math.round(performance.now() - start)}`);
  reader.releaseLock();
  await socket.close();
}
