import { Worker } from 'node:worker_threads';
import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import { JournalError } from './JournalError.js';
import { JournalRecordType } from './JournalFormat.js';
import { readJournal, type JournalCut, type JournalRecordView } from './JournalReader.js';
import { C_BLOCKS, C_ERROR, C_STATE, C_STOP, C_WRITTEN, CONTROL_BYTES, MAX_JOURNAL_LANES, STATE_FAILED, STATE_RUNNING, STATE_STARTING, STATE_STOPPED, type JournalFlushPolicy, type JournalThreadData } from './JournalControl.js';
import { JournalLane } from './JournalLane.js';

export interface JournalOptions {
  /** The journal directory (created if missing). */
  dir: string;
  /**
   * When what was written is made durable (fdatasync):
   * - `'none'`: never by the journal (the OS writes back). Survives a crash of the process
   *   for everything the journal thread wrote; a host crash loses what the OS had not
   *   written back (up to its writeback interval, typically 30 s on Linux).
   * - `{ everyMs }` (default `{ everyMs: 100 }`): at most every `everyMs` milliseconds; a
   *   host crash loses at most the last `everyMs` ms.
   * - `'batch'`: after every batch the journal thread writes; a host crash loses at most
   *   the batch in flight.
   * In every policy the journal is written behind the orders (the strategy thread only
   * copies a record into a ring): a crash of the process loses what was in the ring, at
   * most about a millisecond of flow; recovery's reconciliation with the venues covers it
   * (see docs/journal.md). Client order id reservations are always durable before use.
   */
  flush?: JournalFlushPolicy;
  /** Roll to a new segment file past this many bytes (default 64 MiB). */
  segmentBytes?: number;
  /** Each lane's ring to the journal thread, bytes (power of two; default 8 MiB). */
  ringBytes?: number;
  /** Client order ids reserved per durable reservation (default 65,536). */
  idBlock?: number;
}

/** What opening the journal found in its directory. */
export interface JournalOpened {
  records: number;
  segments: number;
  cut: JournalCut | null;
  /** Per lane, the first client order id never reserved by an earlier run (0: none reserved). */
  nextIds: number[];
}

/**
 * A router's durable journal: one ring per strategy lane into one journal thread that
 * appends to segment files (JournalWriter, format in JournalFormat). The strategy thread
 * copies records into its lane's ring (JournalLane: no allocation, no system call);
 * ordering within a lane is the lane's, and every lane's orders have their own client
 * order ids, so one file holds one consistent history for all lanes.
 */
export class Journal {
  readonly opened: JournalOpened;
  readonly lanes: readonly JournalLane[];
  private readonly worker: Worker;
  private readonly control: Int32Array;
  /** Each lane's ring (its producer may be another thread: see JournalLane.link). */
  private readonly rings: OneToOneRingBuffer[];
  private exited = false;
  /** An error the thread died of (an exception outside its own handling), if any. */
  private crash: Error | null = null;

  private constructor(opened: JournalOpened, lanes: JournalLane[], rings: OneToOneRingBuffer[], worker: Worker, control: Int32Array) {
    this.opened = opened;
    this.rings = rings;
    this.lanes = lanes;
    this.worker = worker;
    this.control = control;
    worker.once('exit', () => (this.exited = true));
    worker.on('error', (error) => (this.crash = error));
  }

