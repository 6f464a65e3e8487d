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
    TypeError, Uint8Array, WeakMap, WritableStream,
  } = globalThis;
  const { from: arrayFrom, isArray } = Array;
  const {
    create: objectCreate, defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf,
  } = Object;
  const { isFinite: isFiniteNumber } = Number;
  const { trunc } = Math;
  const { apply, ownKeys } = Reflect;
  // fn's `this` as a first argument, made with the realm's own call and
  // bind: on hot paths, no arguments array per call as apply() needs.
  const { bind: functionBind, call: functionCall } = Function.prototype;
  const uncurryThis = (fn) => apply(functionBind, functionCall, [fn]);

  // Brand checks with the realm's own getters: each throws for anything but
  // its kind of object, and a page cannot fake the internal slots they read.
  const getterOf = (prototype, name) =>
    uncurryThis(getOwnPropertyDescriptor(prototype, name).get);
  const { isView } = ArrayBuffer;
  const arrayBufferByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
  const typedArrayBuffer = getterOf(getPrototypeOf(Uint8Array.prototype), 'buffer');
  const typedArraySet = uncurryThis(getPrototypeOf(Uint8Array.prototype).set);
  const dataViewBuffer = getterOf(DataView.prototype, 'buffer');
  function hasBrand(getter, value) {
    try {
      getter(value);
      return true;
    } catch {
      return false;
    }
  }
  const isArrayBuffer = (value) => hasBrand(arrayBufferByteLength, value);
  function bufferOfView(view) {
    try {
      return typedArrayBuffer(view);
    } catch {
      return dataViewBuffer(view);
    }
  }

  const internals = new WeakMap();  // UDPSocket / MulticastController -> state
  const live = new Set();  // States of the sockets not yet closed.

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

  // --- WebIDL conversions, with Blink's messages ---------------------------
  // A conversion failure names the member and its dictionary, as Blink's
  // bindings do: "Failed to read the 'remotePort' property from
  // 'UDPSocketOptions': Value is outside the 'unsigned short' value range."
  // The caller puts "Failed to construct 'UDPSocket': " (or the operation)
  // in front.
  function memberError(dictionary, member, message) {
    return new TypeError(
        `Failed to read the '${member}' property from '${dictionary}': ${message}`);
  }

  function toDOMString(value, dictionary, member) {
    if (typeof value === 'symbol') {
      const message = 'Cannot convert a Symbol value to a string';
      throw dictionary ? memberError(dictionary, member, message) : new TypeError(message);
    }
    return `${value}`;
  }

  // ToNumber as V8 does it, with V8's words for what cannot convert (a
  // page's own valueOf may throw; that error goes through unchanged).
  function toNumber(value, dictionary, member) {
    if (typeof value === 'bigint') {
      throw memberError(dictionary, member, 'Cannot convert a BigInt value to a number');
    }
    if (typeof value === 'symbol') {
      throw memberError(dictionary, member, 'Cannot convert a Symbol value to a number');
    }
    return Number(value);
  }

  // [EnforceRange] integer types: finite, truncated, within the type.
  const kIntegerTypes = {
    'octet': 0xff, 'unsigned short': 0xffff, 'unsigned long': 0xffffffff,
  };
  function toEnforcedInteger(value, type, dictionary, member) {
    const number = toNumber(value, dictionary, member);
    if (number !== number) {  // NaN
      throw memberError(dictionary, member, `Value is not of type '${type}'.`);
    }
    if (!isFiniteNumber(number)) {
      throw memberError(dictionary, member, `Value is infinite and not of type '${type}'.`);
    }
    const integer = trunc(number) + 0;  // +0 turns -0 into 0.
    if (integer < 0 || integer > kIntegerTypes[type]) {
      throw memberError(dictionary, member, `Value is outside the '${type}' value range.`);
    }
    return integer;
  }

  // An integer type without [EnforceRange] (UDPMessage's remotePort): NaN
  // and infinities are 0, the rest wraps modulo 2^16, as WebIDL says.
  function toUnsignedShort(value, dictionary, member) {
    const number = toNumber(value, dictionary, member);
    if (!isFiniteNumber(number)) return 0;
    const wrapped = trunc(number) % 0x10000;
    return wrapped < 0 ? wrapped + 0x10000 : wrapped + 0;
  }

  function toEnum(value, type, values, dictionary, member) {
    const string = toDOMString(value, dictionary, member);
    if (!values.includes(string)) {
      throw memberError(dictionary, member,
                        `The provided value '${string}' is not a valid enum value of type ${type}.`);
    }
    return string;
  }

  function toDictionary(value, type) {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' && typeof value !== 'function') {
      throw new TypeError(`The provided value is not of type '${type}'.`);
    }
    return value;
  }

  const kDnsQueryTypes = ['ipv4', 'ipv6'];

  // Dictionary members in WebIDL order: inherited (SocketOptions) first,
  // each dictionary's own members in lexicographic order; each with the
  // dictionary that declares it, which Blink's messages name.
  const kSocketOptionMembers = [
    ['receiveBufferSize', 'unsigned long', 'SocketOptions'],
    ['sendBufferSize', 'unsigned long', 'SocketOptions'],
    ['dnsQueryType', 'enum'],
    ['ipv6Only', 'boolean'],
    ['localAddress', 'string'],
    ['localPort', 'unsigned short'],
    ['multicastAllowAddressSharing', 'boolean'],
    ['multicastLoopback', 'boolean'],
    ['multicastTimeToLive', 'octet'],
    ['remoteAddress', 'string'],
    ['remotePort', 'unsigned short'],
  ];

  function convertUDPSocketOptions(value) {
    const dictionary = toDictionary(value, 'UDPSocketOptions');
    const options = {};
    for (const [member, kind, declaredBy = 'UDPSocketOptions'] of kSocketOptionMembers) {
      const memberValue = dictionary[member];
      if (memberValue === undefined) continue;
      switch (kind) {
        case 'boolean':
          options[member] = Boolean(memberValue);
          break;
        case 'string':
          options[member] = toDOMString(memberValue, declaredBy, member);
          break;
        case 'enum':
          options[member] = toEnum(memberValue, 'SocketDnsQueryType', kDnsQueryTypes,
                                   declaredBy, member);
          break;
        default:
          options[member] = toEnforcedInteger(memberValue, kind, declaredBy, member);
      }
    }
    return options;
  }

  // UDPMessage, converted as Blink's binding does; the rules of a message
  // (data not empty, the address as the mode wants) are the C++ layer's.
  // `data` is checked, not copied: the native write takes its bytes (and
  // checks it again).
  function convertUDPMessage(value) {
    if (value !== undefined && value !== null &&
        typeof value !== 'object' && typeof value !== 'function') {
      throw new TypeError("The provided value is not of type 'UDPMessage'.");
    }
    const dictionary = value ?? {};
    // Lexicographic: data, dnsQueryType, remoteAddress, remotePort.
    const message = { data: dictionary.data };
    if (message.data !== undefined) checkBufferSource(message.data);
    const dnsQueryType = dictionary.dnsQueryType;
    if (dnsQueryType !== undefined) {
      message.dnsQueryType = toEnum(dnsQueryType, 'SocketDnsQueryType', kDnsQueryTypes,
                                    'UDPMessage', 'dnsQueryType');
    }
    const remoteAddress = dictionary.remoteAddress;
    if (remoteAddress !== undefined) {
      message.remoteAddress = toDOMString(remoteAddress, 'UDPMessage', 'remoteAddress');
    }
    const remotePort = dictionary.remotePort;
    if (remotePort !== undefined) {
      message.remotePort = toUnsignedShort(remotePort, 'UDPMessage', 'remotePort');
    }
    if (message.data === undefined) {
      throw new TypeError("UDPMessage: missing 'data' field.");
    }
    return message;
  }

  // (ArrayBuffer or ArrayBufferView), not shared. The brand checks are the
  // realm's own getters, which no page can fake.
  function checkBufferSource(data) {
    let shared;
    if (isView(data)) {
      // Not an ArrayBuffer is a SharedArrayBuffer here; asked this way the
      // common case throws nothing (a caught throw per write would cost).
      shared = !isArrayBuffer(bufferOfView(data));
    } else if (isArrayBuffer(data)) {
      shared = false;
    } else {
      throw memberError('UDPMessage', 'data',
                        "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
    }
    if (shared) {
      throw memberError('UDPMessage', 'data', 'The provided ArrayBufferView value must not be shared.');
    }
  }

  function convertGroupOptions(value) {
    const dictionary = toDictionary(value, 'MulticastGroupOptions');
    const source = dictionary.sourceAddress;
    return source === undefined
        ? undefined : toDOMString(source, 'MulticastGroupOptions', 'sourceAddress');
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
          controller.enqueue(remoteAddress === undefined
              ? { data } : { data, remoteAddress, remotePort });
        };
        // What the C++ readable already holds comes at once, as one flat
        // array [bytes, data, remoteAddress, remotePort, ...]: `data` is a
        // large message's own Uint8Array (made in C++ over its bytes), or
        // a small one's length, its bytes next in `bytes`; each small
        // message gets a Uint8Array of its own here (in V8's heap), as
        // Chrome's do. Only an empty queue waits for the service.
        const queued = binding.takeQueued(handle, enqueue);
        if (queued.length > 0) {
          const bytes = queued[0];
          let offset = 0;
          for (let i = 1; i < queued.length; i += 3) {
            let data = queued[i];
            if (typeof data === 'number') {
              const length = data;
              data = new Uint8Array(length);
              typedArraySet(data, new Uint8Array(bytes, offset, length));
              offset += length;
            }
            enqueue(data, queued[i + 1], queued[i + 2]);
          }
          return undefined;
        }
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
  const kWritePrefix = "Failed to execute 'write' on 'WritableStreamDefaultWriter': ";
  function makeWritable(handle) {
    // The stream calls write() one chunk at a time, so at most one write
    // waits for room; `onRoom` (one function for the stream's life) settles
    // it. A write that settles at once makes no promise of its own.
    let waiting;
    const onRoom = (error) => {
      const { resolve, reject } = waiting;
      waiting = undefined;
      if (error) reject(makeError(error));
      else resolve();
    };
    return new WritableStream({
      write(chunk) {
        let message;
        try {
          message = convertUDPMessage(chunk);
        } catch (error) {
          throw prefixedTypeError(kWritePrefix, error);
        }
        const result = binding.write(
            handle, message.data, message.remoteAddress, message.remotePort,
            message.dnsQueryType, onRoom);
        if (isArray(result)) throw prefixedTypeError(kWritePrefix, makeError(result));
        if (result > 0) return undefined;
        return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
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

  // The interface object: not constructible by a page. The socket makes
  // its controller with newMulticastController().
  function MulticastController() {
    throw new TypeError("Failed to construct 'MulticastController': Illegal constructor");
  }
  const multicastControllerMembers = class {
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
  }.prototype;

  function newMulticastController(handle) {
    const controller = objectCreate(MulticastController.prototype);
    internals.set(controller, { handle });
    return controller;
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
  // A function rather than a class, so that calling it without `new`, or
  // with no argument, says what Blink says; its members are below.
  function UDPSocket(options) {
    const construct = "Failed to construct 'UDPSocket': ";
    if (new.target === undefined) {
      throw new TypeError(`${construct}Please use the 'new' operator, this DOM object ` +
                          'constructor cannot be called as a function.');
    }
    if (arguments.length < 1) {
      throw new TypeError(`${construct}1 argument required, but only 0 present.`);
    }
    let converted;
    try {
      converted = convertUDPSocketOptions(options);
    } catch (error) {
      throw prefixedTypeError(construct, error);
    }
    // The native side's refusals carry Blink's prefix already.
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
      if (info.multicast) openInfo.multicastController = newMulticastController(handle);
      return openInfo;
    });
    state.closed = call('closed', handle);
    // As in Blink: a page that never looks at them is not told of an
    // unhandled rejection.
    state.opened.catch(() => {});
    live.add(state);
    const forget = () => { live.delete(state); };
    state.closed.then(forget, forget);
  }
  const udpSocketMembers = class {
    get opened() { return stateOf(this).opened; }
    get closed() { return stateOf(this).closed; }

    close() {
      try {
        const state = stateOf(this);
        if ((state.readable && state.readable.locked) ||
            (state.writable && state.writable.locked)) {
          throw new DOMException(
              "Failed to execute 'close' on 'UDPSocket': Close called on locked streams.",
              'InvalidStateError');
        }
        if (!state.writable) return call('close', state.handle);
        // What was written goes out first; a failed send does not stop close.
        const closing = () => call('close', state.handle);
        return call('flushWritable', state.handle).then(closing, closing);
      } catch (error) {
        return Promise.reject(error);
      }
    }
  }.prototype;

  // A TypeError of a conversion, with the operation's prefix as Blink puts
  // it; any other error (a page's own valueOf threw) as it was.
  function prefixedTypeError(prefix, error) {
    return error instanceof TypeError ? new TypeError(prefix + error.message) : error;
  }

  // The internal state of a UDPSocket or MulticastController.
  function stateOf(object) {
    const state = internals.get(object);
    if (!state) throw new TypeError('Illegal invocation');
    return state;
  }

  // WebIDL's shape: the interface object's prototype is fixed; operations
  // and attributes (methods of `members`, so not constructible) are
  // enumerable; the class string is a data property.
  function shapeInterface(constructor, members) {
    defineProperty(constructor, 'prototype', { writable: false });
    const prototype = constructor.prototype;
    for (const key of ownKeys(members)) {
      if (key === 'constructor') continue;
      defineProperty(prototype, key,
                     { ...getOwnPropertyDescriptor(members, key), enumerable: true });
    }
    defineProperty(prototype, Symbol.toStringTag, {
      value: constructor.name, writable: false, enumerable: false, configurable: true });
  }
  shapeInterface(UDPSocket, udpSocketMembers);
  shapeInterface(MulticastController, multicastControllerMembers);

  // The realm's sockets, for closing them all when the realm ends (a
  // worker terminated).
  function closeAll() {
    for (const state of live) {
      state.opened.then(() => call('close', state.handle)).catch(() => {});
    }
  }

  return { globals: { UDPSocket, MulticastController }, closeAll };
})
