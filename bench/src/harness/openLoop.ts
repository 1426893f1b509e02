import { nanoTime } from '@ringroute/core';

/** Let sockets and timers run (one turn of the event loop's check phase). */
export const yieldToIo = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

/**
 * Send messages `first`..`last` at `ratePerSec` (10,000/s unless given) from their intended
 * times, stored in `intended` (1-based): a round trip is then measured from when the message
 * should have gone, so a stall of the sender is not hidden (coordinated omission). `send(i)`
 * sends message i. Sockets are served while it waits, and `between()`, if given, is called
 * on every turn of the wait (a router's poll).
 */
export async function openLoop(last: number, intended: Float64Array, send: (i: number) => void, ratePerSec = 10_000, first = 1, between?: () => void): Promise<void> {
  const intervalNs = 1e9 / ratePerSec;
  const start = nanoTime() + 1e6;
  for (let i = first; i <= last; i++) {
    intended[i] = start + (i - first + 1) * intervalNs;
    while (nanoTime() < intended[i]) {
      between?.();
      await yieldToIo();
    }
    send(i);
  }
}

/** A round-trip pair's sizes: `warmup` messages first (not measured), then up to `count` in all. */
export interface RoundTripSizes {
  warmup: number;
  count: number;
}

/**
 * Warm-up and measured messages of a round-trip pair: 5,000 warm-up messages and 5,000
 * measured in a quick run (20,000 measured otherwise) at 10,000/s; at lower rates a third
 * as many measured (the warm-up is the same: it always runs at 10,000/s).
 */
export function roundTripSizes(quick: boolean, ratePerSec = 10_000): RoundTripSizes {
  const warmup = quick ? 5_000 : 10_000;
  const measured = (quick ? 5_000 : 20_000) / (ratePerSec >= 10_000 ? 1 : 3);
  return { warmup, count: warmup + Math.round(measured) };
}

/** How long a warmed loop pauses between its warm-up and its measured messages. */
export const SETTLE_MS = 300;

/**
 * The open loop of a round-trip pair, warm-up first: messages 1..`warmup` at 10,000/s; then,
 * once `answered()` counts all of them (bounded: 30 s), a pause of SETTLE_MS; then
 * `warmup`+1..`count` at `ratePerSec`, which are the ones measured.
 *
 * Why the pause: the far side of a round trip starts on a fresh thread, and for the first
 * second its compilation and the collections of its start-up run on V8's helper threads.
 * Measured on the FIX pair (per-thread CPU from /proc, one run each): in the first 600 ms
 * the helper threads took 65 % of a core and the main loop got 71 % instead of 100 %;
 * after 5,000 warm-up orders and the pause, 14 % and 94 %. The round trip's p50 over
 * the first 5,000 orders was 160 to 1,260 µs (7 runs), and over the 5,000 after the
 * warm-up and pause 59 and 62 µs (2 runs). A bare echo has next to nothing to compile, so without the
 * pause the pair's ratio measured how long the far side had been running, not its round
 * trip. Both sides of every pair run the same loop.
 */
export async function warmedOpenLoop(sizes: RoundTripSizes, intended: Float64Array, send: (i: number) => void, answered: () => number, ratePerSec = 10_000, between?: () => void): Promise<void> {
  await openLoop(sizes.warmup, intended, send, 10_000, 1, between);
  const deadline = Date.now() + 30_000;
  while (answered() < sizes.warmup && Date.now() < deadline) {
    between?.();
    await yieldToIo();
  }
  if (answered() < sizes.warmup) throw new Error(`only ${answered()} of ${sizes.warmup} warm-up messages answered`);
  const settled = Date.now() + SETTLE_MS;
  while (Date.now() < settled) {
    between?.();
    await new Promise((resolve) => setTimeout(resolve, between === undefined ? SETTLE_MS : 1));
  }
  await openLoop(sizes.count, intended, send, ratePerSec, sizes.warmup + 1, between);
}

/**
 * An echo floor: messages 1..`count` (a 24-byte message carrying its number) through `send`
 * on the warmed open loop, each round trip after the warm-up recorded by `received(i)` from
 * its intended time. Waits (bounded, 30 s) for every echo.
 */
export async function echoRoundTrips(
  histogram: { recordValue(v: number): void },
  sizes: RoundTripSizes,
  send: (message: Buffer) => void,
  listen: (received: (i: number) => void) => void,
  ratePerSec = 10_000,
): Promise<void> {
  const intended = new Float64Array(sizes.count + 1);
  let got = 0;
  listen((i) => {
    got++;
    if (i > sizes.warmup) histogram.recordValue(Math.max(1, Math.round(nanoTime() - intended[i])));
  });
  await warmedOpenLoop(sizes, intended, (i) => {
    const message = Buffer.alloc(24);
    message.writeUInt32LE(i, 0);
    send(message);
  }, () => got, ratePerSec);
  const deadline = Date.now() + 30_000;
  while (got < sizes.count && Date.now() < deadline) await yieldToIo();
  if (got < sizes.count) throw new Error(`only ${got} of ${sizes.count} echoes came back`);
}
