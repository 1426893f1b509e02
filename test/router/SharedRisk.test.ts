import { describe, expect, it } from 'vitest';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { RISK_KILL_SWITCH, RISK_OPEN_ORDERS, Router } from '@ringroute/router';
import { fixtureWorker, nextMessage } from '../support/threads.js';

describe('two strategy threads sharing risk limits end to end (real threads)', () => {
  it('a shared open-order limit is never exceeded across threads, and one kill switch stops both', async () => {
    const risk = { maxOpenOrdersPerSymbol: 50 };
    const a = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
      strategyId: 1,
      risk,
    });
    const control = new Int32Array(new SharedArrayBuffer(4));
    const worker = fixtureWorker('strategyThread', { riskBuffer: a.risk.buffer, orders: 40, control: control.buffer, risk });
    try {
      expect(await nextMessage(worker)).toBe('ready');
      const theirs = nextMessage<{ statuses: number[] }>(worker);
      Atomics.store(control, 0, 1); // both threads submit at once
      const mine: number[] = [];
      for (let i = 0; i < 40; i++) mine.push(a.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.001' }));
      const all = [...mine, ...(await theirs).statuses];
      // 80 tries against 50 places: exactly 50 taken, the other 30 refused by the shared limit.
      expect(all.filter((s) => s > 0).length).toBe(50);
      expect(all.filter((s) => s === RISK_OPEN_ORDERS).length).toBe(30);
      expect(a.risk.openOrders(0)).toBe(50);
      // The kill switch is shared too: tripped here, it refuses the other thread's next order.
      a.risk.kill();
      worker.postMessage('probe');
      expect(await nextMessage(worker)).toEqual({ probe: RISK_KILL_SWITCH });
      a.risk.resume();
      worker.postMessage('stop');
      expect(await nextMessage(worker)).toBe('stopped');
    } finally {
      await a.stop();
      await worker.terminate();
    }
    expect(a.risk.openOrders(0)).toBe(0); // both routers canceled their orders on stop: every place given back
  });
});
