// One of two apps in a host manifest (//tests/js:host_manifest_test):
// answers the first datagram on 127.0.0.1:40700 with its text upper-cased.
const socket = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40700 });
const { readable, writable } = await socket.opened;
const reader = readable.getReader();
const { value } = await reader.read();
const text = new TextDecoder().decode(value.data);
const writer = writable.getWriter();
await writer.write({ data: new TextEncoder().encode(text.toUpperCase()),
                     remoteAddress: value.remoteAddress, remotePort: value.remotePort });
reader.releaseLock();
writer.releaseLock();
await socket.close();
console.log(`server answered "${text}"`);
