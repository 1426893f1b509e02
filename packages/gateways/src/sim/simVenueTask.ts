import type { WorkerStart } from '@ringroute/router/worker';
import { runGatewayHost } from '../GatewayHost.js';
import { SimulatedVenue, type SimulatedVenueOptions } from './SimulatedVenue.js';

/**
 * The gateway task module of a simulated venue: `VenueConfig.task = SIM_VENUE_TASK`, with
 * `VenueConfig.adapter` as SimulatedVenueOptions. It lists every symbol of the router's
 * instrument table unless the options say `symbols`.
 */
export default function simVenueTask(start: WorkerStart) {
  return runGatewayHost(start, (data, env) => {
    const options = (data.adapter ?? {}) as Partial<SimulatedVenueOptions>;
    return new SimulatedVenue({ ...options, symbols: options.symbols ?? env.instruments?.capacity ?? 16 });
  });
}
