import { ConfigurationError, nanoTime, OK, OrderType, Side } from '@ringroute/core';
import { JournalRecordType } from '../journal/JournalFormat.js';
import type { JournalLane } from '../journal/JournalLane.js';
import type { FirmCredit } from '../firm/FirmCredit.js';
import {
  RISK_CANCEL_RATE,
  RISK_CONTENDED,
  RISK_FIRM_FENCED,
  RISK_FIRM_HALT,
  RISK_KILL_SWITCH,
  RISK_NO_REFERENCE_PRICE,
  RISK_OPEN_ORDERS,
  RISK_ORDER_NOTIONAL,
  RISK_ORDER_QUANTITY,
  RISK_ORDER_RATE,
  RISK_POSITION,
  RISK_PRICE_COLLAR,
} from './RiskStatus.js';

/** Limits; each is optional (absent = no limit). Quantities in lots, notionals in ticks x lots x (tick value x lot value). */
export interface RiskLimits {
  maxOrderLots?: number;
  /**
   * Largest price x quantity of one order, in the instrument's currency. Orders without a
   * limit price are valued at the symbol's reference price; with none set they are
   * refused (RISK_NO_REFERENCE_PRICE).
   */
  maxOrderNotional?: number;
  /**
   * Refuse limit prices further than this from the symbol's reference price, in basis
   * points. Until `setReferencePrice` is called for a symbol, its limit orders are refused
   * with RISK_NO_REFERENCE_PRICE: a configured collar never passes what it cannot judge.
   */
  priceCollarBps?: number;
  maxOpenOrdersPerStrategy?: number;
  maxOpenOrdersPerSymbol?: number;
  /** Largest absolute position per symbol in lots, counting working orders on the side that would grow it. */
  maxPositionLots?: number;
  /** Token bucket for new orders (and replaces) per strategy: rate per second and burst. */
  ordersPerSecond?: number;
  orderBurst?: number;
  cancelsPerSecond?: number;
  cancelBurst?: number;
  /** Trip the kill switch after this many rejects within `rejectStormWindowMs`. */
  rejectStormCount?: number;
  rejectStormWindowMs?: number;
}

/** Strategy ids a set of shared risk counters can tell apart (0 to 63). */
export const MAX_STRATEGIES = 64;
/**
 * The shared counters are 32-bit integers: an order or a position of more lots than this
 * is refused (RISK_ORDER_QUANTITY / RISK_POSITION) rather than wrapped.
 */
export const MAX_COUNTER_LOTS = 0x7fffffff;

// Shared counters (Int32 words in one SharedArrayBuffer).
//
//   word 0                kill switch
//   words 16 ..< 80       strategy id claims (1 = a router owns this id)
//   words 80 ..< 1104     open orders per strategy, one 64-byte line each (no false sharing)
//   words 1104 ..         per symbol: open orders, position, buy exposure, sell exposure
//
// Exposure is the worst case the position check judges, kept as one word per side so a
// single compare-and-set both validates and reserves: buy exposure = position + working
// buys, sell exposure = position - working sells. A buy fill moves position up and
// working buys down by the same lots (buy exposure unchanged, sell exposure up); a sell
// fill the mirror image. Checking two words (position, working) and CAS-ing one of them
// cannot be made atomic without a lock: a fill and a new reservation between the reads
// would leave the working word as it was (ABA) while the position moved.
const W_KILL = 0;
const W_STRATEGY_CLAIM = 16;
const W_OPEN_STRATEGY = W_STRATEGY_CLAIM + MAX_STRATEGIES;
const STRATEGY_STRIDE = 16; // words: one cache line per strategy
const W_SYMBOLS = W_OPEN_STRATEGY + MAX_STRATEGIES * STRATEGY_STRIDE;
const PER_SYMBOL = 4;
const S_OPEN = 0;
const S_POSITION = 1;
const S_BUY_EXPOSURE = 2;
const S_SELL_EXPOSURE = 3;
const MAX_CAS_ATTEMPTS = 1_024;

/**
 * The kill word's bits: any set stops new orders. Each has one owner, so one never
 * clears another: the router's own switch (kill/resume), the firm halt and the fence,
 * both set by the firm agent's thread (`setKillBit`).
 */
