import { describe, expect, it } from 'vitest';
import { OrderState } from '@ringroute/core';
import { BreakerState, RING_FULL, Router, type OrderEventHandler, type WorkerFailure } from '@ringroute/router';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { pollUntil } from '../support/venues.js';

const INSTRUMENTS = [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }];

class Counts implements OrderEventHandler {
  accepted = 0;
  fills = 0;
  filledOrders = 0;
  unknown = 0;
  canceled = 0;
  onAccepted = () => void this.accepted++;
  onFill = (o: { state: number }) => {
    this.fills++;
    if (o.state === OrderState.FILLED) this.filledOrders++;
  };
  onUnknown = () => void this.unknown++;
  onCanceled = () => void this.canceled++;
}

describe('a strategy lane that stops polling is back-pressure, not a hung gateway', () => {
  it('the worker keeps its heartbeat and serves the other lane; the slow lane gets every event, in order, when it polls again', async () => {
    const failures: WorkerFailure[] = [];
    const main = await Router.create({
      instruments: INSTRUMENTS,
      venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
      strategyThreads: 2,
      heartbeatTimeoutMs: 500,
      ackTimeoutMs: 0,
      onGatewayFailure: (f) => void failures.push(f),
    });
    const slow = Router.attach(main.link(1), { strategyId: 2, accountId: 2 });
    const fast = new Counts();
    const behind = new Counts();
    try {
      // Resting orders on the slow lane until its back-pressure reaches it: its acks fill its
      // event ring (~900), then the worker's spill (4,096), then the worker stops reading its
      // commands and its command ring (4,096) fills: RING_FULL, a status, never a hang.
      const resting: number[] = [];
      let full = 0;
      for (let i = 0; i < 20_000 && full === 0; i++) {
        const id = slow.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 1 });
        if (id > 0) resting.push(id);
        else if (id === RING_FULL) full++;
        else throw new Error(`unexpected status ${id}`);
        if ((i & 255) === 0) await new Promise((r) => setImmediate(r)); // let the worker read
      }
      expect(full, 'the slow lane got RING_FULL').toBe(1);
      expect(resting.length).toBeGreaterThan(4_096);
      // The fast lane trades against them for well past the heartbeat timeout.
      const until = Date.now() + 1_500; // three heartbeat timeouts
      let bought = 0;
      let sawBlocked = false;
      while (Date.now() < until) {
        if (bought < 1_000 && main.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 1, tif: 'IOC', account: 1 }) > 0) bought++;
        main.poll(fast);
        if (main.gateways.workers[0].blockedLanes > 0) sawBlocked = true;
        await new Promise((r) => setImmediate(r));
      }
      // Each IOC fills, or is canceled when the slow lane's orders were not at the venue yet
      // (its commands are not read while its events wait for room).
      await pollUntil(main, fast, () => fast.filledOrders + fast.canceled === bought);
      expect(fast.filledOrders).toBeGreaterThan(100);
      expect(sawBlocked, 'the worker reported the slow lane as blocked').toBe(true);
      expect(failures).toEqual([]); // never declared hung
      expect(main.gateways.workers[0].state).toBe(1); // RUNNING
      // The slow lane catches up: every ack and every fill, nothing UNKNOWN.
      await pollUntil(slow, behind, () => behind.accepted === resting.length && behind.filledOrders === fast.filledOrders, 20_000);
      expect(behind.unknown).toBe(0);
      expect(slow.liveOrders).toBe(resting.length - fast.filledOrders);
      // The worker publishes its blocked lanes once a pass: the count falls to 0 on the pass
      // after the lane's last spilled event went out, which may be just after we saw it.
      await pollUntil(slow, behind, () => main.gateways.workers[0].blockedLanes === 0, 2_000);
    } finally {
      await slow.stop(behind);
      await main.stop(fast);
    }
    expect(failures).toEqual([]);
  });
});

describe("inline gateways behave like gateway workers under load and faults", () => {
  it('one pump that produces more events than the event ring holds does not deadlock: they arrive on later polls', async () => {
    const router = await Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'sim', task: SIM_VENUE_TASK }], gateways: 'inline', orderCapacity: 4_096, ackTimeoutMs: 0 });
    const counts = new Counts();
    try {
      const ids: number[] = [];
      for (let i = 0; i < 1_200; i++) {
        ids.push(router.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 1, account: 2 }));
        if (i % 32 === 0) router.poll(counts);
      }
      await pollUntil(router, counts, () => counts.accepted === 1_200);
      // One order sweeps all 1,200: 2,400 fill events from a single pump.
      const sweep = router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 1_200, account: 1 });
      expect(sweep).toBeGreaterThan(0);
      await pollUntil(router, counts, () => router.liveOrders === 0);
      expect(counts.filledOrders).toBe(1_201);
      expect(counts.fills).toBe(2_400);
    } finally {
      await router.stop(counts);
    }
  });

  it('an adapter whose poll throws fails its gateway only: its orders become UNKNOWN, its breaker opens, nothing escapes poll or stop', async () => {
    const failures: WorkerFailure[] = [];
    const router = await Router.create({
      instruments: INSTRUMENTS,
      venues: [
        { name: 'bad', task: new URL('../dist/fixtures/pollThrowsTask.js', import.meta.url) },
        { name: 'good', task: SIM_VENUE_TASK },
      ],
      gateways: 'inline',
      ackTimeoutMs: 0,
      onGatewayFailure: (f) => void failures.push(f),
    });
    const counts = new Counts();
    const resting = router.submit({ symbol: 'XYZ', side: 'sell', price: 101, quantity: 1, venue: 'bad' });
    await pollUntil(router, counts, () => counts.accepted === 1);
    const trigger = router.submit({ symbol: 'XYZ', side: 'sell', price: 777, quantity: 1, venue: 'bad' });
    expect(trigger).toBeGreaterThan(0);
    expect(() => router.poll(counts)).not.toThrow();
    await pollUntil(router, counts, () => counts.unknown === 2);
    expect(failures.map((f) => [f.index, f.kind, f.error?.message])).toEqual([[0, 'crashed', 'adapter poll bug']]);
    expect(router.orderOf(resting)?.state).toBe(OrderState.UNKNOWN);
    expect(router.breakers[0].state).toBe(BreakerState.OPEN);
    expect(router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 1, venue: 'bad' })).toBeLessThan(0);
    const good = router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 1, venue: 'good' });
    await pollUntil(router, counts, () => router.orderOf(good)?.state === OrderState.ACCEPTED);
    await expect(router.stop(counts, { timeoutMs: 500 })).resolves.toBeUndefined();
    expect(counts.canceled).toBe(1); // the good venue's order
  });
});
