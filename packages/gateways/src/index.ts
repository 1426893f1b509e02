/**
 * @ringroute/gateways: exchange adapters and the simulated venue.
 *
 * - `MatchingEngine`: a deterministic price-time priority matching engine (the heart of
 *   the simulated venue), with `MatchListener` for its events.
 * - `TopOfBook`: best bid/ask per venue and symbol in shared memory (seqlock per slot).
 * - `GatewayAdapter`: the adapter interface; `RingEventSink`: its events into an event ring.
 * - `runGatewayHost`: a gateway worker's loop (commands -> adapter -> events).
 * - `SimulatedVenue`: the matching engine as an adapter.
 */
// Transport protocol shared with the router, re-exported for adapter authors.
export { COMMAND_BYTES, EXECUTION_EVENT_RECORD, FOREIGN_HANDLE, GatewayCommand, Quote, RECONCILE_COMMAND_BYTES, REPLACE_COMMAND_BYTES, TopOfBook, VENUE_CHECKPOINT_RECORD, VENUE_FOREIGN_RECORD, VENUE_RECONCILED_RECORD, VENUE_STATUS_RECORD } from '@ringroute/router';
export { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, bit } from './GatewayAdapter.js';
export type { GatewayAdapter, GatewayCapabilities, GatewayEvents, RateLimitRule, VenueExecution, VenueOrderState } from './GatewayAdapter.js';
export { RingEventSink } from './RingEventSink.js';
export { runGatewayHost } from './GatewayHost.js';
export type { GatewayEnvironment, GatewayStartData } from './GatewayHost.js';
export { SimulatedVenue } from './sim/SimulatedVenue.js';
export type { SimulatedVenueOptions } from './sim/SimulatedVenue.js';
export { SeededRandom } from './sim/VenueModels.js';
export type { VenueFaults, VenueModels } from './sim/VenueModels.js';
export { MatchingEngine, SelfMatch } from './sim/MatchingEngine.js';
export type { EngineOrder, MatchingEngineOptions } from './sim/MatchingEngine.js';
export { NullMatchListener } from './sim/MatchListener.js';
export type { MatchListener } from './sim/MatchListener.js';
export { BookSide } from './sim/BookSide.js';
export { IdMap } from '@ringroute/core';

/** Gateway task module running a SimulatedVenue (for `VenueConfig.task`). */
export const SIM_VENUE_TASK = new URL('./sim/simVenueTask.js', import.meta.url);

// The WebSocket gateway and the reference exchange server (msgpackr records over ws).
export { WsGateway } from './ws/WsGateway.js';
export type { WsGatewayOptions } from './ws/WsGateway.js';
export { ExchangeServer, startExchangeServer } from './ws/ExchangeServer.js';
export type { ExchangeServerOptions } from './ws/ExchangeServer.js';
export type { ServerStats, SessionLimits } from './ws/ExchangeSession.js';
export { DEFAULT_SESSION_LIMITS } from './ws/ExchangeSession.js';
export { Account, ClientIds, ExchangeBook, OrderOwners, ReportLog, SubmitOutcome, type ExchangeBookOptions } from './ws/ExchangeBook.js';
export type { Report } from './ws/ExchangeBook.js';
export { LoginVerifier, loginMessage, signLogin } from './ws/LoginAuth.js';
export type { ApiKey } from './ws/LoginAuth.js';
export { createCodec, decodeFrame, ErrorCode, errorCodeName, MESSAGE_SHAPES, Msg } from './ws/WsProtocol.js';
export { frameCodec, JsonFrameCodec, MsgpackrFrameCodec } from './ws/FrameCodec.js';
export type { FrameCodec, FrameCodecName } from './ws/FrameCodec.js';

/** Gateway task module running a WsGateway (for `VenueConfig.task`; use `idle: 'async'`). */
export const WS_GATEWAY_TASK = new URL('./ws/wsGatewayTask.js', import.meta.url);

// FIX 4.4: the codec (zero-allocation writer, in-place parser, stream framer).
export { ExecTypeCode, isAdminMsgType, MsgType, OrdStatusCode, SOH, Tag } from './fix/FixTags.js';
export { FixDecimal, writeDigits } from './fix/FixDecimal.js';
export { asciiBytes, byteSum, fixFields, FixWriter } from './fix/FixWriter.js';
export { ByteCopier } from './fix/ByteCopier.js';
export { FixMessage, FixParseError, MAX_FIELDS } from './fix/FixMessage.js';
export { FixFramer, Framed } from './fix/FixFramer.js';
export type { FramerStats } from './fix/FixFramer.js';
export { civilFromDays, daysFromCivil, FixTimestampWriter, readUtcTimestamp } from './fix/FixTime.js';
// FIX 4.4: the session layer, its stores, and the gateway.
export { FixSession, SessionState } from './fix/FixSession.js';
export type { FixSessionHandler, FixSessionOptions } from './fix/FixSession.js';
export { FixResender } from './fix/FixResender.js';
export { FixOutbound } from './fix/FixOutbound.js';
export { MemoryFixStore } from './fix/FixStore.js';
export type { FixStore } from './fix/FixStore.js';
export { FixStoreRecord, JournalFixStore } from './fix/JournalFixStore.js';
export type { FixStoreOpened, JournalFixStoreOptions } from './fix/JournalFixStore.js';
export { SentMessages } from './fix/SentMessages.js';
export { FixOrders, Pending } from './fix/FixOrders.js';
export { cxlRejReason, FixReports, ordRejReason } from './fix/FixReports.js';
export { FixGateway } from './fix/FixGateway.js';
export type { FixGatewayOptions } from './fix/FixGateway.js';

/** Gateway task module running a FixGateway (for `VenueConfig.task`; use `idle: 'async'`). */
export const FIX_GATEWAY_TASK = new URL('./fix/fixGatewayTask.js', import.meta.url);
export { FixOrderEncoder, fixInstrument } from './fix/FixOrderEncoder.js';
export type { FixConventions, FixInstrument, FixInstrumentNames } from './fix/FixOrderEncoder.js';
// The reference exchange's FIX 4.4 acceptor (on the same ExchangeBook as the WebSocket exchange).
export { FixExchangeServer, startFixExchange } from './fix/FixExchangeServer.js';
export type { FixExchangeOptions } from './fix/FixExchangeServer.js';
