/**
 * @ringroute/gateways/conformance: the suite every gateway adapter must pass.
 *
 * ```ts
 * // my-adapter.conformance.test.ts (run by vitest)
 * import { registerGatewayConformance } from '@ringroute/gateways/conformance';
 * registerGatewayConformance('my venue', async () => ({ adapter, symbolId, priceTicks, seed, settle, close }));
 * ```
 */
export { registerGatewayConformance } from './registerGatewayConformance.js';
export type { ConformanceTarget, OrderFields, OrderRef } from './ConformanceSession.js';
export { ConformanceSession } from './ConformanceSession.js';
export { ConsistencyCheck } from './ConsistencyCheck.js';
