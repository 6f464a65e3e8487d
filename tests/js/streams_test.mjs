// The readable and writable streams of UDPSocket: what they yield and take,
// cancel, close, locks and errors, with Chrome 156's messages. A socket
// whose writable a TypeError errored is closed without waiting: Chrome 156
// never settles that close() (docs/js-api.md, "Where we differ").
// expect: line 11 of 11 passed
import {
  assert_array_equals, assert_equals, assert_true, done, open_bound, promise_rejects,
  promise_test,
} from './harness.mjs';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const kWrite = "Failed to execute 'write' on 'WritableStreamDefaultWriter': ";

// Writes `chunk` on a fresh socket of `options`; returns the write's
// promise. The socket is closed without waiting (see the top).
async function writeOnce(options, chunk) {
  const socket = new UDPSocket(options);
  const writer = (await socket.opened).writable.getWriter();
  const written = writer.write(chunk);
  written.catch(() => {}).then(() => { writer.releaseLock(); socket.close().catch(() => {}); });
  return written;
}

async function connectedTo(t, port) {
  const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: port });
  t.add_cleanup(() => socket.close());
  return { socket, info: await socket.opened };
}

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const writer = client.writable.getWriter();
  await writer.write({ data: encoder.encode('ping') });
  const reader = server.readable.getReader();
  const { value, done: finished } = await reader.read();
  assert_equals(finished, false);
  assert_array_equals(Object.keys(value), ['data', 'remoteAddress', 'remotePort']);
  assert_true(value.data instanceof Uint8Array, 'data is a Uint8Array of the app realm');
  assert_equals(decoder.decode(value.data), 'ping');
  assert_equals(value.remoteAddress, '127.0.0.1');
  assert_equals(value.remotePort, client.localPort);
  // Answer in bound mode, to the sender.
  const serverWriter = server.writable.getWriter();
  await serverWriter.write({ data: encoder.encode('pong'), remoteAddress: value.remoteAddress,
                             remotePort: value.remotePort });
  const clientReader = client.readable.getReader();
  const answer = await clientReader.read();
  clientReader.releaseLock();
  assert_array_equals(Object.keys(answer.value), ['data'], 'connected mode yields data only');
  assert_equals(decoder.decode(answer.value.data), 'pong');
  reader.releaseLock(); writer.releaseLock(); serverWriter.releaseLock();
}, 'bound sockets read {data, remoteAddress, remotePort}; connected ones {data}');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const writer = client.writable.getWriter();
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const sources = [bytes.buffer, bytes, new DataView(bytes.buffer, 2, 3),
                   new Int16Array(bytes.buffer, 4, 2), bytes.subarray(6)];
  for (const data of sources) await writer.write({ data });
  const reader = server.readable.getReader();
  const got = [];
  for (let i = 0; i < sources.length; i++) got.push(Array.from((await reader.read()).value.data).join(''));
  assert_array_equals(got, ['12345678', '12345678', '345', '5678', '78']);
  reader.releaseLock(); writer.releaseLock();
}, 'the writable takes every BufferSource: ArrayBuffer, typed arrays, DataView, views with offsets');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const writer = client.writable.getWriter();
  const count = 100;  // Within the kernel's receive buffer: nothing reads yet.
  for (let i = 0; i < count; i++) writer.write({ data: encoder.encode(`${i}`) });
  await writer.close();
  writer.releaseLock();
  const reader = server.readable.getReader();
  for (let i = 0; i < count; i++) {
    assert_equals(decoder.decode((await reader.read()).value.data), `${i}`, 'in order');
  }
  reader.releaseLock();
}, 'writes made back to back all arrive, in order, before close() resolves');

