// The page of full_rate_test.sh's send direction: writes `count` numbered
// datagrams (pattern.mjs) to flood_peer as fast as `ready` allows, then
// closes (which waits for every write to reach the kernel) and prints
// "sent N".
import { makeDatagram } from './pattern.mjs';
import { count, port, size } from './params.mjs';

const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: port });
const { writable } = await socket.opened;
const writer = writable.getWriter();
for (let number = 0; number < count; number++) {
  await writer.ready;
  writer.write({ data: makeDatagram(number, size) });
}
await writer.close();
writer.releaseLock();
await socket.close();
console.log(`sent ${count}`);
