import type { ScaledDecimal } from '@ringroute/core';

const POW10: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Prices and quantities between an instrument's grid (whole ticks or lots) and FIX's
 * decimal text, exactly: `units * step` written as digits with the step's decimal places
 * (never through `toFixed` on a double), and text read back to units only when it lies on
 * the grid. No allocation either way.
 */
export class FixDecimal {
  private readonly mantissa: number;
  private readonly scale: number;

  constructor(step: ScaledDecimal) {
    if (!(step.mantissa > 0) || !Number.isSafeInteger(step.mantissa) || step.scale < 0 || step.scale > 15) throw new RangeError(`a grid step of ${step.mantissa}e-${step.scale} cannot be written in FIX`);
    this.mantissa = step.mantissa;
    this.scale = step.scale;
  }

  /** Write `units` grid steps at `at` ("-101.25"); the position after it, or -1 when `units * step` is past 2^53. */
  write(buf: Uint8Array, at: number, units: number): number {
    const v = units * this.mantissa;
    if (!Number.isSafeInteger(v)) return -1;
    let abs = v;
    if (v < 0) {
      buf[at++] = 45; // '-'
      abs = -v;
    }
    const p = POW10[this.scale];
    const whole = Math.floor(abs / p);
    at = writeDigits(buf, at, whole);
    if (this.scale > 0) {
      buf[at++] = 46; // '.'
      let frac = abs - whole * p;
      for (let i = this.scale - 1; i >= 0; i--) {
        buf[at + i] = 48 + (frac % 10);
        frac = Math.floor(frac / 10);
      }
      at += this.scale;
    }
    return at;
  }

  /**
   * Units of the decimal text in `buf[start, end)`: NaN when it is not a FIX float (empty,
   * a sign alone, two points, a letter, an exponent), has more than 2^53 in its digits, or
   * is not a whole number of steps. Trailing zeros after the point cost nothing.
   */
  read(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    let negative = false;
    if (i < end && buf[i] === 45) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let scale = 0;
    let digits = 0;
    let point = false;
    let zeros = 0; // zeros after the point not yet multiplied in (trailing ones never are)
    for (; i < end; i++) {
      const c = buf[i];
      if (c === 46) {
        if (point) return Number.NaN;
        point = true;
        continue;
      }
      const d = c - 48;
      if (d < 0 || d > 9) return Number.NaN;
      digits++;
      if (point) {
        if (d === 0) {
          zeros++;
          continue;
        }
        mantissa = mantissa * POW10[zeros + 1] + d;
        scale += zeros + 1;
        zeros = 0;
        if (scale > 22) return Number.NaN;
      } else mantissa = mantissa * 10 + d;
      if (mantissa > MAX_SAFE) return Number.NaN;
    }
    if (digits === 0) return Number.NaN;
    const top = scale > this.scale ? scale : this.scale;
    const value = mantissa * POW10[top - scale];
    const step = this.mantissa * POW10[top - this.scale];
    if (value > MAX_SAFE || step > MAX_SAFE || value % step !== 0) return Number.NaN;
    const units = value / step;
    return negative && units !== 0 ? -units : units;
  }
}

/** Write a non-negative safe integer's digits at `at`; the position after them. */
export function writeDigits(buf: Uint8Array, at: number, value: number): number {
  if (value < 10) {
    buf[at] = 48 + value;
    return at + 1;
  }
  let n = 0;
  for (let v = value; v >= 1; v = Math.floor(v / 10)) n++;
  let v = value;
  for (let i = n - 1; i >= 0; i--) {
    buf[at + i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + n;
}
