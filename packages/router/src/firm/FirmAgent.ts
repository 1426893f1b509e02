import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ConfigurationError } from '@ringroute/core';
import { KILL_FIRM_FENCED, KILL_FIRM_HALT, setKillBit } from '../api/RiskEngine.js';
import { FirmCredit, FIRM_CONNECTED, FIRM_DOORBELL_WORD, FIRM_READY, FIRM_STATUS_WORD, L_ASK, L_AVAIL, L_LOW, L_TAKEN, L_USED } from './FirmCredit.js';
import { OPEN_ORDERS_LIMIT, positionLimitName, type FirmPlan } from './FirmConfig.js';
import { FIRM_HALT_CHANNEL, FirmLedger, parseHalt, type FirmHalt, type FirmPool } from './FirmLedger.js';
import { SampleRing } from './SampleRing.js';

/** What this host's previous run left in the ledger, and what it knows of it locally (from its journal). */
export interface FirmAdoption {
  /** The router recovered a journal: its working orders and positions are known, so credit they hold is adopted. */
  recovered: boolean;
  /** Open orders in use (every symbol), and per symbol: working buy lots, working sell lots, position. */
  openInUse: number;
  working: [number, number, number][];
}

/** One line of credit: a pool of a limit, its local counters' word, and what Redis says this host holds. */
interface Line {
  limit: string;
  pool: FirmPool;
  word: number;
  leaseSize: number;
  /** What a top-up fills to now: `leaseSize`, doubled each time demand ran the line dry (up to `maxLease`), back to `leaseSize` when idle. */
  leaseNow: number;
  maxLease: number;
  held: number;
  lastAvail: number;
  lastUsed: number;
  lastChangeMs: number;
  /** Given back for want of use: no top-up until an order asks for credit again. */
  idle: boolean;
}

/** A call to Redis whose outcome is not known yet: sent again with the same sequence number until it is. */
interface PendingOp {
  kind: 'lease' | 'give' | 'fill';
  line: Line;
  amount: number;
  seq: number;
}

/** A status change the agent reports to the router's thread (and logs). */
export interface FirmEvent {
  type: 'connected' | 'disconnected' | 'fenced' | 'unfenced' | 'halted' | 'resumed' | 'ledger-lost';
  host: string;
  detail: string;
}

/** The agent's tick while it has work (fills to publish, credit to lease); idle, it backs off to MAX_TICK_MS. Doorbells and halts wake it at once either way. */
const TICK_MS = 2;
const MAX_TICK_MS = 32;
// Node 20 has Atomics.waitAsync; the TypeScript lib this project targets does not declare it.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t?: number): { async: boolean; value: unknown } }).waitAsync;

/**
 * The firm agent: on its own thread, it keeps this host's firm credit topped up, gives
 * idle credit back, publishes fills, renews the host's heartbeat, and follows the firm
 * halt. The order path never waits for it: it only reads the credit it left in shared
 * memory (FirmCredit).
 *
 * Every call whose reply is lost is sent again with the same sequence number (applied
 * once; see FirmScripts), so what this agent believes it holds (`held`) is what Redis
 * says. While Redis is unreachable the host trades within the credit in hand and says so;
 * after three quarters of `leaseTtlMs` without renewing its heartbeat it fences itself
 * (no new orders: RISK_FIRM_FENCED), so its heartbeat's expiry tells an operator that its
 * credit may be released.
 */
