// Run by tests/js/run_app_test.sh under policy/examples as
// isolated-app://asmreceiver: what the admin allows works, the rest is a
// NotAllowedError that names the policy.
// expect: args --policy-dir policy/examples --origin isolated-app://asmreceiver
// expect: line joined: 239.0.0.1
// expect: line joinGroup: NotAllowedError: DirectSocketsMulticastRules[0].receive_groups: 239.9.9.9 is outside the groups allowed for isolated-app://asmreceiver
// expect: line write: NotAllowedError: DirectSocketsMulticastRules[0].send_groups: 239.0.0.1 is outside the groups allowed for isolated-app://asmreceiver
// expect: line close: NotAllowedError
// expect: line opened: NotAllowedError: DirectSocketsMulticastRules[0].ports: port 5000 is not allowed for isolated-app://asmreceiver
// chrome-differs: it runs under DirectSocketsMulticastRules, our policy, which Chrome does not have
const socket = new UDPSocket({ localAddress: '0.0.0.0', localPort: 12345, multicastAllowAddressSharing: true });
const { multicastController } = await socket.opened;
await multicastController.joinGroup('239.0.0.1');
console.log(`joined: ${multicastController.joinedGroups.join()}`);
await multicastController.joinGroup('239.9.9.9')
    .catch((error) => console.log(`joinGroup: ${error.name}: ${error.message}`));
// A receiver may not send to the group: the write settles once queued,
// the refusal errors the writable.
const writer = (await socket.opened).writable.getWriter();
await writer.write({ data: new Uint8Array(4), remoteAddress: '239.0.0.1', remotePort: 12345 });
await writer.close().catch((error) => console.log(`write: ${error.name}: ${error.message}`));
writer.releaseLock();
// The refusal ended the socket: close() and closed report it.
await socket.close().catch((error) => console.log(`close: ${error.name}`));
const other = new UDPSocket({ localAddress: '0.0.0.0', localPort: 5000, multicastTimeToLive: 1 });
await other.opened.catch((error) => console.log(`opened: ${error.name}: ${error.message}`));
