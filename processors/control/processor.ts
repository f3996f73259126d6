/**
 * The `control` processor: applies the control plane's rules to every record in
 * the pipeline, so they also hold for senders that cannot be told (plain OTLP
 * SDKs, file tails) and for records already in flight when a rule changed.
 *
 * Per record (decision from collector/control/rules.ts, keys: the resource's
 * service.name and service.instance.id, the record's code.function attribute and
 * template id — the TemplateId column, set by the template processor earlier in
 * the pipeline, else the `log.record.template.id` attribute):
 *   - OFF or an automatic mute: dropped (reason `off` / `auto`);
 *   - severity below the rule's floor (and not 0 = unspecified): dropped (`severity`);
 *   - sample rate r < 1: every record adds r to its rule's credit and is kept when
 *     the credit reaches 1 (deterministic: exactly ⌊n·r⌋ or ⌈n·r⌉ of n kept) (`sampled`).
 * Every drop is counted: logfun_control_dropped_records_total{service, reason},
 * and per rule on the control plane (shown by GET /api/v1/rules).
 *
 * Accounting records pass unjudged: SDK muted-count reports (logfun.sdk.muted,
 * processors/spam/sdk-report.ts: they report drops, muting them would hide them)
 * and spam summaries (logfun.spam.summary: the visible trace of what was suppressed).
 *
 * Records of services no rule names pass without looking at their attributes.
 * Without a control plane (service.control disabled) records pass and a warning
 * is logged at start.
 */