  /**
   * Read what the directory holds (every record is also passed to `visit`, if given: a
   * recovery's replay reads the journal in the same pass), start the journal thread, and
   * reserve each lane's first block of ids (durably).
   */
  static async open(options: JournalOptions, laneCount: number, laneBase: (lane: number) => number, startTimeoutMs = 10_000, visit?: (record: JournalRecordView) => void): Promise<Journal> {
    if (laneCount < 1 || laneCount > MAX_JOURNAL_LANES) throw new JournalError('ERR_JOURNAL_IO', `a journal serves 1 to ${MAX_JOURNAL_LANES} lanes, not ${laneCount}`);
    const nextIds = new Array<number>(laneCount).fill(0);
    const found = readJournal(options.dir, (r) => {
      visit?.(r);
      if (r.lane >= laneCount) return;
      if (r.type === JournalRecordType.ORDER_NEW && r.payload.byteLength >= 8) {
        // Past every id an order was sent with, too (a journal's blocks always cover them; this holds even if they did not).
        const id = new DataView(r.payload.buffer, r.payload.byteOffset, 8).getFloat64(0, true);
        if (Number.isSafeInteger(id) && id >= nextIds[r.lane]) nextIds[r.lane] = id + 1;
        return;
      }
      if (r.type !== JournalRecordType.ID_BLOCK) return;
      // Checksummed, yet not what this format writes: never trusted for the id sequence.
      if (r.payload.byteLength < 8) throw new JournalError('ERR_JOURNAL_CORRUPT', `an ID_BLOCK record of ${r.payload.byteLength} bytes in segment ${r.segment} at offset ${r.offset}`);
      const end = new DataView(r.payload.buffer, r.payload.byteOffset, 8).getFloat64(0, true);
      if (!Number.isSafeInteger(end) || end < 1) throw new JournalError('ERR_JOURNAL_CORRUPT', `an ID_BLOCK record ending at ${end} in segment ${r.segment} at offset ${r.offset}`);
      nextIds[r.lane] = Math.max(nextIds[r.lane], end);
    });
    const opened: JournalOpened = { records: found.records, segments: found.segments.length, cut: found.cut, nextIds };
    const controlBuffer = new SharedArrayBuffer(CONTROL_BYTES);
    const control = new Int32Array(controlBuffer);
    const ringBytes = options.ringBytes ?? 8 << 20;
    const rings = Array.from({ length: laneCount }, () => OneToOneRingBuffer.create({ capacityBytes: ringBytes, maxPayloadBytes: Math.min(ringBytes / 8 - 8, 64 * 1024 + 8) }));
    const data: JournalThreadData = { dir: options.dir, rings: rings.map((r) => r.buffer), control: controlBuffer, flush: options.flush ?? { everyMs: 100 }, segmentBytes: options.segmentBytes };
    const worker = new Worker(new URL('./journalThread.js', import.meta.url), { workerData: data, execArgv: [] });
    const block = options.idBlock ?? 65_536;
    const lanes = rings.map((ring, lane) => new JournalLane(ring, control, lane, nextIds[lane] > 0 ? nextIds[lane] : laneBase(lane), block));
    const journal = new Journal(opened, lanes, rings, worker, control);
    try {
      await journal.waitFor(() => Atomics.load(control, C_STATE) !== STATE_STARTING, startTimeoutMs, 'start');
      journal.throwIfFailed();
      for (const lane of lanes) lane.reserveAhead();
      await journal.waitFor(() => lanes.every((l, i) => Atomics.load(control, C_BLOCKS + i) >= 1) || Atomics.load(control, C_STATE) === STATE_FAILED, startTimeoutMs, 'reserve the first client order ids');
      journal.throwIfFailed();
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return journal;
  }

  /** The journal thread is writing (not failed, not stopped). */
  get running(): boolean {
    return Atomics.load(this.control, C_STATE) === STATE_RUNNING && !this.exited;
  }

  /** Ring records the journal thread has written to the files. */
  get written(): number {
    return Atomics.load(this.control, C_WRITTEN);
  }

  /** Why the journal thread stopped, or null. */
  get failure(): string | null {
    if (this.crash !== null && Atomics.load(this.control, C_STATE) !== STATE_FAILED) return this.crash.message;
    if (Atomics.load(this.control, C_STATE) !== STATE_FAILED) return null;
    const bytes = new Uint8Array(this.control.buffer, C_ERROR * 4);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
  }

  /**
   * Wait (bounded) until everything committed to the rings so far, by every lane's thread,
   * and everything this thread's lane holds, is in the files. Judged by ring positions, which every thread sees: the journal thread
   * releases a batch's space only on its next pass, after the batch's write.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    // Records this thread's lanes hold (see HOLD_LIMIT) first. Lanes written on other
    // threads hold none here: their JournalLane objects live on those threads.
    for (const lane of this.lanes) lane.flush();
    const targets = this.rings.map((ring) => ring.producedPosition());
    await this.waitFor(() => this.rings.every((ring, i) => ((ring.consumedPosition() - targets[i]) | 0) >= 0) || !this.running, timeoutMs, 'drain');
    this.throwIfFailed();
  }

  /** Drain, sync and close the files, and end the thread (bounded; a thread that does not end is terminated). */
  async close(timeoutMs = 10_000): Promise<void> {
    Atomics.store(this.control, C_STOP, 1);
    try {
      await this.waitFor(() => this.exited || Atomics.load(this.control, C_STATE) === STATE_STOPPED || Atomics.load(this.control, C_STATE) === STATE_FAILED, timeoutMs, 'close');
    } finally {
      if (!this.exited) await this.worker.terminate();
    }
  }

  private throwIfFailed(): void {
    const failure = this.failure;
    if (failure === null) return;
    // The thread's own error keeps its code (ERR_JOURNAL_IO for a directory that cannot be written).
    const code = /^(ERR_JOURNAL_[A-Z_]+):/.exec(failure)?.[1] as JournalError['code'] | undefined;
    throw new JournalError(code ?? 'ERR_JOURNAL_FAILED', failure.replace(/^ERR_JOURNAL_[A-Z_]+: /, ''));
  }

  private async waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.exited && !done()) {
        this.throwIfFailed();
        throw new JournalError('ERR_JOURNAL_FAILED', `the journal thread exited during ${what}`);
      }
      if (Date.now() > deadline) throw new JournalError('ERR_JOURNAL_FAILED', `the journal thread did not ${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
