await Promise.resolve();
throw new DOMException('the socket is closed', 'InvalidStateError');
