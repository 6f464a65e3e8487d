// AbortError (a DOMException): a join still on its way when the page closes
// the socket is abandoned.
// Run: dsock run examples/errors/abort_error.mjs
// expect: line joinGroup: AbortError: Socket closed.

const socket = new UDPSocket({ localAddress: '127.0.0.1' });
const { multicastController } = await socket.opened;
// Handle the outcome before closing: a rejection nobody handles by the
// end of the task ends the app (as an unhandled rejection does).
const joining = multicastController.joinGroup('239.0.0.1').then(
    () => console.log('joinGroup: finished before the close'),
    (error) => console.log(`joinGroup: ${error.name}: ${error.message}`));
await socket.close();
await joining;
