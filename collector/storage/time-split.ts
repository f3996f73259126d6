/**
 * A timestamp in nanoseconds split into whole seconds and the nanoseconds left, for the
 * DateTime and TimestampNanos columns of a Native block, without bigint arithmetic:
 * `ts % 10^9` allocated a bigint per row, a tenth of what the write-ahead log's
 * encoding allocated. Batches hold times as unsigned 64-bit values
 * (collector/pipeline/time-column.ts), read here as their two 32-bit halves.
 */

/** The result, one object reused by every call (read it before the next call). */
const split = { seconds: 0, nanos: 0 };

/**
 * high * 2^32 + low nanoseconds (0 <= high, low < 2^32) as whole seconds and nanoseconds,
 * exactly: long division by 10^9 of the high half, then of each 16-bit piece of the low
 * half (every intermediate is below 2^47, so the double arithmetic is exact). Returns a
 * shared object.
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
