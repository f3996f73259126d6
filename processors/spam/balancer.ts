/**
 * The balancer's decisions: which keys to mute (AUTO), when to lift a mute, and
 * the exact accounting of what a mute suppressed. Pure: no I/O, no timers; time
 * comes in as arguments (the processor passes its clock, tests simulated time).
 *
 * Keys: (service, template) and (service, code.function). Every record of a
 * service counts toward its template key and its function key, except records
 * that a muted or manually pinned key already accounts for (below).
 *
 * Per record (observe, O(1) amortised): a record of a muted key is to be dropped
 * (collector_drop) — its template key is checked first, then its function key;
 * otherwise it is counted in both keys' rate histories and argument samples.
 * Records of a template pinned by a manual rule count only for that template, so
 * a person's ON for a template is never undone by its function being muted (a
 * template whose function is muted is asked about at every evaluation while its
 * records arrive, and passes from the moment a manual rule pins it). The control
 * plane is asked about a template with the function of its latest record, so a
 * manual rule on that function covers it.
 *
 * Per evaluation (evaluate, every evaluation_interval, only over keys with
 * something to decide: new records, a positive streak, a mute, pending counts):
 *   normal key    gates: >= min_samples records in rate_window and >= min_rate
 *                 records/s. Then the strategy (config.ts): zscore fires on a rate
 *                 anomaly against the key's own history (detectors/zscore.ts);
 *                 entropy on repeated arguments (detectors/entropy.ts); both needs
 *                 both. trigger_evaluations consecutive positives mute the key,
 *                 unless a manual rule covers it ('on'/'off': the key is
 *                 "overridden" and left alone while the rule exists).
 *                 Templates are judged before functions: a function is not judged
 *                 in an evaluation where one of its templates is positive, and when
 *                 a template is muted its recent records are taken out of its
 *                 function's window — the most specific key explains a burst.
 *   muted key     a manual rule now covering it wins at once (override: AUTO is
 *                 lifted, the processor stops dropping); strategy off lifts it;
 *                 otherwise it is released when muted for at least its mute time
 *                 AND its offered rate (SDK-reported + collector drops over
 *                 release.window) is at most release.ratio x its trigger level
 *                 (the rate it had to exceed: max(min_rate, min_ratio x baseline);
 *                 min_rate under the entropy strategy).
 *                 Mute time: min_mute, doubled per re-mute within flap_window of
 *                 the previous release (capped at max_mute).
 *   summaries     while muted, one every summary.interval with the counts since the
 *                 previous one; after a release (or override), a final one once
 *                 release.report_grace has passed (SDK reports in flight arrive).
 *                 A summary is only emitted when it has something to say (N > 0).
 *
 * Exact counts: every dropped record is credited (creditDropped) to exactly one
 * key — the key that caused the drop — and moves from that key's pending counts
 * into exactly one summary. SDK reports are attributed (attributeReport) to the
 * muted key they match (template first), or, within report_grace after a release,
 * to the key whose mute they belong to; others (e.g. drops under a manual OFF)
 * are not the balancer's and are returned unattributed.
 */
import type { BalancerParams, SpamStrategy, TunableParams } from './config';
import type { ManualMode, MuteTarget } from './control-sink';
import { ArgumentSample } from './detectors/entropy';
import { BucketCounter, RateHistory, zscoreFires } from './detectors/zscore';

export type KeyKind = 'template' | 'function';
export type KeyState = 'normal' | 'muted' | 'overridden';
export type ReleaseCause = 'rate_fell' | 'strategy_off' | 'shutdown';

/** The figures a detection was based on (logged, stored, and given as the mute's reason). */
export interface DetectionFigures {
  strategy: SpamStrategy;
  /** Records in the rate window. */
  count: number;
  /** Records/s over the rate window. */
  rate: number;
  /** Records/s, baseline mean. */
  baselineRate: number;
  z: number;
  /** Weighted normalised argument entropy; NaN when not computed. */
  entropy: number;
  /** Records the entropy is based on. */
  samples: number;
  positive: boolean;
}

export interface ServiceKeys {
  readonly name: string;
  readonly templates: Map<bigint, SpamKey>;
  readonly functions: Map<string, SpamKey>;
}

