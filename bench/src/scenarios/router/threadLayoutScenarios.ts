import { nanoTime, OrderType, Side, TimeInForce, type OrderFlyweight } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { BackoffIdleStrategy, Router, type GatewayThreads, type OrderEventHandler } from '@ringroute/router';
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from '../../harness/Histograms.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';

const VENUES = ['alpha', 'beta', 'gamma'];

/**
 * Venues sharing gateway threads (`RouterConfig.gatewayThreads`), each beside the layout
 * it replaces:
 * - `router.order.rtt.shared-worker`: the closed-loop round trip to ack with three venues
 *   on one gateway thread, orders rotating over them, beside `router.order.rtt.backoff`
 *   (one venue, one thread);
 * - `router.order.openloop.20k.shared` and `.dedicated`: the demo's load as a benchmark:
 *   20,000 orders/s offered over three venues, open loop, each order timed from its
 *   intended send time (a stall delays every order behind it: nothing hides it), on one
 *   shared gateway thread and on a thread per venue. The sending thread spins, so orders
 *   leave on time: on 2 cores the shared layout is 2 busy threads, the dedicated one 4.
 */
export function threadLayoutScenarios(): Scenario[] {
  return [sharedRtt(), openLoop('dedicated', null), openLoop(1, 'router.order.openloop.20k.dedicated')];
}

function startRouter(gatewayThreads: GatewayThreads): Promise<Router> {
  return Router.create({
    instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
    venues: VENUES.map((name) => ({ name, task: SIM_VENUE_TASK })),
    idle: 'backoff',
    gatewayThreads,
    orderCapacity: 8_192,
    risk: { maxOrderLots: 1_000_000, maxOpenOrdersPerSymbol: 8_000, priceCollarBps: 10_000 },
  });
}

/** Time from each order's intended send time to its ack, for orders numbered from `firstId`. */
class IntendedToAck implements OrderEventHandler {
  acked = 0;
  recordFrom = Infinity;
  readonly histogram: Histogram = newHistogram();
  readonly intended: Float64Array;
  private readonly firstId: number;
  constructor(count: number, firstId: number) {
    this.intended = new Float64Array(count);
    this.firstId = firstId;
  }
  onAccepted(o: OrderFlyweight): void {
    this.acked++;
    const i = o.clientOrderId - this.firstId;
    if (i >= this.recordFrom) this.histogram.recordValue(Math.max(1, Math.round(nanoTime() - this.intended[i])));
  }
}

/** One IOC on an empty book (acked, then canceled and freed) to venue `venue`. */
function send(router: Router, symbol: number, venue: number, nowNs: number): number {
  router.claim();
  const d = router.draft;
  d.symbolId = symbol;
  d.side = Side.BUY;
  d.ordType = OrderType.LIMIT;
  d.tif = TimeInForce.IOC;
  d.priceTicks = 6_400_000;
  d.quantityLots = 1;
  d.venueId = venue;
  return router.send(nowNs);
}

function sharedRtt(): Scenario {
  return {
    name: 'router.order.rtt.shared-worker',
    reference: 'router.order.rtt.backoff',
    description: 'submit (fast path) -> risk -> ring -> one gateway thread hosting three simulated venues (orders rotate over them) -> ack -> ring -> handler; backoff on both ends',
    opsPerSample: 1,
    targets: [{ metric: 'p50Ratio', op: '<=', value: 1.25, label: 'three venues on one thread: p50 <= 1.25x one venue on one thread' }],
    async run(ctx: RunContext): Promise<RunSample> {
      const router = await startRouter(1);
      router.setReferencePrice('BTC-USD', '64000');
      const idle = new BackoffIdleStrategy(router.gateways.mainDoorbell);
      const histogram = newHistogram();
      const symbol = router.instruments.idOf('BTC-USD');
      const samples = ctx.quick ? 20_000 : 50_000;
      const warmup = samples / 5;
      const acks = new IntendedToAck(0, 0);
      const deadline = nanoTime() + 60e9;
      const begin = nanoTime();
      try {
        for (let i = 0; i < warmup + samples; i++) {
          const t0 = nanoTime();
          const before = acks.acked;
          if (send(router, symbol, i % 3, t0) < 0) throw new Error('order refused');
          while (acks.acked === before) {
            idle.idle(router.poll(acks, 16, t0)); // as router.order.rtt.backoff: the strategy's time, no clock read in poll
            if (nanoTime() > deadline) throw new Error('ack never arrived');
          }
          idle.idle(1);
          if (i >= warmup) histogram.recordValue(Math.max(1, Math.round(nanoTime() - t0)));
        }
      } finally {
        idle.reset();
        await router.stop();
      }
      return { histogram, opsPerSec: (warmup + samples) / ((nanoTime() - begin) / 1e9) };
    },
  };
}

function openLoop(layout: GatewayThreads, reference: string | null): Scenario {
  const name = layout === 'dedicated' ? 'dedicated' : 'shared';
  return {
    name: `router.order.openloop.20k.${name}`,
    reference: reference ?? undefined,
    description: `20,000 orders/s offered open loop over three simulated venues ${layout === 'dedicated' ? 'on a gateway thread each' : 'on one gateway thread'}, timed from each order's intended send time to its ack; the sending thread spins (orders leave on time)`,
    opsPerSample: 1,
    targets:
      reference === null
        ? []
        : [
            { metric: 'p50', op: '<=', value: 10_000, label: 'shared layout: intended send -> ack p50 <= 10 µs at 20,000/s' },
            { metric: 'p99', op: '<=', value: 1_000_000, label: 'shared layout: p99 <= 1 ms at 20,000/s' },
          ],
    async run(ctx: RunContext): Promise<RunSample> {
      const router = await startRouter(layout);
      router.setReferencePrice('BTC-USD', '64000');
      const symbol = router.instruments.idOf('BTC-USD');
      const rate = 20_000;
      const intervalNs = 1e9 / rate;
      const warmup = rate / 2; // half a second, not recorded
      const count = warmup + (ctx.quick ? rate : 3 * rate);
      // The first id this router hands out: the router numbers from it, one per order sent.
      const probe = send(router, symbol, 0, nanoTime());
      const acks = new IntendedToAck(count, probe + 1);
      acks.recordFrom = warmup;
      let sent = 0;
      const t0 = nanoTime() + 1e6;
      for (let i = 0; i < count; i++) acks.intended[i] = t0 + i * intervalNs;
      const deadline = t0 + count * intervalNs + 30e9;
      try {
        // The load generator spins, so every order leaves at its time (a parked sender
        // would wake late and the lateness would count against the router). It reads the
        // clock every 16th poll only: every read allocates in Node 20.
        for (let polls = 0; acks.acked < count + 1; polls++) {
          router.poll(acks, 64);
          if ((polls & 15) !== 0) continue;
          const now = nanoTime();
          while (sent < count && acks.intended[sent] <= now) {
            if (send(router, symbol, sent % 3, now) < 0) throw new Error(`order ${sent} refused`);
            sent++;
          }
          if (now > deadline) throw new Error(`only ${acks.acked} of ${count} acked`);
        }
      } finally {
        await router.stop();
      }
      return { histogram: acks.histogram, opsPerSec: rate };
    },
  };
}
