// The explainer's "Receiving datagrams example (Any-Source Multicast)", as
// written, run with `dsock run examples/multicast_receiver_asm.mjs`.
// Two fixes, each the least that makes it run:
// - it uses `decoder` without declaring it: declared below, as the SSM
//   example does (`const decoder = new TextDecoder();`);
// - `for (group of ...)` assigns an undeclared variable, a ReferenceError
//   in a module (modules are strict): `for (const group of ...)`.

// Params that sender and receiver are agreed upon.
var PORT = 12345;
var MULTICAST_GROUP_ADDR = "239.0.0.1";
// This must be bound socket. Cannot be connected.
const socket = new UDPSocket({
    // This address acts as a filter in case of multicast.
    localAddress: '0.0.0.0',
    // The port must be same as remotePort in sender.
    localPort: PORT,
    // Other multicast options are only for sender.
    multicastAllowAddressSharing: true
});

const { readable, multicastController } = await socket.opened;

await multicastController.joinGroup(MULTICAST_GROUP_ADDR);

for (const group of multicastController.joinedGroups) {
   console.log("joined multicast group=" + group);
}

const decoder = new TextDecoder();  // (not declared in the explainer)
const reader = readable.getReader()
readStream(reader, (message) => {
    const messageStr = decoder.decode(message.data);
    console.log('processing response= ' + messageStr);
});

// stop execution after reading messages for 5s.
await delay(5000);

await reader.cancel();
// Not necessary. The socket will leave all joined groups on calling close.
await multicastController.leaveGroup(MULTICAST_GROUP_ADDR);
await socket.close();


export async function readStream(
  reader, // :ReadableStreamDefaultReader
  cb, // : (value: Uint8Array) => void
) {
  // Read from the socket until it's closed
  while (reader) {
    // Wait for the next chunk
    const { value, done } = await reader.read();

    // Send the chunk to the callback
    if (value) {
      cb(value);
    }

    // Release the reader if we're done
    if (done) {
      console.log('readStream finish');
      reader.releaseLock();
      break;
    }
  }
}

function delay(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}
