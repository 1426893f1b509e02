import { ConfigurationError } from '../RingrouteError.js';

/**
 * Field types a record may hold.
 *
 * - `int53`   8 bytes, IEEE-754 double holding an integer. Exact for |v| <= 2^53 - 1
 *             (Number.MAX_SAFE_INTEGER). Chosen over BigInt64 (allocates a BigInt per read)
 *             and over a hi/lo Int32 pair (two loads and a multiply-add per read): see
 *             `core.layout.*` in the benchmarks for the measured difference.
 * - `float64` 8 bytes, an ordinary double (average prices, ratios).
 * - `int32`   4 bytes, signed; the only width used with `Atomics` (states, counters).
 * - `uint16`  2 bytes (venue ids, reason codes).
 * - `uint8`   1 byte (enums, flag sets).
 * - `bytes`   a fixed-length byte array (`length` bytes), for short ASCII names.
 */
export type FieldType = 'int53' | 'float64' | 'int32' | 'uint16' | 'uint8' | 'bytes';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Only for `bytes`: the array length. */
  readonly length?: number;
  /** One line of TSDoc for the generated accessor. */
  readonly doc?: string;
}

export interface LayoutField {
  readonly name: string;
  readonly type: FieldType;
  readonly doc: string;
  /** Byte offset from the start of the record. */
  readonly offset: number;
  /** Length in bytes. */
  readonly length: number;
}

const WIDTH: Record<Exclude<FieldType, 'bytes'>, number> = {
  int53: 8,
  float64: 8,
  int32: 4,
  uint16: 2,
  uint8: 1,
};

/** Cache line size assumed on x86-64 and most ARM64 servers. */
export const CACHE_LINE_BYTES = 64;

/**
 * A record layout computed once from a schema: offsets are fixed at module load and
 * then read through `*_OFFSET` constants, never looked up on the hot path.
 */
export class RecordLayout {
  readonly name: string;
  /** Record size including padding: a whole number of cache lines. */
  readonly recordBytes: number;
  /** Bytes used by fields (the rest is padding). */
  readonly usedBytes: number;
  /** Fields in memory order. */
  readonly fields: readonly LayoutField[];
  private readonly byName: ReadonlyMap<string, LayoutField>;

  constructor(name: string, fields: readonly LayoutField[], recordBytes: number, usedBytes: number) {
    this.name = name;
    this.recordBytes = recordBytes;
    this.usedBytes = usedBytes;
    this.fields = fields;
    this.byName = new Map(fields.map((f) => [f.name, f]));
  }

  /** Offset of a field; throws `ERR_LAYOUT` for an unknown name (module-load time only). */
  offsetOf(name: string): number {
    return this.field(name).offset;
  }

  field(name: string): LayoutField {
    const field = this.byName.get(name);
    if (field === undefined) {
      throw new ConfigurationError('ERR_LAYOUT', `layout ${this.name} has no field named ${name}`, name);
    }
    return field;
  }
}

/**
 * Compute a layout: fields sorted by alignment (8-byte fields first, then 4, 2, 1, then
 * byte arrays), declaration order kept within a width so hot fields can be listed first,
 * every field naturally aligned, and the record padded to `recordBytes` (a multiple of
 * the 64-byte cache line) so two records never share a line.
 */
