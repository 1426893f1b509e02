import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { FirmLedger, Router, type OrderEventHandler } from '@ringroute/router';
import { newHistogram } from '../../harness/Histograms.js';
import { RedisServer } from '../../harness/redisServer.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';

/**
 * The firm layer's costs off the order path (issue 16), each beside what Redis itself
 * costs on this machine in the same run: a lease top-up beside a PING, the firm halt's
 * propagation beside a bare PUBLISH to a subscriber, and three hosts' orders per second
 * under one shared limit beside the same three under limits of their own. (The order
 * path's own cost is `router.order.rtt.busy-spin.firm`, beside `router.order.rtt.busy-spin`.)
 */
export function firmScenarios(): Scenario[] {
  return [redisPing(), leaseRtt(), redisPubSub(), haltPropagation(), firmThroughput('independent'), firmThroughput('shared')];
}

const INSTRUMENT = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '1' };

/** `floor.redis.ping`: one PING round trip from this process to a local redis-server. */
function redisPing(): Scenario {
  return {
    name: 'floor.redis.ping',
    description: 'PING round trip to a redis-server on loopback (ioredis, one connection, one at a time)',
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const server = await RedisServer.start();
      const redis = new Redis(server.url);
      const histogram = newHistogram();
      try {
        for (let i = 0; i < 500; i++) await redis.ping();
        const n = ctx.quick ? 3_000 : 10_000;
        for (let i = 0; i < n; i++) {
          const t0 = process.hrtime.bigint();
          await redis.ping();
          histogram.recordValue(Math.max(1, Number(process.hrtime.bigint() - t0)));
        }
      } finally {
        redis.disconnect();
        await server.stop();
      }
      return { histogram };
    },
  };
}

/**
 * `router.firm.lease.rtt`: the firm agent's lease calls (one Lua script each) timed on
 * its own thread, while a strategy keeps using the credit: resting orders taking
 * open-order credit 16 at a time, canceled in bulk every 1,024.
 */
function leaseRtt(): Scenario {
  return {
    name: 'router.firm.lease.rtt',
    reference: 'floor.redis.ping',
    description: "the firm agent's lease top-ups (Lua script, from its own thread) while a strategy uses open-order credit in 16s",
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const server = await RedisServer.start();
      const router = await Router.create({
        instruments: [INSTRUMENT],
        venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
        gateways: 'inline',
        orderCapacity: 4_096,
        ackTimeoutMs: 0,
        firm: { redis: server.url, host: 'bench', limits: { openOrders: 1_000_000 }, leaseSize: { openOrders: 16 }, idleReturnMs: 60_000 },
      });
      const handler: OrderEventHandler = {};
      const wanted = ctx.quick ? 300 : 1_500;
      try {
        let live = 0;
        const deadline = Date.now() + 60_000;
        // 8 orders a millisecond against leases of 16 (asked for at 8 left): about one top-up
        // a millisecond, never running dry, so every sample is a plain top-up.
        // The status (a message to the agent, its samples copied back) is asked every 100
        // rounds: asked every round, its copying on the agent's thread delayed the leases.
        let round = 0;
        while (((++round % 100 !== 0) || (await router.firm!.status()).leaseRttNs.length < wanted) && Date.now() < deadline) {
          for (let i = 0; i < 8; i++) {
            const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: 1, venue: 'sim' });
            if (id > 0) live++;
          }
          router.poll(handler);
          if (live >= 1_024) {
            router.cancelAll();
            live = 0;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
          router.poll(handler);
        }
        const histogram = newHistogram();
        for (const ns of (await router.firm!.status()).leaseRttNs) histogram.recordValue(Math.max(1, Math.round(ns)));
        return { histogram };
      } finally {
        await router.stop();
        await server.stop();
      }
    },
  };
}

/** `floor.redis.pubsub`: PUBLISH on one connection to a subscriber on another, timed from before the publish to the message. */
function redisPubSub(): Scenario {
  return {
    name: 'floor.redis.pubsub',
    description: 'PUBLISH -> message on a subscribed connection, both in this process, redis-server on loopback',
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const server = await RedisServer.start();
      const pub = new Redis(server.url);
      const sub = new Redis(server.url);
      const histogram = newHistogram();
      try {
        await sub.subscribe('floor');
        let resolveMessage: (at: bigint) => void = () => undefined;
        sub.on('message', () => resolveMessage(process.hrtime.bigint()));
        const n = ctx.quick ? 1_000 : 5_000;
        for (let i = 0; i < n + 100; i++) {
          const got = new Promise<bigint>((resolve) => (resolveMessage = resolve));
          const t0 = process.hrtime.bigint();
          await pub.publish('floor', 'x');
          const at = await got;
          if (i >= 100) histogram.recordValue(Math.max(1, Number(at - t0)));
        }
      } finally {
        pub.disconnect();
        sub.disconnect();
        await server.stop();
      }
      return { histogram };
    },
  };
}

