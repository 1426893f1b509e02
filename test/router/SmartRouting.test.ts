import { afterEach, describe, expect, it } from 'vitest';
import { RejectReason, type OrderFlyweight } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { BreakerState, CircuitBreaker, Quote, Router, VENUE_UNHEALTHY, type OrderEventHandler } from '@ringroute/router';

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, probes once after the cooldown, closes on success', () => {
    const b = new CircuitBreaker({ failures: 3, cooldownNs: 1_000 });
    b.onFailure(0);
    b.onFailure(1);
    b.onSuccess(); // resets the run
    b.onFailure(2);
    b.onFailure(3);
    expect(b.state).toBe(BreakerState.CLOSED);
    b.onFailure(4);
    expect(b.state).toBe(BreakerState.OPEN);
    expect(b.allows(500)).toBe(false);
    expect(b.allows(1_004)).toBe(true); // half-open: one probe
    expect(b.state).toBe(BreakerState.HALF_OPEN);
    b.onSent();
    expect(b.allows(1_005)).toBe(false); // only one probe at a time
    b.onFailure(1_006); // the probe failed: open again
    expect(b.state).toBe(BreakerState.OPEN);
    expect(b.allows(2_006)).toBe(true);
    b.onSent();
    b.onSuccess();
    expect(b.state).toBe(BreakerState.CLOSED);
    b.trip(true);
    expect(b.allows(1e18)).toBe(false); // a dead gateway never comes back by itself
  });

  it('held open while the venue session is down, whatever the cooldown; one probe once it is back', () => {
    const b = new CircuitBreaker({ failures: 3, cooldownNs: 1_000 });
    b.hold(0);
    expect(b.state).toBe(BreakerState.OPEN);
    expect(b.allows(1e12)).toBe(false); // the cooldown does not end a hold
    b.onSuccess(); // a late ack from before the loss does not close it either
    expect(b.allows(1e12)).toBe(false);
    b.release();
    expect(b.state).toBe(BreakerState.HALF_OPEN);
    expect(b.allows(1e12)).toBe(true);
    b.onSent();
    expect(b.allows(1e12)).toBe(false);
    b.onSuccess();
    expect(b.state).toBe(BreakerState.CLOSED);
    b.release(); // not held: nothing changes
    expect(b.state).toBe(BreakerState.CLOSED);
  });
});

class Log implements OrderEventHandler {
  lines: string[] = [];
  onAccepted(o: OrderFlyweight) {
    this.lines.push(`accepted ${o.clientOrderId} v${o.venueId}`);
  }
  onFill(o: OrderFlyweight, price: number, lots: number) {
    this.lines.push(`fill ${o.clientOrderId} v${o.venueId} ${lots}@${price}`);
  }
  onRejected(o: OrderFlyweight, reason: number) {
    this.lines.push(`rejected ${o.clientOrderId} v${o.venueId} ${reason}`);
  }
}

