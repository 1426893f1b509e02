import {
  ConfigurationError,
  IdMap,
  InstrumentTable,
  isTerminalState,
  nanoTime,
  OrderEvent,
  OrderFlags,
  OrderFlyweight,
  OrderState,
  OrderStateMachine,
  OrderType,
  ORDER_RECORD_BYTES,
  OK,
  POOL_EXHAUSTED,
  RecordClass,
  Side,
  SlabPool,
  TimeInForce,
  UNKNOWN_SYMBOL,
} from '@ringroute/core';
import { GatewayCommand } from '../protocol/GatewayCommand.js';
import { TopOfBook } from '../protocol/TopOfBook.js';
import { WorkerPool } from '../workers/WorkerPool.js';
import type { OrderEventHandler } from './OrderEventHandler.js';
import type { OrderRequest, RouterConfig } from './RouterConfig.js';
import { RiskEngine } from './RiskEngine.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import { VenueRouting } from './VenueRouting.js';
import { SelfTradeGuard } from './SelfTradeGuard.js';
import { AckWatch, type AckWatchOwner } from './AckWatch.js';
import { ExecutionApplier, type RouterStats } from './ExecutionApplier.js';
import { RISK_SELF_TRADE, RISK_VENUE_CANCEL_RATE, RISK_VENUE_ORDER_RATE } from './RiskStatus.js';
import { VenueThrottle } from './VenueThrottle.js';
import { INVALID_REQUEST, NOT_WORKING, ROUTER_STOPPED, UNKNOWN_ORDER } from './RouterStatus.js';

const TYPES: Record<string, number> = { limit: OrderType.LIMIT, market: OrderType.MARKET, stop: OrderType.STOP, 'stop-limit': OrderType.STOP_LIMIT };
const TIFS: Record<string, number> = { GTC: TimeInForce.GTC, IOC: TimeInForce.IOC, FOK: TimeInForce.FOK, DAY: TimeInForce.DAY, GTD: TimeInForce.GTD };

/**
 * The router a strategy embeds: validates an order against its instrument, puts it in the
 * shared order pool, hands its handle to the gateway worker of its venue, and turns the
 * execution events that come back into state changes and calls on the strategy's handler.
 *
 * Nothing on the request path throws: `submit`, `cancel` and `replace` return a client
 * order id or OK, or a negative status (`statusName` / `ringStatusName` name them):
 * instrument statuses (UNKNOWN_SYMBOL, PRICE_OFF_TICK, NOTIONAL_BELOW_MIN, ...),
 * POOL_EXHAUSTED, RING_FULL (back-pressure: try again), RING_CLOSED (the venue's gateway
 * is down), UNKNOWN_VENUE, UNKNOWN_ORDER, NOT_WORKING, INVALID_REQUEST.
 *
 * Single-threaded: one Router per strategy thread. Pre-trade risk (`risk`) and
 * self-trade prevention run on that thread before anything is enqueued.
 */
