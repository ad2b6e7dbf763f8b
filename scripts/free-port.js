// A loopback port nothing listens on now (the kernel's choice), for the servers the scripts start.
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}
