import { runWorkerLoop, type RecordHandler, type RingBuffer, type WorkerContext, type WorkerLoop, type WorkerStart } from '@ringroute/router/worker';

/**
 * Gate fixture's worker: for each command (int32 sequence, int32 work units) it does
 * `units` rounds of a fixed integer mix, then answers with the sequence and the result.
 * The work stands in for a gateway's per-order hot path (encoding, matching) whose cost
 * the gate experiments scale on purpose.
 */
class WorkLoop implements WorkerLoop, RecordHandler {
  private readonly context: WorkerContext;

  constructor(context: WorkerContext) {
    this.context = context;
  }

  poll(): number {
    return this.context.commands.read(this, 16);
  }

  onRecord(typeId: number, ring: RingBuffer, offset: number): void {
    const sequence = ring.i32[offset >> 2];
    const units = ring.i32[(offset >> 2) + 1];
    let x = sequence | 0;
    for (let i = 0; i < units; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) | 0;
    while (this.context.events.offerPair(typeId, sequence, x) !== 0) if (this.context.events.isClosed) return;
  }
}

export default function workTask(start: WorkerStart) {
  return runWorkerLoop(start, (context) => new WorkLoop(context));
}
