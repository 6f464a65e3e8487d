// Run by conformance_test.sh with --permissions direct-sockets only: a
// bound socket is refused "in parallel" (opened rejects; no throw).
const bound = new UDPSocket({ localAddress: '127.0.0.1' });
await bound.opened.catch((error) => console.log(`opened: ${error.name}: ${error.message}`));
