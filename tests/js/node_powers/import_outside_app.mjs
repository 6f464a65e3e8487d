// An app that imports a module outside its own directory.
await import('../../../tools/lib.sh');