async function until(router: Router, log: Log, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out; log: ${log.lines.join(' | ')}`);
    if (router.poll(log) === 0) await new Promise((r) => setTimeout(r, 1));
  }
}

describe('smart routing across two simulated venues', () => {
  const routers: Router[] = [];
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.stop()));
  });

  it('sends a marketable order to the venue showing the best price, a passive one to the default', async () => {
    const router = await Router.create({
      instruments: [{ symbol: 'X', tickSize: '1', lotSize: '1' }],
      venues: [
        { name: 'alpha', task: SIM_VENUE_TASK },
        { name: 'beta', task: SIM_VENUE_TASK },
      ],
    });
    routers.push(router);
    const log = new Log();
    router.submit({ symbol: 'X', side: 'sell', price: 101, quantity: 5, venue: 'alpha', account: 9 });
    router.submit({ symbol: 'X', side: 'sell', price: 100, quantity: 5, venue: 'beta', account: 9 });
    const a = new Quote();
    const b = new Quote();
    await until(router, log, () => router.topOfBook.read(0, 0, a) && router.topOfBook.read(1, 0, b) && a.askTicks === 101 && b.askTicks === 100);
    const buy = router.submit({ symbol: 'X', side: 'buy', price: 101, quantity: 3, venue: 'smart', account: 1 });
    await until(router, log, () => log.lines.some((l) => l.startsWith(`fill ${buy}`)));
    expect(log.lines.find((l) => l.startsWith(`fill ${buy}`))).toBe(`fill ${buy} v1 3@100`); // beta had the better ask
    const passive = router.submit({ symbol: 'X', side: 'buy', price: 90, quantity: 1, venue: 'smart', account: 1 });
    await until(router, log, () => log.lines.some((l) => l.startsWith(`accepted ${passive}`)));
    expect(log.lines.find((l) => l.startsWith(`accepted ${passive}`))).toBe(`accepted ${passive} v0`); // nothing to trade: default venue
  });

  it('opens the breaker of a venue that keeps refusing, fails over, and probes it again after the cooldown', async () => {
    const router = await Router.create({
      instruments: [{ symbol: 'X', tickSize: '1', lotSize: '1' }],
      venues: [
        { name: 'alpha', task: SIM_VENUE_TASK },
        { name: 'beta', task: SIM_VENUE_TASK, adapter: { models: { rejectProbability: 1 } } }, // beta is "down"
      ],
      defaultVenue: 'beta',
      breaker: { failures: 3, cooldownNs: 200e6 },
    });
    routers.push(router);
    const log = new Log();
    const beta = router.venueId('beta');
    for (let i = 0; i < 3; i++) router.submit({ symbol: 'X', side: 'buy', price: 90, quantity: 1 });
    await until(router, log, () => log.lines.filter((l) => l.startsWith('rejected')).length === 3);
    expect(log.lines.every((l) => l.endsWith(`v${beta} ${RejectReason.VENUE_UNAVAILABLE}`))).toBe(true);
    expect(router.breakers[beta].state).toBe(BreakerState.OPEN);
    expect(router.submit({ symbol: 'X', side: 'buy', price: 90, quantity: 1 })).toBe(VENUE_UNHEALTHY); // to beta: refused at once
    const failover = router.submit({ symbol: 'X', side: 'buy', price: 90, quantity: 1, venue: 'smart' });
    await until(router, log, () => log.lines.some((l) => l.startsWith(`accepted ${failover}`)));
    expect(log.lines.find((l) => l.startsWith(`accepted ${failover}`))).toBe(`accepted ${failover} v0`);
    await new Promise((r) => setTimeout(r, 250)); // cooldown: one probe may go to beta
    const probe = router.submit({ symbol: 'X', side: 'buy', price: 90, quantity: 1, venue: 'beta' });
    expect(probe).toBeGreaterThan(0);
    expect(router.submit({ symbol: 'X', side: 'buy', price: 90, quantity: 1, venue: 'beta' })).toBe(VENUE_UNHEALTHY); // one probe at a time
    await until(router, log, () => log.lines.some((l) => l.startsWith(`rejected ${probe}`)));
    expect(router.breakers[beta].state).toBe(BreakerState.OPEN); // the probe failed: open again
  });
  it('splits a marketable order across venues by displayed size, best price first; skips a venue whose breaker is open', async () => {
    const router = await Router.create({
      instruments: [{ symbol: 'X', tickSize: '1', lotSize: '1' }],
      venues: [
        { name: 'alpha', task: SIM_VENUE_TASK },
        { name: 'beta', task: SIM_VENUE_TASK },
        { name: 'gamma', task: SIM_VENUE_TASK },
      ],
    });
    routers.push(router);
    const log = new Log();
    router.submit({ symbol: 'X', side: 'sell', price: 101, quantity: 4, venue: 'alpha', account: 9 });
    router.submit({ symbol: 'X', side: 'sell', price: 100, quantity: 3, venue: 'beta', account: 9 });
    router.submit({ symbol: 'X', side: 'sell', price: 102, quantity: 5, venue: 'gamma', account: 9 }); // beyond the limit
    const q = new Quote();
    const shows = (v: number, ask: number) => router.topOfBook.read(v, 0, q) && q.askTicks === ask;
    await until(router, log, () => shows(0, 101) && shows(1, 100) && shows(2, 102));
    const children: number[] = [];
    expect(router.submitSplit({ symbol: 'X', side: 'buy', price: 101, quantity: 10, tif: 'IOC', account: 1 }, children)).toBe(2);
    // beta (100, shows 3) first with the 3 left over beyond what the venues show, then alpha (101, shows 4).
    const child = (id: number) => {
      const o = router.orderOf(id)!;
      return `v${o.venueId} ${o.quantityLots}`;
    };
    expect(children.map(child)).toEqual(['v1 6', 'v0 4']);
    await until(router, log, () => children.every((id) => router.orderOf(id) === null));
    expect(log.lines.filter((l) => l.startsWith(`fill ${children[0]}`))).toEqual([`fill ${children[0]} v1 3@100`]);
    expect(log.lines.filter((l) => l.startsWith(`fill ${children[1]}`))).toEqual([`fill ${children[1]} v0 4@101`]);
    // Nothing tradable at this limit anywhere: one child, to the default venue.
    const passive: number[] = [];
    expect(router.submitSplit({ symbol: 'X', side: 'buy', price: 90, quantity: 2, account: 1 }, passive)).toBe(1);
    expect(child(passive[0])).toBe('v0 2');
    // A venue whose breaker is open gets no child even when it shows the best price.
    router.breakers[2].trip(false, Number.MAX_SAFE_INTEGER);
    const sweep: number[] = [];
    expect(router.submitSplit({ symbol: 'X', side: 'buy', price: 105, quantity: 2, tif: 'IOC', account: 1 }, sweep)).toBe(1);
    expect(child(sweep[0])).toBe('v0 2'); // gamma's 102 is shown, but gamma is open; the default takes it
  });
});
