import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecimalGrid,
  formatDecimal,
  INVALID_PRICE,
  INVALID_QUANTITY,
  InstrumentRuleError,
  InvalidArgumentError,
  parseDecimal,
  PRICE_OFF_TICK,
  QUANTITY_OFF_LOT,
} from '@ringroute/core';

describe('parseDecimal', () => {
  it.each([
    ['101.25', 10125, 2],
    ['-0.0005', -5, 4],
    ['+3', 3, 0],
    ['0.50', 5, 1],
    ['1e-8', 1, 8],
    ['2.5E3', 2500, 0],
    ['.5', 5, 1],
    ['7.', 7, 0],
    ['000123.4500', 12345, 2],
    ['0.000', 0, 0],
    ['9007199254740991', 9007199254740991, 0],
  ])('parses %s exactly', (text, mantissa, scale) => {
    expect(parseDecimal(text)).toEqual({ mantissa, scale });
  });

  it.each(['', '.', 'abc', '1.2.3', '1e', '--1', 'NaN', 'Infinity', '0x10', '1,5', ' '])('refuses %j with ERR_INVALID_DECIMAL', (text) => {
    expect(() => parseDecimal(text)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DECIMAL', value: text }));
  });

  it('refuses more digits than fit exactly and more than 15 decimal places', () => {
    expect(() => parseDecimal('9007199254740993')).toThrow(expect.objectContaining({ code: 'ERR_DECIMAL_RANGE' }));
    expect(() => parseDecimal('0.0000000000000001')).toThrow(expect.objectContaining({ code: 'ERR_DECIMAL_RANGE' }));
  });
});

describe('DecimalGrid', () => {
  const tick = new DecimalGrid('0.01', 'price');
  const lot = new DecimalGrid('0.001', 'quantity');

  it('lands 0.1 + 0.2 (a binary approximation) on 30 ticks of 0.01', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(tick.toUnits(0.1 + 0.2)).toBe(30);
    expect(tick.toUnits('0.30')).toBe(30);
    expect(new DecimalGrid('0.1', 'price').toUnits(0.1 + 0.2)).toBe(3);
    expect(tick.toUnits(1.1 * 3)).toBe(330); // 3.3000000000000003
  });

  it('refuses a price off the tick grid, with the value in the error', () => {
    expect(() => tick.toUnits('0.305')).toThrow(InstrumentRuleError);
    expect(() => tick.toUnits(0.305)).toThrow(expect.objectContaining({ code: 'ERR_PRICE_OFF_TICK', value: 0.305 }));
    expect(() => tick.toUnits(0.305)).toThrow(/0\.305/);
    expect(() => lot.toUnits('1.0005')).toThrow(expect.objectContaining({ code: 'ERR_QUANTITY_OFF_LOT' }));
    expect(Number.isNaN(tick.tryToUnits('0.305'))).toBe(true);
    expect(tick.lastStatus).toBe(PRICE_OFF_TICK);
    expect(Number.isNaN(lot.tryToUnits(0.0004))).toBe(true);
    expect(lot.lastStatus).toBe(QUANTITY_OFF_LOT);
  });

  it('refuses NaN, Infinity and garbage with typed errors and statuses', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => tick.toUnits(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DECIMAL' }));
      expect(Number.isNaN(tick.tryToUnits(bad))).toBe(true);
      expect(tick.lastStatus).toBe(INVALID_PRICE);
      expect(Number.isNaN(lot.tryToUnits(bad))).toBe(true);
      expect(lot.lastStatus).toBe(INVALID_QUANTITY);
    }
    expect(() => tick.toUnits('12,5')).toThrow(InvalidArgumentError);
    expect(() => tick.toUnits(1e14)).toThrow(expect.objectContaining({ code: 'ERR_DECIMAL_RANGE' }));
    expect(tick.toUnits('10000000000000')).toBe(1e15); // as a string, exact far beyond 2^43
    expect(() => tick.toUnits('100000000000000')).toThrow(expect.objectContaining({ code: 'ERR_DECIMAL_RANGE' })); // 1e16 ticks > 2^53
  });

  it('rejects a step that is zero, negative or not a number', () => {
    for (const bad of ['0', '-0.01', 0, NaN, 'x']) expect(() => new DecimalGrid(bad, 'price')).toThrow(InvalidArgumentError);
  });

  it('handles steps that are not powers of ten and negative prices', () => {
    const quarter = new DecimalGrid('0.25', 'price');
    expect(quarter.toUnits('101.75')).toBe(407);
    expect(quarter.fromUnits(407)).toBe('101.75');
    expect(quarter.toUnits('-0.5')).toBe(-2);
    expect(quarter.fromUnits(-2)).toBe('-0.50');
    expect(() => quarter.toUnits('101.10')).toThrow(/multiple of 0.25/);
    const five = new DecimalGrid(5, 'price');
    expect(five.toUnits(35)).toBe(7);
    expect(five.fromUnits(7)).toBe('35');
  });

  it('formats with the step decimal places', () => {
    expect(tick.fromUnits(30)).toBe('0.30');
    expect(tick.fromUnits(-1)).toBe('-0.01');
    expect(lot.fromUnits(1500)).toBe('1.500');
    expect(formatDecimal({ mantissa: 5, scale: 3 })).toBe('0.005');
    expect(() => tick.fromUnits(0.5)).toThrow(expect.objectContaining({ code: 'ERR_DECIMAL_RANGE' }));
  });
});

describe('DecimalGrid properties', () => {
  const steps = fc.constantFrom('0.01', '0.05', '0.25', '0.5', '1', '5', '0.0001', '0.00000001', '0.001', '10');

  it('units -> decimal string -> units is the identity (exact, strings)', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (step, units) => {
        const grid = new DecimalGrid(step, 'price');
        expect(grid.toUnits(grid.fromUnits(units))).toBe(units);
      }),
      { numRuns: 2000 },
    );
  });

  it('units -> decimal -> JavaScript number -> units lands on the same tick (numbers)', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (step, units) => {
        const grid = new DecimalGrid(step, 'price');
        expect(grid.toUnits(Number(grid.fromUnits(units)))).toBe(units);
      }),
      { numRuns: 2000 },
    );
  });

  it('sums of on-grid numbers (with their float drift) land on the summed tick', () => {
    fc.assert(
      fc.property(steps, fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 8 }), (step, parts) => {
        const grid = new DecimalGrid(step, 'price');
        const sum = parts.reduce((acc, u) => acc + Number(grid.fromUnits(u)), 0);
        expect(grid.toUnits(sum)).toBe(parts.reduce((a, b) => a + b, 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('a value half a step off the grid is always refused', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), (step, units) => {
        const grid = new DecimalGrid(step, 'price');
        // An odd number of half steps lies exactly halfway between two grid points.
        const text = new DecimalGrid(formatHalf(step), 'price').fromUnits(units * 2 + 1);
        expect(Number.isNaN(grid.tryToUnits(text))).toBe(true);
        expect(Number.isNaN(grid.tryToUnits(Number(text)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

function formatHalf(step: string): string {
  const { mantissa, scale } = parseDecimal(step);
  return formatDecimal(mantissa % 2 === 0 ? { mantissa: mantissa / 2, scale } : { mantissa: mantissa * 5, scale: scale + 1 });
}
