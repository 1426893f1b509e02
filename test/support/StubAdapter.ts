import type { OrderFlyweight } from '@ringroute/core';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, type GatewayAdapter, type GatewayCapabilities, type GatewayEvents, type RateLimitRule, type VenueExecution, type VenueOrderState } from '@ringroute/gateways';

/**
 * A test adapter's common part: it keeps the events it is connected to, declares every
 * order type and time in force, and does nothing else. Test adapters extend it and
 * override what their case is about (usually `submit`).
 */
export abstract class StubAdapter implements GatewayAdapter {
  abstract readonly name: string;
  readonly capabilities: GatewayCapabilities = { orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, amend: true, postOnly: true, reduceOnly: true };
  readonly rateLimits: readonly RateLimitRule[] = [];
  protected events!: GatewayEvents;

  async connect(events: GatewayEvents): Promise<void> {
    this.events = events;
  }
  async disconnect(): Promise<void> {}
  abstract submit(handle: number, order: OrderFlyweight): void;
  cancel(_handle: number, _order: OrderFlyweight): void {}
  replace(_handle: number, _order: OrderFlyweight, _priceTicks: number, _lots: number): void {}
  poll(_nowNs: number): number {
    return 0;
  }
  async openOrders(): Promise<VenueOrderState[]> {
    return [];
  }
  async executionsSince(_sequence: number): Promise<VenueExecution[]> {
    return [];
  }
}
