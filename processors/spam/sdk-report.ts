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
 * The spam processor removes report records from the batch it passes on (they are
 * accounting, not logs) and credits the counts once the next stage accepted the
 * batch (a refused batch is sent again and must not count twice). A pipeline with
 * no spam processor stores them like any record (visible, never silent).
 *
 * Proposed wire field (proto/logfun/v1/ingest.proto, for the stream owner):
 *
 *   // Records a control rule muted in the SDK since the previous batch, per call
 *   // site identity. Not included in dropped_since_last (muting is intended).
 *   message MutedCount {
 *     fixed64 template_id = 1;  // the muted template's global id; 0 when the record
 *                               // was dropped before its template was resolved
 *                               // (a muted function scope)
 *     string function = 2;      // code.function of the site or scope ('' = unknown)
 *     uint64 count = 3;
 *   }
 *   message RecordBatch { ... repeated MutedCount muted_counts = 28; }
 *
 * SDK side (sdk/templates.ts Template.muted, sdk/traced.ts FunctionScope.muted):
 * on a muted template or scope, instead of only pipeline.noteMuted(), increment a
 * per-Template / per-FunctionScope counter (a number property: one increment, no
 * lookup; the object is queued once on its 0 -> 1 transition), drain the queue into
 * muted_counts of the next RecordBatch, and send a batch with no records but
 * muted_counts at the normal flush interval when only counts are pending — so a
 * fully muted site still reports within one flush interval. Counts are part of the
 * batch and its sequence: acknowledged, resent and de-duplicated with it, so each
 * drop is reported exactly once.
 */
import type { KeyValue, LogBatch, LogBatchBuilder } from '../../collector/pipeline/batch';

export const SDK_MUTED_EVENT = 'logfun.sdk.muted';
export const MUTED_COUNT_ATTRIBUTE = 'logfun.muted.count';
export const MUTED_TEMPLATE_ID_ATTRIBUTE = 'logfun.muted.template_id';
export const FUNCTION_ATTRIBUTE = 'code.function';

export interface MutedReport {
  templateId: bigint;
  function: string;
  count: number;
}

const UINT64_MAX = (1n << 64n) - 1n;

/** The report in record i of a report record, or undefined when it is malformed. */
export function readMutedReport(batch: LogBatch, i: number): MutedReport | undefined {
  let count = -1;
  let templateId = 0n;
  let fn = '';
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
    }
  }
  if (count <= 0 || (templateId === 0n && fn === '')) return undefined;
  return { templateId, function: fn, count };
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
  builder.add(resourceIndex, scopeIndex, { timeUnixNano, observedTimeUnixNano: timeUnixNano, eventName: SDK_MUTED_EVENT, attributes }, 64);
}
