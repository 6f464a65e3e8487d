// Run by tests/js/run_app_test.sh with --permissions direct-sockets,
// direct-sockets-private: no multicast permission. Bound sockets have no
// controller; multicast options make the constructor throw (the spec's
// permissions-policy step).
// expect: args --permissions direct-sockets,direct-sockets-private
// expect: line multicastController: undefined
// expect: line constructor: DOMException NotAllowedError: multicast options need the direct-sockets-multicast permission, which this app's manifest does not grant
const plain = new UDPSocket({ localAddress: '127.0.0.1' });
const info = await plain.opened;
console.log(`multicastController: ${typeof info.multicastController}`);
await plain.close();
try {
  new UDPSocket({ localAddress: '127.0.0.1', multicastAllowAddressSharing: true });
} catch (error) {
  console.log(`constructor: ${error instanceof DOMException ? 'DOMException' : '?'} ${error.name}: ${error.message}`);
}
