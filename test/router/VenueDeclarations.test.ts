import { describe, expect, it } from 'vitest';
import { OrderState, RejectReason, Side } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { OK } from '@ringroute/core';
import { RISK_VENUE_ORDER_RATE, Router, VENUE_UNSUPPORTED, type OrderEventHandler } from '@ringroute/router';
import { pollUntil } from '../support/venues.js';

const INSTRUMENTS = [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }];
const NO_AMEND = new URL('../dist/fixtures/noAmendVenueTask.js', import.meta.url);

function start(gateways: 'inline' | 'workers' = 'inline'): Promise<Router> {
  return Router.create({
    instruments: INSTRUMENTS,
    venues: [
      { name: 'narrow', task: NO_AMEND },
      { name: 'full', task: SIM_VENUE_TASK },
    ],
    gateways,
    ackTimeoutMs: 0,
  });
}

describe('the router honours what a gateway declares', () => {
  it('refuses order types, times in force and flags the venue does not take, before enqueueing; smart routing passes over it', async () => {
    const router = await start('workers');
    try {
      const on = (venue: string, extra: object) => router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 1, venue, ...extra });
      expect(on('narrow', { tif: 'FOK' })).toBe(VENUE_UNSUPPORTED);
      expect(on('narrow', { tif: 'DAY' })).toBe(VENUE_UNSUPPORTED);
      expect(on('narrow', { postOnly: true })).toBe(VENUE_UNSUPPORTED);
      expect(on('narrow', { type: 'stop', stopPrice: 101 })).toBe(VENUE_UNSUPPORTED);
      expect(on('narrow', { type: 'stop-limit', stopPrice: 101 })).toBe(VENUE_UNSUPPORTED);
      expect(on('full', { tif: 'FOK' })).toBeGreaterThan(0); // the other venue takes it
      expect(on('narrow', { tif: 'IOC' })).toBeGreaterThan(0);
      expect(on('narrow', {})).toBeGreaterThan(0);
      // Smart routing: narrow shows the better ask, but cannot take a post-only order.
      const ask = router.submit({ symbol: 'XYZ', side: 'sell', price: 101, quantity: 5, venue: 'narrow', account: 2 });
      const worse = router.submit({ symbol: 'XYZ', side: 'sell', price: 102, quantity: 5, venue: 'full', account: 2 });
      await pollUntil(router, {}, () => router.orderOf(ask)?.state === OrderState.ACCEPTED && router.orderOf(worse)?.state === OrderState.ACCEPTED);
      const smart = router.submit({ symbol: 'XYZ', side: 'buy', price: 103, quantity: 1, venue: 'smart', postOnly: true, account: 3 });
      expect(smart).toBeGreaterThan(0);
      expect(router.orderOf(smart)?.venueId).toBe(1);
      const plain = router.submit({ symbol: 'XYZ', side: 'buy', price: 103, quantity: 1, venue: 'smart', account: 3 });
      expect(router.orderOf(plain)?.venueId).toBe(0); // the best ask, when it can take the order
    } finally {
      await router.stop();
    }
  });

  it("applies the adapter's declared rate limit (burst 20) together with VenueConfig's", async () => {
    const router = await Router.create({
      instruments: INSTRUMENTS,
      venues: [{ name: 'narrow', task: NO_AMEND, ordersPerSecond: 1_000, orderBurst: 50 }],
      gateways: 'inline',
      ackTimeoutMs: 0,
    });
    try {
      const now = 1e12;
      let sent = 0;
      for (let i = 0; i < 50; i++) {
        router.claim();
        const d = router.draft;
        d.symbolId = 0;
        d.side = Side.BUY;
        d.priceTicks = 90;
        d.quantityLots = 1;
        const id = router.send(now);
        if (id > 0) sent++;
        else expect(id).toBe(RISK_VENUE_ORDER_RATE);
      }
      expect(sent).toBe(20); // the adapter's burst, although VenueConfig allows 50
      router.claim();
      router.draft.symbolId = 0;
      router.draft.side = Side.BUY;
      router.draft.priceTicks = 90;
      router.draft.quantityLots = 1;
      expect(router.send(now + 100e6)).toBeGreaterThan(0); // 20/s: two tokens back after 100 ms
    } finally {
      await router.stop();
    }
  });
});

