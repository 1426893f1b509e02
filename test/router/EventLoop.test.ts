import { describe, expect, it } from 'vitest';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { alphaBeta } from '../support/venues.js';

const INSTRUMENTS = [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }];
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('Router.runEventLoop: events delivered by an opt-in async loop (real gateway workers)', () => {
  it('delivers every event without the strategy polling, while its own timers keep running', async () => {
    const router = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta() });
    let accepted = 0;
    let ended = 0;
    const handler: OrderEventHandler = {
      onAccepted: () => void accepted++,
      onCanceled: () => void ended++,
      onExpired: () => void ended++,
    };
    const loop = router.runEventLoop(handler);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // A strategy driven by callbacks: it sends from timers and never calls poll.
      for (let batch = 0; batch < 20; batch++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        for (let i = 0; i < 100; i++) {
          expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', tif: 'IOC', venue: batch % 2 === 0 ? 'alpha' : 'beta' })).toBeGreaterThan(0);
        }
      }
      const deadline = Date.now() + 10_000;
      while (ended < 2_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(accepted).toBe(2_000);
      expect(ended).toBe(2_000); // each IOC on an empty book: acknowledged, then its remainder canceled
      expect(loop.delivered).toBe(4_000);
      expect(router.liveOrders).toBe(0);
      expect(ticks).toBeGreaterThan(10); // the loop never starved the strategy's timers
      expect(() => router.runEventLoop(handler)).toThrow(/already runs/);
    } finally {
      clearInterval(timer);
      await router.stop();
    }
    expect(loop.running).toBe(false); // router.stop() ended it
  });

  it('an idle loop parks (costs no polling) and wakes for the next event; stop() ends it and a new one can start', async () => {
    const router = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta() });
    try {
      let accepted = 0;
      const loop = router.runEventLoop({ onAccepted: () => void accepted++ });
      await new Promise((resolve) => setTimeout(resolve, 50)); // idle: the loop parks on the doorbell
      const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.001' });
      const deadline = Date.now() + 5_000;
      while (accepted === 0 && Date.now() < deadline) await nextTurn();
      expect(accepted).toBe(1);
      await loop.stop();
      expect(loop.running).toBe(false);
      let canceled = 0;
      const again = router.runEventLoop({ onCanceled: () => void canceled++ });
      expect(router.cancel(id)).toBe(0);
      while (canceled === 0 && Date.now() < deadline) await nextTurn();
      expect(canceled).toBe(1);
      await again.stop();
    } finally {
      await router.stop();
    }
  });
});
