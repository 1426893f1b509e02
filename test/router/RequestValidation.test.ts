import { describe, expect, it } from 'vitest';
import { INVALID_PRICE, NOTIONAL_BELOW_MIN, OK, UNKNOWN_SYMBOL } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { INVALID_REQUEST, Router, type OrderRequest } from '@ringroute/router';
import { alphaBeta } from '../support/venues.js';

const INSTRUMENTS = [
  { symbol: 'XYZ', tickSize: '0.01', lotSize: '1', minNotional: '1' },
  { symbol: 'SPREAD', tickSize: '0.01', lotSize: '1', allowNegativePrices: true },
];

describe('requests never throw, and name what is wrong', () => {
  it('null, non-objects and malformed fields are statuses, not exceptions', async () => {
    const router = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta().slice(0, 1), gateways: 'inline' });
    try {
      for (const bad of [null, undefined, 42, 'XYZ', [] as unknown]) expect(router.submit(bad as OrderRequest)).toBe(INVALID_REQUEST);
      expect(router.submit({} as OrderRequest)).toBe(UNKNOWN_SYMBOL);
      expect(router.submit({ symbol: 'XYZ', side: 'buy', price: 10, quantity: 1, account: -1 })).toBe(INVALID_REQUEST);
      expect(router.submit({ symbol: 'XYZ', side: 'buy', price: 10, quantity: 1, account: 1.5 })).toBe(INVALID_REQUEST);
      expect(router.submitSplit(null as unknown as OrderRequest)).toBe(INVALID_REQUEST);
    } finally {
      await router.stop();
    }
  });

  it('a negative or zero price is INVALID_PRICE (not NOTIONAL_BELOW_MIN), unless the instrument allows it', async () => {
    const router = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta().slice(0, 1), gateways: 'inline' });
    try {
      expect(router.submit({ symbol: 'XYZ', side: 'buy', price: '-5', quantity: 1 })).toBe(INVALID_PRICE);
      expect(router.submit({ symbol: 'XYZ', side: 'buy', price: 0, quantity: 1 })).toBe(INVALID_PRICE);
      expect(router.submit({ symbol: 'XYZ', side: 'buy', price: '0.5', quantity: 1 })).toBe(NOTIONAL_BELOW_MIN);
      expect(router.submit({ symbol: 'SPREAD', side: 'buy', price: '-0.25', quantity: 1 })).toBeGreaterThan(0);
      const spec = router.instruments.get('SPREAD');
      expect(spec.toConfig().allowNegativePrices).toBe(true);
      expect(router.instruments.get('XYZ').checkOrder(-100, 1)).toBe(INVALID_PRICE);
      expect(spec.checkOrder(-100, 1)).toBe(OK);
    } finally {
      await router.stop();
    }
  });
});

describe('configuration errors surface at creation', () => {
  it('a defaultVenue that names no venue, or an unknown instrument, fails Router.create with a clear error', async () => {
    await expect(Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'alpha', task: SIM_VENUE_TASK }], gateways: 'inline', defaultVenue: 'alhpa' })).rejects.toThrow(/defaultVenue names no configured venue \(venues: alpha\)/);
    // With gateway workers too, and the threads it had started are stopped again.
    await expect(Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'alpha', task: SIM_VENUE_TASK }], defaultVenue: 'alhpa' })).rejects.toThrow(/defaultVenue names no configured venue/);
    await expect(Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'alpha', task: SIM_VENUE_TASK }], gateways: 'inline', defaultVenue: { XYZ: 'beta' } })).rejects.toThrow(/ERR_INVALID_ARGUMENT/);
    await expect(Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'alpha', task: SIM_VENUE_TASK }], gateways: 'inline', defaultVenue: { NOPE: 'alpha' } })).rejects.toThrow(/instrument that is not configured/);
  });
});
