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
  /** The units being written (FixWriter stores them here: no double crosses a call). */
  readonly n = new Float64Array(1);

  constructor(step: ScaledDecimal) {
    if (!(step.mantissa > 0) || !Number.isSafeInteger(step.mantissa) || step.scale < 0 || step.scale > 15) throw new RangeError(`a grid step of ${step.mantissa}e-${step.scale} cannot be written in FIX`);
    this.mantissa = step.mantissa;
    this.scale = step.scale;
  }

  /** Write `units` grid steps at `at` ("-101.25"); the position after it, or -1 when `units * step` is past 2^53. */
  write(buf: Uint8Array, at: number, units: number): number {
    this.n[0] = units;
    return this.writeFrom(buf, at);
  }

  /** `write`, with the units in `this.n[0]` (see writeDigits on why numbers travel so). */
  writeFrom(buf: Uint8Array, at: number): number {
    const v = this.n[0] * this.mantissa;
    if (!Number.isSafeInteger(v)) return -1;
    let abs = v;
    if (v < 0) {
      buf[at++] = 45; // '-'
      abs = -v;
    }
    const p = POW10[this.scale];
    const whole = Math.floor(abs / p);
    const high = Math.floor(whole / 100_000_000); // int32 halves: no double crosses a call
    at = writeSplit(buf, at, high | 0, (whole - high * 100_000_000) | 0);
    if (this.scale > 0) {
      buf[at++] = 46; // '.'
      const frac = abs - whole * p;
      if (this.scale <= 8) writePadded(buf, at, frac | 0, this.scale);
      else {
        const high = Math.floor(frac / 100_000_000);
        writePadded(buf, at, high | 0, this.scale - 8);
        writePadded8(buf, at + this.scale - 8, (frac - high * 100_000_000) | 0);
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
    // The digits, as one integer `mantissa` with `scale` of them after the point. No check
    // per digit: the mantissa never decreases, so if it ends at or below 2^53 - 1 every
    // step on the way was exact, and past it the value is refused either way.
    let mantissa = 0;
    let digits = end - i;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
    }
    let scale = 0;
    if (i < end) {
      if (buf[i] !== 46) return Number.NaN; // not a digit, not the point
      digits--;
      i++;
      let last = end;
      while (last > i && buf[last - 1] === 48) last--; // trailing zeros cost nothing
      scale = last - i;
      if (scale > 22) return Number.NaN;
      for (; i < last; i++) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9) return Number.NaN; // a second point included
        mantissa = mantissa * 10 + d;
      }
    }
    if (mantissa > MAX_SAFE) return Number.NaN;
    if (digits === 0) return Number.NaN;
    const top = scale > this.scale ? scale : this.scale;
    const value = mantissa * POW10[top - scale];
    const step = this.mantissa * POW10[top - this.scale];
    if (value > MAX_SAFE || step > MAX_SAFE || value % step !== 0) return Number.NaN;
    const units = value / step;
    return negative && units !== 0 ? -units : units;
  }
}

/** "00" to "99": two digits per division. */
const PAIRS = ((): Uint8Array => {
  const t = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t[2 * i] = 48 + Math.floor(i / 10);
    t[2 * i + 1] = 48 + (i % 10);
  }
  return t;
})();

/**
 * Write a non-negative safe integer's digits at `at`; the position after them. Split
 * here into int32 halves (below 2^53, `high` < 10^8), so the work below is int32
 * arithmetic, two digits at a time. Keep it small: inlined at its call sites, a double
 * argument passed on to a call V8 does not inline would be boxed (16 bytes) per call.
 */
export function writeDigits(buf: Uint8Array, at: number, value: number): number {
  const high = Math.floor(value / 100_000_000);
  return writeSplit(buf, at, high | 0, (value - high * 100_000_000) | 0);
}

/** Digits of `high * 10^8 + low` (both int32, `low` < 10^8). */
export function writeSplit(buf: Uint8Array, at: number, high: number, low: number): number {
  if (high === 0) return writeSmall(buf, at, low);
  at = writeSmall(buf, at, high);
  writePadded8(buf, at, low);
  return at + 8;
}

/** Digits of an int32 below 10^8. */
function writeSmall(buf: Uint8Array, at: number, v: number): number {
  const n = v < 10 ? 1 : v < 100 ? 2 : v < 1_000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5 : v < 1_000_000 ? 6 : v < 10_000_000 ? 7 : 8;
  let i = at + n;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const r = (v - q * 100) << 1;
    buf[--i] = PAIRS[r + 1];
    buf[--i] = PAIRS[r];
    v = q;
  }
  if (v >= 10) {
    buf[--i] = PAIRS[(v << 1) + 1];
    buf[--i] = PAIRS[v << 1];
  } else buf[--i] = 48 + v;
  return at + n;
}

/** Exactly 8 digits (leading zeros) of an int32 below 10^8. */
function writePadded8(buf: Uint8Array, at: number, v: number): void {
  for (let i = at + 6; i >= at; i -= 2) {
    const q = (v / 100) | 0;
    const r = (v - q * 100) << 1;
    buf[i] = PAIRS[r];
    buf[i + 1] = PAIRS[r + 1];
    v = q;
  }
}

/** Exactly `count` digits (leading zeros) of an int32 below 10^count. */
function writePadded(buf: Uint8Array, at: number, v: number, count: number): void {
  for (let i = at + count - 1; i >= at; i--) {
    const q = (v / 10) | 0;
    buf[i] = 48 + (v - q * 10);
    v = q;
  }
}
