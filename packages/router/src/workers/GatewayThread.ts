import { nanoTime } from '@ringroute/core';
import { CloseReason } from '../ring/RingStatus.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import type { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import type { Doorbell } from '../wait/Doorbell.js';
import { AsyncBackoffIdleStrategy, createIdleStrategy, type IdleStrategyName, type WakeSource } from '../wait/IdleStrategy.js';
import { C_HANDLER_ERRORS, C_HEARTBEAT, C_STATE, C_STOP, WorkerState, type WorkerSummary } from './protocol.js';
import type { WorkerLoop } from './runWorkerLoop.js';

/** One gateway a thread hosts: its loop (created by its task module) and its rings. */
export interface HostedGateway {
  readonly index: number;
  readonly loop: WorkerLoop;
  /** The gateway's control block (state, stop flag, heartbeat, declaration). */
  readonly control: Int32Array;
  readonly commandLanes: readonly RingBuffer[];
  readonly eventLanes: readonly OneToOneRingBuffer[];
  readonly laneDoorbells: readonly Doorbell[];
}

/** Told when one hosted gateway fails while the thread goes on (worker side; cold path). */
export type GatewayFailureReport = (index: number, error: Error) => void;

/**
 * The loop of one gateway thread: it polls every gateway it hosts in turn (Agrona's
 * composite agent, Aeron's shared threading mode), so the number of threads is a
 * deployment choice, not the number of venues. Each gateway keeps its own command and
 * event rings per lane and its own control block, so a command's ring names its venue,
 * ordering and back-pressure stay per venue, and the router sees the same rings whatever
 * the layout.
 *
 * Isolation: a gateway whose loop throws (its adapter's `poll`, a bug in its timers) is
 * failed alone: its rings are closed, its control block says FAILED, `report` tells the
 * supervisor, its adapter is asked to disconnect, and the other gateways on the thread go
 * on. (An adapter that throws on one order is already caught by the gateway host: the
 * order is rejected.) A thread that dies or hangs takes all its gateways with it: the
 * supervisor fails each of them.
 *
 * The thread waits with one idle strategy on one doorbell, which every hosted gateway's
 * command rings ring; it never parks past the earliest timer any gateway asks for. A
 * thread hosting a socket gateway must use 'async' so its event loop keeps turning; the
 * in-memory gateways beside it still get a turn on every pass.
 */
export class GatewayThread implements WakeSource {
  private readonly gateways: readonly HostedGateway[];
  private readonly failed: Uint8Array;
  private readonly report: GatewayFailureReport;
  private live: number;

  constructor(gateways: HostedGateway[], report: GatewayFailureReport) {
    this.gateways = gateways;
    this.failed = new Uint8Array(gateways.length);
    this.report = report;
    this.live = gateways.length;
  }

  /** Gateways still running (not failed). */
  get running(): number {
    return this.live;
  }

  /** One pass over every live gateway; returns the work done. Beats each one's heartbeat. */
  poll(): number {
    const gateways = this.gateways;
    const failed = this.failed;
    let work = 0;
    for (let i = 0; i < gateways.length; i++) {
      if (failed[i] !== 0) continue;
      const g = gateways[i];
      try {
        work += g.loop.poll();
      } catch (error) {
        this.fail(i, error);
        continue;
      }
      // A plain store: the supervisor reads it with Atomics.load and only needs to see it
      // change eventually (a missed beat costs nothing but a later check).
      g.control[C_HEARTBEAT] = (g.control[C_HEARTBEAT] + 1) | 0;
    }
    return work;
  }

  /** True once every live gateway was asked to stop (the supervisor sets them together). */
  stopRequested(): boolean {
    const gateways = this.gateways;
    // Plain reads: every poll performs an atomic load of a ring position first, which V8
    // does not move loads across, so a stop flag set by the supervisor is seen within a pass.
    for (let i = 0; i < gateways.length; i++) {
      if (this.failed[i] === 0 && gateways[i].control[C_STOP] === 0) return false;
    }
    return true;
  }

  /** WakeSource: the earliest timer of any live gateway. */
  nextWakeNs(nowNs: number): number {
    let at = Infinity;
    const gateways = this.gateways;
    for (let i = 0; i < gateways.length; i++) {
      if (this.failed[i] !== 0) continue;
      const next = gateways[i].loop.nextWakeNs?.(nowNs) ?? Infinity;
      if (next < at) at = next;
    }
    return at;
  }

