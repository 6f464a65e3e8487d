// Runs in Node's own context, with require (js_runtime.cc loads it): it
// makes the app's realm, and one per dedicated worker the app starts, each
// with every global made inside it (web_realm.js, web_events.js,
// web-streams-polyfill, web_workers.js, direct_sockets.js) and the CSP of
// an Isolated Web App (no code from strings); then links and evaluates the
// app's module. The app's name and source, and the scripts, arrive as
// strings in globalThis.__dsockApp, removed at once.
'use strict';
const vm = require('vm');
const path = require('path');
const fs = require('fs');
const util = require('util');
const { webcrypto } = require('crypto');
const scripts = globalThis.__dsockApp;
delete globalThis.__dsockApp;
const { name, source } = scripts;
const native = process._linkedBinding('dsock_udp');
const origin = process.env.DSOCK_APP_ORIGIN || 'isolated-app://dsockrun';
// The app is served at its origin's root, as an IWA's files are: the
// module at `${origin}/${basename}`, its directory as the bundle.
const root = path.dirname(path.resolve(name));

// Chrome 156's words when an IWA's page evaluates a string as code.
const kNoEval = "Evaluating a string as JavaScript violates the following Content " +
    "Security Policy directive because 'unsafe-eval' is not an allowed source of " +
    "script: script-src 'self' 'wasm-unsafe-eval'\".\n";  // Its newline too.

let finished = false;
const fail = (error) => {
  const named = error && error.name ? error.name : 'Error';
  const message = error && error.message !== undefined ? error.message : String(error);
  console.error(`${name}: uncaught ${named}: ${`${message}`.trimEnd()}`);
  // Where, in the app's own files (not the engine's).
  const stack = error && typeof error.stack === 'string' ? error.stack : '';
  const frames = stack.split('\n').filter((l) => l.startsWith('    at ') && l.includes(origin));
  for (const frame of frames.slice(0, 8)) {
    console.error(frame);
  }
  native.stop(1);
};
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
process.on('beforeExit', () => {
  if (!finished) {
    console.error(`${name}: the module's top-level await never settled`);
    native.stop(1);
  }
});

// The path of the app's bundle's file at `url`, or undefined when `url` is
// not the app's (path.join drops any '..' at the bundle's root).
function appFilePath(url) {
  if (!url.startsWith(`${origin}/`)) return undefined;
  return path.join(root, ...decodeURIComponent(new URL(url).pathname).split('/'));
}

// The file of the app's bundle at `url` (a Buffer, or text with
// `encoding`), or undefined.
function readAppFile(url, encoding = 'utf8') {
  const file = appFilePath(url);
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, encoding);
  } catch {
    return undefined;
  }
}

const kInspect = { customInspect: false, colors: false };
const searchHandle = (params) => ({
  call: (method, ...args) => (method === 'size' ? params.size : params[method](...args)),
});
const encoder = new TextEncoder();

// The intrinsics the streams polyfill names, bound as its own constants. In
// a vm context every global lookup goes through Node's interceptor (a C++
// call and two property lookups); the polyfill makes several per read(),
// which made a read loop 5x slower than the same polyfill outside a vm
// context (1.15 against 0.23 us per read, issue 14). Bound once, they are
// also the realm's originals, as Chrome's streams use theirs: a page that
// replaces globalThis.Promise does not change its streams.
const kPolyfillIntrinsics = [
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'Symbol', 'Promise',
  'Error', 'RangeError', 'TypeError', 'Math', 'ArrayBuffer', 'Uint8Array',
  'DataView', 'BigInt', 'isFinite', 'isNaN', 'Infinity', 'NaN',
];
// `script` run with `names` bound from the realm's global, on the script's
// first line (stack traces keep their line numbers).
const withIntrinsics = (script, names) =>
  `(function () { const undefined = void 0; const { ${names.join(', ')} } = globalThis; ${script}\n}).call(globalThis);`;

