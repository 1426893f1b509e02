/**
 * What the main thread and gateway worker threads share: the start-up message (sent once,
 * through piscina, when a worker starts) and the layout of each worker's control block.
 * Imported by both sides; holds no thread-specific code.
 */
import type { MessagePort } from 'node:worker_threads';
import type { IdleStrategyName } from '../wait/IdleStrategy.js';

/** Lifecycle of a gateway worker, stored in its control block. */
export const WorkerState = {
  STARTING: 0,
  RUNNING: 1,
  DRAINING: 2,
  STOPPED: 3,
  FAILED: 4,
} as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/** Int32 words of the control block (each written by one side only). */
export const C_STATE = 0; // worker writes (FAILED: main writes)
export const C_THREAD_ID = 1; // worker writes
export const C_STOP = 16; // main writes: 1 = stop intake, drain, exit
export const C_HEARTBEAT = 32; // worker: loop iterations, wrapping
export const C_HANDLER_ERRORS = 33; // worker: records whose handler threw
export const C_BLOCKED_LANES = 34; // worker: lanes whose event ring is full (back-pressure, not a hang)
// Words 36..44 and bytes 192..255: the gateway's venue declaration (VenueDeclaration.ts).
export const CONTROL_BYTES = 256;

/** Most lanes (strategy threads) one gateway worker serves. */
export const MAX_LANES = 16;

export type CommandRingKind = 'one-to-one' | 'many-to-one';

/** Everything a worker needs at start-up; SharedArrayBuffers are shared, not copied. */
export interface WorkerStart {
  index: number;
  control: SharedArrayBuffer;
  /**
   * One command ring per lane (lane 0 belongs to the thread that started the pool; each
   * further lane to one strategy thread sharing this worker).
   */
  commands: SharedArrayBuffer[];
  commandKind: CommandRingKind;
  /** One event ring per lane, read by that lane's thread. */
  events: SharedArrayBuffer[];
  /** The worker parks here; command producers ring it. */
  workerDoorbell: SharedArrayBuffer;
  /** Each lane's thread parks on its doorbell; the worker rings it after publishing events on that lane. */
  laneDoorbells: SharedArrayBuffer[];
  idle: IdleStrategyName | 'async';
  /** The backoff wait's spin budget (BackoffOptions.spinNs; undefined: the default). */
  spinNs?: number;
  /** How long a stopping worker may spend draining its command ring. */
  drainTimeoutMs: number;
  /** Task-specific start data (pools, instruments, venue configuration). */
  data: unknown;
  /**
   * Set when something else drives the task's loop: a gateway thread hosting several
   * gateways, or the router's own thread (`RouterConfig.gateways: 'inline'`).
   * `runWorkerLoop` then creates the loop, leaves it here (with its rings, as `hosted`)
   * and returns at once; the caller drives `loop.poll()` itself.
   */
  inline?: { loop?: unknown; hosted?: unknown };
}

/** Everything a gateway thread needs at start-up: the gateways it hosts (see threadTask). */
export interface ThreadStart {
  /** The thread's index in the pool. */
  thread: number;
  /** Each hosted gateway: its task module (a URL's href) and its own start data and rings. */
  gateways: { task: string; gateway: WorkerStart }[];
  /** The thread parks here; the command rings of every gateway it hosts ring it. */
  doorbell: SharedArrayBuffer;
  /** One wait for the whole thread: 'async' when any gateway it hosts needs its event loop. */
  idle: IdleStrategyName | 'async';
  /** The backoff wait's spin budget (undefined: the default). */
  spinNs?: number;
  drainTimeoutMs: number;
  /** Where the thread reports a gateway that failed while the others go on: `{ index, message }`. */
  failures: MessagePort;
}

/** What a worker's task returns when it stops. */
export interface WorkerSummary {
  index: number;
  loops: number;
  handlerErrors: number;
  drained: boolean;
}
