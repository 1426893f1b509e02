import type { LayoutField, RecordLayout } from './RecordLayout.js';

const VIEW: Record<Exclude<LayoutField['type'], 'bytes'>, { array: string; base: string; shift: number }> = {
  int53: { array: 'f64', base: 'base8', shift: 3 },
  float64: { array: 'f64', base: 'base8', shift: 3 },
  int32: { array: 'i32', base: 'base4', shift: 2 },
  uint16: { array: 'u16', base: 'base2', shift: 1 },
  uint8: { array: 'u8', base: 'base1', shift: 0 },
};

/**
 * TypeScript getters and setters for a `Flyweight` subclass over `layout`, with every
 * offset written as a literal element index.
 *
 * Why generated rather than computed: V8 always inlines functions whose bytecode is under
 * ~27 bytes, and inlines larger ones only until a per-function budget (~920 bytes) runs
 * out. An accessor that reads an imported `*_OFFSET` binding and shifts it is over that
 * size, so a loop touching all 23 order fields exhausted the budget and paid a real call
 * per field (80 ns an order, measured). With literal indices every accessor is a
 * small function and the same loop costs ~15 ns. `pnpm layouts` rewrites the generated
 * regions; a test fails while a region differs from this function's output.
 */
export function renderFlyweightAccessors(
  layout: RecordLayout,
  options: { skip?: readonly string[]; readOnly?: readonly string[] } = {},
): string {
  const skip = new Set(options.skip ?? []);
  const readOnly = new Set(options.readOnly ?? []);
  const blocks: string[] = [];
  for (const field of layout.fields) {
    if (skip.has(field.name) || field.type === 'bytes') continue;
    const { array, base, shift } = VIEW[field.type];
    const index = field.offset >> shift;
    const element = `this.${array}[this.${base}${index === 0 ? '' : ` + ${index}`}]`;
    const doc = `${field.doc ? `${field.doc} ` : ''}(${field.type} at byte ${field.offset})`;
    const lines = [`  /** ${doc} */`, `  get ${field.name}(): number {`, `    return ${element};`, `  }`];
    if (!readOnly.has(field.name)) lines.push(`  set ${field.name}(value: number) {`, `    ${element} = value;`, `  }`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}
