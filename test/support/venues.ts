import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { expect } from 'vitest';
import type { OrderEventHandler, Router, VenueConfig } from '@ringroute/router';

/** The two simulated venues most router tests run against, each on its own gateway worker. */
export function alphaBeta(): VenueConfig[] {
  return [
    { name: 'alpha', task: SIM_VENUE_TASK },
    { name: 'beta', task: SIM_VENUE_TASK },
  ];
}

/** Poll `router` into `handler` until `done()` holds, failing after `timeoutMs` (never hangs). */
export async function pollUntil(router: Router, handler: OrderEventHandler, done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) if (router.poll(handler) === 0) await new Promise((r) => setTimeout(r, 1));
  expect(done(), 'condition not reached in time').toBe(true);
}
