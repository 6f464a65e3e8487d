// A classic worker script: it echoes each message, doubled.
onmessage = (event) => postMessage(event.data * 2);
