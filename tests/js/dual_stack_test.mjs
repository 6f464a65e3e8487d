// A dual-stack socket ("::" without ipv6Only) joins IPv4 and IPv6 groups
// alike, as the kernel allows.
// chrome-differs: Chrome's network service refuses an IPv4 group on an IPv6 socket (DataError); ours joins it, as the kernel can (docs/js-api.md)
// expect: line 1 of 1 passed
import { assert_equals, done, open_bound, promise_test } from './harness.mjs';

promise_test(async (t) => {
  const { info: { multicastController: dual } } = await open_bound(t, { localAddress: '::' });
  await dual.joinGroup('239.1.1.1');
  await dual.joinGroup('FF3E::1234');
  assert_equals(dual.joinedGroups.join(), '239.1.1.1,ff3e::1234', 'canonical form');
}, 'a dual-stack socket joins an IPv4 and an IPv6 group');

await done();