export class Router implements AckWatchOwner {
  readonly instruments: InstrumentTable;
  readonly orders: SlabPool;
  readonly topOfBook: TopOfBook;
  /** Pre-trade risk: limits, positions, kill switch (share `risk.buffer` with other strategy threads). */
  readonly risk: RiskEngine;
  /** Venue names, defaults, circuit breakers and smart routing. */
  readonly routing: VenueRouting;
  /** Counts of everything the router has seen (for reports and the demo). */
  readonly stats: RouterStats = { submitted: 0, accepted: 0, filled: 0, canceled: 0, rejected: 0, unknown: 0, duplicates: 0, staleEvents: 0, ackTimeouts: 0 };
  private readonly pool: WorkerPool;
  private readonly order: OrderFlyweight;
  /**
   * The fast path's order: `claim()` positions it at a fresh, cleared order; fill it
   * (symbolId, side, ordType, tif, flags, priceTicks, stopPriceTicks, quantityLots, and
   * optionally accountId and venueId), then `send()`. Nothing is allocated or parsed.
   */
  readonly draft: OrderFlyweight;
  private draftHandle = -1;
  private readonly machine = new OrderStateMachine();
  private readonly byId: IdMap;
  private readonly venueOfSlot: Int32Array;
  private readonly strategyId: number;
  private readonly accountId: number;
  private nextClientOrderId = 1;
  /** Orders whose gateway failed: onUnknown is delivered on the next poll. */
  private readonly unknownQueue: number[] = [];
  /** Applies execution events (the gateways' event rings are read into it). */
  private readonly events: ExecutionApplier;
  private stopping = false;
  /** Self-trade prevention (null when configured off) and the flyweight its confirming scan reads through. */
  private readonly stp: SelfTradeGuard | null;
  private readonly probe: OrderFlyweight;
  /** Orders awaiting their acknowledgement (null: ack timeouts off). */
  private readonly ackWatch: AckWatch | null;
  private readonly ackTimeoutNs: number;
  private pollsWithoutTime = 0;
  /** Each venue's published order and cancel rate limits. */
  private readonly venueOrders: VenueThrottle;
  private readonly venueCancels: VenueThrottle;
  /** Scratch for `submitSplit`: each child's venue and lots. */
  private readonly splitVenues: Int32Array;
  private readonly splitLots: Float64Array;

  private constructor(config: RouterConfig, instruments: InstrumentTable, orders: SlabPool, topOfBook: TopOfBook, pool: WorkerPool) {
    this.instruments = instruments;
    this.orders = orders;
    this.topOfBook = topOfBook;
    this.pool = pool;
    this.routing = new VenueRouting(config, instruments, topOfBook);
    this.order = new OrderFlyweight(orders);
    this.draft = new OrderFlyweight(orders);
    this.probe = new OrderFlyweight(orders);
    this.stp = config.selfTradePrevention === false ? null : new SelfTradeGuard(config.venues.length, instruments.capacity);
    this.splitVenues = new Int32Array(config.venues.length);
    this.splitLots = new Float64Array(config.venues.length);
    this.venueOrders = new VenueThrottle(config.venues.map((v) => ({ perSecond: v.ordersPerSecond, burst: v.orderBurst })));
    this.venueCancels = new VenueThrottle(config.venues.map((v) => ({ perSecond: v.cancelsPerSecond, burst: v.cancelBurst })));
    this.ackTimeoutNs = (config.ackTimeoutMs ?? 1_000) * 1e6;
    this.ackWatch = this.ackTimeoutNs > 0 ? new AckWatch(orders.capacity) : null;
    this.byId = new IdMap(1024);
    this.venueOfSlot = new Int32Array(orders.capacity).fill(-1);
    this.strategyId = config.strategyId ?? 1;
    this.accountId = config.accountId ?? 1;
    this.risk = new RiskEngine(instruments.capacity, config.risk ?? {}, config.riskBuffer);
    this.events = new ExecutionApplier(this.order, this.machine, this.risk, this.routing.breakers, this.stats, (handle) => this.release(handle));
    for (let id = 0; id < instruments.size; id++) {
      const spec = instruments.spec(id);
      if (spec !== undefined) this.risk.setNotionalPerTickLot(id, spec.tick.stepValue * spec.lot.stepValue);
    }
  }

  /** Reference price of a symbol for the risk price collar (a decimal). OK or a status. */
  setReferencePrice(symbol: string, price: string | number): number {
    const id = this.instruments.idOf(symbol);
    const spec = id >= 0 ? this.instruments.spec(id) : undefined;
    if (spec === undefined) return UNKNOWN_SYMBOL;
    const ticks = spec.tick.tryToUnits(price);
    if (ticks !== ticks) return spec.tick.lastStatus;
    this.risk.setReferencePrice(id, ticks);
    return OK;
  }

