#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { enumName, nanoTime, type OrderFlyweight } from '@ringroute/core';
import { FIX_GATEWAY_TASK, SIM_VENUE_TASK, WS_GATEWAY_TASK } from '@ringroute/gateways';
import { Router, routerStatusName, type OrderEventHandler } from '@ringroute/router';
import { encodeHistogram, initHistograms, newHistogram, percentilesOf } from './harness/Histograms.js';
import { buildReport, formatNs, renderTable } from './harness/Report.js';
import type { ScenarioResult } from './harness/Runner.js';
import { floorScenarios } from './scenarios/router/floorScenarios.js';

const USAGE = `Usage: pnpm demo [--] [--duration <s>] [--rate <orders/s>] [--spin] [--no-exchange] [--json <file>]

Starts the reference exchange on loopback (its own thread, WebSocket with msgpackr frames
and FIX 4.4 on one book) and a router with four gateway workers: two simulated venues in
memory ("alpha" and "beta"), a WebSocket gateway to the exchange ("exchange", a sixteenth
of the flow) and a FIX gateway to it ("exchange-fix", another sixteenth). Runs a small market maker (account 1, quoting both venues around a wandering
mid, pulling its quotes when the mid moves) and a taker (account 2, IOC orders through
the book) at a fixed offered rate, then prints what happened (a quote that would meet the
market maker's own not-yet-pulled quote is refused: RISK_SELF_TRADE) and the latency from submit to ack and to first fill, beside the raw
SharedArrayBuffer ping-pong floor measured in the same run.

  --duration <s>   how long to run (default 10)
  --rate <n>       orders offered per second, market maker and taker together (default 20000)
  --spin           busy-spin wait strategy on the in-memory venues' workers (needs 3+ cores; default: backoff)
  --no-exchange    only the two in-memory venues
  --json <file>    where to write the JSON result (default bench-results/demo.json)
`;

interface Options {
  durationS: number;
  rate: number;
  spin: boolean;
  exchange: boolean;
  json: string;
}

function parse(argv: string[]): Options | null {
  const o: Options = { durationS: 10, rate: 20_000, spin: false, exchange: true, json: 'bench-results/demo.json' };
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => Number(args[++i]);
    if (a === '--duration') o.durationS = value();
    else if (a === '--rate') o.rate = value();
    else if (a === '--spin') o.spin = true;
    else if (a === '--no-exchange') o.exchange = false;
    else if (a === '--json') o.json = args[++i] ?? o.json;
    else if (a === '--help' || a === '-h') return null;
    else throw new Error(`unknown option ${a}`);
  }
  if (!(o.durationS > 0 && o.durationS <= 3600)) throw new Error('--duration must be between 0 and 3600 seconds');
  if (!(o.rate >= 1 && o.rate <= 5_000_000)) throw new Error('--rate must be between 1 and 5,000,000 orders/s');
  return o;
}

/** Records outcomes and latencies from the router's events. */
class Strategy implements OrderEventHandler {
  readonly toAck = newHistogram();
  /** Submit -> ack per venue kind: in memory (alpha, beta) and over the socket (exchange). */
  readonly toAckMemory = newHistogram();
  readonly toAckExchange = newHistogram();
  readonly toAckFix = newHistogram();
  exchangeVenue = -1;
  fixVenue = -1;
  readonly toFill = newHistogram();
  readonly rejects = new Map<number, number>();
  filledOrders = 0;
  onAccepted(o: OrderFlyweight): void {
    const ns = Math.max(1, Math.round(o.ackNs - o.createdNs));
    this.toAck.recordValue(ns);
    (o.venueId === this.exchangeVenue ? this.toAckExchange : o.venueId === this.fixVenue ? this.toAckFix : this.toAckMemory).recordValue(ns);
  }
  onFill(o: OrderFlyweight, _price: number, lots: number): void {
    if (o.filledLots === lots) this.toFill.recordValue(Math.max(1, Math.round(nanoTime() - o.createdNs))); // first fill
    if (o.leavesLots === 0) this.filledOrders++;
  }
  onRejected(_o: OrderFlyweight, reason: number): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + 1);
  }
}