export class SpamKey {
  readonly target: MuteTarget;
  state: KeyState = 'normal';
  /** The manual mode that put the key in 'overridden'. */
  overrideMode: ManualMode | undefined;
  /** Template keys: the function key of its latest record. */
  functionKey: SpamKey | undefined;
  lastSeenMs: number;
  /** Consecutive positive evaluations. */
  streak = 0;
  /** Function keys: the evaluation in which one of its templates was positive. */
  blockedSeq = -1;
  /** In the balancer's attention list. */
  attention = false;

  // The current (or last) mute.
  mutedAtMs = 0;
  muteUntilMs = 0;
  /** The rate the key had to exceed to be muted; the release level is release.ratio x this. */
  triggerLevel = 0;
  flapLevel = 0;
  releasedAtMs = -Infinity;
  /** Drops (SDK + collector) per bucket while muted: the offered rate. */
  offered: BucketCounter | undefined;
  figures: DetectionFigures | undefined;

  // Suppression accounting.
  pendingSdk = 0;
  pendingCollector = 0;
  /** Start of the period the pending counts cover. */
  summaryFromMs = 0;
  /** When a not-muted key's final summary is due (Infinity = none). */
  summaryDueMs = Infinity;
  /** SDK reports are attributed to this key until then (Infinity while muted). */
  lateUntilMs = -Infinity;
  /** Totals of the current (or last) mute. */
  totalSdk = 0;
  totalCollector = 0;

  constructor(
    readonly kind: KeyKind,
    readonly service: ServiceKeys,
    readonly templateId: bigint,
    readonly fn: string,
    readonly rate: RateHistory,
    readonly sample: ArgumentSample,
    nowMs: number,
  ) {
    this.target = kind === 'template' ? { service: service.name, templateId } : { service: service.name, function: fn };
    this.lastSeenMs = nowMs;
  }
}

export type BalancerEvent =
  | { type: 'mute'; key: SpamKey; timeMs: number; figures: DetectionFigures; muteForMs: number; reason: string }
  | {
      type: 'unmute';
      key: SpamKey;
      timeMs: number;
      cause: ReleaseCause;
      mutedAtMs: number;
      /** Offered records/s over release.window at the release. */
      offeredRate: number;
      totalSdk: number;
      totalCollector: number;
    }
  | { type: 'override'; key: SpamKey; timeMs: number; mode: ManualMode; wasMuted: boolean; mutedAtMs: number; totalSdk: number; totalCollector: number }
  | { type: 'summary'; key: SpamKey; timeMs: number; fromMs: number; sdk: number; collector: number; final: boolean; mutedAtMs: number };

/** Evaluations between sweeps of idle keys. */
const SWEEP_EVERY = 40;

export class SpamBalancer {
  readonly params: BalancerParams;
  private readonly services = new Map<string, ServiceKeys>();
  private attentionList: SpamKey[] = [];
  private keyCount = 0;
  private seq = 0;
  private readonly startBucket: number;
  /** Records of keys beyond max_keys (passed unjudged). */
  untracked = 0;

  constructor(
    params: BalancerParams,
    startMs: number,
    /** The manual mode for a target (the control plane's answer); undefined = none. */
    private readonly manualMode: (target: MuteTarget) => ManualMode | undefined = () => undefined,
  ) {
    this.params = { ...params, positionWeights: [...params.positionWeights] };
    this.startBucket = Math.floor(startMs / params.bucketMs);
  }

