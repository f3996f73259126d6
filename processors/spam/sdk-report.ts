/**
 * How counts of records dropped because of an AUTO mute reach the balancer, so the
 * summary's suppressed count equals, exactly, what was dropped.
 *
 * Two sources:
 *   - the SDKs: a muted call site drops its record after one boolean check and
 *     counts it per template (and function). The compact protocol carries those
 *     counts to the collector (proposed: RecordBatch.muted_counts, see below); the
 *     receiver turns each entry into one *report record* in the batch it emits;
 *   - the collector: records of a muted key that still arrive are dropped by the
 *     spam processor itself.
 * Another component can also report drops directly: SpamProcessor.noteDropped().
 *
 * Report record (in-band, so a report follows the same pipeline — and the same
 * accept/retry — as the records of its stream, and reaches the spam processor of
 * every pipeline the receiver feeds):
 *   eventName  'logfun.sdk.muted'
 *   resource   the SDK's resource (service.name is the key's service)
 *   body       empty; templateId 0n (so no stage mistakes it for a templated record)
 *   attributes logfun.muted.count        int  records dropped (> 0)
 *              logfun.muted.template_id  string, decimal uint64 (or int); absent/0 = none
 *              code.function             string; absent = none
 *              logfun.muted.reason       string: 'auto' (an automatic mute), 'off' (a manual
 *                                        OFF rule), 'local' (the application's own mute),
 *                                        'sampled', 'severity'; absent = unspecified
 * The spam processor removes report records from the batch it passes on (they are
 * accounting, not logs) and credits the counts once the next stage accepted the
 * batch (a refused batch is sent again and must not count twice); only reports whose
 * reason is 'auto' or unspecified can belong to its AUTO mutes (a manual OFF's drops
 * are not the balancer's to summarise), and only to a mute of the sender that
 * reports them (its sender scope, collector/pipeline/sender-scope.ts): a report is a
 * client's claim, so it can hold or feed that client's own mute and nothing else;
 * reports no such mute explains are counted and otherwise ignored. The control processor passes report records
 * unjudged. A pipeline with no spam processor stores them like any record (visible,
 * never silent).
 *
 * Wire field (proto/logfun/v1/ingest.proto): RecordBatch.muted_counts = 30, one
 * MutedCount {template_id, function, count, reason} per (template, function, reason);
 * collector/receivers/otlp/logfun-ingest.ts appends one report record per entry.
 *
 * SDK side (sdk/mute-counts.ts): a muted template or scope costs one boolean check
 * and one counter increment on the site's open tally (queued on its 0 -> 1
 * transition); the queue is drained into muted_counts of the next RecordBatch, and a
 * batch with no records but muted_counts goes out after the batch delay when only
 * counts are pending — so a fully muted site still reports within one flush
 * interval. Counts are part of the batch and its sequence: acknowledged, resent and
 * de-duplicated with it, so each drop is reported exactly once.
 */
import type { KeyValue, LogBatch, LogBatchBuilder } from '../../collector/pipeline/batch';

export const SDK_MUTED_EVENT = 'logfun.sdk.muted';
export const MUTED_COUNT_ATTRIBUTE = 'logfun.muted.count';
export const MUTED_TEMPLATE_ID_ATTRIBUTE = 'logfun.muted.template_id';
export const FUNCTION_ATTRIBUTE = 'code.function';
export const MUTED_REASON_ATTRIBUTE = 'logfun.muted.reason';

export interface MutedReport {
  templateId: bigint;
  function: string;
  count: number;
  /** 'auto', 'off', 'local', 'sampled', 'severity'; '' / absent = unspecified. */
  reason?: string;
}

/** Whether a report can belong to an AUTO mute of the balancer (reason 'auto' or unspecified). */
export function isAutoReport(r: MutedReport): boolean {
  return r.reason === undefined || r.reason === '' || r.reason === 'auto' || r.reason === 'unspecified';
}

const UINT64_MAX = (1n << 64n) - 1n;

/** The report in record i of a report record, or undefined when it is malformed. */
export function readMutedReport(batch: LogBatch, i: number): MutedReport | undefined {
  let count = -1;
  let templateId = 0n;
  let fn = '';
  let reason = '';
  for (const kv of batch.attributes[i]) {
    const v = kv.value;
    if (kv.key === MUTED_COUNT_ATTRIBUTE) {
      if (typeof v === 'bigint' && v > 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) count = Number(v);
      else if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) count = v;
      else if (typeof v === 'string' && /^\d{1,15}$/.test(v) && Number(v) > 0) count = Number(v);
      else return undefined;
    } else if (kv.key === MUTED_TEMPLATE_ID_ATTRIBUTE) {
      if (typeof v === 'string' && /^\d{1,20}$/.test(v)) templateId = BigInt(v);
      else if (typeof v === 'bigint') templateId = BigInt.asUintN(64, v);
      else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) templateId = BigInt(v);
      else return undefined;
      if (templateId > UINT64_MAX) return undefined;
    } else if (kv.key === FUNCTION_ATTRIBUTE) {
      if (typeof v !== 'string') return undefined;
      fn = v;
    } else if (kv.key === MUTED_REASON_ATTRIBUTE) {
      if (typeof v !== 'string') return undefined;
      reason = v;
    }
  }
  if (count <= 0 || (templateId === 0n && fn === '')) return undefined;
  return reason === '' ? { templateId, function: fn, count } : { templateId, function: fn, count, reason };
}

/** Appends one report record (for receivers decoding MutedCount entries, and for tests). */
export function appendMutedReport(
  builder: LogBatchBuilder,
  resourceIndex: number,
  scopeIndex: number,
  report: MutedReport,
  timeUnixNano: bigint,
): void {
  const attributes: KeyValue[] = [{ key: MUTED_COUNT_ATTRIBUTE, value: BigInt(report.count) }];
  if (report.templateId !== 0n) attributes.push({ key: MUTED_TEMPLATE_ID_ATTRIBUTE, value: report.templateId.toString() });
  if (report.function !== '') attributes.push({ key: FUNCTION_ATTRIBUTE, value: report.function });
  if (report.reason !== undefined && report.reason !== '' && report.reason !== 'unspecified') attributes.push({ key: MUTED_REASON_ATTRIBUTE, value: report.reason });
  builder.add(resourceIndex, scopeIndex, { timeUnixNano, observedTimeUnixNano: timeUnixNano, eventName: SDK_MUTED_EVENT, attributes }, 64);
}
