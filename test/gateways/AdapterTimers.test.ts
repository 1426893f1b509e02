import { describe, expect, it } from 'vitest';
import { nanoTime } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { pollUntil } from '../support/venues.js';

const DELAY_MS = 25;

/** Median time from submit to ack, over five orders, with the venue's reports delayed DELAY_MS by its own timer. */
async function ackDelayMs(task: URL): Promise<number> {
  const router = await Router.create({
    instruments: [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }],
    // 'blocking' parks up to 100 ms at a time: a timer the worker does not know of fires that late.
    venues: [{ name: 'sim', task, idle: 'blocking', adapter: { models: { reportDelayNs: DELAY_MS * 1e6 } } }],
    ackTimeoutMs: 0,
  });
  const delays: number[] = [];
  let sentAt = 0;
  const handler: OrderEventHandler = { onAccepted: () => void delays.push((nanoTime() - sentAt) / 1e6) };
  try {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150)); // let the worker settle into its longest park
      sentAt = nanoTime();
      router.submit({ symbol: 'XYZ', side: 'buy', price: 90 + i, quantity: 1 });
      await pollUntil(router, handler, () => delays.length === i + 1, 2_000);
    }
  } finally {
    await router.stop(handler);
  }
  return delays.sort((a, b) => a - b)[2];
}

describe('adapters with timers: a parked gateway worker wakes when the adapter needs a turn', () => {
  it('a delayed report arrives on time under the blocking wait strategy (and late from an adapter that does not say)', async () => {
    const onTime = await ackDelayMs(SIM_VENUE_TASK);
    const unannounced = await ackDelayMs(new URL('../dist/fixtures/noWakeSimTask.js', import.meta.url));
    expect(onTime).toBeGreaterThanOrEqual(DELAY_MS - 1);
    expect(onTime, `median ack ${onTime.toFixed(1)} ms for a ${DELAY_MS} ms timer`).toBeLessThan(DELAY_MS + 35);
    expect(unannounced, 'the contrast: without nextWakeNs the worker sleeps through the timer').toBeGreaterThan(onTime);
  });
});
