// Runs in Node's own context, with require (js_runtime.cc loads it): it
// makes the app's realm, whose every global is made inside it
// (web_realm.js, web-streams-polyfill, direct_sockets.js), with the CSP of
// an Isolated Web App (no code from strings), then links and evaluates the
// app's module. The app's name, origin and source, and the scripts, arrive
// as strings in globalThis.__dsockApp, removed at once.
'use strict';
const vm = require('vm');
const path = require('path');
const fs = require('fs');
const { webcrypto } = require('crypto');
const { name, source, webRealm, webStreams, webApi } = globalThis.__dsockApp;
delete globalThis.__dsockApp;
const native = process._linkedBinding('dsock_udp');
const origin = process.env.DSOCK_APP_ORIGIN || 'isolated-app://dsockrun';

// Chrome 156's words when an IWA's page evaluates a string as code.
const kNoEval = "Evaluating a string as JavaScript violates the following Content " +
    "Security Policy directive because 'unsafe-eval' is not an allowed source of " +
    "script: script-src 'self' 'wasm-unsafe-eval'\".\n";  // Its newline too.
const context = vm.createContext({}, {
  name, codeGeneration: { strings: false, wasm: true },
});
const appGlobal = vm.runInContext('globalThis', context);
native.setCodeGenerationMessage(appGlobal, kNoEval);
// Errors the page may catch are of its realm.
const AppTypeError = vm.runInContext('TypeError', context);

// The engine's side of the realm's globals (web_realm.js): functions of
// primitives, never handed to the page.
const timers = new Map();
let nextTimer = 1;
const encoder = new TextEncoder();
const searchHandle = (params) => ({
  call: (method, ...args) => (method === 'size' ? params.size : params[method](...args)),
});
const host = {
  console: (method, args) => console[method](...args),
  setTimer: (callback, delay, repeat) => {
    const id = nextTimer++;
    const run = () => {
      if (!repeat) timers.delete(id);
      callback();
    };
    timers.set(id, repeat ? setInterval(run, delay) : setTimeout(run, delay));
    return id;
  },
  clearTimer: (id) => {
    const timer = timers.get(id);
    if (timer === undefined) return;
    clearTimeout(timer);
    timers.delete(id);
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
  reportError: (error) => console.error(`Uncaught ${error && error.name}: ${error && error.message}`),
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
};

// Globals as WebIDL puts them on a global object: writable, configurable,
// not enumerable.
function defineGlobals(values) {
  for (const key of Object.keys(values)) {
    Object.defineProperty(appGlobal, key, {
      value: values[key], writable: true, configurable: true, enumerable: false });
  }
}
defineGlobals(vm.runInContext(webRealm, context, { filename: 'web_realm.js' })(host));
defineGlobals({
  self: appGlobal,
  // What an isolated app's window says of itself in Chrome: its origin (the
  // one its host bound its channel to), a secure context, and cross-origin
  // isolated (an IWA is served with COOP and COEP).
  origin,
  isSecureContext: true,
  crossOriginIsolated: true,
});
// WHATWG streams of this realm; the polyfill defines them on `self`.
vm.runInContext(webStreams, context, { filename: 'web-streams-polyfill.js' });
delete appGlobal.WebStreamsPolyfill;
// The web API is made inside the app's realm; the native binding stays in
// this closure.
defineGlobals(vm.runInContext(webApi, context, { filename: 'direct_sockets.js' })(native));

// The app is served at its origin's root, as an IWA's files are: the
// module at `${origin}/${basename}`, its directory as the bundle.
const root = path.dirname(path.resolve(name));
const urlOfFile = (file) => `${origin}/${path.relative(root, file).split(path.sep).join('/')}`;
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

// Module specifiers resolve as a browser resolves them against the
// importing module's URL; only files of the app's own directory load, as
// an isolated app's imports stay in its bundle. What does not load fails in
// Chrome's words.
const modules = new Map();  // URL -> vm.SourceTextModule
function resolveUrl(specifier, referrer) {
  if (/^(\/|\.\/|\.\.\/)/.test(specifier)) return new URL(specifier, referrer).href;
  try {
    return new URL(specifier).href;
  } catch {
    throw new AppTypeError(`Failed to resolve module specifier "${specifier}". Relative ` +
                        'references must start with either "/", "./", or "../".');
  }
}
function loadModule(specifier, referrer) {
  const url = resolveUrl(specifier, referrer);
  let module = modules.get(url);
  if (module) return module;
  const notFetched = () => new AppTypeError(`Failed to fetch dynamically imported module: ${url}`);
  if (!url.startsWith(`${origin}/`)) throw notFetched();
  const file = path.join(root, ...decodeURIComponent(new URL(url).pathname).split('/'));
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw notFetched();
  }
  module = makeModule(text, url);
  return module;
}
function makeModule(text, url) {
  const module = new vm.SourceTextModule(text, {
    context, identifier: url,
    importModuleDynamically: async (specifier, referrer) => {
      const imported = loadModule(specifier, referrer.identifier);
      await imported.link((s, r) => loadModule(s, r.identifier));
      await imported.evaluate();
      return imported;
    },
  });
  modules.set(url, module);
  return module;
}
(async () => {
  const module = makeModule(source, urlOfFile(path.resolve(name)));
  await module.link((specifier, referrer) => loadModule(specifier, referrer.identifier));
  await module.evaluate();
  finished = true;
})().catch(fail);
