// The page-facing half of Direct Sockets' UDPSocket and MulticastController
// (the native half is udp_socket_binding.cc). Evaluated inside the app's
// realm, so the promises, errors, arrays and Uint8Arrays it makes are the
// app's own (`instanceof TypeError` holds). It does what a Blink binding
// does: WebIDL conversions of arguments and dictionaries, then hands typed
// values to the C++ layer, which checks the rules and makes the messages.
(function installDirectSockets(binding) {
  'use strict';

  // The realm's intrinsics as they are before app code runs: a page that
  // replaces globalThis.Promise or Array.from later does not change us.
  const {
    Array, DOMException, Number, Object, Promise, ReadableStream, Symbol,
    TypeError, WeakMap, WritableStream,
  } = globalThis;
  const { from: arrayFrom, isArray } = Array;
  const { defineProperty, freeze, getOwnPropertyDescriptor } = Object;
  const { isFinite: isFiniteNumber } = Number;
  const { trunc } = Math;

  const internals = new WeakMap();  // UDPSocket / MulticastController -> state
  const kIllegal = Symbol('internal');

  function makeError(pair) {
    const name = pair[0];
    const message = pair[1];
    return name === 'TypeError' ? new TypeError(message)
                                : new DOMException(message, name);
  }

  // Calls binding[name](...args, callback) and returns a promise of the
  // callback's values; an immediate [name, message] return rejects it.
  function call(name, ...args) {
    return new Promise((resolve, reject) => {
      const refused = binding[name](...args, (error, value) => {
        if (error) reject(makeError(error));
        else resolve(value);
      });
      if (isArray(refused)) reject(makeError(refused));
    });
  }

  // --- WebIDL conversions -------------------------------------------------
  function toDOMString(value) {
    if (typeof value === 'symbol') {
      throw new TypeError('Cannot convert a Symbol value to a string');
    }
    return `${value}`;
  }

  // [EnforceRange] integer types: finite, truncated; the C++ layer checks
  // the type's range (its message names the member and the range).
  function toEnforcedInteger(value, member) {
    if (typeof value === 'bigint') {
      throw new TypeError(`${member}: a BigInt cannot be converted to a number`);
    }
    const number = Number(value);
    if (!isFiniteNumber(number)) {
      throw new TypeError(`${member}: value ${number} is not a finite number`);
    }
    return trunc(number) + 0;  // +0 turns -0 into 0.
  }

  function toDictionary(value, type) {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' && typeof value !== 'function') {
      throw new TypeError(`${type}: the value is not an object`);
    }
    return value;
  }

  // Dictionary members in WebIDL order: inherited (SocketOptions) first,
  // each dictionary's own members in lexicographic order.
  const kSocketOptionMembers = [
    ['receiveBufferSize', 'integer'],
    ['sendBufferSize', 'integer'],
    ['dnsQueryType', 'enum'],
    ['ipv6Only', 'boolean'],
    ['localAddress', 'string'],
    ['localPort', 'integer'],
    ['multicastAllowAddressSharing', 'boolean'],
    ['multicastLoopback', 'boolean'],
    ['multicastTimeToLive', 'integer'],
    ['remoteAddress', 'string'],
    ['remotePort', 'integer'],
  ];

  function convertMember(value, kind, member) {
    switch (kind) {
      case 'boolean': return Boolean(value);
      case 'integer': return toEnforcedInteger(value, member);
      default: return toDOMString(value);
    }
  }

  function convertUDPSocketOptions(value) {
    const dictionary = toDictionary(value, 'UDPSocketOptions');
    const options = {};
    for (const [member, kind] of kSocketOptionMembers) {
      const memberValue = dictionary[member];
      if (memberValue !== undefined) {
        options[member] = convertMember(memberValue, kind, member);
      }
    }
    return options;
  }

  function convertUDPMessage(value) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
      throw new TypeError('UDPMessage: the chunk written must be an object ' +
                          '({data, remoteAddress?, remotePort?})');
    }
    const message = {};
    // Lexicographic: data, dnsQueryType, remoteAddress, remotePort.
    message.data = value.data;
    if (message.data === undefined) {
      throw new TypeError('UDPMessage: the member data is required');
    }
    for (const [member, kind] of [['dnsQueryType', 'enum'],
                                  ['remoteAddress', 'string'],
                                  ['remotePort', 'integer']]) {
      if (value[member] !== undefined) {
        message[member] = convertMember(value[member], kind, member);
      }
    }
    return message;
  }

  function convertGroupOptions(value) {
    const dictionary = toDictionary(value, 'MulticastGroupOptions');
    const source = dictionary.sourceAddress;
    return source === undefined ? undefined : toDOMString(source);
  }

  // --- Streams ----------------------------------------------------------
  // The page's reads drive the C++ readable, whose queue drives the
  // service's receive credit: a page that stops reading makes the service
  // stop receiving. The JS stream pulls only when a read waits on an empty
  // queue (high-water mark 0); a pull then takes all the C++ queue holds,
  // so at most one queue's worth sits on the JS side.
  function makeReadable(handle) {
    return new ReadableStream({
      pull(controller) {
        const enqueue = (data, remoteAddress, remotePort) => {
          const message = { data };
          if (remoteAddress !== undefined) {
            message.remoteAddress = remoteAddress;
            message.remotePort = remotePort;
          }
          controller.enqueue(message);
        };
        // What the C++ readable already holds comes at once; only an empty
        // queue waits for the service.
        if (binding.takeQueued(handle, enqueue) > 0) return undefined;
        return new Promise((resolve, reject) => {
          const refused = binding.read(handle, (error, data, remoteAddress, remotePort) => {
            // The page may have cancelled the stream while this read was on
            // its way; the controller then takes nothing more.
            try {
              if (error) {
                reject(makeError(error));
              } else if (data === undefined) {
                controller.close();
                resolve();
              } else {
                enqueue(data, remoteAddress, remotePort);
                resolve();
              }
            } catch {
              resolve();
            }
          });
          if (isArray(refused)) reject(makeError(refused));
        });
      },
      cancel() {
        return call('cancelReadable', handle);
      },
    }, { highWaterMark: 0 });
  }

  // A write settles at once while the C++ writable has room, so writes made
  // back to back travel as one batch; only a write that must wait for room
  // is called back. A send that fails later shows at the next write or at
  // close (the C++ writable is errored by then), as a failed write errors a
  // stream. socket.close() first waits for every write to reach the kernel.
  function makeWritable(handle) {
    return new WritableStream({
      write(chunk) {
        const message = convertUDPMessage(chunk);
        return new Promise((resolve, reject) => {
          const result = binding.write(
              handle, message.data, message.remoteAddress, message.remotePort,
              message.dnsQueryType, (error) => {
                if (error) reject(makeError(error));
                else resolve();
              });
          if (isArray(result)) reject(makeError(result));
          else if (result > 0) resolve();
        });
      },
      close() { return call('closeWritable', handle); },
      abort() { return call('abortWritable', handle); },
    }, { highWaterMark: 1 });
  }

  // --- MulticastController -----------------------------------------------
  function freezeGroups(raw) {
    // Array.from: an array of this realm (`raw` is the engine's). The array
    // is frozen (a FrozenArray); the dictionaries in it are not, as in
    // Chrome.
    return freeze(arrayFrom(raw, (group) => (typeof group === 'string'
        ? group
        : { groupAddress: group[0], sourceAddress: group[1] })));
  }

  class MulticastController {
    constructor(key, handle) {
      if (key !== kIllegal) throw new TypeError('Illegal constructor');
      internals.set(this, { handle });
    }

    joinGroup(groupAddress, options = undefined) {
      return changeMembership(this, 'joinGroup', arguments.length, groupAddress, options);
    }

    leaveGroup(groupAddress, options = undefined) {
      return changeMembership(this, 'leaveGroup', arguments.length, groupAddress, options);
    }

    // A FrozenArray, made anew at each get, as Chrome's is (its
    // dictionaries are the page's to change).
    get joinedGroups() {
      const raw = binding.joinedGroups(stateOf(this).handle);
      return freezeGroups(isArray(raw) ? raw : []);
    }
  }

  function changeMembership(controller, operation, argumentCount, groupAddress, options) {
    try {
      const state = stateOf(controller);
      if (argumentCount < 1) {
        throw new TypeError(`Failed to execute '${operation}' on 'MulticastController': ` +
                            '1 argument required, but only 0 present.');
      }
      const group = toDOMString(groupAddress);
      const source = convertGroupOptions(options);
      return call(operation, state.handle, group, source);
    } catch (error) {
      // Promise-returning operations reject rather than throw (WebIDL).
      return Promise.reject(error);
    }
  }

  // --- UDPSocket -----------------------------------------------------------
  class UDPSocket {
    constructor(options = undefined) {
      const converted = convertUDPSocketOptions(options);
      const handle = binding.createSocket(converted);
      if (isArray(handle)) throw makeError(handle);
      const state = { handle, readable: null, writable: null };
      internals.set(this, state);
      state.opened = call('opened', handle).then((info) => {
        state.readable = makeReadable(handle);
        state.writable = makeWritable(handle);
        const openInfo = { readable: state.readable, writable: state.writable };
        for (const key of ['remoteAddress', 'remotePort', 'localAddress', 'localPort']) {
          if (info[key] !== undefined) openInfo[key] = info[key];
        }
        if (info.multicast) {
          openInfo.multicastController = new MulticastController(kIllegal, handle);
        }
        return openInfo;
      });
      state.closed = call('closed', handle);
      // As in Blink: a page that never looks at them is not told of an
      // unhandled rejection.
      state.opened.catch(() => {});
      state.closed.catch(() => {});
    }

    get opened() { return stateOf(this).opened; }
    get closed() { return stateOf(this).closed; }

    close() {
      try {
        const state = stateOf(this);
        if ((state.readable && state.readable.locked) ||
            (state.writable && state.writable.locked)) {
          throw new DOMException('Close called on locked streams.', 'InvalidStateError');
        }
        if (!state.writable) return call('close', state.handle);
        // What was written goes out first; a failed send does not stop close.
        const closing = () => call('close', state.handle);
        return call('flushWritable', state.handle).then(closing, closing);
      } catch (error) {
        return Promise.reject(error);
      }
    }
  }

  // The internal state of a UDPSocket or MulticastController.
  function stateOf(object) {
    const state = internals.get(object);
    if (!state) throw new TypeError('Illegal invocation');
    return state;
  }

  // WebIDL's shape: operations and attributes are enumerable; the class
  // string is a data property.
  function shapeInterface(cls, name, members) {
    for (const member of members) {
      const descriptor = getOwnPropertyDescriptor(cls.prototype, member);
      defineProperty(cls.prototype, member, { ...descriptor, enumerable: true });
    }
    defineProperty(cls.prototype, Symbol.toStringTag, {
      value: name, writable: false, enumerable: false, configurable: true });
  }
  shapeInterface(UDPSocket, 'UDPSocket', ['opened', 'closed', 'close']);
  shapeInterface(MulticastController, 'MulticastController',
                 ['joinGroup', 'leaveGroup', 'joinedGroups']);

  return { UDPSocket, MulticastController };
})