// A realm: a context whose globals are its own. `scope` is {kind:
// 'window' | 'worker', baseUrl, name}; `hooks` the worker's links to its
// parent (postToParent, closeSelf, receiveMessages, reportError).
class Realm {
  constructor(scope, hooks = {}) {
    this.scope = scope;
    this.modules = new Map();  // URL -> vm.SourceTextModule
    this.timers = new Map();
    this.nextTimer = 1;
    this.context = vm.createContext({}, {
      name: scope.baseUrl, codeGeneration: { strings: false, wasm: true },
    });
    this.global = vm.runInContext('globalThis', this.context);
    native.setCodeGenerationMessage(this.global, kNoEval);
    // Errors the page may catch are of its realm.
    this.TypeError = vm.runInContext('TypeError', this.context);
    const host = this.makeHost(hooks);
    this.web = this.run(scripts.webRealm, 'web_realm.js')(host);
    Object.assign(this.web, this.run(scripts.webEvents, 'web_events.js')(host, this.web));
    this.define(this.web);
    this.define({
      self: this.global,
      // What an isolated app's global says of itself in Chrome: its origin
      // (the one its host bound its channel to), a secure context, and
      // cross-origin isolated (an IWA is served with COOP and COEP).
      origin, isSecureContext: true, crossOriginIsolated: true,
    });
    // WHATWG streams of this realm; the polyfill defines them on `self`.
    this.run(withIntrinsics(scripts.webStreams, kPolyfillIntrinsics), 'web-streams-polyfill.js');
    delete this.global.WebStreamsPolyfill;
    this.define(this.run(scripts.webWorkers, 'web_workers.js')(host, this.web, scope));
    this.define(this.run(scripts.webFetch, 'web_fetch.js')(host, this.web, scope));
    // The web API, made in this realm; the native binding stays here.
    const api = this.run(scripts.webApi, 'direct_sockets.js')(native);
    this.define(api.globals);
    this.closeSockets = api.closeAll;
  }

  run(script, filename) {
    return vm.runInContext(script, this.context, { filename });
  }

  // Globals as WebIDL puts them: writable, configurable, not enumerable.
  define(values) {
    for (const key of Object.keys(values)) {
      Object.defineProperty(this.global, key, {
        value: values[key], writable: true, configurable: true, enumerable: false });
    }
  }

  // The engine's side of the realm's globals: functions of primitives (and
  // of the realm's own callbacks), never handed to the page.
  makeHost(hooks) {
    return {
      // Formatted here, without a page object's custom inspector (Node's
      // would hand it the engine's own objects), then printed.
      console: (method, args) => {
        const text = (values) => util.formatWithOptions(kInspect, ...values);
        switch (method) {
          case 'assert':
            if (!args[0]) console.error(text(['Assertion failed:', ...args.slice(1)]));
            break;
          case 'count': case 'countReset': case 'time': case 'timeEnd':
            console[method](args.length > 0 ? `${args[0]}` : undefined);
            break;
          case 'timeLog':
            console.timeLog(args.length > 0 ? `${args[0]}` : undefined, text(args.slice(1)));
            break;
          case 'clear': case 'groupEnd':
            console[method]();
            break;
          default:
            console[method === 'table' || method === 'dirxml' ? 'log' : method](text(args));
        }
      },
      setTimer: (callback, delay, repeat) => {
        const id = this.nextTimer++;
        const run = () => {
          if (!repeat) this.timers.delete(id);
          callback();
        };
        this.timers.set(id, repeat ? setInterval(run, delay) : setTimeout(run, delay));
        return id;
      },
      clearTimer: (id) => {
        const timer = this.timers.get(id);
        if (timer === undefined) return;
        clearTimeout(timer);
        this.timers.delete(id);
      },
      queueMicrotask: (callback) => queueMicrotask(callback),
      encodeUtf8: (text) => encoder.encode(text),
      newDecoder: (label, fatal, ignoreBOM) => {
        const decoder = new TextDecoder(label, { fatal, ignoreBOM });
        return {
          encoding: () => decoder.encoding,
          fatal: () => decoder.fatal,
          ignoreBOM: () => decoder.ignoreBOM,
          decode: (input, stream) => decoder.decode(input, { stream }),
        };
      },
      atob: (text) => atob(text),
      btoa: (text) => btoa(text),
      now: () => performance.now(),
      timeOrigin: performance.timeOrigin,
      reportError: hooks.reportError || ((error) => {
        console.error(`Uncaught ${error && error.name}: ${error && error.message}`);
      }),
      newUrl: (url, base) => {
        const parsed = new URL(url, base);
        return {
          get: (part) => parsed[part],
          set: (part, value) => { parsed[part] = value; },
          searchParams: searchHandle(parsed.searchParams),
        };
      },
      newSearchParams: (init) => searchHandle(new URLSearchParams(init)),
      fillRandom: (array) => { webcrypto.getRandomValues(array); },
      randomUUID: () => webcrypto.randomUUID(),
      // fetch() of the app's own files (web_fetch.js): -2 not the app's,
      // -1 none; the bytes go into the realm's own array.
      appFileLength: (url) => {
        const file = appFilePath(url);
        if (file === undefined) return -2;
        try {
          const stat = fs.statSync(file);
          return stat.isFile() ? stat.size : -1;
        } catch {
          return -1;
        }
      },
      readAppFileInto: (url, array) => {
        const bytes = readAppFile(url, null);
        if (bytes === undefined || bytes.length !== array.length) return false;
        Uint8Array.prototype.set.call(array, bytes);
        return true;
      },
      startWorker: (url, type, workerName, events) => startWorker(this, url, type, workerName,
                                                                  events),
      postToParent: hooks.postToParent,
      closeSelf: hooks.closeSelf,
      receiveMessages: hooks.receiveMessages,
    };
  }

