// An app that reaches for Node's process object: there is none here.
// expect: exit 1
// expect: text uncaught ReferenceError: process is not defined
process.exit(0);
