import { describe, expect, it } from 'vitest';
import { startExchangeServer, WS_GATEWAY_TASK, type ExchangeServer } from '@ringroute/gateways';
import { BreakerState, Quote, Router, VENUE_UNHEALTHY, type OrderEventHandler } from '@ringroute/router';
import { KEY, SECRET, seed, until } from '../../support/exchange.js';

const INSTRUMENTS = [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }];

/** Strategy → router → gateway worker → socket → exchange → socket → worker → router, and back to the strategy. */
async function routerFor(server: ExchangeServer): Promise<Router> {
  return Router.create({
    instruments: INSTRUMENTS,
    venues: [{ name: 'x', task: WS_GATEWAY_TASK, adapter: { url: server.url, apiKey: KEY, secret: SECRET, reconnectInitialMs: 20, reconnectMaxMs: 200, heartbeatMs: 100, deadAfterMs: 400 } }],
    idle: 'async', // socket callbacks run on the gateway worker's event loop
    ackTimeoutMs: 0,
  });
}

/** Counts every terminal event per order (a second one would be a bug). */
function ledger() {
  const ends = new Map<number, string[]>();
  const end = (kind: string) => (o: { clientOrderId: number }) => void ends.set(o.clientOrderId, [...(ends.get(o.clientOrderId) ?? []), kind]);
  let filledLots = 0;
  const handler: OrderEventHandler = {
    onFill: (o, _p, lots) => {
      filledLots += lots;
      if (o.leavesLots === 0) end('filled')(o);
    },
    onRejected: end('rejected'),
    onCanceled: end('canceled'),
    onExpired: end('expired'),
    onUnknown: end('unknown'),
  };
  return { ends, handler, filled: () => filledLots };
}

describe('the router over the WebSocket gateway to the reference exchange (real threads, real sockets)', () => {
  it('orders trade end to end through a gateway worker and the exchange', async () => {
    const server = await startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } } });
    const router = await routerFor(server);
    const l = ledger();
    try {
      seed(server, 0, 2, 10_000, 50); // 50 lots offered at 100.00 by another participant
      // The exchange's top of book reaches the router's shared book through the gateway.
      const quote = new Quote();
      await until(() => router.topOfBook.read(0, 0, quote) && quote.askTicks === 10_000);
      expect(quote.askLots).toBe(50);
      const ids: number[] = [];
      for (let i = 0; i < 50; i++) ids.push(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', tif: 'IOC' }));
      expect(ids.every((id) => id > 0)).toBe(true);
      await until(() => { router.poll(l.handler); return l.ends.size === 50; });
      expect(l.filled()).toBe(50);
      expect([...l.ends.values()].every((e) => e.length === 1 && e[0] === 'filled')).toBe(true);
    } finally {
      await router.stop(l.handler);
      await server.close();
    }
  }, 30_000);

  it('a connection that goes silent is detected by heartbeats: orders are refused while it is down, the breaker opens, and everything resumes after', async () => {
    const server = await startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } } });
    const router = await routerFor(server); // heartbeats every 100 ms, dead after 400 ms
    const l = ledger();
    try {
      const resting = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.001' });
      await until(() => (router.poll(l.handler), router.orderOf(resting)?.state === 2)); // ACCEPTED
      server.acceptLogins(false); // reconnects will fail ...
      server.freezeConnections(); // ... and the open connection goes silent: no close, no pong
      const frozenAt = Date.now();
      // Nothing is sent: the gateway notices on its own (no pong) and tells the router,
      // which holds the venue's breaker open; orders are then refused before any ring.
      await until(() => (router.poll(l.handler), router.breakers[0].state === BreakerState.OPEN), 5_000);
      const detectedAfter = Date.now() - frozenAt;
      expect(detectedAfter).toBeGreaterThanOrEqual(300); // not before the peer was overdue ...
      expect(detectedAfter).toBeLessThan(2_000); // ... and soon after (dead after 400 ms)
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '91', quantity: '0.001', tif: 'IOC' })).toBe(VENUE_UNHEALTHY);
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // past the breaker's cooldown: still held while down
      router.poll(l.handler);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '91', quantity: '0.001', tif: 'IOC' })).toBe(VENUE_UNHEALTHY);
      expect(router.breakers[0].state).toBe(BreakerState.OPEN);
      // The exchange comes back: the gateway reconnects, replays, and the resting order is still working.
      server.acceptLogins(true);
      await until(() => {
        router.poll(l.handler);
        return router.submit({ symbol: 'BTC-USD', side: 'buy', price: '91', quantity: '0.001', tif: 'IOC' }) > 0 && router.breakers[0].state === BreakerState.CLOSED;
      }, 10_000);
      expect(router.orderOf(resting)?.state).toBe(2);
      expect(router.cancel(resting)).toBe(0);
      await until(() => (router.poll(l.handler), l.ends.get(resting)?.[0] === 'canceled'));
    } finally {
      await router.stop(l.handler);
      await server.close();
    }
  }, 30_000);

  for (const keepsState of [true, false]) {
    it(`the exchange killed and restarted mid-flow ${keepsState ? 'with its state' : 'without its state'}: every order ends once, none is duplicated at the exchange`, async () => {
      let server = await startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } } });
      const port = server.port;
      const book = server.book;
      const router = await routerFor(server);
      const l = ledger();
      const sent: number[] = [];
      try {
        seed(server, 0, 2, 10_000, 1_000);
        const flow = async (n: number) => {
          for (let i = 0; i < n; i++) {
            // Takers that fill, and resting buys below the market.
            const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: i % 2 === 0 ? '100' : '90', quantity: '0.001', tif: i % 2 === 0 ? 'IOC' : 'GTC' });
            if (id > 0) sent.push(id);
            router.poll(l.handler);
            if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
          }
        };
        await flow(200);
        await server.close(); // killed: every connection drops, in-flight reports are lost
        await flow(50); // the router keeps going: these are refused (venue unavailable) or queued nowhere
        server = await startExchangeServer({ port, keys: { [KEY]: { secret: SECRET, account: 1 } }, ...(keepsState ? { book } : {}) });
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // reconnect, log in, reconcile
        await flow(100);
        // Cancel whatever rests; orders acknowledged later are caught by the next sweep.
        let sweeps = 0;
        await until(() => {
          router.poll(l.handler);
          if (sweeps++ % 25 === 0) router.cancelAll();
          return sent.every((id) => l.ends.has(id));
        }, 15_000);
      } finally {
        await router.stop(l.handler);
        await server.close();
      }
      // Every order ended exactly once: filled, canceled, rejected, expired or UNKNOWN.
      for (const id of sent) expect(l.ends.get(id), `order ${id}`).toHaveLength(1);
      expect(book.duplicateNews).toBe(0); // nothing was ever resent
      const kinds = [...l.ends.values()].map((e) => e[0]);
      expect(kinds).toContain('filled');
      if (!keepsState) expect(kinds).toContain('unknown'); // an exchange that forgot cannot confirm anything
    }, 60_000);
  }
});
