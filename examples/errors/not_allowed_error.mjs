// NotAllowedError (a DOMException): what the page asked for is refused,
// here a privileged local port (below 1024); an admin's policy or a missing
// permission is refused the same way.
// Run: dsock run examples/errors/not_allowed_error.mjs
// expect: line opened: NotAllowedError: localPort 80 is below 1024; Direct Sockets may not bind privileged ports

const socket = new UDPSocket({ localAddress: '127.0.0.1', localPort: 80 });
try {
  await socket.opened;
} catch (error) {
  console.log(`opened: ${error.name}: ${error.message}`);
}
// `closed` is rejected with the same error: the socket never opened.
await socket.closed.catch((error) => console.log(`closed: ${error.name}`));
