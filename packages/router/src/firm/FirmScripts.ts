/**
 * The firm ledger's Lua scripts. Each runs atomically on the Redis server and touches one
 * key (the limit's hash, whose name is its own hash tag), so it runs on Redis Cluster as
 * on one node.
 *
 * A limit's hash holds one or two pools of credit:
 *
 *   count limit (open orders):   limit, kind=count, free, host:<id>
 *   position limit (per symbol): limit, kind=position, free:b, free:s, host:b:<id>,
 *                                host:s:<id>, pos, pos:<id>
 *
 * Invariants every script keeps (H = the sum of the hosts' holdings of a pool):
 *   count:    free + H = limit
 *   position: free:b + H(b) + pos = limit, and free:s + H(s) - pos = limit
 * so the firm's position plus every lots of buying credit any host holds never passes the
 * limit (and the mirror for selling): a lease is never granted beyond what the firm's
 * position allows. A fill turns a host's credit into position (FILL): the host's holding
 * shrinks by the lots, `pos` moves by them, and the other side's free credit grows by them
 * (a bought lot is a lot the firm may sell back).
 *
 * Exactly once: a mutating call may carry a sequence number (per host and limit). The
 * script remembers the last one it applied and its answer (seq:<id>, res:<id>): a retry
 * of the same number after a lost reply gets the same answer and changes nothing, and an
 * older number is refused. So a host that does not know whether its call ran (a timeout, a
 * dropped connection) sends it again until it gets an answer, and its books stay exact.
 */

// Amounts are non-negative integers below 2^53, checked again here: a caller going around
// the client must not mint credit or make the ledger inexact.
const PRELUDE = `
local function amount(v)
  local n = tonumber(v)
  if n == nil or n < 0 or n ~= math.floor(n) or n > 9007199254740991 then
    return nil
  end
  return n
end
local function num(f)
  return tonumber(redis.call('HGET', KEYS[1], f) or '0')
end
local function seen(host, seq)
  if seq == 0 then return nil end
  local last = tonumber(redis.call('HGET', KEYS[1], 'seq:' .. host) or '0')
  if seq == last then return redis.call('HGET', KEYS[1], 'res:' .. host) end
  if seq < last then return redis.error_reply('ERR_FIRM_STALE ' .. seq .. ' < ' .. last) end
  return nil
end
local function remember(host, seq, result)
  if seq ~= 0 then redis.call('HSET', KEYS[1], 'seq:' .. host, seq, 'res:' .. host, result) end
  return result
end
local function pool(p)
  if p == '' then return '' end
  if p == 'b' or p == 's' then return p .. ':' end
  return nil
end
`;

/** KEYS[1]; ARGV: kind ('count' | 'position'), limit. 'OK', or 'kind limit' already there when it differs. */
export const DECLARE = `${PRELUDE}
local limit = amount(ARGV[2])
if limit == nil then return redis.error_reply('ERR_FIRM_AMOUNT ' .. tostring(ARGV[2])) end
local kind = ARGV[1]
if kind ~= 'count' and kind ~= 'position' then return redis.error_reply('ERR_FIRM_KIND ' .. kind) end
local current = redis.call('HGET', KEYS[1], 'limit')
if not current then
  if kind == 'count' then
    redis.call('HSET', KEYS[1], 'kind', kind, 'limit', limit, 'free', limit)
  else
    redis.call('HSET', KEYS[1], 'kind', kind, 'limit', limit, 'free:b', limit, 'free:s', limit, 'pos', 0)
  end
  return 'OK'
end
local currentKind = redis.call('HGET', KEYS[1], 'kind') or 'count'
if tonumber(current) ~= limit or currentKind ~= kind then return currentKind .. ' ' .. current end
return 'OK'
`;

/** KEYS[1]; ARGV: pool ('' | 'b' | 's'), host, seq, wanted. Grants min(wanted, free). */
export const LEASE = `${PRELUDE}
local p = pool(ARGV[1])
local seq = amount(ARGV[3])
local want = amount(ARGV[4])
if p == nil or seq == nil or want == nil then return redis.error_reply('ERR_FIRM_AMOUNT ' .. tostring(ARGV[4])) end
local again = seen(ARGV[2], seq)
if again then return again end
if not redis.call('HGET', KEYS[1], 'limit') then return redis.error_reply('ERR_FIRM_UNDECLARED') end
local free = num('free' .. (p == '' and '' or ':' .. ARGV[1]))
local grant = math.max(0, math.min(want, free))
if grant > 0 then
  redis.call('HINCRBY', KEYS[1], 'free' .. (p == '' and '' or ':' .. ARGV[1]), -grant)
  redis.call('HINCRBY', KEYS[1], 'host:' .. p .. ARGV[2], grant)
end
return remember(ARGV[2], seq, grant)
`;

