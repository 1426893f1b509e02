import { Flyweight } from './Flyweight.js';
import type { SlabPool } from './SlabPool.js';
import { enumName } from './OrderEnums.js';
import { ORDER_RECORD_BYTES, ORDER_STATE_OFFSET } from './layout/OrderLayout.js';

/** Int32 index of the state field inside a record, for Atomics. */
const STATE_WORD = ORDER_STATE_OFFSET >> 2;

/**
 * Flyweight over an order record (see OrderLayout for the byte layout).
 *
 * ```ts
 * const order = new OrderFlyweight(orders);     // once, at start-up
 * const handle = orders.allocate();             // per order: no allocation
 * if (handle < 0) return handle;                // POOL_EXHAUSTED
 * order.wrap(handle);
 * order.clear();
 * order.priceTicks = 10_025; order.quantityLots = 3; order.side = Side.BUY;
 * ```
 *
 * Quantities, prices and timestamps are plain stores: the thread that owns an order
 * writes them and publishes the order to other threads through a ring (whose release
 * store orders them). The state is the exception: it is read with `Atomics.load` and
 * changed only by compare-and-set (`casState`), so two threads racing to move an order
 * (an event thread and a cancelling strategy) can never overwrite each other.
 */
export class OrderFlyweight extends Flyweight {
  /** A flyweight over the order records of `pool` (bound for life). */
  constructor(pool: SlabPool) {
    super(ORDER_RECORD_BYTES, pool);
  }

  /** Current OrderState with an atomic load (sequentially consistent; ~7 ns here). */
  loadState(): number {
    return Atomics.load(this.i32, this.base4 + STATE_WORD);
  }

  /**
   * Move the state from `expected` to `next` if nobody changed it meanwhile. Returns
   * true on success. Prefer `OrderStateMachine`, which checks the transition table.
   */
  casState(expected: number, next: number): boolean {
    return Atomics.compareExchange(this.i32, this.base4 + STATE_WORD, expected, next) === expected;
  }

  /**
   * Set the state unconditionally: only for a freshly allocated order no other thread
   * sees yet. A plain store (an \`Atomics.store\` is a full fence, ~10x dearer here); the
   * ring that later publishes the order orders it before any other thread reads it.
   */
  initState(state: number): void {
    this.i32[this.base4 + STATE_WORD] = state;
  }

  // GENERATED-BEGIN accessors (pnpm layouts; see renderFlyweightAccessors)
  /** Client order id, unique per router; exact to 2^53. (int53 at byte 0) */
  get clientOrderId(): number {
    return this.f64[this.base8];
  }
  set clientOrderId(value: number) {
    this.f64[this.base8] = value;
  }

  /** Id the venue assigned (0 until acknowledged). (int53 at byte 8) */
  get venueOrderId(): number {
    return this.f64[this.base8 + 1];
  }
  set venueOrderId(value: number) {
    this.f64[this.base8 + 1] = value;
  }

  /** Limit price in ticks of the instrument (may be negative for spreads). (int53 at byte 16) */
  get priceTicks(): number {
    return this.f64[this.base8 + 2];
  }
  set priceTicks(value: number) {
    this.f64[this.base8 + 2] = value;
  }

  /** Trigger price in ticks for STOP and STOP_LIMIT. (int53 at byte 24) */
  get stopPriceTicks(): number {
    return this.f64[this.base8 + 3];
  }
  set stopPriceTicks(value: number) {
    this.f64[this.base8 + 3] = value;
  }

  /** Order quantity in lots. (int53 at byte 32) */
  get quantityLots(): number {
    return this.f64[this.base8 + 4];
  }
  set quantityLots(value: number) {
    this.f64[this.base8 + 4] = value;
  }

  /** Cumulative filled quantity in lots. (int53 at byte 40) */
  get filledLots(): number {
    return this.f64[this.base8 + 5];
  }
  set filledLots(value: number) {
    this.f64[this.base8 + 5] = value;
  }

  /** Open quantity in lots: quantityLots - filledLots while working, 0 once done (FIX LeavesQty). (int53 at byte 48) */
  get leavesLots(): number {
    return this.f64[this.base8 + 6];
  }
  set leavesLots(value: number) {
    this.f64[this.base8 + 6] = value;
  }

  /** Volume-weighted average fill price in ticks (fractional). (float64 at byte 56) */
  get avgFillPriceTicks(): number {
    return this.f64[this.base8 + 7];
  }
  set avgFillPriceTicks(value: number) {
    this.f64[this.base8 + 7] = value;
  }

