// TypeError: what the UDPSocket constructor throws, and what joinGroup and
// leaveGroup reject with, for arguments that can never work. The page must
// fix its code; nothing was sent to the network service.
// Run: dsock run examples/errors/type_error.mjs
// expect: line constructor: TypeError: Failed to construct 'UDPSocket': Failed to read the 'multicastTimeToLive' property from 'UDPSocketOptions': Value is outside the 'octet' value range.
// expect: line constructor: TypeError: Failed to construct 'UDPSocket': remoteAddress and localAddress cannot be specified at the same time.
// expect: line joinGroup: TypeError: Failed to execute 'joinGroup' on 'MulticastController': ipAddress is not a valid IPv4 or IPv6 address

function report(what, error) {
  console.log(`${what}: ${error instanceof TypeError ? 'TypeError' : error.name}: ${error.message}`);
}

// [EnforceRange] octet: a TTL of 256 does not fit.
try {
  new UDPSocket({ remoteAddress: '239.0.0.1', remotePort: 12345, multicastTimeToLive: 256 });
} catch (error) {
  report('constructor', error);
}

// A socket is connected (remote*) or bound (local*), never both.
try {
  new UDPSocket({ remoteAddress: '239.0.0.1', remotePort: 12345, localAddress: '0.0.0.0' });
} catch (error) {
  report('constructor', error);
}

const socket = new UDPSocket({ localAddress: '127.0.0.1' });
const { multicastController } = await socket.opened;
// A group must be a multicast IP literal (no host names).
await multicastController.joinGroup('example.com').catch((error) => report('joinGroup', error));
// An SSM source must be unicast and of the group's family.
await multicastController.joinGroup('232.1.1.1', { sourceAddress: '2001:db8::1' })
    .catch((error) => report('joinGroup', error));
await socket.close();
