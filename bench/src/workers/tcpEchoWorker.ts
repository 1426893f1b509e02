import { createServer } from 'node:net';
import { parentPort } from 'node:worker_threads';

// A bare TCP echo on its own thread: the floor of any TCP round trip here (no framing, no
// parsing, Nagle off). Posts its port, then runs until terminated.
const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => parentPort!.postMessage({ port: (server.address() as { port: number }).port }));
