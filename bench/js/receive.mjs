// Benchmark app (bench/udp_throughput): reads from a bound socket on
// params.port for params.seconds while the benchmark floods it, and prints
// how many datagrams it read. params.mjs is written by the benchmark.
import { port, seconds } from './params.mjs';

const socket = new UDPSocket({ localAddress: '127.0.0.1', localPort: port,
                               receiveBufferSize: 4 << 20 });
const { readable } = await socket.opened;
const reader = readable.getReader();
let count = 0;
const start = Date.now();
while (Date.now() - start < seconds * 1000) {
  const { done } = await reader.read();
  if (done) break;
  count++;
}
const elapsed = Date.now() - start;
await reader.cancel();
reader.releaseLock();
await socket.close();
console.log(`count ${count} ms ${elapsed}`);
