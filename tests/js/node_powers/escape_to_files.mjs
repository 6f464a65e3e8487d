// An app that tries to leave the JS realm for the engine's own (Node's
// `process`) through a function's constructor, to read a system file and
// create one (the renderer's Landlock rules would refuse both:
// renderer/sandbox_test.cc). Every object the page reaches is of its realm,
// whose CSP forbids code from strings: the first step throws EvalError, in
// Chrome 156's words.
// expect: exit 1
// expect: text uncaught EvalError: Evaluating a string as JavaScript violates the following Content Security Policy directive because 'unsafe-eval' is not an allowed source of script: script-src 'self' 'wasm-unsafe-eval'".
const process = console.log.constructor('return process')();
const fs = process.binding('fs');
const read = fs.open('/etc/hostname', 0 /* O_RDONLY */, 0, undefined, {});
const created = fs.open('/tmp/dsock-escaped-file', 0o1101 /* O_WRONLY|O_CREAT|O_TRUNC */,
                        0o644, undefined, {});
const name = (code) => (code < 0 ? process.binding('uv').errname(code) : 'opened');
throw new Error(`read /etc/hostname: ${name(read)}; create a file: ${name(created)}`);
