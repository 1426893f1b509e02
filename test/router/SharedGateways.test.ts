import { describe, expect, it } from 'vitest';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { fixtureWorker, nextMessage } from '../support/threads.js';
import { alphaBeta, pollUntil } from '../support/venues.js';

interface LaneReport {
  lane: number;
  ids: number[];
  terminalTwice: number;
  terminal: number;
  acked: number;
  foreign: number;
  filledLots: number;
  rejects: number[];
  unknown: number;
  accepted: number;
  position: number;
}

const INSTRUMENTS = [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }];
const LANE = 2 ** 40;

function strategy(router: Router, lane: number, strategyId: number, side: 'buy' | 'sell', price: string, tif: 'GTC' | 'IOC', count: number) {
  return fixtureWorker('laneStrategy', { link: router.link(lane), strategyId, accountId: strategyId, side, price, tif, count });
}

describe('strategies on several threads share the same gateway workers (real threads, one lane each)', () => {
  it('three strategies on three threads trade through two gateway workers: every event reaches its own strategy exactly once', async () => {
    const main = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta(), strategyThreads: 3, strategyId: 1, accountId: 1 });
    const seller = strategy(main, 1, 2, 'sell', '100', 'GTC', 1_000);
    const buyer = strategy(main, 2, 3, 'buy', '100', 'IOC', 1_000);
    // Listen to both before awaiting either: a worker message with no listener is dropped.
    const ready = Promise.all([nextMessage(seller), nextMessage(buyer)]);
    try {
      expect(await ready).toEqual(['ready', 'ready']);
      // Lane 1 rests 1,000 sells (500 per venue) and sees every one acknowledged.
      seller.postMessage('send');
      const resting = await nextMessage<LaneReport>(seller);
      expect(resting.acked).toBe(1_000);
      expect(resting.rejects).toEqual([]);
      // Now, at once: lane 2 takes them all with IOC buys, lane 1 receives its fills, and
      // the main thread (lane 0) rests and cancels orders of its own on the same workers.
      const sold = nextMessage<LaneReport>(seller);
      seller.postMessage('poll');
      const bought = nextMessage<LaneReport>(buyer);
      buyer.postMessage('send');
      const mineIds: number[] = [];
      const canceled = new Set<number>();
      let foreign = 0;
      const handler: OrderEventHandler = {
        onAccepted: (o) => void main.cancel(o.clientOrderId),
        onCanceled: (o) => void canceled.add(o.clientOrderId),
        onFill: () => foreign++,
        onRejected: () => foreign++,
      };
      for (let i = 0; i < 500; i++) {
        const id = main.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.001', venue: i % 2 === 0 ? 'alpha' : 'beta' });
        expect(id).toBeGreaterThan(0);
        mineIds.push(id);
        main.poll(handler);
      }
      await pollUntil(main, handler, () => canceled.size === 500, 20_000);
      const [s, b] = [await sold, await bought];
      for (const r of [s, b]) {
        expect(r.terminal).toBe(1_000); // every order ended ...
        expect(r.terminalTwice).toBe(0); // ... exactly once
        expect(r.foreign).toBe(0); // and no other lane's event arrived here
        expect(r.rejects).toEqual([]); // no DUPLICATE_ORDER_ID at the venues: ids are per lane
        expect(r.filledLots).toBe(1_000);
        expect(r.ids.every((id) => Math.floor(id / LANE) === r.lane)).toBe(true);
      }
      expect(mineIds.every((id) => id < LANE)).toBe(true);
      expect([...canceled].sort((x, y) => x - y)).toEqual(mineIds);
      expect(foreign).toBe(0);
      // Shared risk counters: lane 1 sold what lane 2 bought; nothing is open any more.
      expect(main.risk.position(0)).toBe(0);
      expect(main.risk.openOrders(0)).toBe(0);
      expect(main.liveOrders).toBe(0);
    } finally {
      for (const w of [seller, buyer]) {
        w.postMessage('stop');
        await nextMessage(w).catch(() => undefined);
        await w.terminate();
      }
      await main.stop();
    }
  }, 60_000);

  it("a gateway worker crash reaches an attached strategy: its orders on that venue become UNKNOWN, the others are canceled on stop", async () => {
    const main = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta(), strategyThreads: 2, gatewayThreads: 'dedicated' });
    const thread = strategy(main, 1, 2, 'sell', '100', 'GTC', 200);
    try {
      expect(await nextMessage(thread)).toBe('ready');
      thread.postMessage('send');
      expect((await nextMessage<LaneReport>(thread)).acked).toBe(200);
      await main.gateways.terminateWorker(0); // alpha
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(main.gateways.failures.map((f) => f.index)).toEqual([0]);
      thread.postMessage('stop');
      const r = await nextMessage<LaneReport>(thread);
      expect(r.terminal).toBe(200);
      expect(r.terminalTwice).toBe(0);
      expect(r.unknown).toBe(100); // the alpha half: fate unknown, reported, not lost
      expect(r.foreign).toBe(0);
    } finally {
      await thread.terminate();
      await main.stop();
    }
  }, 30_000);

  it('refuses a lane that does not exist, and attached routers cannot link further', async () => {
    const main = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta(), strategyThreads: 2 });
    try {
      expect(() => main.link(0)).toThrow(/lane must be an integer from 1 to 1/);
      expect(() => main.link(2)).toThrow(/lane must be an integer from 1 to 1/);
      const attached = Router.attach(main.link(1), { strategyId: 7 });
      expect(() => attached.link(1)).toThrow(/only the router that started the gateways/);
      expect(() => attached.gateways).toThrow(/does not own the gateway workers/);
      expect(attached.submit({ symbol: 'BTC-USD', side: 'buy', price: '1', quantity: '0.001' })).toBe(LANE + 1);
      await attached.stop();
    } finally {
      await main.stop();
    }
  });
});
