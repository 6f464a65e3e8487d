// Top-level await on a promise nothing will settle: the app cannot finish.
await new Promise(() => {});
