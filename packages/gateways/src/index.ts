/**
 * @ringroute/gateways: exchange adapters and the simulated venue.
 *
 * - `MatchingEngine`: a deterministic price-time priority matching engine (the heart of
 *   the simulated venue), with `MatchListener` for its events.
 * - `TopOfBook`: best bid/ask per venue and symbol in shared memory (seqlock per slot).
 */
export { TopOfBook, Quote } from './TopOfBook.js';
export { MatchingEngine, SelfMatch } from './sim/MatchingEngine.js';
export type { EngineOrder, MatchingEngineOptions } from './sim/MatchingEngine.js';
export { NullMatchListener } from './sim/MatchListener.js';
export type { MatchListener } from './sim/MatchListener.js';
export { BookSide } from './sim/BookSide.js';
export { IdMap } from './sim/IdMap.js';
