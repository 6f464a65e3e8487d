// When a write settles. Here a write settles once the renderer has queued
// it (so writes made back to back travel as one batch); in Chrome 156, when
// its network service has taken it. What a page can see of that: a send
// the kernel refuses is reported here (the writable errors with
// NetworkError) and dropped without a word by Chrome; socket.close() sends
// what was written first, where Chrome aborts the writes still queued
// (AbortError "Stream closed."); writer.abort() rejects only what was not
// yet queued.
// chrome-differs: writes settle when the renderer has queued them, not when the service answers (docs/js-api.md)
// expect: line 3 of 3 passed
import {
  assert_equals, done, open_bound, promise_rejects, promise_test,
} from './harness.mjs';

const encoder = new TextEncoder();

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

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const client = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: server.localPort });
  const writer = (await client.opened).writable.getWriter();
  const writes = [];
  for (let i = 0; i < 10; i++) writes.push(writer.write({ data: encoder.encode(`${i}`) }));
  writer.releaseLock();
  await client.close();
  await Promise.all(writes);
  const reader = server.readable.getReader();
  for (let i = 0; i < 10; i++) {
    assert_equals(new TextDecoder().decode((await reader.read()).value.data), `${i}`);
  }
  reader.releaseLock();
}, 'socket.close() sends every datagram written before it');

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  const client = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: server.localPort });
  const writer = (await client.opened).writable.getWriter();
  const queued = writer.write({ data: encoder.encode('x') });
  await writer.abort(new Error('gave up'));
  await queued;
  await promise_rejects(Error, writer.write({ data: encoder.encode('y') }), 'gave up');
  writer.releaseLock();
  await client.close();
}, 'writer.abort() rejects what comes after it; what was queued goes');

await done();
