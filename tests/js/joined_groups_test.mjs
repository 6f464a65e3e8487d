// joinedGroups: a FrozenArray of group strings (any-source) and frozen
// {groupAddress, sourceAddress} objects (source-specific), in join order,
// without joins still in flight.
// expect: line 4 of 4 passed
import {
  assert_array_equals, assert_equals, assert_false, assert_throws, assert_true, done,
  open_bound, promise_test,
} from './harness.mjs';

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, { localAddress: '0.0.0.0' });
  const empty = m.joinedGroups;
  assert_true(Array.isArray(empty) && empty.length === 0 && Object.isFrozen(empty));
  assert_true(empty instanceof Array, 'an array of the app realm');
  await m.joinGroup('239.1.1.1');
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  const groups = m.joinedGroups;
  assert_equals(groups.length, 2);
  assert_equals(groups[0], '239.1.1.1');
  assert_equals(typeof groups[1], 'object');
  assert_array_equals(Object.keys(groups[1]), ['groupAddress', 'sourceAddress']);
  assert_equals(groups[1].groupAddress, '232.1.1.1');
  assert_equals(groups[1].sourceAddress, '10.78.0.9');
  // A FrozenArray of dictionaries: the array is frozen, its dictionaries
  // are not (as in Chrome).
  assert_true(Object.isFrozen(groups) && !Object.isFrozen(groups[1]));
  assert_throws(TypeError, () => groups.push('239.9.9.9'));
  assert_false(m.joinedGroups === groups, 'a new array at each get, as in Chrome');
  assert_equals(JSON.stringify(m.joinedGroups), JSON.stringify(groups));
}, 'contents, order and freezing');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, { localAddress: '0.0.0.0' });
  const joining = m.joinGroup('239.1.1.1');
  assert_equals(m.joinedGroups.length, 0, 'a join in flight is not listed');
  await joining;
  assert_array_equals(m.joinedGroups, ['239.1.1.1']);
  const leaving = m.leaveGroup('239.1.1.1');
  assert_array_equals(m.joinedGroups, ['239.1.1.1'], 'a leave in flight is still listed');
  await leaving;
  assert_equals(m.joinedGroups.length, 0);
}, 'joins and leaves in flight');

promise_test(async () => {
  const socket = new UDPSocket({ localAddress: '0.0.0.0' });
  const { multicastController: m } = await socket.opened;
  await m.joinGroup('239.1.1.1');
  await socket.close();
  assert_equals(m.joinedGroups.length, 0, 'the kernel dropped them with the socket');
}, 'after close, nothing is joined');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, { localAddress: '0.0.0.0' });
  const descriptor = Object.getOwnPropertyDescriptor(MulticastController.prototype, 'joinedGroups');
  assert_equals(typeof descriptor.get, 'function');
  assert_equals(descriptor.set, undefined, 'readonly');
  // Modules are strict: assigning to a getter-only attribute throws.
  assert_throws(TypeError, () => { m.joinedGroups = ['x']; });
}, 'joinedGroups is a readonly attribute');

await done();
