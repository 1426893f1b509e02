import { ConfigurationError, Side, type InstrumentTable } from '@ringroute/core';
import { Quote, type TopOfBook } from '../protocol/TopOfBook.js';
import { BreakerState, CircuitBreaker } from './CircuitBreaker.js';
import type { RouterOptions, VenueLimits } from './RouterConfig.js';
import { UNKNOWN_VENUE, VENUE_UNHEALTHY } from './RouterStatus.js';
import { VenueCapabilities } from './VenueCapabilities.js';

/**
 * Where an order goes: venue names, the default venue per symbol, a circuit breaker per
 * venue, and smart routing to the best displayed price. Returns venue indices or a
 * negative status (UNKNOWN_VENUE, VENUE_UNHEALTHY); allocation-free.
 */
export class VenueRouting {
  /** One circuit breaker per venue (index = venue id). */
  readonly breakers: CircuitBreaker[];
  private readonly names = new Map<string, number>();
  /** Venue names by id. */
  readonly venueNames: readonly string[];
  private readonly splitPrice: Float64Array;
  private readonly splitShown: Float64Array;
  private readonly defaults: Int32Array; // per symbol
  private readonly topOfBook: TopOfBook;
  private readonly quote = new Quote();
  /** What each venue accepts: smart routing and splitting pass over venues that cannot take the order. */
  readonly capabilities: VenueCapabilities;

