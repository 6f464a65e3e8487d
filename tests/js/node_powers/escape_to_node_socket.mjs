// An app that escapes the JS realm (a function of the engine's own realm
// hands out its Function constructor, and so Node's `process`) and opens an
// IP socket with Node's internal UDP binding. The renderer's seccomp
// sandbox refuses socket() for every family, so this fails with EPERM and
// the renderer lives on to say so.
// expect: exit 1
// expect: text uncaught Error: socket() refused: EPERM
const process = console.log.constructor('return process')();
const { UDP } = process.binding('udp_wrap');
const handle = new UDP();
const code = handle.bind('127.0.0.1', 0, 0);
if (code === 0) {
  console.log('ESCAPED: an IP socket was opened from the renderer');
} else {
  const name = process.binding('uv').errname(code);
  throw new Error(`socket() refused: ${name}`);
}
