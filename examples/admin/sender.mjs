// The sending app of the admin-view example (tools/admin-demo) and tests
// (tests/admin/): a connected socket that sends "tick NNNNNN" (11 bytes) to
// 239.1.2.3:5000 every 50 ms, and a bound one on port 5001 that joins
// 239.1.2.4 after the policy refused it 239.9.9.9 (one refusal the admin
// sees). It prints its own view of both ("sender view {...}") and runs until
// the test ends it.
const sending = new UDPSocket({
  remoteAddress: '239.1.2.3', remotePort: 5000, multicastTimeToLive: 2,
});
const opened = await sending.opened;
const listening = new UDPSocket({ localAddress: '0.0.0.0', localPort: 5001 });
const bound = await listening.opened;
try {
  await bound.multicastController.joinGroup('239.9.9.9');
  console.log('239.9.9.9 was not refused');
} catch (error) {
  console.log(`refused 239.9.9.9 ${error.name}`);
}
await bound.multicastController.joinGroup('239.1.2.4');
console.log(`sender view ${JSON.stringify({
  sockets: [
    { local: `${opened.localAddress}:${opened.localPort}`,
      remote: `${opened.remoteAddress}:${opened.remotePort}`, joined: [] },
    { local: `${bound.localAddress}:${bound.localPort}`,
      joined: bound.multicastController.joinedGroups },
  ],
})}`);
const writer = opened.writable.getWriter();
for (let tick = 1; ; ++tick) {
  await writer.write({ data: new TextEncoder().encode(`tick ${String(tick).padStart(6, '0')}`) });
  await new Promise((resolve) => setTimeout(resolve, 50));
}
