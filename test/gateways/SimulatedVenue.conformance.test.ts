import { OrderFlyweight, ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { SimulatedVenue, type VenueModels } from '@ringroute/gateways';
import { registerGatewayConformance, type ConformanceTarget } from '@ringroute/gateways/conformance';

/** The simulated venue as a conformance target; counterparty liquidity comes from account 99. */
function simulatedTarget(models?: VenueModels): ConformanceTarget {
  const sim = new SimulatedVenue({ symbols: 2, models });
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1024, recordClass: RecordClass.ORDER });
  const order = new OrderFlyweight(pool);
  let now = 0;
  let counterparty = 9_000_000_000;
  const settle = async () => {
    for (let i = 0; i < 1_000; i++) {
      now += 1e9;
      sim.poll(now);
      if (sim.pendingReports === 0) return;
    }
  };
  return {
    adapter: sim,
    symbolId: 1,
    priceTicks: 10_000,
    seed(side, priceTicks, quantityLots) {
      const handle = pool.allocate();
      order.wrap(handle);
      order.clear();
      order.clientOrderId = counterparty++;
      order.accountId = 99;
      order.symbolId = 1;
      order.side = side;
      order.ordType = 1;
      order.tif = 1;
      order.priceTicks = priceTicks;
      order.quantityLots = quantityLots;
      sim.submit(handle, order);
    },
    settle,
    async reconnect() {
      sim.dropInFlight(); // the reports in flight are what a dropped connection loses
    },
    close: () => sim.disconnect(),
  };
}

registerGatewayConformance('SimulatedVenue', async () => simulatedTarget());

registerGatewayConformance('SimulatedVenue with latency and faults (duplicates, reordering, fill before ack)', async () =>
  simulatedTarget({ seed: 42, reportDelayNs: 1_000, reportJitterNs: 5_000, faults: { duplicateProbability: 0.2, reorderProbability: 0.2, fillBeforeAck: true } }),
);
