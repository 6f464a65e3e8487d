// A small harness in the spirit of web-platform-tests' testharness.js, for
// the JS conformance suite: each app is its own test (tests/js/BUILD.bazel),
// run through `dsock run`.
// Tests run one at a time, in the order they were declared; each prints
// PASS or FAIL. done() throws when any failed, so the app exits 1.

const tests = [];

export function promise_test(fn, name) {
  tests.push({ fn, name });
}

export function test(fn, name) {
  tests.push({ fn: async () => fn(), name });
}

export async function done() {
  let failed = 0;
  for (const { fn, name } of tests) {
    const cleanups = [];
    try {
      await fn({ add_cleanup: (cleanup) => cleanups.push(cleanup) });
      console.log(`PASS ${name}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name}: ${error && error.name}: ${error && error.message}`);
    } finally {
      for (const cleanup of cleanups.reverse()) {
        try { await cleanup(); } catch { /* already closed */ }
      }
    }
  }
  console.log(`${tests.length - failed} of ${tests.length} passed`);
  if (failed > 0) throw new Error(`${failed} of ${tests.length} tests failed`);
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
}

export function assert_true(value, description = '') {
  if (value !== true) throw new Error(`expected true, got ${describe(value)} ${description}`);
}

export function assert_false(value, description = '') {
  if (value !== false) throw new Error(`expected false, got ${describe(value)} ${description}`);
}

export function assert_equals(actual, expected, description = '') {
  if (!Object.is(actual, expected)) {
    throw new Error(`expected ${describe(expected)}, got ${describe(actual)} ${description}`);
  }
}

export function assert_array_equals(actual, expected, description = '') {
  assert_equals(JSON.stringify(actual), JSON.stringify(expected), description);
}

// The error must be of class `type` (the app realm's TypeError, ...), or a
// DOMException named `name`, and its message must contain `part`.
function check_error(error, expected, part, description) {
  if (typeof expected === 'string') {
    if (!(error instanceof DOMException) || error.name !== expected) {
      throw new Error(`expected a DOMException ${expected}, got ` +
                      `${error && error.constructor && error.constructor.name} ` +
                      `${error && error.name}: ${error && error.message} ${description}`);
    }
  } else if (!(error instanceof expected) || error.constructor !== expected) {
    throw new Error(`expected ${expected.name}, got ${error && error.name}: ` +
                    `${error && error.message} ${description}`);
  }
  if (part !== undefined && !String(error.message).includes(part)) {
    throw new Error(`message ${JSON.stringify(error.message)} does not contain ` +
                    `${JSON.stringify(part)} ${description}`);
  }
}

export function assert_throws(expected, fn, part, description = '') {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = { error };
  }
  if (!thrown) throw new Error(`expected a throw ${description}`);
  check_error(thrown.error, expected, part, description);
}

export async function promise_rejects(expected, promise, part, description = '') {
  if (!promise || typeof promise.then !== 'function') {
    throw new Error(`expected a promise ${description}`);
  }
  let outcome;
  try {
    await promise;
  } catch (error) {
    outcome = { error };
  }
  if (!outcome) throw new Error(`expected a rejection ${description}`);
  check_error(outcome.error, expected, part, description);
}

// A bound socket on loopback (or `options`), closed when the test ends.
export async function open_bound(t, options = { localAddress: '127.0.0.1' }) {
  const socket = new UDPSocket(options);
  t.add_cleanup(() => socket.close());
  return { socket, info: await socket.opened };
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
