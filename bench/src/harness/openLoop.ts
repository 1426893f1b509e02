import { nanoTime } from '@ringroute/core';

/** Let sockets and timers run (one turn of the event loop's check phase). */
export const yieldToIo = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

/**
 * Send `count` messages at 10,000/s from their intended times, stored in `intended` (1-based):
 * a round trip is then measured from when the message should have gone, so a stall of the
 * sender is not hidden (coordinated omission). `send(i)` sends message i. Sockets are served
 * while it waits.
 */
export async function openLoop(count: number, intended: Float64Array, send: (i: number) => void): Promise<void> {
  const intervalNs = 100_000;
  const start = nanoTime() + 1e6;
  for (let i = 1; i <= count; i++) {
    intended[i] = start + i * intervalNs;
    while (nanoTime() < intended[i]) await yieldToIo();
    send(i);
  }
}
