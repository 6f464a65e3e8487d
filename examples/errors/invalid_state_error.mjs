// InvalidStateError (a DOMException): the call is fine but not now, or not
// on this socket. Run: dsock run examples/errors/invalid_state_error.mjs
// expect: line joinGroup: InvalidStateError: Failed to execute 'joinGroup' on 'MulticastController': Cannot join the same group/source combination again
// expect: line joinGroup: InvalidStateError: Failed to execute 'joinGroup' on 'MulticastController': Cannot join group if the socket is not opened

function report(what, error) {
  console.log(`${what}: ${error.name}: ${error.message}`);
}

const socket = new UDPSocket({ localAddress: '127.0.0.1' });
// close() before `opened` has been fulfilled.
await socket.close().catch((error) => report('close', error));

const { multicastController } = await socket.opened;
await multicastController.joinGroup('239.0.0.1');
// The same membership twice.
await multicastController.joinGroup('239.0.0.1').catch((error) => report('joinGroup', error));
// Leaving a group that was never joined.
await multicastController.leaveGroup('239.9.9.9').catch((error) => report('leaveGroup', error));
// An IPv6 group on an IPv4 socket.
await multicastController.joinGroup('ff3e::1').catch((error) => report('joinGroup', error));
await socket.close();
// Anything after close.
await multicastController.joinGroup('239.0.0.2').catch((error) => report('joinGroup', error));
