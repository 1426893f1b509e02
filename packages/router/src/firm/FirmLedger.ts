import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { ConfigurationError } from '@ringroute/core';
import { CLAIM_HOST, DECLARE, DROP_HOST, FILL, GIVE_BACK, HALT, LEASE, RELEASE } from './FirmScripts.js';

/** A Redis Cluster: its seed nodes, and ioredis cluster options (plain data: they travel to the agent's thread). */
export interface FirmCluster {
  cluster: { host: string; port: number }[];
  options?: ClusterOptions;
}

/** Where the firm's Redis is: a redis:// URL, ioredis options (one server, or Sentinel: `sentinels`, `name`), or a Cluster. */
export type FirmRedis = string | RedisOptions | FirmCluster;

function isCluster(redis: FirmRedis): redis is FirmCluster {
  return typeof redis === 'object' && redis !== null && Array.isArray((redis as FirmCluster).cluster);
}

/** A limit's kind: a count of credit (open orders), or a position per symbol with a buying and a selling pool. */
export type FirmLimitKind = 'count' | 'position';
/** A pool of a limit: '' (a count limit's one pool), 'b' (buying credit) or 's' (selling credit). */
export type FirmPool = '' | 'b' | 's';

/** What a limit's hash holds (`read`). */
export interface FirmLimitState {
  kind: FirmLimitKind;
  limit: number;
  /** Credit no host holds: a count limit's, or the buying pool's. */
  free: number;
  /** What each host holds: a count limit's, or the buying pool's. */
  hosts: Record<string, number>;
  /** Position limits: the selling pool, the firm's position, and each host's published position. */
  freeSell?: number;
  sellHosts?: Record<string, number>;
  position?: number;
  positions?: Record<string, number>;
}

/** The firm halt as stored and published: who, why, and the sender's monotonic clock (for the delay). */
export interface FirmHalt {
  halted: boolean;
  by: string;
  reason: string;
  /** process.hrtime of the sender, ns: the same clock in every process of one machine (Linux CLOCK_MONOTONIC). */
  sentNs: number;
  at: string;
}

/** The key prefix and channel names (every key's name is its own hash tag: one slot each). */
export const FIRM_HALT_KEY = 'rr:firm:{halt}';
export const FIRM_HALT_CHANNEL = 'rr:firm:halt';
export const FIRM_LIMITS_KEY = 'rr:firm:{limits}';
export const FIRM_HOSTS_KEY = 'rr:firm:{hosts}';

/**
 * The firm's credit ledger in Redis: for each firm-wide limit, one hash holds the limit,
 * the credit no host holds, and what each host holds (see FirmScripts for the layout and
 * the invariants). Every change is one Lua script, atomic on the server, so two hosts can
 * never lease the same credit; each touches one key whose name is its own hash tag, so it
 * runs on Redis Cluster as on one node.
 *
 * Amounts are integers (lots, or orders) up to 2^53 - 1; the scripts refuse anything else
 * (`ERR_FIRM_AMOUNT`), so a hostile or buggy caller can neither mint credit nor make the
 * ledger inexact. Mutating calls take an optional sequence number (`seq`, per host and
 * limit, see `nextSeq`): a call retried with the same number after a lost reply is applied
 * once and answered the same.
 *
 * The router's firm agent (FirmAgent) leases from it in the background; no order ever
 * waits for Redis.
 */
export class FirmLedger {
  readonly redis: Redis | Cluster;
  readonly host: string;
  private readonly seqs = new Map<string, number>();

  private constructor(redis: Redis | Cluster, host: string) {
    this.redis = redis;
    this.host = host;
    // Each script is sent once and then called by its SHA1 (EVALSHA; ioredis sends it again
    // after a NOSCRIPT, as from a restarted server): a lease measured 238 µs at the p50 with
    // the script's text sent every time, beside a 29 µs PING.
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  }

  private script(name: keyof typeof SCRIPTS, key: string, ...args: string[]): Promise<unknown> {
    return (this.redis as unknown as Record<string, (...a: string[]) => Promise<unknown>>)[name](key, ...args);
  }

