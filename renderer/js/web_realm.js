// The web globals of an app's realm, made in that realm (bootstrap.js
// evaluates this inside each realm before anything else), so that
// every object a page touches is its own, as in Chrome: a DOMException is
// an Error, a TextEncoder's bytes are the page's Uint8Array, and no
// `.constructor` leads out of the realm to the engine's Function (with
// which a page could reach Node's `process`).
//
// `host` is the engine's side: a few functions that take and return
// primitives, or fill what the page passed. They are captured here and
// never handed to the page; their errors are remade in this realm.
(function installWebRealm(host) {
  'use strict';

  const {
    Array, Error, Map, Object, RangeError, Set, String, Symbol, SyntaxError, TypeError,
    Uint8Array, WeakMap, Reflect,
  } = globalThis;
  const { defineProperty, freeze, getPrototypeOf } = Object;
  const { apply } = Reflect;
  const globals = {};

  // --- Errors -------------------------------------------------------------
  // DOMException (WebIDL): an Error, with name, message and the legacy
  // code of the names that have one.
  const kLegacyCodes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4,
    InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8,
    NotSupportedError: 9, InUseAttributeError: 10, InvalidStateError: 11, SyntaxError: 12,
    InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
    URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
    InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  const exceptionState = new WeakMap();
  function exceptionOf(object) {
    const state = exceptionState.get(object);
    if (!state) throw new TypeError('Illegal invocation');
    return state;
  }
  class DOMException extends Error {
    constructor(message = undefined, name = undefined) {
      super();
      exceptionState.set(this, {
        message: message === undefined ? '' : `${message}`,
        name: name === undefined ? 'Error' : `${name}`,
      });
    }
    get name() { return exceptionOf(this).name; }
    get message() { return exceptionOf(this).message; }
    get code() { return kLegacyCodes[exceptionOf(this).name] || 0; }
  }
  const constantName = (name) => name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase() + '_ERR';
  for (const [name, code] of Object.entries(kLegacyCodes)) {
    for (const target of [DOMException, DOMException.prototype]) {
      defineProperty(target, constantName(name), { value: code, enumerable: true });
    }
  }
  defineProperty(DOMException.prototype, Symbol.toStringTag, {
    value: 'DOMException', configurable: true });
  globals.DOMException = DOMException;

  // An error of the engine's realm, remade in this one.
  const kErrorTypes = { TypeError, RangeError, SyntaxError, Error };
  function inRealm(error) {
    const name = `${error && error.name}`;
    const message = `${error && error.message}`;
    const ErrorType = kErrorTypes[name];
    if (ErrorType) return new ErrorType(message);
    return new DOMException(message, name);
  }
  // `fn` of the host, called so that what it throws is this realm's.
  function bridged(fn) {
    return (...args) => {
      try {
        return apply(fn, undefined, args);
      } catch (error) {
        throw inRealm(error);
      }
    };
  }

  // --- console ------------------------------------------------------------
  const print = bridged(host.console);
  const console = {};
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml',
                        'table', 'assert', 'count', 'countReset', 'group', 'groupCollapsed',
                        'groupEnd', 'time', 'timeLog', 'timeEnd', 'clear']) {
    // A method, not a constructor, as the console namespace's are.
    console[method] = { [method](...args) { print(method, args); } }[method];
  }
  defineProperty(console, Symbol.toStringTag, { value: 'console', configurable: true });
  globals.console = console;

  // --- Timers and tasks ---------------------------------------------------
  // Handles are numbers, as a window's are; a string handler is code from a
  // string, which the app's CSP forbids: it never runs.
  function makeSetTimer(repeat) {
    return function (handler, timeout = 0, ...args) {
      const callback = typeof handler === 'function' ? () => apply(handler, undefined, args)
                                                     : () => {};
      return host.setTimer(callback, Number(timeout) || 0, repeat);
    };
  }
  const clearTimer = (id) => { host.clearTimer(Number(id) || 0); };
  globals.setTimeout = { setTimeout: makeSetTimer(false) }.setTimeout;
  globals.setInterval = { setInterval: makeSetTimer(true) }.setInterval;
  globals.clearTimeout = { clearTimeout: clearTimer }.clearTimeout;
  globals.clearInterval = { clearInterval: clearTimer }.clearInterval;
  globals.queueMicrotask = {
    queueMicrotask(callback) {
      if (typeof callback !== 'function') {
        throw new TypeError("Failed to execute 'queueMicrotask' on 'Window': parameter 1 " +
                            "is not of type 'Function'.");
      }
      host.queueMicrotask(callback);
    },
  }.queueMicrotask;

  // High-resolution time, in milliseconds since the app started;
  // timeOrigin + now() is the time since the epoch, with now()'s precision
  // (apps on several machines keep a schedule by it).
  const timeOrigin = host.timeOrigin;
  const performance = {
    now: { now() { return host.now(); } }.now,
    get timeOrigin() { return timeOrigin; },
  };
  defineProperty(performance, Symbol.toStringTag, { value: 'Performance', configurable: true });
  globals.performance = performance;

  // --- Text ---------------------------------------------------------------
  const encodeUtf8 = bridged(host.encodeUtf8);
  const newDecoder = bridged(host.newDecoder);
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') {
      return new Uint8Array(encodeUtf8(`${input}`));
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is " +
                            "not of type 'Uint8Array'.");
      }
      // Whole characters only, as many as fit.
      let read = 0;
      let written = 0;
      for (const character of `${source}`) {
        const bytes = encodeUtf8(character);
        if (written + bytes.length > destination.length) break;
        for (let i = 0; i < bytes.length; i++) destination[written + i] = bytes[i];
        written += bytes.length;
        read += character.length;
      }
      return { read, written };
    }
  }
  const decoders = new WeakMap();
  function decoderOf(object) {
    const decoder = decoders.get(object);
    if (!decoder) throw new TypeError('Illegal invocation');
    return decoder;
  }
  class TextDecoder {
    constructor(label = 'utf-8', options = undefined) {
      const fatal = Boolean(options && options.fatal);
      const ignoreBOM = Boolean(options && options.ignoreBOM);
      decoders.set(this, newDecoder(`${label}`, fatal, ignoreBOM));
    }
    get encoding() { return decoderOf(this).encoding(); }
    get fatal() { return decoderOf(this).fatal(); }
    get ignoreBOM() { return decoderOf(this).ignoreBOM(); }
    decode(input = undefined, options = undefined) {
      const stream = Boolean(options && options.stream);
      return decoderOf(this).decode(input, stream);
    }
  }
  globals.TextEncoder = TextEncoder;
  globals.TextDecoder = TextDecoder;

  const atob = bridged(host.atob);
  const btoa = bridged(host.btoa);
  globals.atob = { atob(data) { return atob(`${data}`); } }.atob;
  globals.btoa = { btoa(data) { return btoa(`${data}`); } }.btoa;

  // --- structuredClone ----------------------------------------------------
  // The serializable kinds a page passes around (HTML's structured clone,
  // without transfer), cloned in this realm.
  function structuredClone(value) {
    const seen = new Map();
    const clone = (input) => {
      if ((typeof input !== 'object' || input === null) && typeof input !== 'function') {
        if (typeof input === 'symbol') throw uncloneable(input);
        return input;
      }
      if (seen.has(input)) return seen.get(input);
      const tag = Object.prototype.toString.call(input);
      let output;
      if (typeof input === 'function') throw uncloneable(input);
      if (Array.isArray(input)) {
        output = new Array(input.length);
        seen.set(input, output);
        for (const key of Object.keys(input)) output[key] = clone(input[key]);
        return output;
      }
      switch (tag) {
        case '[object Date]': output = new Date(input.getTime()); break;
        case '[object RegExp]': output = new RegExp(input.source, input.flags); break;
        case '[object Boolean]': case '[object Number]': case '[object String]':
          output = Object(input.valueOf()); break;
        case '[object ArrayBuffer]':
          // Copied into a buffer of this realm (the input may be another's).
          output = new ArrayBuffer(input.byteLength);
          new Uint8Array(output).set(new Uint8Array(input));
          break;
        case '[object Map]':
          output = new Map();
          seen.set(input, output);
          for (const [k, v] of input) output.set(clone(k), clone(v));
          return output;
        case '[object Set]':
          output = new Set();
          seen.set(input, output);
          for (const v of input) output.add(clone(v));
          return output;
        case '[object Error]':
          output = new (kErrorTypes[input.name] || Error)(input.message);
          break;
        case '[object Object]':
          output = {};
          seen.set(input, output);
          for (const key of Object.keys(input)) output[key] = clone(input[key]);
          return output;
        default:
          if (ArrayBuffer.isView(input)) {
            const buffer = clone(input.buffer);
            const View = globalThis[tag.slice(8, -1)];
            output = tag === '[object DataView]'
                ? new DataView(buffer, input.byteOffset, input.byteLength)
                : new View(buffer, input.byteOffset, input.length);
            break;
          }
          throw uncloneable(input);
      }
      seen.set(input, output);
      return output;
    };
    return clone(value);
  }
  function uncloneable(value) {
    const text = typeof value === 'function' ? `${value}`.split('\n')[0] : String(value);
    return new DOMException(`Failed to execute 'structuredClone' on 'Window': ${text} could ` +
                            'not be cloned.', 'DataCloneError');
  }
  globals.structuredClone = { structuredClone }.structuredClone;

  // --- URL ----------------------------------------------------------------
  const kInternal = Symbol('internal');
  // The engine's parser, behind objects of this realm that hand out strings.
  const urls = new WeakMap();
  const params = new WeakMap();
  const newUrl = bridged(host.newUrl);
  class URL {
    constructor(url, base = undefined) {
      urls.set(this, newUrl(`${url}`, base === undefined ? undefined : `${base}`));
    }
    static canParse(url, base = undefined) {
      try {
        newUrl(`${url}`, base === undefined ? undefined : `${base}`);
        return true;
      } catch {
        return false;
      }
    }
    get searchParams() {
      let search = params.get(this);
      if (!search) {
        search = new URLSearchParams(kInternal, urls.get(this).searchParams);
        params.set(this, search);
      }
      return search;
    }
    toString() { return urls.get(this).get('href'); }
    toJSON() { return urls.get(this).get('href'); }
  }
  for (const part of ['href', 'origin', 'protocol', 'username', 'password', 'host',
                      'hostname', 'port', 'pathname', 'search', 'hash']) {
    const setter = part === 'origin' ? undefined : function (value) {
      const url = urls.get(this);
      if (!url) throw new TypeError('Illegal invocation');
      url.set(part, `${value}`);
    };
    defineProperty(URL.prototype, part, {
      get() {
        const url = urls.get(this);
        if (!url) throw new TypeError('Illegal invocation');
        return url.get(part);
      },
      set: setter, enumerable: true, configurable: true,
    });
  }
  const newSearchParams = bridged(host.newSearchParams);
  class URLSearchParams {
    constructor(init = '', owned = undefined) {
      if (init === kInternal) {
        params.set(this, owned);
        return;
      }
      let text;
      if (init && typeof init === 'object') {
        const pairs = typeof init[Symbol.iterator] === 'function'
            ? Array.from(init, (pair) => [`${pair[0]}`, `${pair[1]}`])
            : Object.keys(init).map((key) => [key, `${init[key]}`]);
        text = pairs;
      } else {
        text = `${init}`;
      }
      params.set(this, newSearchParams(text));
    }
    get size() { return params.get(this).call('size'); }
    append(name, value) { params.get(this).call('append', `${name}`, `${value}`); }
    delete(name) { params.get(this).call('delete', `${name}`); }
    get(name) { return params.get(this).call('get', `${name}`); }
    getAll(name) { return Array.from(params.get(this).call('getAll', `${name}`)); }
    has(name) { return params.get(this).call('has', `${name}`); }
    set(name, value) { params.get(this).call('set', `${name}`, `${value}`); }
    sort() { params.get(this).call('sort'); }
    toString() { return params.get(this).call('toString'); }
    entries() { return Array.from(params.get(this).call('entries'), (p) => [p[0], p[1]]).values(); }
    keys() { return Array.from(params.get(this).call('keys')).values(); }
    values() { return Array.from(params.get(this).call('values')).values(); }
    forEach(callback, thisArg = undefined) {
      for (const [name, value] of this.entries()) apply(callback, thisArg, [value, name, this]);
    }
    [Symbol.iterator]() { return this.entries(); }
  }
  Object.assign(globals, { URL, URLSearchParams });

  // --- crypto -------------------------------------------------------------
  const fillRandom = bridged(host.fillRandom);
  const crypto = {
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof DataView ||
          array instanceof Float32Array || array instanceof Float64Array) {
        throw new DOMException("Failed to execute 'getRandomValues' on 'Crypto': The provided " +
                               'ArrayBufferView is of type which is not an integer array type.',
                               'TypeMismatchError');
      }
      fillRandom(array);
      return array;
    },
    randomUUID() { return host.randomUUID(); },
  };
  defineProperty(crypto, Symbol.toStringTag, { value: 'Crypto', configurable: true });
  globals.crypto = crypto;

  freeze(kLegacyCodes);
  return globals;
})
