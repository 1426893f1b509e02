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

  constructor(context: WorkerContext) {
    this.context = context;
  }

  poll(): number {
    return this.context.commands.read(this, 64);
  }

  onRecord(typeId: number, ring: RingBuffer, offset: number, length: number): void {
    const events = this.context.events;
    let at = events.claim(typeId, length);
    // Back-pressure: the main thread is behind. Wait for space; never drop an event.
    while (at === RING_FULL) {
      Atomics.wait(this.scratch, 0, 0, 0.02);
      at = events.claim(typeId, length);
    }
    if (at < 0) return; // the event ring was closed: the main thread is gone
    const src = ring.u8;
    const dst = events.u8;
    for (let i = 0; i < length; i++) dst[at + i] = src[offset + i];
    if (events.commit(at) !== OK) this.context.handlerFailed();
  }
}

export default function echoTask(start: WorkerStart) {
  return runWorkerLoop(start, (context) => new EchoLoop(context));
}
