import type { FirmClient } from '../firm/FirmClient.js';
import {
  ConfigurationError,
  InstrumentTable,
  nanoTime,
  OrderEvent,
  OrderFlyweight,
  OrderState,
  OrderStateMachine,
  OrderType,
  OK,
  POOL_EXHAUSTED,
  QUANTITY_BELOW_FILLED,
  Side,
  SlabPool,
  TimeInForce,
  UNKNOWN_SYMBOL,
} from '@ringroute/core';
import { GatewayCommand } from '../protocol/GatewayCommand.js';
import { TopOfBook } from '../protocol/TopOfBook.js';
import { WorkerPool } from '../workers/WorkerPool.js';
import { GatewayLane } from '../workers/GatewayLane.js';
import type { InlineGateways } from '../workers/InlineGateways.js';
import type { OrderEventHandler } from './OrderEventHandler.js';
import type { OrderRequest, RouterConfig, RouterLink, RouterOptions, VenueLimits } from './RouterConfig.js';
import { RiskEngine } from './RiskEngine.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import { VenueRouting } from './VenueRouting.js';
import { SelfTradeGuard } from './SelfTradeGuard.js';
import { AckWatch, type AckWatchOwner } from './AckWatch.js';
import { ExecutionApplier, type RouterStats } from './ExecutionApplier.js';
import { OrderDesk } from './OrderDesk.js';
import { GatewayLosses } from './GatewayLosses.js';
import { OrderReservations } from './OrderReservations.js';
import { SlotRecycler } from './SlotRecycler.js';
import { ReplaceEmulation } from './ReplaceEmulation.js';
import { LiveOrders } from './LiveOrders.js';
import { OrderRequestParser } from './OrderRequestParser.js';
import { attachRouter, startRouter } from './RouterFactory.js';
import { startEventLoop, type EventLoopHandle } from './EventLoop.js';
import { RISK_SELF_TRADE, RISK_VENUE_CANCEL_RATE, RISK_VENUE_ORDER_RATE } from './RiskStatus.js';
import { RATE_CANCEL, RATE_ORDER, VenueRateLimits } from './VenueRateLimits.js';
import { VenueCapabilities } from './VenueCapabilities.js';
import { INVALID_REQUEST, JOURNAL_FAILED, NOT_WORKING, ROUTER_STOPPED, UNKNOWN_ORDER, VENUE_UNSUPPORTED } from './RouterStatus.js';
import { JournalRecordType } from '../journal/JournalFormat.js';
import type { Journal } from '../journal/Journal.js';
import type { JournalLane } from '../journal/JournalLane.js';
import type { JournalOpened } from '../journal/Journal.js';
import type { JournalReplay } from '../recovery/JournalReplay.js';
import type { RecoveryOptions, RecoveryReport } from '../recovery/RecoveryReport.js';
import { RouterRecovery, type LaneRecovery } from '../recovery/RouterRecovery.js';

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
 * self-trade prevention run on that thread before anything is enqueued. Strategy threads
 * share the gateway workers of the router that created them: `Router.create` with
 * `strategyThreads: n`, then `Router.attach(router.link(i))` on thread i. Each attached
 * router has its own rings into every worker (lane i), its own client order ids (lane i
 * numbers from i x 2^40 + 1, so ids never collide at a venue) and shares the order pool,
 * the top of book and the risk counters.
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
  readonly stats: RouterStats = { submitted: 0, accepted: 0, filled: 0, canceled: 0, rejected: 0, unknown: 0, duplicates: 0, staleEvents: 0, ackTimeouts: 0, journalOverruns: 0 };
  /** The gateway workers' supervisor (the creating router only; null when attached). */
  private readonly pool: WorkerPool | null;
  /** This router's rings into every gateway worker. */
  private readonly lane: GatewayLane;
  /** Gateways running on this thread (`gateways: 'inline'`), driven by poll; else null. */
  private readonly inline: InlineGateways | null;
  /** Failed gateways: breakers opened at once, their orders UNKNOWN at the next poll. */
  private readonly losses: GatewayLosses;
  private readonly venueLimits: readonly VenueLimits[];
  private readonly options: RouterOptions;
  private readonly order: OrderFlyweight;
  /** The convenience path's parsed request (reused). */
  private readonly request: OrderRequestParser;
  /**
   * The fast path's order: `claim()` positions it at a fresh, cleared order; fill it
   * (symbolId, side, ordType, tif, flags, priceTicks, stopPriceTicks, quantityLots, and
   * optionally accountId and venueId), then `send()`. Nothing is allocated or parsed.
   */
  readonly draft: OrderFlyweight;
  private draftHandle = -1;
  private readonly machine = new OrderStateMachine();
  /** This router's live orders: id → handle, slot → venue, queued UNKNOWNs. */
  private readonly live: LiveOrders;
  private readonly strategyId: number;
  private readonly accountId: number;
  /** Applies execution events (the gateways' event rings are read into it). */
  private readonly events: ExecutionApplier;
  /** What each live order holds of the shared working quantity. */
  private readonly reservations: OrderReservations;
  /** Frees an ended order's slot once its gateway consumed every command naming it. */
  private readonly recycler: SlotRecycler;
  /** Sends orders, ends them, and emulates replace on venues without amend (OrderDesk). */
  private readonly desk: OrderDesk;
  private stopping = false;
  /** True while `poll` runs: a handler calling `poll` again gets 0 instead of re-reading records being delivered. */
  private polling = false;
  /** Self-trade prevention (null when configured off) and the flyweight its confirming scan reads through. */
  private readonly stp: SelfTradeGuard | null;
  private readonly probe: OrderFlyweight;
  /** Orders awaiting their acknowledgement (null: ack timeouts off). */
  private readonly ackWatch: AckWatch | null;
  private readonly ackTimeoutNs: number;
  private pollsWithoutTime = 0;
  private pollCount = 0;
  private firmPolls = 0;
  /** The recovery from the journal in progress or done (null: none). */
  private recoverer: RouterRecovery | null = null;
  /** Every lane's part of the recovery (the creating router; `link(n)` hands lane n its part). */
  private laneRecoveries: LaneRecovery[] | null = null;
  private recoveryOptions: RecoveryOptions | undefined = undefined;
  /** The opt-in async event loop, while one runs. */
  private eventLoop: EventLoopHandle | null = null;
  /** The durable journal (RouterConfig.journal), or null. */
  readonly journal: Journal | null;
  /**
   * The firm layer (RouterConfig.firm) on the creating router: status, firm halt and
   * resume. Null without one, and on attached routers (they share its credit).
   */
  firm: FirmClient | null = null;
  private readonly journalLane: JournalLane | null;
  /** Each venue's rate limits: `VenueConfig`'s and its gateway's declared ones. */
  private readonly rates: VenueRateLimits;
  /** What each venue accepts (its gateway's declaration). */
  private readonly capabilities: VenueCapabilities;
  /** Scratch for `submitSplit`: each child's venue and lots. */
  private readonly splitVenues: Int32Array;
  private readonly splitLots: Float64Array;

  /** @internal Use `Router.create` / `createRouter` or `Router.attach`. */
  constructor(
    config: RouterOptions & { venues: readonly VenueLimits[]; riskBuffer?: SharedArrayBuffer },
    instruments: InstrumentTable,
    orders: SlabPool,
    topOfBook: TopOfBook,
    lane: GatewayLane,
    pool: WorkerPool | null,
    inline: InlineGateways | null = null,
    journal: Journal | null = null,
    journalLane: JournalLane | null = null,
  ) {
    this.inline = inline;
    this.journal = journal;
    this.journalLane = journal?.lanes[lane.lane] ?? journalLane;
    this.instruments = instruments;
    this.orders = orders;
    this.topOfBook = topOfBook;
    this.pool = pool;
    this.lane = lane;
    this.venueLimits = config.venues.map((v) => ({ name: v.name, ordersPerSecond: v.ordersPerSecond, orderBurst: v.orderBurst, cancelsPerSecond: v.cancelsPerSecond, cancelBurst: v.cancelBurst }));
    this.options = {
      defaultVenue: config.defaultVenue,
      strategyId: config.strategyId,
      accountId: config.accountId,
      risk: config.risk,
      selfTradePrevention: config.selfTradePrevention,
      ackTimeoutMs: config.ackTimeoutMs,
      breaker: config.breaker,
    };
    // What each gateway declared (capabilities, rate limits): written before it reported RUNNING.
    const declarations = config.venues.map((_, v) => lane.declaration(v));
    this.capabilities = new VenueCapabilities(declarations);
    this.rates = new VenueRateLimits(
      config.venues.map((v, i) => [...VenueRateLimits.configRules(v), ...(declarations[i]?.rateLimits ?? [])]),
      instruments.capacity,
    );
    this.routing = new VenueRouting(config, instruments, topOfBook, this.capabilities);
    this.order = new OrderFlyweight(orders);
    this.request = new OrderRequestParser(instruments);
    this.draft = new OrderFlyweight(orders);
    this.probe = new OrderFlyweight(orders);
    this.stp = config.selfTradePrevention === false ? null : new SelfTradeGuard(config.venues.length, instruments.capacity);
    this.splitVenues = new Int32Array(config.venues.length);
    this.splitLots = new Float64Array(config.venues.length);
    this.ackTimeoutNs = (config.ackTimeoutMs ?? 1_000) * 1e6;
    this.ackWatch = this.ackTimeoutNs > 0 ? new AckWatch(orders.capacity) : null;
    // LiveOrders and the applier each own a flyweight: the orders they hand to a handler
    // stay put whatever the handler calls (submit, cancel, orderOf re-point `this.order`).
    this.live = new LiveOrders(orders, new OrderFlyweight(orders), this.machine, this.stats);
    this.losses = new GatewayLosses(lane, this.routing.breakers, this.live);
    this.strategyId = config.strategyId ?? 1;
    this.accountId = config.accountId ?? 1;
    this.risk = new RiskEngine(instruments.capacity, config.risk ?? {}, config.riskBuffer);
    this.risk.claimStrategy(this.strategyId); // throws when another router sharing the counters has this id
    this.reservations = new OrderReservations(orders.capacity, this.risk);
    this.recycler = new SlotRecycler(orders, lane.commands);
    const emulation = new ReplaceEmulation(orders.capacity);
    this.desk = new OrderDesk({
      orders,
      commands: lane.commands,
      live: this.live,
      reservations: this.reservations,
      recycler: this.recycler,
      emulation,
      machine: this.machine,
      risk: this.risk,
      stp: this.stp,
      breakers: this.routing.breakers,
      ackWatch: this.ackWatch,
      rates: this.rates,
      stats: this.stats,
      strategyId: this.strategyId,
      firstClientOrderId: lane.lane * 2 ** 40 + 1,
      journal: this.journalLane,
    });
    this.events = new ExecutionApplier(orders, this.machine, this.risk, this.reservations, emulation, this.routing.breakers, this.stats, this.desk);
    this.events.journal = this.journalLane;
    this.events.live = this.live;
    this.events.checkpointing = new Uint8Array(config.venues.length).fill(1);
    this.risk.journal = this.journalLane;
    this.journalLane?.startHandOver();
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
    this.journalLane?.numbers(JournalRecordType.REFERENCE_PRICE, nanoTime(), id, ticks, 0, 2); // a restart sets it again
    return OK;
  }

  /**
   * What a router created on a journal from an earlier run replayed and reconciled (null:
   * no journal, or it held nothing). Filled in as venues answer; `complete` once every
   * venue has, when the handler's `onRecovered` is called with it.
   */
  get recovery(): RecoveryReport | null {
    return this.recoverer?.report ?? null;
  }

  /**
   * @internal From Router.create: put the replayed journal back (the state every lane
   * shares, then this lane's orders), hand every lane's live orders to the gateways and
   * start reconciling every venue. Each further lane's part waits in `link(n)`.
   */
  async beginRecovery(replay: JournalReplay, opened: JournalOpened, replayMs: number, options: RecoveryOptions | undefined, lanes: number): Promise<void> {
    if (this.journalLane === null) return;
    RouterRecovery.restoreShared(replay, this.risk, this.instruments.capacity);
    this.laneRecoveries = Array.from({ length: lanes }, (_, lane) => RouterRecovery.laneInput(replay, lane, opened, replayMs, this.instruments, this.routing.venueNames.length));
    this.recoveryOptions = options;
    const recovery = this.startRecovery(this.laneRecoveries[this.lane.lane], options);
    await recovery.begin(this.laneRecoveries);
  }

  /** @internal From Router.attach: take this lane's recovered orders back (the creating router sent their commands). */
  followRecovery(input: LaneRecovery, options: RecoveryOptions | undefined): void {
    this.startRecovery(input, options);
  }

  private startRecovery(input: LaneRecovery, options: RecoveryOptions | undefined): RouterRecovery {
    const recovery = new RouterRecovery(
      {
        orders: this.orders,
        instruments: this.instruments,
        commands: this.lane.commands,
        live: this.live,
        reservations: this.reservations,
        risk: this.risk,
        stp: this.stp,
        recycler: this.recycler,
        machine: this.machine,
        journal: this.journalLane!,
        venueNames: this.routing.venueNames,
        strategyId: this.strategyId,
        accountId: this.accountId,
        lane: this.lane.lane,
        firstClientOrderId: this.lane.lane * 2 ** 40 + 1,
        cancel: (id) => this.cancel(id),
        checkpointing: this.events.checkpointing,
        pump: this.inline === null ? null : () => void this.inline!.pump(),
      },
      input,
      options,
    );
    this.recoverer = recovery;
    this.events.recovery = recovery;
    recovery.adopt();
    return recovery;
  }

  /** Start a router: instruments, the order pool, and the venues' gateways on gateway threads (`RouterConfig.gatewayThreads`; see `createRouter`). */
  static create(config: RouterConfig): Promise<Router> {
    return startRouter(config);
  }

  /**
   * What strategy thread `n` (1 ..< strategyThreads) needs to attach its own router to
   * these gateway workers: pass it in `workerData`, then call `Router.attach` there.
   */
  link(n: number): RouterLink {
    if (this.pool === null) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'only the router that started the gateways can link others', n);
    return {
      lane: this.pool.laneLink(n),
      instruments: this.instruments.buffer,
      orders: this.orders.buffer,
      topOfBook: this.topOfBook.buffer,
      riskBuffer: this.risk.buffer,
      venues: this.venueLimits.map((v) => ({ ...v })),
      defaults: structuredClone(this.options),
      journal: this.journal?.lanes[n]?.link(),
      recovery: this.laneRecoveries?.[n],
      recoveryOptions: this.recoveryOptions,
      firm: this.firm === null ? undefined : { plan: this.firm.plan, credit: this.firm.credit.buffer },
    };
  }

  /**
   * A router on this (strategy) thread sharing the creator's gateway workers, order pool,
   * top of book and risk counters. `options` override the creator's (give each strategy
   * its own `strategyId`). Stop attached routers before the creator: the creator's
   * `stop()` ends the gateway threads. A gateway failure reaches an attached router on
   * its next polls (its orders there become UNKNOWN, its breaker opens).
   */
  static attach(link: RouterLink, options: RouterOptions = {}): Router {
    return attachRouter(link, options);
  }

  /** Send an order. Returns its client order id (> 0) or a negative status; never throws. */
  submit(request: OrderRequest): number {
    if (this.stopping) return ROUTER_STOPPED;
    const p = this.request;
    const parsed = p.parse(request);
    if (parsed !== OK) return parsed;
    const now = nanoTime();
    const venue = this.routing.select(request.venue, p.symbolId, p.side, p.priceTicks, now, p.ordType, p.tif, p.flags);
    if (venue < 0) return venue;
    if (!this.capabilities.supports(venue, p.ordType, p.tif, p.flags)) return VENUE_UNSUPPORTED;
    const account = request.account ?? this.accountId;
    if (this.selfTrade(venue, p.symbolId, account, p.side, p.ordType, p.priceTicks)) return RISK_SELF_TRADE;
    if (!this.rates.allows(venue, p.symbolId, RATE_ORDER, now)) return RISK_VENUE_ORDER_RATE;
    const risk = this.risk.checkNew(this.strategyId, p.symbolId, p.side, p.ordType, p.priceTicks, p.quantityLots, now);
    if (risk !== OK) return risk;
    const ticks = p.priceTicks === p.priceTicks ? p.priceTicks : 0;
    return this.enter(p.symbolId, p.side, p.ordType, p.tif, p.flags, ticks, p.stopPriceTicks, p.quantityLots, venue, account, now);
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
    const p = this.request;
    const parsed = p.parse(request);
    if (parsed !== OK) return parsed;
    const spec = this.instruments.spec(p.symbolId)!;
    const count = this.routing.split(p.symbolId, p.side, p.priceTicks, p.quantityLots, nanoTime(), this.splitVenues, this.splitLots, p.ordType, p.tif, p.flags);
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
    if (status === OK && !this.capabilities.supports(venue, d.ordType, d.tif, d.flags)) status = VENUE_UNSUPPORTED;
    if (status === OK && this.selfTrade(venue, symbolId, d.accountId, d.side, d.ordType, d.priceTicks)) status = RISK_SELF_TRADE;
    if (status === OK && !this.rates.allows(venue, symbolId, RATE_ORDER, now)) status = RISK_VENUE_ORDER_RATE;
    if (status === OK) status = this.risk.checkNew(this.strategyId, symbolId, d.side, d.ordType, d.priceTicks, d.quantityLots, now);
    if (status !== OK) {
      this.orders.free(handle);
      return status;
    }
    return this.desk.dispatch(handle, d, venue, now);
  }

  /** Ask to cancel a working order. OK or a status. `nowNs` as for `send` (optional). */
  cancel(clientOrderId: number, nowNs?: number): number {
    const handle = this.live.handleOf(clientOrderId);
    if (handle < 0) return UNKNOWN_ORDER;
    const o = this.order;
    if (o.wrap(handle) !== OK) return UNKNOWN_ORDER;
    if (OrderStateMachine.next(o.state, OrderEvent.CANCEL_REQUEST, o.state) < 0) return NOT_WORKING;
    const now = nowNs === undefined ? nanoTime() : nowNs;
    const venue = this.live.venueOf(handle);
    if (!this.rates.allows(venue, o.symbolId, RATE_CANCEL, now)) return RISK_VENUE_CANCEL_RATE;
    const throttle = this.risk.checkCancel(now);
    if (throttle !== OK) return throttle;
    const j = this.journalLane;
    const at = j === null ? 0 : j.failed ? JOURNAL_FAILED : j.claim(JournalRecordType.CANCEL, 16, now);
    if (at < 0) return at;
    const status = this.lane.commands[venue].offerPair(GatewayCommand.CANCEL, handle, 0);
    if (status !== OK) {
      if (j !== null) j.abort(at);
      return status;
    }
    if (j !== null) {
      j.f64[(at >> 3) + 1] = clientOrderId;
      j.f64[(at >> 3) + 2] = this.orders.indexOf(handle);
      j.hold(at);
    }
    this.recycler.sent(handle, venue);
    this.rates.take(venue, o.symbolId, RATE_CANCEL);
    this.machine.apply(o, OrderEvent.CANCEL_REQUEST, now);
    return OK;
  }

  /**
   * Cancel every working order that matches all the given filters (symbol, venue name,
   * account); with no filter, every working order. Returns how many cancels were sent.
   * Orders not yet acknowledged are skipped (their cancel would be refused as NOT_WORKING;
   * call again after the next poll), and so are UNKNOWN ones (reconciliation settles them;
   * `cancel(id)` still sends a cancel for one). Scans the order slots: a cold path.
   */
  cancelAll(filter: { symbol?: string; venue?: string; account?: number } = {}): number {
    const symbolId = filter.symbol === undefined ? -1 : this.instruments.idOf(filter.symbol);
    if (filter.symbol !== undefined && symbolId < 0) return 0;
    const venue = filter.venue === undefined ? -1 : this.venueId(filter.venue);
    if (filter.venue !== undefined && venue < 0) return 0;
    const ids = this.live.matching(venue, symbolId, filter.account);
    let sent = 0;
    for (const id of ids) if (this.cancel(id) === OK) sent++;
    return sent;
  }

  /**
   * Ask to change a working order's price and/or total quantity (decimals). OK or a
   * status. A replace is a new order in risk terms: it passes the size, notional, collar
   * and order-rate rules at its new price and quantity, the venue's order rate limit, and
   * self-trade prevention; an increase in quantity is checked against the position limit
   * and reserved at once (the old quantity can still fill until the venue confirms); a
   * decrease is released when the venue confirms it. A quantity at or below what has
   * already filled is refused (QUANTITY_BELOW_FILLED). `nowNs` as for `send` (optional).
   */
  replace(clientOrderId: number, price: string | number, quantity: string | number, nowNs?: number): number {
    const handle = this.live.handleOf(clientOrderId);
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
    if (lots <= o.filledLots) return QUANTITY_BELOW_FILLED;
    const now = nowNs === undefined ? nanoTime() : nowNs;
    const venue = this.live.venueOf(handle);
    if (this.selfTrade(venue, o.symbolId, o.accountId, o.side, o.ordType, ticks)) return RISK_SELF_TRADE;
    if (!this.rates.allows(venue, o.symbolId, RATE_ORDER, now)) return RISK_VENUE_ORDER_RATE;
    const emulate = !this.capabilities.amends(venue);
    if (emulate && !this.rates.allows(venue, o.symbolId, RATE_CANCEL, now)) return RISK_VENUE_CANCEL_RATE;
    const increase = lots > o.quantityLots ? lots - o.quantityLots : 0;
    const risk = this.risk.checkReplace(o.symbolId, o.side, o.ordType, ticks, lots, increase, now);
    if (risk !== OK) return risk;
    if (emulate) return this.desk.emulateReplace(o, handle, venue, ticks, lots, increase, now);
    const ring = this.lane.commands[venue];
    const j = this.journalLane;
    const jat = j === null ? 0 : j.failed ? JOURNAL_FAILED : j.claim(JournalRecordType.REPLACE, 24, now);
    const at = jat < 0 ? jat : ring.claim(GatewayCommand.REPLACE, 24);
    if (at < 0) {
      if (j !== null && jat >= 0) j.abort(jat);
      this.risk.release(o.symbolId, o.side, increase);
      return at;
    }
    ring.i32[at >> 2] = handle;
    ring.f64[(at >> 3) + 1] = ticks;
    ring.f64[(at >> 3) + 2] = lots;
    ring.commit(at);
    if (j !== null) {
      j.f64[(jat >> 3) + 1] = clientOrderId;
      j.f64[(jat >> 3) + 2] = ticks;
      j.f64[(jat >> 3) + 3] = lots;
      j.hold(jat);
    }
    this.recycler.sent(handle, venue);
    this.reservations.increase(this.orders.indexOf(handle), increase);
    this.rates.take(venue, o.symbolId, RATE_ORDER);
    this.stp?.reprice(venue, o.symbolId, o.accountId, o.side, o.ordType, ticks);
    this.machine.apply(o, OrderEvent.REPLACE_REQUEST, now);
    return OK;
  }

  /**
   * Deliver pending execution events to `handler`. Returns how many events were read.
   * `nowNs` stamps the state changes; without it the clock is read once, and only if an
   * event arrives (see `send` on why that matters).
   */
  poll(handler: OrderEventHandler, limitPerVenue = 256, nowNs?: number): number {
    if (this.polling) return 0; // called from a handler: the outer poll is still delivering
    this.polling = true;
    let delivered = 0;
    try {
      delivered = this.pollOnce(handler, limitPerVenue, nowNs);
      return delivered;
    } finally {
      this.polling = false;
      // Journal records held by sends and staged by this poll's events are handed to the
      // journal thread when a poll finds nothing to deliver: off the round trip of the
      // order that produced them (see HOLD_LIMIT for the other bounds).
      if (delivered === 0) this.journalLane?.flush();
    }
  }

  private pollOnce(handler: OrderEventHandler, limitPerVenue: number, nowNs: number | undefined): number {
    const events = this.events;
    events.handler = handler;
    events.now = nowNs;
    let delivered = this.live.hasQueuedUnknown ? this.live.flushUnknown(handler) : 0;
    if (this.inline !== null) this.inline.pump();
    delivered += this.lane.poll(events, limitPerVenue);
    // Ended orders' slots go back in batches (one read of each worker's position per batch).
    const recycling = this.recycler.pending;
    if (recycling >= 32 || (recycling > 0 && delivered === 0)) this.recycler.drain();
    // An attached router learns of a gateway failure from the worker's control block
    // (the creator hears it from the supervisor at once): checked every 64th poll.
    if (this.pool === null && this.inline === null && (++this.pollCount & 63) === 0) this.losses.check();
    // Firm credit that ended orders gave back goes from this thread's hands to the shared
    // counters every 256th poll at the latest (FirmCredit.returns): the firm agent sees it.
    if ((++this.firmPolls & 255) === 0) this.risk.firm?.flush();
    if (this.losses.pending) {
      this.losses.settle(events);
      delivered += this.live.flushUnknown(handler);
    }
    const recovery = this.recoverer;
    if (recovery !== null && !recovery.done) {
      delivered += recovery.flushLostRequests(handler);
      if (this.live.hasQueuedUnknown) delivered += this.live.flushUnknown(handler);
      delivered += recovery.poll(handler);
      if (this.live.hasQueuedUnknown) delivered += this.live.flushUnknown(handler);
    }
    const watch = this.ackWatch;
    if (watch !== null && watch.size > 0) {
      // Judged at the poll's time; with none given and no event read, the clock is read
      // every 256th poll only (each read allocates).
      if (events.now === undefined && (++this.pollsWithoutTime & 255) === 0) events.now = nanoTime();
      if (events.now !== undefined) watch.expire(events.now, this.ackTimeoutNs, this);
    }
    return delivered;
  }

  /**
   * Opt-in: deliver events to `handler` from an async loop on this thread's event loop
   * instead of calling `poll` yourself (a strategy driven by sockets and timers). The loop
   * parks on this router's doorbell when idle. One loop per router; `stop()` on the
   * returned handle (or `router.stop()`) ends it. A second call while one runs throws.
   */
  runEventLoop(handler: OrderEventHandler, options: { limitPerVenue?: number } = {}): EventLoopHandle {
    if (this.eventLoop?.running) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'an event loop already runs for this router', this.lane.lane);
    this.eventLoop = startEventLoop((h, limit) => this.poll(h, limit), this.lane.doorbell, handler, options.limitPerVenue ?? 256);
    return this.eventLoop;
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
    const handle = this.live.handleOf(clientOrderId);
    return handle >= 0 && this.order.wrap(handle) === OK ? this.order : null;
  }

  /** The gateway workers (supervision: `failures`, `workers[i].state`; fault injection: `terminateWorker`). Creating router only. */
  get gateways(): WorkerPool {
    if (this.pool === null) throw new ConfigurationError('ERR_INVALID_ARGUMENT', this.inline !== null ? 'inline gateways run on this thread: there are no gateway workers' : 'an attached router does not own the gateway workers', this.lane.lane);
    return this.pool;
  }

  /**
   * How the venues' gateways are laid out on threads: each thread's venue names, and why
   * (`RouterConfig.gatewayThreads`). Inline gateways: no threads. Creating router only.
   */
  get threadLayout(): { threads: string[][]; reason: string } {
    if (this.inline !== null) return { threads: [], reason: 'inline: the gateways run on this thread' };
    const pool = this.gateways;
    return { threads: pool.threads.map((group) => group.map((i) => this.venueLimits[i].name)), reason: pool.layoutReason };
  }

  /** This router's lane: its rings into the gateway workers and the doorbell to park on for events. */
  get gatewayLane(): GatewayLane {
    return this.lane;
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
    return this.live.size;
  }

  /** Client order ids of every live order, ascending (after a recovery: what the router holds). Cold path: allocates. */
  liveOrderIds(): number[] {
    return this.live.ids();
  }

  /**
   * Graceful stop: refuse new orders (ROUTER_STOPPED), cancel every working order, keep
   * delivering events to `handler` until no order is live or `timeoutMs` passes (default
   * 5,000 ms); orders still live then become UNKNOWN (`onUnknown`). Then the gateways
   * drain and stop (the creating router's gateway workers get up to 5 s more), an unsent
   * draft is freed, this thread's cached pool slots go back to the shared pool, and the
   * strategy id is released for another router.
   */
  async stop(handler: OrderEventHandler = {}, options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.desk.stopping = true;
    await this.eventLoop?.stop();
    const deadline = nanoTime() + (options.timeoutMs ?? 5_000) * 1e6;
    let lastCancelSweep = 0;
    while (this.live.working() > 0 && nanoTime() < deadline) {
      const now = nanoTime();
      if (now - lastCancelSweep > 5e6) {
        this.cancelAll(); // orders acknowledged since the last sweep are canceled too
        lastCancelSweep = now;
      }
      if (this.poll(handler, 1_024) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // Whatever is still live did not resolve in time: its fate is unknown.
    if (this.pool === null && this.inline === null) this.losses.check();
    this.events.handler = handler;
    if (this.losses.pending) this.losses.settle(this.events);
    this.live.flushUnknown(handler);
    this.live.loseAll(handler);
    this.events.handler = handler;
    this.events.now = undefined;
    if (this.pool !== null) await this.pool.stop({ handler: this.events });
    else if (this.inline !== null) {
      await this.inline.stop();
      this.lane.poll(this.events, Number.MAX_SAFE_INTEGER);
    } else for (const ring of this.lane.commands) ring.close();
    this.recycler.freeAll(); // the gateways have stopped: nothing reads an order any more
    if (this.draftHandle >= 0) {
      this.orders.free(this.draftHandle);
      this.draftHandle = -1;
    }
    this.orders.releaseCache(); // slots freed on this thread would otherwise stay stranded in its cache
    this.risk.firm?.flush(); // credit this thread's ended orders gave back, before the agent returns what is unused
    this.risk.releaseStrategy(this.strategyId);
    this.journalLane?.stopHandOver();
    this.journalLane?.flush(); // events the gateways' last drain delivered, staged
    await this.journal?.close(); // after the gateways: every event they delivered is journaled
    await this.firm?.stop(); // last: unused credit goes back; what working orders hold stays reserved
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
    return this.desk.dispatch(handle, o, venue, now);
  }

  /** Self-trade prevention (see SelfTradeGuard): would this order meet a working order of the same account on the same venue? */
  private selfTrade(venue: number, symbolId: number, account: number, side: number, ordType: number, ticks: number): boolean {
    return this.stp !== null && this.stp.wouldCross(venue, symbolId, account, side, ordType, ticks, this.live.venueOfSlot, this.probe);
  }

  /**
   * The client order id that replaced `clientOrderId` through an emulated replace (venues
   * without native amend give the new order a new id), following a chain of them; -1 if
   * it was not replaced or its replacement has ended.
   */
  replacedId(clientOrderId: number): number {
    return this.desk.replacedId(clientOrderId);
  }

  /** @internal A gateway failed: its breaker opens now, and at the next poll every order it held becomes UNKNOWN (GatewayLosses). */
  markVenueUnknown(venue: number): void {
    this.losses.lose(venue);
  }
}