  /** Expiry for GTD orders, on the nanoTime() clock. (int53 at byte 64) */
  get expireAtNs(): number {
    return this.f64[this.base8 + 8];
  }
  set expireAtNs(value: number) {
    this.f64[this.base8 + 8] = value;
  }

  /** When the order was created, nanoTime() ns. (int53 at byte 72) */
  get createdNs(): number {
    return this.f64[this.base8 + 9];
  }
  set createdNs(value: number) {
    this.f64[this.base8 + 9] = value;
  }

  /** When the order was handed to a gateway, nanoTime() ns. (int53 at byte 80) */
  get sentNs(): number {
    return this.f64[this.base8 + 10];
  }
  set sentNs(value: number) {
    this.f64[this.base8 + 10] = value;
  }

  /** When the venue acknowledged it, nanoTime() ns. (int53 at byte 88) */
  get ackNs(): number {
    return this.f64[this.base8 + 11];
  }
  set ackNs(value: number) {
    this.f64[this.base8 + 11] = value;
  }

  /** When the state last changed, nanoTime() ns. (int53 at byte 96) */
  get lastUpdateNs(): number {
    return this.f64[this.base8 + 12];
  }
  set lastUpdateNs(value: number) {
    this.f64[this.base8 + 12] = value;
  }

  /** OrderState. A plain load, exact on the owning thread; other threads use loadState(). Changed only through casState/initState. (int32 at byte 104) */
  get state(): number {
    return this.i32[this.base4 + 26];
  }

  /** Instrument id from the InstrumentTable. (int32 at byte 108) */
  get symbolId(): number {
    return this.i32[this.base4 + 27];
  }
  set symbolId(value: number) {
    this.i32[this.base4 + 27] = value;
  }

  /** Strategy that owns the order. (int32 at byte 112) */
  get strategyId(): number {
    return this.i32[this.base4 + 28];
  }
  set strategyId(value: number) {
    this.i32[this.base4 + 28] = value;
  }

  /** Account, for self-match prevention and positions. (int32 at byte 116) */
  get accountId(): number {
    return this.i32[this.base4 + 29];
  }
  set accountId(value: number) {
    this.i32[this.base4 + 29] = value;
  }

  /** Venue the order was routed to. (uint16 at byte 120) */
  get venueId(): number {
    return this.u16[this.base2 + 60];
  }
  set venueId(value: number) {
    this.u16[this.base2 + 60] = value;
  }

  /** RejectReason of the last reject (0 if none). (uint16 at byte 122) */
  get rejectReason(): number {
    return this.u16[this.base2 + 61];
  }
  set rejectReason(value: number) {
    this.u16[this.base2 + 61] = value;
  }

  /** Side.BUY or Side.SELL. (uint8 at byte 124) */
  get side(): number {
    return this.u8[this.base1 + 124];
  }
  set side(value: number) {
    this.u8[this.base1 + 124] = value;
  }

  /** OrderType. (uint8 at byte 125) */
  get ordType(): number {
    return this.u8[this.base1 + 125];
  }
  set ordType(value: number) {
    this.u8[this.base1 + 125] = value;
  }

  /** TimeInForce. (uint8 at byte 126) */
  get tif(): number {
    return this.u8[this.base1 + 126];
  }
  set tif(value: number) {
    this.u8[this.base1 + 126] = value;
  }

  /** OrderFlags bit set (POST_ONLY, REDUCE_ONLY). (uint8 at byte 127) */
  get flags(): number {
    return this.u8[this.base1 + 127];
  }
  set flags(value: number) {
    this.u8[this.base1 + 127] = value;
  }
  // GENERATED-END accessors

  /** A plain object of every field with enum names, for logs and debugging (allocates). */
  toJSON(): Record<string, number | string> {
    return {
      handle: this.handle,
      generation: this.generation,
      clientOrderId: this.clientOrderId,
      venueOrderId: this.venueOrderId,
      symbolId: this.symbolId,
      venueId: this.venueId,
      strategyId: this.strategyId,
      accountId: this.accountId,
      side: enumName('side', this.side),
      ordType: enumName('orderType', this.ordType),
      tif: enumName('timeInForce', this.tif),
      flags: this.flags,
      priceTicks: this.priceTicks,
      stopPriceTicks: this.stopPriceTicks,
      quantityLots: this.quantityLots,
      filledLots: this.filledLots,
      leavesLots: this.leavesLots,
      avgFillPriceTicks: this.avgFillPriceTicks,
      state: enumName('orderState', this.state),
      rejectReason: enumName('rejectReason', this.rejectReason),
      expireAtNs: this.expireAtNs,
      createdNs: this.createdNs,
      sentNs: this.sentNs,
      ackNs: this.ackNs,
      lastUpdateNs: this.lastUpdateNs,
    };
  }
}
