import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanoTime, OrderType, Side, TimeInForce } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { BackoffIdleStrategy, BusySpinIdleStrategy, Router, riskStatusName, type IdleStrategy, type OrderEventHandler } from '@ringroute/router';
import { newHistogram } from '../../harness/Histograms.js';
import { heapBytesPerOp, warmUp } from '../../harness/measure.js';
import { RedisServer } from '../../harness/redisServer.js';
import type { RunContext, RunSample, Scenario, Target } from '../../harness/Scenario.js';

/**
 * `router.order.rtt.<strategy>`: one order through the whole product, fast path:
 * router.claim/send (instrument rules, risk) -> command ring -> gateway worker ->
 * simulated venue -> ack -> event ring -> router.poll (state machine) -> the strategy's
 * onAccepted. Each order is an IOC on an empty book (acked, then canceled and freed), so
 * the run is a steady state that never fills the pool. The router is started and stopped
 * inside each run.
 */
export function orderRttScenarios(): Scenario[] {
  return [
    orderThroughput(),
    orderRtt('busy-spin', 'floor.sab.spin', [
      { metric: 'p50', op: '<=', value: 2_000, label: 'busy-spin round trip to ack p50 <= 2 µs' },
      { metric: 'p99', op: '<=', value: 6_000, label: 'busy-spin round trip to ack p99 <= 6 µs' },
      { metric: 'p50Ratio', versus: 'baseline.piscina', op: '<=', value: 1 / 20, label: 'p50 at least 20x lower than baseline.piscina' },
      { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'under 1 heap byte per order on the fast path' },
    ]),
    // The same path with the journal on (default flush policy): every order, ack and cancel copied into the journal's ring.
    orderRtt('busy-spin', 'router.order.rtt.busy-spin', [
      { metric: 'p50Ratio', op: '<=', value: 1.1, label: 'journal on: p50 <= 1.1x journal off' },
      { metric: 'p99Ratio', op: '<=', value: 1.25, label: 'journal on: p99 <= 1.25x journal off' },
      { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'journal on: under 1 heap byte per order' },
    ], true),
    orderRtt('backoff', 'floor.sab.wait', [
      { metric: 'p50Ratio', op: '<=', value: 1.5, label: 'default strategy p50 <= 1.5x floor.sab.wait' },
      { metric: 'p50Ratio', versus: 'baseline.piscina', op: '<=', value: 1 / 20, label: 'p50 at least 20x lower than baseline.piscina' },
    ]),
    // The default wait strategy leaves a core to the journal thread: the layout a 2-core host runs.
    orderRtt('backoff', 'router.order.rtt.backoff', [
      { metric: 'p50Ratio', op: '<=', value: 1.1, label: 'journal on, backoff: p50 <= 1.1x journal off' },
      { metric: 'p99Ratio', op: '<=', value: 1.25, label: 'journal on, backoff: p99 <= 1.25x journal off' },
    ], true),
    // The same path under firm limits shared through Redis (issue 16): the order path takes
    // local credit only; the firm agent's thread leases it from a real redis-server.
    orderRtt('busy-spin', 'router.order.rtt.busy-spin', [
      { metric: 'p50Ratio', op: '<=', value: 1.05, label: 'firm limits on: p50 <= 1.05x off (the order path is local)' },
      { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'firm limits on: under 1 heap byte per order' },
    ], false, true),
    // The same path with the venue's gateway on the strategy thread: what the thread hop costs.
    orderRtt('inline', 'router.order.rtt.busy-spin', []),
  ];
}

class Acks implements OrderEventHandler {
  acked = 0;
  onAccepted(): void {
    this.acked++;
  }
}