promise_test(async () => {
  const bound = { localAddress: '127.0.0.1' };
  const data = encoder.encode('x');
  await promise_rejects(TypeError, writeOnce(bound, { data }),
                        `${kWrite}UDPMessage: 'remoteAddress' and 'remotePort' must be specified ` +
                        "in 'bound' mode.");
  for (const chunk of [{ data, remoteAddress: '127.0.0.1' }, { data, remotePort: 9 }]) {
    await promise_rejects(TypeError, writeOnce(bound, chunk),
                          `${kWrite}UDPMessage: either none or both 'remoteAddress' and ` +
                          "'remotePort' fields must be specified.");
  }
  await promise_rejects(TypeError,
                        writeOnce(bound, { data, remoteAddress: '127.0.0.1', remotePort: 9,
                                           dnsQueryType: 'x' }),
                        `${kWrite}Failed to read the 'dnsQueryType' property from 'UDPMessage': ` +
                        "The provided value 'x' is not a valid enum value of type " +
                        'SocketDnsQueryType.');
  // What Chrome's network service refuses: NetworkError, in its words
  // (remotePort wraps modulo 2^16: 65536 is port 0).
  for (const [remoteAddress, remotePort, error] of [
    ['127.0.0.1', 0, 'ERR_INVALID_ARGUMENT'], ['127.0.0.1', 65536, 'ERR_INVALID_ARGUMENT'],
    ['1.2.3.4.5', 9, 'ERR_NAME_NOT_RESOLVED']]) {
    await promise_rejects('NetworkError', writeOnce(bound, { data, remoteAddress, remotePort }),
                          `Stream aborted by the remote: net::${error}`);
  }
}, 'bound mode: each message names its destination');

promise_test(async () => {
  const socket = new UDPSocket({ localAddress: '127.0.0.1' });
  const writer = (await socket.opened).writable.getWriter();
  const message = `${kWrite}UDPMessage: 'remoteAddress' and 'remotePort' must be specified ` +
                  "in 'bound' mode.";
  await promise_rejects(TypeError, writer.write({ data: encoder.encode('x') }), message);
  await promise_rejects(TypeError, writer.write({ data: encoder.encode('x'), remoteAddress: '127.0.0.1',
                                                  remotePort: 9 }), message,
                        'the writable stays errored with the first error');
  writer.releaseLock();
  socket.close().catch(() => {});  // Not waited for (see the top).
}, 'a refused write errors the writable');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const connected = { remoteAddress: '127.0.0.1', remotePort: server.localPort };
  const data = encoder.encode('x');
  const cases = [
    [{ data, remoteAddress: '127.0.0.1', remotePort: server.localPort },
     "UDPMessage: 'remoteAddress' and 'remotePort' must not be specified in 'connected' mode."],
    [{ data, remotePort: 70000 },
     "UDPMessage: either none or both 'remoteAddress' and 'remotePort' fields must be specified."],
    [{ data, dnsQueryType: 'ipv4' },
     "UDPMessage: 'dnsQueryType' must not be specified in 'connected' mode."],
    ['just a string', "The provided value is not of type 'UDPMessage'."],
    [{ remotePort: 9 }, "UDPMessage: missing 'data' field."],
    [null, "UDPMessage: missing 'data' field."],
    [{ data: new ArrayBuffer(0) }, "UDPMessage: 'data' field must not be empty."],
    [{ data: new Uint8Array(0) }, "UDPMessage: 'data' field must not be empty."],
    [{ data: 'text' }, "Failed to read the 'data' property from 'UDPMessage': The provided " +
                       "value is not of type '(ArrayBuffer or ArrayBufferView)'."],
    [{ data: [1, 2] }, "Failed to read the 'data' property from 'UDPMessage': The provided " +
                       "value is not of type '(ArrayBuffer or ArrayBufferView)'."],
  ];
  for (const [chunk, message] of cases) {
    await promise_rejects(TypeError, writeOnce(connected, chunk), kWrite + message,
                          JSON.stringify(chunk));
  }
}, 'connected mode: bad chunks are TypeErrors');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const big = new Uint8Array(60000).fill(7);
  const writer = client.writable.getWriter();
  await writer.write({ data: big });
  writer.releaseLock();
  const reader = server.readable.getReader();
  const { value } = await reader.read();
  assert_equals(value.data.length, 60000);
  assert_equals(value.data[59999], 7);
  reader.releaseLock();
  const oversized = writeOnce({ remoteAddress: '127.0.0.1', remotePort: server.localPort },
                              { data: new Uint8Array(65508) });
  await promise_rejects('NetworkError', oversized,
                        'Stream aborted by the remote: net::ERR_MSG_TOO_BIG');
}, 'large datagrams go whole; oversized ones are a NetworkError, as Chrome\'s service says');

