// NotAllowedError (a DOMException): what the page asked for is not allowed
// to it, here multicast options in an app whose manifest does not ask for
// direct-sockets-multicast. The constructor throws; an admin's policy is
// refused the same way, on `opened`.
// Run: dsock run --permissions direct-sockets,local-network,loopback-network examples/errors/not_allowed_error.mjs
// expect: args --permissions direct-sockets,local-network,loopback-network
// expect: line constructor: NotAllowedError: Failed to construct 'UDPSocket': Cannot use Multicast options if permission policy 'direct-sockets-multicast' is absent.

try {
  new UDPSocket({ remoteAddress: '239.1.2.3', remotePort: 5004, multicastTimeToLive: 4 });
} catch (error) {
  console.log(`constructor: ${error.name}: ${error.message}`);
}
