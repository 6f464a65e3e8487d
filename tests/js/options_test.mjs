// UDPSocketOptions as a Blink binding converts them (WebIDL dictionary,
// [EnforceRange] integers, booleans, enums), then the constructor's rules.
// expect: line 21 of 21 passed
import {
  assert_array_equals, assert_equals, assert_throws, assert_true, done,
  open_bound, promise_rejects, promise_test, test,
} from './harness.mjs';

test(() => {
  assert_equals(typeof UDPSocket, 'function');
  assert_equals(typeof MulticastController, 'function');
  assert_throws(TypeError, () => UDPSocket({ localAddress: '127.0.0.1' }), "'new'");
  assert_throws(TypeError, () => new MulticastController(), 'Illegal constructor');
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
  assert_equals(UDPSocket.length, 0, 'options is an optional dictionary');
  assert_equals(Object.prototype.toString.call(MulticastController.prototype), '[object MulticastController]');
}, 'the interfaces have WebIDL\'s shape');

test(() => {
  assert_throws(TypeError, () => new UDPSocket(5), 'not an object');
  assert_throws(TypeError, () => new UDPSocket('x'), 'not an object');
}, 'options must be a dictionary');

test(() => {
  assert_throws(TypeError, () => new UDPSocket(), 'localAddress');
  assert_throws(TypeError, () => new UDPSocket({}), 'localAddress');
  assert_throws(TypeError, () => new UDPSocket(null), 'localAddress');
}, 'no address at all is a TypeError');

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
    for (const bad of [NaN, Infinity, -Infinity, 'abc', {}]) {
      assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: bad }),
                    `${member}: value NaN`.replace('NaN', Number(bad)), `for ${String(bad)}`);
    }
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: -1 }),
                  `${member}: value -1 is outside the range 0..65535`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 65536 }),
                  `${member}: value 65536 is outside the range 0..65535`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 1e300 }), 'outside the range');
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 10n }), 'BigInt');
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: Symbol('p') }));
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 0 }), `${member} must not be 0`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: null }), `${member} must not be 0`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 0.5 }), `${member} must not be 0`);
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
  await promise_rejects('NotAllowedError', socket.opened, 'below 1024');
  await promise_rejects('NotAllowedError', socket.closed);
}, 'a privileged localPort rejects opened with NotAllowedError (not a throw)');

test(() => {
  const base = { remoteAddress: '239.0.0.1', remotePort: 12345 };
  assert_throws(TypeError, () => new UDPSocket({ ...base, multicastTimeToLive: 256 }),
                'multicastTimeToLive: value 256 is outside the range 0..255');
  assert_throws(TypeError, () => new UDPSocket({ ...base, multicastTimeToLive: -1 }),
                'multicastTimeToLive: value -1');
  assert_throws(TypeError, () => new UDPSocket({ ...base, multicastTimeToLive: NaN }),
                'not a finite number');
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
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 2 ** 32 }),
                  `${member}: value 4294967296 is outside the range 0..4294967295`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: -1 }), `${member}: value -1`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: 0 }), `${member} must not be 0`);
    assert_throws(TypeError, () => new UDPSocket({ ...base, [member]: Infinity }), 'not a finite number');
  }
}, 'sendBufferSize and receiveBufferSize are [EnforceRange] unsigned long');

test(() => {
  assert_throws(TypeError, () => new UDPSocket({ remoteAddress: 'localhost', remotePort: 9, dnsQueryType: 'ipv5' }),
                'dnsQueryType: "ipv5" is not a valid value of SocketDnsQueryType');
  assert_throws(TypeError, () => new UDPSocket({ remoteAddress: 'localhost', remotePort: 9, dnsQueryType: '' }),
                'SocketDnsQueryType');
}, 'dnsQueryType is a SocketDnsQueryType enum');

promise_test(async () => {
  const socket = new UDPSocket({ remoteAddress: 'localhost', remotePort: 9, dnsQueryType: 'ipv4' });
  const info = await socket.opened;
  assert_equals(info.remoteAddress, '127.0.0.1');
  await socket.close();
}, 'dnsQueryType ipv4 resolves a host name to IPv4');

test(() => {
  assert_throws(TypeError, () => new UDPSocket({ remoteAddress: '127.0.0.1' }), 'must be given together');
  assert_throws(TypeError, () => new UDPSocket({ remotePort: 9 }), 'must be given together');
  assert_throws(TypeError, () => new UDPSocket({ remoteAddress: '', remotePort: 9 }), 'must not be empty');
  assert_throws(TypeError, () => new UDPSocket({ localPort: 5000 }), 'localPort needs localAddress');
  assert_throws(TypeError, () => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, localAddress: '127.0.0.1' }),
                'either connected or bound');
  assert_throws(TypeError, () => new UDPSocket({ remoteAddress: '239.0.0.1', remotePort: 9, multicastAllowAddressSharing: true }),
                'multicastAllowAddressSharing');
}, 'connected and bound mode rules');

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
  await promise_rejects('NetworkError', fourth.opened, 'address already in use');
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
