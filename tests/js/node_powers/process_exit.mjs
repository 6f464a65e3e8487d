// An app that reaches for Node's process object: there is none here.
process.exit(0);
