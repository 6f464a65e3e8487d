// InvalidAccessError (a DOMException): access the browser blocks, here a
// privileged local port (below 1024). `opened` rejects; the constructor
// does not throw. A bound socket in an app without Local Network Access
// (the local-network permission) is refused the same way.
// Run: dsock run examples/errors/invalid_access_error.mjs
// expect: line opened: InvalidAccessError: Access to the requested host or port is blocked.
// expect: line closed: InvalidAccessError

const socket = new UDPSocket({ localAddress: '127.0.0.1', localPort: 80 });
try {
  await socket.opened;
} catch (error) {
  console.log(`opened: ${error.name}: ${error.message}`);
}
// `closed` is rejected with the same error: the socket never opened.
await socket.closed.catch((error) => console.log(`closed: ${error.name}`));
