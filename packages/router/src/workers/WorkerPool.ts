import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ConfigurationError, nanoTime } from '@ringroute/core';
import { ManyToOneRingBuffer } from '../ring/ManyToOneRingBuffer.js';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import type { RecordHandler } from '../ring/RecordHandler.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import { CloseReason } from '../ring/RingStatus.js';
import { Doorbell } from '../wait/Doorbell.js';
import { GatewayLane, type LaneLink } from './GatewayLane.js';
import type { IdleStrategyName } from '../wait/IdleStrategy.js';
import {
  C_BLOCKED_LANES,
  C_HANDLER_ERRORS,
  C_HEARTBEAT,
  C_STATE,
  C_STOP,
  C_THREAD_ID,
  CONTROL_BYTES,
  MAX_LANES,
  WorkerState,
  type CommandRingKind,
  type ThreadStart,
  type WorkerStart,
  type WorkerSummary,
} from './protocol.js';

export interface WorkerPoolOptions {
  /** Gateways (each a loop created by its task module, with its own rings and control block). */
  workers: number;
  /** The task module (a file URL): its default export calls `runWorkerLoop`. */
  task: URL | string;
  /** A different task module per gateway (gateway i runs `tasks[i]`); overrides `task`. */
  tasks?: (URL | string)[];
  /**
   * Which gateways share a thread: each inner list is one thread, naming gateway indices;
   * every gateway in exactly one (default: a thread per gateway). A thread polls its
   * gateways in turn and parks on one doorbell (see GatewayThread).
   */
  threads?: readonly (readonly number[])[];
  /** Why this layout (shown as `layoutReason`; the router says how it chose). */
  layoutReason?: string;
  /** How threads wait for commands: 'backoff' (default, laptop-safe), 'blocking', 'busy-spin' (opt-in), or 'async' (event loop keeps running). */
  idle?: IdleStrategyName | 'async';
  /**
   * A different idle strategy per gateway (`idles[i]` for gateway i); overrides `idle`. A
   * thread waits 'async' when any gateway it hosts asks for it (a socket gateway needs its
   * event loop), else as its first gateway asks.
   */
  idles?: (IdleStrategyName | 'async')[];
  /** How long a 'backoff' thread spins after its last work before it parks (default DEFAULT_SPIN_NS, 200 µs). */
  spinNs?: number;
  /**
   * Lanes per worker (default 1, at most 16): each lane is a command ring and an event
   * ring, so that many threads (this one on lane 0, strategy threads on the others, see
   * `laneLink`) share the same workers, each with its own single-producer rings.
   */
  lanes?: number;
  commandRing?: { capacityBytes?: number; maxPayloadBytes?: number; kind?: CommandRingKind };
  eventRing?: { capacityBytes?: number; maxPayloadBytes?: number };
  /** Task-specific start data per worker (SharedArrayBuffers are shared, not copied). */
  data?: (index: number) => unknown;
  /** Give up on start-up after this long (default 10 s). */
  startTimeoutMs?: number;
  /** A RUNNING worker whose loop makes no progress this long is declared hung (default 5 s). */
  heartbeatTimeoutMs?: number;
  /** How long a stopping worker may drain (default 2 s). */
  drainTimeoutMs?: number;
  /** Called once per worker failure (crash, unexpected exit, hang), after its rings are closed. */
  onFailure?: (failure: WorkerFailure) => void;
}

export interface WorkerFailure {
  index: number;
  kind: 'crashed' | 'exited' | 'hung';
  error: Error | null;
  /** When the failure was detected (`nanoTime()`). */
  detectedNs: number;
}

/** The main thread's view of one gateway (its rings and control block) and of the thread hosting it. */
export class GatewayWorker {
  readonly index: number;
  /** The thread hosting this gateway (an index into `WorkerPool.threads`). */
  readonly thread: number;
  /** Produce commands here (lane 0: this thread is its producer). Closed when the worker fails or stops. */
  readonly commands: RingBuffer;
  /** Events from the worker (lane 0: this thread consumes). */
  readonly events: OneToOneRingBuffer;
  /** Every lane's command ring (`commandLanes[0] === commands`). */
  readonly commandLanes: readonly RingBuffer[];
  /** Every lane's event ring (`eventLanes[0] === events`). */
  readonly eventLanes: readonly OneToOneRingBuffer[];
  /** The hosting thread's doorbell (rung by `commands` on every commit; shared by the gateways on that thread). */
  readonly doorbell: Doorbell;
  readonly control: Int32Array;
  failure: WorkerFailure | null = null;
  summary: WorkerSummary | null = null;
  /** @internal */ lastHeartbeat = 0;
  /** @internal */ lastProgressNs = 0;

