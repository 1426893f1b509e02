import {
  ExecType,
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_CUM_QTY_LOTS_OFFSET,
  EXEC_EVENT_TIME_NS_OFFSET,
  EXEC_FLAGS_OFFSET,
  EXEC_LAST_PRICE_TICKS_OFFSET,
  EXEC_LAST_QTY_LOTS_OFFSET,
  EXEC_LEAVES_LOTS_OFFSET,
  EXEC_ORDER_HANDLE_OFFSET,
  EXEC_RECORD_BYTES,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
  nanoTime,
  RejectReason,
} from '@ringroute/core';
import { EXECUTION_EVENT_RECORD, RING_FULL, VENUE_CHECKPOINT_RECORD, VENUE_FOREIGN_RECORD, VENUE_RECONCILED_RECORD, VENUE_STATUS_RECORD, type RingBuffer, type TopOfBook } from '@ringroute/router/worker';
import type { GatewayEvents } from './GatewayAdapter.js';
import { EventSpill } from './EventSpill.js';

/** Spill `kind` of a venue status change (the others are ExecType values or the kinds below). */
const VENUE_STATUS_KIND = 0;
/** Spill kinds of recovery's records (see GatewayCommand): values [kind, a, b, c, d, e, f, g, h]. */
const CHECKPOINT_KIND = 100;
const FOREIGN_KIND = 101;
const RECONCILED_KIND = 102;
/** Spilled events of one lane beyond which the host reads no more of its commands (see blocked). */
const BLOCK_AFTER_EVENTS = 4_096;

/**
 * The worker-side `GatewayEvents`: every report becomes one execution-event record in
 * the worker's event ring, laid out exactly as core's ExecutionEvent (so the router reads
 * it with the same offsets), and top-of-book goes to shared memory for this venue.
 *
 * Events are never dropped and never waited for: if a lane's event ring is full (its
 * strategy thread is behind), the event goes to that lane's `EventSpill` and `flush()`
 * (every loop turn, before commands are read) writes it to the ring once there is room,
 * in order. The gateway host reads no commands from a lane whose spill has grown to 4,096
 * events, so the back-pressure reaches that lane's producer as RING_FULL and no other lane. Only a
 * closed ring (the router is gone) makes an event count as `dropped`.
 */
export class RingEventSink implements GatewayEvents {
  /** Events that found their lane's ring full and went to its spill. */
  spilled = 0;
  /** Events lost because the ring was closed. */
  dropped = 0;
  private readonly rings: readonly RingBuffer[];
  private readonly spills: EventSpill[];
  private spilling = 0; // lanes with a non-empty spill
  private readonly book: TopOfBook | null;
  private readonly venueId: number;
  /** Lane of each order slot (set when its NEW is read), for workers shared by several strategy threads. */
  private readonly laneOfSlot: Uint8Array;
  private readonly indexMask: number;
  /** When >= 0, the next event goes to this lane whatever its handle (replies to stale handles, spill replays). */
  private forcedLane = -1;
  /** `flush` is replaying a spilled event (write to the ring or report full; never spill again). */
  private replaying = false;
  private replayTimeNs = 0;
  /** The lane recovery's events go to (the lane whose RECONCILE is being served; events about orders without a handle too). */
  recoveryLane = 0;

  /**
   * `rings` is one event ring per lane (or a single ring); with several lanes, each
   * order's events go to the lane its NEW came from (`setLane`), so `slotCapacity` (the
   * order pool's capacity, a power of two) must be given.
   */
  /**
   * The time events written in the current loop pass carry (NaN: not read yet this pass).
   * A typed array: a double kept in a field or returned through a call is boxed.
   */
  private readonly passClock = Float64Array.of(NaN);

  /** True between `beginPass` and `endPass`. */
  private inPass = false;

  /**
   * The gateway host's loop begins a pass (reading commands, polling the adapter). Inside
   * a pass every event carries the time of the pass's first event: one clock read per
   * pass, not one per event (in Node 20 each read allocates and costs ~40 ns: 16 % of a
   * gateway thread at 2 M orders/s, profiled), so `eventTimeNs` is exact to within one
   * pass (64 commands at most). Outside a pass (an adapter's socket callbacks, a sink used
   * on its own) every event reads the clock itself.
   */
  beginPass(): void {
    this.passClock[0] = NaN;
    this.inPass = true;
  }

