/**
 * Which times the collector accepts as they are: one module for every way in
 * (record times: time-guard.ts, applied to every batch a receiver hands on;
 * times read from a Body: the httpstats processor).
 *
 * Record times (Unix nanoseconds): t is acceptable when
 *     0 < t <= MAX_STORABLE_NS   (2106-02-07T06:28:15.999999999Z)
 * - 0 means "unset" in OTLP, not 1970 (the guard handles it, it is not judged here);
 * - MAX_STORABLE_NS is the most every table can hold (collector/storage/time-bounds.ts).
 * Everything in that range is kept exactly as sent, as the OpenTelemetry Collector
 * contrib ClickHouse exporter keeps it (test/e2e/otel-exporters-to-clickhouse.test.ts
 * checks the extremes), including times far in the past (back-fills, replays) or
 * in the future (a wrong clock is the sender's data, and it harms no other record
 * once the table can hold it).
 * An unacceptable time is replaced by the receive time (or the record's own
 * acceptable observed time); the guard keeps the original as an attribute and
 * counts it.
 *
 * Aggregation times (the httpstats processor's intervals, epoch ms) are held
 * tighter: at most MAX_FUTURE_SKEW_MS ahead of the collector's clock, because an
 * interval in the future stays open (in memory) until the clock reaches it.
 */
import { MAX_STORABLE_NS } from '../storage/time-bounds';

export const NS_PER_MS = 1_000_000n;
/** How far ahead of the collector's clock a request may be aggregated (clock skew, time zones done wrong). */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
const MAX_STORABLE_MS_NUMBER = Number(MAX_STORABLE_NS / NS_PER_MS);

/** Why a time was replaced: beyond what the tables hold (or negative), too far ahead (aggregation only), or absent. */
export type TimeReplacementReason = 'out_of_range' | 'future' | 'unset';

/** The collector's clock as a record time, itself held to the storable range (a broken host clock must not poison either). */
export function receiveTimeNs(nowMs: number = Date.now()): bigint {
  const ns = BigInt(Math.max(1, Math.floor(nowMs))) * NS_PER_MS;
  return ns > MAX_STORABLE_NS ? MAX_STORABLE_NS : ns;
}

/** Whether a set record time (t != 0) is acceptable: 0 < t <= MAX_STORABLE_NS. */
export function isAcceptableRecordTime(t: bigint): boolean {
  return t > 0n && t <= MAX_STORABLE_NS;
}

/** The aggregation policy for epoch ms (e.g. an access-log date parsed from a Body): undefined when acceptable; NaN is out of range. */
export function aggregationTimeProblemMs(ms: number, nowMs: number): Exclude<TimeReplacementReason, 'unset'> | undefined {
  if (!(ms > 0) || ms > MAX_STORABLE_MS_NUMBER) return 'out_of_range';
  return ms > nowMs + MAX_FUTURE_SKEW_MS ? 'future' : undefined;
}
