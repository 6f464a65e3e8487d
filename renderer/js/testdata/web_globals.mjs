// An app sees a page's globals and none of Node's; top-level await and
// export work, as in the explainer's examples.
const seen = [];
for (const name of ['require', 'process', 'Buffer', 'module', '__dirname']) {
  seen.push(`${name}:${typeof globalThis[name]}`);
}
console.log(seen.join(' '));
await new Promise((resolve) => setTimeout(resolve, 5));
const bytes = new TextEncoder().encode('héllo');
console.log('encoded', bytes.length, new TextDecoder().decode(bytes));
const stream = new ReadableStream({ start(c) { c.enqueue('chunk'); c.close(); } });
const { value } = await stream.getReader().read();
console.log('stream', value, typeof WritableStream, typeof AbortController);
console.log('DOMException', new DOMException('m', 'NetworkError').name);
export function unused() {}
const bytes16 = crypto.getRandomValues(new Uint8Array(16));
console.log('more', new URL('./a', 'isolated-app://x/b').href, atob(btoa('ok')), bytes16.length, self === globalThis);
