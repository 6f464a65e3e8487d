// fetch() of the app's own files, as an isolated web app fetches from its
// bundle (a video to stream, a configuration): relative and absolute URLs
// of the app's origin, each body read once; a file the bundle lacks is a
// 404; any other origin fails (the renderer never touches the network).
// expect: line 6 of 6 passed
import { assert_equals, assert_true, done, promise_test } from './harness.mjs';

promise_test(async () => {
  const response = await fetch('./fetch/hello.txt');
  assert_true(response instanceof Response);
  assert_equals(response.ok, true);
  assert_equals(response.status, 200);
  assert_equals(response.url, new URL('./fetch/hello.txt', import.meta.url).href);
  assert_equals(await response.text(), 'hello, bundle\n');
  assert_equals(response.bodyUsed, true);
}, 'text() of a file of the app');

promise_test(async () => {
  const response = await fetch(new URL('fetch/hello.txt', import.meta.url));
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert_true(bytes instanceof Uint8Array);
  assert_equals(bytes.length, 14);
  assert_equals(bytes[0], 'h'.charCodeAt(0));
  assert_equals(bytes[13], 10);
}, 'arrayBuffer() of a URL made from import.meta.url');

promise_test(async () => {
  const config = await (await fetch('./fetch/config.json')).json();
  assert_equals(config.port, 5004);
  assert_equals(config.groups[0], '239.0.0.1');
  assert_true(Array.isArray(config.groups), 'an array of this realm');
}, 'json()');

promise_test(async () => {
  const response = await fetch('./fetch/hello.txt');
  await response.text();
  let error;
  try {
    await response.text();
  } catch (e) {
    error = e;
  }
  assert_true(error instanceof TypeError, `${error}`);
}, 'a body is read once');

promise_test(async () => {
  const response = await fetch('./fetch/not-in-the-bundle.txt');
  assert_equals(response.ok, false);
  assert_equals(response.status, 404);
}, 'a file the bundle lacks is a 404');

promise_test(async () => {
  for (const url of ['http://127.0.0.1:9/x', 'https://example.com/']) {
    let error;
    try {
      await fetch(url);
    } catch (e) {
      error = e;
    }
    assert_true(error instanceof TypeError, `${url}: ${error}`);
  }
}, 'another origin fails with TypeError');

await done();
