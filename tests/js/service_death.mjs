// tests/js/run_app_test.sh kills this app's network service when
// it prints READY. Sockets of the dead service fail with NetworkError (the
// pending read, `closed`, later writes); the host restarts the service and
// a new socket works.
// expect: kill-service-on READY
// expect: line 2 of 2 passed
// chrome-differs: the test kills our network service; Chrome's runs inside the browser
import {
  assert_equals, done, promise_rejects, promise_test,
} from './harness.mjs';

promise_test(async () => {
  const server = new UDPSocket({ localAddress: '127.0.0.1' });
  const { readable, writable, multicastController } = await server.opened;
  const reader = readable.getReader();
  const writer = writable.getWriter();
  const pending = reader.read();
  console.log('READY: kill the network service');
  await promise_rejects('NetworkError', pending, 'lost the network service');
  await promise_rejects('NetworkError', server.closed, 'lost the network service');
  await promise_rejects('NetworkError', writer.write({ data: new Uint8Array(1), remoteAddress: '127.0.0.1', remotePort: 9 }));
  await promise_rejects('NetworkError', reader.read());
  await promise_rejects('InvalidStateError', multicastController.joinGroup('239.1.1.1'),
                        'Cannot join group if the socket is not opened');
  assert_equals(multicastController.joinedGroups.length, 0);
  reader.releaseLock();
  writer.releaseLock();
}, 'the service dies: the socket fails with NetworkError everywhere');

promise_test(async () => {
  // The host hands the renderer a channel to the restarted service; until
  // it arrives, a new socket still meets the dead one.
  for (let attempt = 0; attempt < 200; attempt++) {
    const socket = new UDPSocket({ localAddress: '127.0.0.1' });
    try {
      await socket.opened;
      await socket.close();
      return;
    } catch (error) {
      if (error.name !== 'NetworkError') throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error('no socket opened on the restarted service within 5 s');
}, 'a new socket works once the host restarted the service');

await done();
