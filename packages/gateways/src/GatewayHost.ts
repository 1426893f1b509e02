import { InstrumentTable, OrderFlyweight, RecordClass, RejectReason, SlabPool, nanoTime } from '@ringroute/core';
import {
  GatewayCommand,
  runWorkerLoop,
  TopOfBook,
  type RecordHandler,
  type RingBuffer,
  type WorkerContext,
  type WorkerLoop,
  type WorkerStart,
  type WorkerSummary,
} from '@ringroute/router/worker';
import type { GatewayAdapter } from './GatewayAdapter.js';
import { RingEventSink } from './RingEventSink.js';

/** How soon a loop with events waiting for room in a lane's ring polls again, at the latest. */
const SPILL_RETRY_NS = 100_000;

/** Start data a gateway worker needs besides its rings (`WorkerPoolOptions.data`). */
export interface GatewayStartData {
  /** The shared order pool (`SlabPool.buffer`). */
  orders: SharedArrayBuffer;
  /** The shared top-of-book (`TopOfBook.buffer`), or null. */
  topOfBook: SharedArrayBuffer | null;
  /** The router's instrument table (`InstrumentTable.buffer`), or null (see GatewayEnvironment). */
  instruments?: SharedArrayBuffer | null;
  /** This worker's venue id (its row in the top-of-book). */
  venueId: number;
  /** The venue's name in the router's configuration. */
  venueName?: string;
  /** `VenueConfig.adapter`, exactly as the user gave it (credentials reference, models, URLs). */
  adapter?: unknown;
}

/**
 * What an adapter factory gets besides its own options: the router's instruments, so an
 * adapter maps an order's `symbolId` to its symbol, tick size and lot size (`spec(id)`:
 * `symbol`, `tick`, `lot` grids) without the user repeating the instrument configuration.
 */
export interface GatewayEnvironment {
  /** The router's instrument table (read-only here), or null when the start data carried none. */
  readonly instruments: InstrumentTable | null;
  readonly venueId: number;
  readonly venueName: string;
}

/**
 * The gateway worker's loop: drains the command ring into the adapter, lets the adapter
 * work (`poll`), and turns what the adapter reports into execution events in the event
 * ring. An adapter that throws is caught here: the order gets a reject (or a cancel /
 * replace reject) with INTERNAL_ERROR, the failure is counted, and the loop keeps running.
 * A command whose handle is stale gets a reject with STALE_HANDLE.
 */
class GatewayHostLoop implements WorkerLoop, RecordHandler {
  private readonly context: WorkerContext;
  private readonly adapter: GatewayAdapter;
  private readonly events: RingEventSink;
  private readonly order: OrderFlyweight;
  /** The lane being read (several strategy threads may share this worker, one lane each). */
  private lane = 0;
  /** Lanes blocked by a full event ring, as last reported to the supervisor. */
  private reportedBlocked = 0;
  /** The worker parked since the last poll (WorkerLoop.resumed). */
  private slept = true;
  /** Passes that read no command, wrapping (see `poll`). */
  private idlePasses = 0;

  constructor(context: WorkerContext, adapter: GatewayAdapter, events: RingEventSink, orders: SlabPool) {
    this.context = context;
    this.adapter = adapter;
    this.events = events;
    this.order = new OrderFlyweight(orders);
    // Give the adapter the time before the first command: an adapter that keeps time from
    // its polls (the simulated venue's report delays) would otherwise date that command 0.
    this.adapter.poll(nanoTime());
  }

  poll(): number {
    const events = this.events;
    // After the worker slept, give the adapter the time before it sees a command (an
    // adapter that keeps time from its polls, as the simulated venue's report delays do,
    // would otherwise date the command at the last poll before the park). Only then: a
    // clock read costs 16 bytes of heap in Node 20.
    let work = 0;
    events.beginPass();
    if (this.slept) {
      this.slept = false;
      work = this.adapter.poll(nanoTime());
    }
    // Events that found a lane's ring full go first, in order (see RingEventSink).
    if (events.blockedLanes !== 0) work += events.flush();
    const lanes = this.context.commandLanes;
    for (let lane = 0; lane < lanes.length; lane++) {
      // A lane with too many events waiting for room gets no more commands read: the
      // back-pressure reaches its producer (RING_FULL on its command ring), no other lane.
      if (events.blocked(lane)) continue;
      this.lane = lane;
      work += lanes[lane].read(this, 64);
    }
    // The adapter's poll takes the time as a double, which V8 boxes (16 bytes of heap)
    // when the call is not inlined, and the clock read costs as much again: on every
    // pass of a spinning loop (tens of millions a second) that was a scavenge every few
    // milliseconds, measured. So a pass that read commands lets the adapter work at once,
    // and an idle one only every 256th pass (microseconds apart: its timers are late by
    // no more than that; a parked loop wakes for them through nextWakeNs).
    if (work !== 0 || (++this.idlePasses & 255) === 0) work += this.adapter.poll(events.passTimeNs());
    events.endPass(); // events from callbacks between passes read the clock themselves
    if (events.blockedLanes !== this.reportedBlocked) {
      this.reportedBlocked = events.blockedLanes;
      this.context.reportBackPressure(this.reportedBlocked);
    }
    return work;
  }

