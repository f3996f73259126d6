/**
 * The times our ClickHouse tables can hold, in one place.
 *
 * The narrowest time column we write is `DateTime` (UInt32 seconds since the
 * epoch: 1970-01-01T00:00:00Z .. 2106-02-07T06:28:15Z): http_stats, http_alerts,
 * the legacy (18.16) otel_logs / log_templates / log_suppression, and the full
 * otel_logs' `TimestampTime DateTime DEFAULT toDateTime(Timestamp)` (also its
 * partition and primary key). DateTime64(9) (full otel_logs Timestamp, an Int64 of
 * nanoseconds, up to 2262-04-11) and DateTime64(3) (log_templates,
 * log_suppression: up to 2299) hold more, but a Timestamp past 2106 would break
 * TimestampTime, so every table is held to the DateTime range.
 *
 * Contract: a value written to any time column is within [0, MAX_STORABLE_*].
 * The pipeline replaces record times outside a narrower window on the way in
 * (collector/pipeline/time-policy.ts, counted); the stores clamp with the helpers
 * below as the last line of defence, so a value that slipped past (a time parsed
 * from a Body, a broken clock) can never make an INSERT fail.
 */

/** Last second a DateTime column holds (2106-02-07T06:28:15Z). */
export const MAX_STORABLE_SECONDS = 4_294_967_295;
export const MAX_STORABLE_MS = MAX_STORABLE_SECONDS * 1000 + 999;
/** Last nanosecond of MAX_STORABLE_SECONDS. */
export const MAX_STORABLE_NS = BigInt(MAX_STORABLE_SECONDS) * 1_000_000_000n + 999_999_999n;

/** Epoch milliseconds clamped to what every table holds: NaN and negatives become 0, whole ms. */
export function storableMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return ms >= MAX_STORABLE_MS ? MAX_STORABLE_MS : Math.floor(ms);
}

/** Epoch seconds (whole) of `ms`, clamped to the DateTime range. */
export function storableSeconds(ms: number): number {
  return Math.floor(storableMs(ms) / 1000);
}
