/**
 * Copies byte ranges from other buffers into one buffer, eight bytes per step through
 * DataViews, with no allocation per copy: `TypedArray.prototype.set` needs a view of the
 * source range (`subarray`, an object per message), and a byte loop costs about a
 * nanosecond a byte. Measured on this VM, copying 190 bytes (a NewOrderSingle) between
 * unaligned offsets: byte loop 181 ns, `set` of a subarray 66 ns, this 55 ns (one run of
 * 2,000,000 copies each, in one process).
 *
 * The words are moved as Int32, never as Float64: a double whose bits are a NaN may be
 * canonicalized on its way through a register, which would change the bytes. Both sides
 * use the same byte order, so the copy does not depend on the platform's.
 *
 * The source's DataView is made when the source changes (a session writes from two or three
 * buffers of its own, so that is rare), not per copy.
 */
export class ByteCopier {
  private readonly into: DataView;
  private source: Uint8Array | null = null;
  private sourceView: DataView | null = null;

  constructor(private readonly dst: Uint8Array) {
    this.into = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  }

  /** Copy `src[from, to)` into the buffer at `at` (the caller checked the room); the position after it. An empty or reversed range copies nothing and returns `at`. */
  copy(at: number, src: Uint8Array, from: number, to: number): number {
    if (!(to > from)) return at; // a negative length must not move the caller's position back
    let view = this.sourceView;
    if (src !== this.source || view === null) {
      this.source = src;
      view = this.sourceView = new DataView(src.buffer, src.byteOffset, src.byteLength);
    }
    const n = to - from;
    const into = this.into;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      into.setInt32(at + i, view.getInt32(from + i, true), true);
      into.setInt32(at + i + 4, view.getInt32(from + i + 4, true), true);
    }
    const dst = this.dst;
    for (; i < n; i++) dst[at + i] = src[from + i];
    return at + n;
  }
}