  onRecord(typeId: number, ring: RingBuffer, offset: number, length: number): void {
    if (typeId === GatewayCommand.RECONCILE) return this.reconcile(length >= 16 ? ring.f64[(offset >> 3) + 1] : 0);
    const handle = ring.i32[offset >> 2];
    const order = this.order;
    if (order.wrap(handle) !== 0) {
      this.events.rejectOnLane(this.lane, handle, -1, RejectReason.STALE_HANDLE);
      return;
    }
    try {
      switch (typeId) {
        case GatewayCommand.NEW:
          this.events.setLane(handle, this.lane);
          this.adapter.submit(handle, order);
          return;
        case GatewayCommand.CANCEL:
          this.adapter.cancel(handle, order);
          return;
        case GatewayCommand.REPLACE:
          if (length < 24) {
            this.events.replaceReject(handle, order.clientOrderId, RejectReason.UNSUPPORTED);
            return;
          }
          this.adapter.replace(handle, order, ring.f64[(offset >> 3) + 1], ring.f64[(offset >> 3) + 2]);
          return;
        case GatewayCommand.RECOVER: {
          // The second word names the lane that owns the order (lane + 1; 0: the lane the
          // command came on): the router that created the gateways hands back every lane's
          // orders, and each order's events go to its own lane.
          const owner = ring.i32[(offset >> 2) + 1] - 1;
          this.events.setLane(handle, owner >= 0 && owner < this.context.commandLanes.length ? owner : this.lane);
          this.adapter.recover?.(handle, order);
          return;
        }
        default:
          this.events.reject(handle, order.clientOrderId, RejectReason.UNSUPPORTED);
      }
    } catch {
      this.context.handlerFailed();
      const id = order.clientOrderId;
      if (typeId === GatewayCommand.CANCEL) this.events.cancelReject(handle, id, RejectReason.INTERNAL_ERROR);
      else if (typeId === GatewayCommand.REPLACE) this.events.replaceReject(handle, id, RejectReason.INTERNAL_ERROR);
      else this.events.reject(handle, id, RejectReason.INTERNAL_ERROR);
    }
  }

  /**
   * RECONCILE (recovery, after the RECOVERs): the adapter settles the recovered orders
   * against its venue; the router hears the end as a VENUE_RECONCILED record on the lane
   * that asked. An adapter without `reconcile`, or one that throws or fails, answers
   * "could not say" (the router then reports those orders UNKNOWN). The router bounds the
   * wait with its own deadline, so an adapter whose promise never settles cannot hold an
   * order in doubt for ever.
   */
  private reconcile(sinceSequence: number): void {
    const events = this.events;
    events.recoveryLane = this.lane;
    const adapter = this.adapter;
    if (adapter.reconcile === undefined) return events.reconciled(false);
    let outcome: boolean | Promise<boolean>;
    try {
      outcome = adapter.reconcile(sinceSequence);
    } catch {
      this.context.handlerFailed();
      return events.reconciled(false);
    }
    if (typeof outcome === 'boolean') return events.reconciled(outcome);
    outcome.then(
      (settled) => events.reconciled(settled === true),
      () => events.reconciled(false),
    );
  }

  /** WorkerLoop: the worker slept; refresh the adapter's time before the next command. */
  resumed(): void {
    this.slept = true;
  }

  /**
   * The adapter's next timer, and a short retry while events wait for room in a lane's
   * ring (the strategy thread frees space without ringing this worker's doorbell).
   */
  nextWakeNs(nowNs: number): number {
    const adapter = this.adapter.nextWakeNs?.(nowNs) ?? Infinity;
    return this.events.blockedLanes !== 0 ? Math.min(adapter, nowNs + SPILL_RETRY_NS) : adapter;
  }

  async close(): Promise<void> {
    await this.adapter.disconnect();
  }
}

/**
 * Run a gateway worker: the default export of a gateway task module.
 *
 * ```ts
 * export default (start: WorkerStart) => runGatewayHost(start, (data, env) => new MyAdapter(data.adapter, env.instruments));
 * ```
 */
export async function runGatewayHost(
  start: WorkerStart,
  createAdapter: (data: GatewayStartData, env: GatewayEnvironment) => GatewayAdapter | Promise<GatewayAdapter>,
): Promise<WorkerSummary> {
  const data = start.data as GatewayStartData;
  return runWorkerLoop(start, async (context) => {
    const orders = SlabPool.attach(data.orders, RecordClass.ORDER);
    const book = data.topOfBook === null ? null : TopOfBook.attach(data.topOfBook);
    const events = new RingEventSink(context.eventLanes, data.venueId, book, orders.capacity);
    const instruments = data.instruments === undefined || data.instruments === null ? null : InstrumentTable.attach(data.instruments);
    const adapter = await createAdapter(data, { instruments, venueId: data.venueId, venueName: data.venueName ?? `venue-${data.venueId}` });
    // Before RUNNING: the router reads it at start and enforces it before enqueueing.
    context.declareVenue({ ...adapter.capabilities, rateLimits: adapter.rateLimits });
    await adapter.connect(events);
    return new GatewayHostLoop(context, adapter, events, orders);
  });
}
