// A send the kernel refuses: we tell the page (the writable errors with
// NetworkError at the next write or close); Chrome 156 resolves the writes
// and close() as if the datagrams went out.
// chrome-differs: Chrome 156 drops a send the kernel refuses without a word; we error the writable with NetworkError
// expect: line 1 of 1 passed
import { done, open_bound, promise_rejects, promise_test } from './harness.mjs';

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

await done();
