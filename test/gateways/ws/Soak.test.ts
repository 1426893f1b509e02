import { fork, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { WS_GATEWAY_TASK } from '@ringroute/gateways';
import { Router, type OrderEventHandler } from '@ringroute/router';

/**
 * Issue 12's soak: 50 hostile connections of ten kinds (idle, half-finished HTTP upgrades,
 * garbage, record definitions, pipelined frames across a fatal close, oversized frames,
 * slow readers asking for replays, CANCEL floods, order floods, logins taking each other
 * over) against the reference exchange for SOAK_SECONDS (default 60), while a well-behaved
 * gateway trades through the router. The exchange and the attackers run in their own
 * processes; the router and its gateway worker here park when idle (two cores: nothing
 * in this test spins).
 */
const SOAK_MS = Number(process.env.SOAK_SECONDS ?? 60) * 1_000;
const ATTACKERS = 50;
const GOOD_KEY = 'good-key';
const GOOD_SECRET = 'good-secret';

function child(file: string, execArgv: string[] = []): ChildProcess {
  return fork(new URL(`../../dist/fixtures/${file}`, import.meta.url), { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function reply<T>(process: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(message)}`)), 10_000);
    process.once('message', (m) => (clearTimeout(timer), resolve(m as T)));
    process.send(message as never);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('soak: a well-behaved gateway trades through 50 hostile connections (issue 12)', () => {
  it(`keeps its p99 within 10x of unloaded, loses no order, and the exchange's memory stays bounded (${SOAK_MS / 1_000} s)`, async () => {
    const attackerKeys: [string, string][] = Array.from({ length: ATTACKERS }, (_, i) => [`attacker-${i}`, `secret-${i}`]);
    const keys = Object.fromEntries([[GOOD_KEY, { secret: GOOD_SECRET, account: 1 }], ...attackerKeys.map(([k, s], i) => [k, { secret: s, account: 100 + i }])]);
    // A leak would crash a 256 MB heap long before 60 s of this.
    const exchange = child('soakExchange.js', ['--max-old-space-size=256']);
    const attackers = child('soakAttackers.js');
    const { port } = await reply<{ port: number }>(exchange, { keys });
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [{ name: 'x', task: WS_GATEWAY_TASK, adapter: { url: `ws://127.0.0.1:${port}`, apiKey: GOOD_KEY, secret: GOOD_SECRET, reconnectInitialMs: 20, reconnectMaxMs: 200 } }],
      idle: 'async',
      ackTimeoutMs: 0,
    });
    const outcomes = new Map<number, string[]>();
    const waiting = new Map<number, () => void>();
    const end = (kind: string) => (o: { clientOrderId: number }) => {
      outcomes.set(o.clientOrderId, [...(outcomes.get(o.clientOrderId) ?? []), kind]);
      waiting.get(o.clientOrderId)?.();
    };
    const handler: OrderEventHandler = {
      onFill: (o) => (o.leavesLots === 0 ? end('filled')(o) : undefined),
      onRejected: end('rejected'),
      onCanceled: end('canceled'),
      onExpired: end('expired'),
      onUnknown: end('unknown'),
    };
    const loop = router.runEventLoop(handler);
    let submitted = 0;
    /** One IOC buy against the exchange's deep offer, start to its end: milliseconds (or -1 if refused). */
    const roundTrip = async (): Promise<number> => {
      const started = performance.now();
      const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', tif: 'IOC' });
      if (id <= 0) return -1;
      submitted++;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`order ${id} had no outcome in 10 s`)), 10_000);
        waiting.set(id, () => (clearTimeout(timer), waiting.delete(id), resolve()));
      });
      return performance.now() - started;
    };
    const measure = async (ms: number): Promise<{ samples: number[]; refused: number }> => {
      const samples: number[] = [];
      let refused = 0;
      for (const until = Date.now() + ms; Date.now() < until; ) {
        const t = await roundTrip();
        if (t < 0) refused++;
        else samples.push(t);
        await sleep(1);
      }
      return { samples: samples.sort((a, b) => a - b), refused };
    };
    try {
      await measure(500); // warm up
      const unloaded = await measure(4_000);
      await reply(attackers, { port, keys: attackerKeys, connections: ATTACKERS });
      const loaded = await measure(SOAK_MS);
      const attack = await reply<{ opened: number; dropped: number; sent: number }>(attackers, 'stop');
      const figures = await reply<{ peakHeapBytes: number; peakRssBytes: number; maxLoopLagMs: number; stats: Record<string, number> }>(exchange, 'report');
      const p = (s: number[]) => ({ count: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), p999: percentile(s, 99.9), max: s.at(-1) });
      const table = { unloaded: p(unloaded.samples), loaded: p(loaded.samples) };
      console.log('soak round trips (ms):', JSON.stringify(table));
      console.log('soak exchange:', JSON.stringify({ peakHeapMB: figures.peakHeapBytes / 2 ** 20, peakRssMB: figures.peakRssBytes / 2 ** 20, maxLoopLagMs: figures.maxLoopLagMs, ...figures.stats }), 'attackers:', JSON.stringify(attack));

      // The attack happened: connections dropped and reopened, thousands of frames.
      expect(attack.dropped).toBeGreaterThan(ATTACKERS);
      expect(attack.sent).toBeGreaterThan(100_000);
      expect(figures.stats.slowConsumers + figures.stats.rateLimited).toBeGreaterThan(0);
      // The good session: every order it sent ended once, filled; none refused.
      expect(unloaded.refused + loaded.refused).toBe(0);
      expect(outcomes.size).toBe(submitted);
      expect([...outcomes.values()].every((e) => e.length === 1 && e[0] === 'filled')).toBe(true);
      expect(table.loaded.p99).toBeLessThan(10 * table.unloaded.p99);
      // Bounded memory (the heap limit would have crashed the exchange otherwise).
      expect(exchange.exitCode).toBeNull();
      expect(figures.peakHeapBytes).toBeLessThan(256 * 2 ** 20);
    } finally {
      await loop.stop();
      await router.stop(handler);
      exchange.send('stop');
      attackers.kill('SIGKILL');
    }
  }, SOAK_MS + 60_000);
});
