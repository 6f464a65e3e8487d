// An error deep in the app: the report names where, in the app's files.
function deep() { throw new RangeError('too deep'); }
function outer() { deep(); }
await null;
outer();