async function main(argv: string[]): Promise<number> {
  let options: Options | null;
  try {
    options = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.spin && availableParallelism() < 3) {
    process.stderr.write(`--spin needs at least 3 cores (this host has ${availableParallelism()}): two spinning gateway workers plus this thread would outnumber them.\n`);
    return 2;
  }
  await initHistograms();
  const startedAt = new Date();
  process.stderr.write('measuring the floor (raw SharedArrayBuffer ping-pong) ...\n');
  const floor = floorScenarios().find((s) => s.name === 'floor.sab.spin')!;
  const floorSample = await floor.run({ quick: true, run: 0, warmupMs: 100 });

  // The reference exchange, in this process on its own thread, on a free loopback port.
  const apiKey = 'demo';
  const secret = randomBytes(24).toString('hex'); // never printed
  let exchange: Worker | null = null;
  let exchangeUrl = '';
  let fixPort = 0;
  const instruments = [
    { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' },
    { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.01', minNotional: '1' },
  ];
  if (options.exchange) {
    const fix = { compId: 'DEMO', symbols: instruments.map(({ symbol, tickSize, lotSize }) => ({ symbol, tickSize, lotSize })) };
    exchange = new Worker(new URL('./workers/exchangeWorker.js', import.meta.url), { workerData: { codec: 'msgpackr', key: apiKey, secret, fix } });
    const ports = await new Promise<{ port: number; fixPort: number }>((resolve, reject) => (exchange!.once('message', resolve), exchange!.once('error', reject)));
    exchangeUrl = `ws://127.0.0.1:${ports.port}`;
    fixPort = ports.fixPort;
  }
  const router = await Router.create({
    instruments,
    venues: [
      { name: 'alpha', task: SIM_VENUE_TASK },
      { name: 'beta', task: SIM_VENUE_TASK },
      ...(options.exchange
        ? [
            { name: 'exchange', task: WS_GATEWAY_TASK, idle: 'async' as const, adapter: { url: exchangeUrl, apiKey, secret } },
            { name: 'exchange-fix', task: FIX_GATEWAY_TASK, idle: 'async' as const, adapter: { port: fixPort, senderCompId: 'DEMO', targetCompId: 'RREX', heartbeatSeconds: 5 } },
          ]
        : []),
    ],
    idle: options.spin ? 'busy-spin' : 'backoff',
  });
  const strategy = new Strategy();
  strategy.exchangeVenue = options.exchange ? router.venueId('exchange') : -1;
  strategy.fixVenue = options.exchange ? router.venueId('exchange-fix') : -1;
  const venues = ['alpha', 'beta'] as const;
  const symbols = [
    { symbol: 'BTC-USD', mid: 6_500_000, lot: 0.001 }, // mid in ticks of 0.01
    { symbol: 'ETH-USD', mid: 350_000, lot: 0.01 },
  ];
  const quotes: number[] = []; // the market maker's live quotes, oldest first
  const MAX_QUOTES = 400;
  const intervalNs = 1e9 / options.rate;
  const t0 = nanoTime();
  const end = t0 + options.durationS * 1e9;
  let sent = 0;
  let refused = 0;
  const refusals = new Map<number, number>();
  let seed = 12345;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  let nextProgress = t0;
  const tty = process.stderr.isTTY;
  for (let now = nanoTime(); now < end; now = nanoTime()) {
    // Offer every order whose scheduled time has come (open loop: a stall does not slow the schedule).
    while (t0 + sent * intervalNs <= now && sent < options.rate * options.durationS) {
      const s = symbols[sent & 1];
      if ((sent & 1023) === 0) {
        // The mid moves a dollar: the market maker pulls its quotes on that symbol (they
        // would otherwise sit where its new quotes cross them: self-trade prevention).
        s.mid += random() < 0.5 ? 100 : -100;
        router.cancelAll({ symbol: s.symbol, account: 1 });
      }
      // An eighth of the flow goes over sockets to the exchange (half WebSocket, half FIX), the rest alternates alpha and beta.
      const venue = options.exchange && (sent & 15) === 7 ? 'exchange' : options.exchange && (sent & 15) === 15 ? 'exchange-fix' : venues[(sent >> 1) & 1];
      let id: number;
      if (random() < 0.7) {
        // Market maker: a quote 1-10 ticks away from the mid, resting.
        const buy = random() < 0.5;
        const offset = 1 + Math.floor(random() * 10);
        const price = ((buy ? s.mid - offset : s.mid + offset) / 100).toFixed(2);
        id = router.submit({ symbol: s.symbol, side: buy ? 'buy' : 'sell', price, quantity: (s.lot * (1 + Math.floor(random() * 5))).toFixed(3), venue, account: 1 });
        if (id > 0) {
          quotes.push(id);
          if (quotes.length > MAX_QUOTES) router.cancel(quotes.shift()!);
        }
      } else {
        // Taker: an IOC through the nearest quotes.
        const buy = random() < 0.5;
        const price = ((buy ? s.mid + 5 : s.mid - 5) / 100).toFixed(2);
        id = router.submit({ symbol: s.symbol, side: buy ? 'buy' : 'sell', price, quantity: (s.lot * (1 + Math.floor(random() * 3))).toFixed(3), tif: 'IOC', venue, account: 2 });
      }
      if (id < 0) {
        refused++;
        refusals.set(id, (refusals.get(id) ?? 0) + 1);
      }
      sent++;
    }
    router.poll(strategy, 512);
    if (now >= nextProgress) {
      nextProgress = now + 250e6;
      const done = (now - t0) / (end - t0);
      const bar = `[${'#'.repeat(Math.round(done * 30)).padEnd(30)}]`;
      const line = `${bar} ${((now - t0) / 1e9).toFixed(1)}/${options.durationS} s  sent ${sent.toLocaleString('en')}  accepted ${router.stats.accepted.toLocaleString('en')}  filled ${strategy.filledOrders.toLocaleString('en')}`;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }
  }
  // Let the last events arrive, then stop (close intake, drain, end the workers).
  for (let i = 0; i < 200 && router.poll(strategy, 4096) > 0; i++);
  await router.stop(strategy);
  await exchange?.terminate();
  if (tty) process.stderr.write('\r\x1b[2K');

  const stats = router.stats;
  const lines = [
    `ringroute demo: ${options.durationS} s at ${options.rate.toLocaleString('en')} orders/s offered, ${options.exchange ? 4 : 2} gateway workers (${options.spin ? 'busy-spin' : 'backoff'}${options.exchange ? '; the exchange gateways async' : ''}), venues alpha and beta${options.exchange ? ' in memory, exchange over WebSocket and exchange-fix over FIX 4.4 on loopback' : ''}`,
    '',
    `orders sent      ${sent.toLocaleString('en')}${refused > 0 ? ` (${refused.toLocaleString('en')} refused by the router: ${[...refusals].map(([s, n]) => `${routerStatusName(s)} ${n}`).join(', ')})` : ''}`,
    `accepted         ${stats.accepted.toLocaleString('en')}`,
    `filled           ${strategy.filledOrders.toLocaleString('en')} orders fully filled`,
    `canceled         ${stats.canceled.toLocaleString('en')} (quotes pulled or replaced, IOC remainders, self-match prevention)`,
    `rejected         ${stats.rejected.toLocaleString('en')}${strategy.rejects.size > 0 ? ` by reason: ${[...strategy.rejects].map(([r, n]) => `${enumName('rejectReason', r)} ${n}`).join(', ')}` : ''}`,
    `unknown          ${stats.unknown.toLocaleString('en')}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const result = (name: string, description: string, h: ReturnType<typeof newHistogram>, reference: string | null): ScenarioResult => {
    const p = percentilesOf(h);
    return {
      name, description, unit: 'ns', runs: 1, count: p.count, p50: p.p50, p90: p.p90, p99: p.p99, p999: p.p999, max: p.max, mean: p.mean,
      opsPerSec: null, reference, heapBytesPerOp: null, gcCount: null, opsPerSample: 1,
      median: { p50: p.p50, p99: p.p99, opsPerSec: null }, perRun: [{ p50: p.p50, p99: p.p99, opsPerSec: null }],
      histogram: encodeHistogram(h), targets: [],
    };
  };
  const scenarios = [
    result('floor.sab.spin', floor.description, floorSample.histogram!, null),
    result('demo.submit-to-ack', 'router.submit -> command ring -> gateway worker -> simulated venue -> ack -> event ring -> router.poll', strategy.toAck, 'floor.sab.spin'),
    result('demo.submit-to-first-fill', 'router.submit -> ... -> first fill delivered to the strategy', strategy.toFill, 'floor.sab.spin'),
    result('demo.submit-to-ack.memory', 'submit -> ack on the in-memory venues (alpha, beta)', strategy.toAckMemory, 'floor.sab.spin'),
    ...(options.exchange
      ? [
          result('demo.submit-to-ack.exchange', 'submit -> ack over WebSocket: router -> gateway worker -> msgpackr frame -> loopback -> exchange -> report frame -> worker -> router', strategy.toAckExchange, 'demo.submit-to-ack.memory'),
          result('demo.submit-to-ack.fix', 'submit -> ack over FIX 4.4: router -> gateway worker -> NewOrderSingle -> loopback -> the exchange\'s FIX acceptor -> ExecutionReport -> worker -> router', strategy.toAckFix, 'demo.submit-to-ack.exchange'),
        ]
      : []),
  ];
  const report = buildReport(scenarios, startedAt, argv);
  process.stdout.write(`${renderTable(report).split('\n').slice(0, 3 + scenarios.length).join('\n')}\n`);
  process.stdout.write(`\nsubmit -> ack p50 ${formatNs(scenarios[1].p50)}, p99 ${formatNs(scenarios[1].p99)}; floor p50 ${formatNs(scenarios[0].p50)} (measured in this run; the ack path is four thread hops' worth of work plus matching).\n`);
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ ...report, demo: { sent, refused, refusals: Object.fromEntries([...refusals].map(([s, n]) => [routerStatusName(s), n])), stats, rejects: Object.fromEntries([...strategy.rejects].map(([r, n]) => [enumName('rejectReason', r), n])) } }, null, 2)}\n`);
  process.stdout.write(`JSON result: ${path}\n`);
  return stats.unknown > 0 || stats.accepted === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
