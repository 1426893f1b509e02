import { InstrumentSpec } from '@ringroute/core';
import { RiskEngine } from '@ringroute/router';

/**
 * The risk check both `router.risk.check` (timed) and the gate's `risk.check` hot path
 * (instruction counts) measure: BTC-USD with every limit configured, the limits far away
 * so that the counters only grow during a run and no order is refused.
 */
export function riskCheckFixture(): { spec: InstrumentSpec; risk: RiskEngine } {
  const spec = new InstrumentSpec(0, { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' });
  const risk = new RiskEngine(4, {
    maxOrderLots: 1e9,
    maxOrderNotional: 1e15,
    priceCollarBps: 500,
    maxOpenOrdersPerStrategy: 1e15,
    maxOpenOrdersPerSymbol: 1e15,
    maxPositionLots: 1e15,
    ordersPerSecond: 1e12,
    orderBurst: 1e12,
  });
  risk.setNotionalPerTickLot(0, 0.01 * 0.001);
  risk.setReferencePrice(0, 6_500_000);
  return { spec, risk };
}
