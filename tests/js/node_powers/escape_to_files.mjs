// An app that escapes the JS realm to Node's `process` and its internal fs
// binding, then tries to read a system file and to create one. The
// renderer's Landlock rules allow reading only system libraries and the
// app's own directory, and writing nothing: both fail with EACCES.
// expect: exit 1
// expect: text uncaught Error: read /etc/hostname: EACCES; create a file: EACCES
// expect: skip-if this kernel has no Landlock
const process = console.log.constructor('return process')();
const fs = process.binding('fs');
const read = fs.open('/etc/hostname', 0 /* O_RDONLY */, 0, undefined, {});
const created = fs.open('/tmp/dsock-escaped-file', 0o1101 /* O_WRONLY|O_CREAT|O_TRUNC */,
                        0o644, undefined, {});
const name = (code) => (code < 0 ? process.binding('uv').errname(code) : 'opened');
throw new Error(`read /etc/hostname: ${name(read)}; create a file: ${name(created)}`);