/** KEYS[1]; ARGV: pool, host, seq, amount. Gives back min(amount, held); a holding of 0 is removed. */
export const GIVE_BACK = `${PRELUDE}
local p = pool(ARGV[1])
local seq = amount(ARGV[3])
local give = amount(ARGV[4])
if p == nil or seq == nil or give == nil then return redis.error_reply('ERR_FIRM_AMOUNT ' .. tostring(ARGV[4])) end
local again = seen(ARGV[2], seq)
if again then return again end
local field = 'host:' .. p .. ARGV[2]
local held = num(field)
give = math.max(0, math.min(give, held))
if give > 0 then
  if give == held then redis.call('HDEL', KEYS[1], field) else redis.call('HINCRBY', KEYS[1], field, -give) end
  redis.call('HINCRBY', KEYS[1], 'free' .. (p == '' and '' or ':' .. ARGV[1]), give)
end
return remember(ARGV[2], seq, give)
`;

/**
 * KEYS[1] (a position limit); ARGV: side ('b' | 's'), host, seq, lots. The host's fills:
 * its credit on that side becomes position. The holding may go below zero (the host's
 * venue filled more than it held credit for, which the router counts whatever the limit
 * says); the invariants hold regardless. Returns the firm position after.
 */
export const FILL = `${PRELUDE}
local seq = amount(ARGV[3])
local lots = amount(ARGV[4])
if seq == nil or lots == nil or (ARGV[1] ~= 'b' and ARGV[1] ~= 's') then return redis.error_reply('ERR_FIRM_AMOUNT ' .. tostring(ARGV[4])) end
local again = seen(ARGV[2], seq)
if again then return again end
if not redis.call('HGET', KEYS[1], 'limit') then return redis.error_reply('ERR_FIRM_UNDECLARED') end
-- Zero lots change nothing (and -0 is no integer to HINCRBY).
if lots == 0 then return remember(ARGV[2], seq, num('pos')) end
local signed = ARGV[1] == 'b' and lots or -lots
local other = ARGV[1] == 'b' and 'free:s' or 'free:b'
redis.call('HINCRBY', KEYS[1], 'host:' .. ARGV[1] .. ':' .. ARGV[2], -lots)
redis.call('HINCRBY', KEYS[1], other, lots)
redis.call('HINCRBY', KEYS[1], 'pos:' .. ARGV[2], signed)
local pos = redis.call('HINCRBY', KEYS[1], 'pos', signed)
return remember(ARGV[2], seq, pos)
`;

/** KEYS[1]; ARGV: host. Every pool's holding of the host back to free (its position stays: it is real). */
export const RELEASE = `
local total = 0
for _, p in ipairs({'', 'b:', 's:'}) do
  local field = 'host:' .. p .. ARGV[1]
  local held = tonumber(redis.call('HGET', KEYS[1], field) or '0')
  if held ~= 0 then
    local free = p == '' and 'free' or ('free:' .. string.sub(p, 1, 1))
    redis.call('HINCRBY', KEYS[1], free, held)
    redis.call('HDEL', KEYS[1], field)
    total = total + held
  end
end
return total
`;

/** KEYS[1] the halt key; ARGV: channel, message ('' to resume). Sets or clears the halt and publishes it, in one step. */
export const HALT = `
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 'OK'
`;

/**
 * KEYS[1] a host's heartbeat key; ARGV: instance, ttl ms. Takes or renews the host's
 * heartbeat for this instance (one process): 1, or 0 when another instance holds it (a
 * second process configured with the same host name, or one that died less than its TTL
 * ago). One host name, one process: two would adopt the same credit.
 */
export const CLAIM_HOST = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS[1] a host's heartbeat key; ARGV: instance. Ends the heartbeat if this instance holds it (a clean stop). */
export const DROP_HOST = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
