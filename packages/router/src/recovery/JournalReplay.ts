import {
  ExecType,
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_CUM_QTY_LOTS_OFFSET,
  EXEC_LAST_PRICE_TICKS_OFFSET,
  EXEC_LEAVES_LOTS_OFFSET,
  EXEC_RECORD_BYTES,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
  IdMap,
  isTerminalState,
  ORDER_RECORD_BYTES,
  OrderEvent,
  OrderFlyweight,
  OrderState,
  OrderStateMachine,
  Side,
  type SlabPool,
} from '@ringroute/core';
import { JournalError } from '../journal/JournalError.js';
import { JournalRecordType } from '../journal/JournalFormat.js';
import type { JournalRecordView } from '../journal/JournalReader.js';

/** The strategy lane a client order id belongs to (lane x 2^40 + 1 ... (lane + 1) x 2^40). */
export const laneOfId = (id: number): number => Math.floor((id - 1) / 2 ** 40);

/** Execution types that move an order by their type alone. */
const SIMPLE_EVENTS: Record<number, number> = {
  [ExecType.EXPIRED]: OrderEvent.EXPIRE,
  [ExecType.CANCEL_REJECT]: OrderEvent.CANCEL_REJECT,
  [ExecType.REPLACE_REJECT]: OrderEvent.REPLACE_REJECT,
  [ExecType.UNKNOWN]: OrderEvent.LOST,
};

/** What replaying a journal found (counts for the recovery report). */
export interface ReplayCounts {
  records: number;
  orders: number;
  cancels: number;
  replaces: number;
  executions: number;
  /** Orders the journal ends live (not terminal): back in the pool. */
  live: number;
}

/**
 * Rebuilds a router's state from its journal, record by record, the way the router built
 * it: each ORDER_NEW puts the order's record (as stamped when it was sent) in a slot of
 * the order pool; each CANCEL, REPLACE and EXECUTION moves that order through the same
 * state machine, with the same rules as the live applier (the venue's cumulative quantity
 * is authoritative, so a duplicate fill is recognised); an order that ends gives its slot
 * back. What is left are the live orders, in the pool with their states and quantities;
 * beside them the position per symbol (every fill journaled, ended orders' included),
 * each venue's last checkpoint (recovery replays the venue from there), the reference
 * prices and the kill switch.
 *
 * A journal written by several strategy lanes is replayed whole: ids are unique across
 * lanes (each lane numbers from lane x 2^40 + 1), positions are the sum of every lane's
 * fills (the lanes share the risk counters), and each lane's live orders, highest id and
 * checkpoints are kept apart for the router that owns the lane. Cold path: it runs once,
 * before the router starts.
 */
export class JournalReplay {
  readonly counts: ReplayCounts = { records: 0, orders: 0, cancels: 0, replaces: 0, executions: 0, live: 0 };
  /** Position per symbol id, signed lots (buys positive). */
  readonly positions: Float64Array;
  /** Per lane and venue (lane x venues + venue), the last journaled checkpoint (the venue's report sequence; 0: none). */
  private readonly checkpoints: Float64Array;
  /** Records per lane (a lane that wrote nothing takes no part in where a venue is replayed from). */
  private readonly laneRecords: Float64Array;
  /** Highest client order id each lane recorded an order with (0: none). */
  private readonly maxIds: Float64Array;
  private readonly venues: number;
  private readonly lanes: number;
  /** Reference prices set (symbol id -> ticks), the last of each. */
  readonly referencePrices = new Map<number, number>();
  /** The kill switch as last journaled (null: never). */
  killed: boolean | null = null;
  /** Symbol names by id, as the last INSTRUMENTS record gave them (null: none journaled). */
  instruments: string[] | null = null;
  private readonly pool: SlabPool;
  private readonly byId = new IdMap(1024);
  private readonly order: OrderFlyweight;
  private readonly machine = new OrderStateMachine();
  /** An 8-byte aligned copy of the payload being read (a segment's bytes need not be aligned for a Float64Array). */
  private readonly scratch = new ArrayBuffer(256);
  private readonly f64 = new Float64Array(this.scratch);
  private readonly u8 = new Uint8Array(this.scratch);
  private readonly poolBytes: Uint8Array;

  constructor(pool: SlabPool, symbols: number, venues: number, lanes = 1) {
    this.pool = pool;
    this.order = new OrderFlyweight(pool);
    this.positions = new Float64Array(symbols);
    this.venues = venues;
    this.lanes = lanes;
    this.checkpoints = new Float64Array(lanes * venues);
    this.laneRecords = new Float64Array(lanes);
    this.maxIds = new Float64Array(lanes);
    this.poolBytes = new Uint8Array(pool.buffer);
  }

