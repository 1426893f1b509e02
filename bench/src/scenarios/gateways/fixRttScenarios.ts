import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InstrumentTable, nanoTime, OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, Side, SlabPool, TimeInForce } from '@ringroute/core';
import { FixGateway } from '@ringroute/gateways';
import { newHistogram } from '../../harness/Histograms.js';
import { GatewaySink } from '../../harness/GatewaySink.js';
import { echoRoundTrips, roundTripSizes, warmedOpenLoop, yieldToIo } from '../../harness/openLoop.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';

const SYMBOLS = [
  { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.001' },
  { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' },
];

/**
 * The FIX gateway against the reference exchange's FIX acceptor on its own thread, over a
 * real loopback socket, as `gateways.ws.rtt.*` measures the WebSocket gateway:
 * `gateways.fix.rtt` (FixGateway.submit -> NewOrderSingle -> loopback -> acceptor ->
 * ExecutionReport -> gateway event, open loop at 10,000 orders/s, latency from each
 * order's intended send time) beside `floor.tcp.echo` (24 bytes to a bare TCP echo on its
 * own thread and back, the same open loop); and `gateways.fix.rtt.store`, the same with
 * the durable session store on (its writes go through the journal's ring and thread).
 * Every one runs `warmedOpenLoop`: 5,000 orders (quick) before the measured ones, then a
 * pause, so that the acceptor's fresh thread has compiled its code before it is timed.
 */
export function fixRttScenarios(): Scenario[] {
  return [tcpEchoFloor(10_000), fixRtt(false, 10_000), fixRtt(true, 10_000), tcpEchoFloor(1_000), fixRtt(false, 1_000)];
}

/**
 * The same pair at 1,000/s (`floor.tcp.echo.1k`, `gateways.fix.rtt.1k`): at 10,000/s the
 * open loop keeps one core busy sending and polling and the acceptor's thread shares the
 * other with V8's helper threads, so part of that ratio is queueing; at 1,000/s both
 * threads have room, and the ratio is the round trip's own cost.
 */
const suffix = (ratePerSec: number): string => (ratePerSec === 10_000 ? '' : `.${ratePerSec / 1_000}k`);

function tcpEchoFloor(ratePerSec: number): Scenario {
  return {
    name: `floor.tcp.echo${suffix(ratePerSec)}`,
    description: `24 bytes over loopback TCP to a bare echo on its own thread and back (Nagle off): open loop at ${ratePerSec.toLocaleString('en-US')}/s, from the intended send time (the floor of any TCP round trip here)`,
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const echo = new Worker(new URL('../../workers/tcpEchoWorker.js', import.meta.url));
      const { port } = await new Promise<{ port: number }>((resolve, reject) => (echo.once('message', resolve), echo.once('error', reject)));
      const socket = netConnect({ host: '127.0.0.1', port, noDelay: true });
      await new Promise((resolve, reject) => (socket.once('connect', resolve), socket.once('error', reject)));
      const histogram = newHistogram();
      let partial: Buffer = Buffer.alloc(0);
      try {
        await echoRoundTrips(histogram, roundTripSizes(ctx.quick, ratePerSec), (m) => socket.write(m), (received) =>
          socket.on('data', (chunk: Buffer) => {
            // A stream: echoes arrive split and joined anyhow; 24 bytes each.
            const data = partial.length === 0 ? chunk : Buffer.concat([partial, chunk]);
            let at = 0;
            for (; at + 24 <= data.length; at += 24) received(data.readUInt32LE(at));
            partial = data.subarray(at);
          }),
          ratePerSec,
        );
      } finally {
        socket.destroy();
        await echo.terminate();
      }
      return { histogram, opsPerSec: ratePerSec };
    },
  };
}

function fixRtt(store: boolean, ratePerSec: number): Scenario {
  const at = suffix(ratePerSec);
  return {
    name: store ? 'gateways.fix.rtt.store' : `gateways.fix.rtt${at}`,
    reference: store ? 'gateways.fix.rtt' : `floor.tcp.echo${at}`,
    description: `FixGateway.submit -> NewOrderSingle -> loopback -> the reference exchange's FIX acceptor (own thread) -> ExecutionReport -> gateway event, open loop at ${ratePerSec.toLocaleString('en-US')} orders/s, latency from the intended send time${store ? '; the durable session store on (every message sent copied to the journal ring)' : ''}`,
    opsPerSample: 1,
    targets: store
      ? [{ metric: 'p50Ratio', op: '<=', value: 1.1, label: 'the session store costs the round trip at most 10% at p50' }]
      : ratePerSec !== 10_000
        ? [{ metric: 'p50Ratio', op: '<=', value: 1.3, label: `p50 within 1.3x of a bare TCP echo at ${ratePerSec.toLocaleString('en-US')}/s` }]
        : [
          { metric: 'p50Ratio', op: '<=', value: 1.3, label: 'p50 within 1.3x of a bare TCP echo at the same rate' },
          { metric: 'p50Ratio', versus: 'gateways.ws.rtt.msgpackr', op: '<=', value: 1, label: 'p50 at or below the WebSocket gateway\'s (msgpackr)' },
        ],
    async run(ctx: RunContext): Promise<RunSample> {
      const exchange = new Worker(new URL('../../workers/exchangeWorker.js', import.meta.url), { workerData: { codec: 'msgpackr', key: 'bench', secret: 'bench-secret', fix: { compId: 'BENCH', symbols: SYMBOLS } } });
      const { fixPort } = await new Promise<{ fixPort: number }>((resolve, reject) => (exchange.once('message', resolve), exchange.once('error', reject)));
      const table = InstrumentTable.create(4);
      for (const s of SYMBOLS) table.define(s);
      const storeDir = store ? mkdtempSync(join(tmpdir(), 'rr-bench-fix-store-')) : undefined;
      const gateway = new FixGateway({ port: fixPort, senderCompId: 'BENCH', targetCompId: 'RREX', heartbeatSeconds: 30, storeDir }, table);
      const acks = new GatewaySink();
      await gateway.connect(acks);
      const histogram = newHistogram();
      const sizes = roundTripSizes(ctx.quick, ratePerSec);
      const { warmup, count } = sizes;
      const intended = new Float64Array(count + 1);
      acks.onAck = (id) => {
        if (id > warmup) histogram.recordValue(Math.max(1, Math.round(nanoTime() - intended[id])));
      };
      const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 16, recordClass: RecordClass.ORDER });
      const order = new OrderFlyweight(pool);
      const handle = pool.allocate();
      order.wrap(handle);
      order.clear();
      order.symbolId = 1;
      order.ordType = OrderType.LIMIT;
      order.tif = TimeInForce.GTC;
      order.quantityLots = 1;
      try {
        await warmedOpenLoop(sizes, intended, (id) => {
          order.clientOrderId = id;
          order.side = id % 2 === 0 ? Side.BUY : Side.SELL;
          order.priceTicks = id % 2 === 0 ? 1_000 - (id % 100) : 100_000 + (id % 100); // rests: an ack each
          gateway.submit(handle, order);
          if ((id & 63) === 0) gateway.poll(nanoTime()); // the host loop's turn: timers, the store's sequence numbers
        }, () => acks.acked, ratePerSec);
        const deadline = Date.now() + 30_000;
        while (acks.acked < count && Date.now() < deadline) await yieldToIo();
        if (acks.acked < count) throw new Error(`only ${acks.acked} of ${count} orders acknowledged`);
      } finally {
        await gateway.disconnect();
        await exchange.terminate();
        if (storeDir !== undefined) rmSync(storeDir, { recursive: true, force: true });
      }
      return { histogram, opsPerSec: ratePerSec };
    },
  };
}
