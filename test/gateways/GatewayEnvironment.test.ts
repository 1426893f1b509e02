import { describe, expect, it } from 'vitest';
import { OrderState } from '@ringroute/core';
import { Router } from '@ringroute/router';
import { pollUntil } from '../support/venues.js';

describe('gateway workers get the router instruments', () => {
  it("an adapter maps a symbolId to its symbol, tick and lot without the user repeating them; its own option named 'symbols' passes untouched", async () => {
    const out = new Int32Array(new SharedArrayBuffer(4 * 256));
    const router = await Router.create({
      instruments: [
        { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' },
        { symbol: 'ETH-USD', tickSize: '0.05', lotSize: '0.01' },
      ],
      venues: [{ name: 'aware', task: new URL('../dist/fixtures/instrumentAwareTask.js', import.meta.url), adapter: { symbols: ['ETH-USD'], out: out.buffer } }],
    });
    try {
      const id = router.submit({ symbol: 'ETH-USD', side: 'buy', price: '2000.05', quantity: '0.5' });
      await pollUntil(router, {}, () => router.orderOf(id)?.state === OrderState.ACCEPTED);
      const text = String.fromCharCode(...out.subarray(1, 1 + out[0]));
      expect(JSON.parse(text)).toEqual({ symbol: 'ETH-USD', tick: 0.05, lot: 0.01, listed: true, venue: 'aware' });
    } finally {
      await router.stop();
    }
  });
});