  /** Handles of one lane's live orders, in client order id order (the order they were sent). */
  liveHandles(lane = 0): number[] {
    const out: [number, number][] = [];
    this.byId.forEach((id, handle) => {
      if (laneOfId(id) === lane) out.push([id, handle]);
    });
    return out.sort((a, b) => a[0] - b[0]).map(([, handle]) => handle);
  }

  /** The highest client order id `lane` recorded an order with (0: none). */
  maxOrderIdOf(lane: number): number {
    return lane < this.lanes ? this.maxIds[lane] : 0;
  }

  /**
   * Throw ERR_JOURNAL_INSTRUMENTS when a symbol id that a live order or a position of the
   * journal uses names another symbol in `symbolOf` (this configuration) than in the
   * journal, or none: recovering would put those orders and positions on other symbols.
   */
  checkInstruments(symbolOf: (symbolId: number) => string | undefined): void {
    const journal = this.instruments;
    if (journal === null) return; // written before instruments were journaled
    const used = new Set<number>();
    this.positions.forEach((lots, id) => lots !== 0 && used.add(id));
    const o = this.order;
    this.byId.forEach((_, handle) => {
      if (o.wrap(handle) === 0) used.add(o.symbolId);
    });
    for (const id of [...used].sort((a, b) => a - b)) {
      const was = journal[id];
      const now = symbolOf(id);
      if (was !== now) throw new JournalError('ERR_JOURNAL_INSTRUMENTS', `the journal's orders or positions use symbol id ${id} for ${JSON.stringify(was)}, which this configuration defines as ${now === undefined ? 'nothing' : JSON.stringify(now)}: keep the instruments in the order they were (add new ones at the end)`);
    }
  }

  /** `lane`'s last checkpoint for `venue` (0: none). */
  checkpointOf(lane: number, venue: number): number {
    return this.checkpoints[lane * this.venues + venue];
  }

  /**
   * Where `venue` must be replayed from so that every lane's unjournaled events are in the
   * replay: the lowest last checkpoint of the lanes that wrote anything (0: from the start).
   */
  replayFrom(venue: number): number {
    let since = Number.POSITIVE_INFINITY;
    for (let lane = 0; lane < this.lanes; lane++) if (this.laneRecords[lane] > 0) since = Math.min(since, this.checkpointOf(lane, venue));
    return since === Number.POSITIVE_INFINITY ? 0 : since;
  }

  /** Journal.open's visitor: one record. */
  visit(r: JournalRecordView): void {
    if (r.lane >= this.lanes) return;
    this.counts.records++;
    this.laneRecords[r.lane]++;
    const p = r.payload;
    switch (r.type) {
      case JournalRecordType.ORDER_NEW:
        this.need(r, ORDER_RECORD_BYTES);
        return this.orderNew(p);
      case JournalRecordType.CANCEL:
        this.need(r, 16);
        this.counts.cancels++;
        return this.request(this.f64[0], OrderEvent.CANCEL_REQUEST);
      case JournalRecordType.REPLACE:
        this.need(r, 24);
        this.counts.replaces++;
        return this.request(this.f64[0], OrderEvent.REPLACE_REQUEST);
      case JournalRecordType.EXECUTION:
        this.need(r, EXEC_RECORD_BYTES);
        this.counts.executions++;
        return this.execution();
      case JournalRecordType.VENUE_CHECKPOINT: {
        this.need(r, 16);
        const venue = this.f64[0];
        const sequence = this.f64[1];
        // Checksummed, yet not what the router writes: never trusted to say where a venue is replayed from.
        if (!Number.isSafeInteger(venue) || venue < 0 || !Number.isSafeInteger(sequence) || sequence < 0) throw this.corrupt(r, `a VENUE_CHECKPOINT of venue ${venue} at sequence ${sequence}`);
        if (venue < this.venues) this.checkpoints[r.lane * this.venues + venue] = sequence;
        return;
      }
      case JournalRecordType.REFERENCE_PRICE: {
        this.need(r, 16);
        const symbolId = this.f64[0];
        const ticks = this.f64[1];
        if (!Number.isSafeInteger(symbolId) || symbolId < 0 || symbolId > 0xffff || !Number.isSafeInteger(ticks)) throw this.corrupt(r, `a REFERENCE_PRICE of symbol ${symbolId} at ${ticks} ticks`);
        this.referencePrices.set(symbolId, ticks);
        return;
      }
      case JournalRecordType.INSTRUMENTS: {
        let names: unknown;
        try {
          names = JSON.parse(new TextDecoder().decode(r.payload));
        } catch {
          names = null;
        }
        if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw new JournalError('ERR_JOURNAL_CORRUPT', `an INSTRUMENTS record that is not a list of symbols in segment ${r.segment} at offset ${r.offset}`);
        this.instruments = names as string[];
        return;
      }
      case JournalRecordType.KILL_SWITCH:
        this.need(r, 8);
        this.killed = this.f64[0] !== 0;
        return;
      default:
        return; // ID_BLOCK (Journal.open's), APPLICATION (another user's)
    }
  }

