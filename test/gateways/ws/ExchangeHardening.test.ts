import { describe, expect, it } from 'vitest';
import { RejectReason } from '@ringroute/core';
import { ErrorCode, loginMessage, Msg } from '@ringroute/gateways';
import { exchange, KEY, rawClient, SECRET, until } from '../../support/exchange.js';

const newOrder = (id: number, tif = 1) => ({ t: Msg.NEW, id, sym: 1, side: 1, type: 1, tif, flags: 0, px: 100, stop: 0, qty: 1 });

describe('reference exchange: hardening (issue 12, exchange side, first items)', () => {
  it('frames that arrive with a fatal one are not executed: [NEW before login][LOGIN][NEW] in one write logs nobody in and rests nothing', async () => {
    const server = await exchange();
    try {
      const c = await rawClient(server);
      // One synchronous burst: the three frames go out in one write and arrive in one read.
      c.send((newOrder(1)));
      c.send((loginMessage(KEY, SECRET)));
      c.send((newOrder(2)));
      await until(() => c.closed() !== 0);
      expect(c.closed()).toBe(ErrorCode.NOT_LOGGED_IN);
      expect(server.stats.logins).toBe(0);
      expect(c.received.some((m) => m.t === Msg.LOGIN_OK)).toBe(false);
      expect(server.book.openOrders(server.book.account(1))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a time in force of 0 or 255 is refused with a reason, never taken as GTC', async () => {
    const server = await exchange();
    try {
      const c = await rawClient(server);
      c.send((loginMessage(KEY, SECRET)));
      await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
      c.send((newOrder(1, 0)));
      c.send((newOrder(2, 255)));
      c.send((newOrder(3, 1)));
      await until(() => c.received.filter((m) => m.t === Msg.REPORT).length === 3);
      const reports = c.received.filter((m) => m.t === Msg.REPORT).map((m) => [m.id, m.ex, m.reason]);
      expect(reports).toEqual([
        [1, 3, RejectReason.UNSUPPORTED],
        [2, 3, RejectReason.UNSUPPORTED],
        [3, 1, 0],
      ]);
      expect(server.book.openOrders(server.book.account(1)).length).toBe(6); // one open order, six numbers
    } finally {
      await server.close();
    }
  });
});

describe('reference exchange: one session per account', () => {
  it('a second login for the same account ends the first session with a reason instead of silently taking its reports', async () => {
    const server = await exchange();
    try {
      const first = await rawClient(server);
      first.send((loginMessage(KEY, SECRET)));
      await until(() => first.received.some((m) => m.t === Msg.LOGIN_OK));
      const second = await rawClient(server);
      second.send((loginMessage(KEY, SECRET)));
      await until(() => second.received.some((m) => m.t === Msg.LOGIN_OK) && first.closed() !== 0);
      expect(first.closed()).toBe(ErrorCode.SESSION_TAKEN_OVER);
      second.send((newOrder(7)));
      await until(() => second.received.some((m) => m.t === Msg.REPORT && m.id === 7));
      expect(server.stats.logins).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('reference exchange: no REJECT that reads as a live order\'s end', () => {
  it('a NEW reusing a live id, or refused for its rate with a live id, gets an ERROR frame with its own code and no REPORT; a new id refused for its rate gets its REJECT', async () => {
    const server = await exchange({ limits: { ordersPerSecond: 0.001, orderBurst: 2, maxMalformed: 100 } });
    try {
      const c = await rawClient(server);
      c.send((loginMessage(KEY, SECRET)));
      await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
      c.send((newOrder(1))); // token 1: rests
      c.send((newOrder(1))); // token 2: a duplicate of a live id
      c.send((newOrder(1))); // no token, live id
      c.send((newOrder(2))); // no token, new id
      await until(() => c.received.filter((m) => m.t === Msg.ERROR).length === 3 && c.received.some((m) => m.t === Msg.REPORT && m.id === 2));
      const reports = c.received.filter((m) => m.t === Msg.REPORT).map((m) => [m.id, m.ex, m.reason]);
      expect(reports).toEqual([
        [1, 1, 0], // the ACK: id 1 is still the live order, nothing ended it
        [2, 3, RejectReason.RATE_LIMITED],
      ]);
      expect(c.received.filter((m) => m.t === Msg.ERROR).map((m) => [m.code, m.id])).toEqual([
        [ErrorCode.DUPLICATE_ID, 1],
        [ErrorCode.RATE_LIMITED, 1],
        [ErrorCode.RATE_LIMITED, 2],
      ]);
      expect(server.book.openOrders(server.book.account(1)).length).toBe(6);
    } finally {
      await server.close();
    }
  });
});

describe('reference exchange: semantics and login across a restart (issue 12)', () => {
  it('DAY orders expire at the end of the trading day with an EXPIRED report; GTC orders stay', async () => {
    const server = await exchange({ tradingDayEndUtc: null });
    try {
      const c = await rawClient(server);
      c.send(loginMessage(KEY, SECRET));
      await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
      c.send(newOrder(1, 4)); // DAY
      c.send(newOrder(2, 1)); // GTC
      await until(() => c.received.filter((m) => m.t === Msg.REPORT).length === 2);
      expect(server.endTradingDay()).toBe(1);
      await until(() => c.received.filter((m) => m.t === Msg.REPORT).length === 3);
      const last = c.received.filter((m) => m.t === Msg.REPORT)[2];
      expect([last.id, last.ex]).toEqual([1, 6]); // EXPIRED
      expect(server.book.openOrders(server.book.account(1))[0]).toBe(2);
      expect(server.endTradingDay()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('sizes at one price stay exact: an order too large for the book to sum exactly is refused', async () => {
    const server = await exchange({ capacity: 1_024 });
    try {
      const max = server.book.engine.maxOrderLots;
      expect(max * 1_024).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
      const c = await rawClient(server);
      c.send(loginMessage(KEY, SECRET));
      await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
      c.send({ ...newOrder(1), qty: 2 ** 52 });
      c.send({ ...newOrder(2), qty: max });
      c.send({ ...newOrder(3), qty: max });
      await until(() => c.received.filter((m) => m.t === Msg.REPORT).length === 3);
      expect(c.received.filter((m) => m.t === Msg.REPORT).map((m) => [m.ex, m.reason])).toEqual([
        [3, RejectReason.QUANTITY_ABOVE_MAX],
        [1, 0],
        [1, 0],
      ]);
      expect(server.book.engine.bestBidLots(1)).toBe(2 * max); // exact
    } finally {
      await server.close();
    }
  });

  it('a LOGIN captured before a restart is refused by the restarted exchange, though inside the clock window', async () => {
    const first = await exchange();
    const captured = loginMessage(KEY, SECRET);
    const c = await rawClient(first);
    c.send(captured);
    await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await exchange({ book: first.book });
    try {
      const replay = await rawClient(second);
      replay.send(captured);
      await until(() => replay.closed() !== 0);
      expect(replay.closed()).toBe(ErrorCode.AUTH_STALE_TIMESTAMP);
      expect(second.stats.logins).toBe(0);
    } finally {
      await second.close();
    }
  });
});
