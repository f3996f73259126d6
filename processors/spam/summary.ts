/**
 * Summary records: the balancer keeps what it suppressed visible in the logs
 * themselves. While a key is muted, every summary.interval (and once more after
 * the mute ends), one record in the muted key's service:
 *
 *   body        "1234 records of template "user {} paid {}" suppressed in the last minute"
 *               "1234 records of function Cart.add suppressed in the last 12 seconds"
 *   event name  logfun.spam.summary         scope  logfun.spam
 *   severity    summary.severity_number (WARN by default)
 *   template    a template of its own (TEMPLATE_SUMMARY_TEXT / FUNCTION_SUMMARY_TEXT:
 *               "{} records of template {} suppressed in the last {}"), so storage that
 *               renders Body from the dictionary renders it too; args = [N, T, period]
 *   attributes  logfun.suppressed.count          int  N = sdk_count + collector_count
 *               logfun.suppressed.sdk_count      int  records the SDKs reported dropped
 *               logfun.suppressed.collector_count int records dropped in the collector
 *               logfun.suppressed.kind           'template' | 'function'
 *               logfun.suppressed.template_id    decimal uint64 (template keys)
 *               logfun.suppressed.function       code.function (function keys)
 *               logfun.suppressed.window_start   int, ms since the epoch
 *               logfun.suppressed.window_ms      int, the period covered
 *               logfun.suppressed.muted_since    int, ms since the epoch
 *               logfun.suppressed.final          bool, the mute's last summary
 *               logfun.suppressed.processor      the spam processor's id
 * Summary records are never themselves judged or dropped by the balancer.
 */
import { SESSION_SCOPE_PREFIX, STREAM_SCOPE_PREFIX } from '../../collector/pipeline/sender-scope';
import { LogBatchBuilder, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { templateIdOf } from '../../protocol/template-id';
import { severityTextOf } from '../../protocol/severity';

export const SUMMARY_EVENT = 'logfun.spam.summary';
export const SUMMARY_SCOPE = 'logfun.spam';
export const TEMPLATE_SUMMARY_TEXT = '{} records of template {} suppressed in the last {}';
export const FUNCTION_SUMMARY_TEXT = '{} records of function {} suppressed in the last {}';
export const TEMPLATE_SUMMARY_ID = templateIdOf(TEMPLATE_SUMMARY_TEXT);
export const FUNCTION_SUMMARY_ID = templateIdOf(FUNCTION_SUMMARY_TEXT);

export const SUPPRESSED = {
  count: 'logfun.suppressed.count',
  sdkCount: 'logfun.suppressed.sdk_count',
  collectorCount: 'logfun.suppressed.collector_count',
  kind: 'logfun.suppressed.kind',
  templateId: 'logfun.suppressed.template_id',
  function: 'logfun.suppressed.function',
  windowStart: 'logfun.suppressed.window_start',
  windowMs: 'logfun.suppressed.window_ms',
  mutedSince: 'logfun.suppressed.muted_since',
  final: 'logfun.suppressed.final',
  processor: 'logfun.suppressed.processor',
  /** The sender scope of the muted key (collector/pipeline/sender-scope.ts), when keys are per sender. */
  instance: 'logfun.suppressed.instance',
} as const;

export interface SummaryInput {
  service: string;
  /** The muted key's sender scope ('' / absent = unscoped). */
  instance?: string;
  kind: 'template' | 'function';
  templateId: bigint;
  fn: string;
  /** The muted template's text when the dictionary knows it. */
  templateText?: string;
  sdk: number;
  collector: number;
  fromMs: number;
  toMs: number;
  mutedAtMs: number;
  final: boolean;
  processorId: string;
  severityNumber: number;
}

/** "minute", "5 minutes", "12 seconds", "second". */
export function periodText(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const m = ms / 60_000;
    return m === 1 ? 'minute' : `${m} minutes`;
  }
  const s = Math.max(1, Math.round(ms / 1000));
  return s === 1 ? 'second' : `${s} seconds`;
}

/** The summary's template arguments [N, T, period]. */
export function summaryArgs(s: SummaryInput): string[] {
  const subject = s.kind === 'template' ? (s.templateText !== undefined ? `"${s.templateText}"` : s.templateId.toString()) : s.fn;
  return [String(s.sdk + s.collector), subject, periodText(s.toMs - s.fromMs)];
}

export function summaryBody(s: SummaryInput): string {
  const [n, subject, period] = summaryArgs(s);
  return `${n} records of ${s.kind} ${subject} suppressed in the last ${period}`;
}

/** Builds one batch of summary records (one resource per service and sender scope). */
export class SummaryBatchBuilder {
  private readonly builder = new LogBatchBuilder();
  private readonly resources = new Map<string, number>();
  private scope = -1;
  readonly inputs: SummaryInput[] = [];

  get length(): number {
    return this.builder.batch.length;
  }

  add(s: SummaryInput): void {
    const instance = s.instance ?? '';
    const resourceKey = JSON.stringify([s.service, instance]);
    let r = this.resources.get(resourceKey);
    if (r === undefined) {
      const attributes: KeyValue[] = [{ key: 'service.name', value: s.service }];
      // A scope the collector derived from a stream (no claimed instance id) is not an instance id.
      if (instance !== '' && !instance.startsWith(SESSION_SCOPE_PREFIX) && !instance.startsWith(STREAM_SCOPE_PREFIX)) {
        attributes.push({ key: 'service.instance.id', value: instance });
      }
      r = this.builder.addResource({ attributes, droppedAttributesCount: 0, schemaUrl: '' });
      this.resources.set(resourceKey, r);
    }
    if (this.scope < 0) this.scope = this.builder.addScope({ name: SUMMARY_SCOPE, version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const attributes: KeyValue[] = [
      { key: SUPPRESSED.count, value: BigInt(s.sdk + s.collector) },
      { key: SUPPRESSED.sdkCount, value: BigInt(s.sdk) },
      { key: SUPPRESSED.collectorCount, value: BigInt(s.collector) },
      { key: SUPPRESSED.kind, value: s.kind },
      s.kind === 'template' ? { key: SUPPRESSED.templateId, value: s.templateId.toString() } : { key: SUPPRESSED.function, value: s.fn },
      { key: SUPPRESSED.windowStart, value: BigInt(Math.floor(s.fromMs)) },
      { key: SUPPRESSED.windowMs, value: BigInt(Math.max(0, Math.round(s.toMs - s.fromMs))) },
      { key: SUPPRESSED.mutedSince, value: BigInt(Math.floor(s.mutedAtMs)) },
      { key: SUPPRESSED.final, value: s.final },
      { key: SUPPRESSED.processor, value: s.processorId },
    ];
    if (instance !== '') attributes.push({ key: SUPPRESSED.instance, value: instance });
    const ns = BigInt(Math.floor(s.toMs)) * 1_000_000n;
    const args = summaryArgs(s);
    this.builder.add(
      r,
      this.scope,
      {
        timeUnixNano: ns,
        observedTimeUnixNano: ns,
        severityNumber: s.severityNumber,
        severityText: severityTextOf(s.severityNumber),
        body: summaryBody(s),
        attributes,
        eventName: SUMMARY_EVENT,
        templateId: s.kind === 'template' ? TEMPLATE_SUMMARY_ID : FUNCTION_SUMMARY_ID,
        templateArgs: args,
      },
      200,
    );
    this.inputs.push(s);
  }

  get batch(): LogBatch {
    return this.builder.batch;
  }
}
