/**
 * @ringroute/router/worker: what a gateway worker task module imports.
 *
 * ```ts
 * import { runWorkerLoop, type WorkerStart } from '@ringroute/router/worker';
 * export default (start: WorkerStart) => runWorkerLoop(start, (ctx) => new MyLoop(ctx));
 * ```
 */
export { runWorkerLoop } from './workers/runWorkerLoop.js';
export type { WorkerContext, WorkerLoop } from './workers/runWorkerLoop.js';
export type { WorkerStart, WorkerSummary } from './workers/protocol.js';
export { OneToOneRingBuffer } from './ring/OneToOneRingBuffer.js';
export { ManyToOneRingBuffer } from './ring/ManyToOneRingBuffer.js';
export type { RingBuffer } from './ring/RingBuffer.js';
export type { RecordHandler } from './ring/RecordHandler.js';
export * from './ring/RingStatus.js';
export { Doorbell } from './wait/Doorbell.js';
export { COMMAND_BYTES, EXECUTION_EVENT_RECORD, FOREIGN_HANDLE, GatewayCommand, RECONCILE_COMMAND_BYTES, REPLACE_COMMAND_BYTES, VENUE_CHECKPOINT_RECORD, VENUE_FOREIGN_RECORD, VENUE_RECONCILED_RECORD, VENUE_STATUS_RECORD } from './protocol/GatewayCommand.js';
export { Quote, TopOfBook } from './protocol/TopOfBook.js';
export { checkVenueDeclaration, MAX_RATE_RULES } from './workers/VenueDeclaration.js';
export type { VenueDeclaration, VenueRateRule } from './workers/VenueDeclaration.js';
