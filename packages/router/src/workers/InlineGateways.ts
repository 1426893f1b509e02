import { ConfigurationError, nanoTime } from '@ringroute/core';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import { Doorbell } from '../wait/Doorbell.js';
import { GatewayLane } from './GatewayLane.js';
import { C_STATE, CONTROL_BYTES, WorkerState, type WorkerStart } from './protocol.js';
import type { WorkerFailure } from './WorkerPool.js';
import { CloseReason } from '../ring/RingStatus.js';
import type { WorkerLoop } from './runWorkerLoop.js';

/**
 * Gateway task modules run on the calling thread instead of worker threads: the same
 * task module, the same rings and records, no thread hop. The router's `poll()` drives
 * every gateway's loop (`pump`) before reading events, so an order sent now is handled
 * by its venue in the next poll. For backtests, single-core hosts and measuring the path
 * without the hop (`router.order.inproc`).
 *
 * Faults behave as with worker threads: an adapter that throws on an order is caught by
 * the gateway host (the order is rejected); a loop that throws (an adapter's `poll`) is a
 * failed gateway: its rings are closed, its control block says FAILED, `onFailure` runs
 * (the router marks its orders UNKNOWN and opens its breaker), and the others go on.
 * Nothing escapes `router.poll()` or `router.stop()`. A gateway never waits for room in
 * its event ring (it spills, see RingEventSink), so a pump cannot deadlock on the thread
 * that drains it.
 */
export class InlineGateways {
  readonly lane: GatewayLane;
  /** Failures so far (as `WorkerPool.failures`). */
  readonly failures: WorkerFailure[] = [];
  private readonly loops: WorkerLoop[];
  private readonly controls: Int32Array[];
  private readonly failed: Uint8Array;
  private readonly onFailure: ((failure: WorkerFailure) => void) | undefined;

  private constructor(lane: GatewayLane, loops: WorkerLoop[], controls: Int32Array[], onFailure: ((failure: WorkerFailure) => void) | undefined) {
    this.lane = lane;
    this.loops = loops;
    this.controls = controls;
    this.failed = new Uint8Array(loops.length);
    this.onFailure = onFailure;
  }

  /** Load each task module and create its loop here (`data(i)` as for WorkerPool). */
  static async start(tasks: (URL | string)[], data: (index: number) => unknown, onFailure?: (failure: WorkerFailure) => void): Promise<InlineGateways> {
    const doorbell = Doorbell.create();
    const commands: OneToOneRingBuffer[] = [];
    const events: OneToOneRingBuffer[] = [];
    const controls: Int32Array[] = [];
    const loops: WorkerLoop[] = [];
    for (let index = 0; index < tasks.length; index++) {
      const command = OneToOneRingBuffer.create({ capacityBytes: 1 << 16 });
      const event = OneToOneRingBuffer.create({ capacityBytes: 1 << 16 });
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
      const start: WorkerStart = {
        index,
        control: control.buffer as SharedArrayBuffer,
        commands: [command.buffer],
        commandKind: 'one-to-one',
        events: [event.buffer],
        workerDoorbell: Doorbell.create().buffer,
        laneDoorbells: [doorbell.buffer],
        idle: 'backoff',
        drainTimeoutMs: 0,
        data: data(index),
        inline: {},
      };
      const task = tasks[index];
      const module = (await import(task instanceof URL ? task.href : task)) as { default?: (start: WorkerStart) => Promise<unknown> };
      if (typeof module.default !== 'function') throw new ConfigurationError('ERR_WORKER_START', 'a gateway task module must export a default function', String(task));
      await module.default(start);
      const loop = start.inline?.loop as WorkerLoop | undefined;
      if (loop === undefined) throw new ConfigurationError('ERR_WORKER_START', 'the task did not create its loop through runWorkerLoop', String(task));
      commands.push(command);
      events.push(event);
      controls.push(control);
      loops.push(loop);
    }
    return new InlineGateways(new GatewayLane(0, commands, events, doorbell, controls), loops, controls, onFailure);
  }

  /** Let every gateway work once (read its commands, poll its adapter). Returns work done. */
  pump(): number {
    let work = 0;
    const loops = this.loops;
    for (let i = 0; i < loops.length; i++) {
      if (this.failed[i] !== 0) continue;
      try {
        work += loops[i].poll();
      } catch (error) {
        this.fail(i, error);
      }
    }
    return work;
  }

  /** Drain what is left (bounded), then close every gateway (its adapter disconnects; a throw there is a failure, not an escape). */
  async stop(): Promise<void> {
    for (let i = 0; i < 1_000 && this.pump() > 0; i++);
    for (const ring of this.lane.commands) ring.close();
    for (let i = 0; i < this.loops.length; i++) {
      try {
        await this.loops[i].close?.();
      } catch (error) {
        this.fail(i, error);
      }
    }
  }

  private fail(index: number, error: unknown): void {
    if (this.failed[index] !== 0) return;
    this.failed[index] = 1;
    const failure: WorkerFailure = { index, kind: 'crashed', error: error instanceof Error ? error : new Error(String(error)), detectedNs: nanoTime() };
    Atomics.store(this.controls[index], C_STATE, WorkerState.FAILED);
    this.lane.commands[index].close(CloseReason.CONSUMER_DIED);
    this.lane.events[index].close(CloseReason.PRODUCER_DIED); // what it published stays readable
    this.failures.push(failure);
    this.onFailure?.(failure);
  }
}