/**
 * `router.firm.halt.propagation`: an operator's halt (the script that sets and publishes
 * it) until each of three hosts' firm agents has set its kill bit, measured by each agent
 * from the operator's clock stamp (one machine: the same monotonic clock). Three routers
 * in this process, each with its own agent thread and connections; halt and resume in turn.
 */
function haltPropagation(): Scenario {
  return {
    name: 'router.firm.halt.propagation',
    reference: 'floor.redis.pubsub',
    description: "operator halt -> every host's kill bit set by its firm agent (3 hosts, each its own agent thread and connections)",
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const server = await RedisServer.start();
      const routers: Router[] = [];
      const operator = await FirmLedger.connect({ redis: server.url, host: 'operator' });
      try {
        for (let h = 0; h < 3; h++) {
          routers.push(
            await Router.create({
              instruments: [INSTRUMENT],
              venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
              gateways: 'inline',
              orderCapacity: 1_024,
              firm: { redis: server.url, host: `host-${h}`, limits: { openOrders: 1_000 } },
            }),
          );
        }
        const all = (halted: boolean) => routers.every((r) => ((r.risk.killState & 2) !== 0) === halted);
        const waitFor = async (halted: boolean) => {
          const deadline = Date.now() + 5_000;
          while (!all(halted)) {
            if (Date.now() > deadline) throw new Error('halt did not reach every host in 5 s');
            // Sleep, not spin: the agents measure the delay themselves, and three agent
            // threads and redis-server already share the two cores with this one.
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        };
        const cycles = ctx.quick ? 100 : 300;
        for (let i = 0; i < cycles; i++) {
          await operator.setHalt(true, 'bench');
          await waitFor(true);
          await operator.setHalt(false);
          await waitFor(false);
        }
        const histogram = newHistogram();
        for (const r of routers) for (const ns of (await r.firm!.status()).haltDelayNs) histogram.recordValue(Math.max(1, Math.round(ns)));
        return { histogram };
      } finally {
        await operator.close();
        for (const r of routers) await r.stop();
        await server.stop();
      }
    },
  };
}

/** `router.firm.throughput.<mode>`: orders accepted per second by three host processes together. */
function firmThroughput(mode: 'shared' | 'independent'): Scenario {
  return {
    name: `router.firm.throughput.${mode}`,
    reference: mode === 'shared' ? 'router.firm.throughput.independent' : undefined,
    description:
      mode === 'shared'
        ? 'orders/s accepted by 3 host processes together under one firm limit through Redis (open orders 3,000, position 10,000 lots, leases of 256); each trades resting buys and crossing sells'
        : 'the same 3 processes and flow, each under limits of its own (local risk only)',
    opsPerSample: 1,
    targets: mode === 'shared' ? [{ metric: 'speedupVsReference', op: '>=', value: 0.9, label: 'shared firm limit: at least 0.9x the orders/s of independent limits' }] : [],
    async run(ctx: RunContext): Promise<RunSample> {
      const server = await RedisServer.start();
      const children: ChildProcess[] = [];
      try {
        for (let h = 0; h < 3; h++) {
          const child = fork(new URL('./firmHostProcess.js', import.meta.url), [mode, server.url, `host-${h}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          children.push(child);
          await once(child, 'message');
        }
        // A short unrecorded round first (JIT, pools), then the measured one.
        const round = async (ms: number) => {
          const results = children.map((c) => once(c, 'message').then(([m]) => m as { accepted: number; refused: number; why: string }));
          for (const c of children) c.send({ go: ms });
          return Promise.all(results);
        };
        await round(300);
        const ms = ctx.quick ? 1_000 : 3_000;
        const results = await round(ms);
        const accepted = results.reduce((s, r) => s + r.accepted, 0);
        if (process.env.RR_BENCH_DEBUG) console.error(mode, results);
        return { opsPerSec: accepted / (ms / 1_000) };
      } finally {
        for (const c of children) c.send({ stop: true });
        await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
        await server.stop();
      }
    },
  };
}
