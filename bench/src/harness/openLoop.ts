import { nanoTime } from '@ringroute/core';

/** Let sockets and timers run (one turn of the event loop's check phase). */
export const yieldToIo = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

/**
 * Send `count` messages at `ratePerSec` (10,000/s unless given) from their intended times, stored in `intended` (1-based):
 * a round trip is then measured from when the message should have gone, so a stall of the
 * sender is not hidden (coordinated omission). `send(i)` sends message i. Sockets are served
 * while it waits.
 */
export async function openLoop(count: number, intended: Float64Array, send: (i: number) => void, ratePerSec = 10_000): Promise<void> {
  const intervalNs = 1e9 / ratePerSec;
  const start = nanoTime() + 1e6;
  for (let i = 1; i <= count; i++) {
    intended[i] = start + i * intervalNs;
    while (nanoTime() < intended[i]) await yieldToIo();
    send(i);
  }
}

/**
 * An echo floor: messages 1..`count` (a 24-byte message carrying its number) through `send`
 * on the open loop, each round trip recorded by `received(i)` from its intended time, the
 * first `warmup` left out. Waits (bounded, 30 s) for every echo.
 */
export async function echoRoundTrips(
  histogram: { recordValue(v: number): void },
  warmup: number,
  count: number,
  send: (message: Buffer) => void,
  listen: (received: (i: number) => void) => void,
  ratePerSec = 10_000,
): Promise<void> {
  const intended = new Float64Array(count + 1);
  let got = 0;
  listen((i) => {
    got++;
    if (i > warmup) histogram.recordValue(Math.max(1, Math.round(nanoTime() - intended[i])));
  });
  await openLoop(count, intended, (i) => {
    const message = Buffer.alloc(24);
    message.writeUInt32LE(i, 0);
    send(message);
  }, ratePerSec);
  const deadline = Date.now() + 30_000;
  while (got < count && Date.now() < deadline) await yieldToIo();
}
