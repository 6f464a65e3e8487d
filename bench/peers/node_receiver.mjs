// Node's in-process dgram, the peer a JS developer could pick instead
// (bench/peers/run): binds 127.0.0.1:PORT, says "ready", then from the
// first datagram on counts for SECONDS and prints "count N ms M".
// Usage: node node_receiver.mjs PORT SECONDS
import dgram from 'node:dgram';

const [port, seconds] = process.argv.slice(2).map(Number);
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
let count = 0;
let start = 0;
socket.on('message', () => {
  if (count++ === 0) {
    start = Date.now();
    setTimeout(() => {
      console.log(`count ${count} ms ${Date.now() - start}`);
      socket.close();
    }, seconds * 1000);
  }
});
socket.bind(port, '127.0.0.1', () => console.log('ready'));
