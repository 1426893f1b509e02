import { EXECUTION_EVENT_LAYOUT } from './ExecutionEventLayout.js';
import { INSTRUMENT_LAYOUT } from './InstrumentLayout.js';
import { ORDER_LAYOUT } from './OrderLayout.js';
import type { RecordLayout } from './RecordLayout.js';

/**
 * Which source files carry generated text, and from which layout. Used by
 * `pnpm layouts` (to write them) and by the tests (to check them).
 */
export const FLYWEIGHT_SOURCES: readonly {
  /** Path from packages/core/src. */
  file: string;
  layout: RecordLayout;
  /** True if the file holds a generated accessor region. */
  accessors: boolean;
  readOnly?: readonly string[];
}[] = [
  { file: 'layout/OrderLayout.ts', layout: ORDER_LAYOUT, accessors: false },
  { file: 'layout/ExecutionEventLayout.ts', layout: EXECUTION_EVENT_LAYOUT, accessors: false },
  { file: 'layout/InstrumentLayout.ts', layout: INSTRUMENT_LAYOUT, accessors: false },
  { file: 'OrderFlyweight.ts', layout: ORDER_LAYOUT, accessors: true, readOnly: ['state'] },
  { file: 'ExecutionEventFlyweight.ts', layout: EXECUTION_EVENT_LAYOUT, accessors: true },
];
