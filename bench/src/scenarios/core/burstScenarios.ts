import { nanoTime, OrderFlyweight, ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { newHistogram } from '../../harness/Histograms.js';
import { collectGarbage, GcCounter, heapBytesPerOp, sink } from '../../harness/measure.js';
import type { RunSample, Scenario, Target } from '../../harness/Scenario.js';
import { BATCH } from '../micro.js';
import { newOrderObject } from './poolScenarios.js';

const ORDERS = 1_000_000;
/** Orders alive at once: each new order retires the one created LIVE orders earlier. */
const LIVE = 10_000;

interface BurstPath {
  /** Create `n` orders, retiring the oldest live one for each. */
  create(n: number): void;
}

/** The slab path: an order is a pool slot filled through a flyweight; retiring frees the slot. */
function slabPath(): BurstPath {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 16_384, recordClass: RecordClass.ORDER });
  const order = new OrderFlyweight();
  const live = new Int32Array(LIVE).fill(-1);
  let position = 0;
  let id = 0;
  return {
    create(n) {
      const o = order;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const retiring = live[position];
        if (retiring >= 0 && o.wrap(pool, retiring) === 0) {
          acc += o.filledLots;
          pool.free(retiring);
        }
        const h = pool.allocate();
        if (h < 0) continue; // cannot happen: capacity > LIVE
        o.wrap(pool, h);
        const k = ++id;
        o.clientOrderId = k;
        o.symbolId = 7;
        o.venueId = 1;
        o.strategyId = 3;
        o.accountId = 11;
        o.side = 1;
        o.ordType = 1;
        o.tif = 1;
        o.flags = 0;
        o.priceTicks = 10_025 + (k & 15);
        o.stopPriceTicks = 0;
        o.quantityLots = 100;
        o.filledLots = 0;
        o.leavesLots = 100;
        o.avgFillPriceTicks = 0;
        o.initState(0);
        o.createdNs = k;
        o.lastUpdateNs = k;
        live[position] = h;
        position = position + 1 === LIVE ? 0 : position + 1;
      }
      sink.value += acc;
    },
  };
}

/** The plain-object path: an order is a new object; retiring drops the last reference. */
function objectPath(): BurstPath {
  const live: (ReturnType<typeof newOrderObject> | null)[] = new Array(LIVE).fill(null);
  let position = 0;
  let id = 0;
  return {
    create(n) {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const retiring = live[position];
        if (retiring !== null) acc += retiring.filledLots;
        live[position] = newOrderObject(++id);
        position = position + 1 === LIVE ? 0 : position + 1;
      }
      sink.value += acc;
    },
  };
}

function burstScenario(name: string, path: BurstPath, description: string, reference?: string, targets?: Target[]): Scenario {
  return {
    name,
    reference,
    description,
    opsPerSample: BATCH,
    targets,
    async run(): Promise<RunSample> {
      path.create(LIVE * 2); // fill the live window and warm up
      collectGarbage();
      const histogram = newHistogram();
      const gc = new GcCounter();
      gc.start();
      const begin = nanoTime();
      for (let done = 0; done < ORDERS; done += BATCH) {
        const t0 = nanoTime();
        path.create(BATCH);
        histogram.recordValue(Math.max(1, Math.round((nanoTime() - t0) / BATCH)));
      }
      const elapsedNs = nanoTime() - begin;
      const gcCount = await gc.stop();
      const heap = heapBytesPerOp(path.create, 4_096, 32);
      return { histogram, opsPerSec: (ORDERS / elapsedNs) * 1e9, gcCount, heapBytesPerOp: heap };
    },
  };
}

/** `core.burst.slab` against `core.burst.object`: 1,000,000 orders with 10,000 alive at a time. */
export function burstScenarios(): Scenario[] {
  return [
    burstScenario(
      'core.burst.object',
      objectPath(),
      `${ORDERS.toLocaleString('en')} orders as plain objects, ${LIVE.toLocaleString('en')} alive at once, garbage collected`,
    ),
    burstScenario(
      'core.burst.slab',
      slabPath(),
      `${ORDERS.toLocaleString('en')} orders in slab slots through a flyweight, ${LIVE.toLocaleString('en')} alive at once`,
      'core.burst.object',
      [
        { metric: 'speedupVsReference', op: '>=', value: 3, label: 'slab burst at least 3x the plain-object rate' },
        { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'under 1 heap byte per order' },
      ],
    ),
  ];
}
