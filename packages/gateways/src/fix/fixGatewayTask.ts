import type { WorkerStart } from '@ringroute/router/worker';
import { runGatewayHost } from '../GatewayHost.js';
import { FixGateway, type FixGatewayOptions } from './FixGateway.js';

/**
 * The gateway task module of a FIX venue: `VenueConfig.task = FIX_GATEWAY_TASK`, with
 * `VenueConfig.adapter` as FixGatewayOptions. Socket callbacks must run on the worker, so
 * the router's gateways use the 'async' idle strategy (`RouterConfig.idle: 'async'`).
 */
export default function fixGatewayTask(start: WorkerStart) {
  return runGatewayHost(start, (data, env) => new FixGateway(data.adapter as FixGatewayOptions, env.instruments));
}
