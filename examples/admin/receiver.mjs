// The receiving app of the admin-view example (tools/admin-demo) and tests
// (tests/admin/): one socket on port 5000 that joins 239.1.2.3 (any source)
// and 232.1.1.1 from 10.78.0.1, then prints its own view of them ("receiver
// view {...}") and a line per datagram. A datagram "join G" or "leave G"
// (from a test or tools/admin-demo) makes it join or leave G (printing "joined G", "left G" or
// "refused G NAME"); "quit" ends it.
const socket = new UDPSocket({ localAddress: '0.0.0.0', localPort: 5000 });
const { readable, localAddress, localPort, multicastController: m } = await socket.opened;
await m.joinGroup('239.1.2.3');
await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.1' });
console.log(`receiver view ${JSON.stringify({
  sockets: [{ local: `${localAddress}:${localPort}`, joined: m.joinedGroups }],
})}`);
const reader = readable.getReader();
let received = 0;
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  const text = new TextDecoder().decode(value.data);
  const [verb, group] = text.split(' ');
  if (verb === 'quit') break;
  if (verb === 'join' || verb === 'leave') {
    try {
      await (verb === 'join' ? m.joinGroup(group) : m.leaveGroup(group));
      console.log(`${verb === 'join' ? 'joined' : 'left'} ${group}`);
    } catch (error) {
      console.log(`refused ${group} ${error.name}`);
    }
    continue;
  }
  console.log(`received ${++received} bytes ${value.data.byteLength}`);
}
reader.releaseLock();
await socket.close();
