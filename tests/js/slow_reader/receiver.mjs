// A page that stops reading (run by slow_reader_test.sh): it opens its
// data socket, then reads only a control socket until the test says
// "drain N"; then it reads the N datagrams that waited and prints how many
// it got, and whether they came in order without duplicates.
const data = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40500 });
const control = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40501 });
const { readable } = await data.opened;
const { readable: controlReadable } = await control.opened;
console.log('READY');

const controlReader = controlReadable.getReader();
const { value: drain } = await controlReader.read();
controlReader.releaseLock();
// "drain N": N datagrams waited (sent less what the kernel dropped), in the
// kernel's buffer or the renderer's queue. Read them all; then anything
// more would be a duplicate or a count gone wrong.
const expected = Number(new TextDecoder().decode(drain.data).split(' ')[1]);

const reader = readable.getReader();
let received = 0;
let last = -1;
let inOrder = true;
const take = (next) => {
  // flood_peer's number: 4 bytes, little-endian.
  const { data } = next.value;
  const sequence = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
  if (sequence <= last) inOrder = false;
  last = sequence;
  received++;
};
while (received < expected) take(await reader.read());
const extra = await Promise.race([
  reader.read().then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 300)),
]);
if (extra) received++;
console.log(`received ${received} in_order ${inOrder}`);
await reader.cancel();
reader.releaseLock();
await data.close();
await control.close();
