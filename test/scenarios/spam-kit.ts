/**
 * Scenario kit for the spam balancer: deterministic, simulated time.
 *
 * Real: the SpamProcessor (with its balancer, detectors and summaries) and the
 * RecordingConsumer downstream. Simulated, because they run in simulated time or do
 * not exist yet:
 *   - SimulatedSdk: one SDK process of a service, modelled on sdk/pipeline.ts —
 *     records are buffered and sent as a batch when 512 are pending or the oldest
 *     waited batch_delay (1 s, the SDK default); a muted site drops its record and
 *     counts it per (template id, function), and the counts travel in the next batch
 *     as report records (sdk-report.ts, the proposed RecordBatch.muted_counts);
 *     a batch with only counts is sent after batch_delay.
 *   - ScenarioControlPlane: an AutoMuteSink with the control plane's semantics
 *     (collector/control/rules.ts): manual ON/OFF win over AUTO; every change
 *     pushes the SDK's full mute set after `pushLatencyMs` (the stream push).
 *   - the durable queue downstream (the clickhouse exporter's write-ahead log): the
 *     drop-ledger deltas (collector/queue/batch-ledger.ts) of every batch the
 *     RecordingConsumer accepted are summed, and a restart restores the totals, as
 *     a reopened log does.
 * Records are generated at exact simulated times from seeded PRNGs, so every run
 * is the same.
 */