export const KILL_LOCAL = 1;
export const KILL_FIRM_HALT = 2;
export const KILL_FIRM_FENCED = 4;

/** Set or clear one bit of the kill word of shared risk counters (the firm agent's thread does this). Returns the word before. */
export function setKillBit(riskBuffer: SharedArrayBuffer, bit: number, on: boolean): number {
  const c = new Int32Array(riskBuffer, 0, 1);
  return on ? Atomics.or(c, W_KILL, bit) : Atomics.and(c, W_KILL, ~bit);
}

/** The status a set kill word refuses with: the router's own switch first, then the firm's halt, then the fence. */
function killStatus(word: number): number {
  if ((word & KILL_LOCAL) !== 0) return RISK_KILL_SWITCH;
  return (word & KILL_FIRM_HALT) !== 0 ? RISK_FIRM_HALT : RISK_FIRM_FENCED;
}

/**
 * Pre-trade risk: every check runs on the strategy thread before anything is enqueued,
 * allocates nothing, and answers OK or a RISK_* status naming the rule. Counters that
 * strategies on several threads share (open orders, positions, working quantity, the
 * kill switch, which strategy ids are taken) live in one SharedArrayBuffer and change
 * only with `Atomics`; pass `buffer` to the other threads' RiskEngine. Token buckets and
 * the reject-storm window belong to one engine (one strategy thread).
 */
export class RiskEngine {
  readonly buffer: SharedArrayBuffer;
  private readonly c: Int32Array;
  private readonly limits: Required<RiskLimits>;
  private readonly positionLimit: number;
  private readonly notionalPerTickLot: Float64Array; // per symbol
  private readonly reference: Float64Array; // per symbol, ticks (NaN: none set)
  private orderTokens: number;
  private cancelTokens: number;
  private lastRefillNs: number;
  private readonly rejectTimes: Float64Array;
  private rejectHead = 0;
  /**
   * The firm credit this host holds (RouterConfig.firm; null: no firm layer). Every check
   * that reserves locally takes firm credit too, and every release gives it back; firm
   * credit is taken last, so a local refusal never touches it.
   */
  firm: FirmCredit | null = null;

  constructor(symbols: number, limits: RiskLimits, buffer?: SharedArrayBuffer) {
    const bytes = RiskEngine.bytesFor(symbols);
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
    this.positionLimit = Math.min(this.limits.maxPositionLots, MAX_COUNTER_LOTS);
    this.notionalPerTickLot = new Float64Array(symbols).fill(0);
    this.reference = new Float64Array(symbols).fill(NaN);
    this.orderTokens = this.limits.orderBurst;
    this.cancelTokens = this.limits.cancelBurst;
    this.lastRefillNs = NaN; // anchored by the first check, on the caller's clock
    this.rejectTimes = new Float64Array(Math.max(1, this.limits.rejectStormCount)).fill(-Infinity);
  }

  /** Size of the shared counters for `symbols` symbols. */
  static bytesFor(symbols: number): number {
    return (W_SYMBOLS + symbols * PER_SYMBOL) * 4;
  }

