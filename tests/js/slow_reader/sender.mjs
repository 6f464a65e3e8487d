// Sends 20000 datagrams of 1000 bytes, numbered, to the slow reader.
const count = 20000;
const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 40500 });
const { writable } = await socket.opened;
const writer = writable.getWriter();
const payload = new Uint8Array(1000);
const encoder = new TextEncoder();
for (let i = 0; i < count; i++) {
  payload.set(encoder.encode(String(i).padStart(8, '0')));
  await writer.ready;
  writer.write({ data: payload.slice() });
}
await writer.close();
writer.releaseLock();
await socket.close();
console.log(`sent ${count}`);
