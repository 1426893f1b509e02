import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { ORDER_RECORD_BYTES, OrderEvent, OrderFlyweight, OrderState, OrderStateMachine, SlabPool } from '@ringroute/core';
import { fixtureWorker, nextMessage } from '../support/threads.js';

const ORDERS = 65_536;
const ROUNDS = 12;

describe('OrderStateMachine across threads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('an ACK and a REJECT racing on the same orders: exactly one wins each order', async () => {
    const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: ORDERS });
    const sm = new OrderStateMachine();
    const handles = new Int32Array(new SharedArrayBuffer(ORDERS * 4));
    const order = new OrderFlyweight(pool);
    for (let i = 0; i < ORDERS; i++) handles[i] = pool.allocate();
    const start = new Int32Array(new SharedArrayBuffer(4));
    for (const event of [OrderEvent.ACK, OrderEvent.REJECT]) {
      workers.push(
        fixtureWorker('stateRaceWorker', { pool: pool.buffer, counters: sm.counters, handles: handles.buffer, start: start.buffer, event, rounds: ROUNDS }),
      );
    }
    await Promise.all(workers.map((w) => nextMessage(w)));

    for (let round = 1; round <= ROUNDS; round++) {
      for (let i = 0; i < ORDERS; i++) {
        order.wrap(handles[i]);
        order.clear();
        order.quantityLots = 1;
        order.leavesLots = 1;
        order.initState(OrderState.PENDING_NEW);
      }
      const illegalBefore = sm.illegalCount;
      const done = workers.map((w) => nextMessage<{ wins: number }>(w));
      Atomics.store(start, 0, round);
      Atomics.notify(start, 0);
      const [acks, rejects] = (await Promise.all(done)).map((r) => r.wins);

      let accepted = 0;
      let rejected = 0;
      for (let i = 0; i < ORDERS; i++) {
        order.wrap(handles[i]);
        if (order.state === OrderState.ACCEPTED) accepted++;
        else if (order.state === OrderState.REJECTED) rejected++;
      }
      expect(accepted + rejected).toBe(ORDERS);
      expect(accepted, `round ${round}`).toBe(acks);
      expect(rejected, `round ${round}`).toBe(rejects);
      // Every loser found the other state already there: one illegal transition each.
      expect(sm.illegalCount - illegalBefore).toBe(ORDERS);
    }
  });
});
