// An app that tries to leave the JS realm for the engine's own (Node's
// `process`) through a function's constructor, to signal the host and read
// its capabilities (the sandbox refuses the signal and dropped them all:
// renderer/sandbox_test.cc). Every object the page reaches is of its realm,
// whose CSP forbids code from strings: the first step throws EvalError, in
// Chrome 156's words.
// expect: exit 1
// expect: text uncaught EvalError: Evaluating a string as JavaScript violates the following Content Security Policy directive because 'unsafe-eval' is not an allowed source of script: script-src 'self' 'wasm-unsafe-eval'".
const escape = (name) => console.log.constructor(`return ${name}`)();
const process = escape('process');
const Buffer = escape('Buffer');
let host = 'sent';
try { process.kill(process.ppid, 0); } catch (error) { host = error.code; }
const fs = process.binding('fs');
const fd = fs.open('/proc/self/status', 0, 0, undefined, {});
const buffer = Buffer.alloc(8192);
const length = fs.read(fd, buffer, 0, buffer.length, -1, undefined, {});
const status = buffer.toString('utf8', 0, length);
const capabilities = /CapEff:\s*(\S+)/.exec(status)[1];
throw new Error(`signal to the host: ${host}; effective capabilities: ${capabilities}`);
