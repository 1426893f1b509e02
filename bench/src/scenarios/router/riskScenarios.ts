import { OrderType, Side } from '@ringroute/core';
import { sink } from '../../harness/measure.js';
import type { Scenario } from '../../harness/Scenario.js';
import { microScenario } from '../micro.js';
import { riskCheckFixture } from './riskFixture.js';

/**
 * `router.risk.check`: one full pre-trade risk check of a limit order with every limit
 * configured (size, notional, collar, open orders per strategy and symbol, position,
 * order-rate bucket, kill switch), its two compare-and-set reservations included; beside
 * `core.instrument.check`, the instrument rules alone (tick, lot, min/max, notional).
 */
export function riskScenarios(): Scenario[] {
  const { spec, risk } = riskCheckFixture();
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
