/**
 * Applies the record-time policy (time-policy.ts) to every batch a receiver
 * hands to its pipelines. The pipeline graph (collector/service/graph.ts) puts one
 * TimeGuardConsumer between each receiver and its pipelines, so every way in
 * (OTLP gRPC / HTTP, the logfun compact stream, file tails, receivers added
 * later) goes through it before any processor or exporter sees a time.
 *
 * Per record, with `now` = the receive time (acceptable = set and within what
 * the tables hold, see time-policy.ts):
 *   - ObservedTimestamp set but unacceptable: replaced by now;
 *   - Timestamp set but unacceptable: replaced by the ObservedTimestamp when that
 *     is set (after the step above), else by now;
 *   - both unset: ObservedTimestamp = now (what the OpenTelemetry data model asks
 *     of a collector; otherwise the row would be stored at 1970-01-01 and a TTL
 *     would delete it at once).
 * A replaced value is kept as a string attribute (`logfun.original_time_unix_nano`,
 * `logfun.original_observed_time_unix_nano`: exact uint64 decimal), so nothing a
 * client sent is lost, and every replacement is counted in
 *   logfun_receiver_timestamps_replaced_total{receiver, field="time"|"observed",
 *                                             reason="out_of_range"|"unset"}.
 *
 * The batch is changed in place (the guard is the first stage to own it). A
 * record's attribute list may be shared with other records, so it is copied,
 * never appended to. Records with acceptable times (nearly all) cost a few number
 * comparisons of the times' 32-bit halves (no bigint). A batch refused downstream and sent again is guarded (and counted)
 * again.
 */
import type { KeyValue, LogBatch } from './batch';
import { HIGH_WORD, LOW_WORD, wordsOf } from './time-column';
import { templateAttributesNeeded, type LogsConsumer } from './component';
import type { Counter, Metrics } from '../telemetry/metrics';
import { MAX_STORABLE_NS } from '../storage/time-bounds';
import { isAcceptableRecordTime, receiveTimeNs, type TimeReplacementReason } from './time-policy';

export const ORIGINAL_TIME_ATTRIBUTE = 'logfun.original_time_unix_nano';
export const ORIGINAL_OBSERVED_TIME_ATTRIBUTE = 'logfun.original_observed_time_unix_nano';
export const TIMESTAMPS_REPLACED_METRIC = 'logfun_receiver_timestamps_replaced_total';

/** Size estimate added to the batch per attribute the guard adds. */
const ADDED_ATTRIBUTE_BYTES = 64;

export type TimeField = 'time' | 'observed';

/** The reasons a record time is replaced (the guard never uses 'future': see time-policy.ts). */
export type RecordTimeReplacementReason = Exclude<TimeReplacementReason, 'future'>;

/** Replacements made in one batch, by field and reason. */
export type TimeReplacements = Map<`${TimeField}:${RecordTimeReplacementReason}`, number>;

/**
 * Applies the policy to `batch` in place; returns what it replaced (empty when
 * nothing). `nowNs` is the receive time (receiveTimeNs()).
 */
export function guardBatchTimes(batch: LogBatch, nowNs: bigint = receiveTimeNs()): TimeReplacements {
  const replaced: TimeReplacements = new Map();
  const times = batch.timeUnixNano;
  const observed = batch.observedTimeUnixNano;
  const timeWords = wordsOf(times);
  const observedWords = wordsOf(observed);
  const note = (field: TimeField, reason: RecordTimeReplacementReason) => {
    const key = `${field}:${reason}` as const;
    replaced.set(key, (replaced.get(key) ?? 0) + 1);
  };
  for (let i = 0; i < batch.length; i++) {
    // Fast path: both within [0, MAX_STORABLE_NS] and at least one set (on the halves: no bigint).
    const tHigh = timeWords[2 * i + HIGH_WORD];
    const tLow = timeWords[2 * i + LOW_WORD];
    const oHigh = observedWords[2 * i + HIGH_WORD];
    const oLow = observedWords[2 * i + LOW_WORD];
    if (storable(tHigh, tLow) && storable(oHigh, oLow) && (tHigh !== 0 || tLow !== 0 || oHigh !== 0 || oLow !== 0)) continue;
    let t = times[i];
    let o = observed[i];
    let added: KeyValue[] | undefined;
    if (o !== 0n && !isAcceptableRecordTime(o)) {
      (added ??= []).push({ key: ORIGINAL_OBSERVED_TIME_ATTRIBUTE, value: BigInt.asUintN(64, o).toString() });
      o = nowNs;
      note('observed', 'out_of_range');
    }
    if (t !== 0n && !isAcceptableRecordTime(t)) {
      (added ??= []).push({ key: ORIGINAL_TIME_ATTRIBUTE, value: BigInt.asUintN(64, t).toString() });
      t = o !== 0n ? o : nowNs;
      note('time', 'out_of_range');
    }
    if (t === 0n && o === 0n) {
      o = nowNs;
      note('observed', 'unset');
    }
    times[i] = t;
    observed[i] = o;
    if (added) {
      batch.attributes[i] = batch.attributes[i].concat(added);
      batch.byteSize += added.length * ADDED_ATTRIBUTE_BYTES;
    }
  }
  return replaced;
}

const MAX_STORABLE_HIGH = Number(MAX_STORABLE_NS >> 32n);
const MAX_STORABLE_LOW = Number(MAX_STORABLE_NS & 0xffffffffn);

/** high * 2^32 + low <= MAX_STORABLE_NS. */
function storable(high: number, low: number): boolean {
  return high < MAX_STORABLE_HIGH || (high === MAX_STORABLE_HIGH && low <= MAX_STORABLE_LOW);
}

/** The guard as a pipeline stage in front of a receiver's pipelines; counts per receiver. */
export class TimeGuardConsumer implements LogsConsumer {
  private readonly counter: Counter;

  constructor(
    private readonly next: LogsConsumer,
    private readonly receiverId: string,
    metrics: Metrics,
  ) {
    this.counter = metrics.counter(
      TIMESTAMPS_REPLACED_METRIC,
      'Record times replaced by the receive time on the way in (outside what the tables hold, or unset), by receiver, field and reason.',
    );
  }

  /** Reads no template attributes itself: as the consumers after it. */
  templateAttributesNeeded(): boolean {
    return templateAttributesNeeded(this.next);
  }

  consumeLogs(batch: LogBatch): Promise<void> {
    const replaced = guardBatchTimes(batch);
    for (const [key, n] of replaced) {
      const [field, reason] = key.split(':');
      this.counter.inc({ receiver: this.receiverId, field, reason }, n);
    }
    return this.next.consumeLogs(batch);
  }
}
