// An app that imports a Node module: only the app's own modules import.
const net = await import('node:net');
net.createServer().listen(0);
