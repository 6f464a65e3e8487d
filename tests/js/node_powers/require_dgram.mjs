// An app that asks for Node's UDP module: there is no require here.
const dgram = require('dgram');
dgram.createSocket('udp4').bind(0);
