import { InstrumentSpec, OrderType, Side } from '@ringroute/core';
import { RiskEngine } from '@ringroute/router';
import { sink } from '../../harness/measure.js';
import type { Scenario } from '../../harness/Scenario.js';
import { microScenario } from '../micro.js';

/**
 * `router.risk.check`: one full pre-trade risk check of a limit order with every limit
 * configured (size, notional, collar, open orders per strategy and symbol, position,
 * order-rate bucket, kill switch), its two compare-and-set reservations included; beside
 * `core.instrument.check`, the instrument rules alone (tick, lot, min/max, notional).
 */
export function riskScenarios(): Scenario[] {
  const spec = new InstrumentSpec(0, { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' });
  const risk = new RiskEngine(4, {
    maxOrderLots: 1e9,
    maxOrderNotional: 1e15,
    priceCollarBps: 500,
    maxOpenOrdersPerStrategy: 1e15, // limits far away: the counters only grow during the run
    maxOpenOrdersPerSymbol: 1e15,
    maxPositionLots: 1e15,
    ordersPerSecond: 1e12,
    orderBurst: 1e12,
  });
  risk.setNotionalPerTickLot(0, 0.01 * 0.001);
  risk.setReferencePrice(0, 6_500_000);
  let i = 0;
  return [
    microScenario({
      name: 'core.instrument.check',
      description: 'instrument rules of one order in ticks and lots (InstrumentSpec.checkOrder)',
      batch(n) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += spec.checkOrder(6_500_000 + (++i & 63), 5);
        sink.value += acc;
      },
    }),
    microScenario({
      name: 'router.risk.check',
      reference: 'core.instrument.check',
      description: 'one full pre-trade risk check of a new order with every limit set (RiskEngine.checkNew, reservations included)',
      targets: [
        { metric: 'p50', op: '<=', value: 50, label: 'risk check p50 <= 50 ns' },
        { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'no allocation' },
      ],
      batch(n) {
        let acc = 0;
        for (let k = 0; k < n; k++) {
          acc += risk.checkNew(1, 0, Side.BUY, OrderType.LIMIT, 6_500_000 + (++i & 63), 5, i);
        }
        sink.value += acc;
      },
    }),
  ];
}
