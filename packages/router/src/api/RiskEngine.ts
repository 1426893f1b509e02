import { ConfigurationError, OK, OrderType, Side } from '@ringroute/core';
import { RISK_CANCEL_RATE, RISK_KILL_SWITCH, RISK_OPEN_ORDERS, RISK_ORDER_NOTIONAL, RISK_ORDER_QUANTITY, RISK_ORDER_RATE, RISK_POSITION, RISK_PRICE_COLLAR } from './RiskStatus.js';

/** Limits; each is optional (absent = no limit). Quantities in lots, notionals in ticks x lots x (tick value x lot value). */
export interface RiskLimits {
  maxOrderLots?: number;
  /** Largest price x quantity of one order, in the instrument's currency. */
  maxOrderNotional?: number;
  /** Refuse limit prices further than this from the symbol's reference price, in basis points. */
  priceCollarBps?: number;
  maxOpenOrdersPerStrategy?: number;
  maxOpenOrdersPerSymbol?: number;
  /** Largest absolute position per symbol in lots, counting working orders on the side that would grow it. */
  maxPositionLots?: number;
  /** Token bucket for new orders per strategy: rate per second and burst. */
  ordersPerSecond?: number;
  orderBurst?: number;
  cancelsPerSecond?: number;
  cancelBurst?: number;
  /** Trip the kill switch after this many rejects within `rejectStormWindowMs`. */
  rejectStormCount?: number;
  rejectStormWindowMs?: number;
}

// Shared counters (Int32 words in one SharedArrayBuffer), each group on its own lines.
const W_KILL = 0;
const W_OPEN_STRATEGY = 16; // + strategyId (strategies 0..MAX_STRATEGIES-1)
const MAX_STRATEGIES = 64;
const W_SYMBOLS = W_OPEN_STRATEGY + MAX_STRATEGIES; // per symbol: open orders, position, working buys, working sells
const PER_SYMBOL = 4;

/**
 * Pre-trade risk: every check runs on the strategy thread before anything is enqueued,
 * allocates nothing, and answers OK or a RISK_* status naming the rule. Counters that
 * strategies on several threads share (open orders, positions, working quantity, the
 * kill switch) live in one SharedArrayBuffer and change with `Atomics`; pass `buffer`
 * to the other threads' RiskEngine. Each strategy id belongs to one thread (one engine):
 * its own open-order count and token buckets are plain, unshared arithmetic.
 */
export class RiskEngine {
  readonly buffer: SharedArrayBuffer;
  private readonly c: Int32Array;
  private readonly limits: Required<RiskLimits>;
  private readonly notionalPerTickLot: Float64Array; // per symbol
  private readonly reference: Float64Array; // per symbol, ticks (NaN: none set)
  private orderTokens: number;
  private cancelTokens: number;
  private lastRefillNs: number;
  private readonly rejectTimes: Float64Array;
  private rejectHead = 0;

  constructor(symbols: number, limits: RiskLimits, buffer?: SharedArrayBuffer) {
    const bytes = (W_SYMBOLS + symbols * PER_SYMBOL) * 4;
    this.buffer = buffer ?? new SharedArrayBuffer(bytes);
    if (this.buffer.byteLength !== bytes) throw new ConfigurationError('ERR_BUFFER_SIZE', `risk counters for ${symbols} symbols need ${bytes} bytes`, this.buffer);
    this.c = new Int32Array(this.buffer);
    const inf = Number.POSITIVE_INFINITY;
    this.limits = {
      maxOrderLots: limits.maxOrderLots ?? inf,
      maxOrderNotional: limits.maxOrderNotional ?? inf,
      priceCollarBps: limits.priceCollarBps ?? inf,
      maxOpenOrdersPerStrategy: limits.maxOpenOrdersPerStrategy ?? inf,
      maxOpenOrdersPerSymbol: limits.maxOpenOrdersPerSymbol ?? inf,
      maxPositionLots: limits.maxPositionLots ?? inf,
      ordersPerSecond: limits.ordersPerSecond ?? inf,
      orderBurst: limits.orderBurst ?? (limits.ordersPerSecond === undefined ? inf : Math.max(1, limits.ordersPerSecond)),
      cancelsPerSecond: limits.cancelsPerSecond ?? inf,
      cancelBurst: limits.cancelBurst ?? (limits.cancelsPerSecond === undefined ? inf : Math.max(1, limits.cancelsPerSecond)),
      rejectStormCount: limits.rejectStormCount ?? 0,
      rejectStormWindowMs: limits.rejectStormWindowMs ?? 1_000,
    };
    this.notionalPerTickLot = new Float64Array(symbols).fill(0);
    this.reference = new Float64Array(symbols).fill(NaN);
    this.orderTokens = this.limits.orderBurst;
    this.cancelTokens = this.limits.cancelBurst;
    this.lastRefillNs = NaN; // anchored by the first check, on the caller's clock
    this.rejectTimes = new Float64Array(Math.max(1, this.limits.rejectStormCount)).fill(-Infinity);
  }

  /** Value of one tick x one lot for a symbol (from its InstrumentSpec), for notional checks. */
  setNotionalPerTickLot(symbolId: number, value: number): void {
    this.notionalPerTickLot[symbolId] = value;
  }

  /** Reference price for the collar, in ticks (a last trade, a mid, a settlement). */
  setReferencePrice(symbolId: number, priceTicks: number): void {
    this.reference[symbolId] = priceTicks;
  }

