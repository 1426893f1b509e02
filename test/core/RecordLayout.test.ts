import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  defineLayout,
  EXECUTION_EVENT_LAYOUT,
  FLYWEIGHT_SOURCES,
  INSTRUMENT_LAYOUT,
  ORDER_LAYOUT,
  ORDER_FLAGS_OFFSET,
  ORDER_STATE_OFFSET,
  renderFlyweightAccessors,
  renderLayoutDiagram,
  type RecordLayout,
} from '@ringroute/core';

const sourceOf = (file: string) => readFileSync(new URL(`../../packages/core/src/${file}`, import.meta.url), 'utf8');

describe('defineLayout', () => {
  it('puts 8-byte fields first, keeps declaration order within a width, and aligns every field', () => {
    const layout = defineLayout(
      'T',
      [
        { name: 'a8', type: 'uint8' },
        { name: 'b32', type: 'int32' },
        { name: 'c64', type: 'int53' },
        { name: 'd16', type: 'uint16' },
        { name: 'e64', type: 'float64' },
        { name: 'name', type: 'bytes', length: 5 },
      ],
      64,
    );
    expect(layout.fields.map((f) => [f.name, f.offset])).toEqual([
      ['c64', 0],
      ['e64', 8],
      ['b32', 16],
      ['d16', 20],
      ['a8', 22],
      ['name', 23],
    ]);
    expect(layout.usedBytes).toBe(28);
    expect(layout.recordBytes).toBe(64);
  });

  it('rejects a record that does not fit, a size off the cache line, duplicates and unknown names', () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, type: 'int53' as const }));
    expect(() => defineLayout('Big', many, 64)).toThrow(ConfigurationError);
    expect(() => defineLayout('Odd', [], 96)).toThrow(/multiple of 64/);
    expect(() => defineLayout('Dup', [{ name: 'x', type: 'uint8' }, { name: 'x', type: 'int32' }], 64)).toThrow(/twice/);
    expect(() => ORDER_LAYOUT.offsetOf('nope')).toThrow(expect.objectContaining({ code: 'ERR_LAYOUT' }));
    expect(() => defineLayout('Bytes', [{ name: 'b', type: 'bytes' }], 64)).toThrow(/positive length/);
  });
});

describe('ringroute record layouts', () => {
  const check = (layout: RecordLayout, bytes: number) => {
    expect(layout.recordBytes).toBe(bytes);
    for (const f of layout.fields) {
      const width = f.type === 'bytes' ? 1 : f.length;
      expect(f.offset % width, `${f.name} aligned`).toBe(0);
      expect(f.offset + f.length).toBeLessThanOrEqual(bytes);
    }
    const sorted = [...layout.fields].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i].offset, `${sorted[i].name} does not overlap`).toBeGreaterThanOrEqual(sorted[i - 1].offset + sorted[i - 1].length);
    }
  };

  it('order record is 128 bytes with the hot quantities in the first cache line', () => {
    check(ORDER_LAYOUT, 128);
    for (const name of ['clientOrderId', 'priceTicks', 'quantityLots', 'filledLots', 'leavesLots']) {
      expect(ORDER_LAYOUT.offsetOf(name)).toBeLessThan(64);
    }
    expect(ORDER_STATE_OFFSET % 4).toBe(0);
    expect(ORDER_FLAGS_OFFSET).toBe(127);
  });

  it('execution event record is one 64-byte cache line', () => check(EXECUTION_EVENT_LAYOUT, 64));
  it('instrument record is 128 bytes', () => check(INSTRUMENT_LAYOUT, 128));

  it.each(FLYWEIGHT_SOURCES.map((source) => [source.file, source] as const))(
    'generated text in %s matches its layout (run `pnpm layouts` to regenerate)',
    (_file, source) => {
      const text = sourceOf(source.file);
      if (source.accessors) {
        const match = /  \/\/ GENERATED-BEGIN accessors[^\n]*\n([\s\S]*?)\n  \/\/ GENERATED-END accessors/.exec(text);
        expect(match).not.toBeNull();
        expect(match![1]).toBe(renderFlyweightAccessors(source.layout, { readOnly: source.readOnly }));
      } else {
        const match = /DIAGRAM-BEGIN\n([\s\S]*?)\n \* DIAGRAM-END/.exec(text);
        expect(match).not.toBeNull();
        const inFile = match![1]
          .split('\n')
          .map((line) => line.replace(/^ \* ?/, ''))
          .join('\n');
        const expected = renderLayoutDiagram(source.layout)
          .split('\n')
          .map((l) => l.trimEnd())
          .join('\n');
        expect(inFile).toBe(expected);
      }
    },
  );

  it('generated accessors use literal element indices (no offset lookups on the hot path)', () => {
    const order = renderFlyweightAccessors(ORDER_LAYOUT, { readOnly: ['state'] });
    expect(order).toContain('return this.f64[this.base8 + 2];'); // priceTicks at byte 16
    expect(order).toContain('return this.i32[this.base4 + 26];'); // state at byte 104
    expect(order).not.toContain('set state(');
    expect(order).not.toMatch(/_OFFSET/);
  });
});
