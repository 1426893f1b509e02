import { describe, expect, it } from 'vitest';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { pollUntil } from '../support/venues.js';
import { RISK_VENUE_CANCEL_RATE, RISK_VENUE_ORDER_RATE, Router, VenueThrottle } from '@ringroute/router';

describe('VenueThrottle', () => {
  it('is a token bucket per venue: burst, then the rate; unlimited venues never refuse', () => {
    const t = new VenueThrottle([{ perSecond: 10, burst: 2 }, {}]);
    for (let i = 0; i < 2; i++) {
      expect(t.allows(0, 0)).toBe(true);
      t.take(0);
    }
    expect(t.allows(0, 50e6)).toBe(false); // 0.5 token after 50 ms
    expect(t.allows(0, 100e6)).toBe(true); // 1 token after 100 ms
    t.take(0);
    expect(t.allows(0, 100e6)).toBe(false);
    expect(t.allows(0, 10e9)).toBe(true);
    for (let i = 0; i < 2; i++) t.take(0);
    expect(t.allows(0, 10e9)).toBe(false); // capped at the burst, not 100 tokens
    for (let i = 0; i < 1_000; i++) t.take(1);
    expect(t.allows(1, 0)).toBe(true);
  });
});

describe('Router honours venue rate limits (real gateway workers)', () => {
  it('refuses orders and cancels over a venue limit with a status; other venues unaffected; tokens come back', async () => {
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [
        { name: 'alpha', task: SIM_VENUE_TASK, ordersPerSecond: 10, orderBurst: 3, cancelsPerSecond: 1, cancelBurst: 1 },
        { name: 'beta', task: SIM_VENUE_TASK },
      ],
    });
    try {
      const order = (venue: string) => router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.001', venue });
      const ids = [order('alpha'), order('alpha'), order('alpha')];
      for (const id of ids) expect(id).toBeGreaterThan(0);
      expect(order('alpha')).toBe(RISK_VENUE_ORDER_RATE);
      for (let i = 0; i < 5; i++) expect(order('beta')).toBeGreaterThan(0);
      let accepted = 0;
      const events = { onAccepted: () => void accepted++ };
      await pollUntil(router, events, () => accepted === 8);
      expect(router.cancel(ids[0])).toBe(0);
      expect(router.cancel(ids[1])).toBe(RISK_VENUE_CANCEL_RATE);
      await new Promise((r) => setTimeout(r, 150)); // 1.5 order tokens back
      expect(order('alpha')).toBeGreaterThan(0);
      expect(order('alpha')).toBe(RISK_VENUE_ORDER_RATE);
      expect(router.stats.submitted).toBe(9);
    } finally {
      await router.stop();
    }
  });
});
