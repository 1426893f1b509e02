import { Quote, TopOfBook } from '@ringroute/router';
import { sink } from '../../harness/measure.js';
import type { Scenario } from '../../harness/Scenario.js';
import { microScenario } from '../micro.js';

/**
 * The top-of-book sequence lock, single-threaded (its instruction cost, no contention):
 * `router.topofbook.publish` is what a gateway worker pays per quote update,
 * `router.topofbook.read` what smart routing pays per venue it looks at; beside
 * `router.topofbook.plain`, the same five doubles written and read with plain typed-array
 * accesses and no lock (the floor, and what an unsynchronised book would cost).
 */
export function topOfBookScenarios(): Scenario[] {
  const book = TopOfBook.create(4, 16);
  const quote = new Quote();
  const plain = new Float64Array(8);
  let i = 0;
  return [
    microScenario({
      name: 'router.topofbook.plain',
      description: 'five doubles written then read back with plain Float64Array accesses (no lock)',
      batch(n) {
        let acc = 0;
        for (let k = 0; k < n; k++) {
          const px = 6_500_000 + (++i & 63);
          plain[0] = px;
          plain[1] = 5;
          plain[2] = px + 1;
          plain[3] = 7;
          plain[4] = i;
          acc += plain[0] + plain[1] + plain[2] + plain[3] + plain[4];
        }
        sink.value += acc;
      },
    }),
    microScenario({
      name: 'router.topofbook.publish',
      reference: 'router.topofbook.plain',
      description: 'TopOfBook.publish: one quote update (sequence lock, five fields)',
      batch(n) {
        for (let k = 0; k < n; k++) {
          const px = 6_500_000 + (++i & 63);
          book.publish(1, 3, px, 5, px + 1, 7, i);
        }
      },
    }),
    microScenario({
      name: 'router.topofbook.read',
      reference: 'router.topofbook.plain',
      description: 'TopOfBook.read: one consistent quote (sequence lock, five fields) into a reused Quote',
      batch(n) {
        let acc = 0;
        for (let k = 0; k < n; k++) {
          if (book.read(1, (++i & 7) + 3, quote)) acc += quote.bidTicks;
        }
        sink.value += acc;
      },
    }),
  ];
}
