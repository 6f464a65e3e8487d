// Events of a realm, made inside it (bootstrap.js evaluates this after
// web_realm.js, in the page's realm and in each worker's): Event,
// EventTarget, AbortController and AbortSignal, MessageEvent and
// ErrorEvent. `host` is the engine's side (web_realm.js says what it is);
// `web` the realm's globals so far.
(function installWebEvents(host, web) {
  'use strict';

  const { DOMException } = web;
  const { apply } = Reflect;
  const globals = {};
  const kInternal = Symbol('internal');

  // --- Events and abort ---------------------------------------------------
  const eventState = new WeakMap();
  class Event {
    constructor(type, init = undefined) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 " +
                            'present.');
      }
      eventState.set(this, {
        type: `${type}`, bubbles: Boolean(init && init.bubbles),
        cancelable: Boolean(init && init.cancelable), defaultPrevented: false,
        target: null, currentTarget: null, stopped: false, timeStamp: host.now(),
      });
    }
    get type() { return eventState.get(this).type; }
    get bubbles() { return eventState.get(this).bubbles; }
    get cancelable() { return eventState.get(this).cancelable; }
    get defaultPrevented() { return eventState.get(this).defaultPrevented; }
    get target() { return eventState.get(this).target; }
    get currentTarget() { return eventState.get(this).currentTarget; }
    get timeStamp() { return eventState.get(this).timeStamp; }
    preventDefault() {
      const state = eventState.get(this);
      if (state.cancelable) state.defaultPrevented = true;
    }
    stopPropagation() {}
    stopImmediatePropagation() { eventState.get(this).stopped = true; }
  }

  const listenersOf = new WeakMap();
  class EventTarget {
    constructor() { listenersOf.set(this, new Map()); }
    addEventListener(type, listener, options = undefined) {
      if (listener === null || listener === undefined) return;
      const once = Boolean(options && typeof options === 'object' && options.once);
      const signal = options && typeof options === 'object' ? options.signal : undefined;
      if (signal && signal.aborted) return;
      const byType = targetListeners(this);
      const list = byType.get(`${type}`) || [];
      if (list.some((entry) => entry.listener === listener)) return;
      const entry = { listener, once };
      list.push(entry);
      byType.set(`${type}`, list);
      if (signal) {
        signal.addEventListener('abort', () => this.removeEventListener(type, listener));
      }
    }
    removeEventListener(type, listener) {
      const list = targetListeners(this).get(`${type}`);
      if (!list) return;
      const index = list.findIndex((entry) => entry.listener === listener);
      if (index >= 0) list.splice(index, 1);
    }
    dispatchEvent(event) {
      const state = eventState.get(event);
      if (!state) {
        throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 " +
                            "is not of type 'Event'.");
      }
      state.target = this;
      state.currentTarget = this;
      for (const entry of [...(targetListeners(this).get(state.type) || [])]) {
        if (entry.once) this.removeEventListener(state.type, entry.listener);
        try {
          if (typeof entry.listener === 'function') apply(entry.listener, this, [event]);
          else entry.listener.handleEvent(event);
        } catch (error) {
          host.reportError(error);
        }
        if (state.stopped) break;
      }
      state.currentTarget = null;
      return !state.defaultPrevented;
    }
  }
  function targetListeners(target) {
    const byType = listenersOf.get(target);
    if (!byType) throw new TypeError('Illegal invocation');
    return byType;
  }

  const signalState = new WeakMap();
  class AbortSignal extends EventTarget {
    constructor(key) {
      if (key !== kInternal) throw new TypeError("Failed to construct 'AbortSignal': Illegal constructor");
      super();
      signalState.set(this, { aborted: false, reason: undefined, onabort: null });
    }
    get aborted() { return signalState.get(this).aborted; }
    get reason() { return signalState.get(this).reason; }
    get onabort() { return signalState.get(this).onabort; }
    set onabort(handler) { signalState.get(this).onabort = handler; }
    throwIfAborted() {
      if (this.aborted) throw this.reason;
    }
    static abort(reason = undefined) {
      const signal = new AbortSignal(kInternal);
      abortSignal(signal, reason);
      return signal;
    }
    static timeout(milliseconds) {
      const signal = new AbortSignal(kInternal);
      host.setTimer(() => abortSignal(signal, new DOMException(
          'signal timed out', 'TimeoutError')), Number(milliseconds) || 0, false);
      return signal;
    }
  }
  function abortSignal(signal, reason) {
    const state = signalState.get(signal);
    if (state.aborted) return;
    state.aborted = true;
    state.reason = reason === undefined
        ? new DOMException('signal is aborted without reason', 'AbortError') : reason;
    const event = new Event('abort');
    if (typeof state.onabort === 'function') {
      try {
        apply(state.onabort, signal, [event]);
      } catch (error) {
        host.reportError(error);
      }
    }
    signal.dispatchEvent(event);
  }
  const controllerSignals = new WeakMap();
  class AbortController {
    constructor() { controllerSignals.set(this, new AbortSignal(kInternal)); }
    get signal() { return controllerSignals.get(this); }
    abort(reason = undefined) { abortSignal(controllerSignals.get(this), reason); }
  }
  // What a worker and its page send each other, and a worker's uncaught
  // error, as events.
  const messageData = new WeakMap();
  class MessageEvent extends Event {
    constructor(type, init = undefined) {
      super(type, init);
      messageData.set(this, init && 'data' in init ? init.data : null);
    }
    get data() { return messageData.get(this); }
  }
  const errorDetails = new WeakMap();
  class ErrorEvent extends Event {
    constructor(type, init = undefined) {
      super(type, init);
      errorDetails.set(this, {
        message: init && init.message !== undefined ? `${init.message}` : '',
        filename: init && init.filename !== undefined ? `${init.filename}` : '',
        lineno: (init && Number(init.lineno)) || 0,
        colno: (init && Number(init.colno)) || 0,
        error: init && 'error' in init ? init.error : undefined,
      });
    }
    get message() { return errorDetails.get(this).message; }
    get filename() { return errorDetails.get(this).filename; }
    get lineno() { return errorDetails.get(this).lineno; }
    get colno() { return errorDetails.get(this).colno; }
    get error() { return errorDetails.get(this).error; }
  }
  Object.assign(globals, {
    Event, EventTarget, AbortSignal, AbortController, MessageEvent, ErrorEvent,
  });
  return globals;
})
