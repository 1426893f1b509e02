/**
 * The last `capacity` samples of a measurement (ns), kept without allocating per sample,
 * for percentiles on demand (the firm agent's lease round trips and halt delays).
 */
export class SampleRing {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  add(value: number): void {
    this.samples[this.count % this.samples.length] = value;
    this.count++;
  }

  /** Samples added since creation (more than are kept once the ring has wrapped). */
  get total(): number {
    return this.count;
  }

  /** The kept samples, oldest first. */
  toArray(): number[] {
    const n = Math.min(this.count, this.samples.length);
    const start = this.count - n;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.samples[(start + i) % this.samples.length];
    return out;
  }
}
