// Benchmark app (bench/udp_throughput): writes params.size-byte datagrams
// to 127.0.0.1:params.port as fast as the writable takes them for
// params.seconds, waits until all went to the kernel, and prints how many.
import { port, seconds, size } from './params.mjs';

const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: port });
const { writable } = await socket.opened;
const writer = writable.getWriter();
const data = new Uint8Array(size).fill(119);
let count = 0;
const start = Date.now();
while (Date.now() - start < seconds * 1000) {
  await writer.ready;
  writer.write({ data });
  count++;
}
await writer.close();
const elapsed = Date.now() - start;
writer.releaseLock();
await socket.close();
console.log(`count ${count} ms ${elapsed}`);
