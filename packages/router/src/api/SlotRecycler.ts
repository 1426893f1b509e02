import type { SlabPool } from '@ringroute/core';
import type { RingBuffer } from '../ring/RingBuffer.js';

/**
 * Frees an ended order's pool slot only once its gateway has consumed every command that
 * named it. A gateway worker checks a command's handle and then reads the order while its
 * adapter runs; an adapter may report the order's end from inside `submit` (a full fill
 * while matching) or `cancel`, so the strategy thread can see the order end while the
 * worker is still reading it. Freed and reused at that moment, the slot would hand the
 * adapter the new occupant's fields: a cancel for the wrong client order id.
 *
 * So every command records the command ring's producer position after it, and an ended
 * order's slot goes back to the pool only when the ring's consumer position has passed
 * that mark (the worker publishes it with an atomic store after the command's handler
 * returned, which orders the worker's reads before this thread's reuse). Until then the
 * slot waits here, FIFO; `drain` frees those whose mark was passed (the router drains
 * every 32 ended orders, and on any poll that delivered nothing), and a slot whose ring
 * was closed (its worker failed or stopped) goes back with the next drain.
 * Allocation-free.
 */
export class SlotRecycler {
  private readonly pool: SlabPool;
  private readonly commands: readonly RingBuffer[];
  /** Per slot: the command ring's producer position after the last command naming it. */
  private readonly marks: Int32Array;
  private readonly queueHandle: Int32Array;
  private readonly queueVenue: Int32Array;
  private readonly queueMark: Int32Array;
  private head = 0;
  private count = 0;
  private readonly mask: number; // the pool's capacity is a power of two
  /** Per venue: its consumer position as read in this drain (NaN: not read yet; Infinity: ring closed). */
  private readonly seen: Float64Array;

  constructor(pool: SlabPool, commands: readonly RingBuffer[]) {
    this.pool = pool;
    this.commands = commands;
    this.marks = new Int32Array(pool.capacity);
    this.queueHandle = new Int32Array(pool.capacity);
    this.queueVenue = new Int32Array(pool.capacity);
    this.queueMark = new Int32Array(pool.capacity);
    this.seen = new Float64Array(commands.length);
    this.mask = pool.capacity - 1;
  }

  /** A command naming `handle` was just committed to venue `venue`'s command ring. */
  sent(handle: number, venue: number): void {
    this.marks[this.pool.indexOf(handle)] = this.commands[venue].producedPosition();
  }

  /**
   * The order in `handle` ended: its slot is freed by a later `drain`, once venue
   * `venue`'s worker has consumed its commands. Never reads the consumer's position here:
   * that word lives on the worker's cache line, and reading it per order would cost a
   * cross-core transfer on every order's end (about +10% on the order round trip,
   * measured); `drain` reads it once per venue per batch.
   */
  free(handle: number, venue: number): void {
    const mark = this.marks[this.pool.indexOf(handle)];
    const at = (this.head + this.count) & this.mask;
    this.queueHandle[at] = handle;
    this.queueVenue[at] = venue;
    this.queueMark[at] = mark;
    this.count++;
  }

  /** Slots waiting for their worker. */
  get pending(): number {
    return this.count;
  }

  /** Free the waiting slots whose commands were consumed (in order). Returns how many. */
  drain(): number {
    let freed = 0;
    this.seen.fill(NaN); // each venue's position is read at most once per drain
    while (this.count > 0) {
      const at = this.head;
      if (!this.passed(this.queueVenue[at], this.queueMark[at])) break;
      this.pool.free(this.queueHandle[at]);
      this.head = (at + 1) & this.mask;
      this.count--;
      freed++;
    }
    return freed;
  }

  /** Free everything waiting (the gateways have stopped: nothing reads any order now). */
  freeAll(): void {
    while (this.count > 0) {
      this.pool.free(this.queueHandle[this.head]);
      this.head = (this.head + 1) & this.mask;
      this.count--;
    }
  }

  private passed(venue: number, mark: number): boolean {
    let position = this.seen[venue];
    if (position !== position) {
      const ring = this.commands[venue];
      position = ring.isClosed ? Infinity : ring.consumedPosition();
      this.seen[venue] = position;
    }
    return position === Infinity || ((position - mark) | 0) >= 0;
  }
}
