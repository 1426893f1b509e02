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
 */
export class IdMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let size = 16;
    while (size < initialCapacity * 2) size *= 2;
    this.keys = new Float64Array(size).fill(NaN);
    this.values = new Int32Array(size);
    this.mask = size - 1;
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
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
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
