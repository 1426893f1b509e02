#!/usr/bin/env node
import { OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, Side, SlabPool, TimeInForce } from '@ringroute/core';
import { Msg, MsgpackrFrameCodec } from '@ringroute/gateways';
import { riskCheckFixture } from '../scenarios/router/riskFixture.js';

/**
 * The single-threaded hot paths whose instruction counts the gate compares (run bundled,
 * under valgrind's callgrind, by InstructionCounts): `hotPaths.js <name> <operations>`
 * does the set-up, then that many operations, and nothing else. The difference between
 * runs of N and 2N operations is the operations' own cost.
 */
export const HOT_PATHS: Record<string, { operations: number; run: (n: number) => number }> = {
  'pool.alloc-free': {
    operations: 100_000,
    run(n) {
      const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1_024, recordClass: RecordClass.ORDER });
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const h = pool.allocate();
        acc += h;
        pool.free(h);
      }
      return acc;
    },
  },
  'order.write': {
    operations: 200_000,
    run(n) {
      const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 16, recordClass: RecordClass.ORDER });
      const o = new OrderFlyweight(pool);
      o.wrap(pool.allocate());
      for (let i = 0; i < n; i++) {
        o.clientOrderId = i;
        o.symbolId = i & 7;
        o.side = Side.BUY;
        o.ordType = OrderType.LIMIT;
        o.tif = TimeInForce.GTC;
        o.priceTicks = 6_500_000 + (i & 63);
        o.quantityLots = 5;
        o.leavesLots = 5;
        o.createdNs = i;
      }
      return o.priceTicks;
    },
  },
  'risk.check': {
    operations: 100_000,
    run(n) {
      const { spec, risk } = riskCheckFixture();
      let acc = 0;
      for (let i = 0; i < n; i++) acc += spec.checkOrder(6_500_000 + (i & 63), 5) + risk.checkNew(1, 0, Side.BUY, OrderType.LIMIT, 6_500_000 + (i & 63), 5, i);
      return acc;
    },
  },
  'frame.encode': {
    operations: 20_000,
    run(n) {
      const codec = new MsgpackrFrameCodec();
      const m = { t: Msg.NEW as number, id: 0, sym: 1, side: 1, type: 1, tif: 1, flags: 0, px: 0, stop: 0, qty: 1 };
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        m.id = 1_000_000 + i;
        m.px = 6_500_000 + (i & 63);
        bytes += codec.encode(m).length;
      }
      return bytes;
    },
  },
};

// Gate fixture (never product code): a fixed integer workload, RINGROUTE_GATE_SLOWDOWN
// scaling it, so that the instruction tier can be shown catching a 15% slower hot path.
if (process.env.RINGROUTE_BENCH_FIXTURES === '1') {
  HOT_PATHS['fixture.work'] = {
    operations: 20_000,
    run(n) {
      const units = Math.round(100 * (1 + Number(process.env.RINGROUTE_GATE_SLOWDOWN ?? '0')));
      let x = 1;
      for (let k = 0; k < n; k++) for (let i = 0; i < units; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) | 0;
      return x;
    },
  };
}

const [name, count] = process.argv.slice(2);
if (name === '--list' && process.argv[1]?.includes('hotPaths')) {
  process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(HOT_PATHS).map(([k, v]) => [k, v.operations])))}\n`);
} else if (name !== undefined && process.argv[1]?.includes('hotPaths')) {
  const path = HOT_PATHS[name];
  const operations = Number(count);
  if (path === undefined || !Number.isInteger(operations) || operations < 0) {
    process.stderr.write(`usage: hotPaths <${Object.keys(HOT_PATHS).join('|')}> <operations>\n`);
    process.exit(2);
  }
  if (path.run(operations) === 0.5) process.stdout.write('\n'); // keeps the result alive
}
