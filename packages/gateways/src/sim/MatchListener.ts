/**
 * What a MatchingEngine reports, one method per event, all primitive arguments, so an
 * adapter can write events straight into an event ring without allocating.
 * Quantities are lots, prices ticks. `venueOrderId` is the engine's own id for the order.
 */
export interface MatchListener {
  onAck(clientOrderId: number, venueOrderId: number, leavesLots: number): void;
  /** One fill of one order (each trade reports a fill to both sides). */
  onFill(clientOrderId: number, venueOrderId: number, priceTicks: number, lastLots: number, cumLots: number, leavesLots: number): void;
  /** Refused before entering the book (RejectReason). */
  onReject(clientOrderId: number, reason: number): void;
  /** Removed from the book: by request, IOC/FOK/market remainder, or self-match prevention (RejectReason explains). */
  onCanceled(clientOrderId: number, venueOrderId: number, cumLots: number, reason: number): void;
  onReplaced(clientOrderId: number, venueOrderId: number, priceTicks: number, quantityLots: number, cumLots: number, leavesLots: number): void;
  onCancelReject(clientOrderId: number, reason: number): void;
  onReplaceReject(clientOrderId: number, reason: number): void;
  /** A trade printed on `symbolId` (once per match, not per side). */
  onTrade(symbolId: number, priceTicks: number, lots: number): void;
  /** The best bid or ask of `symbolId` changed. */
  onTopOfBook(symbolId: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number): void;
}

/** A listener that ignores everything; extend it to override only what you need. */
export class NullMatchListener implements MatchListener {
  onAck(): void {}
  onFill(): void {}
  onReject(): void {}
  onCanceled(): void {}
  onReplaced(): void {}
  onCancelReject(): void {}
  onReplaceReject(): void {}
  onTrade(): void {}
  onTopOfBook(): void {}
}
