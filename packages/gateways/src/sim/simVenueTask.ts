import type { WorkerStart } from '@ringroute/router/worker';
import { runGatewayHost } from '../GatewayHost.js';
import { SimulatedVenue, type SimulatedVenueOptions } from './SimulatedVenue.js';

/**
 * The gateway task module of a simulated venue: `VenueConfig.task = SIM_VENUE_TASK`, with
 * `VenueConfig.adapter` as SimulatedVenueOptions (the router fills in `symbols`).
 */
export default function simVenueTask(start: WorkerStart) {
  return runGatewayHost(start, (data) => new SimulatedVenue(data.adapter as SimulatedVenueOptions));
}
