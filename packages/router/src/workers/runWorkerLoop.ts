import { threadId } from 'node:worker_threads';
import { ManyToOneRingBuffer } from '../ring/ManyToOneRingBuffer.js';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import { Doorbell } from '../wait/Doorbell.js';
import { runGatewayThread, type HostedGateway } from './GatewayThread.js';
import { writeVenueDeclaration, type VenueDeclaration } from './VenueDeclaration.js';
import { C_BLOCKED_LANES, C_HANDLER_ERRORS, C_STATE, C_STOP, C_THREAD_ID, WorkerState, type WorkerStart, type WorkerSummary } from './protocol.js';

/** What a worker task sees: its rings, its doorbell and its start data. */
export interface WorkerContext {
  readonly index: number;
  /** Commands from the main thread: lane 0 (this worker consumes). */
  readonly commands: RingBuffer;
  /** Events to the main thread: lane 0 (this worker produces; commits ring the main doorbell). */
  readonly events: OneToOneRingBuffer;
  /**
   * Every lane's command ring (`commandLanes[0] === commands`). A worker shared by several
   * strategy threads reads them all and answers each command on the same lane's event ring.
   */
  readonly commandLanes: readonly RingBuffer[];
  /** Every lane's event ring (`eventLanes[0] === events`); each commit rings that lane's doorbell. */
  readonly eventLanes: readonly OneToOneRingBuffer[];
  readonly doorbell: Doorbell;
  readonly data: unknown;
  /** True once the main thread asked this worker to stop. */
  readonly stopping: boolean;
  /** Count a record whose handler threw (the loop keeps running). */
  handlerFailed(): void;
  /**
   * Tell the supervisor how many lanes' event rings are full with events waiting (0 when
   * none): back-pressure from a slow strategy thread, which the loop rides out without
   * blocking (its heartbeat keeps beating), shown as `GatewayWorker.blockedLanes`.
   */
  reportBackPressure(lanes: number): void;
  /**
   * Declare what the venue accepts (order types, times in force, amend, post-only,
   * reduce-only) and its rate limits, before the loop starts: the router reads it and
   * refuses, emulates or throttles before anything is enqueued. Throws ConfigurationError
   * on a malformed declaration (the worker then fails to start).
   */
  declareVenue(declaration: VenueDeclaration): void;
}

/** The body of a gateway worker: polled until stop, then closed. */
export interface WorkerLoop {
  /** Do some work (drain commands, read sockets); return how much was done. */
  poll(): number;
  /**
   * When the loop next needs a turn whatever arrives (`nanoTime()`; Infinity: no timer):
   * the idle strategy never parks past it. Asked only before parking.
   */
  nextWakeNs?(nowNs: number): number;
  /** Called after the loop slept (its idle strategy parked), before its next poll: time passed that the loop did not see. */
  resumed?(): void;
  close?(): void | Promise<void>;
}

/**
 * Runs a worker task: attaches the rings, creates the gateway's loop and reports RUNNING
 * (the start-up handshake). A gateway thread (WorkerPool's thread task, which may host
 * several gateways) or InlineGateways then drives the loop until the stop flag, drains
 * the command rings (bounded by `drainTimeoutMs`), closes the loop and reports STOPPED.
 * Run on a thread of its own, without them, it does all that itself. A task module's
 * default export calls this:
 *
 * ```ts
 * export default (start: WorkerStart) => runWorkerLoop(start, (ctx) => new MyGatewayLoop(ctx));
 * ```
 *
 * Worker-only code: nothing here touches `parentPort` (piscina owns the messaging), and
 * no order ever travels by message, only through the rings.
 */
export async function runWorkerLoop(start: WorkerStart, create: (ctx: WorkerContext) => WorkerLoop | Promise<WorkerLoop>): Promise<WorkerSummary> {
  const control = new Int32Array(start.control);
  const doorbell = Doorbell.attach(start.workerDoorbell);
  const laneDoorbells = start.laneDoorbells.map((b) => Doorbell.attach(b));
  const commandLanes = start.commands.map((b) => (start.commandKind === 'many-to-one' ? ManyToOneRingBuffer.attach(b) : OneToOneRingBuffer.attach(b)));
  const eventLanes = start.events.map((b, lane) => OneToOneRingBuffer.attach(b, laneDoorbells[lane]));
  const context: WorkerContext = {
    index: start.index,
    commands: commandLanes[0],
    events: eventLanes[0],
    commandLanes,
    eventLanes,
    doorbell,
    data: start.data,
    get stopping() {
      return control[C_STOP] !== 0;
    },
    handlerFailed() {
      control[C_HANDLER_ERRORS] = (control[C_HANDLER_ERRORS] + 1) | 0;
    },
    reportBackPressure(lanes: number) {
      Atomics.store(control, C_BLOCKED_LANES, lanes);
    },
    declareVenue(declaration: VenueDeclaration) {
      writeVenueDeclaration(start.control, declaration);
    },
  };
  const loop = await create(context);
  const hosted: HostedGateway = { index: start.index, loop, control, commandLanes, eventLanes, laneDoorbells };
  if (start.inline !== undefined) {
    // The caller drives the loop: InlineGateways on the router's thread, or a gateway
    // thread hosting several gateways (threadTask). Nothing runs here.
    start.inline.loop = loop;
    start.inline.hosted = hosted;
    Atomics.store(control, C_STATE, WorkerState.RUNNING);
    return { index: start.index, loops: 0, handlerErrors: 0, drained: true };
  }
  // A task module run on a thread of its own: a gateway thread hosting this one gateway.
  // A loop that throws ends the task (the supervisor sees the rejection).
  Atomics.store(control, C_THREAD_ID, threadId);
  Atomics.store(control, C_STATE, WorkerState.RUNNING);
  laneDoorbells[0].wake();
  const [summary] = await runGatewayThread(
    [hosted],
    start.idle,
    doorbell,
    start.drainTimeoutMs,
    (_index, error) => {
      throw error;
    },
    start.spinNs,
  );
  return summary;
}
