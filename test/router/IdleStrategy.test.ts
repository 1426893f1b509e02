import { describe, expect, it } from 'vitest';
import { AsyncBackoffIdleStrategy, BackoffIdleStrategy, DEFAULT_SPIN_NS, Doorbell } from '@ringroute/router';

/** Idle `strategy` with empty polls until it parks once; returns how long that took (ms) and the empty polls. */
function untilFirstPark(strategy: BackoffIdleStrategy): { ms: number; polls: number } {
  const t0 = performance.now();
  let polls = 0;
  while (strategy.parks === 0) {
    strategy.idle(0);
    polls++;
    if (performance.now() - t0 > 5_000) throw new Error('never parked');
  }
  return { ms: performance.now() - t0, polls };
}

describe('BackoffIdleStrategy: the spin budget is time, not a count', () => {
  it('keeps spinning for spinNs after its last work before it yields and parks', () => {
    const doorbell = Doorbell.create();
    const strategy = new BackoffIdleStrategy(doorbell, { maxSpins: 0, spinNs: 20_000_000, maxYields: 0, minParkNs: 1_000, maxParkNs: 1_000 });
    const { ms } = untilFirstPark(strategy);
    expect(ms).toBeGreaterThanOrEqual(19);
    // Work resets the budget: it spins the whole budget again.
    strategy.idle(1);
    const parks = strategy.parks;
    const t0 = performance.now();
    while (strategy.parks === parks) strategy.idle(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    strategy.reset();
    doorbell.close();
  });

  it('with spinNs 0 it parks after its spin and yield counts, without waiting on the clock', () => {
    const doorbell = Doorbell.create();
    const strategy = new BackoffIdleStrategy(doorbell, { maxSpins: 10, spinNs: 0, maxYields: 2, minParkNs: 1_000, maxParkNs: 1_000 });
    const { polls } = untilFirstPark(strategy);
    expect(polls).toBeLessThanOrEqual(10 + 2 + 2 + 1);
    strategy.reset();
    doorbell.close();
  });

  it('the default budget is the documented one and a ring wakes a parked loop at once', () => {
    expect(DEFAULT_SPIN_NS).toBe(200_000);
    const doorbell = Doorbell.create();
    const strategy = new BackoffIdleStrategy(doorbell, { spinNs: 0, maxSpins: 0, maxYields: 0, minParkNs: 5e9, maxParkNs: 5e9 });
    strategy.idle(0); // registers on the doorbell; the loop polls once more before it parks
    doorbell.wake(); // a producer published meanwhile: the park returns at once
    const t0 = performance.now();
    strategy.idle(0);
    expect(performance.now() - t0).toBeLessThan(1_000);
    strategy.reset();
    doorbell.close();
  });
});

describe('AsyncBackoffIdleStrategy: the event loop keeps turning, spinning or busy', () => {
  it('while it spins it gives the event loop a turn on every poll (timers fire), and parks only after spinNs', async () => {
    const doorbell = Doorbell.create();
    const strategy = new AsyncBackoffIdleStrategy(doorbell, { maxSpins: 0, spinNs: 30_000_000 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    let turns = 0;
    while (strategy.parks === 0) {
      const wait = strategy.idle(0);
      if (wait !== undefined) {
        turns++;
        await wait;
      }
    }
    clearInterval(timer);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(turns).toBeGreaterThan(10);
    expect(ticks).toBeGreaterThan(5); // a 1 ms timer ran during the spin
    strategy.reset();
    doorbell.close();
  });

  it('a loop with work on every pass still yields a turn every 64 passes: its sockets are never starved', async () => {
    const doorbell = Doorbell.create();
    const strategy = new AsyncBackoffIdleStrategy(doorbell);
    let fired = false;
    setImmediate(() => (fired = true));
    let passes = 0;
    while (!fired && passes < 1_000) {
      passes++;
      const wait = strategy.idle(1);
      if (wait !== undefined) await wait;
    }
    expect(fired).toBe(true);
    expect(passes).toBeLessThanOrEqual(64);
    doorbell.close();
  });
});
