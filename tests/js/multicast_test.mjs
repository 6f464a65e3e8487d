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
    ['', 'groupAddress'],
    ['example.com', 'not an IP address literal'],
    ['10.0.0.1', 'not a multicast address'],
    ['::ffff:239.1.1.1', '::ffff:239.1.1.1'],
    ['ff02::1%eth0', 'ff02::1%eth0'],
  ];
  for (const [group, part] of cases) {
    await promise_rejects(TypeError, m.joinGroup(group), part, `join ${group}`);
    await promise_rejects(TypeError, m.leaveGroup(group), part, `leave ${group}`);
  }
}, 'a group that is not a multicast IP literal is a TypeError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  const cases = [
    ['', 'sourceAddress'],
    ['example.com', 'not an IP address literal'],
    ['239.1.1.2', 'sourceAddress'],
    ['0.0.0.0', 'sourceAddress'],
    ['127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['2001:db8::1', 'same version'],
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
  await promise_rejects('InvalidStateError', m.joinGroup('ff3e::1'), 'IPv4 socket cannot join an IPv6 group');
  const { info: { multicastController: only6 } } = await open_bound(t, { localAddress: '::', ipv6Only: true });
  await promise_rejects('InvalidStateError', only6.joinGroup('239.1.1.1'), '239.1.1.1');
  const { info: { multicastController: dual } } = await open_bound(t, { localAddress: '::' });
  await dual.joinGroup('239.1.1.1');
  await dual.joinGroup('FF3E::1234');
  assert_equals(dual.joinedGroups.join(), '239.1.1.1,ff3e::1234', 'canonical form');
}, 'IP version rules: IPv6 group on IPv4, IPv4 group on ipv6Only are InvalidStateError; dual-stack takes both');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  await m.joinGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.1'), '239.1.1.1: already joined on this socket');
  const first = m.joinGroup('239.1.1.2');
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.2'), '239.1.1.2');
  await first;
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  await promise_rejects('InvalidStateError', m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' }),
                        '232.1.1.1 from 10.78.0.9: already joined on this socket');
}, 'a duplicate membership, joined or in flight, is an InvalidStateError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  await m.joinGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.1', { sourceAddress: '10.78.0.9' }), '239.1.1.1');
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  await promise_rejects('InvalidStateError', m.joinGroup('232.1.1.1'), '232.1.1.1');
}, 'any-source and source-specific on one group are an InvalidStateError, either order');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), 'not joined on this socket');
  const joining = m.joinGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), '239.1.1.1');
  await joining;
  const leaving = m.leaveGroup('239.1.1.1');
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), '239.1.1.1');
  await leaving;
  await m.joinGroup('232.1.1.1', { sourceAddress: '10.78.0.9' });
  await promise_rejects('InvalidStateError', m.leaveGroup('232.1.1.1'), 'not joined');
  await promise_rejects('InvalidStateError', m.leaveGroup('232.1.1.1', { sourceAddress: '10.78.0.8' }), 'not joined');
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
  await promise_rejects('InvalidStateError', m.joinGroup('239.1.1.4'), 'the socket is closed');
  await promise_rejects('InvalidStateError', m.leaveGroup('239.1.1.1'), 'the socket is closed');
}, 'close: joins in flight reject with AbortError, later calls with InvalidStateError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  for (let i = 1; i <= 20; i++) await m.joinGroup(`239.2.0.${i}`);
  await promise_rejects('NetworkError', m.joinGroup('239.2.0.21'), '20 memberships');
  assert_equals(m.joinedGroups.length, 20);
}, 'a 21st membership on one socket is a NetworkError');

promise_test(async (t) => {
  const { info: { multicastController: m } } = await open_bound(t, v4);
  for (let i = 1; i <= 10; i++) await m.joinGroup('232.3.3.3', { sourceAddress: `10.78.1.${i}` });
  await promise_rejects('NetworkError', m.joinGroup('232.3.3.3', { sourceAddress: '10.78.1.11' }), '10');
}, 'an 11th source for one group is a NetworkError');

promise_test(async () => {
  const socket = new UDPSocket({ remoteAddress: '239.1.1.1', remotePort: 12345 });
  const info = await socket.opened;
  assert_equals(info.multicastController, undefined);
  await socket.close();
}, 'a connected socket has no MulticastController');

await done();
