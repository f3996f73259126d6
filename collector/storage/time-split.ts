/**
 * A timestamp in nanoseconds split into whole seconds and the nanoseconds left, for the
 * DateTime and TimestampNanos columns of a Native block, without bigint arithmetic:
 * `ts % 10^9` allocated a bigint per row, a tenth of what the write-ahead log's
 * encoding allocated.
 */

const MAX_U64 = (1n << 64n) - 1n;

/** `ts` is in 0..2^64-1: what splitU64Nanos and a BigUint64Array cell hold exactly. */
export function isUint64(ts: bigint): boolean {
  return ts >= 0n && ts <= MAX_U64;
}

/** A timestamp's bits: stored through a BigUint64Array cell, read as two 32-bit halves. */
const cell = new BigUint64Array(1);
const halves = new Uint32Array(cell.buffer);
const [LOW_HALF, HIGH_HALF] = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? [0, 1] : [1, 0];
/** The result, one object reused by every call (read it before the next call). */
const split = { seconds: 0, nanos: 0 };

/**
 * `ts` (0..2^64-1 nanoseconds) as whole seconds and nanoseconds, exactly: long division by
 * 10^9 of the high half, then of each 16-bit piece of the low half (every intermediate is
 * below 2^47, so the double arithmetic is exact). Returns a shared object.
 */
export function splitU64Nanos(ts: bigint): { readonly seconds: number; readonly nanos: number } {
  cell[0] = ts;
  const hi = halves[HIGH_HALF];
  const lo = halves[LOW_HALF];
  const q1 = Math.floor(hi / 1e9);
  const cur2 = (hi - q1 * 1e9) * 65536 + (lo >>> 16);
  const q2 = Math.floor(cur2 / 1e9);
  const cur3 = (cur2 - q2 * 1e9) * 65536 + (lo & 0xffff);
  const q3 = Math.floor(cur3 / 1e9);
  split.seconds = q1 * 4294967296 + q2 * 65536 + q3;
  split.nanos = cur3 - q3 * 1e9;
  return split;
}
