import { OK } from '@ringroute/core';
import type { RecordHandler } from '../ring/RecordHandler.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import { RING_FULL } from '../ring/RingStatus.js';
import type { WorkerStart } from './protocol.js';
import { runWorkerLoop, type WorkerContext, type WorkerLoop } from './runWorkerLoop.js';

/**
 * A worker task that returns every command record to the main thread unchanged, as an
 * event with the same type and payload. It is the transport's own test peer and
 * benchmark echo, and the smallest example of a task module.
 */
class EchoLoop implements WorkerLoop, RecordHandler {
  private readonly context: WorkerContext;
  private readonly scratch = new Int32Array(new SharedArrayBuffer(4));
  /** The lane being read: each command is echoed on its own lane. */
  private lane = 0;

  constructor(context: WorkerContext) {
    this.context = context;
  }

  poll(): number {
    const lanes = this.context.commandLanes;
    let work = 0;
    for (let lane = 0; lane < lanes.length; lane++) {
      this.lane = lane;
      work += lanes[lane].read(this, 64);
    }
    return work;
  }

  onRecord(typeId: number, ring: RingBuffer, offset: number, length: number): void {
    const events = this.context.eventLanes[this.lane];
    let at = events.claim(typeId, length);
    // Back-pressure: the main thread is behind. Wait for space; never drop an event.
    while (at === RING_FULL) {
      Atomics.wait(this.scratch, 0, 0, 0.02);
      at = events.claim(typeId, length);
    }
    if (at < 0) return; // the event ring was closed: the main thread is gone
    // Payloads are 8-byte aligned: copy whole Int32 words, then any tail bytes.
    const words = length >> 2;
    const src = ring.i32;
    const dst = events.i32;
    for (let i = 0; i < words; i++) dst[(at >> 2) + i] = src[(offset >> 2) + i];
    for (let i = words << 2; i < length; i++) events.u8[at + i] = ring.u8[offset + i];
    if (events.commit(at) !== OK) this.context.handlerFailed();
  }
}

export default function echoTask(start: WorkerStart) {
  return runWorkerLoop(start, (context) => new EchoLoop(context));
}
