// An app that imports a module outside its own directory.
// expect: exit 1
// expect: text leaves the app's directory
await import('../../../tools/lib.sh');
