import type { WorkerStart } from '@ringroute/router/worker';
import { runGatewayHost } from '../GatewayHost.js';
import { WsGateway, type WsGatewayOptions } from './WsGateway.js';

/**
 * The gateway task module of a WebSocket venue: `VenueConfig.task = WS_GATEWAY_TASK`, with
 * `VenueConfig.adapter` as WsGatewayOptions. Socket callbacks must run on the worker, so
 * the router's gateways use the 'async' idle strategy (`RouterConfig.idle: 'async'`).
 */
export default function wsGatewayTask(start: WorkerStart) {
  return runGatewayHost(start, (data) => new WsGateway(data.adapter as WsGatewayOptions));
}
