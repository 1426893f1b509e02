import type { RiskEngine } from './RiskEngine.js';

/**
 * What each live order of one router holds of the shared working quantity (the risk
 * engine's exposure), per order slot. The working counters must come back exactly to
 * where they were when every order has ended, through partial fills, replaces up and
 * down, replace rejects and cancels, so each order's share is tracked rather than
 * derived from its quantities at the end:
 * - `open`: a new order reserves its quantity;
 * - `fill`: a fill turns reserved lots into position;
 * - `increase`: a replace to a larger quantity reserves the difference at request time
 *   (the old quantity can still fill until the venue confirms);
 * - `settle`: the venue confirmed or refused a replace: the reservation becomes exactly
 *   the order's leaves (a decrease is released only now);
 * - `close`: the order ended; what it still held is released.
 * Owned by the strategy thread; allocation-free. Lots are Int32 here, as in the risk
 * counters (an order above 2^31 - 1 lots never passes the risk check): callers pass
 * `lots | 0`, so V8 hands small integers across calls instead of boxing a double.
 */
export class OrderReservations {
  private readonly lots: Int32Array;
  private readonly risk: RiskEngine;

  constructor(slots: number, risk: RiskEngine) {
    this.lots = new Int32Array(slots);
    this.risk = risk;
  }

  /** Lots slot `index` holds now. */
  held(index: number): number {
    return this.lots[index];
  }

  open(index: number, lots: number): void {
    this.lots[index] = lots;
  }

  fill(index: number, symbolId: number, side: number, lots: number): void {
    const held = this.lots[index];
    if (lots > held) {
      // The venue filled more than this order held (it confirmed a larger quantity than
      // asked): count the difference as working first, so the fill leaves the counters exact.
      this.risk.forceReserve(symbolId, side, lots - held);
      this.lots[index] = 0;
    } else {
      this.lots[index] = held - lots;
    }
  }

  increase(index: number, lots: number): void {
    this.lots[index] += lots;
  }

  /** Make the order hold exactly `targetLots` (its leaves after a replace outcome). */
  settle(index: number, symbolId: number, side: number, targetLots: number): void {
    const held = this.lots[index];
    if (held > targetLots) this.risk.release(symbolId, side, held - targetLots);
    else if (held < targetLots) this.risk.forceReserve(symbolId, side, targetLots - held);
    this.lots[index] = targetLots;
  }

  /** The order ended: returns what it held (for `RiskEngine.onDone`) and forgets it. */
  close(index: number): number {
    const held = this.lots[index];
    this.lots[index] = 0;
    return held;
  }
}
