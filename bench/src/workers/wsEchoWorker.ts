import { parentPort } from 'node:worker_threads';
import { WebSocketServer } from 'ws';

// The floor for the WebSocket benchmarks: a bare ws server on its own thread that returns
// every binary frame as it came, with no protocol, codec or matching.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => parentPort!.postMessage({ port: (wss.address() as { port: number }).port }));
wss.on('connection', (socket) => socket.on('message', (data: Buffer) => socket.send(data)));
