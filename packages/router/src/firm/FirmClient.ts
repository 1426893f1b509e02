import { Worker } from 'node:worker_threads';
import { ConfigurationError, type RingrouteErrorCode } from '@ringroute/core';
import { KILL_FIRM_FENCED, setKillBit, type RiskEngine } from '../api/RiskEngine.js';
import { FirmCredit, FIRM_CONNECTED } from './FirmCredit.js';
import type { FirmAdoption, FirmEvent } from './FirmAgent.js';
import type { FirmPlan } from './FirmConfig.js';
import type { FirmHalt } from './FirmLedger.js';

/** What `router.firm.status()` reports. */
export interface FirmStatus {
  host: string;
  connected: boolean;
  /** No heartbeat renewed for 3/4 of the lease TTL: new orders stop (RISK_FIRM_FENCED). */
  fenced: boolean;
  /** The firm ledger lost its state in Redis: no more credit is leased. */
  ledgerLost: boolean;
  halt: FirmHalt | null;
  lastRenewAgoMs: number;
  /**
   * Per line of credit: the limit, the pool ('' count, 'b' buying, 's' selling), the lease
   * a top-up fills to now, held in Redis, in hand, fills not yet published.
   */
  lines: { limit: string; pool: string; lease: number; held: number; inHand: number; unpublishedFills: number }[];
  pending: number;
  /**
   * The firm's position per symbol with a firm position limit, every host's published
   * fills included: read with every heartbeat (a quarter of `leaseTtlMs`) and after this
   * host's own fills are published.
   */
  positions: Record<string, number>;
    /** The last lease round trips and halt propagation delays, ns (for percentiles). */
  leaseRttNs: number[];
  haltDelayNs: number[];
}

/** The plan without what the strategy threads need not see (the Redis credentials). */
export type FirmLinkPlan = Omit<FirmPlan, 'redis'>;

/**
 * The router's side of the firm layer: starts the firm agent on its own thread (it sleeps
 * between ticks and doorbells; it never spins), hands it the shared credit and risk
 * counters, and relays status, halts and stop. `credit` is what the order path uses.
 */
export class FirmClient {
  readonly credit: FirmCredit;
  readonly plan: FirmLinkPlan;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private exited = false;
  private stopping: Promise<void> | null = null;

  private constructor(plan: FirmPlan, credit: FirmCredit, worker: Worker) {
    const { redis: _redis, ...rest } = plan;
    this.plan = rest;
    this.credit = credit;
    this.worker = worker;
  }

  /**
   * Start the agent: connect, declare the limits, adopt what an earlier run of this host
   * holds, lease the first credit. Rejects with the agent's typed ConfigurationError
   * (`ERR_FIRM_UNREACHABLE`, `ERR_FIRM_AUTH`, `ERR_FIRM_LIMIT_MISMATCH`,
   * `ERR_FIRM_HOST_HOLDS_CREDIT`) within a bound: the connect timeout, plus the calls.
   */
  static async start(plan: FirmPlan, risk: RiskEngine, adoption: FirmAdoption, onEvent?: (event: FirmEvent) => void): Promise<FirmClient> {
    const credit = new FirmCredit(plan);
    const worker = new Worker(new URL('./firmAgentThread.js', import.meta.url), { workerData: { plan, credit: credit.buffer, risk: risk.buffer, adoption }, execArgv: [] });
    const client = new FirmClient(plan, credit, worker);
    worker.on('message', (m: { type: string; id?: number; result?: unknown; error?: string; event?: FirmEvent }) => {
      if (m.type === 'event' && m.event !== undefined) onEvent?.(m.event);
      else if (m.type === 'answer') {
        const w = client.waiting.get(m.id!);
        client.waiting.delete(m.id!);
        if (m.error === undefined) w?.resolve(m.result);
        else w?.reject(new Error(m.error));
      }
    });
    worker.on('exit', (code) => {
      // The agent gone, nobody renews this host's heartbeat or follows the halt: stop new
      // orders at once (the fence), as if its lease had lapsed, unless this is the stop.
      if (client.stopping === null && !client.exited && started) {
        setKillBit(risk.buffer, KILL_FIRM_FENCED, true);
        onEvent?.({ type: 'fenced', host: plan.host, detail: `the firm agent thread exited (code ${code}): new orders stop (RISK_FIRM_FENCED)` });
      }
      client.exited = true;
      for (const w of client.waiting.values()) w.reject(new Error('the firm agent thread exited'));
      client.waiting.clear();
    });
    // Bounded: waiting out an earlier process's heartbeat (one TTL and a second, see
    // FirmAgent.claimHost), the connect timeout, then one timeout per call the start makes.
    const boundMs = plan.leaseTtlMs + 1_000 + plan.timeoutMs * (4 + 3 * credit.lines) + 5_000;
    let started = false;
    const outcome = await new Promise<{ type: string; code?: string; message?: string; value?: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'failed', code: 'ERR_FIRM_UNREACHABLE', message: `the firm agent did not start in ${boundMs} ms` }), boundMs);
      const settle = (m: { type: string }) => {
        if (m.type !== 'ready' && m.type !== 'failed') return;
        clearTimeout(timer);
        worker.off('message', settle);
        resolve(m);
      };
      worker.on('message', settle);
      worker.once('error', (e) => settle({ type: 'failed', code: 'ERR_FIRM_UNREACHABLE', message: e.message } as { type: string }));
    });
    if (outcome.type !== 'ready') {
      await worker.terminate();
      const code = (outcome.code ?? 'ERR_FIRM_UNREACHABLE') as RingrouteErrorCode;
      const message = (outcome.message ?? '').replace(`${code}: `, '').replace(/ \(got [^)]*\)$/, '');
      throw new ConfigurationError(code, message, outcome.value);
    }
    started = true;
    worker.unref(); // the agent never keeps a process alive on its own: router.stop() ends it
    return client;
  }

  /** Whether the agent reaches Redis now (read from shared memory: no round trip). */
  get connected(): boolean {
    return (this.credit.status & FIRM_CONNECTED) !== 0;
  }

  /** Everything the agent knows: connection, fence, halt, what is held and in hand, lease round trips, halt delays. */
  status(): Promise<FirmStatus> {
    this.credit.flush(); // this thread's pocket first, so that what is in hand is all there
    return this.ask({ type: 'status' }) as Promise<FirmStatus>;
  }

  /** Halt the firm: every host's new orders stop (this host's at once, the others' when Redis tells them). Cancels still go. */
  halt(reason: string): Promise<FirmHalt> {
    return this.ask({ type: 'halt', halted: true, reason }) as Promise<FirmHalt>;
  }

  /** Clear the firm halt on every host. */
  resume(): Promise<FirmHalt> {
    return this.ask({ type: 'halt', halted: false, reason: '' }) as Promise<FirmHalt>;
  }

  /** Give back the unused credit and end the agent (credit working orders hold stays reserved in Redis). Bounded by the command timeout. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exited) return;
      await this.ask({ type: 'stop' }).catch(() => undefined);
      await this.worker.terminate();
    })();
    return this.stopping;
  }

  private ask(request: Record<string, unknown>): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('the firm agent thread has exited'));
    const id = this.nextId++;
    // A stop makes a few calls per line of credit (publish, give back), each bounded by the command timeout.
    const timeoutMs = this.plan.timeoutMs * (4 + 3 * this.credit.lines);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the firm agent did not answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.worker.postMessage({ id, ...request });
    });
  }
}