  /** Start a router: instruments, the order pool, and one gateway worker per venue. */
  static async create(config: RouterConfig): Promise<Router> {
    if (config.venues.length === 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'a router needs at least one venue', config.venues);
    const names = new Set(config.venues.map((v) => v.name));
    if (names.size !== config.venues.length) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'venue names must be unique', [...names]);
    const instruments = InstrumentTable.create(Math.max(16, config.instruments.length));
    for (const i of config.instruments) instruments.define(i);
    const orders = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: config.orderCapacity ?? 65_536, recordClass: RecordClass.ORDER });
    const topOfBook = TopOfBook.create(config.venues.length, instruments.capacity);
    let router: Router | null = null;
    const pool = await WorkerPool.start({
      workers: config.venues.length,
      task: config.venues[0].task,
      tasks: config.venues.map((v) => v.task),
      idle: config.idle ?? 'backoff',
      data: (i) => ({
        orders: orders.buffer,
        topOfBook: topOfBook.buffer,
        venueId: i,
        adapter: { symbols: instruments.capacity, ...(config.venues[i].adapter as object | undefined) },
      }),
      onFailure: (failure) => {
        router?.markVenueUnknown(failure.index);
        config.onGatewayFailure?.(failure);
      },
    });
    router = new Router(config, instruments, orders, topOfBook, pool);
    return router;
  }

  /** Send an order. Returns its client order id (> 0) or a negative status; never throws. */
  submit(request: OrderRequest): number {
    if (this.stopping) return ROUTER_STOPPED;
    const symbolId = this.instruments.idOf(request.symbol);
    if (symbolId < 0) return UNKNOWN_SYMBOL;
    const spec = this.instruments.spec(symbolId);
    if (spec === undefined) return UNKNOWN_SYMBOL;
    const side = request.side === 'buy' ? Side.BUY : request.side === 'sell' ? Side.SELL : 0;
    const type = TYPES[request.type ?? 'limit'];
    const tif = TIFS[request.tif ?? 'GTC'];
    if (side === 0 || type === undefined || tif === undefined) return INVALID_REQUEST;
    const lots = spec.lot.tryToUnits(request.quantity);
    if (lots !== lots) return spec.lot.lastStatus;
    const needsPrice = type === OrderType.LIMIT || type === OrderType.STOP_LIMIT;
    const ticks = needsPrice ? spec.tick.tryToUnits(request.price ?? NaN) : NaN;
    if (needsPrice && ticks !== ticks) return spec.tick.lastStatus;
    const needsStop = type === OrderType.STOP || type === OrderType.STOP_LIMIT;
    const stopTicks = needsStop ? spec.tick.tryToUnits(request.stopPrice ?? NaN) : 0;
    if (needsStop && stopTicks !== stopTicks) return spec.tick.lastStatus;
    const rule = spec.checkOrder(ticks, lots);
    if (rule !== OK) return rule;
    const now = nanoTime();
    const venue = this.routing.select(request.venue, symbolId, side, needsPrice ? ticks : NaN, now);
    if (venue < 0) return venue;
    const account = request.account ?? this.accountId;
    if (this.selfTrade(venue, symbolId, account, side, type, ticks)) return RISK_SELF_TRADE;
    if (!this.venueOrders.allows(venue, now)) return RISK_VENUE_ORDER_RATE;
    const risk = this.risk.checkNew(this.strategyId, symbolId, side, type, ticks, lots, now);
    if (risk !== OK) return risk;
    return this.enter(symbolId, side, type, tif, request.postOnly === true ? OrderFlags.POST_ONLY : 0, needsPrice ? ticks : 0, stopTicks, lots, venue, account, now);
  }

  /**
   * Send a marketable order split across venues by displayed size (see
   * `VenueRouting.split`): each child is an ordinary order (its own client order id, all
   * the same checks) and its id is pushed onto `childIds`. Returns how many children were
   * sent; children go best venue first and sending stops at the first refusal, whose
   * status is returned when no child went. `request.venue` is ignored. Convenience path.
   */
  submitSplit(request: OrderRequest, childIds: number[] = []): number {
    if (this.stopping) return ROUTER_STOPPED;
    const symbolId = this.instruments.idOf(request.symbol);
    const spec = symbolId >= 0 ? this.instruments.spec(symbolId) : undefined;
    if (spec === undefined) return UNKNOWN_SYMBOL;
    const side = request.side === 'buy' ? Side.BUY : request.side === 'sell' ? Side.SELL : 0;
    if (side === 0) return INVALID_REQUEST;
    const lots = spec.lot.tryToUnits(request.quantity);
    if (lots !== lots) return spec.lot.lastStatus;
    const type = request.type ?? 'limit';
    const limit = type === 'limit' || type === 'stop-limit' ? spec.tick.tryToUnits(request.price ?? NaN) : NaN;
    if ((type === 'limit' || type === 'stop-limit') && limit !== limit) return spec.tick.lastStatus;
    const count = this.routing.split(symbolId, side, limit, lots, nanoTime(), this.splitVenues, this.splitLots);
    if (count < 0) return count;
    let sent = 0;
    for (let i = 0; i < count; i++) {
      const id = this.submit({ ...request, venue: this.routing.venueNames[this.splitVenues[i]], quantity: spec.lot.fromUnits(this.splitLots[i]) });
      if (id < 0) return sent > 0 ? sent : id;
      childIds.push(id);
      sent++;
    }
    return sent;
  }

  /**
   * Fast path, step 1: claim an order slot. Returns its handle (`router.draft` now points
   * at it, cleared, with the router's account and default venue filled in) or
   * POOL_EXHAUSTED. A claimed draft that is not sent is given back by the next claim.
   */
  claim(): number {
    if (this.stopping) return ROUTER_STOPPED;
    if (this.draftHandle >= 0) this.orders.free(this.draftHandle);
    const handle = this.orders.allocate();
    this.draftHandle = handle;
    if (handle < 0) return POOL_EXHAUSTED;
    const d = this.draft;
    d.wrapIndex(this.orders.indexOf(handle));
    d.clear();
    d.accountId = this.accountId;
    d.tif = TimeInForce.GTC;
    d.ordType = OrderType.LIMIT;
    d.venueId = 0xffff; // "default venue for the symbol" unless the strategy sets one
    return handle;
  }

  /**
   * Fast path, step 2: validate the claimed draft (instrument rules, risk) and send it.
   * Returns its client order id or a negative status; on a status the slot is freed.
   *
   * `nowNs` (on the `nanoTime()` clock) is the order's timestamp and the time token buckets
   * and breakers are judged at. Pass the time your strategy already has (its market-data
   * event's receive time, its loop's clock) to make the send allocation-free: without it
   * the router reads the clock, and in Node 20 every clock read (performance.now,
   * Date.now, hrtime) allocates a 16-byte heap number.
   */
  send(nowNs?: number): number {
    const handle = this.draftHandle;
    if (handle < 0) return UNKNOWN_ORDER;
    this.draftHandle = -1;
    const d = this.draft;
    const symbolId = d.symbolId;
    const spec = symbolId >= 0 && symbolId < this.instruments.capacity ? this.instruments.spec(symbolId) : undefined;
    let status: number = OK;
    if (spec === undefined) status = UNKNOWN_SYMBOL;
    else if (d.side !== Side.BUY && d.side !== Side.SELL) status = INVALID_REQUEST;
    else {
      const type = d.ordType;
      const priced = type === OrderType.LIMIT || type === OrderType.STOP_LIMIT;
      status = spec.checkOrder(priced ? d.priceTicks : NaN, d.quantityLots);
    }
    const now = nowNs === undefined ? nanoTime() : nowNs;
    const venue = this.routing.selectIndex(d.venueId === 0xffff ? -1 : d.venueId, symbolId, now);
    if (status === OK && venue < 0) status = venue;
    if (status === OK && this.selfTrade(venue, symbolId, d.accountId, d.side, d.ordType, d.priceTicks)) status = RISK_SELF_TRADE;
    if (status === OK && !this.venueOrders.allows(venue, now)) status = RISK_VENUE_ORDER_RATE;
    if (status === OK) status = this.risk.checkNew(this.strategyId, symbolId, d.side, d.ordType, d.priceTicks, d.quantityLots, now);
    if (status !== OK) {
      this.orders.free(handle);
      return status;
    }
    return this.dispatch(handle, d, venue, now);
  }

  /** Ask to cancel a working order. OK or a status. `nowNs` as for `send` (optional). */
  cancel(clientOrderId: number, nowNs?: number): number {
    const handle = this.byId.get(clientOrderId);
    if (handle < 0) return UNKNOWN_ORDER;
    const o = this.order;
    if (o.wrap(handle) !== OK) return UNKNOWN_ORDER;
    if (OrderStateMachine.next(o.state, OrderEvent.CANCEL_REQUEST, o.state) < 0) return NOT_WORKING;
    const now = nowNs === undefined ? nanoTime() : nowNs;
    const venue = this.venueOfSlot[this.orders.indexOf(handle)];
    if (!this.venueCancels.allows(venue, now)) return RISK_VENUE_CANCEL_RATE;
    const throttle = this.risk.checkCancel(now);
    if (throttle !== OK) return throttle;
    const status = this.pool.workers[venue].commands.offerPair(GatewayCommand.CANCEL, handle, 0);
    if (status !== OK) return status;
    this.venueCancels.take(venue);
    this.machine.apply(o, OrderEvent.CANCEL_REQUEST, now);
    return OK;
  }

  /**
   * Cancel every working order that matches all the given filters (symbol, venue name,
   * account); with no filter, every working order. Returns how many cancels were sent.
   * Orders not yet acknowledged are skipped (their cancel would be refused as NOT_WORKING);
   * call again after the next poll. Scans the order slots: a cold path.
   */
  cancelAll(filter: { symbol?: string; venue?: string; account?: number } = {}): number {
    const symbolId = filter.symbol === undefined ? -1 : this.instruments.idOf(filter.symbol);
    if (filter.symbol !== undefined && symbolId < 0) return 0;
    const venue = filter.venue === undefined ? -1 : this.venueId(filter.venue);
    if (filter.venue !== undefined && venue < 0) return 0;
    const o = this.order;
    const ids: number[] = [];
    for (let index = 0; index < this.venueOfSlot.length; index++) {
      if (this.venueOfSlot[index] < 0) continue;
      if (venue >= 0 && this.venueOfSlot[index] !== venue) continue;
      o.wrapIndex(index);
      if (symbolId >= 0 && o.symbolId !== symbolId) continue;
      if (filter.account !== undefined && o.accountId !== filter.account) continue;
      ids.push(o.clientOrderId);
    }
    let sent = 0;
    for (const id of ids) if (this.cancel(id) === OK) sent++;
    return sent;
  }

  /** Ask to change a working order's price and/or quantity (decimals). OK or a status. */
  replace(clientOrderId: number, price: string | number, quantity: string | number): number {
    const handle = this.byId.get(clientOrderId);
    if (handle < 0) return UNKNOWN_ORDER;
    const o = this.order;
    if (o.wrap(handle) !== OK) return UNKNOWN_ORDER;
    const spec = this.instruments.spec(o.symbolId)!;
    const ticks = spec.tick.tryToUnits(price);
    if (ticks !== ticks) return spec.tick.lastStatus;
    const lots = spec.lot.tryToUnits(quantity);
    if (lots !== lots) return spec.lot.lastStatus;
    const rule = spec.checkOrder(ticks, lots);
    if (rule !== OK) return rule;
    if (OrderStateMachine.next(o.state, OrderEvent.REPLACE_REQUEST, o.state) < 0) return NOT_WORKING;
    const venue = this.venueOfSlot[this.orders.indexOf(handle)];
    if (this.selfTrade(venue, o.symbolId, o.accountId, o.side, o.ordType, ticks)) return RISK_SELF_TRADE;
    const ring = this.pool.workers[venue].commands;
    const at = ring.claim(GatewayCommand.REPLACE, 24);
    if (at < 0) return at;
    ring.i32[at >> 2] = handle;
    ring.f64[(at >> 3) + 1] = ticks;
    ring.f64[(at >> 3) + 2] = lots;
    ring.commit(at);
    this.stp?.reprice(venue, o.symbolId, o.accountId, o.side, o.ordType, ticks);
    this.machine.apply(o, OrderEvent.REPLACE_REQUEST, nanoTime());
    return OK;
  }

  /**
   * Deliver pending execution events to `handler`. Returns how many events were read.
   * `nowNs` stamps the state changes; without it the clock is read once, and only if an
   * event arrives (see `send` on why that matters).
   */
  poll(handler: OrderEventHandler, limitPerVenue = 256, nowNs?: number): number {
    const events = this.events;
    events.handler = handler;
    events.now = nowNs;
    let delivered = 0;
    while (this.unknownQueue.length > 0) {
      const handle = this.unknownQueue.shift()!;
      if (this.order.wrap(handle) === OK && this.order.state === OrderState.UNKNOWN) {
        handler.onUnknown?.(this.order);
        delivered++;
      }
    }
    delivered += this.pool.poll(events, limitPerVenue);
    const watch = this.ackWatch;
    if (watch !== null && watch.size > 0) {
      // Judged at the poll's time; with none given and no event read, the clock is read
      // every 256th poll only (each read allocates).
      if (events.now === undefined && (++this.pollsWithoutTime & 255) === 0) events.now = nanoTime();
      if (events.now !== undefined) watch.expire(events.now, this.ackTimeoutNs, this);
    }
    return delivered;
  }

  /** @internal AckWatchOwner: is this order still waiting for the venue's acknowledgement? */
  awaitingAck(handle: number, clientOrderId: number): boolean {
    const p = this.probe;
    return p.wrap(handle) === OK && p.clientOrderId === clientOrderId && p.state === OrderState.PENDING_NEW;
  }

  /** @internal AckWatchOwner: the venue did not acknowledge in time: a breaker failure. */
  ackOverdue(handle: number, nowNs: number): void {
    this.stats.ackTimeouts++;
    this.routing.breakers[this.probe.wrap(handle) === OK ? this.probe.venueId : -1]?.onFailure(nowNs);
  }

  /** The order with this client order id, positioned (or null if not live). Valid until the next router call. */
  orderOf(clientOrderId: number): OrderFlyweight | null {
    const handle = this.byId.get(clientOrderId);
    return handle >= 0 && this.order.wrap(handle) === OK ? this.order : null;
  }

  /** The gateway workers (supervision: `failures`, `workers[i].state`; fault injection: `terminateWorker`). */
  get gateways(): WorkerPool {
    return this.pool;
  }

  /** The circuit breaker of each venue (index = venue id). */
  get breakers(): readonly CircuitBreaker[] {
    return this.routing.breakers;
  }

  /** Index of a venue by name, or UNKNOWN_VENUE. */
  venueId(name: string): number {
    return this.routing.venueId(name);
  }

  /** Live orders (submitted, not yet terminal). */
  get liveOrders(): number {
    return this.byId.size;
  }

  /**
   * Graceful stop: refuse new orders (ROUTER_STOPPED), cancel every working order, keep
   * delivering events to `handler` until no order is live or `timeoutMs` passes; orders
   * still live then become UNKNOWN (`onUnknown`). Then the gateways drain and stop.
   */
  async stop(handler: OrderEventHandler = {}, options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    const deadline = nanoTime() + (options.timeoutMs ?? 5_000) * 1e6;
    let lastCancelSweep = 0;
    while (this.liveWorking() > 0 && nanoTime() < deadline) {
      const now = nanoTime();
      if (now - lastCancelSweep > 5e6) {
        this.cancelAll(); // orders acknowledged since the last sweep are canceled too
        lastCancelSweep = now;
      }
      if (this.poll(handler, 1_024) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // Whatever is still live did not resolve in time: its fate is unknown.
    const o = this.order;
    for (let index = 0; index < this.venueOfSlot.length; index++) {
      if (this.venueOfSlot[index] < 0) continue;
      o.wrapIndex(index);
      if (!isTerminalState(o.state) && o.state !== OrderState.UNKNOWN && this.machine.apply(o, OrderEvent.LOST, nanoTime()) >= 0) {
        this.stats.unknown++;
        handler.onUnknown?.(o);
      }
    }
    this.events.handler = handler;
    this.events.now = undefined;
    await this.pool.stop({ handler: this.events });
  }

  /** Live orders that are not already UNKNOWN (those wait for reconciliation, not for a venue). */
  private liveWorking(): number {
    let n = 0;
    const o = this.order;
    for (let index = 0; index < this.venueOfSlot.length; index++) {
      if (this.venueOfSlot[index] < 0) continue;
      if (o.wrapIndex(index).state !== OrderState.UNKNOWN) n++;
    }
    return n;
  }

  /** Convenience path: put a checked order in a new slot and dispatch it. */
  private enter(symbolId: number, side: number, type: number, tif: number, flags: number, ticks: number, stopTicks: number, lots: number, venue: number, account: number, now: number): number {
    const handle = this.orders.allocate();
    if (handle < 0) {
      this.risk.onDone(this.strategyId, symbolId, side, lots);
      return POOL_EXHAUSTED;
    }
    const o = this.order;
    o.wrapIndex(this.orders.indexOf(handle));
    o.clear();
    o.symbolId = symbolId;
    o.accountId = account;
    o.side = side;
    o.ordType = type;
    o.tif = tif;
    o.flags = flags;
    o.priceTicks = ticks;
    o.stopPriceTicks = stopTicks;
    o.quantityLots = lots;
    return this.dispatch(handle, o, venue, now);
  }

  /** Give a validated, risk-checked order its id and hand it to its venue's gateway. */
  private dispatch(handle: number, o: OrderFlyweight, venue: number, now: number): number {
    const id = this.nextClientOrderId++;
    o.clientOrderId = id;
    o.venueId = venue;
    o.strategyId = this.strategyId;
    o.leavesLots = o.quantityLots;
    o.createdNs = now;
    o.sentNs = now;
    this.machine.apply(o, OrderEvent.SUBMIT, now);
    const status = this.pool.workers[venue].commands.offerPair(GatewayCommand.NEW, handle, 0);
    if (status !== OK) {
      this.risk.onDone(this.strategyId, o.symbolId, o.side, o.quantityLots);
      this.orders.free(handle); // never left: nothing to reconcile
      return status;
    }
    this.byId.set(id, handle);
    this.venueOfSlot[this.orders.indexOf(handle)] = venue;
    this.stp?.add(venue, o.symbolId, o.accountId, o.side, o.ordType, o.priceTicks);
    this.routing.breakers[venue].onSent();
    this.ackWatch?.watch(handle, id, now);
    this.venueOrders.take(venue);
    this.stats.submitted++;
    return id;
  }

  /** Self-trade prevention (see SelfTradeGuard): would this order meet a working order of the same account on the same venue? */
  private selfTrade(venue: number, symbolId: number, account: number, side: number, ordType: number, ticks: number): boolean {
    return this.stp !== null && this.stp.wouldCross(venue, symbolId, account, side, ordType, ticks, this.venueOfSlot, this.probe);
  }

  private handleOfIndex(index: number): number {
    return this.byId.get(this.order.wrapIndex(index).clientOrderId);
  }

  private release(handle: number): void {
    const o = this.order;
    this.risk.onDone(o.strategyId, o.symbolId, o.side, o.quantityLots - o.filledLots);
    this.byId.delete(o.clientOrderId);
    const index = this.orders.indexOf(handle);
    this.stp?.remove(this.venueOfSlot[index], o.symbolId, o.accountId, o.side, o.ordType);
    this.venueOfSlot[index] = -1;
    this.orders.free(handle);
  }

  /** A gateway failed: every order it held is now UNKNOWN (reported on the next poll). */
  private markVenueUnknown(venue: number): void {
    this.routing.breakers[venue].trip(true);
    const o = this.order;
    for (let index = 0; index < this.venueOfSlot.length; index++) {
      if (this.venueOfSlot[index] !== venue) continue;
      o.wrapIndex(index);
      if (!isTerminalState(o.state) && this.machine.apply(o, OrderEvent.LOST, nanoTime()) >= 0) {
        this.stats.unknown++;
        this.unknownQueue.push(this.handleOfIndex(index));
      }
    }
  }
}
