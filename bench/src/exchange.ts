#!/usr/bin/env node
import { startExchangeServer, startFixExchange, type FixExchangeServer } from '@ringroute/gateways';

const USAGE = `Usage: pnpm exchange [--] [--port <n>] [--symbols <n>] [--fix [--fix-port <n>]]

Runs the ringroute reference exchange (WebSocket on 127.0.0.1, msgpackr frames; the
protocol is documented in packages/gateways/src/ws/WsProtocol.ts) until Ctrl-C.

One API key is accepted: its name from RINGROUTE_EXCHANGE_KEY (default "demo"), its secret
from RINGROUTE_EXCHANGE_SECRET (default "demo-secret"), trading for account 1. The secret
is never printed.

  --port <n>      port (default 7070; 0 picks a free one)
  --symbols <n>   symbol ids 0 .. n-1 are listed (default 16)
  --fix           also a FIX 4.4 acceptor on the same book (CompID RREX; one client,
                  SenderCompID from RINGROUTE_EXCHANGE_FIX_CLIENT, default "CLIENT", trading
                  for account 2); symbol id 0 is BTC-USD (tick 0.01, lot 0.001), id 1
                  ETH-USD (tick 0.01, lot 0.01), ids 2 .. n-1 SYM<id> (tick 0.01, lot 1)
  --fix-port <n>  its port (default 7071; 0 picks a free one)
`;

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} needs a non-negative integer\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

const args = process.argv.slice(2).filter((a) => a !== '--');
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const key = process.env.RINGROUTE_EXCHANGE_KEY ?? 'demo';
const secret = process.env.RINGROUTE_EXCHANGE_SECRET ?? 'demo-secret';
const server = await startExchangeServer({
  port: option(args, '--port', 7070),
  symbols: option(args, '--symbols', 16),
  keys: { [key]: { secret, account: 1 } },
});
console.log(`reference exchange listening on ${server.url} (key "${key}", account 1); Ctrl-C to stop`);
let fix: FixExchangeServer | null = null;
if (args.includes('--fix')) {
  const client = process.env.RINGROUTE_EXCHANGE_FIX_CLIENT ?? 'CLIENT';
  const count = option(args, '--symbols', 16);
  const symbols = Array.from({ length: count }, (_, id) =>
    id === 0 ? { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' } : id === 1 ? { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.01' } : { symbol: `SYM${id}`, tickSize: '0.01', lotSize: '1' },
  );
  fix = await startFixExchange({ book: server.book, port: option(args, '--fix-port', 7071), clients: { [client]: { account: 2 } }, symbols });
  console.log(`FIX 4.4 acceptor on 127.0.0.1:${fix.port} (TargetCompID RREX, SenderCompID "${client}", account 2)`);
}
const report = setInterval(() => {
  const s = server.stats;
  console.log(`connections ${server.connectionCount}, logins ${s.logins} (refused ${s.loginFailures}), orders ${s.orders}, rate-limited ${s.rateLimited}, malformed ${s.malformedFrames}, invalid ${s.invalidMessages}`);
}, 5_000);
process.once('SIGINT', async () => {
  clearInterval(report);
  await fix?.close();
  await server.close();
  process.exit(0);
});
