/**
 * @ringroute/core: orders in shared memory.
 *
 * - Record layouts (`ORDER_LAYOUT`, `EXECUTION_EVENT_LAYOUT`) with fixed `*_OFFSET`s.
 * - `SlabPool`: fixed-size slots in a SharedArrayBuffer, lock-free allocate/free,
 *   generation-checked handles, attachable from any thread.
 * - `OrderFlyweight`, `ExecutionEventFlyweight`: allocation-free accessors.
 * - `InstrumentTable`, `InstrumentSpec`, `DecimalGrid`: symbols, trading rules, exact
 *   decimal <-> ticks/lots.
 * - `OrderStateMachine`: table-driven transitions applied by compare-and-set.
 * - `IdMap`: integer id -> int32 map on typed arrays (order ids to handles).
 * - Status codes for the hot path, `RingrouteError` classes for the cold path.
 */
export * from './Status.js';
export * from './RingrouteError.js';
export * from './OrderEnums.js';
export * from './Clock.js';
export { defineLayout, renderLayoutDiagram, RecordLayout, CACHE_LINE_BYTES } from './layout/RecordLayout.js';
export type { FieldSpec, FieldType, LayoutField } from './layout/RecordLayout.js';
export { renderFlyweightAccessors } from './layout/renderFlyweightAccessors.js';
export { FLYWEIGHT_SOURCES } from './layout/generatedSources.js';
export * from './layout/OrderLayout.js';
export * from './layout/ExecutionEventLayout.js';
export { INSTRUMENT_LAYOUT } from './layout/InstrumentLayout.js';
export { SlabPool, RecordClass } from './SlabPool.js';
export { Flyweight } from './Flyweight.js';
export { OrderFlyweight } from './OrderFlyweight.js';
export { ExecutionEventFlyweight, ExecFlags } from './ExecutionEventFlyweight.js';
export { DecimalGrid, parseDecimal, formatDecimal, MAX_DECIMAL_SCALE } from './DecimalGrid.js';
export type { ScaledDecimal } from './DecimalGrid.js';
export { InstrumentSpec } from './InstrumentSpec.js';
export type { InstrumentConfig } from './InstrumentSpec.js';
export { InstrumentTable } from './InstrumentTable.js';
export { OrderStateMachine, OrderEvent, ORDER_EVENT_COUNT } from './OrderStateMachine.js';
export { IdMap } from './IdMap.js';
