// UDPSocketOptions as a Blink binding converts them (WebIDL dictionary,
// [EnforceRange] integers, booleans, enums), then the constructor's rules,
// each message as Chrome 156 says it (tests/chromium/ runs this app there).
// expect: line 23 of 23 passed
import {
  assert_array_equals, assert_equals, assert_throws, assert_true, done,
  open_bound, promise_rejects, promise_test, test,
} from './harness.mjs';

test(() => {
  assert_equals(typeof UDPSocket, 'function');
  assert_equals(typeof MulticastController, 'function');
  assert_throws(TypeError, () => UDPSocket({ localAddress: '127.0.0.1' }),
                "Failed to construct 'UDPSocket': Please use the 'new' operator, this DOM " +
                'object constructor cannot be called as a function.');
  assert_throws(TypeError, () => new MulticastController(),
                "Failed to construct 'MulticastController': Illegal constructor");
}, 'interfaces exist; UDPSocket needs new; MulticastController is not constructible');

test(() => {
  const own = (object, key) => Object.getOwnPropertyDescriptor(object, key);
  for (const [cls, attributes, operations] of [
    [UDPSocket, ['opened', 'closed'], ['close']],
    [MulticastController, ['joinedGroups'], ['joinGroup', 'leaveGroup']],
  ]) {
    const global = own(globalThis, cls.name);
    assert_true(global.writable && !global.enumerable && global.configurable, `global ${cls.name}`);
    for (const name of attributes) {
      const d = own(cls.prototype, name);
      assert_true(typeof d.get === 'function' && d.set === undefined && d.enumerable && d.configurable,
                  `${cls.name}.${name} is a readonly attribute`);
    }
    for (const name of operations) {
      const d = own(cls.prototype, name);
      assert_true(typeof d.value === 'function' && d.writable && d.enumerable && d.configurable,
                  `${cls.name}.${name} is an operation`);
    }
    const tag = own(cls.prototype, Symbol.toStringTag);
    assert_true(tag.value === cls.name && !tag.writable && !tag.enumerable && tag.configurable,
                `${cls.name}'s class string`);
  }
  assert_equals(MulticastController.prototype.joinGroup.length, 1);
  assert_equals(MulticastController.prototype.leaveGroup.length, 1);
  assert_equals(UDPSocket.length, 1, 'options is a required dictionary');
  assert_equals(Object.getOwnPropertyDescriptor(UDPSocket, 'prototype').writable, false);
  assert_equals(Object.prototype.toString.call(MulticastController.prototype), '[object MulticastController]');
}, 'the interfaces have WebIDL\'s shape');

test(() => {
  for (const value of [5, 'x', true]) {
    assert_throws(TypeError, () => new UDPSocket(value),
                  "Failed to construct 'UDPSocket': The provided value is not of type " +
                  "'UDPSocketOptions'.");
  }
}, 'options must be a dictionary');

test(() => {
  assert_throws(TypeError, () => new UDPSocket(),
                "Failed to construct 'UDPSocket': 1 argument required, but only 0 present.");
  for (const options of [{}, null, undefined]) {
    assert_throws(TypeError, () => new UDPSocket(options),
                  "Failed to construct 'UDPSocket': neither remoteAddress nor localAddress " +
                  'specified.');
  }
}, 'options are required; no address at all is a TypeError');

test(() => {
  const read = [];
  const options = new Proxy({}, { get(target, key) { read.push(key); return undefined; } });
  assert_throws(TypeError, () => new UDPSocket(options));
  assert_array_equals(read, [
    'receiveBufferSize', 'sendBufferSize', 'dnsQueryType', 'ipv6Only', 'localAddress',
    'localPort', 'multicastAllowAddressSharing', 'multicastLoopback',
    'multicastTimeToLive', 'remoteAddress', 'remotePort']);
}, 'members are read in WebIDL order: inherited first, then lexicographic');