  /**
   * Connect as host `host` (a name unique in the firm). Rejects with a ConfigurationError
   * (`ERR_FIRM_UNREACHABLE`, `ERR_FIRM_AUTH`) within `connectTimeoutMs` (default 2,000):
   * an unreachable Redis or a wrong password is a clear error at start, never a hang.
   * With `reconnect`, the connection then comes back by itself after a loss (each command
   * still fails at once while it is down: nothing queues).
   */
  static async connect(options: { redis: FirmRedis; host: string; connectTimeoutMs?: number; commandTimeoutMs?: number; reconnect?: boolean }): Promise<FirmLedger> {
    checkHost(options.host);
    const timeout = options.connectTimeoutMs ?? 2_000;
    const base: RedisOptions = {
      lazyConnect: true,
      connectTimeout: timeout,
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    };
    // ioredis is loaded on the first connect, not when the router is imported: a router
    // without RouterConfig.firm never loads it.
    const { Cluster, Redis } = await import('ioredis');
    const target = options.redis;
    const redis: Redis | Cluster = isCluster(target)
      ? new Cluster(target.cluster, {
          ...target.options,
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRedirections: 4,
          clusterRetryStrategy: () => null,
          redisOptions: { ...target.options?.redisOptions, connectTimeout: timeout, commandTimeout: options.commandTimeoutMs, maxRetriesPerRequest: 1 },
        })
      : typeof target === 'string'
        ? new Redis(target, base)
        : new Redis({ ...target, ...base });
    // Errors are reported through the failing call, never as an unhandled event; the last
    // one is kept, because a refused AUTH surfaces on the connect call as a closed connection.
    let lastError = '';
    redis.on('error', (e: Error) => (lastError = e.message));
    try {
      await withTimeout(redis.connect(), timeout);
      await withTimeout(redis.ping(), timeout);
    } catch (error) {
      redis.disconnect();
      const message = `${error instanceof Error ? error.message : String(error)}${lastError === '' ? '' : `; ${lastError}`}`;
      const auth = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message);
      throw new ConfigurationError(auth ? 'ERR_FIRM_AUTH' : 'ERR_FIRM_UNREACHABLE', `firm Redis: ${auth ? 'authentication refused' : 'not reachable'} (${message})`, describeRedis(options.redis));
    }
    // Once connected, a lost connection comes back (bounded backoff, 50 ms to 1 s) when asked.
    if (options.reconnect === true) {
      const backoff = (attempt: number) => Math.min(1_000, 50 * attempt);
      if (redis instanceof Cluster) redis.options.clusterRetryStrategy = backoff;
      else redis.options.retryStrategy = backoff;
    }
    return new FirmLedger(redis, options.host);
  }

  /**
   * Declare a firm limit. The first host sets it; a later host must declare the same kind
   * and value, or this rejects with `ERR_FIRM_LIMIT_MISMATCH` (hosts disagreeing on a firm
   * limit is a configuration error, never silently resolved). Learns this host's last
   * sequence number on it.
   */
  async declare(limit: string, value: number, kind: FirmLimitKind = 'count'): Promise<void> {
    checkAmount(value, 'a firm limit');
    const key = keyOf(limit);
    const result = await this.script('rrDeclare', key, kind, String(value));
    if (result !== 'OK') throw new ConfigurationError('ERR_FIRM_LIMIT_MISMATCH', `firm limit ${limit} is ${String(result)} in Redis, this host says ${kind} ${value}`, value);
    await this.redis.sadd(FIRM_LIMITS_KEY, limit);
    this.seqs.set(limit, Number((await this.redis.hget(key, `seq:${this.host}`)) ?? 0));
  }

  /** The next sequence number of this host on `limit` (for a call it may have to retry). */
  nextSeq(limit: string): number {
    const next = (this.seqs.get(limit) ?? 0) + 1;
    this.seqs.set(limit, next);
    return next;
  }

  /** Lease up to `want` of `limit` (of `pool`) for this host; resolves with what was granted (0 to want). */
  async lease(limit: string, want: number, options: { pool?: FirmPool; seq?: number } = {}): Promise<number> {
    checkAmount(want, 'a lease');
    return Number(await this.script('rrLease', keyOf(limit), options.pool ?? '', this.host, String(options.seq ?? 0), String(want)));
  }

  /** Give back up to `amount` of what this host holds of `limit` (of `pool`); resolves with what was returned. */
  async giveBack(limit: string, amount: number, options: { pool?: FirmPool; seq?: number } = {}): Promise<number> {
    checkAmount(amount, 'a return');
    return Number(await this.script('rrGiveBack', keyOf(limit), options.pool ?? '', this.host, String(options.seq ?? 0), String(amount)));
  }

  /** This host's fills on a position limit: `lots` of its buying ('b') or selling ('s') credit became position. Resolves with the firm position after. */
  async fill(limit: string, side: 'b' | 's', lots: number, seq = 0): Promise<number> {
    checkAmount(lots, 'a fill');
    return Number(await this.script('rrFill', keyOf(limit), side, this.host, String(seq), String(lots)));
  }

  /** Operator: return everything host `host` holds of `limit` (a host that died, once its orders are reconciled). */
  async release(limit: string, host: string): Promise<number> {
    checkHost(host);
    return Number(await this.script('rrRelease', keyOf(limit), host));
  }

  /** The ledger of one limit: the limit, the free credit, what each host holds (and, for a position limit, the selling pool and positions). */
  async read(limit: string): Promise<FirmLimitState> {
    const raw = await this.redis.hgetall(keyOf(limit));
    const pick = (prefix: string): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const [field, value] of Object.entries(raw)) {
        if (field.startsWith(prefix) && !field.slice(prefix.length).includes(':')) out[field.slice(prefix.length)] = Number(value);
      }
      return out;
    };
    if (raw.kind !== 'position') return { kind: 'count', limit: Number(raw.limit ?? 0), free: Number(raw.free ?? 0), hosts: pick('host:') };
    return {
      kind: 'position',
      limit: Number(raw.limit),
      free: Number(raw['free:b']),
      hosts: pick('host:b:'),
      freeSell: Number(raw['free:s']),
      sellHosts: pick('host:s:'),
      position: Number(raw.pos),
      positions: pick('pos:'),
    };
  }

  /** What `host` holds of `limit`: [count or buying pool, selling pool, published position]. */
  async holding(limit: string, host = this.host): Promise<[number, number, number]> {
    const [n, b, s, p] = await this.redis.hmget(keyOf(limit), `host:${host}`, `host:b:${host}`, `host:s:${host}`, `pos:${host}`);
    return [Number(n ?? b ?? 0), Number(s ?? 0), Number(p ?? 0)];
  }

  /** The firm position of a position limit (every host's published fills), or null when the limit is not in Redis. */
  async position(limit: string): Promise<number | null> {
    const pos = await this.redis.hget(keyOf(limit), 'pos');
    return pos === null ? null : Number(pos);
  }

  /** Every limit declared in this firm. */
  async limits(): Promise<string[]> {
    return (await this.redis.smembers(FIRM_LIMITS_KEY)).sort();
  }

  /** Set (or with `halted: false`, clear) the firm halt and publish it to every host, in one step. */
  async setHalt(halted: boolean, reason = ''): Promise<FirmHalt> {
    const halt: FirmHalt = { halted, by: this.host, reason, sentNs: Number(process.hrtime.bigint()), at: new Date().toISOString() };
    await this.script('rrHalt', FIRM_HALT_KEY, FIRM_HALT_CHANNEL, halted ? JSON.stringify(halt) : '');
    return halt;
  }

  /** The firm halt now (null: not halted). */
  async halt(): Promise<FirmHalt | null> {
    return parseHalt(await this.redis.get(FIRM_HALT_KEY));
  }

  /**
   * Take or renew this host's heartbeat for `instance` (one process), alive for `ttlMs`
   * from the server's receipt. False: another instance holds it (CLAIM_HOST).
   */
  async heartbeat(ttlMs: number, instance: string): Promise<boolean> {
    const claimed = Number(await this.script('rrClaimHost', heartbeatKey(this.host), instance, String(ttlMs))) === 1;
    if (claimed) await this.redis.sadd(FIRM_HOSTS_KEY, this.host);
    return claimed;
  }

  /** End this host's heartbeat if `instance` holds it (a clean stop: the host is known gone at once). */
  async endHeartbeat(instance: string): Promise<void> {
    await this.script('rrDropHost', heartbeatKey(this.host), instance);
  }

  /** Every host that ever joined, and whether its heartbeat is alive (its remaining time, ms; -2 when dead). */
  async hosts(): Promise<{ host: string; aliveMs: number }[]> {
    const names = (await this.redis.smembers(FIRM_HOSTS_KEY)).sort();
    const out: { host: string; aliveMs: number }[] = [];
    for (const host of names) out.push({ host, aliveMs: await this.redis.pttl(heartbeatKey(host)) });
    return out;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A published halt message (or the stored key) as a FirmHalt; '' or null: not halted. Anything unreadable counts as a halt (fail safe). */
export function parseHalt(raw: string | null): FirmHalt | null {
  if (raw === null || raw === '') return null;
  try {
    const halt = JSON.parse(raw) as FirmHalt;
    if (typeof halt === 'object' && halt !== null && halt.halted === true) return halt;
  } catch {
    // fall through: an unreadable halt still halts
  }
  return { halted: true, by: '?', reason: `unreadable halt record: ${raw.slice(0, 80)}`, sentNs: Number.NaN, at: '' };
}

function heartbeatKey(host: string): string {
  return `rr:firm:{host:${host}}`;
}

function checkHost(host: unknown): void {
  if (typeof host !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(host)) {
    throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'a firm host id is 1 to 64 letters, digits, dots, dashes or underscores', host);
  }
}

export function describeRedis(redis: FirmRedis): string {
  if (isCluster(redis)) return `cluster ${redis.cluster.map((n) => `${n.host}:${n.port}`).join(',')}`;
  return typeof redis === 'string' ? redactUrl(redis) : `${redis.host ?? 'localhost'}:${redis.port ?? 6379}`;
}

const SCRIPTS = { rrDeclare: DECLARE, rrLease: LEASE, rrGiveBack: GIVE_BACK, rrFill: FILL, rrRelease: RELEASE, rrHalt: HALT, rrClaimHost: CLAIM_HOST, rrDropHost: DROP_HOST };

/** The key of a limit: its name as the hash tag, so every script touches one slot. */
function keyOf(limit: string): string {
  if (typeof limit !== 'string' || !/^[A-Za-z0-9:._-]{1,128}$/.test(limit)) {
    throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'a firm limit name is 1 to 128 letters, digits, colons, dots, dashes or underscores', limit);
  }
  return `rr:firm:{${limit}}`;
}

function checkAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigurationError('ERR_FIRM_AMOUNT', `${what} is an integer from 0 to 2^53 - 1`, value);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

