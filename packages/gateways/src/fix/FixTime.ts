/**
 * FIX UTCTimestamp fields ("YYYYMMDD-HH:MM:SS.sss", 21 bytes) written and read without a
 * `Date`: the calendar date comes from integer arithmetic on days since the epoch (the
 * proleptic Gregorian calendar, as FIX's UTC dates are), and is cached for the day, so
 * stamping a message is a few divisions and 21 byte stores.
 */
const MS_PER_DAY = 86_400_000;
export const UTC_TIMESTAMP_BYTES = 21;

/** Year, month (1-12) and day of `days` since 1970-01-01, packed as y * 10000 + m * 100 + d. */
export function civilFromDays(days: number): number {
  // Shift to an era starting on 0000-03-01 so that the leap day ends each 4-year cycle.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097; // 0..146096
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

/** Days since 1970-01-01 of a civil date (the inverse of `civilFromDays`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Writes UTCTimestamps; keeps the digits of the last day it wrote. */
export class FixTimestampWriter {
  private day = Number.NaN;
  private readonly date = new Uint8Array(9); // "YYYYMMDD-"

  private lastMs = Number.NaN;
  private lastSecond = Number.NaN;
  private readonly last = new Uint8Array(UTC_TIMESTAMP_BYTES);

  /** The instant being written (FixWriter stores it here: no double crosses a call). */
  readonly n = new Float64Array(1);

  /** Write `epochMs` (a whole number of ms, 0 to year 9999) at `at`; returns the position after it. */
  write(buf: Uint8Array, at: number, epochMs: number): number {
    this.n[0] = epochMs;
    return this.writeFrom(buf, at);
  }

  /** `write`, with the instant in `this.n[0]`. */
  writeFrom(buf: Uint8Array, at: number): number {
    const ms = Math.floor(this.n[0]);
    if (ms === this.lastMs) {
      // The same millisecond as the last stamp (SendingTime and TransactTime, a burst): copied
      // (`set`: a flat ~12 ns, where a byte loop costs about 1 ns a byte; see putBytes).
      buf.set(this.last, at);
      return at + UTC_TIMESTAMP_BYTES;
    }
    const millis = (ms - Math.floor(ms / 1_000) * 1_000) | 0;
    const l = this.last;
    if (ms - millis === this.lastSecond) {
      // The same second: the date and time copied, the milliseconds written.
      l[18] = 48 + ((millis / 100) | 0);
      l[19] = 48 + (((millis / 10) | 0) % 10);
      l[20] = 48 + (millis % 10);
      buf.set(l, at);
      this.lastMs = ms;
      return at + UTC_TIMESTAMP_BYTES;
    }
    this.n[0] = ms; // passed on in the array: a double argument would be boxed
    const end = this.format(buf, at);
    for (let i = 0; i < UTC_TIMESTAMP_BYTES; i++) l[i] = buf[at + i];
    this.lastMs = ms;
    this.lastSecond = ms - millis;
    return end;
  }

  private format(buf: Uint8Array, at: number): number {
    const ms = this.n[0];
    const day = Math.floor(ms / MS_PER_DAY);
    if (day !== this.day) this.setDay(day);
    const d = this.date;
    for (let i = 0; i < 9; i++) buf[at + i] = d[i];
    let rest = (ms - day * MS_PER_DAY) | 0; // below 86,400,000: int32 from here
    const hours = (rest / 3_600_000) | 0;
    rest -= hours * 3_600_000;
    const minutes = (rest / 60_000) | 0;
    rest -= minutes * 60_000;
    const seconds = (rest / 1_000) | 0;
    const millis = rest - seconds * 1_000;
    at += 9;
    buf[at] = 48 + ((hours / 10) | 0);
    buf[at + 1] = 48 + (hours % 10);
    buf[at + 2] = 58; // ':'
    buf[at + 3] = 48 + ((minutes / 10) | 0);
    buf[at + 4] = 48 + (minutes % 10);
    buf[at + 5] = 58;
    buf[at + 6] = 48 + ((seconds / 10) | 0);
    buf[at + 7] = 48 + (seconds % 10);
    buf[at + 8] = 46; // '.'
    buf[at + 9] = 48 + ((millis / 100) | 0);
    buf[at + 10] = 48 + (((millis / 10) | 0) % 10);
    buf[at + 11] = 48 + (millis % 10);
    return at + 12;
  }

  private setDay(day: number): void {
    const ymd = civilFromDays(day);
    let v = ymd;
    for (let i = 7; i >= 0; i--) {
      this.date[i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.date[8] = 45; // '-'
    this.day = day;
  }
}

/**
 * Read a UTCTimestamp from `buf[start, end)`: "YYYYMMDD-HH:MM:SS" with optional fractional
 * seconds (1 to 9 digits, kept to the ms). Returns epoch ms, or NaN when it is not one
 * (wrong shape, a month 13, a 25th hour, a 61st second).
 */
export function readUtcTimestamp(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 17 || buf[start + 8] !== 45 || buf[start + 11] !== 58 || buf[start + 14] !== 58) return Number.NaN;
  const year = digits(buf, start, 4);
  const month = digits(buf, start + 4, 2);
  const day = digits(buf, start + 6, 2);
  const hours = digits(buf, start + 9, 2);
  const minutes = digits(buf, start + 12, 2);
  const seconds = digits(buf, start + 15, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 60) return Number.NaN;
  let millis = 0;
  if (n > 17) {
    if (buf[start + 17] !== 46 || n > 27 || n === 18) return Number.NaN;
    for (let i = 0; i < n - 18; i++) {
      const c = buf[start + 18 + i] - 48;
      if (c < 0 || c > 9) return Number.NaN;
      if (i < 3) millis = millis * 10 + c;
    }
    for (let i = n - 18; i < 3; i++) millis *= 10;
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + hours * 3_600_000 + minutes * 60_000 + seconds * 1_000 + millis;
}

function digits(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const c = buf[at + i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
