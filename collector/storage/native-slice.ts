/**
 * Reads the layout of a Native block (native-block.ts) far enough to cut it by
 * rows: a block kept as bytes (the write-ahead log holds insert-ready blocks)
 * can then be split without the records it was encoded from, to isolate a row
 * the server rejects.
 *
 * Only the column types LogsNativeEncoder writes are understood: fixed-width
 * UInt8/UInt16/UInt32/UInt64/Int8..Int64, DateTime(...), DateTime64(...),
 * String, Array(String) and Map(String, String). Anything else, or a block whose
 * bytes do not add up, throws: the caller treats the block as one unit then.
 *
 * Also here, for blocks kept as bytes: adding a UInt64 column at the end (the
 * InsertIds, filled per insert) and reading a block's time range.
 */
import { readUint64LE } from '../bytes/binary-writer';
import { NativeWriter } from './native-block';

/** One column's place in a block: where its data starts and how to walk it. */
interface ColumnLayout {
  name: string;
  type: string;
  /** Offset of the column's data (after its name and type). */
  dataStart: number;
  /** Offset just after the column's data. */
  dataEnd: number;
}

export interface NativeBlockLayout {
  rows: number;
  columns: ColumnLayout[];
}

const FIXED_WIDTH: Record<string, number> = { UInt8: 1, Int8: 1, UInt16: 2, Int16: 2, UInt32: 4, Int32: 4, UInt64: 8, Int64: 8 };

