// Free loopback ports, for the stack benchmarks here and (through testing/src/ports.ts) the tests.
import { createServer } from 'node:net';

/** A loopback port that nothing listens on right now (bound once by the OS, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}