for (const member of ['remotePort', 'localPort']) {
  const base = member === 'remotePort' ? { remoteAddress: '127.0.0.1' } : { localAddress: '127.0.0.1' };
  test(() => {
    const read = `Failed to construct 'UDPSocket': Failed to read the '${member}' property ` +
                 "from 'UDPSocketOptions': ";
    for (const bad of [NaN, 'abc', {}]) {
      assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: bad }),
                    `${read}Value is not of type 'unsigned short'.`, `for ${String(bad)}`);
    }
    for (const bad of [Infinity, -Infinity]) {
      assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: bad }),
                    `${read}Value is infinite and not of type 'unsigned short'.`);
    }
    for (const bad of [-1, 65536, 1e300]) {
      assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: bad }),
                    `${read}Value is outside the 'unsigned short' value range.`);
    }
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 10n }),
                  `${read}Cannot convert a BigInt value to a number`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: Symbol('p') }),
                  `${read}Cannot convert a Symbol value to a number`);
  }, `${member} is an [EnforceRange] unsigned short`);
}

promise_test(async (t) => {
  const { info: server } = await open_bound(t);
  for (const port of [`${server.localPort}`, server.localPort + 0.9,
                      { valueOf: () => server.localPort }]) {
    const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: port });
    const info = await socket.opened;
    assert_equals(info.remotePort, server.localPort, `for ${String(port)}`);
    await socket.close();
  }
}, 'remotePort: strings, fractions and objects convert (ToNumber, truncation)');

promise_test(async (t) => {
  const socket = new UDPSocket({ localAddress: '127.0.0.1', localPort: 1023 });
  await promise_rejects('InvalidAccessError', socket.opened,
                        'Access to the requested host or port is blocked.');
  await promise_rejects('InvalidAccessError', socket.closed);
}, 'a privileged localPort rejects opened with InvalidAccessError (not a throw)');

test(() => {
  assert_throws(TypeError, () => new UDPSocket({ localAddress: '127.0.0.1', localPort: 0 }),
                "Failed to construct 'UDPSocket': localPort must be greater than zero. Leave " +
                'this field unassigned to allow the OS to pick a port on its own.');
  for (const localAddress of ['example.com', '', '1.2.3.4.5']) {
    assert_throws(TypeError, () => new UDPSocket({ localAddress }),
                  "Failed to construct 'UDPSocket': localAddress must be a valid IP address.");
  }
}, 'a bound socket needs an IP literal and a port above 0');

test(() => {
  const base = { remoteAddress: '239.0.0.1', remotePort: 12345 };
  const read = "Failed to construct 'UDPSocket': Failed to read the 'multicastTimeToLive' " +
               "property from 'UDPSocketOptions': ";
  for (const ttl of [256, -1]) {
    assert_throws(TypeError, () => new UDPSocket({ ...base, multicastTimeToLive: ttl }),
                  `${read}Value is outside the 'octet' value range.`);
  }
  assert_throws(TypeError, () => new UDPSocket({ ...base, multicastTimeToLive: NaN }),
                `${read}Value is not of type 'octet'.`);
}, 'multicastTimeToLive is an [EnforceRange] octet');

promise_test(async () => {
  for (const ttl of [0, 255, 1.7, '4', true]) {
    const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, multicastTimeToLive: ttl });
    await socket.opened;
    await socket.close();
  }
}, 'multicastTimeToLive accepts 0..255 after conversion');

test(() => {
  for (const member of ['sendBufferSize', 'receiveBufferSize']) {
    const base = { localAddress: '127.0.0.1' };
    const read = `Failed to construct 'UDPSocket': Failed to read the '${member}' property ` +
                 "from 'SocketOptions': ";
    for (const size of [2 ** 32, -1]) {
      assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: size }),
                    `${read}Value is outside the 'unsigned long' value range.`);
    }
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: Infinity }),
                  `${read}Value is infinite and not of type 'unsigned long'.`);
  }
  // Chrome 156 misspells the second member's name in its sentence.
  assert_throws(TypeError, () => new UDPSocket({ localAddress: '127.0.0.1', sendBufferSize: 0 }),
                "Failed to construct 'UDPSocket': sendBufferSize must be greater than zero.");
  assert_throws(TypeError, () => new UDPSocket({ localAddress: '127.0.0.1', receiveBufferSize: 0 }),
                "Failed to construct 'UDPSocket': receiverBufferSize must be greater than zero.");
}, 'sendBufferSize and receiveBufferSize are [EnforceRange] unsigned long');

