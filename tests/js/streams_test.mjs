// The readable and writable streams of UDPSocket: what they yield and take,
// cancel, close, locks and errors.
// expect: line 10 of 10 passed
import {
  assert_array_equals, assert_equals, assert_true, done, open_bound, promise_rejects,
  promise_test,
} from './harness.mjs';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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
                   new Int16Array(bytes.buffer, 4, 2), bytes.subarray(6), new ArrayBuffer(0)];
  for (const data of sources) await writer.write({ data });
  const reader = server.readable.getReader();
  const got = [];
  for (let i = 0; i < sources.length; i++) got.push(Array.from((await reader.read()).value.data).join(''));
  assert_array_equals(got, ['12345678', '12345678', '345', '5678', '78', '']);
  reader.releaseLock(); writer.releaseLock();
}, 'the writable takes every BufferSource: ArrayBuffer, typed arrays, DataView, views with offsets, empty');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const writer = client.writable.getWriter();
  const count = 300;
  for (let i = 0; i < count; i++) writer.write({ data: encoder.encode(`${i}`) });
  await writer.close();
  writer.releaseLock();
  const reader = server.readable.getReader();
  for (let i = 0; i < count; i++) {
    assert_equals(decoder.decode((await reader.read()).value.data), `${i}`, 'in order');
  }
  reader.releaseLock();
}, 'writes made back to back all arrive, in order, before close() resolves');

promise_test(async (t) => {
  const { info } = await open_bound(t);
  const writer = info.writable.getWriter();
  for (const [remotePort, part] of [[70000, 'remotePort: value 70000'], [NaN, 'not a finite number']]) {
    const port = new UDPSocket({ localAddress: '127.0.0.1' });
    const portWriter = (await port.opened).writable.getWriter();
    await promise_rejects(TypeError, portWriter.write({ data: encoder.encode('x'), remoteAddress: '127.0.0.1',
                                                        remotePort }), part);
    portWriter.releaseLock();
    await port.close();
  }
  await promise_rejects(TypeError, writer.write({ data: encoder.encode('x') }), 'remoteAddress');
  await promise_rejects(TypeError, writer.write({ data: encoder.encode('x'), remoteAddress: '127.0.0.1',
                                                  remotePort: 9 }), 'remoteAddress',
                        'the writable stays errored with the first error');
  writer.releaseLock();
}, 'bound mode: a write without an address is a TypeError and errors the writable');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const cases = [
    [{ data: encoder.encode('x'), remoteAddress: '127.0.0.1', remotePort: server.localPort }, 'connected'],
    ['just a string', 'UDPMessage'],
    [{ remotePort: 9 }, 'data is required'],
    [{ data: 'text' }, 'BufferSource'],
    [{ data: encoder.encode('x'), remotePort: 70000 }, 'connected'],
  ];
  for (const [chunk, part] of cases) {
    const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: server.localPort });
    const { writable } = await socket.opened;
    const writer = writable.getWriter();
    await promise_rejects(TypeError, writer.write(chunk), part, JSON.stringify(chunk));
    writer.releaseLock();
    await socket.close();
  }
  assert_true(client.writable instanceof WritableStream);
}, 'connected mode: bad chunks are TypeErrors');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const { info: client } = await connectedTo(t, server.localPort);
  const big = new Uint8Array(60000).fill(7);
  const writer = client.writable.getWriter();
  await writer.write({ data: big });
  await promise_rejects(TypeError, writer.write({ data: new Uint8Array(70000) }), '65507');
  writer.releaseLock();
  const reader = server.readable.getReader();
  const { value } = await reader.read();
  assert_equals(value.data.length, 60000);
  assert_equals(value.data[59999], 7);
  reader.releaseLock();
}, 'large datagrams go whole; oversized ones are a TypeError');

promise_test(async () => {
  const socket = new UDPSocket({ localAddress: '127.0.0.1' });
  await promise_rejects('InvalidStateError', socket.close(), 'not open yet');
  const { readable, writable } = await socket.opened;
  const reader = readable.getReader();
  await promise_rejects('InvalidStateError', socket.close(), 'locked');
  reader.releaseLock();
  const writer = writable.getWriter();
  await promise_rejects('InvalidStateError', socket.close(), 'locked');
  writer.releaseLock();
  assert_equals(await socket.close(), undefined);
  assert_equals(await socket.closed, undefined);
  const after = await readable.getReader().read();
  assert_equals(after.done, true, 'the readable is done after close');
  await promise_rejects(TypeError, writable.getWriter().write({ data: new Uint8Array(1) }),
                        'the writable stream is closed');
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
  // Nothing routes to 10.99.0.0/16 in the test's namespace: the kernel
  // refuses the send after the write has settled (writes settle once
  // queued); the failure shows at close, and at any later write.
  const { socket, info } = await open_bound(t, { localAddress: '0.0.0.0' });
  const writer = info.writable.getWriter();
  await writer.write({ data: encoder.encode('x'), remoteAddress: '10.99.0.1', remotePort: 9 });
  await promise_rejects('NetworkError', writer.close(), 'unreachable');
  await promise_rejects('NetworkError', writer.write({ data: encoder.encode('y'), remoteAddress: '10.99.0.1',
                                                       remotePort: 9 }));
  writer.releaseLock();
  await promise_rejects('NetworkError', socket.close(), 'unreachable');
  await promise_rejects('NetworkError', socket.closed, 'unreachable');
}, 'a send the kernel refuses errors the writable with NetworkError');

await done();