  /** Check a new order; OK or a RISK_* status. On OK the order counts as working. */
  checkNew(strategyId: number, symbolId: number, side: number, ordType: number, priceTicks: number, lots: number, nowNs: number): number {
    const c = this.c;
    const limits = this.limits;
    if (c[W_KILL] !== 0) return RISK_KILL_SWITCH;
    if (lots > limits.maxOrderLots) return RISK_ORDER_QUANTITY;
    const hasPrice = ordType === OrderType.LIMIT || ordType === OrderType.STOP_LIMIT;
    const reference = this.reference[symbolId];
    const pricing = hasPrice ? priceTicks : reference;
    if (pricing === pricing && Math.abs(pricing) * lots * this.notionalPerTickLot[symbolId] > limits.maxOrderNotional) return RISK_ORDER_NOTIONAL;
    if (hasPrice && reference === reference && Math.abs(priceTicks - reference) * 10_000 > limits.priceCollarBps * Math.abs(reference)) return RISK_PRICE_COLLAR;
    this.refill(nowNs);
    if (this.orderTokens < 1) return RISK_ORDER_RATE;
    // Limits shared with other strategy threads are reserved with compare-and-set (check
    // and increment in one step), so two threads can never both take the last place;
    // a later refusal gives back what was reserved.
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    // The per-strategy count belongs to the strategy's own thread: plain arithmetic.
    const strategyWord = W_OPEN_STRATEGY + (strategyId & (MAX_STRATEGIES - 1));
    if (c[strategyWord] + 1 > limits.maxOpenOrdersPerStrategy) return RISK_OPEN_ORDERS;
    if (!this.reserve(base, 1, limits.maxOpenOrdersPerSymbol)) return RISK_OPEN_ORDERS;
    // Worst case if every working order on this side fills: position + working + this order.
    // Plain reads; the compare-and-set validates the working value it was computed from.
    const workingWord = side === Side.BUY ? base + 2 : base + 3;
    let working = c[workingWord];
    for (;;) {
      const position = c[base + 1];
      const worst = side === Side.BUY ? position + working + lots : position - working - lots;
      if (Math.abs(worst) > limits.maxPositionLots) {
        Atomics.sub(c, base, 1);
        return RISK_POSITION;
      }
      const seen = Atomics.compareExchange(c, workingWord, working, working + lots);
      if (seen === working) break;
      working = seen;
    }
    c[strategyWord]++;
    this.orderTokens -= 1;
    return OK;
  }

  /** Add `amount` to a shared counter unless that would take it past `limit` (one CAS when uncontended). */
  private reserve(word: number, amount: number, limit: number): boolean {
    let current = this.c[word];
    for (;;) {
      if (current + amount > limit) return false;
      const seen = Atomics.compareExchange(this.c, word, current, current + amount);
      if (seen === current) return true;
      current = seen;
    }
  }

  /** Check a cancel request against the cancel throttle: OK or RISK_CANCEL_RATE. The kill switch never blocks cancels. */
  checkCancel(nowNs: number): number {
    this.refill(nowNs);
    if (this.cancelTokens < 1) return RISK_CANCEL_RATE;
    this.cancelTokens -= 1;
    return OK;
  }

  /** A fill: the position moves and the working quantity shrinks. */
  onFill(symbolId: number, side: number, lots: number): void {
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    Atomics.add(this.c, base + 1, side === Side.BUY ? lots : -lots);
    Atomics.sub(this.c, side === Side.BUY ? base + 2 : base + 3, lots);
  }

  /** An order ended (filled, canceled, rejected, expired) with `leavesLots` unfilled. */
  onDone(strategyId: number, symbolId: number, side: number, leavesLots: number): void {
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    this.c[W_OPEN_STRATEGY + (strategyId & (MAX_STRATEGIES - 1))]--; // owned by this strategy's thread
    Atomics.sub(this.c, base, 1);
    if (leavesLots > 0) Atomics.sub(this.c, side === Side.BUY ? base + 2 : base + 3, leavesLots);
  }

  /** A venue reject: counts towards the reject storm that trips the kill switch. */
  onReject(nowNs: number): void {
    const n = this.limits.rejectStormCount;
    if (n <= 0) return;
    // The ring holds the last n reject times; after this one goes in, the slot the head
    // points at is the oldest of those n.
    this.rejectTimes[this.rejectHead] = nowNs;
    this.rejectHead = (this.rejectHead + 1) % n;
    if (nowNs - this.rejectTimes[this.rejectHead] <= this.limits.rejectStormWindowMs * 1e6) this.kill();
  }

  /** Stop all new orders, on every thread sharing these counters (cancels still go). */
  kill(): void {
    Atomics.store(this.c, W_KILL, 1);
  }

  resume(): void {
    Atomics.store(this.c, W_KILL, 0);
  }

  get killed(): boolean {
    return Atomics.load(this.c, W_KILL) !== 0;
  }

  position(symbolId: number): number {
    return Atomics.load(this.c, W_SYMBOLS + symbolId * PER_SYMBOL + 1);
  }

  openOrders(symbolId: number): number {
    return Atomics.load(this.c, W_SYMBOLS + symbolId * PER_SYMBOL);
  }

  private refill(nowNs: number): void {
    if (this.lastRefillNs !== this.lastRefillNs) {
      this.lastRefillNs = nowNs;
      return;
    }
    const elapsed = (nowNs - this.lastRefillNs) / 1e9;
    if (elapsed <= 0) return;
    this.lastRefillNs = nowNs;
    const l = this.limits;
    this.orderTokens = Math.min(l.orderBurst, this.orderTokens + elapsed * l.ordersPerSecond);
    this.cancelTokens = Math.min(l.cancelBurst, this.cancelTokens + elapsed * l.cancelsPerSecond);
  }
}
