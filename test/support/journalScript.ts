import {
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_RECORD_BYTES,
  EXEC_TYPE_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
  ORDER_RECORD_BYTES,
  OrderEvent,
  OrderFlyweight,
  OrderStateMachine,
  OrderType,
  RecordClass,
  SlabPool,
  TimeInForce,
} from '@ringroute/core';
import { JournalRecordType, JournalWriter } from '@ringroute/router';

/** Journal records as a router on venue 0 would have written them. */
export class JournalScript {
  private readonly writer: JournalWriter;
  private readonly pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1, recordClass: RecordClass.ORDER });
  private readonly order = new OrderFlyweight(this.pool);
  private readonly exec = new Uint8Array(EXEC_RECORD_BYTES);

  constructor(dir: string) {
    this.writer = new JournalWriter(dir);
    this.order.wrap(this.pool.allocate());
  }

  sent(id: number, side: number, priceTicks: number, lots: number, symbolId = 0): this {
    const o = this.order.clear();
    o.clientOrderId = id;
    o.symbolId = symbolId;
    o.side = side;
    o.ordType = OrderType.LIMIT;
    o.tif = TimeInForce.GTC;
    o.priceTicks = priceTicks;
    o.quantityLots = lots;
    o.leavesLots = lots;
    o.accountId = 1;
    o.strategyId = 1;
    o.venueId = 0;
    new OrderStateMachine().apply(o, OrderEvent.SUBMIT, 0);
    this.writer.append(JournalRecordType.ORDER_NEW, 0, 1, new Uint8Array(this.pool.buffer, this.pool.offsetOf(0), ORDER_RECORD_BYTES), 0, ORDER_RECORD_BYTES);
    return this;
  }

  event(id: number, type: number, venueOrderId = 0): this {
    const view = new DataView(this.exec.buffer);
    this.exec.fill(0);
    view.setFloat64(EXEC_CLIENT_ORDER_ID_OFFSET, id, true);
    view.setFloat64(EXEC_VENUE_ORDER_ID_OFFSET, venueOrderId, true);
    view.setUint8(EXEC_TYPE_OFFSET, type);
    this.writer.append(JournalRecordType.EXECUTION, 0, 2, this.exec, 0, EXEC_RECORD_BYTES);
    return this;
  }

  /** Client order ids below `end` reserved (a router reserves a block before it uses an id of it). */
  idBlock(end: number): this {
    const payload = new Uint8Array(new Float64Array([end]).buffer);
    this.writer.append(JournalRecordType.ID_BLOCK, 0, 0, payload, 0, 8);
    return this;
  }

  checkpoint(venue: number, sequence: number): this {
    const payload = new Uint8Array(new Float64Array([venue, sequence]).buffer);
    this.writer.append(JournalRecordType.VENUE_CHECKPOINT, 0, 3, payload, 0, 16);
    return this;
  }

  /** A cancel sent for `id`. */
  cancel(id: number): this {
    const payload = new Uint8Array(new Float64Array([id, 0]).buffer);
    this.writer.append(JournalRecordType.CANCEL, 0, 3, payload, 0, 16);
    return this;
  }

  referencePrice(symbolId: number, priceTicks: number): this {
    const payload = new Uint8Array(new Float64Array([symbolId, priceTicks]).buffer);
    this.writer.append(JournalRecordType.REFERENCE_PRICE, 0, 4, payload, 0, 16);
    return this;
  }

  /** The instrument table as the writing router defined it (symbol names by id). */
  instruments(symbols: string[]): this {
    const payload = new TextEncoder().encode(JSON.stringify(symbols));
    this.writer.append(JournalRecordType.INSTRUMENTS, 0, 0, payload, 0, payload.length);
    return this;
  }

  close(): void {
    this.writer.close();
  }
}
