/**
 * A writer for ClickHouse's Native format, the engine's own columnar block
 * layout (what `SELECT ... FORMAT Native` prints and `INSERT ... FORMAT Native`
 * takes; the same on 18.16 and on 26.x over HTTP, and through chDB's file()).
 *
 * A block is: varint column count, varint row count, then per column its name,
 * its type (both as strings) and its data, with no per-row framing:
 *   - fixed-width numbers (UInt8/UInt32/UInt64/Int64, DateTime = UInt32 seconds,
 *     DateTime64(p) = Int64 ticks): little-endian, one after another;
 *   - String: per row a varint byte length and the UTF-8 bytes;
 *   - Array(T): the cumulative end offset of every row (UInt64), then the
 *     elements of all rows as one column of T;
 *   - Map(K, V): as Array(Tuple(K, V)): offsets, then all keys, then all values.
 * Several blocks may follow one another in one stream.
 *
 * The writer appends to one growable buffer (BinaryWriter), so a block costs a
 * few copies of its size and no object per value.
 */
import { BinaryWriter } from '../bytes/binary-writer';

export class NativeWriter extends BinaryWriter {
  /** When set, the repetitions this writer makes are noted in it (see RepeatedRuns). */
  runs: RepeatedRuns | undefined;

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.view();
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** A UInt64 from its low and high 32-bit halves (each below 2^32), little-endian. */
  uint32Pair(lo: number, hi: number): void {
    this.uint32(lo);
    this.uint32(hi);
  }

  /** n mod 2^32, little-endian (byte stores: writeUInt32LE's range checks showed in profiles). */
  uint32(n: number): void {
    this.reserve(4);
    const buf = this.buf;
    const v = n >>> 0;
    const p = this.pos;
    buf[p] = v & 0xff;
    buf[p + 1] = (v >>> 8) & 0xff;
    buf[p + 2] = (v >>> 16) & 0xff;
    buf[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  /** A UInt64 from a number below 2^53. */
  uint64n(n: number): void {
    // Array offsets, the common case, are below 2^32: no floating-point split.
    if (n <= 0xffff_ffff) {
      this.uint32Pair(n, 0);
      return;
    }
    const lo = n % 0x1_0000_0000;
    this.uint32Pair(lo, (n - lo) / 0x1_0000_0000);
  }

  /** Raw bytes (e.g. a value encoded once and repeated), with no length prefix. */
  raw(b: Uint8Array): void {
    const n = b.length;
    if (n === 0) return;
    this.reserve(n);
    if (n <= SMALL_COPY) {
      // a short value repeated on every row: a loop beats TypedArray#set's call overhead
      const buf = this.buf;
      const at = this.pos;
      for (let k = 0; k < n; k++) buf[at + k] = b[k];
    } else this.buf.set(b, this.pos);
    this.pos += n;
  }

  /**
   * `n` UInt64 values, little-endian: from + step, from + 2 step, ..., from + n step (an
   * Array column's offsets for rows that each add `step` elements). One room check and
   * byte stores for the whole run; values past 2^32 go through uint64n.
   */
  uint64Steps(from: number, step: number, n: number): void {
    if (n <= 0) return;
    this.runs?.note(RunKind.Steps, this.pos, 8 * n, from, step, n);
    if (from + step * n > 0xffff_ffff) {
      for (let k = 1; k <= n; k++) this.uint64n(from + step * k);
      return;
    }
    this.reserve(8 * n);
    const buf = this.buf;
    let p = this.pos;
    let v = from;
    for (let k = 0; k < n; k++) {
      v += step;
      buf[p] = v & 0xff;
      buf[p + 1] = (v >>> 8) & 0xff;
      buf[p + 2] = (v >>> 16) & 0xff;
      buf[p + 3] = v >>> 24;
      buf[p + 4] = 0;
      buf[p + 5] = 0;
      buf[p + 6] = 0;
      buf[p + 7] = 0;
      p += 8;
    }
    this.pos = p;
  }

  /**
   * Bytes written before, `[start, end)` of this writer's output, written again at the end
   * (positions stay valid when the buffer grows: it is copied over whole).
   */
  copyWritten(start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    this.runs?.note(RunKind.Copy, this.pos, n, start, end, 0);
    this.reserve(n);
    this.buf.copyWithin(this.pos, start, end);
    this.pos += n;
  }

  /** `b` written `times` times in a row: once, then doubled by copies within the buffer. */
  repeat(b: Uint8Array, times: number): void {
    const n = b.length;
    if (n === 0 || times <= 0) return;
    this.reserve(n * times);
    this.raw(b);
    this.repeatLast(n, times - 1);
  }

  /** The last `n` bytes written, written `more` times again right after (doubled by copies within the buffer). */
  repeatLast(n: number, more: number): void {
    if (n <= 0 || more <= 0) return;
    this.runs?.note(RunKind.Repeat, this.pos, n * more, n, more, 0);
    this.reserve(n * more);
    const buf = this.buf;
    const start = this.pos - n;
    const total = n * (more + 1);
    let filled = n;
    while (filled < total) {
      const copy = Math.min(filled, total - filled);
      if (copy <= SMALL_COPY) for (let k = 0; k < copy; k++) buf[start + filled + k] = buf[start + k];
      else buf.copyWithin(start + filled, start, start + copy);
      filled += copy;
    }
    this.pos = start + total;
  }

  /** A column header: its name and type. */
  column(name: string, type: string): void {
    this.string(name);
    this.string(type);
  }
}

/** What a noted run wrote: see RepeatedRuns. */
export const enum RunKind {
  /** The `a` bytes before the run, `b` times again (repeatLast(a, b)). */
  Repeat = 1,
  /** `c` UInt64 steps from `a` by `b` (uint64Steps(a, b, c)). */
  Steps = 2,
  /** Bytes [a, b) of the output written again (copyWritten(a, b)). */
  Copy = 3,
}

/**
 * The runs of output a NativeWriter made by repeating itself (repeatLast, uint64Steps,
 * copyWritten) of at least `minBytes` each, in the order written: a Native block's
 * resource and scope columns, shared attribute lists and their offsets are such runs
 * (about half of a compact-stream block's bytes). The write-ahead log stores a block
 * as its other bytes and these runs (queue/native-entry.ts), and makes it again from
 * them with the same writer calls. Positions are the writer's, less `origin` (where
 * the block starts in the writer's output).
 */
export class RepeatedRuns {
  /** Per run: kind, output start, output length, a, b, c (RunKind). */
  readonly fields: number[] = [];

  constructor(
    readonly origin: number,
    readonly minBytes: number,
  ) {}

  get count(): number {
    return this.fields.length / RUN_FIELDS;
  }

  note(kind: RunKind, at: number, length: number, a: number, b: number, c: number): void {
    if (length < this.minBytes) return;
    if (kind === RunKind.Copy) {
      a -= this.origin;
      b -= this.origin;
    }
    this.fields.push(kind, at - this.origin, length, a, b, c);
  }
}

/** Numbers per run in RepeatedRuns.fields. */
export const RUN_FIELDS = 6;

/** Below this many bytes raw() copies in a loop. */
const SMALL_COPY = 32;

/** The bytes of one String value (length prefix included), for values repeated on many rows. */
export function encodedString(s: string): Buffer {
  const w = new NativeWriter(16 + s.length * 3);
  w.string(s);
  return w.copyOut();
}
