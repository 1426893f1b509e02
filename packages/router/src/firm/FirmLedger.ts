import { Redis, type RedisOptions } from 'ioredis';
import { ConfigurationError } from '@ringroute/core';

/**
 * The firm's credit ledger in Redis: for each firm-wide limit (gross notional, open
 * orders, position per symbol, ...), one hash holds the limit, the credit no host holds,
 * and what each host holds:
 *
 *   rr:firm:{<limit name>}   limit -> the firm limit
 *                            free  -> credit no host holds
 *                            host:<id> -> credit host <id> holds
 *
 * Invariant, kept by every script: free + the sum of host:* = limit. Every change is one
 * Lua script (atomic on the server), so two hosts can never lease the same credit. The
 * key of a limit has a hash tag (`{...}`): a script touches one key, so it runs on
 * Redis Cluster as on one node.
 *
 * Amounts are integers (lots, or notional in the limit's own unit) up to 2^53 - 1; the
 * scripts refuse anything else (`ERR_FIRM_AMOUNT`), so a hostile or buggy caller can
 * neither mint credit nor make the ledger inexact.
 *
 * This is the building block of the firm layer (issue 16): the router leases from it in
 * the background and consumes local credit with the same CAS as its local limits; no
 * order ever waits for Redis.
 */
export class FirmLedger {
  private readonly redis: Redis;
  private readonly host: string;

  private constructor(redis: Redis, host: string) {
    this.redis = redis;
    this.host = host;
  }

  /**
   * Connect as host `host` (a name unique in the firm). Rejects with a ConfigurationError
   * (`ERR_FIRM_UNREACHABLE`, `ERR_FIRM_AUTH`) within `connectTimeoutMs` (default 2,000):
   * an unreachable Redis or a wrong password is a clear error at start, never a hang.
   */
  static async connect(options: { redis: string | RedisOptions; host: string; connectTimeoutMs?: number }): Promise<FirmLedger> {
    if (typeof options.host !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(options.host)) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'a firm host id is 1 to 64 letters, digits, dots, dashes or underscores', options.host);
    }
    const timeout = options.connectTimeoutMs ?? 2_000;
    const base: RedisOptions = { lazyConnect: true, connectTimeout: timeout, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null };
    const redis = typeof options.redis === 'string' ? new Redis(options.redis, base) : new Redis({ ...options.redis, ...base });
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
      throw new ConfigurationError(auth ? 'ERR_FIRM_AUTH' : 'ERR_FIRM_UNREACHABLE', `firm Redis: ${auth ? 'authentication refused' : 'not reachable'} (${message})`, typeof options.redis === 'string' ? redactUrl(options.redis) : `${options.redis.host ?? 'localhost'}:${options.redis.port ?? 6379}`);
    }
    return new FirmLedger(redis, options.host);
  }

  /**
   * Declare a firm limit. The first host sets it; a later host must declare the same value,
   * or this rejects with `ERR_FIRM_LIMIT_MISMATCH` (hosts disagreeing on a firm limit is a
   * configuration error, never silently resolved).
   */
  async declare(limit: string, value: number): Promise<void> {
    checkAmount(value, 'a firm limit');
    const result = await this.run(DECLARE, limit, value);
    if (result !== 'OK') throw new ConfigurationError('ERR_FIRM_LIMIT_MISMATCH', `firm limit ${limit} is ${result} in Redis, this host says ${value}`, value);
  }

  /** Lease up to `want` of `limit` for this host; resolves with what was granted (0 to want). */
  async lease(limit: string, want: number): Promise<number> {
    checkAmount(want, 'a lease');
    return Number(await this.run(LEASE, limit, this.host, want));
  }

  /** Give back up to `amount` of what this host holds of `limit`; resolves with what was returned. */
  async giveBack(limit: string, amount: number): Promise<number> {
    checkAmount(amount, 'a return');
    return Number(await this.run(GIVE_BACK, limit, this.host, amount));
  }

  /** Operator: return everything host `host` holds of `limit` (a host that died, once its orders are reconciled). */
  async release(limit: string, host: string): Promise<number> {
    return Number(await this.run(RELEASE, limit, host));
  }

  /** The ledger of one limit: the limit, the free credit, what each host holds. */
  async read(limit: string): Promise<{ limit: number; free: number; hosts: Record<string, number> }> {
    const raw = await this.redis.hgetall(keyOf(limit));
    const hosts: Record<string, number> = {};
    for (const [field, value] of Object.entries(raw)) if (field.startsWith('host:')) hosts[field.slice(5)] = Number(value);
    return { limit: Number(raw.limit ?? 0), free: Number(raw.free ?? 0), hosts };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private run(script: string, limit: string, ...args: (string | number)[]): Promise<unknown> {
    return this.redis.eval(script, 1, keyOf(limit), ...args.map(String));
  }
}

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

// The scripts. Each checks its amount again on the server (a caller bypassing this class
// must not mint credit either): a non-negative integer below 2^53.
const AMOUNT = `
local function amount(v)
  local n = tonumber(v)
  if n == nil or n < 0 or n ~= math.floor(n) or n > 9007199254740991 then
    return redis.error_reply('ERR_FIRM_AMOUNT ' .. tostring(v))
  end
  return n
end
`;

/** KEYS[1] limit key; ARGV[1] the limit. 'OK', or the value already there when it differs. */
const DECLARE = `${AMOUNT}
local limit = amount(ARGV[1])
if type(limit) == 'table' then return limit end
local current = redis.call('HGET', KEYS[1], 'limit')
if not current then
  redis.call('HSET', KEYS[1], 'limit', limit, 'free', limit)
  return 'OK'
end
if tonumber(current) ~= limit then return current end
return 'OK'
`;

/** KEYS[1]; ARGV[1] host, ARGV[2] wanted. The credit granted: min(wanted, free). */
const LEASE = `${AMOUNT}
local want = amount(ARGV[2])
if type(want) == 'table' then return want end
local free = tonumber(redis.call('HGET', KEYS[1], 'free') or '0')
local grant = math.min(want, free)
if grant > 0 then
  redis.call('HINCRBY', KEYS[1], 'free', -grant)
  redis.call('HINCRBY', KEYS[1], 'host:' .. ARGV[1], grant)
end
return grant
`;

/** KEYS[1]; ARGV[1] host, ARGV[2] amount. What was given back: min(amount, held). */
const GIVE_BACK = `${AMOUNT}
local give = amount(ARGV[2])
if type(give) == 'table' then return give end
local held = tonumber(redis.call('HGET', KEYS[1], 'host:' .. ARGV[1]) or '0')
give = math.min(give, held)
if give > 0 then
  if give == held then
    redis.call('HDEL', KEYS[1], 'host:' .. ARGV[1])
  else
    redis.call('HINCRBY', KEYS[1], 'host:' .. ARGV[1], -give)
  end
  redis.call('HINCRBY', KEYS[1], 'free', give)
end
return give
`;

/** KEYS[1]; ARGV[1] host. Everything the host held, back to free. */
const RELEASE = `
local held = tonumber(redis.call('HGET', KEYS[1], 'host:' .. ARGV[1]) or '0')
if held > 0 then redis.call('HINCRBY', KEYS[1], 'free', held) end
redis.call('HDEL', KEYS[1], 'host:' .. ARGV[1])
return held
`;
