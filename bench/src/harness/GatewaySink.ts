import type { GatewayEvents } from '@ringroute/gateways';

/**
 * Gateway events for the round-trip scenarios: counts acks (`onAck` sees each acknowledged
 * client order id) and orders that ended, ignores the rest.
 */
export class GatewaySink implements GatewayEvents {
  acked = 0;
  done = 0;
  onAck: (id: number) => void = () => {};
  ack(_h: number, id: number): void {
    this.acked++;
    this.onAck(id);
  }
  fill(_h: number, _id: number, _v: number, _p: number, _l: number, _c: number, leaves: number): void {
    if (leaves === 0) this.done++;
  }
  reject(): void {
    this.done++;
  }
  canceled(): void {
    this.done++;
  }
  replaced(): void {}
  expired(): void {
    this.done++;
  }
  cancelReject(): void {}
  replaceReject(): void {}
  unknown(): void {
    this.done++;
  }
  topOfBook(): void {}
}
