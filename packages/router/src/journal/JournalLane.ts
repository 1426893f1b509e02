import { OneToOneRingBuffer } from '../ring/OneToOneRingBuffer.js';
import { C_BLOCKS, C_STATE, STATE_RUNNING } from './JournalControl.js';
import { RING_FULL } from '../ring/RingStatus.js';
import { JOURNAL_FULL } from '../api/RouterStatus.js';
import { JournalRecordType } from './JournalFormat.js';
import { copyWords } from './copyWords.js';

/**
 * Records held unpublished on a lane before it publishes them without waiting for an idle
 * poll. Publishing is a release store of the batch's first header and one of the tail
 * (two full fences on x86, where V8's Atomics.store is an xchg): an order, its ack and
 * its cancel published one by one paid six of them on the order's round trip. Held, they
 * are published together by the poll that next finds nothing to deliver (`Router.poll`),
 * by the hand-over timer, at this limit, or by any other record's commit.
 */
export const HOLD_LIMIT = 64;
/** The hand-over timer's period (ms): the bound on holding for a thread that awaits. */
export const HAND_OVER_MS = 2;

/** What a strategy thread needs to journal on its lane (`JournalLane.link`, `JournalLane.attach`): shared buffers and numbers only. */
export interface JournalLaneLink {
  ring: SharedArrayBuffer;
  control: SharedArrayBuffer;
  lane: number;
  firstId: number;
  block: number;
  requested: number;
}

/**
 * One strategy thread's side of the journal: copies records into its ring to the journal
 * thread (claim, write, commit: no allocation, no system call, never a wait), and hands
 * out client order ids only from blocks the journal has made durable.
 *
 * Ids: the lane reserves a block ahead (an ID_BLOCK record, which the journal thread
 * fsyncs whatever the flush policy, then counts in the control word C_BLOCKS + lane with
 * an Atomics add). `takeId` reads that count (Atomics.load: the journal thread's fsync
 * happens before its add, and the add is seen by this load in that order on any CPU) and
 * never returns an id past the durable blocks: after any crash, a restarted router starts
 * past every id that could have been used. When the next block is not durable yet it
 * returns -1 and the caller refuses the order (JOURNAL_BEHIND), it does not wait.
 */
export class JournalLane {
  readonly lane: number;
  /** Records committed to the ring (the journal thread's C_WRITTEN catches up). */
  committed = 0;
  /** Records claimed and filled by `stage`, not yet published. */
  private staged = 0;
  private readonly ring: OneToOneRingBuffer;
  private readonly control: Int32Array;
  private readonly first: number;
  private readonly block: number;
  private next: number;
  private limit: number;
  private requested = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(ring: OneToOneRingBuffer, control: Int32Array, lane: number, firstId: number, block: number) {
    this.ring = ring;
    this.control = control;
    this.lane = lane;
    this.first = firstId;
    this.next = firstId;
    this.limit = firstId;
    this.block = block;
  }

  /**
   * Hand this lane to the strategy thread that will write it (before anything was taken
   * from it here: the lane has one producer, and its ids start where the journal found them).
   */
  link(): JournalLaneLink {
    return { ring: this.ring.buffer, control: this.control.buffer as SharedArrayBuffer, lane: this.lane, firstId: this.first, block: this.block, requested: this.requested };
  }

  /** The lane on the strategy thread that writes it. */
  static attach(link: JournalLaneLink): JournalLane {
    const lane = new JournalLane(OneToOneRingBuffer.attach(link.ring), new Int32Array(link.control), link.lane, link.firstId, link.block);
    lane.requested = link.requested;
    return lane;
  }

  /** The next client order id, or -1 when the journal has not made the next block durable yet. */
  takeId(): number {
    if (this.next >= this.limit) {
      this.limit = this.first + Atomics.load(this.control, C_BLOCKS + this.lane) * this.block;
      if (this.next >= this.limit) {
        this.reserveAhead();
        return -1;
      }
    }
    if (this.next >= this.limit - (this.block >> 1)) this.reserveAhead();
    return this.next++;
  }

  /** Ask for the next block if none is pending (an ID_BLOCK record whose payload is the block's end). */
  reserveAhead(): void {
    if (this.requested > Atomics.load(this.control, C_BLOCKS + this.lane)) return; // one in flight
    const at = this.ring.claim(JournalRecordType.ID_BLOCK, 16);
    if (at < 0) return; // full: asked again at the next id
    this.ring.f64[at >> 3] = performance.now() * 1e6;
    this.ring.f64[(at >> 3) + 1] = this.first + (this.requested + 1) * this.block;
    this.commit(at);
    this.requested++;
  }

