// An app that imports a Node module: only the app's own modules import.
// expect: exit 1
// expect: text uncaught TypeError: import of "node:net" is not available to isolated web app code here
const net = await import('node:net');
net.createServer().listen(0);
