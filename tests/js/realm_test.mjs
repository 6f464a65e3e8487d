// One realm: every object a page reaches, through the web globals or the
// Direct Sockets API, belongs to the page's own realm (its constructor's
// constructor is the page's Function), as in Chrome; and the realm's CSP
// forbids code from strings.
// expect: line 6 of 6 passed
import {
  assert_equals, assert_true, done, open_bound, promise_test, test,
} from './harness.mjs';

// Whether `value` (an object or function) is of this realm.
function ofThisRealm(value) {
  const constructor = typeof value === 'function' ? value.constructor
                                                  : value.constructor.constructor;
  return constructor === Function;
}

test(() => {
  const error = new DOMException('gone', 'AbortError');
  assert_true(error instanceof Error, 'a DOMException is an Error');
  assert_true(Object.getPrototypeOf(DOMException.prototype) === Error.prototype);
  assert_equals(error.name, 'AbortError');
  assert_equals(error.message, 'gone');
  assert_equals(error.code, 20);
  assert_equals(DOMException.ABORT_ERR, 20);
  assert_equals(new DOMException().name, 'Error');
  assert_equals(Object.prototype.toString.call(error), '[object DOMException]');
}, 'DOMException is an Error of this realm');

test(() => {
  const url = new URL('https://example.com/a?b=c');
  const reached = {
    'console.log': console.log, setTimeout, queueMicrotask, structuredClone, atob,
    'TextEncoder#encode': new TextEncoder().encode('a'),
    TextDecoder: new TextDecoder(),
    'structuredClone result': structuredClone({ a: [1] }),
    URL: url, searchParams: url.searchParams,
    'getRandomValues result': crypto.getRandomValues(new Uint8Array(2)),
    AbortSignal: new AbortController().signal, Event: new Event('x'),
    ReadableStream: new ReadableStream(), WritableStream: new WritableStream(),
    UDPSocket, MulticastController, performance,
  };
  for (const [name, value] of Object.entries(reached)) {
    assert_true(ofThisRealm(value), `${name} is of this realm`);
  }
  assert_equals(new TextDecoder().decode(new TextEncoder().encode('héllo')), 'héllo');
  assert_equals(url.searchParams.get('b'), 'c');
  assert_equals(structuredClone(new Map([[1, 2]])).get(1), 2);
  assert_equals(typeof performance.now(), 'number');
}, 'the web globals and what they return are of this realm');

promise_test(async (t) => {
  const { socket, info } = await open_bound(t, { localAddress: '127.0.0.1' });
  const joined = info.multicastController.joinGroup('239.1.2.3');
  const refused = info.multicastController.joinGroup('not an address');
  const reader = info.readable.getReader();
  const read = reader.read();
  const writer = info.writable.getWriter();
  const written = writer.write({ data: new TextEncoder().encode('x'), remoteAddress: '127.0.0.1',
                                 remotePort: info.localPort });
  const reached = {
    opened: socket.opened, openInfo: info, readable: info.readable, reader, read,
    joined, refused, written, joinedGroups: info.multicastController.joinedGroups,
  };
  for (const [name, value] of Object.entries(reached)) {
    assert_true(ofThisRealm(value), `${name} is of this realm`);
  }
  const error = await refused.catch((e) => e);
  assert_true(error instanceof TypeError && ofThisRealm(error), 'a refusal is a TypeError here');
  const { value } = await read;
  assert_true(value.data instanceof Uint8Array && ofThisRealm(value), 'a read result');
  await written;
  await joined;
  reader.releaseLock();
  writer.releaseLock();
}, 'what the API hands out is of this realm');

promise_test(async () => {
  const error = await import('node:fs').catch((e) => e);
  assert_true(error instanceof TypeError && ofThisRealm(error), 'an import refusal');
  let constructorError;
  try {
    new UDPSocket({ localAddress: 'x' });
  } catch (e) {
    constructorError = e;
  }
  assert_true(constructorError instanceof TypeError && ofThisRealm(constructorError));
}, 'errors the page catches are of this realm');

promise_test(async () => {
  const realmPromise = Promise;
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue('a');
      controller.close();
    },
  });
  globalThis.Promise = function PagePromise() {
    throw new Error("the page's own Promise was called");
  };
  try {
    const read = stream.getReader().read();
    assert_true(read instanceof realmPromise, "read() returns the realm's own promise");
    const { value } = await read;
    assert_equals(value, 'a');
  } finally {
    globalThis.Promise = realmPromise;
  }
}, "streams use the realm's intrinsics, not what the page put on its global");

test(() => {
  const kCsp = "Evaluating a string as JavaScript violates the following Content Security " +
      "Policy directive because 'unsafe-eval' is not an allowed source of script: " +
      "script-src 'self' 'wasm-unsafe-eval'\".\n";  // Chrome 156 ends it with a newline.
  for (const attempt of [() => eval('1'), () => new Function('return 1'),
                         () => console.log.constructor('return 1')]) {
    let error;
    try {
      attempt();
    } catch (e) {
      error = e;
    }
    assert_true(error instanceof EvalError, `EvalError, got ${error}`);
    assert_equals(error.message, kCsp);
  }
}, 'the CSP of an isolated app: no code from strings');

await done();