function orderRtt(strategy: 'busy-spin' | 'backoff' | 'inline', reference: string, targets: Target[], journaled = false, firm = false): Scenario {
  const inline = strategy === 'inline';
  return {
    name: inline ? 'router.order.inproc' : `router.order.rtt.${strategy}${journaled ? '.journal' : ''}${firm ? '.firm' : ''}`,
    reference,
    description: inline
      ? 'submit (fast path, strategy-supplied time) -> risk -> ring -> simulated venue on the same thread (gateways: inline, driven by poll) -> ack -> ring -> handler'
      : `submit (fast path, strategy-supplied time) -> risk -> ring -> gateway worker -> simulated venue -> ack -> ring -> handler; ${strategy} on both ends${journaled ? '; journal on (flush every 100 ms), the order, its ack and its cancel journaled' : ''}${firm ? '; firm open-order and position limits on (credit leased from a local redis-server by the firm agent thread)' : ''}`,
    opsPerSample: 1,
    targets,
    async run(ctx: RunContext): Promise<RunSample> {
      const journalDir = journaled ? mkdtempSync(join(tmpdir(), 'rr-bench-rtt-journal-')) : null;
      const redis = firm ? await RedisServer.start() : null;
      const router = await Router.create({
        firm:
          redis === null
            ? undefined
            : { redis: redis.url, host: 'bench', limits: { openOrders: 1_000_000, positionLots: 100_000_000 }, leaseSize: { openOrders: 100_000, positionLots: 1_000_000 } },
        journal: journalDir === null ? undefined : { dir: journalDir },
        instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
        venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
        idle: inline ? 'backoff' : strategy,
        gateways: inline ? 'inline' : 'workers',
        orderCapacity: 4_096,
        risk: { maxOrderLots: 1_000_000, maxOpenOrdersPerSymbol: 4_000, priceCollarBps: 10_000 },
      });
      router.setReferencePrice('BTC-USD', '64000');
      // Inline, the poll itself runs the venue: there is nothing to wait for, never any idling.
      const idle: IdleStrategy = strategy === 'busy-spin' || inline ? new BusySpinIdleStrategy() : new BackoffIdleStrategy(router.gateways.mainDoorbell);
      const acks = new Acks();
      const histogram = newHistogram();
      const symbol = router.instruments.idOf('BTC-USD');
      const draft = router.draft;
      const deadline = nanoTime() + 120e9;
      const loopNs = new Float64Array([nanoTime()]); // a double in a typed array is never boxed
      const one = (record: boolean): void => {
        router.claim();
        draft.symbolId = symbol;
        draft.side = Side.BUY;
        draft.ordType = OrderType.LIMIT;
        draft.tif = TimeInForce.IOC;
        draft.priceTicks = 6_400_000;
        draft.quantityLots = 1;
        const before = acks.acked;
        // The strategy's clock, passed in: the router then reads none. In the heap pass it is a
        // counter (a strategy stamping orders with its market-data time): every clock read
        // allocates 16 bytes in Node 20. Kept in a typed array so the double is never boxed.
        if (record) loopNs[0] = nanoTime();
        else loopNs[0] += 1_000;
        const t0 = loopNs[0];
        const sent = router.send(t0);
        if (sent < 0) throw new Error(`order refused: ${riskStatusName(sent)}${router.firm === null ? '' : ` (firm in hand: ${router.firm.credit.openInHand()} open, ${router.firm.credit.lotsInHand(0, Side.BUY)} lots; kill word ${router.risk.killState})`}`);
        let polls = 0;
        while (acks.acked === before) {
          idle.idle(router.poll(acks, 16, t0));
          if ((++polls & 0xfffff) === 0 && nanoTime() > deadline) throw new Error('ack never arrived');
        }
        idle.idle(1);
        if (record) histogram.recordValue(Math.max(1, Math.round(nanoTime() - t0)));
      };
      // Quick runs still sample ~100 ms: the p99 of a shorter window is one moment of the machine's.
      const samples = strategy !== 'backoff' ? (ctx.quick ? 40_000 : 100_000) : ctx.quick ? 20_000 : 50_000;
      let begin = 0;
      let end = 0;
      let heap = NaN;
      try {
        warmUp(ctx.warmupMs, samples / 10, () => one(false));
        begin = nanoTime();
        for (let i = 0; i < samples; i++) one(true);
        end = nanoTime();
        heap = heapBytesPerOp((n) => {
          for (let i = 0; i < n; i++) one(false);
        }, 512, 8);
      } finally {
        idle.reset();
        await router.stop();
        await redis?.stop();
        if (journalDir !== null) rmSync(journalDir, { recursive: true, force: true });
      }
      return { histogram, opsPerSec: samples / ((end - begin) / 1e9), heapBytesPerOp: heap };
    },
  };
}

class Accepted implements OrderEventHandler {
  acked = 0;
  done = 0;
  onAccepted(): void {
    this.acked++;
  }
  onCanceled(): void {
    this.done++;
  }
}

/**
 * `router.order.throughput`: orders accepted per second end to end, the main thread keeping
 * up to 1,024 orders in flight through the fast path (IOC on an empty book: acked, then
 * canceled and freed), one gateway worker with the default strategy.
 */
function orderThroughput(): Scenario {
  return {
    name: 'router.order.throughput',
    reference: 'router.ring.throughput.1p1c', // the bare ring's rate, the ceiling of any path over it
    description: 'orders accepted per second end to end (fast path, one clock read per batch, 1,024 in flight, one gateway worker, backoff)',
    opsPerSample: 1,
    targets: [{ metric: 'opsPerSec', op: '>=', value: 2e6, label: '>= 2M orders/s accepted end to end' }],
    async run(ctx: RunContext): Promise<RunSample> {
      const router = await Router.create({
        instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
        venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
        orderCapacity: 4_096,
        idle: 'backoff',
      });
      const events = new Accepted();
      const symbol = router.instruments.idOf('BTC-USD');
      const draft = router.draft;
      const deadline = nanoTime() + 120e9;
      /** `total` orders through the router, up to 1,024 in flight; resolves when all are done. */
      const pass = (total: number): void => {
        events.acked = 0;
        events.done = 0;
        let sent = 0;
        while (events.done < total) {
          // One clock read per batch, passed in (as a strategy loop stamps its work).
          const now = nanoTime();
          while (sent < total && sent - events.done < 1_024) {
            router.claim();
            draft.symbolId = symbol;
            draft.side = Side.BUY;
            draft.tif = TimeInForce.IOC;
            draft.priceTicks = 6_400_000;
            draft.quantityLots = 1;
            if (router.send(now) < 0) break; // ring full: poll first
            sent++;
          }
          router.poll(events, 4_096, now);
          if ((sent & 0xffff) === 0 && nanoTime() > deadline) throw new Error('throughput run stalled');
        }
      };
      const total = ctx.quick ? 400_000 : 2_000_000;
      let begin = 0;
      let end = 0;
      try {
        // Unrecorded first, as every scenario: both threads' hot code compiled, the pool and
        // rings warm. Without it a fresh process measured its JIT (1.0 M/s in the first
        // 400,000 orders, 1.9 to 2.0 M/s after).
        const warmUntil = nanoTime() + Math.max(ctx.warmupMs, 250) * 1e6;
        while (nanoTime() < warmUntil) pass(50_000);
        begin = nanoTime();
        pass(total);
        end = nanoTime(); // before the stop: the router's shutdown is not the order path's
      } finally {
        await router.stop();
      }
      return { opsPerSec: (total / (end - begin)) * 1e9 };
    },
  };
}
