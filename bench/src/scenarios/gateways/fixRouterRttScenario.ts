import { Worker } from 'node:worker_threads';
import { nanoTime, OrderType, Side, TimeInForce, type OrderFlyweight } from '@ringroute/core';
import { FIX_GATEWAY_TASK } from '@ringroute/gateways';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { newHistogram } from '../../harness/Histograms.js';
import { roundTripSizes, warmedOpenLoop, yieldToIo } from '../../harness/openLoop.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';

const SYMBOL = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' };

/** Acks by the order's position in the run (the router numbers orders in sequence from `first`). */
class Acks implements OrderEventHandler {
  acked = 0;
  first = -1;
  constructor(private readonly onAck: (i: number) => void) {}
  onAccepted(o: OrderFlyweight): void {
    this.acked++;
    this.onAck(o.clientOrderId - this.first + 1);
  }
}

/**
 * `gateways.fix.rtt.router`: the FIX round trip the whole way a strategy's order goes, as
 * the issue names it: `Router.send` (risk, the ring) -> the FIX gateway on its gateway
 * thread (idle 'async': its socket callbacks run on that thread's event loop) ->
 * NewOrderSingle -> loopback -> the reference exchange's FIX acceptor on its own thread ->
 * ExecutionReport -> the gateway thread -> the ring -> the strategy's `onAccepted`. Open
 * loop at 10,000 orders/s from each order's intended send time, the main thread polling
 * the router while it waits; beside `floor.tcp.echo` (the same loop, a bare echo).
 *
 * That is three threads on two cores: the main loop polls without sleeping, the gateway
 * thread spins (with event-loop turns) for 200 µs after its last work before it parks, so
 * at 10,000/s it never parks, and the acceptor gets what is left. A host with a core for
 * each is what this path is built for; see docs/fix.md for what it measures here.
 *
 * `gateways.fix.rtt.router.inline`: the same with the gateway on the strategy's thread
 * (`gateways: 'inline'`, driven by `poll`): the router's own cost (risk, the rings, the
 * poll) without the thread hop, on the same two threads as the floor.
 */
export function fixRouterRttScenarios(): Scenario[] {
  return [fixRouterRtt(false), fixRouterRtt(true)];
}

function fixRouterRtt(inline: boolean): Scenario {
  return {
    name: `gateways.fix.rtt.router${inline ? '.inline' : ''}`,
    reference: 'floor.tcp.echo',
    description: inline
      ? "Router.send -> risk -> ring -> the FIX gateway on the same thread (gateways: inline, driven by poll) -> NewOrderSingle -> loopback -> the reference exchange's FIX acceptor (own thread) -> ExecutionReport -> ring -> onAccepted, open loop at 10,000 orders/s from the intended send time"
      : "Router.send -> risk -> ring -> the FIX gateway's thread (idle async) -> NewOrderSingle -> loopback -> the reference exchange's FIX acceptor (own thread) -> ExecutionReport -> gateway thread -> ring -> onAccepted, open loop at 10,000 orders/s from the intended send time",
    opsPerSample: 1,
    targets: inline ? [] : [{ metric: 'p50Ratio', op: '<=', value: 1.3, label: "the issue's whole path (router and gateway thread): p50 within 1.3x of a bare TCP echo at the same rate" }],
    async run(ctx: RunContext): Promise<RunSample> {
      const exchange = new Worker(new URL('../../workers/exchangeWorker.js', import.meta.url), { workerData: { codec: 'msgpackr', key: 'bench', secret: 'bench-secret', fix: { compId: 'BENCH', symbols: [SYMBOL] } } });
      const { fixPort } = await new Promise<{ fixPort: number }>((resolve, reject) => (exchange.once('message', resolve), exchange.once('error', reject)));
      const sizes = roundTripSizes(ctx.quick);
      const router = await Router.create({
        instruments: [SYMBOL],
        venues: [{ name: 'fix', task: FIX_GATEWAY_TASK, idle: 'async', adapter: { port: fixPort, senderCompId: 'BENCH', targetCompId: 'RREX', heartbeatSeconds: 30 } }],
        idle: 'async',
        gateways: inline ? 'inline' : 'workers',
        orderCapacity: 1 << Math.ceil(Math.log2(sizes.count + 1_024)), // a power of two; every order rests
        risk: { maxOrderLots: 1_000_000, maxOpenOrdersPerSymbol: sizes.count + 1_024, priceCollarBps: 10_000 },
      });
      router.setReferencePrice(SYMBOL.symbol, '500');
      const histogram = newHistogram();
      const intended = new Float64Array(sizes.count + 1);
      const acks = new Acks((i) => {
        if (i > sizes.warmup) histogram.recordValue(Math.max(1, Math.round(nanoTime() - intended[i])));
      });
      const symbol = router.instruments.idOf(SYMBOL.symbol);
      const draft = router.draft;
      const poll = (): void => {
        router.poll(acks, 64);
      };
      try {
        await warmedOpenLoop(sizes, intended, (i) => {
          router.claim();
          draft.symbolId = symbol;
          draft.side = i % 2 === 0 ? Side.BUY : Side.SELL;
          draft.ordType = OrderType.LIMIT;
          draft.tif = TimeInForce.GTC;
          draft.priceTicks = i % 2 === 0 ? 40_000 - (i % 100) : 60_000 + (i % 100); // rests: an ack each
          draft.quantityLots = 1;
          const id = router.send(intended[i]);
          if (id < 0) throw new Error(`order ${i} refused by the router: status ${id}`);
          if (acks.first < 0) acks.first = id;
        }, () => acks.acked, 10_000, poll);
        const deadline = Date.now() + 30_000;
        while (acks.acked < sizes.count && Date.now() < deadline) {
          poll();
          await yieldToIo();
        }
        if (acks.acked < sizes.count) throw new Error(`only ${acks.acked} of ${sizes.count} orders acknowledged`);
      } finally {
        await router.stop();
        await exchange.terminate();
      }
      return { histogram, opsPerSec: 10_000 };
    },
  };
}
