// fetch() of the app's own files, made inside a realm (bootstrap.js
// evaluates this in the page's realm and in each worker's). An isolated web
// app's resources come from its bundle at its own origin
// (`isolated-app://ID/video.ts`); here the bundle is the app's directory,
// which the renderer's sandbox lets it read. Nothing else is fetched: the
// renderer never touches the network, so any other URL fails as a blocked
// fetch does in Chrome (TypeError "Failed to fetch").
//
// `host` is the engine's side: appFileLength(url) is the length of the
// app's file at `url`, -1 when there is none, -2 when `url` is not the
// app's; readAppFileInto(url, array) fills the realm's `array` with it
// (false if the file changed meanwhile). `web` is the realm's web globals;
// `scope` {kind, baseUrl, name}.
(function installFetch(host, web, scope) {
  'use strict';

  const {
    ArrayBuffer, JSON, Object, Promise, RangeError, String, Symbol, TypeError, Uint8Array,
  } = globalThis;
  const { defineProperty } = Object;
  const { URL, TextDecoder, TextEncoder } = web;
  const isView = ArrayBuffer.isView;
  const globals = {};

  const bodies = new WeakMap();  // Response -> its state
  function stateOf(response) {
    const state = bodies.get(response);
    if (!state) throw new TypeError('Illegal invocation');
    return state;
  }
  const kInternal = Symbol('internal');

  function bytesOf(body) {
    if (body === undefined || body === null) return new Uint8Array(0);
    if (typeof body === 'string') return new TextEncoder().encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
    if (isView(body)) {
      return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    }
    return new TextEncoder().encode(String(body));
  }

  class Response {
    // new Response(body, {status, statusText}): body a string or a
    // BufferSource, as far as this renderer goes (no streams, no Blob).
    constructor(body = null, init = {}) {
      const internal = body === kInternal;
      const state = internal ? init : {
        bytes: bytesOf(body), status: init.status === undefined ? 200 : init.status >>> 0,
        statusText: init.statusText === undefined ? '' : String(init.statusText),
        url: '', type: 'default',
      };
      if (!internal && (state.status < 200 || state.status > 599)) {
        throw new RangeError("Failed to construct 'Response': The status provided " +
                             `(${state.status}) is outside the range [200, 599].`);
      }
      state.used = false;
      bodies.set(this, state);
    }
    get ok() { const { status } = stateOf(this); return status >= 200 && status < 300; }
    get status() { return stateOf(this).status; }
    get statusText() { return stateOf(this).statusText; }
    get url() { return stateOf(this).url; }
    get type() { return stateOf(this).type; }
    get redirected() { stateOf(this); return false; }
    get bodyUsed() { return stateOf(this).used; }
    arrayBuffer() { return consume(this, 'arrayBuffer', (bytes) => bytes.buffer); }
    bytes() { return consume(this, 'bytes', (bytes) => bytes); }
    text() { return consume(this, 'text', (bytes) => new TextDecoder().decode(bytes)); }
    json() { return consume(this, 'json', (bytes) => JSON.parse(new TextDecoder().decode(bytes))); }
  }
  defineProperty(Response.prototype, Symbol.toStringTag, { value: 'Response', configurable: true });

  // The body once, as Chrome's words say when it is read twice.
  function consume(response, method, convert) {
    let state;
    try {
      state = stateOf(response);
    } catch (error) {
      return Promise.reject(error);
    }
    if (state.used) {
      return Promise.reject(new TypeError(
        `Failed to execute '${method}' on 'Response': body stream already read`));
    }
    state.used = true;
    const bytes = state.bytes;
    state.bytes = new Uint8Array(0);
    try {
      return Promise.resolve(convert(bytes));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function failed() {
    return Promise.reject(new TypeError('Failed to fetch'));
  }

  // fetch(input[, init]): GET (or HEAD) of a file of the app's own bundle,
  // relative URLs against this realm's base; 404 for a file it lacks.
  function fetch(input, init = {}) {
    let url;
    try {
      url = new URL(`${input}`, scope.baseUrl).href;
    } catch {
      return Promise.reject(new TypeError(
        `Failed to execute 'fetch' on '${scope.kind === 'window' ? 'Window' : 'WorkerGlobalScope'}': ` +
        `Failed to parse URL from ${input}`));
    }
    const method = init && init.method !== undefined ? `${init.method}`.toUpperCase() : 'GET';
    if (method !== 'GET' && method !== 'HEAD') return failed();
    const length = host.appFileLength(url);
    if (length === -2) return failed();
    let bytes = new Uint8Array(0);
    let status = 404;
    if (length >= 0) {
      bytes = new Uint8Array(length);
      if (!host.readAppFileInto(url, bytes)) return failed();
      status = 200;
      if (method === 'HEAD') bytes = new Uint8Array(0);
    }
    return Promise.resolve(new Response(kInternal, {
      bytes, status, statusText: status === 200 ? 'OK' : 'Not Found', url, type: 'basic',
    }));
  }

  globals.fetch = fetch;
  globals.Response = Response;
  return globals;
})
