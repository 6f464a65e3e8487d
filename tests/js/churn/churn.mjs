// Run by churn_test.sh: opens and closes 400 sockets, each joining groups
// (any-source and source-specific), some closed with joins still in
// flight; then says CHURNED and waits, so the test can look at the
// service's descriptors and the kernel's memberships while it still runs.
const control = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40601 });
const { readable: controlReadable } = await control.opened;
console.log('STARTED');

let aborted = 0;
for (let round = 0; round < 40; round++) {
  const sockets = [];
  for (let i = 0; i < 10; i++) sockets.push(new UDPSocket({ localAddress: '0.0.0.0' }));
  const infos = await Promise.all(sockets.map((socket) => socket.opened));
  await Promise.all(infos.map(({ multicastController }, i) => Promise.all([
    multicastController.joinGroup(`239.3.${round}.${i + 1}`),
    multicastController.joinGroup(`232.3.${round}.${i + 1}`, { sourceAddress: '10.78.0.9' }),
  ])));
  // Joins still on their way when the socket closes.
  const late = infos.map(({ multicastController }) =>
    multicastController.joinGroup('239.4.0.1').then(() => 'joined', () => 'aborted'));
  await Promise.all(sockets.map((socket) => socket.close()));
  aborted += (await Promise.all(late)).filter((outcome) => outcome === 'aborted').length;
}
console.log(`CHURNED 400 sockets, ${aborted} late joins aborted`);
const reader = controlReadable.getReader();
await reader.read();
reader.releaseLock();
await control.close();
