import type { Doorbell } from '../wait/Doorbell.js';
import { AsyncBackoffIdleStrategy } from '../wait/IdleStrategy.js';
import type { OrderEventHandler } from './OrderEventHandler.js';

/** A running opt-in event loop (`Router.runEventLoop`). */
export interface EventLoopHandle {
  readonly running: boolean;
  /** Events delivered so far. */
  readonly delivered: number;
  /** End the loop after its current poll; resolves once it has ended. */
  stop(): Promise<void>;
}

/**
 * The opt-in async event loop: polls on this thread's event loop, between the strategy's
 * own callbacks (sockets, timers), and parks on the lane's doorbell with
 * `Atomics.waitAsync` when there is nothing to read, so an idle loop costs no CPU and a
 * gateway's event wakes it at once. While events keep coming it still gives the event
 * loop a turn every 64 polls, so the strategy's callbacks are never starved.
 */
export function startEventLoop(poll: (handler: OrderEventHandler, limit: number) => number, doorbell: Doorbell, handler: OrderEventHandler, limitPerVenue: number): EventLoopHandle {
  const idle = new AsyncBackoffIdleStrategy(doorbell);
  let running = true;
  let delivered = 0;
  const done = (async () => {
    let busy = 0;
    try {
      while (running && !doorbell.isClosed) {
        const work = poll(handler, limitPerVenue);
        delivered += work;
        const wait = idle.idle(work);
        if (wait !== undefined) {
          busy = 0;
          await wait;
        } else if (++busy >= 64) {
          busy = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      idle.reset();
    }
  })();
  return {
    get running() {
      return running;
    },
    get delivered() {
      return delivered;
    },
    async stop() {
      running = false;
      doorbell.wake(); // a parked loop sees the stop at once
      await done;
    },
  };
}
