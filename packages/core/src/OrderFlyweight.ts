import { Flyweight } from './Flyweight.js';
import { enumName } from './OrderEnums.js';
import {
  ORDER_RECORD_BYTES,
  ORDER_STATE_OFFSET,
  ORDER_CLIENT_ORDER_ID_OFFSET,
  ORDER_VENUE_ORDER_ID_OFFSET,
  ORDER_PRICE_TICKS_OFFSET,
  ORDER_STOP_PRICE_TICKS_OFFSET,
  ORDER_QUANTITY_LOTS_OFFSET,
  ORDER_FILLED_LOTS_OFFSET,
  ORDER_LEAVES_LOTS_OFFSET,
  ORDER_AVG_FILL_PRICE_TICKS_OFFSET,
  ORDER_EXPIRE_AT_NS_OFFSET,
  ORDER_CREATED_NS_OFFSET,
  ORDER_SENT_NS_OFFSET,
  ORDER_ACK_NS_OFFSET,
  ORDER_LAST_UPDATE_NS_OFFSET,
  ORDER_SYMBOL_ID_OFFSET,
  ORDER_STRATEGY_ID_OFFSET,
  ORDER_ACCOUNT_ID_OFFSET,
  ORDER_VENUE_ID_OFFSET,
  ORDER_REJECT_REASON_OFFSET,
  ORDER_SIDE_OFFSET,
  ORDER_ORD_TYPE_OFFSET,
  ORDER_TIF_OFFSET,
  ORDER_FLAGS_OFFSET,
} from './layout/OrderLayout.js';

/** Int32 index of the state field inside a record, for Atomics. */
const STATE_WORD = ORDER_STATE_OFFSET >> 2;

