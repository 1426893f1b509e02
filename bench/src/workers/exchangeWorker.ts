import { parentPort, workerData } from 'node:worker_threads';
import { startExchangeServer, type FrameCodecName } from '@ringroute/gateways';

// The reference exchange on its own thread (as it would be its own process): the
// benchmarks' gateway talks to it over a real loopback socket. Posts its port, then runs
// until terminated.
const { codec, key, secret } = workerData as { codec: FrameCodecName; key: string; secret: string };
const server = await startExchangeServer({
  codec,
  keys: { [key]: { secret, account: 1 } },
  limits: { ordersPerSecond: 1e9, orderBurst: 1e9 },
  maxFrameBytes: 4_096,
});
parentPort!.postMessage({ port: server.port });
