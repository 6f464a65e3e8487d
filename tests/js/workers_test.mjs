// Dedicated workers, where Direct Sockets is exposed too ([Exposed=(Window,
// DedicatedWorker)]): started from a TrustedScriptURL (an isolated app's
// CSP requires Trusted Types), messages cloned both ways, a socket in the
// worker, and the errors a page sees, as in Chrome 156.
// expect: line 5 of 5 passed
import { assert_equals, assert_throws, assert_true, done, promise_test, test } from './harness.mjs';

const policy = trustedTypes.createPolicy('workers', { createScriptURL: (url) => url });
const scriptUrl = (url) => policy.createScriptURL(url);

// The next `type` event of `target`.
const next = (target, type) => new Promise((resolve) => {
  target.addEventListener(type, resolve, { once: true });
});

test(() => {
  const construct = "Failed to construct 'Worker': ";
  assert_throws(TypeError, () => new Worker('./workers/thrower.mjs', { type: 'module' }),
                `${construct}This document requires 'TrustedScriptURL' assignment.`);
  assert_throws(TypeError, () => new Worker(),
                `${construct}1 argument required, but only 0 present.`);
  assert_throws(TypeError, () => new Worker(scriptUrl('./workers/thrower.mjs'), { type: 'x' }),
                `${construct}Failed to read the 'type' property from 'WorkerOptions': The ` +
                "provided value 'x' is not a valid enum value of type WorkerType.");
  assert_equals(Worker.length, 1);
  assert_true(trustedTypes.isScriptURL(scriptUrl('./a.mjs')));
  assert_equals(String(scriptUrl('./a.mjs')), './a.mjs');
}, 'a worker starts from a TrustedScriptURL');

promise_test(async () => {
  const worker = new Worker(scriptUrl('./workers/socket_worker.mjs'), { type: 'module' });
  const answered = next(worker, 'message');
  const sent = { text: 'hello', bytes: new Uint8Array([1, 2, 3]), map: new Map([[1, 'one']]) };
  worker.postMessage(sent);
  const { data } = await answered;
  assert_true(data.echo !== sent, 'a clone, not the object');
  assert_equals(data.echo.text, 'hello');
  assert_true(data.echo.bytes instanceof Uint8Array, 'bytes of the page\'s realm');
  assert_equals(data.echo.bytes.join(), '1,2,3');
  assert_equals(data.echo.map.get(1), 'one');
  assert_equals(typeof data.localPort, 'number');
  assert_equals(JSON.stringify(data.groups), '["239.1.2.3"]');
  assert_equals(data.scope, '[object DedicatedWorkerGlobalScope]');
  assert_true(data.hasWorkerScope);
  assert_equals(data.origin, self.origin);

  // A datagram from the page's socket reaches the worker's.
  const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: data.localPort });
  const writer = (await socket.opened).writable.getWriter();
  const received = next(worker, 'message');
  await writer.write({ data: new TextEncoder().encode('to the worker') });
  const report = (await received).data;
  assert_equals(report.received, 'to the worker');
  assert_equals(report.from, '127.0.0.1');
  writer.releaseLock();
  await socket.close();
  worker.terminate();
}, 'a worker opens a socket, joins a group and receives');

promise_test(async () => {
  const worker = new Worker(scriptUrl('./workers/classic.js'));
  const answered = next(worker, 'message');
  worker.postMessage(21);
  assert_equals((await answered).data, 42);
  worker.terminate();
}, 'a classic worker');

promise_test(async () => {
  const missing = new Worker(scriptUrl('./workers/missing.mjs'), { type: 'module' });
  const failed = await next(missing, 'error');
  assert_equals(failed.constructor, Event, 'a plain Event for a script that did not load');
  const thrower = new Worker(scriptUrl('./workers/thrower.mjs'), { type: 'module' });
  const error = await new Promise((resolve) => {
    thrower.onerror = (event) => {
      event.preventDefault();
      resolve(event);
    };
  });
  assert_true(error instanceof ErrorEvent);
  assert_equals(error.message, 'Uncaught RangeError: boom in worker');
  assert_true(error.cancelable);
}, 'a worker that does not load, and one that throws');

test(() => {
  for (const name of ['Worker', 'MessageEvent', 'ErrorEvent', 'TrustedScriptURL']) {
    assert_equals(typeof globalThis[name], 'function', name);
  }
  assert_equals(Object.prototype.toString.call(new Worker(scriptUrl('./workers/classic.js'))),
                '[object Worker]');
}, 'the worker interfaces exist in the page');

await done();