  /** The pass ended: later events read the clock themselves until the next `beginPass`. */
  endPass(): void {
    this.inPass = false;
  }

  /** The time for an event now: inside a pass, the pass's (read at its first event). */
  passTimeNs(): number {
    if (!this.inPass) return nanoTime();
    let t = this.passClock[0];
    if (t !== t) {
      t = nanoTime();
      this.passClock[0] = t;
    }
    return t;
  }

  constructor(rings: RingBuffer | readonly RingBuffer[], venueId: number, book: TopOfBook | null, slotCapacity = 1) {
    this.rings = Array.isArray(rings) ? rings : [rings as RingBuffer];
    this.spills = this.rings.map(() => new EventSpill());
    this.venueId = venueId;
    this.book = book;
    this.laneOfSlot = new Uint8Array(this.rings.length > 1 ? slotCapacity : 1);
    this.indexMask = this.rings.length > 1 ? slotCapacity - 1 : 0;
  }

  /**
   * Should the host stop reading `lane`'s commands? Once its spill holds BLOCK_AFTER_EVENTS:
   * a lane whose consumer is briefly behind (a burst of 1,024 orders in flight makes 2,048
   * events, twice what a 64 KiB ring holds) keeps flowing through the spill; one that has
   * stopped polling gets its back-pressure as RING_FULL on its command ring, with a
   * bounded spill (about 330 KiB a lane).
   */
  blocked(lane: number): boolean {
    return this.spilling !== 0 && this.spills[lane].count >= BLOCK_AFTER_EVENTS;
  }

  /** Lanes with events waiting for room in their ring (spilled; see `blocked` for when their commands stop). */
  get blockedLanes(): number {
    return this.spilling;
  }

  /** Events waiting for room, across lanes. */
  get backlog(): number {
    let n = 0;
    for (const spill of this.spills) n += spill.count;
    return n;
  }

