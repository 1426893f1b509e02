import { describe, expect, it } from 'vitest';
import { OK } from '@ringroute/core';
import { FirmCredit } from '@ringroute/router';
import { fixtureWorker, nextMessage } from '../../support/threads.js';

// One symbol with a firm position limit, and the open-order line: lines at words 16
// (open orders), 32 (buying) and 48 (selling); see FirmCredit's layout.
const plan = { openOrders: 1_000, openLease: 50, positionLots: [1_000], positionLease: [100] };
const LINES = [16, 32, 48];

describe('FirmCredit under two threads taking and returning while the agent leases and takes back (real threads)', () => {
  it('no credit is ever given out twice or lost: in hand plus what both threads hold always equals what was leased minus what was taken back', async () => {
    const credit = new FirmCredit(plan);
    const words = new Int32Array(credit.buffer);
    const granted = [0, 0, 0];
    const lease = (i: number, n: number) => {
      Atomics.add(words, LINES[i], n);
      granted[i] += n;
    };
    lease(0, 40);
    lease(1, 60);
    lease(2, 60);
    const control = new Int32Array(new SharedArrayBuffer(4));
    const worker = fixtureWorker('firmCreditWorker', { plan, buffer: credit.buffer, control: control.buffer, seed: 7 });
    expect(await nextMessage(worker)).toBe('ready');
    const result = nextMessage<{ open: number; buy: number; sell: number; takes: number; refusals: number; negative: number }>(worker);
    // This thread is both a second strategy (its own FirmCredit on the same memory) and the
    // agent: leasing more, and taking back what is in hand the way the agent gives it back
    // (a compare-and-set of exactly what it read, so no order's credit is ever taken).
    const mine = new FirmCredit(plan, credit.buffer);
    const held: { side: number; lots: number }[] = [];
    let state = 99;
    const rand = (n: number) => ((state = (state * 1103515245 + 12345) & 0x7fffffff) % n);
    let negative = 0;
    let takes = 0;
    const end = Date.now() + 1_500;
    while (Date.now() < end) {
      for (let k = 0; k < 1_000; k++) {
        const r = rand(100);
        if (r < 45 && held.length < 200) {
          const side = 1 + rand(2);
          const lots = 1 + rand(3);
          if (mine.takeNew(0, side, lots) === OK) {
            held.push({ side, lots });
            takes++;
          }
        } else if (r < 90 && held.length > 0) {
          const { side, lots } = held.splice(rand(held.length), 1)[0];
          mine.giveOpen();
          mine.giveLots(0, side, lots);
        } else if (r < 95) lease(rand(3), 1 + rand(20));
        else {
          const i = rand(3);
          const avail = Atomics.load(words, LINES[i]);
          if (avail > 0 && Atomics.compareExchange(words, LINES[i], avail, 0) === avail) granted[i] -= avail;
        }
        for (const w of LINES) if (Atomics.load(words, w) < 0) negative++;
      }
    }
    Atomics.store(control, 0, 1);
    const theirs = await result;
    await worker.terminate();
    mine.flush();
    const lots = (side: number) => held.filter((h) => h.side === side).reduce((s, h) => s + h.lots, 0);
    expect(theirs.takes).toBeGreaterThan(10_000); // both threads really raced
    expect(takes).toBeGreaterThan(10_000);
    expect(theirs.refusals).toBeGreaterThan(0); // and ran lines dry
    expect(negative + theirs.negative).toBe(0);
    expect(Atomics.load(words, 16) + theirs.open + held.length).toBe(granted[0]);
    expect(Atomics.load(words, 32) + theirs.buy + lots(1)).toBe(granted[1]);
    expect(Atomics.load(words, 48) + theirs.sell + lots(2)).toBe(granted[2]);
  });
});
