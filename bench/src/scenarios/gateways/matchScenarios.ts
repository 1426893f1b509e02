import { nanoTime, OrderType, TimeInForce } from '@ringroute/core';
import { MatchingEngine, NullMatchListener, type EngineOrder } from '@ringroute/gateways';
import { newHistogram } from '../../harness/Histograms.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';
import { BATCH } from '../micro.js';
import { NaiveBook } from './naiveBook.js';
import { OrderBook } from 'hft-limit-order-book';

const FLOW = 1 << 20;
/** Each order is canceled this many orders later if it still rests (most resting orders on real venues are canceled). */
const LIVE = 10_000;

/**
 * A deterministic flow of limit orders: prices a few ticks around a wandering mid, both
 * sides, so a fair share trade on arrival and the rest rest; each order is canceled
 * 10,000 orders later if it is still in the book, which keeps the book realistic (about
 * ten levels a side, a few thousand resting orders). Without cancels the book only
 * grows: tens of thousands of orders at stale prices, which no venue sees.
 */
function makeFlow() {
  const side = new Uint8Array(FLOW);
  const price = new Float64Array(FLOW);
  const qty = new Float64Array(FLOW);
  let seed = 0x2545f491;
  let mid = 10_000;
  for (let i = 0; i < FLOW; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const r = seed >>> 0;
    if ((r & 255) === 0) mid += (r & 256) === 0 ? 1 : -1;
    side[i] = (r & 1) + 1;
    const offset = ((r >>> 1) % 9) - 2; // -2..6 ticks from mid on the passive side
    price[i] = side[i] === 1 ? mid - offset : mid + offset;
    qty[i] = 1 + ((r >>> 8) % 10);
  }
  return { side, price, qty };
}

class CountingListener extends NullMatchListener {
  trades = 0;
  override onTrade(): void {
    this.trades++;
  }
}

/**
 * `gateways.sim.match`: limit orders through MatchingEngine, beside the most used
 * JavaScript limit order book on npm (`hft-limit-order-book`, a bench-only dependency)
 * and a naive object book, on the same flow.
 */
export function matchScenarios(): Scenario[] {
  const flow = makeFlow();
  // hft-limit-order-book names orders by string: the ids are made before the timed loop,
  // so its figure is its book's work, not our string building.
  let ids: string[] | null = null;
  const measure = (run: (from: number, to: number) => void, ctx: RunContext): RunSample => {
    const orders = ctx.quick ? FLOW >> 2 : FLOW;
    const histogram = newHistogram();
    const begin = nanoTime();
    for (let from = 0; from < orders; from += BATCH) {
      const t0 = nanoTime();
      run(from, from + BATCH);
      histogram.recordValue(Math.max(1, Math.round((nanoTime() - t0) / BATCH)));
    }
    return { histogram, opsPerSec: (orders / (nanoTime() - begin)) * 1e9 };
  };
  return [
    {
      name: 'gateways.sim.match.naive',
      description: 'the same flow (limit orders, each canceled 10,000 orders later if still resting) through a plain object-based book',
      opsPerSample: BATCH,
      run(ctx) {
        const book = new NaiveBook();
        return measure((from, to) => {
          for (let i = from; i < to; i++) {
            book.submit(i + 1, flow.side[i], flow.price[i], flow.qty[i]);
            if (i >= LIVE) book.cancel(i + 1 - LIVE);
          }
        }, ctx);
      },
    },
    {
      name: 'gateways.sim.match.hft-limit-order-book',
      description: 'the same flow through hft-limit-order-book 7.0.2 (OrderBook.limit and cancel, GTC; order ids as strings, made before timing)',
      opsPerSample: BATCH,
      run(ctx) {
        ids ??= Array.from({ length: FLOW }, (_, i) => String(i + 1));
        const names = ids;
        const book = new OrderBook();
        return measure((from, to) => {
          for (let i = from; i < to; i++) {
            book.limit({ id: names[i], side: flow.side[i] === 1 ? 'buy' : 'sell', size: flow.qty[i], price: flow.price[i] } as never);
            if (i >= LIVE) book.cancel(names[i - LIVE]);
          }
        }, ctx);
      },
    },
    {
      name: 'gateways.sim.match',
      reference: 'gateways.sim.match.hft-limit-order-book',
      description: 'limit orders (each canceled 10,000 orders later if still resting) through the simulated venue matching engine, one thread',
      opsPerSample: BATCH,
      targets: [
        { metric: 'opsPerSec', op: '>=', value: 2e6, label: '>= 2M limit orders/s' },
        { metric: 'speedupVsReference', op: '>=', value: 2, label: 'at least 2x the rate of hft-limit-order-book on the same flow' },
        { metric: 'p99Ratio', op: '<=', value: 1, label: 'a lower p99 than hft-limit-order-book' },
      ],
      run(ctx) {
        const listener = new CountingListener();
        const engine = new MatchingEngine({ symbols: 1, capacity: 1 << 16, rememberTerminal: 1 << 16 }, listener);
        const o: EngineOrder = engine.orderScratch;
        o.symbolId = 0;
        o.ordType = OrderType.LIMIT;
        o.tif = TimeInForce.GTC;
        o.flags = 0;
        o.stopPriceTicks = 0;
        return measure((from, to) => {
          for (let i = from; i < to; i++) {
            o.clientOrderId = i + 1;
            o.account = i & 7;
            o.side = flow.side[i];
            o.priceTicks = flow.price[i];
            o.quantityLots = flow.qty[i];
            engine.submit(o);
            if (i >= LIVE) engine.cancel(i + 1 - LIVE);
          }
        }, ctx);
      },
    },
  ];
}