  /** The thread slept: every gateway is told time passed that it did not see. */
  resumed(): void {
    const gateways = this.gateways;
    for (let i = 0; i < gateways.length; i++) if (this.failed[i] === 0) gateways[i].loop.resumed?.();
  }

  /**
   * Stop: every live gateway drains its command rings (bounded by `drainTimeoutMs`), then
   * closes. Returns one summary per hosted gateway.
   */
  async drainAndClose(drainTimeoutMs: number, loops: number): Promise<WorkerSummary[]> {
    const gateways = this.gateways;
    for (let i = 0; i < gateways.length; i++) if (this.failed[i] === 0) Atomics.store(gateways[i].control, C_STATE, WorkerState.DRAINING);
    const deadline = nanoTime() + drainTimeoutMs * 1e6;
    let drained = false;
    while (nanoTime() < deadline) {
      const work = this.poll();
      if (work === 0 && this.commandsEmpty()) {
        drained = true;
        break;
      }
      if (work === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < gateways.length; i++) {
      if (this.failed[i] !== 0) continue;
      try {
        await gateways[i].loop.close?.();
        Atomics.store(gateways[i].control, C_STATE, WorkerState.STOPPED);
      } catch (error) {
        this.fail(i, error);
      }
    }
    for (const g of gateways) for (const bell of g.laneDoorbells) bell.wake();
    return gateways.map((g, i) => ({
      index: g.index,
      loops,
      handlerErrors: Atomics.load(g.control, C_HANDLER_ERRORS),
      drained: drained && this.failed[i] === 0,
    }));
  }

  private commandsEmpty(): boolean {
    for (let i = 0; i < this.gateways.length; i++) {
      if (this.failed[i] !== 0) continue;
      for (const ring of this.gateways[i].commandLanes) if (ring.size() !== 0) return false;
    }
    return true;
  }

  /** Fail one gateway and leave the others running (cold path). */
  private fail(i: number, error: unknown): void {
    if (this.failed[i] !== 0) return;
    this.failed[i] = 1;
    this.live--;
    const g = this.gateways[i];
    Atomics.store(g.control, C_STATE, WorkerState.FAILED);
    // Producers get RING_CLOSED; what the gateway already published stays readable.
    for (const ring of g.commandLanes) ring.close(CloseReason.CONSUMER_DIED);
    for (const ring of g.eventLanes) ring.close(CloseReason.PRODUCER_DIED);
    for (const bell of g.laneDoorbells) bell.wake();
    const reason = error instanceof Error ? error : new Error(String(error));
    // Its sockets and timers would outlive it on a shared thread: ask it to let go, and
    // ignore what a broken adapter throws while doing so.
    void Promise.resolve()
      .then(() => g.loop.close?.())
      .catch(() => undefined);
    this.report(g.index, reason);
  }
}

/**
 * Run a gateway thread until its supervisor asks every gateway to stop (or every one has
 * failed), waiting with `idle` on `doorbell`; then drain and close. Worker-side code.
 */
export async function runGatewayThread(
  gateways: HostedGateway[],
  idle: IdleStrategyName | 'async',
  doorbell: Doorbell,
  drainTimeoutMs: number,
  report: GatewayFailureReport,
  spinNs?: number,
): Promise<WorkerSummary[]> {
  const thread = new GatewayThread(gateways, report);
  let loops = 0;
  if (idle === 'async') {
    const strategy = new AsyncBackoffIdleStrategy(doorbell, { spinNs });
    while (thread.running > 0 && !thread.stopRequested()) {
      const work = thread.poll();
      loops++;
      const wait = strategy.idle(work, thread);
      if (wait !== undefined) {
        await wait;
        thread.resumed();
      }
    }
    strategy.reset();
  } else {
    const strategy = createIdleStrategy(idle, doorbell, { spinNs });
    while (thread.running > 0 && !thread.stopRequested()) {
      const work = thread.poll();
      loops++;
      const parks = strategy.parks;
      strategy.idle(work, thread);
      if (strategy.parks !== parks) thread.resumed();
    }
    strategy.reset();
  }
  return thread.drainAndClose(drainTimeoutMs, loops);
}