  constructor(index: number, thread: number, commandLanes: RingBuffer[], eventLanes: OneToOneRingBuffer[], doorbell: Doorbell, control: Int32Array) {
    this.index = index;
    this.thread = thread;
    this.commandLanes = commandLanes;
    this.eventLanes = eventLanes;
    this.commands = commandLanes[0];
    this.events = eventLanes[0];
    this.doorbell = doorbell;
    this.control = control;
  }

  get state(): WorkerState {
    return Atomics.load(this.control, C_STATE) as WorkerState;
  }

  get threadId(): number {
    return Atomics.load(this.control, C_THREAD_ID);
  }

  /** Records whose handler threw inside the worker (the loop kept running). */
  get handlerErrors(): number {
    return Atomics.load(this.control, C_HANDLER_ERRORS);
  }

  /** Lanes whose event ring is full with events waiting (a strategy thread behind): back-pressure, not a hang. */
  get blockedLanes(): number {
    return Atomics.load(this.control, C_BLOCKED_LANES);
  }
}

/**
 * Starts gateway threads through piscina, each running one long-lived loop that polls
 * the gateways it hosts (`threads`; by default one per gateway), each gateway fed by its
 * command rings and answering on its event rings, and supervises them:
 * - start-up handshake: `start()` resolves once every gateway reports RUNNING;
 * - crash detection: a gateway whose loop throws is failed alone, the others on its
 *   thread go on; a thread that throws or exits fails every gateway it hosts, as soon as
 *   piscina settles its task; a thread whose loop stops making progress is declared hung
 *   after `heartbeatTimeoutMs` and terminated. A failed gateway is reported (`onFailure`,
 *   `failures`) once, and its command rings are closed, so producers get RING_CLOSED
 *   instead of waiting forever;
 * - graceful stop: close intake, let workers drain, keep consuming their events, then
 *   end the threads.
 * Orders never travel by postMessage: only the start-up data does, once.
 */
export class WorkerPool {
  readonly workers: readonly GatewayWorker[];
  /** The main thread (lane 0) parks here; every worker rings it after publishing events on lane 0. */
  readonly mainDoorbell: Doorbell;
  /** Doorbell of each lane (`laneDoorbells[0] === mainDoorbell`). */
  readonly laneDoorbells: readonly Doorbell[];
  /** This thread's view of lane 0. */
  readonly mainLane: GatewayLane;
  readonly failures: WorkerFailure[] = [];
  /** The gateways each thread hosts (indices into `workers`). */
  readonly threads: readonly (readonly number[])[];
  /** Why the layout is what it is (`WorkerPoolOptions.layoutReason`, or 'as given'). */
  readonly layoutReason: string;
  private readonly piscina: Piscina;
  private readonly ports: MessagePort[];
  private readonly tasks: Promise<void>[];
  private readonly options: WorkerPoolOptions;
  private readonly watchdog: NodeJS.Timeout;
  private stopping = false;