export function defineLayout(name: string, specs: readonly FieldSpec[], recordBytes: number): RecordLayout {
  if (!Number.isInteger(recordBytes) || recordBytes <= 0 || recordBytes % CACHE_LINE_BYTES !== 0) {
    throw new ConfigurationError('ERR_LAYOUT', `record size of ${name} must be a positive multiple of ${CACHE_LINE_BYTES}`, recordBytes);
  }
  const seen = new Set<string>();
  const sized = specs.map((spec, order) => {
    if (seen.has(spec.name)) {
      throw new ConfigurationError('ERR_LAYOUT', `layout ${name} declares field ${spec.name} twice`, spec.name);
    }
    seen.add(spec.name);
    let length: number;
    let align: number;
    if (spec.type === 'bytes') {
      length = spec.length ?? 0;
      if (!Number.isInteger(length) || length <= 0) {
        throw new ConfigurationError('ERR_LAYOUT', `bytes field ${spec.name} needs a positive length`, spec.length);
      }
      align = 0; // sorts after every scalar
    } else {
      length = WIDTH[spec.type];
      align = length;
    }
    return { spec, order, length, align };
  });
  sized.sort((a, b) => b.align - a.align || a.order - b.order);
  let offset = 0;
  const fields: LayoutField[] = [];
  for (const { spec, length, align } of sized) {
    const a = Math.max(align, 1);
    offset = Math.ceil(offset / a) * a;
    fields.push({ name: spec.name, type: spec.type, doc: spec.doc ?? '', offset, length });
    offset += length;
  }
  if (offset > recordBytes) {
    throw new ConfigurationError('ERR_LAYOUT', `fields of ${name} need ${offset} bytes, more than the record size ${recordBytes}`, offset);
  }
  return new RecordLayout(name, fields, recordBytes, offset);
}

const BYTES_PER_ROW = 8;
const CELL = 8; // characters per byte inside a row

/**
 * Draw a layout as an ASCII diagram, eight bytes a row, one box per field.
 * The diagram in each layout's source file is this function's output; a test checks
 * that the two agree, so the picture can never drift from the code.
 */
export function renderLayoutDiagram(layout: RecordLayout): string {
  const lines: string[] = [];
  const ruler = Array.from({ length: BYTES_PER_ROW }, (_, i) => String(i).padEnd(CELL)).join(' ');
  lines.push(`${layout.name}: ${layout.recordBytes} bytes, ${layout.recordBytes / CACHE_LINE_BYTES} cache line(s), ${layout.usedBytes} used`);
  lines.push(`       ${ruler}`.trimEnd());
  const border = `      +${Array.from({ length: BYTES_PER_ROW }, () => '-'.repeat(CELL)).join('+')}+`;
  // Split fields (and trailing padding) into row-sized pieces.
  type Piece = { label: string; start: number; length: number };
  const pieces: Piece[] = [];
  let cursor = 0;
  const pushSpan = (label: string, start: number, length: number): void => {
    let s = start;
    let remaining = length;
    while (remaining > 0) {
      const rowEnd = (Math.floor(s / BYTES_PER_ROW) + 1) * BYTES_PER_ROW;
      const take = Math.min(remaining, rowEnd - s);
      pieces.push({ label, start: s, length: take });
      s += take;
      remaining -= take;
    }
  };
  for (const f of layout.fields) {
    if (f.offset > cursor) pushSpan('pad', cursor, f.offset - cursor);
    pushSpan(f.type === 'bytes' ? `${f.name}[${f.length}]` : f.name, f.offset, f.length);
    cursor = f.offset + f.length;
  }
  if (cursor < layout.recordBytes) pushSpan('pad', cursor, layout.recordBytes - cursor);

  lines.push(border);
  for (let row = 0; row < layout.recordBytes / BYTES_PER_ROW; row++) {
    const rowStart = row * BYTES_PER_ROW;
    const cells = pieces.filter((p) => p.start >= rowStart && p.start < rowStart + BYTES_PER_ROW);
    const body = cells
      .map((p) => {
        const width = p.length * CELL + (p.length - 1);
        const text = p.label.length > width ? p.label.slice(0, width) : p.label;
        const left = Math.floor((width - text.length) / 2);
        return ' '.repeat(left) + text + ' '.repeat(width - text.length - left);
      })
      .join('|');
    lines.push(`${String(rowStart).padStart(5)} |${body}|`);
    if ((rowStart + BYTES_PER_ROW) % CACHE_LINE_BYTES === 0 || row === layout.recordBytes / BYTES_PER_ROW - 1) {
      lines.push(border.replace(/-/g, '='));
    } else {
      lines.push(border);
    }
  }
  return lines.join('\n');
}