test(() => {
  for (const dnsQueryType of ['ipv5', '', 'IPV4']) {
    assert_throws(TypeError,
                  () => new UDPSocket({ remoteAddress: 'localhost', remotePort: 9, dnsQueryType }),
                  "Failed to construct 'UDPSocket': Failed to read the 'dnsQueryType' property " +
                  `from 'UDPSocketOptions': The provided value '${dnsQueryType}' is not a valid ` +
                  'enum value of type SocketDnsQueryType.');
  }
  assert_throws(TypeError, () => new UDPSocket({ localAddress: '127.0.0.1', dnsQueryType: 'ipv4' }),
                "Failed to construct 'UDPSocket': dnsQueryType is only relevant when " +
                'remoteAddress is specified.');
}, 'dnsQueryType is a SocketDnsQueryType enum');

promise_test(async () => {
  const socket = new UDPSocket({ remoteAddress: 'localhost', remotePort: 9, dnsQueryType: 'ipv4' });
  const info = await socket.opened;
  assert_equals(info.remoteAddress, '127.0.0.1');
  await socket.close();
}, 'dnsQueryType ipv4 resolves a host name to IPv4');

test(() => {
  const construct = "Failed to construct 'UDPSocket': ";
  for (const options of [{ remoteAddress: '127.0.0.1' }, { remotePort: 9, localPort: 0 }]) {
    assert_throws(TypeError, () => new UDPSocket(options),
                  `${construct}remoteAddress and remotePort should either be specified ` +
                  'together or not specified at all.');
  }
  assert_throws(TypeError, () => new UDPSocket({ localPort: 5000 }),
                `${construct}localPort cannot be specified without localAddress.`);
  assert_throws(TypeError,
                () => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, localAddress: 'x' }),
                `${construct}remoteAddress and localAddress cannot be specified at the same time.`);
  assert_throws(TypeError,
                () => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, ipv6Only: false }),
                `${construct}ipv6Only can only be specified with localAddress.`);
  for (const localAddress of ['0.0.0.0', '::1']) {
    assert_throws(TypeError, () => new UDPSocket({ localAddress, ipv6Only: true }),
                  `${construct}ipv6Only can only be specified when localAddress is [::] or ` +
                  'equivalent.');
  }
}, 'connected and bound mode rules');

promise_test(async () => {
  // Chrome leaves these to its network service: port 0 connects; an empty
  // host does not resolve; address sharing means nothing to a connected
  // socket.
  const zero = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 0,
                               multicastAllowAddressSharing: true });
  const info = await zero.opened;
  assert_equals(info.remotePort, 0);
  assert_equals(info.remoteAddress, '127.0.0.1');
  await zero.close();
  // Anything that is not an IP literal is a host name to the constructor;
  // one that cannot resolve is a NetworkError (our reason follows
  // Chrome's sentence).
  for (const remoteAddress of ['', '1.2.3.4.5', '999.1.1.1', 'ff02::1%a0', '[::1]',
                               'http://x/', 'a'.repeat(300), 'no-such-host.invalid']) {
    const socket = new UDPSocket({ remoteAddress, remotePort: 9 });
    await promise_rejects('NetworkError', socket.opened, "Hostname couldn't be resolved.",
                          remoteAddress.slice(0, 20));
  }
  // A link-local group needs an interface, which a connected socket cannot
  // name: the kernel refuses the connect (EINVAL), in Chrome too.
  const linkLocal = new UDPSocket({ remoteAddress: 'ff02::fb', remotePort: 5353 });
  await promise_rejects('NetworkError', linkLocal.opened, 'Network Error.');
}, 'a connected socket: what the constructor leaves to the network service');