/**
 * Flyweight over an order record (see OrderLayout for the byte layout).
 *
 * ```ts
 * const order = new OrderFlyweight();           // once, at start-up
 * const handle = orders.allocate();             // per order: no allocation
 * if (handle < 0) return handle;                // POOL_EXHAUSTED
 * order.wrap(orders, handle);
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
  constructor() {
    super(ORDER_RECORD_BYTES);
  }

  /** Current OrderState (an atomic load). */
  get state(): number {
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

  /** Client order id, unique per router; exact to 2^53. */
  get clientOrderId(): number {
    return this.f64[this.base8 + (ORDER_CLIENT_ORDER_ID_OFFSET >> 3)];
  }
  set clientOrderId(value: number) {
    this.f64[this.base8 + (ORDER_CLIENT_ORDER_ID_OFFSET >> 3)] = value;
  }

  /** Id the venue assigned (0 until acknowledged). */
  get venueOrderId(): number {
    return this.f64[this.base8 + (ORDER_VENUE_ORDER_ID_OFFSET >> 3)];
  }
  set venueOrderId(value: number) {
    this.f64[this.base8 + (ORDER_VENUE_ORDER_ID_OFFSET >> 3)] = value;
  }

  /** Limit price in ticks of the instrument (may be negative for spreads). */
  get priceTicks(): number {
    return this.f64[this.base8 + (ORDER_PRICE_TICKS_OFFSET >> 3)];
  }
  set priceTicks(value: number) {
    this.f64[this.base8 + (ORDER_PRICE_TICKS_OFFSET >> 3)] = value;
  }

  /** Trigger price in ticks for STOP and STOP_LIMIT. */
  get stopPriceTicks(): number {
    return this.f64[this.base8 + (ORDER_STOP_PRICE_TICKS_OFFSET >> 3)];
  }
  set stopPriceTicks(value: number) {
    this.f64[this.base8 + (ORDER_STOP_PRICE_TICKS_OFFSET >> 3)] = value;
  }

  /** Order quantity in lots. */
  get quantityLots(): number {
    return this.f64[this.base8 + (ORDER_QUANTITY_LOTS_OFFSET >> 3)];
  }
  set quantityLots(value: number) {
    this.f64[this.base8 + (ORDER_QUANTITY_LOTS_OFFSET >> 3)] = value;
  }

  /** Cumulative filled quantity in lots. */
  get filledLots(): number {
    return this.f64[this.base8 + (ORDER_FILLED_LOTS_OFFSET >> 3)];
  }
  set filledLots(value: number) {
    this.f64[this.base8 + (ORDER_FILLED_LOTS_OFFSET >> 3)] = value;
  }

  /** Open quantity in lots: quantityLots - filledLots while live, 0 once terminal. */
  get leavesLots(): number {
    return this.f64[this.base8 + (ORDER_LEAVES_LOTS_OFFSET >> 3)];
  }
  set leavesLots(value: number) {
    this.f64[this.base8 + (ORDER_LEAVES_LOTS_OFFSET >> 3)] = value;
  }

  /** Volume-weighted average fill price in ticks (fractional). */
  get avgFillPriceTicks(): number {
    return this.f64[this.base8 + (ORDER_AVG_FILL_PRICE_TICKS_OFFSET >> 3)];
  }
  set avgFillPriceTicks(value: number) {
    this.f64[this.base8 + (ORDER_AVG_FILL_PRICE_TICKS_OFFSET >> 3)] = value;
  }

  /** Expiry for GTD orders, on the `nanoTime()` clock. */
  get expireAtNs(): number {
    return this.f64[this.base8 + (ORDER_EXPIRE_AT_NS_OFFSET >> 3)];
  }
  set expireAtNs(value: number) {
    this.f64[this.base8 + (ORDER_EXPIRE_AT_NS_OFFSET >> 3)] = value;
  }

  /** When the order was created, `nanoTime()` ns. */
  get createdNs(): number {
    return this.f64[this.base8 + (ORDER_CREATED_NS_OFFSET >> 3)];
  }
  set createdNs(value: number) {
    this.f64[this.base8 + (ORDER_CREATED_NS_OFFSET >> 3)] = value;
  }

  /** When the order was handed to a gateway, `nanoTime()` ns. */
  get sentNs(): number {
    return this.f64[this.base8 + (ORDER_SENT_NS_OFFSET >> 3)];
  }
  set sentNs(value: number) {
    this.f64[this.base8 + (ORDER_SENT_NS_OFFSET >> 3)] = value;
  }

  /** When the venue acknowledged it, `nanoTime()` ns. */
  get ackNs(): number {
    return this.f64[this.base8 + (ORDER_ACK_NS_OFFSET >> 3)];
  }
  set ackNs(value: number) {
    this.f64[this.base8 + (ORDER_ACK_NS_OFFSET >> 3)] = value;
  }

  /** When the state last changed, `nanoTime()` ns. */
  get lastUpdateNs(): number {
    return this.f64[this.base8 + (ORDER_LAST_UPDATE_NS_OFFSET >> 3)];
  }
  set lastUpdateNs(value: number) {
    this.f64[this.base8 + (ORDER_LAST_UPDATE_NS_OFFSET >> 3)] = value;
  }

  /** Instrument id from the InstrumentTable. */
  get symbolId(): number {
    return this.i32[this.base4 + (ORDER_SYMBOL_ID_OFFSET >> 2)];
  }
  set symbolId(value: number) {
    this.i32[this.base4 + (ORDER_SYMBOL_ID_OFFSET >> 2)] = value;
  }

  /** Strategy that owns the order. */
  get strategyId(): number {
    return this.i32[this.base4 + (ORDER_STRATEGY_ID_OFFSET >> 2)];
  }
  set strategyId(value: number) {
    this.i32[this.base4 + (ORDER_STRATEGY_ID_OFFSET >> 2)] = value;
  }

  /** Account, for self-match prevention and positions. */
  get accountId(): number {
    return this.i32[this.base4 + (ORDER_ACCOUNT_ID_OFFSET >> 2)];
  }
  set accountId(value: number) {
    this.i32[this.base4 + (ORDER_ACCOUNT_ID_OFFSET >> 2)] = value;
  }

  /** Venue the order was routed to. */
  get venueId(): number {
    return this.u16[this.base2 + (ORDER_VENUE_ID_OFFSET >> 1)];
  }
  set venueId(value: number) {
    this.u16[this.base2 + (ORDER_VENUE_ID_OFFSET >> 1)] = value;
  }

  /** RejectReason of the last reject (0 if none). */
  get rejectReason(): number {
    return this.u16[this.base2 + (ORDER_REJECT_REASON_OFFSET >> 1)];
  }
  set rejectReason(value: number) {
    this.u16[this.base2 + (ORDER_REJECT_REASON_OFFSET >> 1)] = value;
  }

  /** Side.BUY or Side.SELL. */
  get side(): number {
    return this.u8[this.base1 + ORDER_SIDE_OFFSET];
  }
  set side(value: number) {
    this.u8[this.base1 + ORDER_SIDE_OFFSET] = value;
  }

  /** OrderType. */
  get ordType(): number {
    return this.u8[this.base1 + ORDER_ORD_TYPE_OFFSET];
  }
  set ordType(value: number) {
    this.u8[this.base1 + ORDER_ORD_TYPE_OFFSET] = value;
  }

  /** TimeInForce. */
  get tif(): number {
    return this.u8[this.base1 + ORDER_TIF_OFFSET];
  }
  set tif(value: number) {
    this.u8[this.base1 + ORDER_TIF_OFFSET] = value;
  }

  /** OrderFlags bit set (POST_ONLY, REDUCE_ONLY). */
  get flags(): number {
    return this.u8[this.base1 + ORDER_FLAGS_OFFSET];
  }
  set flags(value: number) {
    this.u8[this.base1 + ORDER_FLAGS_OFFSET] = value;
  }
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
