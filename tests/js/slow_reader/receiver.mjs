// A page that stops reading (run by slow_reader_test.sh): it opens its
// data socket, then reads only a control socket until the test says
// "drain"; then it reads everything that waited and prints how much, and
// whether it came in order without duplicates.
const data = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40500 });
const control = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40501 });
const { readable } = await data.opened;
const { readable: controlReadable } = await control.opened;
console.log('READY');

const controlReader = controlReadable.getReader();
await controlReader.read();
controlReader.releaseLock();

// Everything that waited is in the kernel's buffer or the renderer's
// queue: reads return at once until both are empty. A read that has not
// come within 500 ms finds them empty.
const reader = readable.getReader();
const decoder = new TextDecoder();
let received = 0;
let last = -1;
let inOrder = true;
for (;;) {
  const next = await Promise.race([
    reader.read(),
    new Promise((resolve) => setTimeout(() => resolve(null), 500)),
  ]);
  if (next === null) break;
  const sequence = Number(decoder.decode(next.value.data.subarray(0, 8)));
  if (sequence <= last) inOrder = false;
  last = sequence;
  received++;
}
console.log(`received ${received} in_order ${inOrder}`);
await reader.cancel();
reader.releaseLock();
await data.close();
await control.close();
