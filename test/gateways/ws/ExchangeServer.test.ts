import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode, loginMessage, Msg, signLogin, type ExchangeServer } from '@ringroute/gateways';
import { exchange, KEY, rawClient, SECRET, until } from '../../support/exchange.js';

async function loggedIn(server: ExchangeServer, key = KEY, secret = SECRET) {
  const c = await rawClient(server);
  c.send(loginMessage(key, secret));
  await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
  return c;
}

/** A NEW in the protocol's field order (a message in any other order is not a record of the shape, and is refused). */
const newOrder = (id: number) => ({ t: Msg.NEW, id, sym: 1, side: 1, type: 1, tif: 1, flags: 0, px: 100, stop: 0, qty: 1 });

describe('reference exchange: authentication', () => {
  const refused: [string, (now: number) => object, number][] = [
    ['a bad signature', (now) => ({ ...loginMessage(KEY, SECRET, now), sig: signLogin(KEY, 'wrong-secret', now, 'n') }), ErrorCode.AUTH_BAD_SIGNATURE],
    // Not told apart from a bad signature: the answer must not say which keys exist.
    ['an unknown key', (now) => loginMessage('nobody', SECRET, now), ErrorCode.AUTH_BAD_SIGNATURE],
    ['a valid signature with trailing garbage', (now) => ({ ...loginMessage(KEY, SECRET, now), nonce: 'n', sig: `${signLogin(KEY, SECRET, now, 'n')}zz` }), ErrorCode.AUTH_BAD_SIGNATURE],
    ['a signature of odd length', (now) => ({ ...loginMessage(KEY, SECRET, now), nonce: 'n', sig: signLogin(KEY, SECRET, now, 'n').slice(0, 63) }), ErrorCode.AUTH_BAD_SIGNATURE],
    ['a timestamp outside the window', (now) => loginMessage(KEY, SECRET, now - 60_000), ErrorCode.AUTH_STALE_TIMESTAMP],
    ['an order before logging in', () => (newOrder(1)), ErrorCode.NOT_LOGGED_IN],
  ];
  for (const [what, message, code] of refused) {
    it(`refuses ${what} with ${code} and closes the connection`, async () => {
      const server = await exchange();
      try {
        const c = await rawClient(server);
        c.send(message(Date.now()));
        await until(() => c.closed() !== 0);
        expect(c.errors()).toEqual([code]);
        expect(c.closed()).toBe(code);
        expect(server.stats.logins).toBe(0);
        expect(JSON.stringify(c.received)).not.toContain(SECRET); // secrets never travel back
      } finally {
        await server.close();
      }
    });
  }

  it('refuses a reused nonce, accepts a fresh login', async () => {
    const server = await exchange();
    try {
      const login = loginMessage(KEY, SECRET);
      const first = await rawClient(server);
      first.send(login);
      await until(() => first.received.some((m) => m.t === Msg.LOGIN_OK));
      const replay = await rawClient(server);
      replay.send(login); // a captured login replayed
      await until(() => replay.closed() !== 0);
      expect(replay.errors()).toEqual([ErrorCode.AUTH_NONCE_REUSED]);
      expect(first.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      await server.close();
    }
  });
});

describe('reference exchange: limits', () => {
  it('an order rate beyond the limit gets an error frame and a reject per order, not a disconnect', async () => {
    const server = await exchange({ limits: { ordersPerSecond: 1, orderBurst: 5 } });
    try {
      const c = await loggedIn(server);
      for (let id = 1; id <= 20; id++) c.send(newOrder(id));
      await until(() => c.received.filter((m) => m.t === Msg.REPORT).length === 20);
      const reports = c.received.filter((m) => m.t === Msg.REPORT);
      expect(reports.filter((r) => r.ex === 1).length).toBe(5); // acked
      expect(reports.filter((r) => r.ex === 3 && r.reason === 14).length).toBe(15); // RATE_LIMITED
      expect(c.errors().filter((e) => e === ErrorCode.RATE_LIMITED).length).toBe(15);
      expect(c.socket.readyState).toBe(WebSocket.OPEN);
      expect(reports.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)); // gap-free sequence
    } finally {
      await server.close();
    }
  });

  it('an oversized frame closes that connection (1009) and no other', async () => {
    // Two accounts: one session per account (a second login for one would end the first).
    const server = await exchange({ maxFrameBytes: 256, keys: { [KEY]: { secret: SECRET, account: 1 }, other: { secret: 'other-secret', account: 2 } } });
    try {
      const [bad, good] = [await loggedIn(server), await loggedIn(server, 'other', 'other-secret')];
      bad.socket.send(Buffer.alloc(1_024));
      await until(() => bad.closed() !== 0);
      expect(bad.closed()).toBe(1009);
      good.send(newOrder(1));
      await until(() => good.received.some((m) => m.t === Msg.REPORT));
    } finally {
      await server.close();
    }
  });

  it('caps connections', async () => {
    const server = await exchange({ maxConnections: 2, maxPendingConnections: 3 });
    try {
      await rawClient(server);
      await rawClient(server);
      const third = await rawClient(server);
      await until(() => third.closed() !== 0);
      expect(third.errors()).toEqual([ErrorCode.TOO_MANY_CONNECTIONS]);
    } finally {
      await server.close();
    }
  });

  it('drops a peer that stops answering pings, and one that never logs in', async () => {
    const server = await exchange({ heartbeatMs: 50, loginTimeoutMs: 100 });
    try {
      const silent = await loggedIn(server);
      // Stop answering pings: ws answers them automatically, so pause the socket's reading.
      (silent.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const idle = await rawClient(server);
      await until(() => idle.closed() !== 0);
      expect(idle.closed()).toBe(ErrorCode.LOGIN_TIMEOUT);
      await until(() => server.connectionCount === 0, 3_000);
    } finally {
      await server.close();
    }
  });
});
