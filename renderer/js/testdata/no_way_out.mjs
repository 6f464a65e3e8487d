// What the engine's console might hand a page's object: Node's inspect
// calls a custom inspector with its own options and its inspect function,
// objects of the engine's realm. The page's console never does.
let leaked = 'nothing';
const custom = Symbol.for('nodejs.util.inspect.custom');
console.log({ [custom]: (depth, options, inspect) => { leaked = typeof inspect; return 'custom'; } });
console.log('%o %O', { [custom]: () => { leaked = 'by %o'; } }, { [custom]: () => { leaked = 'by %O'; } });
console.table([{ [custom]: () => { leaked = 'by table'; } }]);
console.dir({ [custom]: () => { leaked = 'by dir'; } });
// A revoked proxy makes the engine's formatting throw: the error a page
// catches is of its own realm.
const { proxy, revoke } = Proxy.revocable({}, {});
revoke();
let caught = 'none';
try {
  console.log(proxy);
} catch (error) {
  caught = error.constructor === TypeError ? 'of the page' : 'of another realm';
}
console.log(`leaked: ${leaked}; foreign errors: ${caught === 'of another realm' ? 'yes' : 'no'}`);
