// An app that imports a module outside its own directory: the app is
// served at its origin's root, so "../" stops there and the file is not in
// the app (Chrome 156's words).
// expect: exit 1
// expect: text uncaught TypeError: Failed to fetch dynamically imported module: isolated-app://
// expect: text /tools/lib.sh
await import('../../../tools/lib.sh');
