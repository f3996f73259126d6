/**
 * A batch's timestamp columns (LogBatch.timeUnixNano / observedTimeUnixNano): unsigned
 * 64-bit nanoseconds in a BigUint64Array, so that a batch keeps no bigint object per
 * record (a bigint[] column held one per record and timestamp, all promoted to the old
 * generation with their batch; marking them was a good part of the collector's GC).
 *
 * Indexing a column still reads and writes bigints (a read allocates one, briefly):
 * fine where a record is looked at alone. The hot paths (compact decoder, Native
 * encoder, tail ring, time guard) use the column's 32-bit halves instead (wordsOf,
 * LOW_WORD / HIGH_WORD) and create no bigint at all.
 *
 * A value written to a column is taken modulo 2^64 (BigUint64Array semantics): a
 * negative time becomes its unsigned bits, which is what the time guard reports as
 * the original (BigInt.asUintN(64, t)) before replacing it as out of range.
 */

export type TimeColumn = BigUint64Array<ArrayBuffer>;

/** Indexes of a value's low and high 32-bit halves in a column's words (platform byte order). */
export const [LOW_WORD, HIGH_WORD] = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? [0, 1] : [1, 0];

/** A column of `length` zero timestamps. */
export function timeColumn(length: number): TimeColumn {
  return new BigUint64Array(length);
}

/** The column's values as 32-bit words: value i is words[2i + HIGH_WORD] * 2^32 + words[2i + LOW_WORD]. A view, not a copy. */
export function wordsOf(col: TimeColumn): Uint32Array<ArrayBuffer> {
  return new Uint32Array(col.buffer, col.byteOffset, 2 * col.length);
}

/** A batch's typed column (times, and the numeric columns of LogBatch). */
export type TypedColumn = BigUint64Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;

/** `col` with room for at least `length` values (itself when it has; else a copy of it, at least twice as long). */
export function withRoom<T extends TypedColumn>(col: T, length: number): T {
  if (col.length >= length) return col;
  const grown = new (col.constructor as new (n: number) => T)(Math.max(length, 2 * col.length, 16));
  (grown as { set(src: T): void }).set(col);
  return grown;
}

/** The first `length` values of `col` (itself when that is all of it). */
export function cut<T extends TypedColumn>(col: T, length: number): T {
  return col.length === length ? col : (col.slice(0, length) as T);
}

/** The values of a numeric column at `rows`, in that order (times: pickTimes, which makes no bigint). */
export function pickNumbers<T extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(src: T, rows: ArrayLike<number>): T {
  const out = new (src.constructor as new (n: number) => T)(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]];
  return out;
}

/** The values of `src` at `rows`, in that order. */
export function pickTimes(src: TimeColumn, rows: ArrayLike<number>): TimeColumn {
  const out = new BigUint64Array(rows.length);
  const from = wordsOf(src);
  const to = wordsOf(out);
  for (let j = 0; j < rows.length; j++) {
    to[2 * j] = from[2 * rows[j]];
    to[2 * j + 1] = from[2 * rows[j] + 1];
  }
  return out;
}

/**
 * The words holding record i's stored time (what a table keeps: the time, or the
 * observed time when the time is 0): `times` or `observed`, views by wordsOf.
 */
export function storedWords(times: Uint32Array, observed: Uint32Array, i: number): Uint32Array {
  return times[2 * i] !== 0 || times[2 * i + 1] !== 0 ? times : observed;
}

/** The result of splitNanoWords, one object reused by every call (read it before the next call). */
const split = { seconds: 0, nanos: 0 };

/**
 * high * 2^32 + low nanoseconds (0 <= high, low < 2^32) as whole seconds and nanoseconds,
 * exactly and without a bigint: long division by 10^9 of the high half, then of each
 * 16-bit piece of the low half (every intermediate is below 2^47, so the double
 * arithmetic is exact). Returns a shared object.
 */
export function splitNanoWords(high: number, low: number): { readonly seconds: number; readonly nanos: number } {
  const q1 = Math.floor(high / 1e9);
  const cur2 = (high - q1 * 1e9) * 65536 + (low >>> 16);
  const q2 = Math.floor(cur2 / 1e9);
  const cur3 = (cur2 - q2 * 1e9) * 65536 + (low & 0xffff);
  const q3 = Math.floor(cur3 / 1e9);
  split.seconds = q1 * 4294967296 + q2 * 65536 + q3;
  split.nanos = cur3 - q3 * 1e9;
  return split;
}

/** Value i of `words` in whole milliseconds (floor), exactly. */
export function millisAt(words: Uint32Array, i: number): number {
  const { seconds, nanos } = splitNanoWords(words[2 * i + HIGH_WORD], words[2 * i + LOW_WORD]);
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** The latest stored time (storedWords) of records 0..n-1 of the two columns, found on their words: one bigint in all. 0n when n is 0. */
export function maxStoredTime(times: TimeColumn, observed: TimeColumn, n: number): bigint {
  const t = wordsOf(times);
  const o = wordsOf(observed);
  let high = 0;
  let low = 0;
  for (let i = 0; i < n; i++) {
    const w = storedWords(t, o, i);
    const h = w[2 * i + HIGH_WORD];
    const l = w[2 * i + LOW_WORD];
    if (h > high || (h === high && l > low)) {
      high = h;
      low = l;
    }
  }
  return (BigInt(high) << 32n) | BigInt(low);
}