import { mustPassEmpty } from '../../collector/queue/batch-ledger';
import { appendRecord, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { templateAttributesNeeded, type CreateSettings, type Host, type LogsConsumer, type Processor } from '../../collector/pipeline/component';
import type { Counter } from '../../collector/telemetry/metrics';
import type { ControlPlane } from '../../collector/control/store';
import { ruleKey, type ControlRule, type Decision, type ServiceRuleSet } from '../../collector/control/rules';
import type { ControlProcessorConfig } from './config';
import { SDK_MUTED_EVENT } from '../spam/sdk-report';
import { SUMMARY_EVENT } from '../spam/summary';

type ControlDropReason = 'off' | 'auto' | 'severity' | 'sampled';

/** Per resource of a batch: its service's rules (null: none), instance, and the decision when it needs no record keys. */
interface ResourceView {
  rules: ServiceRuleSet | null;
  service: string;
  instance: string;
  fixed: Decision | undefined;
  needsFunction: boolean;
  needsTemplate: boolean;
}

const UINT64_MAX = (1n << 64n) - 1n;

export class ControlProcessor implements Processor {
  private plane: ControlPlane | undefined;
  private readonly dropped: Counter;
  /** Sampling credit per rule (by rule key; reset when the rule's version changes). */
  private readonly credit = new Map<string, { version: bigint; credit: number }>();

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: ControlProcessorConfig,
    private readonly next: LogsConsumer,
  ) {
    this.dropped = settings.metrics.counter('logfun_control_dropped_records_total', 'Records the control processor dropped, by service and reason (off, auto, severity, sampled)');
  }

  async start(host: Host): Promise<void> {
    this.plane = host.control;
    if (!this.plane) {
      this.settings.logger.warn('control processor: this collector has no control plane (service.control is disabled or there is no clickhouse exporter); records pass unchanged', {
        processor: this.settings.id,
      });
    }
  }

  async shutdown(): Promise<void> {
    this.plane = undefined;
  }

  /** Reads no template attributes itself: as the consumers after it. */
  templateAttributesNeeded(): boolean {
    return templateAttributesNeeded(this.next);
  }

  consumeLogs(batch: LogBatch): Promise<void> {
    const plane = this.plane;
    if (!plane || batch.length === 0 || plane.index.size === 0) return this.next.consumeLogs(batch);
    const index = plane.index;
    const views: (ResourceView | undefined)[] = new Array(batch.resources.length);
    let keep: Uint8Array | undefined;
    let droppedTotal = 0;
    const counts = new Map<string, { service: string; reason: ControlDropReason; n: number }>();
    const perRule = new Map<ControlRule, number>();

    for (let i = 0; i < batch.length; i++) {
      const ri = batch.resourceIndex[i];
      let view = views[ri];
      if (view === undefined) {
        view = this.viewOf(batch, ri, index.forService(batch.resources[ri]?.serviceName ?? ''));
        views[ri] = view;
      }
      if (view.rules === null) continue;
      const event = batch.eventName[i];
      if (event !== '' && (event === SDK_MUTED_EVENT || event === SUMMARY_EVENT)) continue;
      const d =
        view.fixed ??
        view.rules.decide({
          service: view.service,
          instance: view.instance,
          function: view.needsFunction ? this.functionOf(batch.attributes[i]) : '',
          templateId: view.needsTemplate ? this.templateIdOf(batch, i) : 0n,
        });
      if (d.rule === undefined) continue;
      let reason: ControlDropReason | undefined;
      if (d.drop) reason = d.dropReason ?? 'off';
      else if (d.minSeverity > 0 && batch.severityNumber[i] > 0 && batch.severityNumber[i] < d.minSeverity) reason = 'severity';
      else if (d.sampleRate < 1 && !this.sampleKeeps(d.rule, d.sampleRate)) reason = 'sampled';
      if (reason === undefined) continue;
      if (keep === undefined) keep = new Uint8Array(batch.length).fill(1);
      keep[i] = 0;
      droppedTotal++;
      const ck = `${view.service}\u0000${reason}`;
      const c = counts.get(ck);
      if (c) c.n++;
      else counts.set(ck, { service: view.service, reason, n: 1 });
      perRule.set(d.rule, (perRule.get(d.rule) ?? 0) + 1);
    }

    if (keep === undefined) return this.next.consumeLogs(batch);
    for (const c of counts.values()) this.dropped.inc({ service: c.service, reason: c.reason }, c.n);
    for (const [rule, n] of perRule) plane.countDropped(rule, n);
    // An empty batch still carries the ledger of the stages before (queue/batch-ledger.ts).
    if (droppedTotal === batch.length && !mustPassEmpty()) return Promise.resolve();
    const out = new LogBatchBuilder();
    const rm = new Map<number, number>();
    const sm = new Map<number, number>();
    for (let i = 0; i < batch.length; i++) if (keep[i] === 1) appendRecord(out, batch, i, rm, sm);
    out.batch.byteSize = Math.round((batch.byteSize * out.batch.length) / batch.length);
    return this.next.consumeLogs(out.batch);
  }

  private viewOf(batch: LogBatch, ri: number, rules: ServiceRuleSet | undefined): ResourceView {
    const resource = batch.resources[ri];
    const service = resource?.serviceName ?? '';
    if (rules === undefined) return { rules: null, service, instance: '', fixed: undefined, needsFunction: false, needsTemplate: false };
    // A sender with no instance attribute is known by the scope its receiver gave it (collector/pipeline/sender-scope.ts),
    // which is what the spam balancer's AUTO rules name for it.
    const instance = stringAttribute(resource?.attributes ?? [], this.config.instance_attribute) || (resource?.senderScope ?? '');
    const needsFunction = rules.needsFunction;
    const needsTemplate = rules.needsTemplate;
    const fixed = needsFunction || needsTemplate ? undefined : rules.decide({ service, instance, function: '', templateId: 0n });
    return { rules, service, instance, fixed, needsFunction, needsTemplate };
  }

  private functionOf(attributes: KeyValue[]): string {
    for (const name of this.config.function_attributes) {
      const v = stringAttribute(attributes, name);
      if (v !== '') return v;
    }
    return '';
  }

  private templateIdOf(batch: LogBatch, i: number): bigint {
    const column = batch.templateId[i];
    if (column !== 0n) return BigInt.asUintN(64, column);
    const name = this.config.template_id_attribute;
    if (name === '') return 0n;
    for (const kv of batch.attributes[i]) if (kv.key === name) return templateIdValue(kv.value);
    return 0n;
  }

  private sampleKeeps(rule: ControlRule, rate: number): boolean {
    const key = ruleKey(rule.target, rule.source);
    let s = this.credit.get(key);
    if (s === undefined || s.version !== rule.version) {
      // A fresh rule keeps its first record.
      s = { version: rule.version, credit: 1 };
      if (this.credit.size >= 100_000) this.credit.clear();
      this.credit.set(key, s);
    } else {
      s.credit += rate;
    }
    if (s.credit >= 1) {
      s.credit -= 1;
      return true;
    }
    return false;
  }
}

function stringAttribute(attributes: KeyValue[], name: string): string {
  if (name === '') return '';
  for (const kv of attributes) if (kv.key === name) return typeof kv.value === 'string' ? kv.value : '';
  return '';
}

function templateIdValue(v: AnyValue): bigint {
  try {
    if (typeof v === 'bigint') return BigInt.asUintN(64, v);
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
      const id = BigInt(v);
      return id <= UINT64_MAX ? id : 0n;
    }
  } catch {
    /* not an id */
  }
  return 0n;
}