  // Ends the realm's timers and sockets (a worker terminated).
  shutdown() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.closeSockets();
  }

  // Module specifiers resolve as a browser resolves them against the
  // importing module's URL; only files of the app's own bundle load. What
  // does not load fails in Chrome's words.
  resolve(specifier, referrer) {
    if (/^(\/|\.\/|\.\.\/)/.test(specifier)) return new URL(specifier, referrer).href;
    try {
      return new URL(specifier).href;
    } catch {
      throw new this.TypeError(`Failed to resolve module specifier "${specifier}". Relative ` +
                               'references must start with either "/", "./", or "../".');
    }
  }

  load(specifier, referrer) {
    const url = this.resolve(specifier, referrer);
    const module = this.modules.get(url);
    if (module) return module;
    const text = readAppFile(url);
    if (text === undefined) {
      throw new this.TypeError(`Failed to fetch dynamically imported module: ${url}`);
    }
    return this.module(text, url);
  }

  module(text, url) {
    const module = new vm.SourceTextModule(text, {
      context: this.context, identifier: url,
      // import.meta.url is the module's own URL, as in a browser.
      initializeImportMeta: (meta) => { meta.url = url; },
      importModuleDynamically: async (specifier, referrer) => {
        const imported = this.load(specifier, referrer.identifier);
        await imported.link((s, r) => this.load(s, r.identifier));
        await imported.evaluate();
        return imported;
      },
    });
    this.modules.set(url, module);
    return module;
  }

  // Links and evaluates the module `text` at `url`.
  async runModule(text, url) {
    const module = this.module(text, url);
    await module.link((specifier, referrer) => this.load(specifier, referrer.identifier));
    await module.evaluate();
  }
}

// A dedicated worker of `parent`: its own realm, started on a later task,
// its messages delivered as tasks in both directions; messages to it wait
// until its script has run, as in Chrome. `events` are the parent's
// Worker's callbacks (web_workers.js).
function startWorker(parent, url, type, workerName, events) {
  let realm;
  let started = false;
  let terminated = false;
  let receiver;
  const waiting = [];
  const task = (work) => setImmediate(() => {
    if (!terminated) work();
  });
  const uncaught = (error) => {
    const text = `Uncaught ${error && error.name}: ${error && error.message}`;
    const stack = `${(error && error.stack) || ''}`;
    const where = /(isolated-app:\/\/[^\s)]+):(\d+):(\d+)/.exec(stack) || [];
    task(() => {
      const unhandled = events.uncaught(text, where[1] || url, Number(where[2]) || 0,
                                        Number(where[3]) || 0);
      if (unhandled) console.error(text);
    });
  };
  const deliver = (message) => {
    if (!started) {
      waiting.push(message);
      return;
    }
    task(() => {
      let data;
      try {
        data = realm.web.structuredClone(message);
      } catch {
        return;
      }
      receiver.message(data);
    });
  };
  const terminate = () => {
    if (terminated) return;
    terminated = true;
    if (realm) realm.shutdown();
  };
  setImmediate(async () => {
    if (terminated) return;
    const text = readAppFile(url);
    if (text === undefined) {
      task(() => events.loadFailed());
      return;
    }
    realm = new Realm({ kind: 'worker', baseUrl: url, name: workerName }, {
      postToParent: (message) => task(() => {
        events.message(parent.web.structuredClone(message));
      }),
      closeSelf: terminate,
      receiveMessages: (handlers) => { receiver = handlers; },
      reportError: uncaught,
    });
    try {
      if (type === 'module') {
        await realm.runModule(text, url);
      } else {
        new vm.Script(text, { filename: url }).runInContext(realm.context);
      }
    } catch (error) {
      uncaught(error);
    }
    started = true;
    for (const message of waiting.splice(0)) deliver(message);
  });
  return {
    post: (message) => {
      if (!terminated) deliver(message);
    },
    terminate,
  };
}

const page = new Realm({ kind: 'window', baseUrl: `${origin}/`, name: '' });
const appUrl = `${origin}/${path.basename(path.resolve(name))}`;
page.runModule(source, appUrl).then(() => { finished = true; }).catch(fail);
