// Dedicated workers and the Trusted Types they need, made inside a realm
// (bootstrap.js evaluates this in the page's realm and in each worker's).
// Direct Sockets is exposed to dedicated workers ([Exposed=(Window,
// DedicatedWorker)]); an isolated app's CSP requires a TrustedScriptURL to
// start one, as in Chrome 156.
//
// `host` is the engine's side (functions of primitives and of this realm's
// own callbacks); `web` the realm's web globals (web_realm.js); `scope`
// says which global this is: {kind: 'window' | 'worker', baseUrl, name}.
(function installWorkers(host, web, scope) {
  'use strict';

  const { DOMException, Event, EventTarget, MessageEvent, ErrorEvent } = web;
  const { defineProperty } = Object;
  const { apply } = Reflect;
  const globals = {};

  // --- Trusted Types ------------------------------------------------------
  const trustedValues = new WeakMap();
  const kInternal = Symbol('internal');
  function trustedType(name) {
    const type = {
      [name]: class {
        constructor(key, value) {
          if (key !== kInternal) throw new TypeError('Illegal constructor');
          trustedValues.set(this, `${value}`);
        }
        toString() { return trustedValues.get(this); }
        toJSON() { return trustedValues.get(this); }
      },
    }[name];
    defineProperty(type.prototype, Symbol.toStringTag, { value: name, configurable: true });
    return type;
  }
  const TrustedHTML = trustedType('TrustedHTML');
  const TrustedScript = trustedType('TrustedScript');
  const TrustedScriptURL = trustedType('TrustedScriptURL');
  const kPolicyMembers = [
    ['createHTML', TrustedHTML], ['createScript', TrustedScript],
    ['createScriptURL', TrustedScriptURL],
  ];
  const policies = new WeakMap();
  class TrustedTypePolicy {
    constructor(key, name, options) {
      if (key !== kInternal) throw new TypeError('Illegal constructor');
      policies.set(this, { name, options });
    }
    get name() { return policies.get(this).name; }
  }
  for (const [member, Type] of kPolicyMembers) {
    defineProperty(TrustedTypePolicy.prototype, member, {
      value: {
        [member](input, ...args) {
          const { name, options } = policies.get(this);
          if (typeof options[member] !== 'function') {
            throw new TypeError(`Failed to execute '${member}' on 'TrustedTypePolicy': ` +
                                `Policy ${name}'s TrustedTypePolicyOptions did not specify a ` +
                                `'${member}' member.`);
          }
          const value = apply(options[member], undefined, [`${input}`, ...args]);
          return new Type(kInternal, value === undefined || value === null ? '' : value);
        },
      }[member],
      writable: true, enumerable: true, configurable: true,
    });
  }
  const trustedTypes = {
    createPolicy(name, options = undefined) {
      const members = {};
      for (const [member] of kPolicyMembers) {
        const value = options ? options[member] : undefined;
        if (value !== undefined) members[member] = value;
      }
      return new TrustedTypePolicy(kInternal, `${name}`, members);
    },
    isHTML: (value) => value instanceof TrustedHTML,
    isScript: (value) => value instanceof TrustedScript,
    isScriptURL: (value) => value instanceof TrustedScriptURL,
    get emptyHTML() { return new TrustedHTML(kInternal, ''); },
    get emptyScript() { return new TrustedScript(kInternal, ''); },
    defaultPolicy: null,
  };
  Object.assign(globals, {
    trustedTypes, TrustedHTML, TrustedScript, TrustedScriptURL, TrustedTypePolicy,
  });

  // --- Event handler attributes (onmessage, onerror, ...) -----------------
  const handlers = new WeakMap();
  function defineEventHandler(target, type) {
    defineProperty(target, `on${type}`, {
      get() { return (handlers.get(this) || {})[type] || null; },
      set(handler) {
        let byType = handlers.get(this);
        if (!byType) {
          byType = {};
          handlers.set(this, byType);
        }
        if (!(type in byType)) {
          this.addEventListener(type, (event) => {
            const current = byType[type];
            if (typeof current !== 'function') return;
            const result = apply(current, this, [event]);
            if (result === false) event.preventDefault();
          });
        }
        byType[type] = typeof handler === 'function' ? handler : null;
      },
      enumerable: true, configurable: true,
    });
  }

  // --- Worker -------------------------------------------------------------
  const kWorkerTypes = ['classic', 'module'];
  const kCredentials = ['omit', 'same-origin', 'include'];
  const construct = "Failed to construct 'Worker': ";
  function readEnum(options, member, values, type) {
    const value = options[member];
    if (value === undefined) return undefined;
    const string = `${value}`;
    if (!values.includes(string)) {
      throw new TypeError(`${construct}Failed to read the '${member}' property from ` +
                          `'WorkerOptions': The provided value '${string}' is not a valid enum ` +
                          `value of type ${type}.`);
    }
    return string;
  }
  const workers = new WeakMap();
  class Worker extends EventTarget {
    constructor(scriptURL, options = undefined) {
      if (arguments.length < 1) {
        throw new TypeError(`${construct}1 argument required, but only 0 present.`);
      }
      super();
      if (options !== undefined && options !== null && typeof options !== 'object') {
        throw new TypeError(`${construct}The provided value is not of type 'WorkerOptions'.`);
      }
      const dictionary = options || {};
      readEnum(dictionary, 'credentials', kCredentials, 'RequestCredentials');
      const name = dictionary.name === undefined ? '' : `${dictionary.name}`;
      const type = readEnum(dictionary, 'type', kWorkerTypes, 'WorkerType') || 'classic';
      if (!(scriptURL instanceof TrustedScriptURL)) {
        throw new TypeError(`${construct}This document requires 'TrustedScriptURL' assignment.`);
      }
      let url;
      try {
        url = new web.URL(`${scriptURL}`, scope.baseUrl).href;
      } catch {
        throw new DOMException(`${construct}The URL '${scriptURL}' is invalid.`, 'SyntaxError');
      }
      const worker = this;
      workers.set(this, host.startWorker(url, type, name, {
        message(data) { worker.dispatchEvent(new MessageEvent('message', { data })); },
        messageError() { worker.dispatchEvent(new MessageEvent('messageerror')); },
        // A script that did not load is a plain `error` event; an uncaught
        // error an ErrorEvent, which the page may cancel.
        loadFailed() { worker.dispatchEvent(new Event('error')); },
        uncaught(message, filename, lineno, colno) {
          return worker.dispatchEvent(new ErrorEvent('error', {
            message, filename, lineno, colno, cancelable: true }));
        },
      }));
    }
    postMessage(message) {
      workerOf(this).post(web.structuredClone(message));
    }
    terminate() { workerOf(this).terminate(); }
  }
  function workerOf(object) {
    const handle = workers.get(object);
    if (!handle) throw new TypeError('Illegal invocation');
    return handle;
  }
  for (const type of ['message', 'messageerror', 'error']) {
    defineEventHandler(Worker.prototype, type);
  }
  defineProperty(Worker.prototype, Symbol.toStringTag, { value: 'Worker', configurable: true });
  globals.Worker = Worker;

  // --- A dedicated worker's global scope -----------------------------------
  if (scope.kind === 'worker') {
    function WorkerGlobalScope() { throw new TypeError('Illegal constructor'); }
    function DedicatedWorkerGlobalScope() { throw new TypeError('Illegal constructor'); }
    // The global is the event target a worker knows as `self`; its events
    // go through this one.
    const target = new EventTarget();
    Object.assign(globals, {
      postMessage: {
        postMessage(message) { host.postToParent(web.structuredClone(message)); },
      }.postMessage,
      close: { close() { host.closeSelf(); } }.close,
      addEventListener: {
        addEventListener(type, listener, options = undefined) {
          target.addEventListener(type, listener, options);
        },
      }.addEventListener,
      removeEventListener: {
        removeEventListener(type, listener) { target.removeEventListener(type, listener); },
      }.removeEventListener,
      dispatchEvent: { dispatchEvent(event) { return target.dispatchEvent(event); } }.dispatchEvent,
      WorkerGlobalScope, DedicatedWorkerGlobalScope, name: scope.name,
    });
    for (const type of ['message', 'messageerror', 'error']) {
      defineEventHandler(globalThis, type);
    }
    host.receiveMessages({
      message(data) { target.dispatchEvent(new MessageEvent('message', { data })); },
    });
    defineProperty(globalThis, Symbol.toStringTag, {
      value: 'DedicatedWorkerGlobalScope', configurable: true });
  }
  return globals;
})
