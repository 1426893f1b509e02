/**
 * @ringroute/gateways: exchange adapters and the simulated venue.
 *
 * - `MatchingEngine`: a deterministic price-time priority matching engine (the heart of
 *   the simulated venue), with `MatchListener` for its events.
 * - `TopOfBook`: best bid/ask per venue and symbol in shared memory (seqlock per slot).
 * - `GatewayAdapter`: the adapter interface; `RingEventSink`: its events into an event ring.
 */
export { TopOfBook, Quote } from './TopOfBook.js';
export { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, bit } from './GatewayAdapter.js';
export type { GatewayAdapter, GatewayCapabilities, GatewayEvents, RateLimitRule, VenueOrderState } from './GatewayAdapter.js';
export { EXECUTION_EVENT_RECORD, RingEventSink } from './RingEventSink.js';
export { MatchingEngine, SelfMatch } from './sim/MatchingEngine.js';
export type { EngineOrder, MatchingEngineOptions } from './sim/MatchingEngine.js';
export { NullMatchListener } from './sim/MatchListener.js';
export type { MatchListener } from './sim/MatchListener.js';
export { BookSide } from './sim/BookSide.js';
export { IdMap } from './sim/IdMap.js';
