/**
 * The journal thread: drains every lane's journal ring into the segment files. It never
 * spins: when the rings are empty it sleeps 1 ms (Atomics.wait with a timeout on a word
 * nobody notifies), so producers pay nothing to wake it; records reach the file within
 * about a millisecond plus the write. See Journal for the flush policies.
 */
import { workerData } from 'node:worker_threads';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import type { RecordHandler } from '../ring/RecordHandler.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import { JournalRecordType } from './JournalFormat.js';
import { JournalWriter } from './JournalWriter.js';
import { C_ERROR, C_STATE, C_STOP, C_WRITTEN, C_BLOCKS, STATE_FAILED, STATE_RUNNING, STATE_STOPPED, type JournalThreadData } from './JournalControl.js';

const data = workerData as JournalThreadData;
const control = new Int32Array(data.control);
const rings = data.rings.map((b) => OneToOneRingBuffer.attach(b));
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const errorBytes = new Uint8Array(data.control, C_ERROR * 4);

function fail(error: unknown): void {
  const message = new TextEncoder().encode(String((error as Error)?.message ?? error)).subarray(0, errorBytes.length - 1);
  errorBytes.fill(0);
  errorBytes.set(message);
  Atomics.store(control, C_STATE, STATE_FAILED);
  Atomics.notify(control, C_STATE);
}

let writer: JournalWriter;
try {
  writer = new JournalWriter(data.dir, { segmentBytes: data.segmentBytes });
} catch (error) {
  fail(error);
  process.exit(1);
}

let blocksToPublish = 0;
let lane = 0;
const handler: RecordHandler = {
  onRecord(typeId: number, ring: RingBuffer, offset: number, length: number): void {
    const timeNs = ring.f64[offset >> 3];
    writer.appendWords(typeId, lane, timeNs, ring.i32, (offset + 8) >> 2, length - 8);
    if (typeId === JournalRecordType.ID_BLOCK) blocksToPublish |= 1 << lane;
  },
};

const policy = data.flush;
let lastSync = performance.now();
Atomics.store(control, C_STATE, STATE_RUNNING);
Atomics.notify(control, C_STATE);
try {
  for (;;) {
    const stopping = Atomics.load(control, C_STOP) !== 0;
    let work = 0;
    for (lane = 0; lane < rings.length; lane++) work += rings[lane].read(handler, 4_096);
    if (work > 0) {
      writer.flush();
      Atomics.add(control, C_WRITTEN, work);
      const now = performance.now();
      if (policy === 'batch' || (typeof policy === 'object' && now - lastSync >= policy.everyMs)) {
        writer.sync();
        lastSync = now;
      }
    }
    if (blocksToPublish !== 0) {
      // Client order id blocks are durable before any id in them is used, whatever the policy.
      writer.sync();
      for (let l = 0; l < rings.length; l++) if (blocksToPublish & (1 << l)) Atomics.add(control, C_BLOCKS + l, 1);
      blocksToPublish = 0;
    }
    if (stopping && work === 0) break;
    if (work === 0) {
      if (typeof policy === 'object' && writer.pending === 0 && performance.now() - lastSync >= policy.everyMs) {
        writer.sync();
        lastSync = performance.now();
      }
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
  writer.close();
  Atomics.store(control, C_STATE, STATE_STOPPED);
  Atomics.notify(control, C_STATE);
} catch (error) {
  fail(error);
}