  /**
   * Claim a record of `payloadBytes` (plus its time) for the caller to fill through the
   * ring's views from `payloadAt(at)`; then `commit(at)` or `abort(at)`. A negative
   * result refuses the request: JOURNAL_FULL (the thread is behind the disk), or the ring's status.
   */
  claim(type: number, payloadBytes: number, timeNs: number): number {
    const at = this.ring.claim(type, payloadBytes + 8);
    if (at < 0) return at === RING_FULL ? JOURNAL_FULL : at;
    this.ring.f64[at >> 3] = timeNs;
    return at;
  }

  /** Where a claimed record's payload starts (byte offset in the ring's buffer). */
  payloadAt(at: number): number {
    return at + 8;
  }

  get u8(): Uint8Array {
    return this.ring.u8;
  }

  get f64(): Float64Array {
    return this.ring.f64;
  }

  /** Publish the record claimed at `at`, and every record staged before it (the ring publishes a batch at once). */
  commit(at: number): void {
    this.ring.commit(at);
    this.committed += 1 + this.staged;
    this.staged = 0;
  }

  /** Turn the record claimed at `at` into padding; records staged before it are published. */
  abort(at: number): void {
    this.ring.abort(at);
    this.committed += this.staged;
    this.staged = 0;
  }

  /**
   * Like `words`, but the record is not published yet: the next commit (of any record), or
   * `flush`, publishes it with the others staged before it. The router stages the execution
   * events of one poll and flushes at its end: one release store a poll instead of one per
   * event. False when the ring is full.
   */
  stage(type: number, timeNs: number, source: Int32Array, from: number, words: number): boolean {
    const at = this.claim(type, words * 4, timeNs);
    if (at < 0) return false;
    this.copyInto(at, source, from, words);
    if (++this.staged >= HOLD_LIMIT) this.flush();
    return true;
  }

  /**
   * Leave the record claimed and filled at `at` unpublished, like `stage` (an order, cancel
   * or replace on the order path): see `HOLD_LIMIT` for when held records are published.
   * Never call it with a record that is not completely written: any later commit, `flush`
   * or the hand-over timer publishes it.
   */
  hold(_at: number): void {
    if (++this.staged >= HOLD_LIMIT) this.flush();
  }

  /** Records staged or held and not yet published. */
  get pending(): number {
    return this.staged;
  }

  /**
   * Publish held records every `intervalMs` while this thread's event loop turns (an
   * unref'd interval: it never keeps a process alive, and costs a number check when
   * nothing is held). The bound for a strategy that sends, stops polling and awaits.
   */
  startHandOver(intervalMs = HAND_OVER_MS): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stop the hand-over timer (the router's stop), after which the owner flushes. */
  stopHandOver(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Publish what `stage` left unpublished. */
  flush(): void {
    if (this.staged === 0) return;
    this.ring.commit(0);
    this.committed += this.staged;
    this.staged = 0;
  }

  /** A record of up to three numbers (cancel, replace, reference price, kill switch). False when the ring is full. */
  numbers(type: number, timeNs: number, a: number, b: number, c: number, count: number): boolean {
    const at = this.claim(type, count * 8, timeNs);
    if (at < 0) return false;
    const w = (at >> 3) + 1;
    const f = this.ring.f64;
    f[w] = a;
    if (count > 1) f[w + 1] = b;
    if (count > 2) f[w + 2] = c;
    this.commit(at);
    return true;
  }

  /** A record of arbitrary bytes (a cold path: the instrument table at start). False when the ring is full. */
  bytes(type: number, timeNs: number, data: Uint8Array): boolean {
    const at = this.claim(type, data.length, timeNs);
    if (at < 0) return false;
    this.ring.u8.set(data, at + 8);
    this.commit(at);
    return true;
  }

  /**
   * A record copying `words` int32 words of `source` from word `from` (an order or event
   * record; copied as integers, never through doubles, whose NaN bit patterns a copy may
   * not keep). False when the ring is full.
   */
  words(type: number, timeNs: number, source: Int32Array, from: number, words: number): boolean {
    const at = this.claim(type, words * 4, timeNs);
    if (at < 0) return false;
    this.copyInto(at, source, from, words);
    this.commit(at);
    return true;
  }

  /** Copy into a claimed record's payload (as int32 words: see copyWords). */
  copyInto(at: number, source: Int32Array, from: number, words: number): void {
    copyWords(this.ring.i32, (at + 8) >> 2, source, from, words);
  }

  /** The journal thread stopped on an error: no order may be sent unjournaled. */
  get failed(): boolean {
    return Atomics.load(this.control, C_STATE) > STATE_RUNNING;
  }
}

