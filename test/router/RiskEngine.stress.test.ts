import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { Side } from '@ringroute/core';
import { RiskEngine } from '@ringroute/router';
import { fixtureWorker, nextMessage } from '../support/threads.js';

describe('RiskEngine position limit across threads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('two threads buying and filling one lot at a time up to the limit never pass it (fills between check and reserve)', async () => {
    const limit = 400;
    const risk = new RiskEngine(1, { maxPositionLots: limit });
    const control = new Int32Array(new SharedArrayBuffer(16));
    for (const strategyId of [1, 2]) workers.push(fixtureWorker('positionRaceWorker', { buffer: risk.buffer, strategyId, limit, control: control.buffer }));
    await Promise.all(workers.map((w) => nextMessage(w)));
    const done = Promise.all(workers.map((w) => nextMessage(w)));
    const deadline = Date.now() + 2_000;
    const overshoots: number[] = [];
    let round = 0;
    while (Date.now() < deadline && round < 5_000) {
      round++;
      Atomics.store(control, 0, round);
      Atomics.notify(control, 0);
      for (const id of [1, 2]) {
        const bound = Date.now() + 10_000;
        while (Atomics.load(control, id) < round) {
          if (Date.now() > bound) throw new Error(`worker ${id} did not finish round ${round}`);
          Atomics.wait(control, id, Atomics.load(control, id), 50);
        }
      }
      const position = risk.position(0);
      if (position !== limit) overshoots.push(position);
      risk.onFill(0, Side.SELL, position); // flat again for the next round
    }
    Atomics.store(control, 0, -1);
    Atomics.notify(control, 0);
    await done;
    expect(round).toBeGreaterThan(50);
    expect(overshoots, `rounds ending away from the limit of ${limit} (of ${round})`).toEqual([]);
    expect(risk.working(0, Side.BUY)).toBe(0);
    expect(risk.openOrders(0)).toBe(0);
  });
});