  constructor(config: RouterOptions & { venues: readonly VenueLimits[] }, instruments: InstrumentTable, topOfBook: TopOfBook, capabilities?: VenueCapabilities) {
    this.capabilities = capabilities ?? new VenueCapabilities(config.venues.map(() => null));
    config.venues.forEach((v, i) => this.names.set(v.name, i));
    this.venueNames = config.venues.map((v) => v.name);
    this.splitPrice = new Float64Array(config.venues.length);
    this.splitShown = new Float64Array(config.venues.length);
    this.breakers = config.venues.map(() => new CircuitBreaker(config.breaker));
    this.topOfBook = topOfBook;
    // A default that names no venue (or no instrument) is a configuration error at start,
    // not a stream of UNKNOWN_VENUE refusals later.
    const venueOf = (name: unknown): number => {
      const id = typeof name === 'string' ? this.names.get(name) : undefined;
      if (id === undefined) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `defaultVenue names no configured venue (venues: ${this.venueNames.join(', ')})`, name);
      return id;
    };
    const fallback = config.defaultVenue;
    const everywhere = fallback === undefined || typeof fallback === 'object' ? 0 : venueOf(fallback);
    this.defaults = new Int32Array(instruments.capacity).fill(everywhere);
    if (fallback !== null && typeof fallback === 'object') {
      for (const [symbol, venue] of Object.entries(fallback)) {
        const id = instruments.idOf(symbol);
        if (id < 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'defaultVenue names an instrument that is not configured', symbol);
        this.defaults[id] = venueOf(venue);
      }
    }
  }

  /** Index of a venue by name, or UNKNOWN_VENUE. */
  venueId(name: string): number {
    return this.names.get(name) ?? UNKNOWN_VENUE;
  }

  /**
   * The venue for an order: `name` (a venue name, 'smart', or undefined for the symbol's
   * default). `limitTicks` is NaN for orders without a limit price. Smart routing only
   * considers venues that accept the order's type, time in force and flags.
   */
  select(name: string | undefined, symbolId: number, side: number, limitTicks: number, nowNs: number, ordType = 1, tif = 1, flags = 0): number {
    if (name === 'smart') return this.best(symbolId, side, limitTicks, nowNs, ordType, tif, flags);
    if (name === undefined) return this.selectIndex(-1, symbolId, nowNs);
    const id = this.names.get(name);
    return id === undefined ? UNKNOWN_VENUE : this.selectIndex(id, symbolId, nowNs); // a misspelt name never falls back
  }

  /** Fast path: a venue index (-1 for the symbol's default), checked for existence and health at `nowNs`. */
  selectIndex(index: number, symbolId: number, nowNs: number): number {
    const venue = index < 0 ? this.defaults[symbolId] : index;
    if (venue < 0 || venue >= this.breakers.length) return UNKNOWN_VENUE;
    return this.breakers[venue].allows(nowNs) ? venue : VENUE_UNHEALTHY;
  }

  /**
   * Split a marketable order across venues by displayed size: healthy venues whose top of
   * book this order can trade against, best price first, each get at most the size they
   * show; what is left joins the best venue's child (it rests there at the limit, or ends
   * with the IOC). With nothing tradable anywhere, one child to the venue `best` picks.
   * Fills `venuesOut` / `lotsOut` (one entry per venue at most) and returns the number of
   * children, or VENUE_UNHEALTHY.
   */
  split(symbolId: number, side: number, limitTicks: number, lots: number, now: number, venuesOut: Int32Array, lotsOut: Float64Array, ordType = 1, tif = 1, flags = 0): number {
    const q = this.quote;
    const n = this.breakers.length;
    const price = this.splitPrice;
    const shown = this.splitShown;
    for (let v = 0; v < n; v++) {
      price[v] = NaN;
      if (!this.capabilities.supports(v, ordType, tif, flags)) continue;
      if (!this.breakers[v].allows(now) || !this.topOfBook.read(v, symbolId, q)) continue;
      const p = side === Side.BUY ? q.askTicks : q.bidTicks;
      const size = side === Side.BUY ? q.askLots : q.bidLots;
      if (p !== p || size <= 0) continue;
      if (limitTicks === limitTicks && (side === Side.BUY ? p > limitTicks : p < limitTicks)) continue;
      price[v] = p;
      shown[v] = size;
    }
    let count = 0;
    let left = lots;
    while (left > 0) {
      let best = -1;
      for (let v = 0; v < n; v++) {
        if (price[v] !== price[v]) continue;
        if (best < 0 || (side === Side.BUY ? price[v] < price[best] : price[v] > price[best])) best = v;
      }
      if (best < 0) break;
      const take = Math.min(left, shown[best]);
      venuesOut[count] = best;
      lotsOut[count] = take;
      count++;
      left -= take;
      price[best] = NaN;
    }
    if (count === 0) {
      const venue = this.best(symbolId, side, limitTicks, now, ordType, tif, flags);
      if (venue < 0) return venue;
      venuesOut[0] = venue;
      lotsOut[0] = lots;
      return 1;
    }
    lotsOut[0] += left;
    return count;
  }

  /**
   * Smart routing: among venues whose breaker allows orders, the one whose top of book
   * shows the best price this order can trade against (buy: lowest ask at or under the
   * limit; sell: highest bid at or above it; any price for a market order). If none can
   * fill it, the symbol's default venue if healthy, else the first healthy venue.
   */
  private best(symbolId: number, side: number, limitTicks: number, now: number, ordType: number, tif: number, flags: number): number {
    const q = this.quote;
    const caps = this.capabilities;
    let best = -1;
    let bestPrice = side === Side.BUY ? Infinity : -Infinity;
    for (let v = 0; v < this.breakers.length; v++) {
      if (!caps.supports(v, ordType, tif, flags)) continue;
      if (this.breakers[v].state === BreakerState.OPEN && !this.breakers[v].allows(now)) continue;
      if (!this.topOfBook.read(v, symbolId, q)) continue;
      const price = side === Side.BUY ? q.askTicks : q.bidTicks;
      if (price !== price) continue;
      const tradable = limitTicks !== limitTicks || (side === Side.BUY ? price <= limitTicks : price >= limitTicks);
      if (!tradable) continue;
      if (side === Side.BUY ? price < bestPrice : price > bestPrice) {
        best = v;
        bestPrice = price;
      }
    }
    if (best >= 0) return best;
    const fallback = this.defaults[symbolId];
    if (fallback >= 0 && caps.supports(fallback, ordType, tif, flags) && this.breakers[fallback].allows(now)) return fallback;
    for (let v = 0; v < this.breakers.length; v++) if (caps.supports(v, ordType, tif, flags) && this.breakers[v].allows(now)) return v;
    return VENUE_UNHEALTHY;
  }
}