  /**
   * Take `strategyId` for one router (cold path: at router start). Strategy ids must be
   * distinct among routers sharing these counters: the id keys the open-order count and
   * is written into every order. Throws ERR_STRATEGY_ID_IN_USE when another router holds
   * it, ERR_INVALID_ARGUMENT outside 0 to 63.
   */
  claimStrategy(strategyId: number): void {
    if (!Number.isInteger(strategyId) || strategyId < 0 || strategyId >= MAX_STRATEGIES) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', `strategyId must be an integer from 0 to ${MAX_STRATEGIES - 1}`, strategyId);
    }
    if (Atomics.compareExchange(this.c, W_STRATEGY_CLAIM + strategyId, 0, 1) !== 0) {
      throw new ConfigurationError(
        'ERR_STRATEGY_ID_IN_USE',
        `strategyId ${strategyId} is already used by another router sharing these risk counters: give each strategy thread its own (Router.attach(link, { strategyId }))`,
        strategyId,
      );
    }
  }

  /** Give a strategy id back (the router stopped). */
  releaseStrategy(strategyId: number): void {
    if (Number.isInteger(strategyId) && strategyId >= 0 && strategyId < MAX_STRATEGIES) Atomics.store(this.c, W_STRATEGY_CLAIM + strategyId, 0);
  }

  /** Value of one tick x one lot for a symbol (from its InstrumentSpec), for notional checks. */
  setNotionalPerTickLot(symbolId: number, value: number): void {
    this.notionalPerTickLot[symbolId] = value;
  }

  /** Reference price for the collar and for valuing orders without a limit price, in ticks (a last trade, a mid, a settlement). */
  setReferencePrice(symbolId: number, priceTicks: number): void {
    this.reference[symbolId] = priceTicks;
  }

  /** The reference price in ticks, NaN if none was set. */
  referencePrice(symbolId: number): number {
    return this.reference[symbolId];
  }

  /** Check a new order; OK or a RISK_* status. On OK the order counts as open and its lots as working. */
  checkNew(strategyId: number, symbolId: number, side: number, ordType: number, priceTicks: number, lots: number, nowNs: number): number {
    const c = this.c;
    const limits = this.limits;
    // The kill switch is read plainly, on purpose: it publishes no data (nothing is read
    // on the strength of it, so no ordering is needed), an Int32 element read is tear-free,
    // and V8 reads it from memory on every call. An Atomics.load here measured 125 more
    // instructions per check (823 against 698 per operation under callgrind, same run):
    // the whole of the check's growth. kill() stores it atomically.
    const kill = c[W_KILL];
    if (kill !== 0) return killStatus(kill);
    const priced = this.checkOrderValue(symbolId, ordType, priceTicks, lots);
    if (priced !== OK) return priced;
    this.refill(nowNs);
    if (this.orderTokens < 1) return RISK_ORDER_RATE;
    // A strategy id's open-order count has one writer, the thread of the router that
    // claimed the id (claimStrategy), so it is checked and counted with plain arithmetic;
    // other threads only read it for reports. Limits shared between threads are reserved
    // with compare-and-set (check and increment in one step), so two threads can never both
    // take the last place; a later refusal gives back what was reserved.
    const strategyWord = W_OPEN_STRATEGY + (strategyId & (MAX_STRATEGIES - 1)) * STRATEGY_STRIDE;
    if (c[strategyWord] + 1 > limits.maxOpenOrdersPerStrategy) return RISK_OPEN_ORDERS;
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    if (!this.reserve(base + S_OPEN, 1, limits.maxOpenOrdersPerSymbol)) return RISK_OPEN_ORDERS;
    const exposure = this.reserveExposure(base, side, lots);
    if (exposure !== OK) {
      Atomics.sub(c, base + S_OPEN, 1);
      return exposure;
    }
    const firm = this.firm;
    if (firm !== null) {
      const granted = firm.takeNew(symbolId, side, lots);
      if (granted !== OK) {
        Atomics.sub(c, base + S_OPEN, 1);
        this.releaseLocal(symbolId, side, lots);
        return granted;
      }
    }
    c[strategyWord]++;
    this.orderTokens -= 1;
    return OK;
  }

  /**
   * Check a replace of a working order like a new order (a replace is a new order in
   * risk terms): the new quantity and price against the size, notional and collar rules,
   * one token of the order rate, and `increaseLots` (new quantity minus the old, when
   * positive) against the position limit. On OK the increase is reserved as working; the
   * caller settles the reservation when the venue answers (`release` / `forceReserve`).
   * Refused under the kill switch.
   */
  checkReplace(symbolId: number, side: number, ordType: number, newPriceTicks: number, newLots: number, increaseLots: number, nowNs: number): number {
    const kill = this.c[W_KILL]; // read plainly: see checkNew
    if (kill !== 0) return killStatus(kill);
    const priced = this.checkOrderValue(symbolId, ordType, newPriceTicks, newLots);
    if (priced !== OK) return priced;
    this.refill(nowNs);
    if (this.orderTokens < 1) return RISK_ORDER_RATE;
    if (increaseLots > 0) {
      const exposure = this.reserveExposure(W_SYMBOLS + symbolId * PER_SYMBOL, side, increaseLots);
      if (exposure !== OK) return exposure;
      const firm = this.firm;
      if (firm !== null) {
        const granted = firm.takeLots(symbolId, side, increaseLots);
        if (granted !== OK) {
          this.releaseLocal(symbolId, side, increaseLots);
          return granted;
        }
      }
    }
    this.orderTokens -= 1;
    return OK;
  }

  /** Check a cancel request against the cancel throttle: OK or RISK_CANCEL_RATE. The kill switch never blocks cancels. */
  checkCancel(nowNs: number): number {
    this.refill(nowNs);
    if (this.cancelTokens < 1) return RISK_CANCEL_RATE;
    this.cancelTokens -= 1;
    return OK;
  }

  /** A fill: the position moves and the working quantity shrinks (one exposure word moves, see the layout). */
  onFill(symbolId: number, side: number, lots: number): void {
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    if (side === Side.BUY) {
      Atomics.add(this.c, base + S_POSITION, lots);
      Atomics.add(this.c, base + S_SELL_EXPOSURE, lots);
    } else {
      Atomics.sub(this.c, base + S_POSITION, lots);
      Atomics.sub(this.c, base + S_BUY_EXPOSURE, lots);
    }
    this.firm?.filled(symbolId, side, lots);
  }

  /** `lots` of an order stopped working without filling (ended, or replaced smaller). */
  release(symbolId: number, side: number, lots: number): void {
    if (lots <= 0) return;
    this.releaseLocal(symbolId, side, lots);
    this.firm?.giveLots(symbolId, side, lots);
  }

  private releaseLocal(symbolId: number, side: number, lots: number): void {
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    if (side === Side.BUY) Atomics.sub(this.c, base + S_BUY_EXPOSURE, lots);
    else Atomics.add(this.c, base + S_SELL_EXPOSURE, lots);
  }

  /**
   * Count `lots` as working without a check: the venue says an order works for more than
   * was reserved (a replace confirmed above what was asked). What a venue has is counted,
   * whatever the limit says.
   */
  forceReserve(symbolId: number, side: number, lots: number): void {
    if (lots <= 0) return;
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    if (side === Side.BUY) Atomics.add(this.c, base + S_BUY_EXPOSURE, lots);
    else Atomics.sub(this.c, base + S_SELL_EXPOSURE, lots);
    this.firm?.forceLots(symbolId, side, lots);
  }

  /**
   * Count one more open order without a check: an emulated replace's new order takes the
   * place of the old one, which `onDone` then gives back (the count never moves net).
   */
  addOpen(strategyId: number, symbolId: number): void {
    this.c[W_OPEN_STRATEGY + (strategyId & (MAX_STRATEGIES - 1)) * STRATEGY_STRIDE]++; // one writer: see checkNew
    Atomics.add(this.c, W_SYMBOLS + symbolId * PER_SYMBOL + S_OPEN, 1);
    this.firm?.forceOpen();
  }

  /** An order ended (filled, canceled, rejected, expired) with `reservedLots` still counted as working. */
  onDone(strategyId: number, symbolId: number, side: number, reservedLots: number): void {
    this.c[W_OPEN_STRATEGY + (strategyId & (MAX_STRATEGIES - 1)) * STRATEGY_STRIDE]--; // one writer: see checkNew
    Atomics.sub(this.c, W_SYMBOLS + symbolId * PER_SYMBOL + S_OPEN, 1);
    this.firm?.giveOpen();
    this.release(symbolId, side, reservedLots);
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

  /** Where kill switch changes are journaled (the journaling router's engine; null: none). */
  journal: JournalLane | null = null;

  /** Stop all new orders and replaces, on every thread sharing these counters (cancels still go). Journaled, so a restart keeps it. */
  kill(): void {
    if ((Atomics.or(this.c, W_KILL, KILL_LOCAL) & KILL_LOCAL) === 0) this.journal?.numbers(JournalRecordType.KILL_SWITCH, nanoTime(), 1, 0, 0, 1);
  }

  /** Clear this router's own kill switch (a firm halt or fence, set by the firm layer, stays until the firm clears it). */
  resume(): void {
    if ((Atomics.and(this.c, W_KILL, ~KILL_LOCAL) & KILL_LOCAL) !== 0) this.journal?.numbers(JournalRecordType.KILL_SWITCH, nanoTime(), 0, 0, 0, 1);
  }

  /** New orders are stopped: by this router's kill switch, the firm halt or the firm fence (`killState` says which). */
  get killed(): boolean {
    return Atomics.load(this.c, W_KILL) !== 0;
  }

  /** The kill word: KILL_LOCAL | KILL_FIRM_HALT | KILL_FIRM_FENCED bits. */
  get killState(): number {
    return Atomics.load(this.c, W_KILL);
  }

  position(symbolId: number): number {
    return Atomics.load(this.c, W_SYMBOLS + symbolId * PER_SYMBOL + S_POSITION);
  }

  openOrders(symbolId: number): number {
    return Atomics.load(this.c, W_SYMBOLS + symbolId * PER_SYMBOL + S_OPEN);
  }

  /** Open orders of one strategy id, across every thread sharing these counters. */
  openOrdersOfStrategy(strategyId: number): number {
    return Atomics.load(this.c, W_OPEN_STRATEGY + (strategyId & (MAX_STRATEGIES - 1)) * STRATEGY_STRIDE);
  }

  /** Lots working on one side of a symbol (a snapshot of two words: exact only while nothing moves). */
  working(symbolId: number, side: number): number {
    const base = W_SYMBOLS + symbolId * PER_SYMBOL;
    const position = Atomics.load(this.c, base + S_POSITION);
    return side === Side.BUY ? Atomics.load(this.c, base + S_BUY_EXPOSURE) - position : position - Atomics.load(this.c, base + S_SELL_EXPOSURE);
  }

  /** Size, notional and collar of one order at `priceTicks` x `lots` (no shared state touched). */
  private checkOrderValue(symbolId: number, ordType: number, priceTicks: number, lots: number): number {
    const limits = this.limits;
    if (lots > limits.maxOrderLots || lots > MAX_COUNTER_LOTS) return RISK_ORDER_QUANTITY;
    const hasPrice = ordType === OrderType.LIMIT || ordType === OrderType.STOP_LIMIT;
    const reference = this.reference[symbolId];
    const pricing = hasPrice ? priceTicks : reference;
    if (limits.maxOrderNotional !== Number.POSITIVE_INFINITY) {
      if (pricing !== pricing) return RISK_NO_REFERENCE_PRICE; // a market or stop order with nothing to value it at
      if (Math.abs(pricing) * lots * this.notionalPerTickLot[symbolId] > limits.maxOrderNotional) return RISK_ORDER_NOTIONAL;
    }
    if (hasPrice && limits.priceCollarBps !== Number.POSITIVE_INFINITY) {
      if (reference !== reference) return RISK_NO_REFERENCE_PRICE;
      if (Math.abs(priceTicks - reference) * 10_000 > limits.priceCollarBps * Math.abs(reference)) return RISK_PRICE_COLLAR;
    }
    return OK;
  }

  /**
   * Reserve `lots` on the side's exposure word if the worst case stays within the
   * position limit. One word holds everything the check reads, so the compare-and-set
   * validates exactly what was judged: a fill on another thread moves the word and makes
   * the CAS fail and retry with the fresh value.
   */
  private reserveExposure(base: number, side: number, lots: number): number {
    const c = this.c;
    const limit = this.positionLimit;
    const word = side === Side.BUY ? base + S_BUY_EXPOSURE : base + S_SELL_EXPOSURE;
    // A plain read seeds the loop: an Int32 element read is tear-free, and whatever it
    // returns, the compare-and-set below accepts only the word's current value.
    let current = c[word];
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      // Only the direction this order grows is limited (a buy while short beyond the
      // limit reduces the position); both stay inside the 32-bit counter.
      const next = side === Side.BUY ? current + lots : current - lots;
      if (side === Side.BUY ? next > limit : next < -limit) return RISK_POSITION;
      if (next > MAX_COUNTER_LOTS || next < -MAX_COUNTER_LOTS) return RISK_POSITION;
      const seen = Atomics.compareExchange(c, word, current, next);
      if (seen === current) return OK;
      current = seen;
    }
    return RISK_CONTENDED;
  }

  /** Add `amount` to a shared counter unless that would take it past `limit` (one CAS when uncontended). */
  private reserve(word: number, amount: number, limit: number): boolean {
    let current = this.c[word]; // a seed only: the CAS validates it (see reserveExposure)
    for (;;) {
      if (current + amount > limit) return false;
      const seen = Atomics.compareExchange(this.c, word, current, current + amount);
      if (seen === current) return true;
      current = seen;
    }
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
