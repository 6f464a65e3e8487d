// An app that tries to leave the JS realm for the engine's own (Node's
// `process`) through a function's constructor, to open an IP socket with
// Node's UDP binding (the renderer's seccomp filter would refuse it:
// renderer/sandbox_test.cc). Every object the page reaches is of its realm,
// whose CSP forbids code from strings: the first step throws EvalError, in
// Chrome 156's words.
// expect: exit 1
// expect: text uncaught EvalError: Evaluating a string as JavaScript violates the following Content Security Policy directive because 'unsafe-eval' is not an allowed source of script: script-src 'self' 'wasm-unsafe-eval'".
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
