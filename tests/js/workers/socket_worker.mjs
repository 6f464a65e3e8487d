// A dedicated worker with a bound socket: it answers the page's first
// message with what it opened and joined, then tells the page each
// datagram its socket receives. (Messages wait until the module has run,
// so its top level does not await.)
const socket = new UDPSocket({ localAddress: '127.0.0.1' });
const joined = socket.opened.then(async (info) => {
  await info.multicastController.joinGroup('239.1.2.3');
  return info;
});

let reading = false;
self.onmessage = async (event) => {
  const { localPort, multicastController, readable } = await joined;
  postMessage({
    echo: event.data, localPort, groups: multicastController.joinedGroups,
    scope: String(self), hasWorkerScope: typeof WorkerGlobalScope === 'function',
    origin: self.origin,
  });
  if (reading) return;
  reading = true;
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    postMessage({ received: new TextDecoder().decode(value.data), from: value.remoteAddress });
  }
};
