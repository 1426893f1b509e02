import { parentPort, workerData } from 'node:worker_threads';
import { startExchangeServer, startFixExchange, type FrameCodecName } from '@ringroute/gateways';

// The reference exchange on its own thread (as it would be its own process): the
// benchmarks' gateways talk to it over real loopback sockets, WebSocket and, when `fix`
// names the symbols, FIX 4.4 too (on the same book: one market, two protocols). Posts its
// ports, then runs until terminated. The FIX client trades for account 3: an account has one
// session at a time, and the WebSocket key has account 1.
const { codec, key, secret, fix } = workerData as {
  codec: FrameCodecName;
  key: string;
  secret: string;
  fix?: { compId: string; symbols: { symbol: string; tickSize: string; lotSize: string }[] };
};
const server = await startExchangeServer({
  codec,
  keys: { [key]: { secret, account: 1 } },
  limits: { ordersPerSecond: 1e9, orderBurst: 1e9 },
  maxFrameBytes: 4_096,
});
const fixServer = fix === undefined ? null : await startFixExchange({ book: server.book, clients: { [fix.compId]: { account: 3 } }, symbols: fix.symbols, ordersPerSecond: 1e9 });
parentPort!.postMessage({ port: server.port, fixPort: fixServer?.port ?? 0 });