describe('replace on a venue without amend is emulated as cancel, then new', () => {
  class Seen implements OrderEventHandler {
    log: string[] = [];
    onAccepted = (o: { clientOrderId: number }) => void this.log.push(`accepted ${o.clientOrderId}`);
    onReplaced = (o: { clientOrderId: number; priceTicks: number; quantityLots: number }) => void this.log.push(`replaced ${o.clientOrderId} ${o.priceTicks}x${o.quantityLots}`);
    onCanceled = (o: { clientOrderId: number }) => void this.log.push(`canceled ${o.clientOrderId}`);
    onRequestRejected = (o: { clientOrderId: number }, reason: number) => void this.log.push(`request rejected ${o.clientOrderId} ${reason}`);
    onFill = (o: { clientOrderId: number }, price: number, lots: number) => void this.log.push(`fill ${o.clientOrderId} ${lots}@${price}`);
  }

  it('the new order rests at the new price for what is left to fill; the strategy sees onReplaced with its new id, and the counters stay exact', async () => {
    const router = await start();
    const seen = new Seen();
    try {
      const id = router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 10, venue: 'narrow' });
      await pollUntil(router, seen, () => router.orderOf(id)?.state === OrderState.ACCEPTED);
      const hit = router.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 3, venue: 'narrow', tif: 'IOC', account: 2 });
      await pollUntil(router, seen, () => router.orderOf(hit) === null);
      expect(router.replace(id, 98, 12)).toBe(OK); // total 12, 3 already filled: 9 to go at 98
      expect(router.orderOf(id)?.state).toBe(OrderState.PENDING_REPLACE);
      expect(router.risk.working(0, Side.BUY)).toBe(9); // 7 left + the increase of 2, reserved at once
      await pollUntil(router, seen, () => router.replacedId(id) > 0 && router.orderOf(router.replacedId(id))?.state === OrderState.ACCEPTED);
      const next = router.replacedId(id);
      expect(router.orderOf(id)).toBeNull(); // the old order ended without onCanceled
      expect(seen.log).toContain(`replaced ${next} 98x9`);
      expect(seen.log.filter((l) => l.startsWith('canceled'))).toEqual([]);
      expect(router.risk.working(0, Side.BUY)).toBe(9);
      expect(router.risk.openOrders(0)).toBe(1);
      // It trades at the new price.
      router.submit({ symbol: 'XYZ', side: 'sell', price: 98, quantity: 9, venue: 'narrow', tif: 'IOC', account: 2 });
      await pollUntil(router, seen, () => router.liveOrders === 0);
      expect(seen.log).toContain(`fill ${next} 9@98`);
      expect(router.risk.position(0)).toBe(0); // +12 and -12, both in this router
      expect(router.risk.working(0, Side.BUY)).toBe(0);
      expect(router.risk.openOrders(0)).toBe(0);
    } finally {
      await router.stop(seen);
    }
  });

  it('a refused cancel is a refused replace: the order keeps working at its old terms', async () => {
    const router = await start();
    const seen = new Seen();
    try {
      const id = router.submit({ symbol: 'XYZ', side: 'buy', price: 55, quantity: 5, venue: 'narrow' });
      await pollUntil(router, seen, () => router.orderOf(id)?.state === OrderState.ACCEPTED);
      expect(router.replace(id, 56, 8)).toBe(OK);
      expect(router.risk.working(0, Side.BUY)).toBe(8);
      await pollUntil(router, seen, () => router.orderOf(id)?.state === OrderState.ACCEPTED);
      expect(seen.log).toContain(`request rejected ${id} ${RejectReason.TOO_LATE_TO_CANCEL}`);
      expect(router.orderOf(id)?.priceTicks).toBe(55);
      expect(router.risk.working(0, Side.BUY)).toBe(5); // the increase went back
      expect(router.replacedId(id)).toBe(-1);
      router.submit({ symbol: 'XYZ', side: 'sell', price: 55, quantity: 5, venue: 'narrow', tif: 'IOC', account: 2 });
      await pollUntil(router, seen, () => router.liveOrders === 0);
      expect(router.risk.working(0, Side.BUY)).toBe(0);
      expect(router.risk.openOrders(0)).toBe(0);
    } finally {
      await router.stop(seen);
    }
  });

  it('an order that fills before the venue sees the cancel ends FILLED; the emulated replace is dropped', async () => {
    const router = await start();
    const seen = new Seen();
    try {
      const id = router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 2, venue: 'narrow' });
      await pollUntil(router, seen, () => router.orderOf(id)?.state === OrderState.ACCEPTED);
      // Fill it fully and ask for the replace before its fill is seen.
      router.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 2, venue: 'narrow', tif: 'IOC', account: 2 });
      expect(router.replace(id, 99, 2)).toBe(OK);
      await pollUntil(router, seen, () => router.liveOrders === 0);
      expect(seen.log).toContain(`fill ${id} 2@100`);
      expect(router.replacedId(id)).toBe(-1);
      expect(router.risk.working(0, Side.BUY)).toBe(0);
      expect(router.risk.openOrders(0)).toBe(0);
    } finally {
      await router.stop(seen);
    }
  });
});
