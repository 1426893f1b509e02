/**
 * @ringroute/router: the transport between a strategy thread and gateway worker threads.
 *
 * - `OneToOneRingBuffer`, `ManyToOneRingBuffer`: lock-free rings over SharedArrayBuffer.
 * - `Doorbell` and idle strategies: busy-spin (opt-in), backoff (default), blocking, async.
 * - `WorkerPool`: gateway threads (each hosting one or more venues' gateways) started and supervised through piscina.
 *
 * Worker-side code (task modules) imports from `@ringroute/router/worker`.
 */
export { RingBuffer } from './ring/RingBuffer.js';
export { OneToOneRingBuffer } from './ring/OneToOneRingBuffer.js';
export { ManyToOneRingBuffer } from './ring/ManyToOneRingBuffer.js';
export type { RecordHandler } from './ring/RecordHandler.js';
export { RingKind, HEADER_BYTES as RING_HEADER_BYTES, RECORD_HEADER_BYTES, PADDING_TYPE } from './ring/RingLayout.js';
export type { RingOptions } from './ring/RingLayout.js';
export * from './ring/RingStatus.js';
export { Doorbell } from './wait/Doorbell.js';
export {
  AsyncBackoffIdleStrategy,
  BackoffIdleStrategy,
  DEFAULT_SPIN_NS,
  BlockingIdleStrategy,
  BusySpinIdleStrategy,
  createIdleStrategy,
} from './wait/IdleStrategy.js';
export type { AsyncIdleStrategy, BackoffOptions, IdleStrategy, IdleStrategyName, WakeSource } from './wait/IdleStrategy.js';
export { GatewayWorker, WorkerPool } from './workers/WorkerPool.js';
export { describeThreads, planGatewayThreads, type GatewayThreads, type ThreadLayout } from './workers/ThreadLayout.js';
export { GatewayLane, type LaneLink } from './workers/GatewayLane.js';
export { InlineGateways } from './workers/InlineGateways.js';
export type { WorkerFailure, WorkerPoolOptions } from './workers/WorkerPool.js';
export { MAX_LANES, WorkerState } from './workers/protocol.js';
export { MAX_RATE_RULES, readVenueDeclaration } from './workers/VenueDeclaration.js';
export type { VenueDeclaration, VenueRateRule } from './workers/VenueDeclaration.js';
export type { CommandRingKind, WorkerStart, WorkerSummary } from './workers/protocol.js';

/** The built-in echo task: returns every command as an event (tests, benchmarks, template). */
export const ECHO_TASK = new URL('./workers/echoTask.js', import.meta.url);

// Protocol between the router and gateway workers (command records, event records, top of book).
export { COMMAND_BYTES, EXECUTION_EVENT_RECORD, FOREIGN_HANDLE, GatewayCommand, RECONCILE_COMMAND_BYTES, REPLACE_COMMAND_BYTES, VENUE_CHECKPOINT_RECORD, VENUE_FOREIGN_RECORD, VENUE_RECONCILED_RECORD, VENUE_STATUS_RECORD } from './protocol/GatewayCommand.js';
export { Quote, TopOfBook } from './protocol/TopOfBook.js';

// The router a strategy embeds.
export { Router } from './api/Router.js';
export { createRouter } from './api/RouterFactory.js';
export type { RouterStats } from './api/ExecutionApplier.js';
export type { OrderRequest, RouterConfig, RouterLink, RouterOptions, VenueConfig, VenueLimits } from './api/RouterConfig.js';
export { VenueRouting } from './api/VenueRouting.js';
export { SelfTradeGuard } from './api/SelfTradeGuard.js';
export { VenueThrottle } from './api/VenueThrottle.js';
export { AckWatch, type AckWatchOwner } from './api/AckWatch.js';
export type { OrderEventHandler } from './api/OrderEventHandler.js';
export type { EventLoopHandle } from './api/EventLoop.js';
export { INVALID_REQUEST, JOURNAL_BEHIND, JOURNAL_FAILED, JOURNAL_FULL, NOT_WORKING, ROUTER_STOPPED, routerStatusName, UNKNOWN_ORDER, UNKNOWN_VENUE, VENUE_UNHEALTHY, VENUE_UNSUPPORTED } from './api/RouterStatus.js';
export { VenueCapabilities } from './api/VenueCapabilities.js';
export { RATE_CANCEL, RATE_ORDER, VenueRateLimits } from './api/VenueRateLimits.js';
export { BreakerState, CircuitBreaker } from './api/CircuitBreaker.js';
export type { BreakerOptions } from './api/CircuitBreaker.js';
export { KILL_FIRM_FENCED, KILL_FIRM_HALT, KILL_LOCAL, MAX_COUNTER_LOTS, MAX_STRATEGIES, RiskEngine } from './api/RiskEngine.js';
export type { RiskLimits } from './api/RiskEngine.js';
export * from './api/RiskStatus.js';
export { crc32c } from './journal/Crc32c.js';
export { JournalError, type JournalErrorCode } from './journal/JournalError.js';
export { FORMAT_VERSION as JOURNAL_FORMAT_VERSION, JournalRecordType, journalRecordTypeName, segmentName } from './journal/JournalFormat.js';
export { listSegments, readJournal, type JournalCut, type JournalReadResult, type JournalRecordView } from './journal/JournalReader.js';
export { JournalWriter, type JournalWriterOptions } from './journal/JournalWriter.js';
export { Journal, type JournalOpened, type JournalOptions } from './journal/Journal.js';
export { JournalLane } from './journal/JournalLane.js';
export type { JournalFlushPolicy } from './journal/JournalControl.js';
export { JournalRecordDecoder, type DecodedRecord } from './journal/JournalRecords.js';
export { JournalReplay, type ReplayCounts } from './recovery/JournalReplay.js';
export type { ForeignOrderPolicy, RecoveryOptions, RecoveryReport, VenueRecovery } from './recovery/RecoveryReport.js';
export { FirmLedger, parseHalt } from './firm/FirmLedger.js';
export type { FirmCluster, FirmRedis } from './firm/FirmLedger.js';
export type { FirmHalt, FirmLimitKind, FirmLimitState, FirmPool } from './firm/FirmLedger.js';
export type { FirmConfig, FirmLimits } from './firm/FirmConfig.js';
export type { FirmStatus, FirmClient } from './firm/FirmClient.js';
export { FirmCredit } from './firm/FirmCredit.js';
export type { FirmEvent } from './firm/FirmAgent.js';
