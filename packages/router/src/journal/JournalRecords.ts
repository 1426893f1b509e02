import {
  enumName,
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_CUM_QTY_LOTS_OFFSET,
  EXEC_LAST_PRICE_TICKS_OFFSET,
  EXEC_LAST_QTY_LOTS_OFFSET,
  EXEC_LEAVES_LOTS_OFFSET,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
  ORDER_RECORD_BYTES,
  OrderFlyweight,
  RecordClass,
  SlabPool,
} from '@ringroute/core';
import { JournalRecordType, journalRecordTypeName } from './JournalFormat.js';
import type { JournalRecordView } from './JournalReader.js';

/** A journal record as plain data: what `pnpm journal -- dump` prints (cold path; allocates). */
export interface DecodedRecord {
  timeNs: number;
  lane: number;
  type: string;
  [field: string]: number | string;
}

/** Decodes record payloads (one scratch order slot for ORDER_NEW). */
export class JournalRecordDecoder {
  private readonly pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1, recordClass: RecordClass.ORDER });
  private readonly order = new OrderFlyweight(this.pool);
  private readonly slot: Uint8Array;

  constructor() {
    const handle = this.pool.allocate();
    this.order.wrap(handle);
    this.slot = new Uint8Array(this.pool.buffer, this.pool.offsetOf(this.pool.indexOf(handle)), ORDER_RECORD_BYTES);
  }

  decode(r: JournalRecordView): DecodedRecord {
    const out: DecodedRecord = { timeNs: r.timeNs, lane: r.lane, type: journalRecordTypeName(r.type) };
    const v = new DataView(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength);
    const f = (i: number) => v.getFloat64(i * 8, true);
    switch (r.type) {
      case JournalRecordType.ID_BLOCK:
        out.idsBefore = f(0);
        break;
      case JournalRecordType.ORDER_NEW: {
        this.slot.set(r.payload.subarray(0, ORDER_RECORD_BYTES));
        const o = this.order;
        Object.assign(out, {
          clientOrderId: o.clientOrderId,
          venue: o.venueId,
          symbolId: o.symbolId,
          side: enumName('side', o.side),
          ordType: enumName('orderType', o.ordType),
          tif: enumName('timeInForce', o.tif),
          priceTicks: o.priceTicks,
          quantityLots: o.quantityLots,
          account: o.accountId,
          strategy: o.strategyId,
        });
        break;
      }
      case JournalRecordType.CANCEL:
        Object.assign(out, { clientOrderId: f(0) });
        break;
      case JournalRecordType.REPLACE:
        Object.assign(out, { clientOrderId: f(0), priceTicks: f(1), quantityLots: f(2) });
        break;
      case JournalRecordType.EXECUTION:
        Object.assign(out, {
          clientOrderId: v.getFloat64(EXEC_CLIENT_ORDER_ID_OFFSET, true),
          execType: enumName('execType', v.getUint8(EXEC_TYPE_OFFSET)),
          venueOrderId: v.getFloat64(EXEC_VENUE_ORDER_ID_OFFSET, true),
          lastPriceTicks: v.getFloat64(EXEC_LAST_PRICE_TICKS_OFFSET, true),
          lastQtyLots: v.getFloat64(EXEC_LAST_QTY_LOTS_OFFSET, true),
          cumQtyLots: v.getFloat64(EXEC_CUM_QTY_LOTS_OFFSET, true),
          leavesLots: v.getFloat64(EXEC_LEAVES_LOTS_OFFSET, true),
          reason: enumName('rejectReason', v.getUint16(EXEC_REJECT_REASON_OFFSET, true)),
        });
        break;
      case JournalRecordType.REFERENCE_PRICE:
        Object.assign(out, { symbolId: f(0), priceTicks: f(1) });
        break;
      case JournalRecordType.KILL_SWITCH:
        out.on = f(0);
        break;
      case JournalRecordType.INSTRUMENTS:
        out.symbols = new TextDecoder().decode(r.payload);
        break;
      case JournalRecordType.VENUE_CHECKPOINT:
        Object.assign(out, { venue: f(0), sequence: f(1) });
        break;
      default:
        out.bytes = r.payload.byteLength;
    }
    return out;
  }
}
