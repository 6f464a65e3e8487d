// Run by tests/js/run_app_test.sh with --permissions direct-sockets,
// direct-sockets-private: the older name of Local Network Access still
// grants local-network and loopback-network here.
// chrome-differs: Chrome 156 no longer knows direct-sockets-private (a bound socket is refused there); ours still reads it as local-network and loopback-network (docs/js-api.md)
// expect: args --permissions direct-sockets,direct-sockets-private
// expect: line bound: opened on 127.0.0.1
const socket = new UDPSocket({ localAddress: '127.0.0.1' });
const { localAddress } = await socket.opened;
console.log(`bound: opened on ${localAddress}`);
await socket.close();
