// NetworkError (a DOMException): the operating system refused, here to bind
// a port another socket holds (neither asked for
// multicastAllowAddressSharing). The message is Chrome's sentence, then
// what the network service saw.
// Run: dsock run examples/errors/network_error.mjs
// expect: line opened: NetworkError: Network Error. (binding 127.0.0.1:40000: address already in use (EADDRINUSE))

const first = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40000 });
await first.opened;
const second = new UDPSocket({ localAddress: '127.0.0.1', localPort: 40000 });
try {
  await second.opened;
} catch (error) {
  console.log(`opened: ${error.name}: ${error.message}`);
}
await first.close();
