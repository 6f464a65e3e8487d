// The explainer's "Receiving datagrams example (Source-Specific
// Multicast)", exactly as written, run with
// `dsock run examples/multicast_receiver_ssm.mjs`. It receives only what
// 192.0.2.100 sends to 232.1.1.1 (tools/main-job gives the sender's machine
// that address).

// Params that sender and receiver are agreed upon.
var PORT = 12345;
// SSM addresses are in the 232.0.0.0/8 range for IPv4
var MULTICAST_GROUP_ADDR = "232.1.1.1";
// The specific source we want to receive from
var SOURCE_ADDR = "192.0.2.100";

// This must be bound socket. Cannot be connected.
const socket = new UDPSocket({
    localAddress: '0.0.0.0',
    localPort: PORT,
    multicastAllowAddressSharing: true
});

const { readable, multicastController } = await socket.opened;

// Join the multicast group with a specific source address (SSM)
await multicastController.joinGroup(MULTICAST_GROUP_ADDR, {
    sourceAddress: SOURCE_ADDR
});

// joinedGroups now returns MulticastMembership objects for SSM memberships
for (const membership of multicastController.joinedGroups) {
    if (typeof membership === 'string') {
        // ASM membership (group address only)
        console.log("joined ASM group=" + membership);
    } else {
        // SSM membership (MulticastMembership object)
        console.log("joined SSM group=" + membership.groupAddress +
                    " from source=" + membership.sourceAddress);
    }
}

const reader = readable.getReader();
const decoder = new TextDecoder();

readStream(reader, (message) => {
    const messageStr = decoder.decode(message.data);
    console.log('processing response from ' + SOURCE_ADDR + ': ' + messageStr);
});

// stop execution after reading messages for 5s.
await delay(5000);

await reader.cancel();
// Leave the SSM group - must specify the same source address
await multicastController.leaveGroup(MULTICAST_GROUP_ADDR, {
    sourceAddress: SOURCE_ADDR
});
await socket.close();


export async function readStream(
  reader, // :ReadableStreamDefaultReader
  cb, // : (value: Uint8Array) => void
) {
  // Read from the socket until it's closed
  while (reader) {
    const { value, done } = await reader.read();
    if (value) {
      cb(value);
    }
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
