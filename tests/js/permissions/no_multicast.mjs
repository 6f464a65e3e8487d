// Run by tests/js/run_app_test.sh with --permissions direct-sockets,
// local-network,loopback-network: no multicast permission. Bound sockets
// have no controller; multicast options make the constructor throw (the
// spec's permissions-policy step).
// expect: args --permissions direct-sockets,local-network,loopback-network
// expect: line multicastController: undefined
// expect: line constructor: DOMException NotAllowedError: Failed to construct 'UDPSocket': Cannot use Multicast options if permission policy 'direct-sockets-multicast' is absent.
const plain = new UDPSocket({ localAddress: '127.0.0.1' });
const info = await plain.opened;
console.log(`multicastController: ${typeof info.multicastController}`);
await plain.close();
try {
  new UDPSocket({ localAddress: '127.0.0.1', multicastAllowAddressSharing: true });
} catch (error) {
  console.log(`constructor: ${error instanceof DOMException ? 'DOMException' : '?'} ${error.name}: ${error.message}`);
}