import { LogBatchBuilder, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { templateIdOf } from '../../protocol/template-id';
import { spamProcessorFactory, type SpamProcessorConfig } from '../../processors/spam/factory';
import { SpamProcessor } from '../../processors/spam/processor';
import type { AutoMuteSink, ManualMode, MuteTarget, PeerMute } from '../../processors/spam/control-sink';
import { appendMutedReport, type MutedReport } from '../../processors/spam/sdk-report';
import { SUMMARY_EVENT, SUPPRESSED } from '../../processors/spam/summary';
import type { SuppressionRow } from '../../collector/storage/suppression-store';
import { RecordingConsumer, attributeMap, type RecordView } from '../kit/recording-consumer';
import { currentLedger, restoreLedger } from '../../collector/queue/batch-ledger';
import { prng } from '../kit/prng';

/** Deterministic PRNG (mulberry32). */
export { prng };

export interface Site {
  service: string;
  text: string;
  fn: string;
  id: bigint;
}

export function site(service: string, text: string, fn: string): Site {
  return { service, text, fn, id: templateIdOf(text) };
}

export function targetKey(t: MuteTarget): string {
  return t.templateId !== undefined ? `${t.service}/template/${t.templateId}` : `${t.service}/function/${t.function}`;
}

/** A rule's identity: its target and the instance it names. */
function ruleKey(t: MuteTarget): string {
  return t.instance === undefined ? targetKey(t) : `${targetKey(t)}@${t.instance}`;
}

export function siteTemplateKey(s: Site): string {
  return targetKey({ service: s.service, templateId: s.id });
}

export function siteFunctionKey(s: Site): string {
  return targetKey({ service: s.service, function: s.fn });
}

interface PendingRecord {
  timeMs: number;
  site: Site;
  args: string[];
}

export class SimulatedSdk {
  private pending: PendingRecord[] = [];
  private readonly mutedCounts = new Map<string, MutedReport>();
  private lastSendMs: number;
  private mutedTemplates = new Set<bigint>();
  private mutedFunctions = new Set<string>();
  /** Per template key: records the application logged. */
  readonly logged = new Map<string, number>();
  /** Per template key: records dropped because their site was muted. */
  readonly droppedBySite = new Map<string, number>();
  /** Records dropped per (template id | function) as reported. */
  reportedDrops = 0;

  constructor(
    readonly service: string,
    startMs: number,
    private readonly maxBatch = 512,
    private readonly delayMs = 1000,
    /** false: a plain OTLP sender, which control rules cannot reach (it never mutes). */
    readonly obeysControl = true,
    /** Its service.instance.id (a plain OTLP sender names none). */
    readonly instance = `${service}-sim`,
  ) {
    this.lastSendMs = startMs;
  }

  isMuted(s: Site): boolean {
    return this.mutedTemplates.has(s.id) || this.mutedFunctions.has(s.fn);
  }

  log(s: Site, args: string[], timeMs: number): void {
    const k = siteTemplateKey(s);
    this.logged.set(k, (this.logged.get(k) ?? 0) + 1);
    if (this.isMuted(s)) {
      const ck = `${s.id}|${s.fn}`;
      const c = this.mutedCounts.get(ck);
      if (c) c.count++;
      else this.mutedCounts.set(ck, { templateId: s.id, function: s.fn, count: 1 });
      this.droppedBySite.set(k, (this.droppedBySite.get(k) ?? 0) + 1);
      return;
    }
    this.pending.push({ timeMs, site: s, args });
  }

  /** Replaces the mute set (a ControlUpdate). */
  applyMutes(templates: Set<bigint>, functions: Set<string>): void {
    if (!this.obeysControl) return;
    this.mutedTemplates = templates;
    this.mutedFunctions = functions;
  }

  due(nowMs: number): boolean {
    if (this.pending.length >= this.maxBatch) return true;
    if (this.pending.length > 0 && nowMs - this.pending[0].timeMs >= this.delayMs) return true;
    return this.mutedCounts.size > 0 && nowMs - this.lastSendMs >= this.delayMs;
  }

  takeBatch(nowMs: number): LogBatch {
    const b = new LogBatchBuilder();
    // Like the real SDK, a simulated one names its instance (keys and AUTO mutes are per sender);
    // a plain OTLP sender here names none.
    const attributes: KeyValue[] = [{ key: 'service.name', value: this.service }];
    if (this.obeysControl) attributes.push({ key: 'service.instance.id', value: this.instance });
    const r = b.addResource({ attributes, droppedAttributesCount: 0, schemaUrl: '' });
    const sc = b.addScope({ name: 'sim-sdk', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const take = this.pending.splice(0, this.maxBatch);
    for (const p of take) {
      const ns = BigInt(Math.floor(p.timeMs)) * 1_000_000n;
      b.add(r, sc, {
        timeUnixNano: ns,
        observedTimeUnixNano: ns,
        severityNumber: 9,
        severityText: 'INFO',
        body: renderBody(p.site.text, p.args),
        attributes: [{ key: 'code.function', value: p.site.fn }],
        templateId: p.site.id,
        templateArgs: p.args,
      });
    }
    const now = BigInt(Math.floor(nowMs)) * 1_000_000n;
    for (const c of this.mutedCounts.values()) {
      appendMutedReport(b, r, sc, c, now);
      this.reportedDrops += c.count;
    }
    this.mutedCounts.clear();
    this.lastSendMs = nowMs;
    return b.batch;
  }
}

function renderBody(text: string, args: string[]): string {
  let i = 0;
  return text.replace(/\{\}/g, () => args[i++] ?? '');
}

interface ScheduledPush {
  atMs: number;
  service: string;
}

/** An AutoMuteSink with the control plane's precedence (manual ON/OFF win over AUTO), pushing to simulated SDKs. */
export class ScenarioControlPlane implements AutoMuteSink {
  /** The collector's name on its rules (the same across restarts, as collector/control/store.ts's). */
  readonly writerName = 'collector@scenario';
  readonly autos = new Map<string, MuteTarget>();
  private readonly reasons = new Map<string, string>();
  readonly manual = new Map<string, { target: MuteTarget; mode: ManualMode }>();
  readonly calls: { op: 'setAuto' | 'clearAuto'; target: MuteTarget; reason?: string; ttlMs?: number; atMs: number }[] = [];
  /** When each target's mute took effect in its SDK (the SDK applied a rule set muting it), in order. */
  readonly sdkMutedAt: { key: string; atMs: number }[] = [];
  readonly sdkUnmutedAt: { key: string; atMs: number }[] = [];
  private readonly pushes: ScheduledPush[] = [];
  private readonly effective = new Map<string, Set<string>>();

  constructor(
    private readonly clock: () => number,
    private readonly sdks: Map<string, SimulatedSdk>,
    private readonly pushLatencyMs: number,
  ) {}

  setAuto(target: MuteTarget, reason: string, options?: { ttlMs?: number }): void {
    this.calls.push({ op: 'setAuto', target, reason, ttlMs: options?.ttlMs, atMs: this.clock() });
    this.autos.set(ruleKey(target), target);
    this.reasons.set(ruleKey(target), reason);
    this.schedule(target.service);
  }

  clearAuto(target: MuteTarget): void {
    this.calls.push({ op: 'clearAuto', target, atMs: this.clock() });
    this.autos.delete(ruleKey(target));
    this.reasons.delete(ruleKey(target));
    this.schedule(target.service);
  }

  /** The AUTO rules in force (the rule view a restarted processor adopts its own from). */
  autoMutes(): PeerMute[] {
    return [...this.autos].map(([k, target]) => ({ target, reason: this.reasons.get(k) ?? '', owner: this.writerName }));
  }

  manualModeOf(target: MuteTarget): ManualMode | undefined {
    return this.manual.get(targetKey(target))?.mode;
  }

  setManual(target: MuteTarget, mode: ManualMode | undefined): void {
    if (mode === undefined) this.manual.delete(targetKey(target));
    else this.manual.set(targetKey(target), { target, mode });
    this.schedule(target.service);
  }

  private schedule(service: string): void {
    this.pushes.push({ atMs: this.clock() + this.pushLatencyMs, service });
  }

  /** Delivers the pushes due by now. */
  deliver(nowMs: number): void {
    while (this.pushes.length > 0 && this.pushes[0].atMs <= nowMs) {
      const p = this.pushes.shift()!;
      for (const [sdkKey, sdk] of this.sdks) if (sdk.service === p.service) this.push(sdkKey, sdk, p.atMs);
    }
  }

  /** One SDK's mute set: the rules of its service, AUTO ones only when they name no instance or its own (as sdk-push does). */
  private push(sdkKey: string, sdk: SimulatedSdk, atMs: number): void {
    const mine = (t: MuteTarget) => t.service === sdk.service && (t.instance === undefined || t.instance === sdk.instance);
    const muted = new Map<string, MuteTarget>();
    for (const t of this.autos.values()) if (mine(t) && this.manualModeOf(t) !== 'on') muted.set(targetKey(t), t);
    for (const m of this.manual.values()) if (mine(m.target) && m.mode === 'off') muted.set(targetKey(m.target), m.target);
    const templates = new Set<bigint>();
    const functions = new Set<string>();
    for (const t of muted.values()) {
      if (t.templateId !== undefined) templates.add(t.templateId);
      else functions.add(t.function!);
    }
    sdk.applyMutes(templates, functions);
    const before = this.effective.get(sdkKey) ?? new Set<string>();
    const after = new Set(muted.keys());
    // Keys of an instance other than the service's default SDK carry it: key@instance.
    const named = (k: string) => (sdkKey === sdk.service ? k : `${k}@${sdk.instance}`);
    for (const k of after) if (!before.has(k)) this.sdkMutedAt.push({ key: named(k), atMs });
    for (const k of before) if (!after.has(k)) this.sdkUnmutedAt.push({ key: named(k), atMs });
    this.effective.set(sdkKey, after);
  }
}

/** A stream of records of one site at a rate, between two times, with arguments from a generator. */
export interface Generator {
  site: Site;
  /** Records per second. */
  rate: number;
  fromMs: number;
  toMs: number;
  /** Arguments of the n-th record. */
  args: (n: number, rnd: () => number) => string[];
  /** Poisson arrivals (default) or evenly spaced. */
  even?: boolean;
  seed?: number;
  /** Logged by this instance of the service (default: the service's one SDK). */
  instance?: string;
}

interface GeneratorState {
  g: Generator;
  nextMs: number;
  n: number;
  rnd: () => number;
}

export interface ScenarioOptions {
  config?: Partial<SpamProcessorConfig>;
  startMs?: number;
  stepMs?: number;
  pushLatencyMs?: number;
  sdkBatchDelayMs?: number;
}

export interface SummaryView {
  service: string;
  key: string;
  count: number;
  sdk: number;
  collector: number;
  body: string;
  timeMs: number;
  windowMs: number;
  final: boolean;
  /** The sender instance whose records the summary counts. */
  instance?: string;
}

/** One scenario: SDKs, generators, the processor and the control plane on a simulated clock. */
export class Scenario {
  nowMs: number;
  readonly startMs: number;
  readonly stepMs: number;
  readonly sdks = new Map<string, SimulatedSdk>();
  readonly downstream = new RecordingConsumer();
  /** The ledger totals of the batches downstream accepted (what a write-ahead log would hold). */
  readonly ledgerTotals = new Map<string, number>();
  private readonly durableNext = {
    consumeLogs: async (batch: LogBatch): Promise<void> => {
      await this.downstream.consumeLogs(batch);
      for (const [k, v] of currentLedger() ?? []) this.ledgerTotals.set(k, (this.ledgerTotals.get(k) ?? 0) + v);
    },
  };
  readonly metrics = new Metrics();
  readonly logger = createMemoryLogger();
  readonly templates = new TemplateDictionary();
  readonly plane: ScenarioControlPlane;
  /** The running processor (replaced by restart()). */
  processor: SpamProcessor;
  readonly decisions: SuppressionRow[] = [];
  private readonly config: SpamProcessorConfig;
  private readonly generators: GeneratorState[] = [];
  private nextEvalMs: number;
  private readonly evalMs: number;
  private readonly timed: { atMs: number; run: () => void | Promise<void> }[] = [];
  private readonly sdkBatchDelayMs: number;

  constructor(opts: ScenarioOptions = {}) {
    this.startMs = opts.startMs ?? 1_700_000_000_000;
    this.nowMs = this.startMs;
    this.stepMs = opts.stepMs ?? 10;
    this.sdkBatchDelayMs = opts.sdkBatchDelayMs ?? 1000;
    this.plane = new ScenarioControlPlane(() => this.nowMs, this.sdks, opts.pushLatencyMs ?? 50);
    const cfg = { ...spamProcessorFactory.createDefaultConfig(), store: false, ...opts.config } as SpamProcessorConfig;
    const errors = spamProcessorFactory.validate!(cfg);
    if (errors.length) throw new Error(errors.join('; '));
    this.config = cfg;
    this.processor = this.newProcessor();
    this.evalMs = this.processor.config.evaluationIntervalMs;
    this.nextEvalMs = this.startMs + this.evalMs;
  }

  private newProcessor(): SpamProcessor {
    return new SpamProcessor({ id: 'spam', metrics: this.metrics, logger: this.logger }, this.config, this.durableNext, {
      clock: () => this.nowMs,
      timer: false,
      sink: this.plane,
      listeners: [{ onDecision: (row) => this.decisions.push(row) }],
    });
  }

  /**
   * Restarts the collector's processor now: 'graceful' shuts it down first (it keeps
   * its AUTO rules for the next one), 'kill' abandons it as kill -9 would (its memory
   * is lost; what downstream accepted, with its ledger, stays). The control plane
   * (the durable rules), the SDKs and everything downstream stay; the new processor
   * finds the ledger totals as a reopened write-ahead log hands them over.
   */
  async restart(how: 'graceful' | 'kill'): Promise<void> {
    if (how === 'graceful') await this.processor.shutdown();
    restoreLedger(this.ledgerTotals, 'scenario');
    this.processor = this.newProcessor();
    await this.processor.start(this.host);
  }

  get host(): Host {
    return { metrics: this.metrics, logger: this.logger, components: new Map(), templates: this.templates };
  }

  async start(): Promise<void> {
    await this.processor.start(this.host);
  }

  /** The SDK of a service (its default instance), or of one named instance of it. */
  sdk(service: string, obeysControl = true, instance?: string): SimulatedSdk {
    const key = instance === undefined ? service : `${service}@${instance}`;
    let s = this.sdks.get(key);
    if (!s) {
      s = new SimulatedSdk(service, this.nowMs, 512, this.sdkBatchDelayMs, obeysControl, instance);
      this.sdks.set(key, s);
    }
    return s;
  }

  /** Adds a record generator (times relative to the scenario start). */
  generate(g: Generator): void {
    this.sdk(g.site.service, true, g.instance);
    this.templates.define({ id: g.site.id, service: g.site.service, text: g.site.text, source: 'sdk', function: g.site.fn }, this.startMs);
    const rnd = prng(g.seed ?? Number(g.site.id % 1_000_003n) + 7);
    const abs = { ...g, fromMs: this.startMs + g.fromMs, toMs: this.startMs + g.toMs };
    this.generators.push({ g: abs, nextMs: abs.fromMs, n: 0, rnd });
  }

  /** Runs `fn` at a time relative to the scenario start (awaited before time moves on). */
  at(relativeMs: number, fn: () => void | Promise<void>): void {
    this.timed.push({ atMs: this.startMs + relativeMs, run: fn });
    this.timed.sort((a, b) => a.atMs - b.atMs);
  }

  /** Advances simulated time to `relativeMs` after the start. */
  async runUntil(relativeMs: number): Promise<void> {
    const end = this.startMs + relativeMs;
    while (this.nowMs < end) {
      this.nowMs = Math.min(end, this.nowMs + this.stepMs);
      const now = this.nowMs;
      while (this.timed.length > 0 && this.timed[0].atMs <= now) await this.timed.shift()!.run();
      this.plane.deliver(now);
      for (const st of this.generators) {
        const g = st.g;
        while (st.nextMs <= now && st.nextMs < g.toMs) {
          this.sdk(g.site.service, true, g.instance).log(g.site, g.args(st.n, st.rnd), st.nextMs);
          st.n++;
          const gap = g.even ? 1000 / g.rate : (-Math.log(1 - st.rnd()) * 1000) / g.rate;
          st.nextMs += gap;
        }
      }
      for (const sdk of this.sdks.values()) {
        while (sdk.due(now)) await this.processor.consumeLogs(sdk.takeBatch(now));
      }
      while (this.nextEvalMs <= now) {
        this.nextEvalMs += this.evalMs;
        await this.processor.evaluate();
      }
    }
  }

  /** Stops generation, lets SDKs send what they hold (records and drop counts), then shuts the processor down. */
  async finish(relativeEndMs: number): Promise<void> {
    for (const st of this.generators) st.g.toMs = Math.min(st.g.toMs, this.startMs + relativeEndMs);
    await this.runUntil(Math.max(relativeEndMs, this.nowMs - this.startMs) + 3 * this.sdkBatchDelayMs);
    await this.processor.shutdown();
  }

  /** Data records delivered downstream (summaries excluded), per template key. */
  delivered(instance?: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.downstream.records()) {
      if (r.eventName === SUMMARY_EVENT) continue;
      if (instance !== undefined && attributeMap(r.resource.attributes)['service.instance.id'] !== instance) continue;
      const k = targetKey({ service: r.resource.serviceName, templateId: r.templateId });
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  summaries(): SummaryView[] {
    return this.downstream
      .records()
      .filter((r: RecordView) => r.eventName === SUMMARY_EVENT)
      .map((r: RecordView) => {
        const a = attributeMap(r.attributes);
        const service = r.resource.serviceName;
        const key =
          a[SUPPRESSED.kind] === 'template'
            ? targetKey({ service, templateId: BigInt(a[SUPPRESSED.templateId] as string) })
            : targetKey({ service, function: a[SUPPRESSED.function] as string });
        return {
          service,
          key,
          count: Number(a[SUPPRESSED.count]),
          sdk: Number(a[SUPPRESSED.sdkCount]),
          collector: Number(a[SUPPRESSED.collectorCount]),
          body: String(r.body),
          timeMs: Number(r.timeUnixNano / 1_000_000n),
          windowMs: Number(a[SUPPRESSED.windowMs]),
          final: a[SUPPRESSED.final] === true,
          instance: a[SUPPRESSED.instance] === undefined ? undefined : String(a[SUPPRESSED.instance]),
        };
      });
  }

  /** Mute decisions (targets muted by AUTO), in order. */
  mutes(): { key: string; atMs: number }[] {
    return this.decisions
      .filter((d) => d.action === 'mute')
      .map((d) => ({ key: d.kind === 'template' ? targetKey({ service: d.service, templateId: d.templateId }) : targetKey({ service: d.service, function: d.function }), atMs: d.timeMs }));
  }

  unmutes(): { key: string; atMs: number; reason: string }[] {
    return this.decisions
      .filter((d) => d.action === 'unmute')
      .map((d) => ({
        key: d.kind === 'template' ? targetKey({ service: d.service, templateId: d.templateId }) : targetKey({ service: d.service, function: d.function }),
        atMs: d.timeMs,
        reason: d.reason,
      }));
  }

  /** Relative time (ms after start) of the first SDK mute of a key, undefined if never. */
  sdkMutedAt(key: string): number | undefined {
    const e = this.plane.sdkMutedAt.find((m) => m.key === key);
    return e ? e.atMs - this.startMs : undefined;
  }

  /** Ground truth over some sites: logged by the application, delivered downstream, dropped by the SDK, and (the rest) dropped in the collector. */
  groundTruth(sites: Site[], instance?: string): { logged: number; delivered: number; sdkDropped: number; collectorDropped: number } {
    const delivered = this.delivered(instance);
    let logged = 0;
    let got = 0;
    let sdkDropped = 0;
    for (const s of sites) {
      const k = siteTemplateKey(s);
      // Every SDK of the service (its instances), or the one named.
      for (const sdk of this.sdks.values()) {
        if (sdk.service !== s.service || (instance !== undefined && sdk.instance !== instance)) continue;
        logged += sdk.logged.get(k) ?? 0;
        sdkDropped += sdk.droppedBySite.get(k) ?? 0;
      }
      got += delivered.get(k) ?? 0;
    }
    return { logged, delivered: got, sdkDropped, collectorDropped: logged - got - sdkDropped };
  }

  /** Sums of the summary records of one key. */
  summaryTotals(key: string): { count: number; sdk: number; collector: number; records: number } {
    const out = { count: 0, sdk: 0, collector: 0, records: 0 };
    for (const s of this.summaries()) {
      if (s.key !== key) continue;
      out.count += s.count;
      out.sdk += s.sdk;
      out.collector += s.collector;
      out.records++;
    }
    return out;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
