import { describe, expect, it } from 'vitest';
import { nanoTime } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { pollUntil } from '../support/venues.js';
import { AckWatch, BreakerState, Router, VENUE_UNHEALTHY, type AckWatchOwner } from '@ringroute/router';

describe('AckWatch', () => {
  class Owner implements AckWatchOwner {
    waiting = new Set<number>();
    overdue: number[] = [];
    awaitingAck(handle: number): boolean {
      return this.waiting.has(handle);
    }
    ackOverdue(handle: number): void {
      this.overdue.push(handle);
    }
  }

  it('reports each order still unanswered after the timeout once, oldest first, and skips answered ones', () => {
    const watch = new AckWatch(4);
    const owner = new Owner();
    for (const [handle, sent] of [[1, 100], [2, 200], [3, 300]]) {
      watch.watch(handle, handle, sent);
      owner.waiting.add(handle);
    }
    owner.waiting.delete(1); // acknowledged
    expect(watch.expire(250, 100, owner)).toBe(0); // 2 was sent 50 ago: not overdue yet
    expect(watch.expire(310, 100, owner)).toBe(1);
    expect(owner.overdue).toEqual([2]);
    expect(watch.expire(10_000, 100, owner)).toBe(1);
    expect(owner.overdue).toEqual([2, 3]);
    expect(watch.size).toBe(0);
    expect(watch.expire(20_000, 100, owner)).toBe(0); // reported once only
  });

  it('counts what it cannot hold instead of overwriting', () => {
    const watch = new AckWatch(2);
    for (let h = 0; h < 5; h++) watch.watch(h, h, h);
    expect(watch.size).toBe(2);
    expect(watch.unwatched).toBe(3);
  });
});

describe('Router ack timeouts open the venue breaker (real gateway workers)', () => {
  it('a venue that answers too slowly opens its breaker; the prompt one stays closed; late acks still land', async () => {
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [
        { name: 'slow', task: SIM_VENUE_TASK, adapter: { models: { reportDelayNs: 400e6 } } },
        { name: 'fast', task: SIM_VENUE_TASK },
      ],
      ackTimeoutMs: 50,
      breaker: { failures: 2, cooldownNs: 60e9 },
    });
    try {
      let accepted = 0;
      const events = { onAccepted: () => void accepted++ };
      const ids = ['slow', 'slow', 'fast', 'fast'].map((venue, i) =>
        router.submit({ symbol: 'BTC-USD', side: 'buy', price: String(60_000 + i), quantity: '0.001', venue }),
      );
      for (const id of ids) expect(id).toBeGreaterThan(0);
      const start = Date.now();
      while (Date.now() - start < 200) {
        router.poll(events, 256, nanoTime());
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(router.stats.ackTimeouts).toBe(2);
      expect(router.breakers[0].state).toBe(BreakerState.OPEN);
      expect(router.breakers[1].state).toBe(BreakerState.CLOSED);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.001', venue: 'slow' })).toBe(VENUE_UNHEALTHY);
      await pollUntil(router, events, () => accepted === 4);
      expect(router.stats.ackTimeouts).toBe(2); // nothing reported twice
    } finally {
      await router.stop();
    }
  });
});
