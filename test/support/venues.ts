import { SIM_VENUE_TASK } from '@ringroute/gateways';
import type { VenueConfig } from '@ringroute/router';

/** The two simulated venues most router tests run against, each on its own gateway worker. */
export function alphaBeta(): VenueConfig[] {
  return [
    { name: 'alpha', task: SIM_VENUE_TASK },
    { name: 'beta', task: SIM_VENUE_TASK },
  ];
}
