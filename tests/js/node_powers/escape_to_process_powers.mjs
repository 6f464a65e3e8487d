// An app that escapes the JS realm to Node's `process` and tries what the
// host's user (root) could do: signal the host, and use root's
// capabilities. Signals go only to the renderer itself, and it has no
// capabilities left (CapEff in /proc/self/status is zero).
// expect: exit 1
// expect: text uncaught Error: signal to the host: EPERM; effective capabilities: 0000000000000000
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