  /** Write what waits in the spills to the rings, in order, as far as they have room. Returns events written. */
  flush(): number {
    if (this.spilling === 0) return 0;
    let written = 0;
    for (let lane = 0; lane < this.rings.length; lane++) {
      const spill = this.spills[lane];
      if (spill.count === 0) continue;
      const ring = this.rings[lane];
      while (spill.count > 0) {
        const v = spill.values;
        const i = spill.peek();
        let status: number;
        if (v[i] === VENUE_STATUS_KIND) status = ring.offerPair(VENUE_STATUS_RECORD, this.venueId, v[i + 8]);
        else if (v[i] >= CHECKPOINT_KIND) status = this.writeControl(ring, v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6]);
        else {
          this.replaying = true;
          this.replayTimeNs = v[i + 9];
          this.forcedLane = lane;
          status = this.write(v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6], v[i + 7], v[i + 8]);
          this.forcedLane = -1;
          this.replaying = false;
        }
        if (status === RING_FULL) break;
        if (status < 0) this.dropped++;
        spill.shift();
        written++;
      }
      if (spill.count === 0) this.spilling--;
    }
    return written;
  }

  /** The order in slot handle's index belongs to `lane` from now on (its NEW was read there). */
  setLane(handle: number, lane: number): void {
    if (this.rings.length > 1) this.laneOfSlot[handle & this.indexMask] = lane;
  }

  /** Reject a command whose handle is stale on the lane it came from (the slot may belong to another lane now). */
  rejectOnLane(lane: number, handle: number, clientOrderId: number, reason: number): void {
    this.forcedLane = lane;
    this.reject(handle, clientOrderId, reason);
    this.forcedLane = -1;
  }

  ack(handle: number, clientOrderId: number, venueOrderId: number): void {
    this.write(ExecType.ACK, handle, clientOrderId, venueOrderId, 0, 0, 0, 0, RejectReason.NONE);
  }
  fill(handle: number, clientOrderId: number, venueOrderId: number, priceTicks: number, lastLots: number, cumLots: number, leavesLots: number): void {
    this.write(ExecType.FILL, handle, clientOrderId, venueOrderId, priceTicks, lastLots, cumLots, leavesLots, RejectReason.NONE);
  }
  reject(handle: number, clientOrderId: number, reason: number): void {
    this.write(ExecType.REJECT, handle, clientOrderId, 0, 0, 0, 0, 0, reason);
  }
  canceled(handle: number, clientOrderId: number, venueOrderId: number, cumLots: number, reason: number): void {
    this.write(ExecType.CANCELED, handle, clientOrderId, venueOrderId, 0, 0, cumLots, 0, reason);
  }
  replaced(handle: number, clientOrderId: number, venueOrderId: number, priceTicks: number, _quantityLots: number, cumLots: number, leavesLots: number): void {
    // The new quantity travels as cum + leaves (see ExecutionEventLayout).
    this.write(ExecType.REPLACED, handle, clientOrderId, venueOrderId, priceTicks, 0, cumLots, leavesLots, RejectReason.NONE);
  }
  expired(handle: number, clientOrderId: number, venueOrderId: number, cumLots: number): void {
    this.write(ExecType.EXPIRED, handle, clientOrderId, venueOrderId, 0, 0, cumLots, 0, RejectReason.NONE);
  }
  cancelReject(handle: number, clientOrderId: number, reason: number): void {
    this.write(ExecType.CANCEL_REJECT, handle, clientOrderId, 0, 0, 0, 0, 0, reason);
  }
  replaceReject(handle: number, clientOrderId: number, reason: number): void {
    this.write(ExecType.REPLACE_REJECT, handle, clientOrderId, 0, 0, 0, 0, 0, reason);
  }
  unknown(handle: number, clientOrderId: number): void {
    this.write(ExecType.UNKNOWN, handle, clientOrderId, 0, 0, 0, 0, 0, RejectReason.NONE);
  }
  topOfBook(symbolId: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number): void {
    this.book?.publish(this.venueId, symbolId, bidTicks, bidLots, askTicks, askLots, nanoTime());
  }

  /** Tell every lane's router that the venue went down or came back. */
  venueStatus(up: boolean): void {
    for (let lane = 0; lane < this.rings.length; lane++) {
      const spill = this.spills[lane];
      const status = spill.count > 0 ? RING_FULL : this.rings[lane].offerPair(VENUE_STATUS_RECORD, this.venueId, up ? 1 : 0);
      if (status === RING_FULL) this.spill(lane, VENUE_STATUS_KIND, 0, 0, 0, 0, 0, 0, 0, up ? 1 : 0, 0);
      else if (status < 0) this.dropped++;
    }
  }

  /** GatewayEvents.checkpoint: every lane's router learns how far the venue's reports have been delivered. */
  checkpoint(sequence: number): void {
    for (let lane = 0; lane < this.rings.length; lane++) this.control(lane, CHECKPOINT_KIND, sequence, 0, 0, 0, 0, 0);
  }

  /**
   * GatewayEvents.foreignOrder: to the lane whose client order ids include it (each lane
   * numbers from lane x 2^40 + 1), or the recovering lane for an id of none of them.
   */
  foreignOrder(clientOrderId: number, venueOrderId: number, symbolId: number, side: number, priceTicks: number, quantityLots: number): void {
    this.control(this.laneOfId(clientOrderId), FOREIGN_KIND, clientOrderId, venueOrderId, priceTicks, quantityLots, symbolId, side);
  }

  /** The lane whose client order ids include `id` (lane x 2^40 + 1 ...), or the recovering lane for none of them. */
  private laneOfId(id: number): number {
    const owner = Math.floor((id - 1) / 2 ** 40);
    return owner >= 0 && owner < this.rings.length ? owner : this.recoveryLane;
  }

  /** The host: the adapter's reconciliation ended (`settled`: every recovered order was settled against the venue). Every lane's router hears it: each settles its own orders. */
  reconciled(settled: boolean): void {
    for (let lane = 0; lane < this.rings.length; lane++) this.control(lane, RECONCILED_KIND, settled ? 1 : 0, 0, 0, 0, 0, 0);
  }

  /** A recovery record into a lane's ring, behind whatever that lane's spill holds. */
  private control(lane: number, kind: number, a: number, b: number, c: number, d: number, e: number, f: number): void {
    const status = this.spills[lane].count > 0 ? RING_FULL : this.writeControl(this.rings[lane], kind, a, b, c, d, e, f);
    if (status === RING_FULL) this.spill(lane, kind, a, b, c, d, e, f, 0, 0, 0);
    else if (status < 0) this.dropped++;
  }

  private writeControl(ring: RingBuffer, kind: number, a: number, b: number, c: number, d: number, e: number, f: number): number {
    if (kind === FOREIGN_KIND) {
      const at = ring.claim(VENUE_FOREIGN_RECORD, 48);
      if (at < 0) return at;
      ring.f64[at >> 3] = a;
      ring.f64[(at >> 3) + 1] = b;
      ring.f64[(at >> 3) + 2] = c;
      ring.f64[(at >> 3) + 3] = d;
      ring.i32[(at >> 2) + 8] = e;
      ring.i32[(at >> 2) + 9] = f;
      ring.i32[(at >> 2) + 10] = this.venueId;
      ring.i32[(at >> 2) + 11] = 0;
      return ring.commit(at);
    }
    if (kind === RECONCILED_KIND) return ring.offerPair(VENUE_RECONCILED_RECORD, this.venueId, a);
    const at = ring.claim(VENUE_CHECKPOINT_RECORD, 16);
    if (at < 0) return at;
    ring.i32[at >> 2] = this.venueId;
    ring.i32[(at >> 2) + 1] = 0;
    ring.f64[(at >> 3) + 1] = a;
    return ring.commit(at);
  }

  /**
   * One execution-event record into its lane's ring; OK or a ring status. The record is
   * written here, in the method the adapter's call lands in: a double passed on to a
   * further, non-inlined call would be boxed (measured: 32 bytes more per order inline).
   * A live event that finds its lane behind (a spill, or the ring full) goes to the spill;
   * `flush` replays spilled events through here (`replaying`), with their own time.
   */
  private write(
    type: number,
    handle: number,
    clientOrderId: number,
    venueOrderId: number,
    priceTicks: number,
    lastLots: number,
    cumLots: number,
    leavesLots: number,
    reason: number,
  ): number {
    const rings = this.rings;
    const lane = rings.length === 1 ? 0 : this.forcedLane >= 0 ? this.forcedLane : handle < 0 ? this.laneOfId(clientOrderId) : this.laneOfSlot[handle & this.indexMask];
    const replaying = this.replaying;
    // Behind events already waiting for this lane, never ahead of them.
    if (!replaying && this.spilling !== 0 && this.spills[lane].count > 0) {
      this.spill(lane, type, handle, clientOrderId, venueOrderId, priceTicks, lastLots, cumLots, leavesLots, reason, this.passTimeNs());
      return RING_FULL;
    }
    const ring = rings[lane];
    const at = ring.claim(EXECUTION_EVENT_RECORD, EXEC_RECORD_BYTES);
    if (at < 0) {
      if (replaying) return at;
      if (at === RING_FULL) this.spill(lane, type, handle, clientOrderId, venueOrderId, priceTicks, lastLots, cumLots, leavesLots, reason, this.passTimeNs());
      else this.dropped++;
      return at;
    }
    const f64 = ring.f64;
    const u8 = ring.u8;
    f64[(at + EXEC_CLIENT_ORDER_ID_OFFSET) >> 3] = clientOrderId;
    f64[(at + EXEC_VENUE_ORDER_ID_OFFSET) >> 3] = venueOrderId;
    f64[(at + EXEC_LAST_PRICE_TICKS_OFFSET) >> 3] = priceTicks;
    f64[(at + EXEC_LAST_QTY_LOTS_OFFSET) >> 3] = lastLots;
    f64[(at + EXEC_CUM_QTY_LOTS_OFFSET) >> 3] = cumLots;
    f64[(at + EXEC_LEAVES_LOTS_OFFSET) >> 3] = leavesLots;
    f64[(at + EXEC_EVENT_TIME_NS_OFFSET) >> 3] = replaying ? this.replayTimeNs : this.passTimeNs();
    ring.i32[(at + EXEC_ORDER_HANDLE_OFFSET) >> 2] = handle;
    u8[at + EXEC_REJECT_REASON_OFFSET] = reason & 0xff;
    u8[at + EXEC_REJECT_REASON_OFFSET + 1] = reason >>> 8;
    u8[at + EXEC_TYPE_OFFSET] = type;
    u8[at + EXEC_FLAGS_OFFSET] = 0;
    return ring.commit(at);
  }

  private spill(lane: number, kind: number, handle: number, clientOrderId: number, venueOrderId: number, price: number, last: number, cum: number, leaves: number, reason: number, timeNs: number): void {
    const spill = this.spills[lane];
    if (spill.count === 0) this.spilling++;
    spill.push(kind, handle, clientOrderId, venueOrderId, price, last, cum, leaves, reason, timeNs);
    this.spilled++;
  }
}
