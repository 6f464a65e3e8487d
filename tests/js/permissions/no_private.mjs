// Run by tests/js/run_app_test.sh with --permissions direct-sockets only: a
// bound socket is refused "in parallel" (opened rejects; no throw), and so
// is a connected socket to a loopback or private address, decided by the
// service after DNS (Local Network Access, as Chrome 156), and a connected
// socket to a group (no direct-sockets-multicast).
// expect: args --permissions direct-sockets
// expect: line opened: InvalidAccessError: Access to local network is blocked.
// expect: line 127.0.0.1: InvalidAccessError
// expect: line 0x7f.1: InvalidAccessError
// expect: line localhost: InvalidAccessError
// expect: line 10.78.0.1: InvalidAccessError
// expect: line 239.0.0.1: NetworkError
const bound = new UDPSocket({ localAddress: '127.0.0.1' });
await bound.opened.catch((error) => console.log(`opened: ${error.name}: ${error.message}`));
for (const remoteAddress of ['127.0.0.1', '0x7f.1', 'localhost', '10.78.0.1', '239.0.0.1']) {
  const socket = new UDPSocket({ remoteAddress, remotePort: 12345 });
  await socket.opened.then(
      () => console.log(`${remoteAddress}: opened`),
      (error) => console.log(`${remoteAddress}: ${error.name}`));
}
