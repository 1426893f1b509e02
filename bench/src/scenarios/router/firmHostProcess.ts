/**
 * One host of `router.firm.throughput.*`, in its own process: a router whose gateway runs
 * inline (one thread: the machine has two cores and three of these run at once), under
 * firm limits shared through Redis ('shared') or the same limits kept locally
 * ('independent'). On { go: durationMs } it trades pairs as fast as it can for that long:
 * a resting buy, then a sell that fills against it (another account), so every pair turns
 * a lot of buying and a lot of selling credit into position, and the firm agent keeps
 * publishing fills and leasing more. Reports { accepted, refused } and waits for 'stop'.
 * argv: mode, redis url, host name.
 */
import { OrderType, Side, TimeInForce } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { Router, type OrderEventHandler } from '@ringroute/router';

const [mode, redis, host] = process.argv.slice(2);
const router = await Router.create({
  instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '1' }],
  venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
  gateways: 'inline',
  orderCapacity: 8_192,
  ackTimeoutMs: 0,
  selfTradePrevention: false,
  risk: mode === 'independent' ? { maxOpenOrdersPerSymbol: 1_000, maxPositionLots: 3_333 } : {},
  firm: mode === 'shared' ? { redis, host, limits: { openOrders: 3_000, positionLots: 10_000 }, leaseSize: { openOrders: 256, positionLots: 256 } } : undefined,
});
const handler: OrderEventHandler = {};
const draft = router.draft;

/** One order through the fast path: OK (>= 0) or a refusal. */
function order(side: number, tif: number, account: number): number {
  router.claim();
  draft.symbolId = 0;
  draft.side = side;
  draft.ordType = OrderType.LIMIT;
  draft.tif = tif;
  draft.priceTicks = 10_000;
  draft.quantityLots = 1;
  draft.accountId = account;
  return router.send();
}

const why = new Map<number, number>();
async function trade(ms: number): Promise<{ accepted: number; refused: number; why: string }> {
  let accepted = 0;
  let refused = 0;
  why.clear();
  const end = performance.now() + ms;
  let turns = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) {
      const buy = order(Side.BUY, TimeInForce.GTC, 1);
      if (buy < 0) {
        refused++;
        why.set(buy, (why.get(buy) ?? 0) + 1);
        continue;
      }
      accepted++;
      const sell = order(Side.SELL, TimeInForce.IOC, 2);
      if (sell < 0) {
        refused++;
        why.set(sell, (why.get(sell) ?? 0) + 1);
      } else accepted++;
    }
    // Settle the batch: the inline venue matches as the router polls it.
    for (let p = 0; p < 8 && router.liveOrders > 0; p++) router.poll(handler, 4_096);
    // Every 16 batches one event-loop turn (the agent's messages, timers), as a strategy yields.
    if ((++turns & 15) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  router.cancelAll();
  for (let i = 0; i < 100 && router.liveOrders > 0; i++) {
    router.poll(handler, 4_096);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { accepted, refused, why: JSON.stringify([...why]) };
}

process.on('message', (m: { go?: number; stop?: boolean }) => {
  void (async () => {
    if (m.go !== undefined) process.send!(await trade(m.go));
    if (m.stop === true) {
      await router.stop();
      process.exit(0);
    }
  })();
});
process.send!({ ready: true });
