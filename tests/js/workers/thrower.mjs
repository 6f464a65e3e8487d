// A worker whose module throws at once.
throw new RangeError('boom in worker');