promise_test(async () => {
  const socket = new UDPSocket({ remoteAddress: { toString: () => '127.0.0.1' }, remotePort: 9 });
  assert_equals((await socket.opened).remoteAddress, '127.0.0.1');
  await socket.close();
}, 'remoteAddress converts by ToString');

promise_test(async (t) => {
  // Truthy values share; falsy ones do not (the second bind fails).
  const { info: first } = await open_bound(t, { localAddress: '127.0.0.1', localPort: 40123, multicastAllowAddressSharing: 'yes' });
  const second = new UDPSocket({ localAddress: '127.0.0.1', localPort: first.localPort, multicastAllowAddressSharing: 1 });
  await second.opened;
  await second.close();
  const { info: third } = await open_bound(t, { localAddress: '127.0.0.1', localPort: 40124, multicastAllowAddressSharing: 0 });
  const fourth = new UDPSocket({ localAddress: '127.0.0.1', localPort: third.localPort, multicastAllowAddressSharing: '' });
  await promise_rejects('NetworkError', fourth.opened);
}, 'multicastAllowAddressSharing converts by ToBoolean');

promise_test(async (t) => {
  const { info } = await open_bound(t, { localAddress: '::', ipv6Only: 'true' });
  await promise_rejects('DataError', info.multicastController.joinGroup('239.0.0.1'),
                        'The address is not valid.');
}, 'ipv6Only converts by ToBoolean (an IPv6-only socket cannot join an IPv4 group)');

promise_test(async () => {
  const socket = new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, multicastLoopback: false });
  const info = await socket.opened;
  assert_equals(info.multicastController, undefined, 'connected sockets have no controller');
  assert_true(info.readable instanceof ReadableStream);
  assert_true(info.writable instanceof WritableStream);
  assert_true(typeof info.localPort === 'number' && info.localPort > 0);
  await socket.close();
}, 'open info of a connected socket');

promise_test(async (t) => {
  const { socket, info } = await open_bound(t);
  assert_true(info.multicastController instanceof MulticastController);
  assert_equals(info.localAddress, '127.0.0.1');
  assert_equals('remoteAddress' in info, false);
  assert_equals(socket.opened, socket.opened, 'opened is the same promise each time');
  assert_true(socket.opened instanceof Promise, 'promises of the app realm');
  assert_equals(Object.prototype.toString.call(socket), '[object UDPSocket]');
}, 'open info of a bound socket');

promise_test(async (t) => {
  // A page that replaces intrinsics after start-up does not change the API.
  const saved = { Promise: globalThis.Promise, from: Array.from, freeze: Object.freeze };
  t.add_cleanup(() => {
    globalThis.Promise = saved.Promise;
    Array.from = saved.from;
    Object.freeze = saved.freeze;
  });
  globalThis.Promise = function NotAPromise() { throw new Error('replaced Promise used'); };
  Array.from = () => { throw new Error('replaced Array.from used'); };
  Object.freeze = (x) => x;
  const socket = new UDPSocket({ localAddress: '0.0.0.0' });
  const { multicastController } = await socket.opened;
  await multicastController.joinGroup('239.1.1.1');
  assert_true(saved.Promise.prototype.isPrototypeOf(socket.closed));
  assert_true(Reflect.getPrototypeOf(multicastController.joinedGroups) === Reflect.getPrototypeOf([]));
  assert_true(Reflect.apply(saved.freeze, null, [{}]) !== undefined);
  assert_true(Reflect.ownKeys(multicastController.joinedGroups).includes('length'));
  assert_true(Reflect.getOwnPropertyDescriptor(multicastController.joinedGroups, '0').writable === false,
              'still frozen');
  await socket.close();
}, 'the API keeps the intrinsics it started with');

await done();
