import { Packr } from 'msgpackr';
import { OrderFlyweight, ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { sink } from '../../harness/measure.js';
import type { Scenario } from '../../harness/Scenario.js';
import { microScenario } from '../micro.js';
import { newOrderObject, readSampleOrder, writeSampleOrder } from './sampleOrder.js';

/** `core.order.write-read` (flyweight over a slab slot) and its reference `core.order.msgpackr`. */
export function orderScenarios(): Scenario[] {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1024, recordClass: RecordClass.ORDER });
  const order = new OrderFlyweight(pool);
  order.wrap(pool.allocate());
  const packr = new Packr({ structures: [] });
  const object = newOrderObject(1);
  let id = 0;
  return [
    microScenario({
      name: 'core.order.write-read',
      reference: 'core.order.msgpackr',
      description: 'write every field of an order through the flyweight, then read every field back',
      targets: [
        { metric: 'p50', op: '<=', value: 30, label: 'flyweight write+read p50 <= 30 ns' },
        { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'under 1 heap byte per order' },
      ],
      batch(n) {
        const o = order;
        let acc = 0;
        for (let i = 0; i < n; i++) {
          writeSampleOrder(o, ++id);
          acc += readSampleOrder(o);
        }
        sink.value += acc;
      },
    }),
    microScenario({
      name: 'core.order.msgpackr',
      description: 'set the same fields on a plain order object, msgpackr-encode it (record structures) and decode it back',
      batch(n) {
        const o = object;
        let acc = 0;
        for (let i = 0; i < n; i++) {
          const k = ++id;
          o.clientOrderId = k;
          o.venueOrderId = k + 1;
          o.priceTicks = 10_025 + (k & 15);
          o.createdNs = k;
          o.sentNs = k;
          o.lastUpdateNs = k;
          const back = packr.unpack(packr.pack(o)) as typeof o;
          acc += back.clientOrderId + back.priceTicks + back.quantityLots + back.lastUpdateNs + back.flags;
        }
        sink.value += acc;
      },
    }),
  ];
}
