// The other app of the manifest: asks the server until it answers (it may
// not be bound yet when this starts), at most 100 times 50 ms apart. A
// bound socket, so that "port unreachable" while the server is not yet
// there does not end it (a connected socket errors on it, as in Chrome).
const socket = new UDPSocket({ localAddress: '127.0.0.1' });
const { readable, writable } = await socket.opened;
const reader = readable.getReader();
const writer = writable.getWriter();
// One read, waited for across the attempts (a read per attempt would leave
// the answer with a read nobody looks at any more).
const reply = reader.read().then(({ value }) => new TextDecoder().decode(value.data));
let answer = null;
for (let attempt = 0; attempt < 100 && answer === null; attempt++) {
  await writer.write({ data: new TextEncoder().encode('hello host'),
                       remoteAddress: '127.0.0.1', remotePort: 40700 });
  answer = await Promise.race([
    reply,
    new Promise((resolve) => setTimeout(() => resolve(null), 50)),
  ]);
}
if (answer === null) throw new Error('no answer from the server app');
console.log(`client got "${answer}"`);
await reader.cancel();
reader.releaseLock();
writer.releaseLock();
await socket.close();
