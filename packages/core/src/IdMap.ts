/**
 * A map from integer ids (exact to 2^53) to non-negative int32 values on typed arrays:
 * open addressing with Robin Hood linear probing and backward-shift deletion, so deletes
 * leave no tombstones, runs stay ordered by home slot, and both lookups and deletes stop
 * early however much the map churns. No allocation except when it grows (doubling at
 * half full).
 *
 * Why not a `Map`: a router or a matching engine inserts and deletes an id per order;
 * with ~10^5 live ids under constant churn, V8's ordered hash maps spent over half the
 * matching engine's time in `has`/`set`/`delete` (measured, see gateways.sim.match).
 *
 * Ids a peer chooses (an exchange keeping its clients' order ids) need
 * `{ keysFromPeers: true }`: the default home slot keeps sequential ids together, which
 * also lets anyone who picks the keys put them all in one slot (multiples of 2^20, say),
 * and then every insert and lookup walks a run as long as the map. With the option, homes
 * come from a mix of the key with a random seed of the map's own (see `home`).
 */
export class IdMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;
  /** 0: sequential homes; otherwise the seeds of a mixed home (keys a peer chooses). */
  private readonly seedLo: number;
  private readonly seedHi: number;

  constructor(initialCapacity = 1024, options: { keysFromPeers?: boolean } = {}) {
    let size = 16;
    while (size < initialCapacity * 2) size *= 2;
    this.keys = new Float64Array(size).fill(NaN);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    this.seedLo = options.keysFromPeers === true ? (Math.random() * 0x100000000) | 1 : 0; // never 0 when mixed
    this.seedHi = options.keysFromPeers === true ? (Math.random() * 0x100000000) | 0 : 0;
  }

  get size(): number {
    return this.count;
  }

  /** The value for `key`, or -1. */
  get(key: number): number {
    const i = this.indexOf(key);
    return i < 0 ? -1 : this.values[i];
  }

  has(key: number): boolean {
    return this.indexOf(key) >= 0;
  }

  /** Set `key` to `value` (>= 0). */
  set(key: number, value: number): void {
    const found = this.indexOf(key);
    if (found >= 0) {
      this.values[found] = value;
      return;
    }
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    this.insert(key, value);
    this.count++;
  }

  /** Call `fn` for every entry (cold path; do not change the map meanwhile). */
  forEach(fn: (key: number, value: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === keys[i]) fn(keys[i], this.values[i]);
  }

  /** Remove `key`; returns its value or -1. */
  delete(key: number): number {
    const i = this.indexOf(key);
    if (i < 0) return -1;
    const removed = this.values[i];
    const keys = this.keys;
    const mask = this.mask;
    // Backward shift: pull the rest of the run back by one until an empty slot or an
    // entry already in its home slot (Robin Hood order guarantees nothing after it
    // belongs earlier), so no tombstone is left and a delete stays O(1) on average.
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j];
      if (k !== k || ((j - this.home(k)) & mask) === 0) break;
      keys[hole] = k;
      this.values[hole] = this.values[j];
      hole = j;
    }
    keys[hole] = NaN;
    this.count--;
    return removed;
  }

  /** Slot of `key`, or -1. Stops early once probing passes where the key would be. */
  private indexOf(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    for (let i = this.home(key), distance = 0; ; i = (i + 1) & mask, distance++) {
      const k = keys[i];
      if (k === key) return i;
      if (k !== k || ((i - this.home(k)) & mask) < distance) return -1;
    }
  }

  /** Robin Hood insertion: an entry further from home takes the slot of one nearer to it. */
  private insert(key: number, value: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let k = key;
    let v = value;
    let distance = 0;
    for (let i = this.home(k); ; i = (i + 1) & mask, distance++) {
      const there = keys[i];
      if (there !== there) {
        keys[i] = k;
        this.values[i] = v;
        return;
      }
      const thereDistance = (i - this.home(there)) & mask;
      if (thereDistance < distance) {
        const thereValue = this.values[i];
        keys[i] = k;
        this.values[i] = v;
        k = there;
        v = thereValue;
        distance = thereDistance;
      }
    }
  }

  /**
   * Home slot: the low 32 bits as they are, the high bits mixed in. Order ids are
   * usually sequential, and keeping them in sequence keeps neighbouring ids in
   * neighbouring slots, so lookups hit the cache (a fully mixing hash made every lookup
   * a cache miss in a multi-megabyte table: ~2x slower engine, measured). Keys that
   * stride by a large power of two would cluster; ids are not chosen that way.
   */
  private home(key: number): number {
    const lo = key >>> 0; // exact for integers up to 2^53: ToUint32 is modulo 2^32
    const hi = (key / 4294967296) | 0;
    if (this.seedLo === 0) return (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    // Keys a peer chooses: the low word through murmur3's 32-bit finalizer (a bijection
    // that spreads every input bit over every output bit) after the map's random seed,
    // then the high word and the second seed into the result and through it again. The
    // low word alone is seeded first so that no choice of high words can cancel it out
    // for every seed, as `lo ^ f(hi)` could. A peer that does not know the seeds has no
    // construction for keys that share a home, as it has for the default homes. This is
    // not a keyed cryptographic hash: the seeds come from Math.random, and a peer able to
    // time many lookups might learn about them; it raises the bar, it is not a proof.
    return fmix32(fmix32(lo ^ this.seedLo) ^ hi ^ this.seedHi) & this.mask;
  }

  /**
   * The longest probe any key now takes (slots between its home and where it sits): for
   * tests and statistics, not the hot path (it scans the whole table).
   */
  longestProbe(): number {
    const keys = this.keys;
    let longest = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === k) longest = Math.max(longest, (i - this.home(k)) & this.mask);
    }
    return longest;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const size = oldKeys.length * 2;
    this.keys = new Float64Array(size).fill(NaN);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k === k) this.insert(k, oldValues[i]);
    }
  }
}

/** MurmurHash3's 32-bit finalizer: a bijection on int32 whose every output bit depends on every input bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