  private constructor(options: WorkerPoolOptions, piscina: Piscina, workers: GatewayWorker[], laneDoorbells: Doorbell[], threads: number[][], starts: ThreadStart[]) {
    this.options = options;
    this.piscina = piscina;
    this.workers = workers;
    this.threads = threads;
    this.layoutReason = options.layoutReason ?? (options.threads === undefined ? 'a thread per gateway' : 'as given');
    this.laneDoorbells = laneDoorbells;
    this.mainDoorbell = laneDoorbells[0];
    this.mainLane = new GatewayLane(
      0,
      workers.map((w) => w.commands),
      workers.map((w) => w.events),
      this.mainDoorbell,
      workers.map((w) => w.control),
    );
    this.ports = [];
    this.tasks = starts.map((start, t) => {
      // A gateway that fails on a thread that goes on is reported here (cold path).
      const channel = new MessageChannel();
      start.failures = channel.port2;
      channel.port1.on('message', (m: { index: number; message: string }) => {
        const worker = workers[m.index];
        if (worker !== undefined && worker.thread === t) this.fail(worker, 'crashed', new Error(m.message));
      });
      channel.port1.unref();
      this.ports.push(channel.port1);
      return piscina.run(start, { transferList: [channel.port2] }).then(
        (summaries: WorkerSummary[]) => {
          for (const summary of summaries) if (workers[summary.index]?.thread === t) workers[summary.index].summary = summary;
          // A gateway the thread failed itself and reported: its report may still be in flight.
          for (const i of threads[t]) {
            if (workers[i].state === WorkerState.FAILED) this.fail(workers[i], 'crashed', new Error('gateway loop failed'));
            else if (!this.stopping) this.fail(workers[i], 'exited', null);
          }
        },
        (error: unknown) => {
          const reason = error instanceof Error ? error : new Error(String(error));
          for (const i of threads[t]) this.fail(workers[i], 'crashed', reason);
        },
      );
    });
    const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 5_000;
    this.watchdog = setInterval(() => this.checkHeartbeats(heartbeatTimeoutMs * 1e6), Math.max(10, Math.min(1_000, heartbeatTimeoutMs / 4)));
    this.watchdog.unref();
  }

  /** Start the workers; resolves when every one is RUNNING, rejects (ERR_WORKER_START) otherwise. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const count = options.workers;
    if (!Number.isInteger(count) || count < 1 || count > 64) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'workers must be an integer from 1 to 64', count);
    }
    if (options.tasks !== undefined && options.tasks.length !== count) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', `tasks must name one module per worker (${count})`, options.tasks.length);
    }
    const threads = checkThreads(options.threads ?? Array.from({ length: count }, (_, i) => [i]), count);
    const lanes = options.lanes ?? 1;
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_LANES) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', `lanes must be an integer from 1 to ${MAX_LANES}`, lanes);
    }
    const laneDoorbells = Array.from({ length: lanes }, () => Doorbell.create());
    const commandKind = options.commandRing?.kind ?? 'one-to-one';
    const threadDoorbells = threads.map(() => Doorbell.create());
    const threadOf = new Int32Array(count);
    threads.forEach((members, t) => members.forEach((i) => (threadOf[i] = t)));
    const workers: GatewayWorker[] = [];
    const starts: WorkerStart[] = [];
    const idleOf = (index: number) => options.idles?.[index] ?? options.idle ?? 'backoff';
    for (let index = 0; index < count; index++) {
      const doorbell = threadDoorbells[threadOf[index]];
      const ringOptions = { capacityBytes: options.commandRing?.capacityBytes ?? 1 << 16, maxPayloadBytes: options.commandRing?.maxPayloadBytes };
      const commands: RingBuffer[] = [];
      const events: OneToOneRingBuffer[] = [];
      for (let lane = 0; lane < lanes; lane++) {
        commands.push(commandKind === 'many-to-one' ? ManyToOneRingBuffer.create(ringOptions, doorbell) : OneToOneRingBuffer.create(ringOptions, doorbell));
        events.push(OneToOneRingBuffer.create({ capacityBytes: options.eventRing?.capacityBytes ?? 1 << 16, maxPayloadBytes: options.eventRing?.maxPayloadBytes }));
      }
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
      workers.push(new GatewayWorker(index, threadOf[index], commands, events, doorbell, control));
      starts.push({
        index,
        control: control.buffer as SharedArrayBuffer,
        commands: commands.map((r) => r.buffer),
        commandKind,
        events: events.map((r) => r.buffer),
        workerDoorbell: doorbell.buffer,
        laneDoorbells: laneDoorbells.map((d) => d.buffer),
        idle: idleOf(index),
        spinNs: options.spinNs,
        drainTimeoutMs: options.drainTimeoutMs ?? 2_000,
        data: options.data?.(index),
      });
    }
    const taskOf = (index: number) => {
      const task = options.tasks?.[index] ?? options.task;
      return task instanceof URL ? task.href : task;
    };
    const threadStarts: ThreadStart[] = threads.map((members, t) => ({
      thread: t,
      gateways: members.map((i) => ({ task: taskOf(i), gateway: starts[i] })),
      doorbell: threadDoorbells[t].buffer,
      idle: members.some((i) => idleOf(i) === 'async') ? 'async' : idleOf(members[0]),
      spinNs: options.spinNs,
      drainTimeoutMs: options.drainTimeoutMs ?? 2_000,
      failures: undefined as unknown as MessagePort, // set per run, with the port it transfers
    }));
    const piscina = new Piscina({
      filename: THREAD_TASK,
      minThreads: threads.length,
      maxThreads: threads.length,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      maxQueue: threads.length,
    });
    // Errors piscina cannot pin on a task (a worker that fails while loading the task
    // module) arrive as 'error' events on the pool.
    let poolError: Error | null = null;
    piscina.on('error', (error: unknown) => {
      poolError = error instanceof Error ? error : new Error(String(error));
    });
    const pool = new WorkerPool(options, piscina, workers, laneDoorbells, threads, threadStarts);
    const deadline = nanoTime() + (options.startTimeoutMs ?? 10_000) * 1e6;
    for (;;) {
      const failed = pool.failures[0]?.error ?? poolError;
      const timedOut = nanoTime() > deadline;
      if (failed !== null || timedOut) {
        await pool.destroy();
        const reason = failed?.message ?? `timed out after ${options.startTimeoutMs ?? 10_000} ms`;
        throw new ConfigurationError('ERR_WORKER_START', `gateway workers did not start: ${reason}`, options.task.toString());
      }
      if (workers.every((w) => w.state === WorkerState.RUNNING)) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (const w of workers) w.lastProgressNs = nanoTime();
    return pool;
  }

  /** Read lane 0's events from every worker (and the remains of failed ones). Returns records read. */
  poll(handler: RecordHandler, limitPerWorker: number): number {
    return this.mainLane.poll(handler, limitPerWorker);
  }

