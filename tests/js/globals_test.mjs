// What an isolated app's global scope says of itself, as in Chrome 156: an
// isolated-app:// origin, a secure context, cross-origin isolated; and
// performance.timeOrigin, by which apps on several machines keep a schedule.
// expect: line 2 of 2 passed
import { assert_equals, assert_true, done, test } from './harness.mjs';

test(() => {
  assert_equals(typeof self.origin, 'string');
  assert_true(self.origin.startsWith('isolated-app://'), self.origin);
  assert_equals(self.origin, globalThis.origin);
  assert_equals(isSecureContext, true);
  assert_equals(crossOriginIsolated, true);
}, 'origin, isSecureContext and crossOriginIsolated');

test(() => {
  assert_equals(typeof performance.timeOrigin, 'number');
  // timeOrigin + now() is the time since the epoch, as Date.now() counts it.
  const skew = Math.abs(performance.timeOrigin + performance.now() - Date.now());
  assert_true(skew < 50, `timeOrigin + now() is ${skew} ms from Date.now()`);
}, 'performance.timeOrigin');

await done();
