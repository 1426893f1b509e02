import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { nanoTime, OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, Side, SlabPool, TimeInForce } from '@ringroute/core';
import { WsGateway, type FrameCodecName } from '@ringroute/gateways';
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from '../../harness/Histograms.js';
import { GatewaySink } from '../../harness/GatewaySink.js';
import { echoRoundTrips, roundTripSizes, warmedOpenLoop, yieldToIo } from '../../harness/openLoop.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';

const KEY = 'bench';
const SECRET = 'bench-secret';

/**
 * The WebSocket gateway against the reference exchange running on its own thread, over a
 * real loopback socket: `gateways.ws.rtt.<codec>` (submit -> ack at a fixed offered rate,
 * open loop, latency from each order's intended send time so that stalls are not hidden)
 * and `gateways.ws.throughput.<codec>` (orders per second through one connection with
 * 512 in flight). Each msgpackr scenario runs beside the same flow in JSON text frames,
 * as typical exchange APIs and ccxt-style clients speak.
 */
export function wsScenarios(): Scenario[] {
  return [
    wsEchoFloor(),
    wsRtt('json'),
    wsRtt('msgpackr'),
    wsThroughput('json'),
    wsThroughput('msgpackr'),
  ];
}

/** Start the exchange on its own thread and connect a gateway to it. */
async function connect(codec: FrameCodecName, sink: GatewaySink): Promise<{ gateway: WsGateway; exchange: Worker }> {
  const exchange = new Worker(new URL('../../workers/exchangeWorker.js', import.meta.url), { workerData: { codec, key: KEY, secret: SECRET } });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => (exchange.once('message', resolve), exchange.once('error', reject)));
  const gateway = new WsGateway({ url: `ws://127.0.0.1:${port}`, apiKey: KEY, secret: SECRET, codec, heartbeatMs: 60_000, deadAfterMs: 120_000 });
  await gateway.connect(sink);
  return { gateway, exchange };
}

/** One order slot, rewritten for every order (the gateway reads it during `submit`). */
function orderSlot(): { handle: number; order: OrderFlyweight } {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 16, recordClass: RecordClass.ORDER });
  const order = new OrderFlyweight(pool);
  const handle = pool.allocate();
  order.wrap(handle);
  order.clear();
  order.symbolId = 1;
  order.ordType = OrderType.LIMIT;
  order.quantityLots = 1;
  return { handle, order };
}


/** `floor.ws.echo`: a 24-byte binary frame to a bare ws echo on another thread and back, same open loop. */
function wsEchoFloor(): Scenario {
  return {
    name: 'floor.ws.echo',
    description: 'a 24-byte binary frame over loopback to a bare ws echo server on its own thread and back: open loop at 10,000/s, from the intended send time (the floor of any WebSocket round trip here)',
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const echo = new Worker(new URL('../../workers/wsEchoWorker.js', import.meta.url));
      const { port } = await new Promise<{ port: number }>((resolve, reject) => (echo.once('message', resolve), echo.once('error', reject)));
      const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
      const histogram = newHistogram();
      try {
        await echoRoundTrips(histogram, roundTripSizes(ctx.quick), (m) => socket.send(m), (received) => socket.on('message', (data: Buffer) => received(data.readUInt32LE(0))));
      } finally {
        socket.terminate();
        await echo.terminate();
      }
      return { histogram, opsPerSec: 10_000 };
    },
  };
}

function wsRtt(codec: FrameCodecName): Scenario {
  const msgpackr = codec === 'msgpackr';
  return {
    name: `gateways.ws.rtt.${codec}`,
    reference: msgpackr ? 'gateways.ws.rtt.json' : 'floor.ws.echo',
    description: `WsGateway.submit -> ${codec} frame -> loopback -> exchange (own thread) -> ack frame -> gateway event, open loop at 10,000 orders/s, latency from the intended send time`,
    opsPerSample: 1,
    targets: msgpackr
      ? [
          { metric: 'p50', op: '<=', value: 60_000, label: 'msgpackr round trip p50 <= 60 µs at 10,000/s' },
          { metric: 'p99', op: '<=', value: 250_000, label: 'msgpackr round trip p99 <= 250 µs at 10,000/s' },
          { metric: 'p50Ratio', op: '<=', value: 1 / 1.5, label: 'msgpackr at least 1.5x faster than JSON at p50' },
          { metric: 'p50Ratio', versus: 'floor.ws.echo', op: '<=', value: 1.5, label: '(ours) p50 within 1.5x of a bare ws echo at the same rate' },
        ]
      : [],
    async run(ctx: RunContext): Promise<RunSample> {
      const sink = new GatewaySink();
      const { gateway, exchange } = await connect(codec, sink);
      const histogram: Histogram = newHistogram();
      const sizes = roundTripSizes(ctx.quick);
      const { warmup, count } = sizes;
      const intended = new Float64Array(count + 1);
      sink.onAck = (id) => {
        if (id > warmup) histogram.recordValue(Math.max(1, Math.round(nanoTime() - intended[id])));
      };
      const { handle, order } = orderSlot();
      try {
        await warmedOpenLoop(sizes, intended, (id) => {
          order.clientOrderId = id;
          order.side = id % 2 === 0 ? Side.BUY : Side.SELL;
          order.tif = TimeInForce.GTC;
          order.priceTicks = id % 2 === 0 ? 1_000 - (id % 100) : 100_000 + (id % 100); // rests: an ack each
          gateway.submit(handle, order);
        }, () => sink.acked);
        const deadline = Date.now() + 30_000;
        while (sink.acked < count && Date.now() < deadline) await yieldToIo();
        if (sink.acked < count) throw new Error(`only ${sink.acked} of ${count} orders acknowledged`);
      } finally {
        await gateway.disconnect();
        await exchange.terminate();
      }
      return { histogram, opsPerSec: 10_000 };
    },
  };
}

function wsThroughput(codec: FrameCodecName): Scenario {
  const msgpackr = codec === 'msgpackr';
  return {
    name: `gateways.ws.throughput.${codec}`,
    reference: msgpackr ? 'gateways.ws.throughput.json' : undefined,
    description: `orders per second through one ${codec} connection: IOC orders on an empty book (ack, then the remainder canceled), 512 in flight`,
    opsPerSample: 1,
    targets: msgpackr ? [{ metric: 'opsPerSec', op: '>=', value: 50_000, label: '>= 50,000 orders/s through one connection' }] : [],
    async run(ctx: RunContext): Promise<RunSample> {
      const sink = new GatewaySink();
      const { gateway, exchange } = await connect(codec, sink);
      const { handle, order } = orderSlot();
      const total = ctx.quick ? 20_000 : 100_000;
      let sent = 0;
      let begin = 0;
      try {
        order.tif = TimeInForce.IOC;
        order.side = Side.BUY;
        order.priceTicks = 1_000;
        begin = nanoTime();
        const deadline = Date.now() + 60_000;
        while (sink.done < total) {
          while (sent < total && sent - sink.done < 512) {
            order.clientOrderId = ++sent;
            gateway.submit(handle, order);
          }
          await yieldToIo();
          if (Date.now() > deadline) throw new Error(`throughput run stalled at ${sink.done} of ${total}`);
        }
      } finally {
        await gateway.disconnect();
        await exchange.terminate();
      }
      return { opsPerSec: (total / (nanoTime() - begin)) * 1e9 };
    },
  };
}
