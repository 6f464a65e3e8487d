// An app that asks for Node's UDP module: there is no require here.
// expect: exit 1
// expect: text uncaught ReferenceError: require is not defined
const dgram = require('dgram');
dgram.createSocket('udp4').bind(0);
