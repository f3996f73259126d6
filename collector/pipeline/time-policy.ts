/**
 * Which record times the collector accepts as they are: the one policy every way
 * in shares (applied to batches by time-guard.ts, to times read from a Body by
 * the httpstats processor).
 *
 * A time t (Unix nanoseconds) is acceptable when
 *     0 < t <= min(receive time + MAX_FUTURE_SKEW, MAX_STORABLE_NS)
 * - 0 means "unset" in OTLP, not 1970 (handled by the guard, not refused here);
 * - MAX_STORABLE_NS (2106-02-07, see collector/storage/time-bounds.ts) is the most
 *   every table can hold;
 * - more than a day ahead of the collector's clock is no clock skew but a broken
 *   clock or a hostile sender: such a time would sit at the top of every
 *   "latest first" query, keep its partition and a template's LastSeen in the
 *   future, and outlive any TTL.
 * Times in the past are kept (back-fills and replays are legitimate); the tables
 * hold everything from 1970 on.
 *
 * An unacceptable time is replaced by the receive time (the record's own
 * observed time when that one is acceptable); the guard keeps the original as
 * an attribute and counts it.
 */
import { MAX_STORABLE_NS } from '../storage/time-bounds';

export const NS_PER_MS = 1_000_000n;
/** How far ahead of the collector's clock a record time may be (clock skew, time zones done wrong). */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
const MAX_FUTURE_SKEW_NS = BigInt(MAX_FUTURE_SKEW_MS) * NS_PER_MS;

/** Why a time was replaced: beyond what the tables hold (or negative), too far ahead, or absent. */
export type TimeReplacementReason = 'out_of_range' | 'future' | 'unset';

/** The collector's clock as a record time, itself held to the storable range (a broken host clock must not poison either). */
export function receiveTimeNs(nowMs: number = Date.now()): bigint {
  const ns = BigInt(Math.max(1, Math.floor(nowMs))) * NS_PER_MS;
  return ns > MAX_STORABLE_NS ? MAX_STORABLE_NS : ns;
}

/** The latest acceptable time for a record received at `receiveNs`. */
export function latestAcceptableNs(receiveNs: bigint): bigint {
  const limit = receiveNs + MAX_FUTURE_SKEW_NS;
  return limit > MAX_STORABLE_NS ? MAX_STORABLE_NS : limit;
}

/** undefined when `t` is acceptable (0 < t <= latest), else why not. Callers handle 0 (unset) before asking. */
export function timeProblem(t: bigint, latestNs: bigint): Exclude<TimeReplacementReason, 'unset'> | undefined {
  if (t > 0n && t <= latestNs) return undefined;
  return t <= 0n || t > MAX_STORABLE_NS ? 'out_of_range' : 'future';
}

/** The same policy for millisecond times (e.g. an access-log date parsed from a Body); NaN is out of range. */
export function timeProblemMs(ms: number, receiveMs: number): Exclude<TimeReplacementReason, 'unset'> | undefined {
  if (!(ms > 0) || !Number.isFinite(ms)) return 'out_of_range';
  const latest = Number(latestAcceptableNs(receiveTimeNs(receiveMs)) / NS_PER_MS);
  if (ms <= latest) return undefined;
  return ms > Number(MAX_STORABLE_NS / NS_PER_MS) ? 'out_of_range' : 'future';
}
