import type { MatchListener } from '@ringroute/gateways';

export type EngineEvent =
  | { e: 'ack'; id: number; venueId: number; leaves: number }
  | { e: 'fill'; id: number; venueId: number; price: number; last: number; cum: number; leaves: number }
  | { e: 'reject'; id: number; reason: number }
  | { e: 'canceled'; id: number; venueId: number; cum: number; reason: number }
  | { e: 'replaced'; id: number; venueId: number; price: number; qty: number; cum: number; leaves: number }
  | { e: 'cancelReject'; id: number; reason: number }
  | { e: 'replaceReject'; id: number; reason: number }
  | { e: 'trade'; symbol: number; price: number; lots: number }
  | { e: 'top'; symbol: number; bid: number; bidLots: number; ask: number; askLots: number };

/** Records every engine event in order, for assertions. */
export class RecordingListener implements MatchListener {
  events: EngineEvent[] = [];
  take(): EngineEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
  onAck(id: number, venueId: number, leaves: number): void {
    this.events.push({ e: 'ack', id, venueId, leaves });
  }
  onFill(id: number, venueId: number, price: number, last: number, cum: number, leaves: number): void {
    this.events.push({ e: 'fill', id, venueId, price, last, cum, leaves });
  }
  onReject(id: number, reason: number): void {
    this.events.push({ e: 'reject', id, reason });
  }
  onCanceled(id: number, venueId: number, cum: number, reason: number): void {
    this.events.push({ e: 'canceled', id, venueId, cum, reason });
  }
  onReplaced(id: number, venueId: number, price: number, qty: number, cum: number, leaves: number): void {
    this.events.push({ e: 'replaced', id, venueId, price, qty, cum, leaves });
  }
  onCancelReject(id: number, reason: number): void {
    this.events.push({ e: 'cancelReject', id, reason });
  }
  onReplaceReject(id: number, reason: number): void {
    this.events.push({ e: 'replaceReject', id, reason });
  }
  onTrade(symbol: number, price: number, lots: number): void {
    this.events.push({ e: 'trade', symbol, price, lots });
  }
  onTopOfBook(symbol: number, bid: number, bidLots: number, ask: number, askLots: number): void {
    this.events.push({ e: 'top', symbol, bid, bidLots, ask, askLots });
  }
}