promise_test(async () => {
  const socket = new UDPSocket({ localAddress: '127.0.0.1' });
  await promise_rejects('InvalidStateError', socket.close(),
                        "Failed to execute 'close' on 'UDPSocket': Socket is not properly " +
                        'initialized.');
  const { readable, writable } = await socket.opened;
  const locked = "Failed to execute 'close' on 'UDPSocket': Close called on locked streams.";
  const reader = readable.getReader();
  await promise_rejects('InvalidStateError', socket.close(), locked);
  reader.releaseLock();
  const writer = writable.getWriter();
  await promise_rejects('InvalidStateError', socket.close(), locked);
  writer.releaseLock();
  assert_equals(await socket.close(), undefined);
  assert_equals(await socket.closed, undefined);
  const after = await readable.getReader().read();
  assert_equals(after.done, true, 'the readable is done after close');
  await promise_rejects('AbortError', writable.getWriter().write({ data: new Uint8Array(1) }),
                        'Stream closed.');
}, 'close(): not before opened, not with locked streams; then streams are over');

promise_test(async () => {
  const socket = new UDPSocket({ localAddress: '127.0.0.1' });
  const { readable, writable } = await socket.opened;
  const reader = readable.getReader();
  const pending = reader.read();
  await reader.cancel();
  assert_equals((await pending).done, true, 'a pending read ends when cancelled');
  let closedYet = false;
  socket.closed.then(() => { closedYet = true; });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert_equals(closedYet, false, 'the writable still holds the socket open');
  await writable.getWriter().close();
  assert_equals(await socket.closed, undefined, 'closed once both streams are closed');
}, 'cancelling the readable and closing the writable closes the socket');

promise_test(async () => {
  const socket = new UDPSocket({ localAddress: '127.0.0.1' });
  const { writable } = await socket.opened;
  const writer = writable.getWriter();
  assert_true(writer.desiredSize >= 1);
  await writer.ready;
  await writer.abort(new Error('page gave up'));
  await promise_rejects(Error, writer.closed, 'page gave up');
  writer.releaseLock();
  await socket.close();
}, 'abort() errors the writable with the reason');

promise_test(async (t) => {
  // Each message's data is its own Uint8Array of this realm over a buffer
  // of its own, whatever its size: V8 keeps small arrays in its heap and the
  // renderer makes larger ones over the datagram's bytes, and a read that
  // waits takes another path than one the queue answers at once.
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const reader = server.readable.getReader();
  const writer = client.writable.getWriter();
  const sizes = [1200, 1, 64, 65, 2, 1200, 9000];  // Chrome sends no empty one.
  const pattern = (size, seed) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + seed) & 255);
  const waiting = reader.read();  // Before anything is queued.
  for (let i = 0; i < sizes.length; i++) await writer.write({ data: pattern(sizes[i], i) });
  const received = [(await waiting).value];
  while (received.length < sizes.length) received.push((await reader.read()).value);
  for (let i = 0; i < sizes.length; i++) {
    const { data } = received[i];
    assert_true(data instanceof Uint8Array && data.buffer instanceof ArrayBuffer,
                `message ${i}: a Uint8Array of this realm`);
    assert_equals(data.byteOffset, 0, `message ${i}: byteOffset`);
    assert_equals(data.buffer.byteLength, sizes[i], `message ${i}: its buffer is its own`);
    assert_array_equals(Array.from(data), Array.from(pattern(sizes[i], i)), `message ${i}: bytes`);
  }
  // Writing into one message changes no other.
  received[0].data.fill(0);
  assert_array_equals(Array.from(received[5].data), Array.from(pattern(1200, 5)), 'buffers are not shared');
  reader.releaseLock(); writer.releaseLock();
}, 'each message, small or large, read waiting or at once, has a buffer of its own');

await done();