  /** Lanes per worker. */
  get lanes(): number {
    return this.laneDoorbells.length;
  }

  /** What a strategy thread needs to attach to lane `lane` (1 ..< lanes) with `GatewayLane.attach`. */
  laneLink(lane: number): LaneLink {
    if (!Number.isInteger(lane) || lane < 1 || lane >= this.lanes) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', `lane must be an integer from 1 to ${this.lanes - 1} (lane 0 is this thread's)`, lane);
    }
    return {
      lane,
      commandKind: this.options.commandRing?.kind ?? 'one-to-one',
      doorbell: this.laneDoorbells[lane].buffer,
      workers: this.workers.map((w) => ({
        commands: w.commandLanes[lane].buffer,
        events: w.eventLanes[lane].buffer,
        workerDoorbell: w.doorbell.buffer,
        control: w.control.buffer as SharedArrayBuffer,
      })),
    };
  }

  /**
   * Graceful stop: close every command ring (producers get RING_CLOSED), ask workers to
   * drain and exit, keep reading lane 0's events into `handler` meanwhile, then end the
   * threads. Workers still running after `timeoutMs` are terminated. The event rings of
   * the other lanes are closed at once (their threads should have stopped first: an event
   * still owed to them is dropped and counted by the worker, never waited for forever).
   */
  async stop(options: { timeoutMs?: number; handler?: RecordHandler } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.watchdog);
    for (const w of this.workers) {
      for (const ring of w.commandLanes) ring.close(CloseReason.SHUTDOWN);
      for (let lane = 1; lane < w.eventLanes.length; lane++) w.eventLanes[lane].close(CloseReason.SHUTDOWN);
      Atomics.store(w.control, C_STOP, 1);
      w.doorbell.wake();
    }
    const handler = options.handler ?? DISCARD;
    const deadline = nanoTime() + (options.timeoutMs ?? 5_000) * 1e6;
    const done = Promise.allSettled(this.tasks);
    let settled = false;
    void done.then(() => (settled = true));
    while (!settled && nanoTime() < deadline) {
      if (this.poll(handler, 256) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    this.poll(handler, Number.MAX_SAFE_INTEGER);
    await this.destroy();
    if (!settled) throw new ConfigurationError('ERR_WORKER_STOP', 'gateway workers did not stop in time and were terminated', options.timeoutMs);
  }

  /**
   * Terminate the thread hosting gateway `index` at once (fault injection, or a hung
   * thread): every gateway on that thread fails with it.
   */
  async terminateWorker(index: number): Promise<void> {
    const worker = this.workers[index];
    const thread = this.piscina.threads.find((t) => t.threadId === worker.threadId);
    if (thread !== undefined) await thread.terminate();
  }

  private fail(worker: GatewayWorker, kind: WorkerFailure['kind'], error: Error | null): void {
    if (worker.failure !== null) return;
    worker.failure = { index: worker.index, kind, error, detectedNs: nanoTime() };
    Atomics.store(worker.control, C_STATE, WorkerState.FAILED);
    for (const ring of worker.commandLanes) ring.close(kind === 'hung' ? CloseReason.CONSUMER_HUNG : CloseReason.CONSUMER_DIED);
    for (const ring of worker.eventLanes) ring.close(CloseReason.PRODUCER_DIED);
    for (const bell of this.laneDoorbells) bell.wake();
    this.failures.push(worker.failure);
    this.options.onFailure?.(worker.failure);
  }

  private checkHeartbeats(timeoutNs: number): void {
    const now = nanoTime();
    for (const w of this.workers) {
      if (w.failure !== null) continue;
      // Failed by its thread, whose report has not arrived (or was lost with the thread).
      if (w.state === WorkerState.FAILED) {
        this.fail(w, 'crashed', new Error('gateway loop failed'));
        continue;
      }
      if (w.state !== WorkerState.RUNNING) continue;
      const beat = Atomics.load(w.control, C_HEARTBEAT);
      if (w.lastProgressNs === 0) {
        // First seen running (start() may still be waiting for other workers): its timeout
        // counts from now, not from the clock's origin.
        w.lastHeartbeat = beat;
        w.lastProgressNs = now;
      } else if (beat !== w.lastHeartbeat) {
        w.lastHeartbeat = beat;
        w.lastProgressNs = now;
      } else if (now - w.lastProgressNs > timeoutNs) {
        // The thread is stuck: every gateway on it is, too.
        const error = new Error(`no loop progress for ${Math.round((now - w.lastProgressNs) / 1e6)} ms`);
        for (const i of this.threads[w.thread]) this.fail(this.workers[i], 'hung', error);
        void this.terminateWorker(w.index);
      }
    }
  }

  private async destroy(): Promise<void> {
    clearInterval(this.watchdog);
    this.stopping = true;
    await this.piscina.destroy();
    for (const port of this.ports) port.close();
    for (const bell of this.laneDoorbells) bell.close();
  }
}

const DISCARD: RecordHandler = { onRecord() {} };

/** The task module every gateway thread runs. */
const THREAD_TASK = new URL('./threadTask.js', import.meta.url).href;

/** Check a thread layout: every gateway index in exactly one non-empty group. */
function checkThreads(threads: readonly (readonly number[])[], count: number): number[][] {
  const seen = new Uint8Array(count);
  if (!Array.isArray(threads) || threads.length < 1 || threads.length > count) {
    throw new ConfigurationError('ERR_INVALID_ARGUMENT', `threads must be 1 to ${count} groups of gateway indices`, threads);
  }
  for (const group of threads) {
    if (!Array.isArray(group) || group.length === 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'every thread hosts at least one gateway', threads);
    for (const i of group) {
      if (!Number.isInteger(i) || i < 0 || i >= count || seen[i] !== 0) {
        throw new ConfigurationError('ERR_INVALID_ARGUMENT', `every gateway index from 0 to ${count - 1} must be in exactly one thread`, threads);
      }
      seen[i] = 1;
    }
  }
  if (seen.includes(0)) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `every gateway index from 0 to ${count - 1} must be in exactly one thread`, threads);
  return threads.map((g) => [...g]);
}
