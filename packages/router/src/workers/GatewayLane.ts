import { ManyToOneRingBuffer } from '../ring/ManyToOneRingBuffer.js';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import type { RecordHandler } from '../ring/RecordHandler.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import { Doorbell } from '../wait/Doorbell.js';
import { C_STATE, WorkerState, type CommandRingKind } from './protocol.js';
import { readVenueDeclaration, type VenueDeclaration } from './VenueDeclaration.js';

/**
 * Everything a strategy thread needs to use one lane of a running worker pool: for each
 * gateway worker, the lane's command and event rings, the worker's doorbell and its
 * control block; and the doorbell the lane's thread parks on. Only SharedArrayBuffers
 * and numbers: pass it in `workerData` or a message (once, at start-up).
 */
export interface LaneLink {
  lane: number;
  commandKind: CommandRingKind;
  /** The lane's thread parks here; every worker rings it after publishing on this lane. */
  doorbell: SharedArrayBuffer;
  workers: { commands: SharedArrayBuffer; events: SharedArrayBuffer; workerDoorbell: SharedArrayBuffer; control: SharedArrayBuffer }[];
}

/**
 * One thread's view of its lane across all gateway workers: a command ring into each
 * worker (this thread is its only producer with one-to-one rings) and an event ring out
 * of each (this thread is its only consumer). Lane 0 belongs to the thread that started
 * the pool; every other lane is attached on a strategy thread from a `LaneLink`.
 */
export class GatewayLane {
  readonly lane: number;
  /** Command ring into worker i (index = venue id). */
  readonly commands: readonly RingBuffer[];
  /** Event ring out of worker i. */
  readonly events: readonly OneToOneRingBuffer[];
  /** This lane's doorbell: park on it to wait for events. */
  readonly doorbell: Doorbell;
  private readonly controls: readonly Int32Array[];

  constructor(lane: number, commands: RingBuffer[], events: OneToOneRingBuffer[], doorbell: Doorbell, controls: Int32Array[]) {
    this.lane = lane;
    this.commands = commands;
    this.events = events;
    this.doorbell = doorbell;
    this.controls = controls;
  }

  /** Attach to a lane on this thread. */
  static attach(link: LaneLink): GatewayLane {
    const commands = link.workers.map((w) => {
      const bell = Doorbell.attach(w.workerDoorbell);
      return link.commandKind === 'many-to-one' ? ManyToOneRingBuffer.attach(w.commands, bell) : OneToOneRingBuffer.attach(w.commands, bell);
    });
    const events = link.workers.map((w) => OneToOneRingBuffer.attach(w.events));
    return new GatewayLane(link.lane, commands, events, Doorbell.attach(link.doorbell), link.workers.map((w) => new Int32Array(w.control)));
  }

  get workerCount(): number {
    return this.commands.length;
  }

  /** Read this lane's events from every worker. Returns records read. */
  poll(handler: RecordHandler, limitPerWorker: number): number {
    let total = 0;
    const events = this.events;
    for (let i = 0; i < events.length; i++) total += events[i].read(handler, limitPerWorker);
    return total;
  }

  /** What gateway `index` declared about its venue (capabilities, rate limits), or null if nothing. */
  declaration(index: number): VenueDeclaration | null {
    return readVenueDeclaration(this.controls[index].buffer as SharedArrayBuffer);
  }

  /** Has worker `index` been declared failed by its supervisor (crashed, exited or hung)? */
  workerFailed(index: number): boolean {
    return Atomics.load(this.controls[index], C_STATE) === WorkerState.FAILED;
  }
}