  /** Changes tunable parameters at runtime (strategy, thresholds, timings); takes effect at the next evaluation. */
  tune(p: Partial<TunableParams>): void {
    for (const [k, v] of Object.entries(p)) {
      if (v !== undefined) (this.params as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
  }

  get strategy(): SpamStrategy {
    return this.params.strategy;
  }

  get size(): number {
    return this.keyCount;
  }

  bucketOf(nowMs: number): number {
    return Math.floor(nowMs / this.params.bucketMs);
  }

  service(name: string): ServiceKeys {
    let s = this.services.get(name);
    if (!s) {
      s = { name, templates: new Map(), functions: new Map() };
      this.services.set(name, s);
    }
    return s;
  }

  /** The key of a target, if tracked. */
  keyOf(target: MuteTarget): SpamKey | undefined {
    const s = this.services.get(target.service);
    if (!s) return undefined;
    return target.templateId !== undefined ? s.templates.get(target.templateId) : s.functions.get(target.function ?? '');
  }

  *keys(): IterableIterator<SpamKey> {
    for (const s of this.services.values()) {
      yield* s.templates.values();
      yield* s.functions.values();
    }
  }

  mutedKeys(): SpamKey[] {
    return [...this.keys()].filter((k) => k.state === 'muted');
  }

  private createKey(svc: ServiceKeys, kind: KeyKind, templateId: bigint, fn: string, nowMs: number, bucket: number): SpamKey | undefined {
    const p = this.params;
    if (this.keyCount >= p.maxKeys) return undefined;
    const key = new SpamKey(
      kind,
      svc,
      templateId,
      fn,
      new RateHistory(p.windowBuckets, p.historyBuckets, bucket, bucket - this.startBucket),
      new ArgumentSample(p.sampleSize, kind === 'function'),
      nowMs,
    );
    if (kind === 'template') svc.templates.set(templateId, key);
    else svc.functions.set(fn, key);
    this.keyCount++;
    return key;
  }

  private attend(k: SpamKey): void {
    if (!k.attention) {
      k.attention = true;
      this.attentionList.push(k);
    }
  }

  private count(k: SpamKey, args: readonly string[] | undefined, nowMs: number, bucket: number, templateId: bigint): void {
    if (bucket !== k.rate.currentBucket) k.rate.advance(bucket, k.state === 'normal');
    k.rate.add(1);
    k.sample.add(args, templateId);
    k.lastSeenMs = nowMs;
    if (!k.attention) this.attend(k);
  }

  /**
   * One record (hot path). Returns the muted key that drops it (the caller drops
   * the record and later credits the drop), or undefined when it passes.
   * `templateId` 0n = no template; `fn` '' = no function.
   */
  observe(svc: ServiceKeys, templateId: bigint, fn: string, args: readonly string[] | undefined, nowMs: number, bucket: number): SpamKey | undefined {
    const p = this.params;
    let tk: SpamKey | undefined;
    let fk: SpamKey | undefined;
    if (templateId !== 0n && p.templates) {
      tk = svc.templates.get(templateId) ?? this.createKey(svc, 'template', templateId, '', nowMs, bucket);
      if (tk === undefined) this.untracked++;
      else if (tk.state === 'muted') return this.mutedRecord(tk, nowMs, bucket);
      else if (tk.state === 'overridden') {
        this.count(tk, args, nowMs, bucket, 0n);
        return undefined;
      }
    }
    if (fn !== '' && p.functions) {
      fk = svc.functions.get(fn) ?? this.createKey(svc, 'function', 0n, fn, nowMs, bucket);
      if (fk === undefined) this.untracked++;
      else if (fk.state === 'muted') {
        // The template is evaluated anyway: a manual rule may pin it (see evaluateKey).
        if (tk !== undefined) {
          if (tk.functionKey !== fk) tk.functionKey = fk;
          this.attend(tk);
        }
        return this.mutedRecord(fk, nowMs, bucket);
      }
    }
    if (tk !== undefined) {
      this.count(tk, args, nowMs, bucket, 0n);
      if (tk.functionKey !== fk) tk.functionKey = fk;
    }
    if (fk !== undefined) this.count(fk, args, nowMs, bucket, templateId);
    return undefined;
  }

  /** A record of a muted key: dropped (collector_drop) or passed and counted as offered. */
  private mutedRecord(k: SpamKey, nowMs: number, bucket: number): SpamKey | undefined {
    k.lastSeenMs = nowMs;
    if (this.params.collectorDrop) return k;
    k.offered?.add(bucket, 1);
    return undefined;
  }

  /**
   * The key an SDK drop report belongs to: the matching muted key (template before
   * function), else one released or overridden less than report_grace ago; else
   * undefined (not an AUTO mute's drop).
   */
  attributeReport(service: string, templateId: bigint, fn: string, nowMs: number): SpamKey | undefined {
    const s = this.services.get(service);
    if (!s) return undefined;
    const tk = templateId !== 0n ? s.templates.get(templateId) : undefined;
    const fk = fn !== '' ? s.functions.get(fn) : undefined;
    if (tk?.state === 'muted') return tk;
    if (fk?.state === 'muted') return fk;
    if (tk && nowMs <= tk.lateUntilMs) return tk;
    if (fk && nowMs <= fk.lateUntilMs) return fk;
    return undefined;
  }

  /** Credits `n` dropped records to the key that caused the drop (once the drop is final). */
  creditDropped(k: SpamKey, n: number, source: 'sdk' | 'collector', nowMs: number): void {
    if (n <= 0) return;
    if (source === 'sdk') {
      k.pendingSdk += n;
      k.totalSdk += n;
    } else {
      k.pendingCollector += n;
      k.totalCollector += n;
    }
    k.offered?.add(this.bucketOf(nowMs), n);
    k.lastSeenMs = Math.max(k.lastSeenMs, nowMs);
    if (k.state !== 'muted' && k.summaryDueMs === Infinity) k.summaryDueMs = nowMs + this.params.reportGraceMs;
    this.attend(k);
  }

  /** Decisions at `nowMs`: mutes, releases, overrides, summaries (in that order per key). */
  evaluate(nowMs: number): BalancerEvent[] {
    const seq = ++this.seq;
    const bucket = this.bucketOf(nowMs);
    const events: BalancerEvent[] = [];
    const list = this.attentionList;
    this.attentionList = [];
    for (const k of list) k.attention = false;
    // Templates first (see the module comment).
    for (const k of list) if (k.kind === 'template') this.evaluateKey(k, nowMs, bucket, seq, events);
    for (const k of list) if (k.kind === 'function') this.evaluateKey(k, nowMs, bucket, seq, events);
    for (const k of list) if (this.needsAttention(k, bucket)) this.attend(k);
    if (seq % SWEEP_EVERY === 0) this.sweep(nowMs);
    return events;
  }

  private needsAttention(k: SpamKey, bucket: number): boolean {
    return (
      k.state !== 'normal' ||
      k.streak > 0 ||
      k.pendingSdk + k.pendingCollector > 0 ||
      k.summaryDueMs !== Infinity ||
      // Records still in the window can keep a key above the gates in the next evaluation.
      (k.rate.count >= this.params.minSamples && bucket - k.rate.currentBucket < k.rate.windowBuckets)
    );
  }

  private evaluateKey(k: SpamKey, nowMs: number, bucket: number, seq: number, events: BalancerEvent[]): void {
    const p = this.params;
    k.rate.advance(bucket, k.state === 'normal');
    k.offered?.advance(bucket);
    if (k.state === 'muted') {
      const mode = this.manualMode(this.queryTarget(k));
      if (mode === 'on' || mode === 'off') this.override(k, mode, nowMs, true, events);
      else if (p.strategy === 'off') this.release(k, nowMs, 'strategy_off', events);
      else if (nowMs >= k.muteUntilMs && this.offeredRate(k, nowMs) <= p.releaseRatio * k.triggerLevel) this.release(k, nowMs, 'rate_fell', events);
      else if (nowMs - k.summaryFromMs >= p.summaryIntervalMs) this.summarize(k, nowMs, false, events);
    } else if (k.state === 'overridden') {
      const mode = this.manualMode(this.queryTarget(k));
      if (mode === undefined || mode === 'auto') {
        k.state = 'normal';
        k.overrideMode = undefined;
        k.streak = 0;
      }
    } else if (k.kind === 'function' && k.blockedSeq === seq) {
      k.streak = 0;
    } else if (k.kind === 'template' && k.functionKey?.state === 'muted' && this.pinned(k)) {
      // Its function is muted, but a person pinned this template: its records pass from now on.
      this.override(k, k.overrideMode!, nowMs, false, events);
    } else if (p.strategy !== 'off') {
      const fig = this.detect(k, nowMs);
      if (!fig.positive) k.streak = 0;
      else {
        k.streak++;
        if (k.kind === 'template' && k.functionKey) k.functionKey.blockedSeq = seq;
        if (k.streak >= p.triggerEvaluations) {
          const mode = this.manualMode(this.queryTarget(k));
          if (mode === 'on' || mode === 'off') {
            this.override(k, mode, nowMs, false, events);
            this.detachFromFunction(k, bucket);
          }
          else this.mute(k, nowMs, bucket, fig, events);
        }
      }
    } else {
      k.streak = 0;
    }
    if (k.state !== 'muted' && nowMs >= k.summaryDueMs) {
      k.summaryDueMs = Infinity;
      this.summarize(k, nowMs, true, events);
    }
  }

  /**
   * What the control plane is asked about a key: its target, and for a template
   * the function of its latest record (so a manual rule on that function covers it).
   */
  private queryTarget(k: SpamKey): MuteTarget {
    if (k.kind === 'template' && k.functionKey !== undefined) return { ...k.target, function: k.functionKey.fn };
    return k.target;
  }

  /** Whether a manual ON/OFF covers the key (remembered in overrideMode). */
  private pinned(k: SpamKey): boolean {
    const mode = this.manualMode(this.queryTarget(k));
    if (mode !== 'on' && mode !== 'off') return false;
    k.overrideMode = mode;
    return true;
  }

  /** The detection figures of a normal key at `nowMs` (see the module comment and config.ts). */
  detect(k: SpamKey, nowMs: number): DetectionFigures {
    const p = this.params;
    const a = k.rate.assess(nowMs, p.bucketMs);
    const fig: DetectionFigures = {
      strategy: p.strategy,
      count: a.count,
      rate: a.rate,
      baselineRate: a.baselineRate,
      z: a.z,
      entropy: NaN,
      samples: 0,
      positive: false,
    };
    if (p.strategy === 'off' || a.count < p.minSamples || a.rate < p.minRate) return fig;
    const anomaly = zscoreFires(a, p);
    if (p.strategy === 'zscore' || (p.strategy === 'both' && !anomaly)) {
      fig.positive = p.strategy === 'zscore' && anomaly;
      return fig;
    }
    const svc = k.service;
    const exclude = k.kind === 'function' ? (id: bigint) => svc.templates.get(id)?.state === 'muted' : undefined;
    const e = k.sample.score(a.count, p, exclude);
    fig.entropy = e.entropy;
    fig.samples = e.samples;
    fig.positive = e.samples >= p.minSamples && e.entropy <= p.maxEntropy;
    return fig;
  }

  /** Offered records/s over release.window (or since the mute, when shorter). */
  offeredRate(k: SpamKey, nowMs: number): number {
    if (!k.offered) return 0;
    const windowMs = this.params.releaseWindowBuckets * this.params.bucketMs;
    const spanMs = Math.max(this.params.bucketMs, Math.min(windowMs, nowMs - k.mutedAtMs));
    return (k.offered.total * 1000) / spanMs;
  }

  private mute(k: SpamKey, nowMs: number, bucket: number, fig: DetectionFigures, events: BalancerEvent[]): void {
    const p = this.params;
    // Late counts of a previous mute close that mute's accounting first.
    if (k.pendingSdk + k.pendingCollector > 0) this.summarize(k, nowMs, true, events);
    k.summaryDueMs = Infinity;
    k.flapLevel = nowMs - k.releasedAtMs <= p.flapWindowMs ? k.flapLevel + 1 : 0;
    const muteForMs = Math.min(p.maxMuteMs, p.minMuteMs * Math.pow(2, k.flapLevel));
    k.state = 'muted';
    k.streak = 0;
    k.mutedAtMs = nowMs;
    k.muteUntilMs = nowMs + muteForMs;
    k.triggerLevel = p.strategy === 'entropy' ? p.minRate : Math.max(p.minRate, p.zMinRatio * fig.baselineRate);
    k.offered = new BucketCounter(p.releaseWindowBuckets, bucket);
    k.figures = fig;
    k.summaryFromMs = nowMs;
    k.lateUntilMs = Infinity;
    k.totalSdk = 0;
    k.totalCollector = 0;
    this.detachFromFunction(k, bucket);
    events.push({ type: 'mute', key: k, timeMs: nowMs, figures: fig, muteForMs, reason: reasonOf(k, fig) });
  }

  /**
   * A template key muted or taken over by a manual rule no longer counts for its
   * function: its records still in the function's window are taken out too (the
   * template explains them).
   */
  private detachFromFunction(k: SpamKey, bucket: number): void {
    const fk = k.kind === 'template' ? k.functionKey : undefined;
    if (fk === undefined || fk.state === 'muted') return;
    fk.rate.advance(bucket, fk.state === 'normal');
    fk.rate.subtract((ago) => k.rate.bucketCount(ago));
  }

  private release(k: SpamKey, nowMs: number, cause: ReleaseCause, events: BalancerEvent[]): void {
    const offeredRate = this.offeredRate(k, nowMs);
    this.endMute(k, nowMs);
    events.push({
      type: 'unmute',
      key: k,
      timeMs: nowMs,
      cause,
      mutedAtMs: k.mutedAtMs,
      offeredRate,
      totalSdk: k.totalSdk,
      totalCollector: k.totalCollector,
    });
  }

  private override(k: SpamKey, mode: ManualMode, nowMs: number, wasMuted: boolean, events: BalancerEvent[]): void {
    if (wasMuted) this.endMute(k, nowMs);
    k.state = 'overridden';
    k.overrideMode = mode;
    k.streak = 0;
    events.push({ type: 'override', key: k, timeMs: nowMs, mode, wasMuted, mutedAtMs: k.mutedAtMs, totalSdk: k.totalSdk, totalCollector: k.totalCollector });
  }

  private endMute(k: SpamKey, nowMs: number): void {
    k.state = 'normal';
    k.streak = 0;
    k.releasedAtMs = nowMs;
    k.offered = undefined;
    k.lateUntilMs = nowMs + this.params.reportGraceMs;
    k.summaryDueMs = nowMs + this.params.reportGraceMs;
  }

  private summarize(k: SpamKey, nowMs: number, final: boolean, events: BalancerEvent[]): void {
    const sdk = k.pendingSdk;
    const collector = k.pendingCollector;
    const fromMs = k.summaryFromMs;
    k.pendingSdk = 0;
    k.pendingCollector = 0;
    k.summaryFromMs = nowMs;
    if (sdk + collector > 0) events.push({ type: 'summary', key: k, timeMs: nowMs, fromMs, sdk, collector, final, mutedAtMs: k.mutedAtMs });
  }

  /**
   * Lifts every mute and closes every account now (shutdown): unmute events, then
   * a final summary for every key with pending counts (not waiting for report_grace).
   */
  releaseAll(nowMs: number): BalancerEvent[] {
    const events: BalancerEvent[] = [];
    for (const k of this.keys()) {
      if (k.state === 'muted') this.release(k, nowMs, 'shutdown', events);
      if (k.pendingSdk + k.pendingCollector > 0) this.summarize(k, nowMs, true, events);
      k.summaryDueMs = Infinity;
    }
    return events;
  }

  /** Forgets keys idle for idle_timeout with nothing pending (never muted ones). */
  private sweep(nowMs: number): void {
    const limit = nowMs - this.params.idleTimeoutMs;
    const idle = (k: SpamKey) =>
      k.state !== 'muted' && !k.attention && k.lastSeenMs < limit && k.pendingSdk + k.pendingCollector === 0 && k.summaryDueMs === Infinity;
    for (const [name, s] of this.services) {
      for (const [id, k] of s.templates) {
        if (idle(k)) {
          s.templates.delete(id);
          this.keyCount--;
        }
      }
      for (const [fn, k] of s.functions) {
        if (idle(k)) {
          s.functions.delete(fn);
          this.keyCount--;
        }
      }
      if (s.templates.size === 0 && s.functions.size === 0) this.services.delete(name);
    }
  }
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

/** A one-line reason for a mute (the control rule's reason and the log_suppression Reason). */
export function reasonOf(k: SpamKey, f: DetectionFigures): string {
  const parts = [`spam (${f.strategy}): ${fmt(f.rate)} records/s`];
  if (f.strategy !== 'entropy') parts.push(`baseline ${fmt(f.baselineRate, 2)}/s, z=${fmt(f.z)}`);
  if (!Number.isNaN(f.entropy)) parts.push(`argument entropy ${fmt(f.entropy, 2)} over ${f.samples} records`);
  return `${parts.join(', ')} (${k.kind} key)`;
}
