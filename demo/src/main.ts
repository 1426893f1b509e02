#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { enumName } from '@ringroute/core';
import { FIX_GATEWAY_TASK, SIM_VENUE_TASK, WS_GATEWAY_TASK } from '@ringroute/gateways';
import { Router, routerStatusName } from '@ringroute/router';
import { encodeHistogram, initHistograms, percentilesOf } from '@ringroute/bench/harness/Histograms.js';
import { buildReport, formatNs, renderTable } from '@ringroute/bench/harness/Report.js';
import type { ScenarioResult } from '@ringroute/bench/harness/Runner.js';
import type { RunSample, Scenario } from '@ringroute/bench/harness/Scenario.js';
import { floorScenarios } from '@ringroute/bench/scenarios/router/floorScenarios.js';
import { wsScenarios } from '@ringroute/bench/scenarios/gateways/wsScenarios.js';
import { parseDemoOptions, USAGE, type DemoOptions } from './DemoOptions.js';
import { DemoStrategy } from './DemoStrategy.js';
import { OrderFlow } from './OrderFlow.js';

const EXCHANGE_WORKER = new URL(import.meta.resolve('@ringroute/bench/workers/exchangeWorker.js'));
const INSTRUMENTS = [
  { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' },
  { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.01', minNotional: '1' },
];

/** Run a reference scenario once, quick, in this process (its figure beside the demo's). */
async function reference(scenario: Scenario): Promise<{ scenario: Scenario; sample: RunSample }> {
  return { scenario, sample: await scenario.run({ quick: true, run: 0, warmupMs: 100 }) };
}

/** The reference exchange on its own thread, on free loopback ports (WebSocket and FIX). */
async function startExchange(apiKey: string, secret: string): Promise<{ worker: Worker; url: string; fixPort: number }> {
  const fix = { compId: 'DEMO', symbols: INSTRUMENTS.map(({ symbol, tickSize, lotSize }) => ({ symbol, tickSize, lotSize })) };
  const worker = new Worker(EXCHANGE_WORKER, { workerData: { codec: 'msgpackr', key: apiKey, secret, fix } });
  const ports = await new Promise<{ port: number; fixPort: number }>((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
  return { worker, url: `ws://127.0.0.1:${ports.port}`, fixPort: ports.fixPort };
}

function result(name: string, description: string, h: RunSample['histogram'], reference: string | null): ScenarioResult {
  const p = percentilesOf(h!);
  return {
    name, description, unit: 'ns', runs: 1, count: p.count, p50: p.p50, p90: p.p90, p99: p.p99, p999: p.p999, max: p.max, mean: p.mean,
    opsPerSec: null, reference, heapBytesPerOp: null, gcCount: null, opsPerSample: 1,
    median: { p50: p.p50, p99: p.p99, opsPerSec: null }, perRun: [{ p50: p.p50, p99: p.p99, opsPerSec: null }],
    histogram: encodeHistogram(h!), targets: [],
  };
}

async function main(argv: string[]): Promise<number> {
  let options: DemoOptions | null;
  try {
    options = parseDemoOptions(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.spin && availableParallelism() < 3) {
    process.stderr.write(`--spin needs at least 3 cores (this host has ${availableParallelism()}): a spinning gateway thread plus this thread and the exchange's would outnumber them.\n`);
    return 2;
  }
  await initHistograms();
  const startedAt = new Date();
  process.stderr.write(`measuring the floors (raw SharedArrayBuffer ping-pong${options.exchange ? ', a bare WebSocket echo' : ''}) ...\n`);
  const floor = await reference(floorScenarios().find((s) => s.name === 'floor.sab.spin')!);
  const wsFloor = options.exchange ? await reference(wsScenarios().find((s) => s.name === 'floor.ws.echo')!) : null;

  const apiKey = 'demo';
  const secret = randomBytes(24).toString('hex'); // never printed
  const exchange = options.exchange ? await startExchange(apiKey, secret) : null;
  const router = await Router.create({
    instruments: INSTRUMENTS,
    venues: [
      { name: 'alpha', task: SIM_VENUE_TASK },
      { name: 'beta', task: SIM_VENUE_TASK },
      ...(exchange !== null
        ? [
            { name: 'exchange', task: WS_GATEWAY_TASK, idle: 'async' as const, adapter: { url: exchange.url, apiKey, secret } },
            { name: 'exchange-fix', task: FIX_GATEWAY_TASK, idle: 'async' as const, adapter: { port: exchange.fixPort, senderCompId: 'DEMO', targetCompId: 'RREX', heartbeatSeconds: 5 } },
          ]
        : []),
    ],
    idle: options.spin ? 'busy-spin' : 'backoff',
    gatewayThreads: options.threads,
  });
  const layout = router.threadLayout;
  const threads = layout.threads.map((group) => `[${group.join(', ')}]`).join(' ');
  // How each thread waits: 'async' (event loop turning) when it hosts a socket gateway.
  const waits = layout.threads.map((group) => (group.some((v) => v === 'exchange' || v === 'exchange-fix') ? 'async' : options.spin ? 'busy-spin' : 'backoff'));
  process.stderr.write(`gateway threads: ${threads} (${layout.reason})\n`);
  const strategy = new DemoStrategy(exchange !== null ? router.venueId('exchange') : -1, exchange !== null ? router.venueId('exchange-fix') : -1);
  const flow = new OrderFlow(router, strategy, { memory: [router.venueId('alpha'), router.venueId('beta')], exchange: exchange !== null ? router.venueId('exchange') : -1, fix: exchange !== null ? router.venueId('exchange-fix') : -1 }, options.rate);
  const tty = process.stderr.isTTY;
  const durationS = options.durationS;
  flow.run(options.warmupS, durationS, (elapsedNs) => {
    const totalS = options.warmupS + durationS;
    const bar = `[${'#'.repeat(Math.round((elapsedNs / (totalS * 1e9)) * 30)).padEnd(30)}]`;
    const line = `${bar} ${(elapsedNs / 1e9).toFixed(1)}/${totalS} s${elapsedNs < options.warmupS * 1e9 ? ' (warm-up)' : ''}  sent ${flow.sent.toLocaleString('en')}  accepted ${router.stats.accepted.toLocaleString('en')}  filled ${strategy.filledOrders.toLocaleString('en')}`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  });
  // Let the last events arrive, then stop (close intake, drain, end the gateway threads).
  for (let i = 0; i < 200 && router.poll(strategy, 4096) > 0; i++);
  await router.stop(strategy);
  await exchange?.worker.terminate();
  if (tty) process.stderr.write('\r\x1b[2K');

  const stats = router.stats;
  const lines = [
    `ringroute demo: ${durationS} s measured after ${options.warmupS} s of warm-up, at ${options.rate.toLocaleString('en')} orders/s offered, gateway threads ${layout.threads.map((group, t) => `[${group.join(', ')}] (${waits[t]})`).join(' ')}, venues alpha and beta${exchange !== null ? ' in memory, exchange over WebSocket and exchange-fix over FIX 4.4 on loopback' : ''}`,
    '',
    `orders sent      ${flow.sent.toLocaleString('en')}${flow.refused > 0 ? ` (${flow.refused.toLocaleString('en')} refused by the router: ${[...flow.refusals].map(([s, n]) => `${routerStatusName(s)} ${n}`).join(', ')})` : ''}`,
    `accepted         ${stats.accepted.toLocaleString('en')}`,
    `filled           ${strategy.filledOrders.toLocaleString('en')} orders fully filled`,
    `canceled         ${stats.canceled.toLocaleString('en')} (quotes pulled or replaced, IOC remainders, self-match prevention)`,
    `rejected         ${stats.rejected.toLocaleString('en')}${strategy.rejects.size > 0 ? ` by reason: ${[...strategy.rejects].map(([r, n]) => `${enumName('rejectReason', r)} ${n}`).join(', ')}` : ''}`,
    `unknown          ${stats.unknown.toLocaleString('en')}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const scenarios = [
    result('floor.sab.spin', floor.scenario.description, floor.sample.histogram, null),
    result('demo.submit-to-ack', 'router.submit -> command ring -> gateway thread -> venue -> ack -> event ring -> router.poll', strategy.toAck, 'floor.sab.spin'),
    result('demo.submit-to-first-fill', 'router.submit -> ... -> first fill delivered to the strategy', strategy.toFill, 'floor.sab.spin'),
    result('demo.submit-to-ack.memory', 'submit -> ack on the in-memory venues (alpha, beta)', strategy.toAckMemory, 'floor.sab.spin'),
    ...(exchange !== null && wsFloor !== null
      ? [
          result('floor.ws.echo', wsFloor.scenario.description, wsFloor.sample.histogram, null),
          result('demo.submit-to-ack.exchange', 'submit -> ack over WebSocket: router -> gateway thread -> msgpackr frame -> loopback -> exchange -> report frame -> gateway thread -> router', strategy.toAckExchange, 'floor.ws.echo'),
          result('demo.submit-to-ack.fix', "submit -> ack over FIX 4.4: router -> gateway thread -> NewOrderSingle -> loopback -> the exchange's FIX acceptor -> ExecutionReport -> gateway thread -> router", strategy.toAckFix, 'demo.submit-to-ack.exchange'),
        ]
      : []),
  ];
  const report = buildReport(scenarios, startedAt, argv);
  process.stdout.write(`${renderTable(report).split('\n').slice(0, 3 + scenarios.length).join('\n')}\n`);
  const memory = scenarios[3];
  process.stdout.write(`\nin-memory submit -> ack p50 ${formatNs(memory.p50)}, p99 ${formatNs(memory.p99)}; floor p50 ${formatNs(scenarios[0].p50)} (measured in this run, 1 run each: compare ratios, not absolute figures).\n`);
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
  mkdirSync(dirname(path), { recursive: true });
  const demo = {
    sent: flow.sent,
    refused: flow.refused,
    refusals: Object.fromEntries([...flow.refusals].map(([s, n]) => [routerStatusName(s), n])),
    stats,
    rejects: Object.fromEntries([...strategy.rejects].map(([r, n]) => [enumName('rejectReason', r), n])),
    threads: layout,
  };
  writeFileSync(path, `${JSON.stringify({ ...report, demo }, null, 2)}\n`);
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
