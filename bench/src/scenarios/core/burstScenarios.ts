import { nanoTime, OrderFlyweight, ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { newHistogram } from '../../harness/Histograms.js';
import { collectGarbage, GcCounter, heapBytesPerOp, sink } from '../../harness/measure.js';
import type { RunSample, Scenario, Target } from '../../harness/Scenario.js';
import { BATCH } from '../micro.js';
import { newOrderObject, writeSampleOrder } from './sampleOrder.js';

const ORDERS = 1_000_000;
/** Live orders in the steady-state churn scenarios. */
const CHURN_LIVE = 10_000;
const RING = 1 << 20; // >= ORDERS

/** Orders held FIFO: created at the tail, retired (read, then released) at the head. */
interface LiveOrders {
  create(n: number): void;
  retire(n: number): void;
  readonly count: number;
}

/** The slab path: a pool slot written through a flyweight; retiring frees the slot. */
function slabOrders(): LiveOrders {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: RING, recordClass: RecordClass.ORDER });
  const order = new OrderFlyweight(pool);
  const ring = new Int32Array(RING);
  let head = 0;
  let tail = 0;
  let count = 0;
  let id = 0;
  return {
    get count() {
      return count;
    },
    create(n) {
      const o = order;
      for (let i = 0; i < n; i++) {
        const h = pool.allocate();
        if (h < 0) break; // cannot happen: capacity >= ORDERS
        o.wrapIndex(pool.indexOf(h)); // the owner just allocated it: no check needed
        writeSampleOrder(o, ++id);
        ring[tail] = h;
        tail = (tail + 1) & (RING - 1);
        count++;
      }
    },
    retire(n) {
      const o = order;
      let acc = 0;
      for (let i = 0; i < n && count > 0; i++) {
        const h = ring[head];
        head = (head + 1) & (RING - 1);
        count--;
        if (o.wrap(h) === 0) acc += o.filledLots + o.state; // an event arrives with the handle
        pool.free(h);
      }
      sink.value += acc;
    },
  };
}

/** The plain-object path: a new object per order; retiring drops the last reference. */
function objectOrders(): LiveOrders {
  const ring: (ReturnType<typeof newOrderObject> | null)[] = new Array(RING).fill(null);
  let head = 0;
  let tail = 0;
  let count = 0;
  let id = 0;
  return {
    get count() {
      return count;
    },
    create(n) {
      for (let i = 0; i < n; i++) {
        ring[tail] = newOrderObject(++id);
        tail = (tail + 1) & (RING - 1);
        count++;
      }
    },
    retire(n) {
      let acc = 0;
      for (let i = 0; i < n && count > 0; i++) {
        const o = ring[head]!;
        ring[head] = null;
        head = (head + 1) & (RING - 1);
        count--;
        acc += o.filledLots + o.state;
      }
      sink.value += acc;
    },
  };
}

type Shape = 'burst' | 'churn';

function ordersScenario(name: string, shape: Shape, orders: LiveOrders, description: string, reference?: string, targets?: Target[]): Scenario {
  const timeBatch = (histogram: ReturnType<typeof newHistogram>, body: () => void): void => {
    const t0 = nanoTime();
    body();
    histogram.recordValue(Math.max(1, Math.round((nanoTime() - t0) / BATCH)));
  };
  return {
    name,
    reference,
    description,
    opsPerSample: BATCH,
    targets,
    async run(): Promise<RunSample> {
      orders.create(CHURN_LIVE); // warm both paths up
      orders.retire(orders.count);
      if (shape === 'churn') orders.create(CHURN_LIVE);
      collectGarbage();
      const histogram = newHistogram();
      const gc = new GcCounter();
      gc.start();
      const begin = nanoTime();
      if (shape === 'burst') {
        // Every order of the burst stays live until the burst is over, then all complete.
        for (let done = 0; done < ORDERS; done += BATCH) timeBatch(histogram, () => orders.create(BATCH));
        for (let done = 0; done < ORDERS; done += BATCH) timeBatch(histogram, () => orders.retire(BATCH));
      } else {
        // Steady state: each new order retires the oldest of CHURN_LIVE live ones.
        for (let done = 0; done < ORDERS; done += BATCH) {
          timeBatch(histogram, () => {
            orders.retire(BATCH);
            orders.create(BATCH);
          });
        }
      }
      const elapsedNs = nanoTime() - begin;
      const gcCount = await gc.stop();
      orders.retire(orders.count);
      const heap = heapBytesPerOp(
        (n) => {
          orders.create(n);
          orders.retire(n);
        },
        4_096,
        32,
      );
      return { histogram, opsPerSec: (ORDERS / elapsedNs) * 1e9, gcCount, heapBytesPerOp: heap };
    },
  };
}

const N = ORDERS.toLocaleString('en');
const LIVE = CHURN_LIVE.toLocaleString('en');
const SLAB_TARGETS: Target[] = [{ metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'under 1 heap byte per order' }];

/**
 * `core.burst.slab` against `core.burst.object`: a burst of 1,000,000 orders that all stay
 * live until it is over (orders arriving faster than they complete), then all complete.
 * `core.churn.*`: the same orders in steady state, 10,000 live at a time.
 * Latency samples are per-order means of batches of 256; the rate counts orders created
 * and completed.
 */
export function burstScenarios(): Scenario[] {
  return [
    ordersScenario('core.burst.object', 'burst', objectOrders(), `${N} orders as plain objects, all live until the burst ends, then dropped`),
    ordersScenario('core.burst.slab', 'burst', slabOrders(), `${N} orders in slab slots through a flyweight, all live until the burst ends, then freed`, 'core.burst.object', [
      { metric: 'speedupVsReference', op: '>=', value: 3, label: 'slab burst at least 3x the plain-object rate' },
      ...SLAB_TARGETS,
    ]),
    ordersScenario('core.churn.object', 'churn', objectOrders(), `${N} orders as plain objects, ${LIVE} live at a time`),
    ordersScenario('core.churn.slab', 'churn', slabOrders(), `${N} orders in slab slots, ${LIVE} live at a time`, 'core.churn.object', SLAB_TARGETS),
  ];
}
