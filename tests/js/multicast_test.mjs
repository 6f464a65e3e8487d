// Every rule of MulticastController seen from JS: the error's class, name
// and message (docs/multicast.md lists them), on the network namespace's
// veth (10.78.0.1, fd78::1).
// expect: line 12 of 12 passed
import {
  assert_equals, assert_true, done, open_bound, promise_rejects, promise_test,
} from './harness.mjs';

const v4 = { localAddress: '0.0.0.0' };

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  assert_equals(await m.joinGroup('239.1.1.1'), undefined);
  assert_equals(await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' }), undefined);
  assert_equals(await m.leaveGroup('232.1.1.1', { sourceAddress: '10.78.0.9' }), undefined);
  assert_equals(await m.leaveGroup('239.1.1.1'), undefined);
}, 'join and leave, any-source and source-specific, resolve with undefined');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  const cases = [
    ['', 'ipAddress must not be empty'],
    ['example.com', 'ipAddress is not a valid IPv4 or IPv6 address'],
    ['10.0.0.1', 'ipAddress must be a valid multicast address'],
    ['ff02::1%eth0', 'ipAddress is not a valid IPv4 or IPv6 address'],
  ];
  for (const [group, part] of cases) {
    await promise_rejects(TypeError, m.joinGroup(group),
                          `Failed to execute 'joinGroup' on 'MulticastController': ${part}`,
                          `join ${group}`);
    await promise_rejects(TypeError, m.leaveGroup(group),
                          `Failed to execute 'leaveGroup' on 'MulticastController': ${part}`,
                          `leave ${group}`);
  }
  // An IPv4-mapped group passes those checks; the service refuses it.
  await promise_rejects('DataError', m.joinGroup('::ffff:239.1.1.1'), 'The address is not valid.');
}, 'a group that is not a multicast IP literal is a TypeError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  const cases = [
    ['', 'sourceAddress must not be empty'],
    ['example.com', 'sourceAddress is not a valid IPv4 or IPv6 address'],
    ['239.1.1.2', 'sourceAddress must be a unicast address, not a multicast address'],
    ['0.0.0.0', 'sourceAddress must not be the zero address (0.0.0.0 or ::)'],
    ['::ffff:10.0.0.1', 'sourceAddress and ipAddress must be the same IP version'],
    ['2001:db8::1', 'sourceAddress and ipAddress must be the same IP version'],
  ];
  for (const [source, part] of cases) {
    await promise_rejects(TypeError, m.joinGroup('232.1.1.1', { sourceAddress: source }), part,
                          `source ${source}`);
  }
}, 'a source that is not a unicast literal of the group\'s version is a TypeError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  const p = m.joinGroup();
  assert_true(p instanceof Promise, 'joinGroup() returns a promise, it does not throw');
  await promise_rejects(TypeError, p, '1 argument required');
  await promise_rejects(TypeError, m.leaveGroup(), '1 argument required');
  await promise_rejects(TypeError, m.joinGroup('239.1.1.1', 5), 'MulticastGroupOptions');
  await promise_rejects(TypeError, m.joinGroup(Symbol('g')), 'Symbol');
  await m.joinGroup('232.1.1.1', { sourceAddress: { toString: () => '10.78.0.9' } });
  assert_equals(m.joinedGroups[0].sourceAddress, '10.78.0.9');
  await promise_rejects(TypeError, MulticastController.prototype.joinGroup.call({}, '239.1.1.1'),
                        'Illegal invocation');
}, 'arguments are converted by WebIDL rules; bad ones reject');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  await promise_rejects('DataError', m.joinGroup('ff3e::1'), 'The address is not valid.');
  const { info: { multicastController: only6 } } = await open_bound(t, { localAddress: '::', ipv6Only: true });
  await promise_rejects('DataError', only6.joinGroup('239.1.1.1'), 'The address is not valid.');
  const { info: { multicastController: v6 } } = await open_bound(t, { localAddress: '::' });
  await v6.joinGroup('FF3E::1234');
  assert_equals(v6.joinedGroups.join(), 'ff3e::1234', 'canonical form');
}, 'IP version rules: IPv6 group on IPv4, IPv4 group on ipv6Only are DataError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  await m.joinGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.1'),
                        'Cannot join the same group/source combination again');
  const first = m.joinGroup('239.1.1.2');
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.2'),
                        'Already joining this group/source combination');
  await first;
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  await promise_rejects('InvalidStateError', m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' }),
                        'Cannot join the same group/source combination again');
}, 'a duplicate membership, joined or in flight, is an InvalidStateError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  await m.joinGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.1', { sourceAddress: '10.78.0.9' }),
                        'Cannot join SSM group for which ASM membership already exists');
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  await promise_rejects('InvalidStateError', m.joinGroup('232.1.1.1'),
                        'Cannot join ASM group for which SSM membership already exists');
}, 'any-source and source-specific on one group are an InvalidStateError, either order');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  const notJoined = 'Cannot leave group which is not joined';
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), notJoined);
  const joining = m.joinGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), notJoined);
  await joining;
  const leaving = m.leaveGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), 'Already leaving the group');
  await leaving;
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  await promise_rejects('InvalidStateError', m.leaveGroup('232.1.1.1'), notJoined);
  await promise_rejects('InvalidStateError', m.leaveGroup('232.1.1.1', { sourceAddress: '10.78.0.8' }), notJoined);
}, 'leaving what is not joined, still joining, or already leaving is an InvalidStateError');

promise_test(async () => {
  const socket = new UDPSocket(v4);
  const { multicastController: m } = await socket.opened;
  await m.joinGroup('239.1.1.1');
  const joins = [m.joinGroup('239.1.1.2'), m.joinGroup('239.1.1.3')];
  const outcomes = joins.map((p) => p.then(() => 'joined', (e) => e));
  await socket.close();
  for (const outcome of await Promise.all(outcomes)) {
    assert_true(outcome instanceof DOMException && outcome.name === 'AbortError',
                `join in flight at close: ${outcome && outcome.name}`);
  }
  // The state is checked before the address.
  await promise_rejects('InvalidStateError', m.joinGroup('not-an-ip'),
                        'Cannot join group if the socket is not opened');
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'),
                        'Cannot leave group if the socket is not opened');
}, 'close: joins in flight reject with AbortError, later calls with InvalidStateError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  for (let i = 1; i <= 20; i++) await m.joinGroup(`239.2.0.${i}`);
  // Chrome says only "Network Error."; ours names the limit
  // (docs/multicast.md).
  await promise_rejects('NetworkError', m.joinGroup('239.2.0.21'));
  assert_equals(m.joinedGroups.length, 20);
}, 'a 21st membership on one socket is a NetworkError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  for (let i = 1; i <= 10; i++) await m.joinGroup('232.3.3.3', { sourceAddress: `10.78.1.${i}` });
  await promise_rejects('NetworkError', m.joinGroup('232.3.3.3', { sourceAddress: '10.78.1.11' }));
}, 'an 11th source for one group is a NetworkError');

promise_test(async () => {
  const socket = new UDPSocket({ remoteAddress: '239.1.1.1', remotePort: 12345 });
  const info = await socket.opened;
  assert_equals(info.multicastController, undefined);
  await socket.close();
}, 'a connected socket has no MulticastController');

await done();
