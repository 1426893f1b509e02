import { ExecType } from '@ringroute/core';
import { int } from './WsProtocol.js';

const MAX_REASON = 0xffff;

/**
 * A REPORT from the exchange, checked field by field before anything of it reaches an
 * order: every number must be a JavaScript number that is an exact integer in range (a
 * msgpack uint64 decodes to a BigInt, a float to a fraction or to ±1e300; none of them is
 * a price in ticks or a size in lots), the execution type must be one the protocol has,
 * and the sizes must agree with it (a fill of at least one lot, cum at least the fill).
 * Reused: `check` fills the fields and answers whether the report can be applied.
 */
export class InboundReport {
  seq = 0;
  id = 0;
  vid = 0;
  ex = 0;
  px = 0;
  last = 0;
  cum = 0;
  leaves = 0;
  reason = 0;
  sym = 0;
  side = 0;

  /** Sequence and client order id only (what duplicate, gap and ownership checks need): false if either is not a positive safe integer. */
  checkHeader(m: Record<string, unknown>): boolean {
    this.seq = int(m.seq, 1);
    this.id = int(m.id, 1);
    return this.seq === this.seq && this.id === this.id;
  }

  /** Every other field: true when the report can be applied as it stands. */
  checkBody(m: Record<string, unknown>): boolean {
    const ex = int(m.ex, ExecType.ACK, ExecType.REPLACE_REJECT);
    const vid = int(m.vid);
    const px = int(m.px, -Number.MAX_SAFE_INTEGER);
    const last = int(m.last);
    const cum = int(m.cum);
    const leaves = int(m.leaves);
    const reason = int(m.reason, 0, MAX_REASON);
    const sym = int(m.sym, 0, 0xffff);
    const side = int(m.side, 0, 2);
    if (sym !== sym || side !== side) return false;
    if (ex !== ex || vid !== vid || px !== px || last !== last || cum !== cum || leaves !== leaves || reason !== reason) return false;
    if (ex === ExecType.FILL && (last < 1 || cum < last)) return false;
    if (ex === ExecType.REPLACED && cum + leaves < 1) return false;
    if (cum + leaves > Number.MAX_SAFE_INTEGER) return false;
    this.ex = ex;
    this.vid = vid;
    this.px = px;
    this.last = last;
    this.cum = cum;
    this.leaves = leaves;
    this.reason = reason;
    this.sym = sym;
    this.side = side;
    return true;
  }
}

/** A top-of-book price: an exact integer in ticks, or NaN for an empty side. */
export function bookPrice(value: unknown): number {
  if (typeof value === 'number' && value !== value) return NaN;
  const p = int(value, -Number.MAX_SAFE_INTEGER);
  return p === p ? p : Number.POSITIVE_INFINITY; // Infinity: invalid (NaN means empty)
}
