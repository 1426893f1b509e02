import { performance } from 'node:perf_hooks';

/**
 * Nanosecond timestamps on the host's monotonic clock (CLOCK_MONOTONIC: time since
 * boot), the same on every thread and every process of the machine, so a timestamp
 * written by a gateway worker can be subtracted from one written by the strategy thread
 * (or by an exchange process on loopback).
 *
 * `process.hrtime.bigint()` reads that clock but allocates a BigInt per call, so it is
 * read once per thread to anchor `performance.now()` (a plain double, no allocation).
 *
 * Range: timestamps are doubles; they are exact to 1 ns while the machine has been up
 * less than 2^53 ns (104 days), 2 ns up to 208 days, and so on. Latencies computed from
 * them are differences of nearby values and keep that resolution.
 */
const anchorNs = Number(process.hrtime.bigint()) - performance.now() * 1e6;

/** Monotonic nanoseconds since boot, as an integer-valued double. Allocation-free. */
export function nanoTime(): number {
  return Math.floor(anchorNs + performance.now() * 1e6);
}
