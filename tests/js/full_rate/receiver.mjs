// The page of full_rate_test.sh's receive direction: reads its data socket
// as fast as it can, checking every datagram (pattern.mjs), while its
// control socket waits for "drain N" (the datagrams sent less what the
// kernel dropped at the socket's buffer); then reads until N have come
// (10 s at most after that) and prints
// "received R intact true|false in_order true|false".
import { checkDatagram } from './pattern.mjs';
import { controlPort, port, size } from './params.mjs';

const data = new UDPSocket({ localAddress: '127.0.0.1', localPort: port,
                             receiveBufferSize: 4 << 20 });
const control = new UDPSocket({ localAddress: '127.0.0.1', localPort: controlPort });
const { readable } = await data.opened;
const { readable: controlReadable } = await control.opened;
console.log('READY');

let expected = Infinity;
let deadline;
const controlReader = controlReadable.getReader();
const drained = controlReader.read().then(({ value }) => {
  expected = Number(new TextDecoder().decode(value.data).split(' ')[1]);
});
const reader = readable.getReader();
let received = 0;
let last = -1;
let intact = true;
let inOrder = true;
// Each read races the drain message, and after it the deadline: a read
// that would wait for a datagram that never comes ends the loop.
let stop;
const stopped = new Promise((resolve) => { stop = resolve; });
drained.then(() => {
  deadline = setTimeout(() => stop({ done: true }), 10000);
  if (received >= expected) stop({ done: true });
});
while (received < expected) {
  const { value, done } = await Promise.race([reader.read(), stopped]);
  if (done) break;
  received++;
  const number = checkDatagram(value.data, size);
  if (number < 0) intact = false;
  if (number <= last) inOrder = false;
  last = number;
}
clearTimeout(deadline);
console.log(`received ${received} intact ${intact} in_order ${inOrder}`);
controlReader.releaseLock();
await reader.cancel();  // Ends a read that lost the race.
reader.releaseLock();
await data.close();
await control.close();
