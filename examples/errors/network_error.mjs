// NetworkError (a DOMException): the operating system refused, here to bind
// to an address this machine does not have. The message says what the
// network service saw.
// Run: dsock run examples/errors/network_error.mjs
// expect: line opened: NetworkError: binding 192.0.2.1:40000: address not available (EADDRNOTAVAIL)

const socket = new UDPSocket({ localAddress: '192.0.2.1', localPort: 40000 });
try {
  await socket.opened;
} catch (error) {
  console.log(`opened: ${error.name}: ${error.message}`);
}
