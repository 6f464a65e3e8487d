// What an isolated app's global scope says of itself, as in Chrome 156: an
// isolated-app:// origin, a secure context, cross-origin isolated.
// expect: line 1 of 1 passed
import { assert_equals, assert_true, done, test } from './harness.mjs';

test(() => {
  assert_equals(typeof self.origin, 'string');
  assert_true(self.origin.startsWith('isolated-app://'), self.origin);
  assert_equals(self.origin, globalThis.origin);
  assert_equals(isSecureContext, true);
  assert_equals(crossOriginIsolated, true);
}, 'origin, isSecureContext and crossOriginIsolated');

await done();
