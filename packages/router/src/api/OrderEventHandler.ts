import type { OrderFlyweight } from '@ringroute/core';
import type { RecoveryReport } from '../recovery/RecoveryReport.js';

/**
 * What a strategy receives from `Router.poll`. One object for the life of the strategy
 * (no closure per event). `order` is the order's flyweight, positioned at the order,
 * valid during the call only: read what you need. After a terminal event (filled,
 * rejected, canceled, expired) the order's slot is freed when the call returns.
 */
export interface OrderEventHandler {
  onAccepted?(order: OrderFlyweight): void;
  /** `order.filledLots` / `order.leavesLots` already include this fill. */
  onFill?(order: OrderFlyweight, lastPriceTicks: number, lastLots: number): void;
  /** `reason` is a RejectReason; also `order.rejectReason`. */
  onRejected?(order: OrderFlyweight, reason: number): void;
  onCanceled?(order: OrderFlyweight, reason: number): void;
  onReplaced?(order: OrderFlyweight): void;
  onExpired?(order: OrderFlyweight): void;
  /** A cancel or replace the venue refused; the order keeps working. */
  onRequestRejected?(order: OrderFlyweight, reason: number): void;
  /** The order's fate is unknown (its gateway failed); reconciliation resolves it. */
  onUnknown?(order: OrderFlyweight): void;
  /**
   * A router restarted on its journal finished reconciling with every venue (or the
   * deadline passed): what was replayed, taken back and left UNKNOWN. The events that
   * told what changed while it was down (fills, cancels, expiries) came before it, as
   * ordinary events. Once per recovery; never without a journal that held something.
   */
  onRecovered?(report: RecoveryReport): void;
}
