import { describe, expect, it } from 'vitest';
import { RejectReason } from '@ringroute/core';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { alphaBeta, pollUntil } from '../support/venues.js';

const INSTRUMENTS = [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }];

describe("gateways: 'inline' runs the venues' task modules on the strategy thread, driven by poll", () => {
  it('orders rest, trade, cancel and get rejected as they do through gateway workers', async () => {
    const router = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta(), gateways: 'inline', accountId: 1, selfTradePrevention: false });
    const seen: string[] = [];
    let filled = 0;
    const handler: OrderEventHandler = {
      onAccepted: (o) => void seen.push(`accepted ${o.clientOrderId}`),
      onFill: (o, _price, lots) => void (filled += lots),
      onCanceled: (o) => void seen.push(`canceled ${o.clientOrderId}`),
      onRejected: (o, reason) => void seen.push(`rejected ${o.clientOrderId} ${reason}`),
    };
    try {
      const rest = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '100', quantity: '0.005', venue: 'alpha' });
      expect(router.poll(handler)).toBe(1); // the venue handled it within this poll: no thread, no wait
      expect(seen).toEqual([`accepted ${rest}`]);
      // Another account takes 2 lots of it on alpha; beta's book is its own (empty).
      const take = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.002', tif: 'IOC', venue: 'alpha', account: 2 });
      const miss = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.002', tif: 'IOC', venue: 'beta', account: 2 });
      await pollUntil(router, handler, () => router.orderOf(take) === null && router.orderOf(miss) === null);
      expect(filled).toBe(4); // both sides of the 2-lot trade
      expect(router.orderOf(rest)?.leavesLots).toBe(3);
      const postOnly = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', venue: 'alpha', postOnly: true, account: 3 });
      expect(router.cancel(rest)).toBe(0);
      await pollUntil(router, handler, () => router.liveOrders === 0);
      expect(seen).toContain(`rejected ${postOnly} ${RejectReason.POST_ONLY_WOULD_CROSS}`);
      expect(seen).toContain(`canceled ${rest}`);
      expect(() => router.gateways).toThrow(/inline gateways run on this thread/);
    } finally {
      await router.stop(handler);
    }
    expect(router.liveOrders).toBe(0);
  });

  it('serves one strategy thread only', async () => {
    await expect(Router.create({ instruments: INSTRUMENTS, venues: alphaBeta(), gateways: 'inline', strategyThreads: 2 })).rejects.toThrow(/strategyThreads must be 1/);
  });
});
