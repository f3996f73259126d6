/**
 * The overview's balancer panel: the spam processors of this collector (found
 * among the host's components) with their active strategy, the drops of the
 * whole collector by where and why they happened (from the metrics registry),
 * and the active AUTO suppressions (the spam processors' mutes, plus AUTO rules
 * of the control plane that another collector's balancer set).
 *
 * The console only calls the spam processor's existing runtime API
 * (`strategy`, `setStrategy()`, `activeMutes()`); it never reaches inside it.
 */
import type { Component } from '../pipeline/component';
import type { Metrics } from '../telemetry/metrics';
import type { ControlRule } from '../control/rules';
import type { TemplateDictionary } from '../templates/dictionary';

/** What the console needs of a spam processor (processors/spam/processor.ts SpamProcessor). */
export interface SpamProcessorView {
  readonly strategy: string;
  setStrategy(strategy: string): void;
  activeMutes(): {
    target: { service: string; templateId?: bigint; function?: string };
    kind: 'template' | 'function';
    sinceMs: number;
    untilMs: number;
    reason: string;
    sdkDropped: number;
    collectorDropped: number;
    pushed: boolean;
  }[];
}

/** The strategies the balancer knows (processors/spam/config.ts SPAM_STRATEGIES); the processor validates again. */
export const BALANCER_STRATEGIES = ['both', 'zscore', 'entropy', 'off'] as const;

function isSpamProcessor(c: Component): c is Component & SpamProcessorView {
  const x = c as unknown as Record<string, unknown>;
  return typeof x.setStrategy === 'function' && typeof x.activeMutes === 'function' && typeof x.strategy === 'string';
}

/** Spam processors by component id ("processor:spam@logs"), in graph order. */
export function findSpamProcessors(components: ReadonlyMap<string, Component> | undefined): [string, SpamProcessorView][] {
  const out: [string, SpamProcessorView][] = [];
  for (const [id, c] of components ?? []) if (isSpamProcessor(c)) out.push([id, c]);
  return out;
}

export interface BalancerInfo {
  id: string;
  strategy: string;
}

export function balancerInfo(components: ReadonlyMap<string, Component> | undefined): { processors: BalancerInfo[]; strategies: readonly string[] } {
  return { processors: findSpamProcessors(components).map(([id, p]) => ({ id, strategy: p.strategy })), strategies: BALANCER_STRATEGIES };
}

/** The counters that count records lost or held back, with what each means. */
const DROP_METRICS: Record<string, string> = {
  logfun_receiver_refused_records_total: 'refused by a receiver',
  logfun_exporter_dropped_records_total: 'dropped by an exporter',
  logfun_exporter_failed_records_total: 'failed in an exporter',
  logfun_control_dropped_records_total: 'dropped by control rules',
  logfun_spam_dropped_records_total: 'dropped by the balancer (AUTO mute)',
  logfun_ingest_sdk_dropped_records_total: 'dropped in SDKs (reported)',
};

export interface DropCount {
  metric: string;
  what: string;
  /** The counter's reason label ('' when it has none). */
  reason: string;
  /** The counter's service label ('' when it has none). */
  service: string;
  /** The component that counted (receiver / exporter / processor label). */
  component: string;
  value: number;
}

/** Unescapes a Prometheus label value (\\ \" \n). */
function unescapeLabel(v: string): string {
  return v.replace(/\\(\\|"|n)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** Every label set of the drop counters: the registry's series() where it has one, else its exposition text. */
function dropSeries(metrics: Metrics): { name: string; labels: Record<string, string>; value: number }[] {
  const withSeries = metrics as unknown as { series?: (name: string) => { labels: Record<string, string>; value: number }[] };
  if (typeof withSeries.series === 'function') {
    return Object.keys(DROP_METRICS).flatMap((name) => withSeries.series!.call(metrics, name).map((x) => ({ name, labels: x.labels, value: x.value })));
  }
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const l of metrics.render().split('\n')) {
    const m = line.exec(l);
    if (!m || !(m[1] in DROP_METRICS)) continue;
    const labels: Record<string, string> = {};
    for (const x of (m[2] ?? '').matchAll(label)) labels[x[1]] = unescapeLabel(x[2]);
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** Drops by reason, largest first; zero counts are left out. */
export function dropsByReason(metrics: Metrics): DropCount[] {
  const out: DropCount[] = [];
  for (const { name, labels, value } of dropSeries(metrics)) {
    if (!(value > 0)) continue;
    out.push({
      metric: name,
      what: DROP_METRICS[name],
      reason: labels.reason ?? '',
      service: labels.service ?? '',
      component: labels.receiver ?? labels.exporter ?? labels.processor ?? '',
      value,
    });
  }
  return out.sort((a, b) => b.value - a.value || a.metric.localeCompare(b.metric));
}

export interface SuppressionView {
  service: string;
  kind: 'template' | 'function' | 'service';
  templateId: string;
  /** The template's text when this collector's dictionary knows it ('' otherwise). */
  templateText: string;
  function: string;
  sinceMs: number;
  untilMs: number | null;
  reason: string;
  /** Suppressed so far (SDK reports + collector drops), when this collector's balancer holds the mute. */
  suppressed: number | null;
  /** 'balancer' = a spam processor of this collector; 'control' = an AUTO rule of the control plane only. */
  source: 'balancer' | 'control';
  /** AUTO rule state: 'off' = muted, 'on' = throttled to sampleRate. */
  state: string;
  sampleRate: number;
}

function targetKey(service: string, templateId: string, fn: string): string {
  return `${service}\u0000${templateId}\u0000${fn}`;
}

/** Active AUTO suppressions: every spam processor's mutes, then AUTO rules no local balancer accounts for. */
export function activeSuppressions(
  components: ReadonlyMap<string, Component> | undefined,
  rules: readonly ControlRule[],
  templates?: TemplateDictionary,
  now = Date.now(),
): SuppressionView[] {
  const textOf = (service: string, id: string) => (id ? (templates?.get(service, BigInt(id))?.text ?? '') : '');
  const out: SuppressionView[] = [];
  const seen = new Set<string>();
  for (const [, p] of findSpamProcessors(components)) {
    for (const m of p.activeMutes()) {
      const templateId = m.target.templateId !== undefined ? m.target.templateId.toString() : '';
      const fn = m.target.function ?? '';
      seen.add(targetKey(m.target.service, templateId, fn));
      out.push({
        service: m.target.service,
        kind: m.kind,
        templateId,
        templateText: textOf(m.target.service, templateId),
        function: fn,
        sinceMs: m.sinceMs,
        untilMs: m.untilMs,
        reason: m.reason,
        suppressed: m.sdkDropped + m.collectorDropped,
        source: 'balancer',
        state: 'off',
        sampleRate: 0,
      });
    }
  }
  for (const r of rules) {
    if (r.source !== 'auto' || (r.expiresAt > 0 && r.expiresAt <= now)) continue;
    const t = r.target;
    const templateId = t.templateId !== 0n ? t.templateId.toString() : '';
    if (seen.has(targetKey(t.service, templateId, t.function))) continue;
    out.push({
      service: t.service,
      kind: templateId ? 'template' : t.function ? 'function' : 'service',
      templateId,
      templateText: textOf(t.service, templateId),
      function: t.function,
      sinceMs: r.updatedAt,
      untilMs: r.expiresAt > 0 ? r.expiresAt : null,
      reason: r.reason,
      suppressed: null,
      source: 'control',
      state: r.state,
      sampleRate: r.sampleRate,
    });
  }
  return out.sort((a, b) => b.sinceMs - a.sinceMs || a.service.localeCompare(b.service));
}
