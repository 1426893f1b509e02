import { ConfigurationError } from '@ringroute/core';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import { Doorbell } from '../wait/Doorbell.js';
import { GatewayLane } from './GatewayLane.js';
import { CONTROL_BYTES, type WorkerStart } from './protocol.js';
import type { WorkerLoop } from './runWorkerLoop.js';

/**
 * Gateway task modules run on the calling thread instead of worker threads: the same
 * task module, the same rings and records, no thread hop. The router's `poll()` drives
 * every gateway's loop (`pump`) before reading events, so an order sent now is handled
 * by its venue in the next poll. For backtests, single-core hosts and measuring the path
 * without the hop (`router.order.inproc`). No supervision: an adapter that throws is
 * caught by the gateway host as on a worker.
 */
export class InlineGateways {
  readonly lane: GatewayLane;
  private readonly loops: WorkerLoop[];

  private constructor(lane: GatewayLane, loops: WorkerLoop[]) {
    this.lane = lane;
    this.loops = loops;
  }

  /** Load each task module and create its loop here (`data(i)` as for WorkerPool). */
  static async start(tasks: (URL | string)[], data: (index: number) => unknown): Promise<InlineGateways> {
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
    return new InlineGateways(new GatewayLane(0, commands, events, doorbell, controls), loops);
  }

  /** Let every gateway work once (read its commands, poll its adapter). Returns work done. */
  pump(): number {
    let work = 0;
    const loops = this.loops;
    for (let i = 0; i < loops.length; i++) work += loops[i].poll();
    return work;
  }

  /** Drain what is left, then close every gateway (its adapter disconnects). */
  async stop(): Promise<void> {
    for (let i = 0; i < 1_000 && this.pump() > 0; i++);
    for (const ring of this.lane.commands) ring.close();
    for (const loop of this.loops) await loop.close?.();
  }
}