export class FirmAgent {
  readonly leaseRttNs = new SampleRing(8_192);
  readonly haltDelayNs = new SampleRing(8_192);
  private readonly c: Int32Array;
  private readonly lines: Line[] = [];
  /** The lines of each limit (one Redis key): calls on one key go one at a time, keys in parallel. */
  private readonly keys = new Map<string, Line[]>();
  private readonly pending = new Map<string, PendingOp>();
  private ledger!: FirmLedger;
  private subscriber!: Redis | Cluster;
  private running = true;
  private lastRenewSentMs = 0;
  private lastRenewMs = 0;
  private fenced = false;
  private connected = true;
  private needResync = false;
  private ledgerLost = false;
  private halt: FirmHalt | null = null;
  private stopped: Promise<void> | null = null;
  /** Calls made to Redis (a tick that made none was idle). */
  private calls = 0;
  /** A halt this host asked for that Redis has not taken yet (its reason), sent again with every heartbeat; null: none. */
  private unsentHalt: string | null = null;
  /** The firm position per position limit, as last read or returned by a fill. */
  private readonly positions = new Map<string, number>();
  /** This process's claim on the host name (its heartbeat's value). */
  private readonly instance = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly plan: FirmPlan,
    readonly credit: SharedArrayBuffer,
    private readonly risk: SharedArrayBuffer,
    private readonly report: (event: FirmEvent) => void,
  ) {
    this.c = new Int32Array(credit);
    let line = 0;
    const add = (limit: string, pool: FirmPool, leaseSize: number, limitValue: number) => {
      const word = FirmCredit.lineWord(line++);
      // A host never grows its lease past a quarter of the firm limit: the others keep room.
      const l: Line = { limit, pool, word, leaseSize, leaseNow: leaseSize, maxLease: Math.max(leaseSize, Math.floor(limitValue / 4)), held: 0, lastAvail: 0, lastUsed: 0, lastChangeMs: 0, idle: false };
      this.lines.push(l);
      this.setLease(l, leaseSize);
    };
    if (plan.openOrders > 0) add(OPEN_ORDERS_LIMIT, '', plan.openLease, plan.openOrders);
    plan.positionLots.forEach((lots, s) => {
      if (lots === 0) return;
      add(positionLimitName(plan.symbols[s]), 'b', plan.positionLease[s], lots);
      add(positionLimitName(plan.symbols[s]), 's', plan.positionLease[s], lots);
    });
    for (const l of this.lines) {
      const group = this.keys.get(l.limit);
      if (group === undefined) this.keys.set(l.limit, [l]);
      else group.push(l);
    }
  }

  /**
   * Connect, declare the limits, adopt what a previous run of this host holds, lease the
   * first credit and follow the halt. Rejects with a typed ConfigurationError.
   */
  async start(adoption: FirmAdoption): Promise<void> {
    const plan = this.plan;
    this.ledger = await FirmLedger.connect({ redis: plan.redis, host: plan.host, connectTimeoutMs: plan.timeoutMs, commandTimeoutMs: plan.timeoutMs, reconnect: true });
    const redis = this.ledger.redis;
    try {
      await this.claimHost();
      for (const limit of new Set(this.lines.map((l) => l.limit))) {
        const s = plan.symbols.findIndex((sym) => positionLimitName(sym) === limit);
        await this.ledger.declare(limit, s < 0 ? plan.openOrders : plan.positionLots[s], s < 0 ? 'count' : 'position');
      }
      await this.adopt(adoption);
      await this.renew();
      const now = performance.now();
      for (const line of this.lines) {
        line.lastChangeMs = now;
        await this.topUp(line);
      }
      this.subscriber = redis.duplicate();
      this.subscriber.on('error', () => undefined); // reported through `connected` below
      this.subscriber.on('message', (_channel: string, message: string) => this.applyHalt(parseHalt(message), true));
      this.subscriber.on('ready', () => void this.readHalt().catch(() => undefined)); // re-read at the next heartbeat otherwise
      await this.subscriber.connect(); // lazy, like the connection it copies
      await this.subscriber.subscribe(FIRM_HALT_CHANNEL);
      await this.readHalt();
    } catch (error) {
      this.subscriber?.disconnect();
      this.ledger.redis.disconnect();
      throw error;
    }
    redis.on('close', () => this.setConnected(false, 'connection closed'));
    redis.on('ready', () => {
      this.needResync = true;
      this.lastRenewSentMs = 0; // renew at the next tick, not a quarter TTL after the last failed try
      this.setConnected(true, 'reconnected');
    });
    Atomics.or(this.c, FIRM_STATUS_WORD, FIRM_CONNECTED | FIRM_READY);
  }

  /** The agent's loop: wake on the doorbell or every tick, never waiting on Redis for longer than its command timeout. */
  async run(): Promise<void> {
    let tickMs = TICK_MS;
    while (this.running) {
      const seen = Atomics.load(this.c, FIRM_DOORBELL_WORD);
      const calls = this.calls;
      try {
        await this.tick();
      } catch (error) {
        this.setConnected(false, error instanceof Error ? error.message : String(error));
      }
      if (!this.running) break;
      // Nothing for Redis this tick: wait longer next time (less CPU beside spinning strategy and gateway threads).
      tickMs = this.calls !== calls ? TICK_MS : Math.min(MAX_TICK_MS, tickMs * 2);
      const wait = waitAsync(this.c, FIRM_DOORBELL_WORD, seen, tickMs);
      if (wait.async) await wait.value;
    }
  }

  /** Stop: settle what is pending, give back the unused credit (what working orders hold stays reserved), disconnect. */
  stop(): Promise<void> {
    this.running = false;
    Atomics.add(this.c, FIRM_DOORBELL_WORD, 1);
    Atomics.notify(this.c, FIRM_DOORBELL_WORD);
    this.stopped ??= (async () => {
      try {
        if (this.connected) {
          await this.settlePending();
          for (const line of this.lines) {
            await this.publishFills(line);
            await this.giveBack(line, Atomics.load(this.c, line.word + L_AVAIL));
          }
          await this.ledger.endHeartbeat(this.instance); // stopped: known gone at once, and a restart need not wait
        }
      } catch {
        // Redis unreachable at stop: the credit stays this host's until it restarts or an operator releases it
      }
      this.subscriber?.disconnect();
      await this.ledger?.close();
    })();
    return this.stopped;
  }

  /** Ask the firm to halt (or resume): set in Redis and published to every host; this host's own bit is set first. */
  async setHalt(halted: boolean, reason: string): Promise<FirmHalt> {
    if (!halted) {
      this.unsentHalt = null;
      return this.ledger.setHalt(false, reason);
    }
    // This host stops at once, and stays stopped until the halt is in Redis: a halt that
    // could not be sent is kept and sent again with every heartbeat (the call still rejects, so the
    // caller knows the other hosts have not heard it yet).
    setKillBit(this.risk, KILL_FIRM_HALT, true);
    this.unsentHalt = reason;
    const halt = await this.ledger.setHalt(true, reason);
    this.unsentHalt = null;
    return halt;
  }

  /** What the router's `firm.status()` reports. */
  status(): Record<string, unknown> {
    return {
      host: this.plan.host,
      connected: this.connected,
      fenced: this.fenced,
      ledgerLost: this.ledgerLost,
      halt: this.halt,
      lastRenewAgoMs: Math.round(performance.now() - this.lastRenewMs),
      lines: this.lines.map((l) => ({ limit: l.limit, pool: l.pool, lease: l.leaseNow, held: l.held, inHand: Atomics.load(this.c, l.word + L_AVAIL), unpublishedFills: Atomics.load(this.c, l.word + L_USED) })),
      pending: this.pending.size,
      leaseRttNs: this.leaseRttNs.toArray(),
      haltDelayNs: this.haltDelayNs.toArray(),
      positions: Object.fromEntries(this.plan.symbols.filter((sym) => this.positions.has(positionLimitName(sym))).map((sym) => [sym, this.positions.get(positionLimitName(sym))])),
    };
  }

  private async tick(): Promise<void> {
    const now = performance.now();
    if (now - this.lastRenewSentMs >= this.plan.leaseTtlMs / 4) {
      // The heartbeat, and the halt read again: a halt published while this host could not hear it is not missed.
      await this.renew()
        .then(() => this.readHalt())
        .then(() => this.readPositions())
        .catch((e: Error) => this.setConnected(false, e.message));
    }
    this.checkFence(performance.now());
    if (!this.connected || this.ledgerLost) return;
    await this.settlePending();
    if (this.needResync) await this.resync();
    const halted = this.halt !== null;
    await Promise.all(Array.from(this.keys.values(), (lines) => this.serviceKey(lines, now, halted)));
  }

  /** One limit's lines: publish fills, top up or give back idle credit, one call at a time (one sequence of numbers per key). */
  private async serviceKey(lines: Line[], now: number, halted: boolean): Promise<void> {
    for (const line of lines) {
      const avail = Atomics.load(this.c, line.word + L_AVAIL);
      const used = Atomics.load(this.c, line.word + L_USED);
      if (Atomics.exchange(this.c, line.word + L_TAKEN, 0) !== 0 || avail !== line.lastAvail || used !== line.lastUsed) {
        line.lastAvail = avail;
        line.lastUsed = used;
        line.lastChangeMs = now;
      }
      if (used !== 0) await this.publishFills(line);
      if (line.idle && Atomics.load(this.c, line.word + L_ASK) !== 0) line.idle = false; // an order wants credit again
      if (!halted && !this.fenced && !line.idle && avail < Math.ceil(line.leaseNow / 2)) await this.topUp(line);
      else if (avail > 0 && now - line.lastChangeMs >= this.plan.idleReturnMs) {
        await this.giveBack(line, avail);
        // An ask left from before the idle spell (a refusal whose top-up was granted
        // nothing) is stale: cleared, so that only a new order's ask ends the idle state.
        Atomics.store(this.c, line.word + L_ASK, 0);
        line.idle = true;
        this.setLease(line, line.leaseSize);
      } else if (avail > 2 * line.leaseNow) {
        // Ended orders brought back more than a lease's worth: keep one lease in hand, and
        // the rest goes back to the firm now, not after an idle second (others may need it).
        await this.giveBack(line, avail, line.leaseNow);
      }
    }
  }

  /**
   * Take the host name for this process. Another process holding its heartbeat is either a
   * second router configured with the same name (two would adopt the same credit) or one
   * that died less than a TTL ago: wait for the heartbeat to lapse, at most the TTL and a
   * second, then refuse (ERR_FIRM_HOST_IN_USE).
   */
  private async claimHost(): Promise<void> {
    const { host, leaseTtlMs } = this.plan;
    const deadline = performance.now() + leaseTtlMs + 1_000;
    for (;;) {
      const sent = performance.now();
      if (await this.ledger.heartbeat(leaseTtlMs, this.instance)) {
        this.lastRenewSentMs = this.lastRenewMs = sent;
        return;
      }
      if (performance.now() > deadline) {
        throw new ConfigurationError('ERR_FIRM_HOST_IN_USE', `firm host ${host} is in use by another process (its heartbeat stayed alive for ${leaseTtlMs} ms): give each router its own host name`, host);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Renew the heartbeat; the fence is measured from when a renewal that succeeded was sent (before the server's clock started it). */
  private async renew(): Promise<void> {
    const sent = performance.now();
    this.lastRenewSentMs = sent;
    if (!(await this.ledger.heartbeat(this.plan.leaseTtlMs, this.instance))) {
      // Another process holds this host name now (it waited for our heartbeat to lapse): this
      // one must not trade on the name's credit. Fence at once; it trades again only if it
      // gets the name back, after re-reading what the name holds.
      this.lastRenewMs = Number.NEGATIVE_INFINITY; // lapsed until the name is this process's again
      if (!this.fenced) {
        this.fenced = true;
        this.needResync = true;
        setKillBit(this.risk, KILL_FIRM_FENCED, true);
        this.report({ type: 'fenced', host: this.plan.host, detail: 'another process has taken this host name: new orders stop (RISK_FIRM_FENCED)' });
      }
      return;
    }
    this.lastRenewMs = sent;
    this.checkFence(performance.now());
  }

  private checkFence(now: number): void {
    const lapsed = now - this.lastRenewMs > (this.plan.leaseTtlMs * 3) / 4;
    if (lapsed && !this.fenced) {
      this.fenced = true;
      this.needResync = true; // an operator may release this host's credit once its heartbeat expires: read it again before trading
      setKillBit(this.risk, KILL_FIRM_FENCED, true);
      this.report({ type: 'fenced', host: this.plan.host, detail: `no heartbeat renewed for ${Math.round(now - this.lastRenewMs)} ms: new orders stop (RISK_FIRM_FENCED) before the lease (${this.plan.leaseTtlMs} ms) ends` });
    } else if (!lapsed && this.fenced && !this.needResync) {
      this.fenced = false;
      setKillBit(this.risk, KILL_FIRM_FENCED, false);
      this.report({ type: 'unfenced', host: this.plan.host, detail: 'heartbeat renewed and credit re-read from Redis: trading resumes' });
    }
  }

  private setConnected(connected: boolean, detail: string): void {
    if (connected === this.connected || !this.running) return; // a stop's own disconnect is not news
    this.connected = connected;
    if (connected) Atomics.or(this.c, FIRM_STATUS_WORD, FIRM_CONNECTED);
    else Atomics.and(this.c, FIRM_STATUS_WORD, ~FIRM_CONNECTED);
    const inHand = this.lines.map((l) => `${l.limit}${l.pool === '' ? '' : `/${l.pool}`} ${Atomics.load(this.c, l.word + L_AVAIL)}`).join(', ');
    this.report({ type: connected ? 'connected' : 'disconnected', host: this.plan.host, detail: connected ? detail : `${detail}; trading only within the credit in hand (${inHand}) until Redis answers` });
  }

  /** Send again every call whose outcome is unknown (same sequence number: applied once). */
  private async settlePending(): Promise<void> {
    for (const op of [...this.pending.values()]) await this.execute(op);
  }

  /** Set what a top-up fills to, and the low water (half of it) the order path asks at. */
  private setLease(line: Line, lease: number): void {
    line.leaseNow = lease;
    Atomics.store(this.c, line.word + L_LOW, Math.ceil(lease / 2));
  }

  private async topUp(line: Line): Promise<void> {
    if (this.pending.has(line.limit)) return;
    const avail = Atomics.load(this.c, line.word + L_AVAIL);
    // Ran dry (orders were refused for want of it): demand outruns a top-up's round trip, so lease more at a time.
    if (avail <= 0 && line.leaseNow < line.maxLease && Atomics.load(this.c, line.word + L_ASK) !== 0) this.setLease(line, Math.min(line.maxLease, line.leaseNow * 2));
    const want = line.leaseNow - avail;
    if (want <= 0) return;
    await this.execute({ kind: 'lease', line, amount: want, seq: this.ledger.nextSeq(line.limit) });
  }

  /** Take `avail - keep` out of hand (if `avail` is still what is in hand: else an order moved it, and the next tick decides again), then give it back in Redis. */
  private async giveBack(line: Line, avail: number, keep = 0): Promise<void> {
    const amount = avail - keep;
    if (amount <= 0 || this.pending.has(line.limit)) return;
    const word = line.word + L_AVAIL;
    if (Atomics.compareExchange(this.c, word, avail, keep) !== avail) return;
    line.lastAvail = keep;
    await this.execute({ kind: 'give', line, amount, seq: this.ledger.nextSeq(line.limit) });
  }

  private async publishFills(line: Line): Promise<void> {
    const used = Atomics.load(this.c, line.word + L_USED);
    if (used <= 0 || line.pool === '' || this.pending.has(line.limit)) return;
    await this.execute({ kind: 'fill', line, amount: used, seq: this.ledger.nextSeq(line.limit) });
  }

  /**
   * One call to Redis. Answered: its effect is applied to the local counters and `held`.
   * Refused by the server (a script error): dropped, with what it had taken out of hand put
   * back. No answer: kept, and sent again with the same number until it is answered.
   */
  private async execute(op: PendingOp): Promise<void> {
    const { line } = op;
    this.pending.set(line.limit, op);
    this.calls++;
    const t0 = process.hrtime.bigint();
    let result: number;
    try {
      if (op.kind === 'lease') result = await this.ledger.lease(line.limit, op.amount, { pool: line.pool, seq: op.seq });
      else if (op.kind === 'give') result = await this.ledger.giveBack(line.limit, op.amount, { pool: line.pool, seq: op.seq });
      else result = await this.ledger.fill(line.limit, line.pool as 'b' | 's', op.amount, op.seq);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.name === 'ReplyError') {
        this.pending.delete(line.limit);
        if (op.kind === 'give') Atomics.add(this.c, line.word + L_AVAIL, op.amount);
        if (/UNDECLARED|ERR_FIRM_STALE/.test(message)) this.loseLedger(message);
        return;
      }
      this.setConnected(false, message);
      return; // unknown: stays pending
    }
    this.pending.delete(line.limit);
    if (op.kind === 'lease') {
      this.leaseRttNs.add(Number(process.hrtime.bigint() - t0));
      line.held += result;
      if (result > 0) {
        Atomics.add(this.c, line.word + L_AVAIL, result);
        Atomics.store(this.c, line.word + L_ASK, 0);
      }
    } else if (op.kind === 'give') {
      line.held -= result;
      if (result < op.amount) Atomics.add(this.c, line.word + L_AVAIL, op.amount - result);
    } else {
      line.held -= op.amount;
      Atomics.sub(this.c, line.word + L_USED, op.amount);
      this.positions.set(line.limit, result); // the firm position after this host's fills
    }
  }

  /** The firm position of every symbol with a firm position limit, every host's fills included (read with each heartbeat). */
  private async readPositions(): Promise<void> {
    for (const [limit, lines] of this.keys) {
      if (lines[0].pool === '') continue;
      const pos = await this.ledger.position(limit);
      if (pos !== null) this.positions.set(limit, pos);
    }
  }

  /** Redis answers again: read what it says this host holds and correct the credit in hand by the difference (an operator may have released it). */
  private async resync(): Promise<void> {
    for (const line of this.lines) {
      if (this.pending.has(line.limit)) return;
      const state = await this.ledger.read(line.limit);
      if (state.limit === 0) return this.loseLedger(`limit ${line.limit} is gone from Redis`);
    }
    for (const line of this.lines) {
      const [countOrBuy, sell] = await this.ledger.holding(line.limit);
      const actual = line.pool === 's' ? sell : countOrBuy;
      if (actual !== line.held) Atomics.add(this.c, line.word + L_AVAIL, actual - line.held);
      line.held = actual;
    }
    this.needResync = false;
    this.checkFence(performance.now());
  }

  /** The ledger lost its state (a Redis without persistence restarted): lease nothing more, trade within the credit in hand, fence at the TTL. */
  private loseLedger(detail: string): void {
    if (this.ledgerLost) return;
    this.ledgerLost = true;
    this.report({ type: 'ledger-lost', host: this.plan.host, detail: `${detail}: the firm ledger lost its state (Redis restarted without persistence?). No more credit is leased; an operator must restore it` });
  }

  /**
   * A previous run of this host may hold credit. Recovered from its journal, its working
   * orders and position are known: the credit is adopted (in hand = held - in use) and
   * fills it had not published are published. Otherwise the credit stays reserved for
   * orders nobody knows the state of, and starting is refused.
   */
  private async adopt(adoption: FirmAdoption): Promise<void> {
    const plan = this.plan;
    for (const line of this.lines) {
      const [countOrBuy, sell] = await this.ledger.holding(line.limit);
      line.held = line.pool === 's' ? sell : countOrBuy;
    }
    const holding = this.lines.filter((l) => l.held !== 0);
    if (!adoption.recovered && holding.length > 0) {
      throw new ConfigurationError(
        'ERR_FIRM_HOST_HOLDS_CREDIT',
        `firm host ${plan.host} still holds credit from an earlier run (${holding.map((l) => `${l.limit}${l.pool === '' ? '' : `/${l.pool}`} ${l.held}`).join(', ')}): restart it with its journal, or release it once its orders are reconciled (pnpm firm -- release ${plan.host})`,
        plan.host,
      );
    }
    for (const line of this.lines) {
      const s = line.pool === '' ? -1 : plan.symbols.findIndex((sym) => positionLimitName(sym) === line.limit);
      let inUse = s < 0 ? adoption.openInUse : (adoption.working[s]?.[line.pool === 'b' ? 0 : 1] ?? 0);
      if (s >= 0 && adoption.recovered) {
        // Fills the journal has and Redis does not (the run died before publishing them):
        // their credit became position, so it is in use until they are published.
        const [, , published] = await this.ledger.holding(line.limit);
        const unpublished = (adoption.working[s]?.[2] ?? 0) - published;
        const mine = line.pool === 'b' ? Math.max(0, unpublished) : Math.max(0, -unpublished);
        Atomics.store(this.c, line.word + L_USED, mine);
        inUse += mine;
      }
      Atomics.store(this.c, line.word + L_AVAIL, line.held - inUse);
      line.lastAvail = line.held - inUse;
    }
  }

  private async readHalt(): Promise<void> {
    if (this.unsentHalt !== null) {
      await this.ledger.setHalt(true, this.unsentHalt);
      this.unsentHalt = null;
    }
    this.applyHalt(await this.ledger.halt(), false);
  }

  /** Follow the firm halt: set or clear this host's firm bit of the kill word (the router's own switch is another bit). */
  private applyHalt(halt: FirmHalt | null, published: boolean): void {
    if (published && halt !== null && Number.isFinite(halt.sentNs)) this.haltDelayNs.add(Number(process.hrtime.bigint()) - halt.sentNs);
    setKillBit(this.risk, KILL_FIRM_HALT, halt !== null || this.unsentHalt !== null);
    const was = this.halt;
    this.halt = halt;
    if ((was === null) !== (halt === null)) {
      this.report({ type: halt === null ? 'resumed' : 'halted', host: this.plan.host, detail: halt === null ? 'firm halt cleared' : `firm halt by ${halt.by}: ${halt.reason}` });
    }
  }
}
