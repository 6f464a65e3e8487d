// A page's writer.write() loop as fast as `ready` allows (bench/peers/run,
// send side), the same file in our renderer and in Chromium 156: a socket
// connected to 127.0.0.1 at the port in params.mjs sends `size`-byte
// datagrams for `seconds`, then prints "count N ms M" (writes whose
// promise settled, and the time until the last did).
import { port, seconds, size } from './params.mjs';

const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: port,
                               sendBufferSize: 4 << 20 });
const { writable } = await socket.opened;
const writer = writable.getWriter();
const data = new Uint8Array(size);
console.log('ready');
let settled = 0;
const start = performance.now();
const end = start + seconds * 1000;
let last;
while (performance.now() < end) {
  await writer.ready;
  last = writer.write({ data }).then(() => { settled++; });
}
await last;
console.log(`count ${settled} ms ${Math.round(performance.now() - start)}`);
writer.releaseLock();
await socket.close();