  private corrupt(r: JournalRecordView, what: string): JournalError {
    return new JournalError('ERR_JOURNAL_CORRUPT', `${what} in segment ${r.segment} at offset ${r.offset}`);
  }

  /** Copy the payload to the aligned scratch; a record shorter than its type's layout is corruption, never guessed at. */
  private need(r: JournalRecordView, bytes: number): void {
    if (r.payload.byteLength < bytes) {
      throw new JournalError('ERR_JOURNAL_CORRUPT', `a record of type ${r.type} with ${r.payload.byteLength} bytes (at least ${bytes} expected) in segment ${r.segment} at offset ${r.offset}`);
    }
    this.u8.set(r.payload.subarray(0, Math.min(bytes, this.u8.length)));
  }

  private orderNew(payload: Uint8Array): void {
    const handle = this.pool.allocate();
    if (handle < 0) throw new JournalError('ERR_JOURNAL_CORRUPT', `the journal holds more live orders than the order pool's ${this.pool.capacity} slots (raise orderCapacity)`);
    const index = this.pool.indexOf(handle);
    this.poolBytes.set(payload.subarray(0, ORDER_RECORD_BYTES), this.pool.offsetOf(index));
    const o = this.order.wrapIndex(index);
    const id = o.clientOrderId;
    if (!Number.isSafeInteger(id) || id < 1 || this.byId.get(id) >= 0) {
      this.pool.free(handle);
      throw new JournalError('ERR_JOURNAL_CORRUPT', `an ORDER_NEW record with client order id ${id}${Number.isSafeInteger(id) && id > 0 ? ' twice' : ''}`);
    }
    this.byId.set(id, handle);
    const lane = laneOfId(id);
    if (lane < this.lanes && id > this.maxIds[lane]) this.maxIds[lane] = id;
    this.counts.orders++;
    this.counts.live++;
  }

  private request(id: number, event: number): void {
    const handle = this.byId.get(id);
    if (handle < 0 || this.order.wrap(handle) !== 0) return; // about an order that already ended
    this.machine.apply(this.order, event, 0);
  }

  /** The live applier's rules (ExecutionApplier), without handlers, breakers or counters. */
  private execution(): void {
    const f64 = this.f64;
    const u8 = this.u8;
    const handle = this.byId.get(f64[EXEC_CLIENT_ORDER_ID_OFFSET >> 3]);
    const o = this.order;
    if (handle < 0 || o.wrap(handle) !== 0) return; // a late copy about an order that ended
    const m = this.machine;
    const cum = f64[EXEC_CUM_QTY_LOTS_OFFSET >> 3];
    switch (u8[EXEC_TYPE_OFFSET]) {
      case ExecType.ACK:
        if (m.apply(o, OrderEvent.ACK, 0) >= 0) o.venueOrderId = f64[EXEC_VENUE_ORDER_ID_OFFSET >> 3];
        break;
      case ExecType.FILL: {
        const known = o.filledLots;
        if (cum > known && m.applyFill(o, cum - known, f64[EXEC_LAST_PRICE_TICKS_OFFSET >> 3], 0) >= 0) this.position(o, cum - known);
        break;
      }
      case ExecType.REJECT:
        o.rejectReason = u8[EXEC_REJECT_REASON_OFFSET] | (u8[EXEC_REJECT_REASON_OFFSET + 1] << 8);
        m.apply(o, OrderEvent.REJECT, 0);
        break;
      case ExecType.CANCELED: {
        const known = o.filledLots;
        if (cum > known && m.applyFill(o, cum - known, o.priceTicks, 0) >= 0) this.position(o, cum - known);
        m.apply(o, OrderEvent.CANCELED, 0);
        break;
      }
      case ExecType.REPLACED:
        if (o.state === OrderState.ACCEPTED || o.state === OrderState.PARTIALLY_FILLED) m.apply(o, OrderEvent.REPLACE_REQUEST, 0); // a restatement (see ExecutionApplier)
        m.applyReplaced(o, cum + f64[EXEC_LEAVES_LOTS_OFFSET >> 3], f64[EXEC_LAST_PRICE_TICKS_OFFSET >> 3], 0);
        break;
      default: {
        const event = SIMPLE_EVENTS[u8[EXEC_TYPE_OFFSET]] ?? -1;
        if (event >= 0) m.apply(o, event, 0); // EXPIRED, CANCEL_REJECT, REPLACE_REJECT, UNKNOWN
      }
    }
    if (isTerminalState(o.state)) {
      this.byId.delete(o.clientOrderId);
      this.pool.free(handle);
      this.counts.live--;
    }
  }

  private position(o: OrderFlyweight, lots: number): void {
    this.positions[o.symbolId] += o.side === Side.BUY ? lots : -lots;
  }
}