function widthOf(type: string): number | undefined {
  const fixed = FIXED_WIDTH[type];
  if (fixed !== undefined) return fixed;
  if (/^DateTime(\('[^']*'\))?$/.test(type)) return 4;
  if (/^DateTime64\(\d(, *'[^']*')?\)$/.test(type)) return 8;
  return undefined;
}

/** Reads varints, strings and skips through Native bytes (also the log entry that wraps a block, queue/native-entry.ts); throws on truncation. */
export class NativeCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('Native block truncated');
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new Error('Native block: varint too long');
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new Error('Native block truncated');
    this.pos += n;
  }

  string(): string {
    const n = this.varint();
    const start = this.pos;
    this.skip(n);
    return this.buf.toString('utf8', start, start + n);
  }

  /** Skips `count` String values. */
  skipStrings(count: number): void {
    for (let i = 0; i < count; i++) this.skip(this.varint());
  }

  u64(): number {
    this.skip(8);
    return Number(readUint64LE(this.buf, this.pos - 8));
  }
}

/** Elements in a column of arrays/maps of `rows` rows: the last cumulative offset. */
function lastOffset(c: NativeCursor, rows: number): number {
  if (rows === 0) return 0;
  c.skip(8 * (rows - 1));
  return c.u64();
}

/** Walks a block's header and column data; throws on a type it does not know or bytes that do not add up. */
export function nativeBlockLayout(block: Buffer): NativeBlockLayout {
  const c = new NativeCursor(block, 0);
  const count = c.varint();
  const rows = c.varint();
  const columns: ColumnLayout[] = [];
  for (let k = 0; k < count; k++) {
    const name = c.string();
    const type = c.string();
    const dataStart = c.pos;
    const width = widthOf(type);
    if (width !== undefined) c.skip(width * rows);
    else if (type === 'String') c.skipStrings(rows);
    else if (type === 'Array(String)') c.skipStrings(lastOffset(c, rows));
    else if (type === 'Map(String, String)') c.skipStrings(2 * lastOffset(c, rows));
    else throw new Error(`Native block: column ${name} has type ${type}, which cannot be cut by rows`);
    columns.push({ name, type, dataStart, dataEnd: c.pos });
  }
  if (c.pos !== block.length) throw new Error(`Native block: ${block.length - c.pos} bytes after the last column`);
  return { rows, columns };
}

/** Rows [from, to) of a block, as a block of its own with the same columns. */
export function sliceNativeBlock(block: Buffer, from: number, to: number, layout: NativeBlockLayout = nativeBlockLayout(block)): Buffer {
  if (from === 0 && to === layout.rows) return block;
  return selectNativeRows(block, [[from, to]], layout);
}

/** A run of rows [from, to) of a block. */
export type RowRun = readonly [from: number, to: number];

/**
 * The rows of the given runs (ascending, not overlapping) as one block with the same
 * columns: the rows a retry still has to send when some of a block's rows are stored.
 */
export function selectNativeRows(block: Buffer, runs: readonly RowRun[], layout: NativeBlockLayout = nativeBlockLayout(block)): Buffer {
  const { rows, columns } = layout;
  let selected = 0;
  let prev = 0;
  for (const [from, to] of runs) {
    if (!(from >= prev && from <= to && to <= rows)) throw new RangeError(`rows ${from}..${to} of a block of ${rows}`);
    selected += to - from;
    prev = to;
  }
  const w = new NativeWriter(Math.max(1024, Math.ceil((block.length * selected) / Math.max(1, rows)) + 256));
  w.varint(columns.length);
  w.varint(selected);
  for (const col of columns) {
    w.column(col.name, col.type);
    const c = new NativeCursor(block, col.dataStart);
    const width = widthOf(col.type);
    if (width !== undefined) {
      for (const [from, to] of runs) w.raw(block.subarray(col.dataStart + width * from, col.dataStart + width * to));
    } else if (col.type === 'String') {
      copyStringRuns(c, w, runs);
    } else {
      // Array(String) / Map(String, String): cumulative offsets, then one (or two: keys, values) element columns.
      const offsetsAt = col.dataStart;
      const offsetAt = (row: number): number => (row === 0 ? 0 : Number(readUint64LE(block, offsetsAt + 8 * (row - 1))));
      let end = 0;
      const elementRuns: RowRun[] = [];
      for (const [from, to] of runs) {
        const first = offsetAt(from);
        for (let r = from + 1; r <= to; r++) w.uint64n(end + offsetAt(r) - first);
        end += offsetAt(to) - first;
        elementRuns.push([first, offsetAt(to)]);
      }
      const total = rows === 0 ? 0 : offsetAt(rows);
      const parts = col.type === 'Array(String)' ? 1 : 2;
      c.pos = offsetsAt + 8 * rows;
      for (let p = 0; p < parts; p++) c.skipStrings(total - copyStringRuns(c, w, elementRuns));
    }
  }
  return w.copyOut();
}

/**
 * Copies the String values of `runs` (ascending) from a column that starts at the cursor;
 * returns the index of the value the cursor is left at (the end of the last run).
 */
function copyStringRuns(c: NativeCursor, w: NativeWriter, runs: readonly RowRun[]): number {
  let at = 0;
  for (const [from, to] of runs) {
    c.skipStrings(from - at);
    const start = c.pos;
    c.skipStrings(to - from);
    w.raw(c.buf.subarray(start, c.pos));
    at = to;
  }
  return at;
}

/**
 * `block` with one more column at the end, `name` of type UInt64 holding
 * `base + offsets[first + row]` (mod 2^64) for each row (the InsertIds of a block kept
 * without them; offsets are below 2^32): the column count goes up by one and the new
 * column follows the last one. Returned as pieces to send one after another: a new
 * head, a view of `block`'s columns (not copied: an insert body is the size of the
 * block, and a copy of it per insert was a third of the collector's buffer allocation),
 * and the new column.
 */
export function withUInt64Column(block: Buffer, name: string, base: bigint, offsets: ArrayLike<number>, first = 0): Buffer[] {
  const c = new NativeCursor(block, 0);
  const count = c.varint();
  const rows = c.varint();
  const head = new NativeWriter(24);
  head.varint(count + 1);
  head.varint(rows);
  const column = new NativeWriter(2 * name.length + 16 + 8 * rows);
  column.column(name, 'UInt64');
  // base + offset in two 32-bit halves: no bigint per row
  const b = BigInt.asUintN(64, base);
  const lo = Number(b & 0xffffffffn);
  const hi = Number(b >> 32n);
  for (let r = 0; r < rows; r++) {
    const sum = lo + offsets[first + r];
    if (sum < TWO_32) column.uint32Pair(sum, hi);
    else column.uint32Pair(sum - TWO_32, hi + 1 === TWO_32 ? 0 : hi + 1);
  }
  return [head.view(), block.subarray(c.pos), column.view()];
}

/** withUInt64Column's pieces written one after another into `w`. */
export function writeWithUInt64Column(w: NativeWriter, block: Buffer, name: string, base: bigint, offsets: ArrayLike<number>, first = 0): void {
  for (const piece of withUInt64Column(block, name, base, offsets, first)) w.raw(piece);
}

const TWO_32 = 2 ** 32;

/**
 * The earliest and latest value of a block's time column `name` (DateTime: seconds;
 * DateTime64(p): ticks of 10^-p s), in nanoseconds since the epoch; undefined for a block
 * of no rows. Throws when the block has no such column of those types.
 */
export function nativeTimeRange(block: Buffer, name: string, layout: NativeBlockLayout = nativeBlockLayout(block)): { min: bigint; max: bigint } | undefined {
  const col = layout.columns.find((c) => c.name === name);
  if (!col) throw new Error(`Native block: no column ${name}`);
  let toNanos: (at: number) => bigint;
  const dt64 = /^DateTime64\((\d)/.exec(col.type);
  if (dt64) {
    const scale = 10n ** BigInt(9 - Number(dt64[1]));
    toNanos = (at) => block.readBigInt64LE(at) * scale;
  } else if (widthOf(col.type) === 4 && col.type.startsWith('DateTime')) {
    toNanos = (at) => BigInt(block.readUInt32LE(at)) * 1_000_000_000n;
  } else throw new Error(`Native block: column ${name} has type ${col.type}, not a time`);
  const width = widthOf(col.type)!;
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (let at = col.dataStart; at < col.dataEnd; at += width) {
    const v = toNanos(at);
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  return min === undefined ? undefined : { min, max: max! };
}

/**
 * The block with only the columns `keep` accepts (same rows, same order; a column named
 * in `rename` is kept, under its new name, when `keep` accepts the new name), or the
 * block itself when nothing changes. For a block kept across a change of the table: a
 * column the table no longer has would fail every insert of it.
 */
export function projectNativeBlock(
  block: Buffer,
  keep: (name: string) => boolean,
  rename: ReadonlyMap<string, string> = new Map(),
  layout: NativeBlockLayout = nativeBlockLayout(block),
): { block: Buffer; columns: string[] } {
  const kept = layout.columns.filter((c) => keep(rename.get(c.name) ?? c.name));
  const names = kept.map((c) => rename.get(c.name) ?? c.name);
  if (kept.length === layout.columns.length && kept.every((c, k) => c.name === names[k])) return { block, columns: names };
  const w = new NativeWriter(block.length + 64);
  w.varint(kept.length);
  w.varint(layout.rows);
  kept.forEach((col, k) => {
    w.column(names[k], col.type);
    w.raw(block.subarray(col.dataStart, col.dataEnd));
  });
  return { block: w.copyOut(), columns: names };
}
