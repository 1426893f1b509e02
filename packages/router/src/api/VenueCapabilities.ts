import { OrderFlags } from '@ringroute/core';
import type { VenueDeclaration } from '../workers/VenueDeclaration.js';

/**
 * What each venue accepts, as its gateway declared it (`GatewayAdapter.capabilities`):
 * the router refuses an order a venue cannot take (VENUE_UNSUPPORTED) before it is
 * enqueued, smart routing passes over such venues, and a replace to a venue without
 * native amend is emulated (cancel, then a new order). A venue whose task declared
 * nothing accepts everything. Lookups are array reads; no allocation.
 */
export class VenueCapabilities {
  private readonly orderTypes: Int32Array;
  private readonly timeInForce: Int32Array;
  private readonly flags: Int32Array; // OrderFlags bits the venue accepts
  private readonly amend: Uint8Array;

  constructor(declarations: readonly (VenueDeclaration | null)[]) {
    const n = declarations.length;
    this.orderTypes = new Int32Array(n);
    this.timeInForce = new Int32Array(n);
    this.flags = new Int32Array(n);
    this.amend = new Uint8Array(n);
    declarations.forEach((d, v) => {
      this.orderTypes[v] = d === null ? -1 : d.orderTypes;
      this.timeInForce[v] = d === null ? -1 : d.timeInForce;
      this.flags[v] = d === null ? -1 : (d.postOnly ? OrderFlags.POST_ONLY : 0) | (d.reduceOnly ? OrderFlags.REDUCE_ONLY : 0);
      this.amend[v] = d === null || d.amend ? 1 : 0;
    });
  }

  /** Can venue `venue` take an order of this type, time in force and flags? */
  supports(venue: number, ordType: number, tif: number, flags: number): boolean {
    return ((this.orderTypes[venue] >>> ordType) & 1) === 1 && ((this.timeInForce[venue] >>> tif) & 1) === 1 && (flags & ~this.flags[venue]) === 0;
  }

  /** Does the venue amend orders itself (else the router emulates a replace)? */
  amends(venue: number): boolean {
    return this.amend[venue] === 1;
  }
}
