/**
 * Wall-clock time with sub-millisecond resolution for record timestamps.
 *
 * Date.now() has 1 ms resolution, so records logged in the same millisecond
 * would tie; performance.now() is monotonic with microsecond resolution but
 * drifts from the wall clock (NTP slews, suspend). We use performance.now()
 * plus an offset to the wall clock, and re-anchor the offset (resyncClock,
 * called by the flush path) when the drift exceeds 1 ms.
 */
import { performance } from 'perf_hooks';

let offsetMs = Date.now() - performance.now();

/** Current Unix time in milliseconds, fractional (microsecond resolution). */
export function nowMs(): number {
  return performance.now() + offsetMs;
}

/** Re-anchors to Date.now() when the monotonic clock drifted more than 1 ms from it. */
export function resyncClock(): void {
  const fresh = Date.now() - performance.now();
  if (Math.abs(fresh - offsetMs) > 1) offsetMs = fresh;
}

/** Splits Unix milliseconds into whole seconds and nanoseconds within the second. */
export function splitMs(ms: number, out: { sec: number; nano: number }): void {
  const sec = Math.floor(ms / 1000);
  let nano = Math.round((ms - sec * 1000) * 1e6);
  if (nano > 999_999_999) nano = 999_999_999;
  if (nano < 0) nano = 0;
  out.sec = sec;
  out.nano = nano;
}

/** Unix nanoseconds from seconds + nanoseconds, exact. */
export function toUnixNano(sec: number, nano: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nano);
}
