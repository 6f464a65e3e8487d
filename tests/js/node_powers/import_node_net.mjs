// An app that imports a Node module: only the app's own modules import
// (node: is a URL scheme no fetch answers), in Chrome 156's words.
// expect: exit 1
// expect: text uncaught TypeError: Failed to fetch dynamically imported module: node:net
const net = await import('node:net');
net.createServer().listen(0);
