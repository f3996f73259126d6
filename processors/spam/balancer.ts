/**
 * The balancer's decisions: which keys to mute (AUTO), when to lift a mute, and
 * the exact accounting of what a mute suppressed. Pure: no I/O, no timers; time
 * comes in as arguments (the processor passes its clock, tests simulated time).
 *
 * Keys: (service, template) and (service, code.function), each within a sender
 * scope (collector/pipeline/sender-scope.ts: the sender's service.instance.id or
 * stream session; '' = unscoped): a ServiceKeys is one (service, scope). A key's
 * decisions (its mute, the AUTO rule's target, the SDK reports credited to it)
 * stay within its scope, so one sender's volume never mutes another sender of the
 * same service.name, and drops reported by a sender can only hold a mute of that
 * sender. Every record of a scope counts toward its template key and its function
 * key, except records that a muted or manually pinned key already accounts for
 * (below). Shared rates (below) cover unscoped keys only: a scoped key's volume is
 * its one sender's, and a sender streams to one collector.
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
 *                 records/s; in warm-up (warmup.period after the key first appeared
 *                 or came back from warmup.after_silence without records, and for a
 *                 function after one of its templates was released) also >=
 *                 warmup.rate. Then the strategy (config.ts): zscore fires on a rate
 *                 anomaly against the key's own history (detectors/zscore.ts) above
 *                 zscore.peak_ratio x the busiest window the key had while normal
 *                 (a new sender scope of a service starts from the busiest window of
 *                 the same key in the service's other scopes: a restart under a new
 *                 instance id, one more replica), or on geometric growth (growth.*);
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
 *                 min_rate under the entropy strategy), both held for release.confirm
 *                 (SDK reports arrive a batch delay late: a round of spam that starts
 *                 just before a release keeps the mute; its return after a lull
 *                 makes the key periodic, see below).
 *                 Mute time: min_mute, doubled per re-mute within flap_window of
 *                 the previous release (capped at max_mute), unless the re-mute
 *                 repeats the interval between the two mutes before it (a periodic
 *                 pattern, SpamKey.periodMs: then the mute is also held until the
 *                 key's drops stopped for a whole period).
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
 *
 * Several collectors (params.sharedRates, see shared-counts.ts and
 * shared-rates.ts): every key also keeps the whole rate across collectors — its
 * own counts plus the others' (applyPeerRows), judged `lag` buckets behind, once
 * every collector's counts for a bucket have arrived. A normal key is positive when
 * its own rate is (unchanged: one collector alone behaves exactly as without
 * sharing) OR, while other collectors reported counts for it lately, the whole rate
 * is (the same gates and strategy; entropy over this collector's own sample, which
 * a round-robin balancer makes a fair sample). Function keys are not judged on the
 * whole rate for a window after one of their templates was muted (the others'
 * counts of the function still hold that template's records).
 *   followers  followRules(): a key this collector tracks that another collector's
 *              AUTO rule mutes is muted here too as a follower: its records are
 *              dropped and SDK reports credited like a mute of its own, with
 *              summaries of this collector's share, so summaries across collectors
 *              add up to the whole. A follower never releases by itself: it is
 *              released ('released_elsewhere') when the rule is gone. A key muted
 *              here whose rule was seen and then vanished (another collector
 *              released it) is released the same way.
 *   release    the offered rate of a key muted here adds the others' offered
 *              counts (their followers' drops and SDK reports), `lag` behind.
 */
import type { BalancerParams, SpamStrategy, TunableParams } from './config';
import type { ManualMode, MuteTarget, PeerMute } from './control-sink';
import { ArgumentSample } from './detectors/entropy';
import type { TemplateArg } from '../../collector/pipeline/batch';
import type { ArgsColumn } from './detectors/entropy';
import { BucketCounter, RateHistory, zscoreFires } from './detectors/zscore';
import { LOCAL, OFFERED_LOCAL, OFFERED_REMOTE, SharedCounts } from './shared-counts';
import type { SpamRateRow } from '../../collector/storage/spam-rates-store';

export type KeyKind = 'template' | 'function';
export type KeyState = 'normal' | 'muted' | 'overridden';
/** released_elsewhere: the AUTO rule of the mute is gone (another collector released it, or it lapsed). */
/** strategy_changed: the strategy switched and the new one would not have made the mute (recheck). */
export type ReleaseCause = 'rate_fell' | 'strategy_off' | 'strategy_changed' | 'shutdown' | 'released_elsewhere';

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
  /** Judged on the whole rate across collectors (count, rate, baseline, z are the whole's). */
  shared?: boolean;
  /** The key was in warm-up (learnt, judged only at or above warmup.rate). */
  learning?: boolean;
  /** The rate anomaly was geometric growth (growth.*), not the Z-score. */
  growth?: boolean;
  /** Numbers that differ on every record were not taken as identifiers: the rate is beyond ID_VOLUME_RATIO x the service's other lines. */
  idsDistrusted?: boolean;
}

/**
 * How far above the busiest rates of all its service's other lines of the same kind
 * (summed; at least min_rate) a key's rate may go while numbers that differ on every
 * record still count as identifiers (information) in the entropy detector. Business
 * events scale with the rest of the service's activity (orders come with requests,
 * payments, page views): an auto-increment id at 50x the rest of the service is
 * plausible work, a line logging over two orders of magnitude more than everything
 * else the service ever logged, with nothing in it but a number that increments, is
 * a loop ("tick 1, 2, 3" at 3000/s).
 */
export const ID_VOLUME_RATIO = 100;
/** At most this many other keys of the service are summed (a service with more lines has its volume spread out anyway). */
const ID_VOLUME_KEYS = 256;

export type { PeerMute };

export interface ServiceKeys {
  readonly name: string;
  /** The sender scope ('' = unscoped). */
  readonly instance: string;
  /** Functions that logged records at or above protect_severity: never muted as a whole (noteProtected). */
  readonly protectedFunctions: Set<string>;
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
  /** Until then the key is learnt: judged only at or above warmup.rate (new, or back after a silence). */
  learnUntilMs: number;
  /** Muted, and the strategy changed since: judge again whether the new strategy would mute it. */
  recheck = false;

  // The current (or last) mute.
  mutedAtMs = 0;
  muteUntilMs = 0;
  /** The rate the key had to exceed to be muted; the release level is release.ratio x this. */
  triggerLevel = 0;
  flapLevel = 0;
  releasedAtMs = -Infinity;
  /**
   * The interval between the starts of its last two mutes when the key was muted
   * again within flap_window (0 = none): a periodic pattern. A mute of a periodic key
   * is held until its drops have stopped for a whole period (no release between
   * rounds, none inside the next round), and a re-mute at the same interval does not
   * double the mute time (the pattern was seen before).
   */
  periodMs = 0;
  /**
   * When the release conditions first held in a row of evaluations (NaN: they do not
   * hold): the release waits release.confirm from then (longer than SDK reports
   * take to arrive), so that a round of spam that starts just before a release is
   * seen (its reports arrive a batch delay late) and keeps the mute.
   */
  releaseDueSinceMs = NaN;
  /** When a drop of the key was last counted (collector drop or SDK report). */
  lastDropMs = -Infinity;
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

  /** The whole rate across collectors (params.sharedRates). */
  shared: SharedCounts | undefined;
  /** Muted because another collector's AUTO rule mutes the key. */
  follower = false;
  /** The followed (or adopted) rule's reason. */
  followReason = '';
  /** The AUTO rule of the current mute was seen in force (so its disappearance means a release elsewhere). */
  ruleSeen = false;

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
    if (service.instance !== '') this.target.instance = service.instance;
    this.lastSeenMs = nowMs;
    this.learnUntilMs = nowMs;
  }
}

export type BalancerEvent =
  | { type: 'mute'; key: SpamKey; timeMs: number; figures: DetectionFigures; muteForMs: number; reason: string }
  /** Muted as a follower of another collector's AUTO rule (no control call to make). */
  | { type: 'follow'; key: SpamKey; timeMs: number; reason: string }
  /** An AUTO rule this collector made before a restart, muted here again as its own (adoptRules). */
  | { type: 'adopt'; key: SpamKey; timeMs: number; reason: string }
  | {
      type: 'unmute';
      key: SpamKey;
      timeMs: number;
      cause: ReleaseCause;
      /** The mute was a follower's: the rule is not this collector's to clear. */
      follower: boolean;
      mutedAtMs: number;
      /** Offered records/s over release.window at the release. */
      offeredRate: number;
      totalSdk: number;
      totalCollector: number;
    }
  | { type: 'override'; key: SpamKey; timeMs: number; mode: ManualMode; wasMuted: boolean; follower: boolean; mutedAtMs: number; totalSdk: number; totalCollector: number }
  | { type: 'summary'; key: SpamKey; timeMs: number; fromMs: number; sdk: number; collector: number; final: boolean; mutedAtMs: number };

/** Functions remembered per scope as logging protected severities (noteProtected). */
const MAX_PROTECTED_FUNCTIONS = 10_000;
/**
 * Longest code.function a key or a protected function is kept for: a function key and
 * the protected-function set keep the name for as long as the scope lives, and a client
 * chooses it (up to the receiver's 64 KiB attribute values: 4,000 protected 60 KB names
 * kept 236 MB, 10,000 a scope were allowed). Real names are far shorter; records of a
 * longer one are judged by their template only, counted untracked.
 */
export const MAX_FUNCTION_NAME_LENGTH = 512;
/** Evaluations between sweeps of idle keys. */
const SWEEP_EVERY = 40;
/** A key's remembered peak normal rate halves this often (a pattern not seen for long is forgotten). */
const PEAK_HALF_LIFE_MS = 10 * 60_000;
/** Sender scopes of a service looked at for a new key's starting peak (siblingPeak). */
const MAX_SIBLING_SCOPES = 64;
/** A re-mute interval within this fraction of the previous one repeats a known period. */
const PERIOD_TOLERANCE = 0.25;
/**
 * Growth is judged over this many consecutive segments (each growing growth.ratio
 * times over the one before): four, since one step up (a template back from a
 * mute) can straddle a segment and show as two growths in a row, never three.
 */
const GROWTH_SEGMENTS = 4;

export class SpamBalancer {
  readonly params: BalancerParams;
  private readonly services = new Map<string, ServiceKeys>();
  /** The sender scopes of each service name (the service's own history for a new instance: createKey). */
  private readonly scopesByName = new Map<string, Set<ServiceKeys>>();
  private attentionList: SpamKey[] = [];
  private keyCount = 0;
  private seq = 0;
  private readonly startBucket: number;
  /** Records of keys beyond max_keys, or of a function name over MAX_FUNCTION_NAME_LENGTH (passed unjudged as such). */
  untracked = 0;
  /** Sampled arguments kept as a digest of their text (longer than MAX_SAMPLED_ARG_LENGTH: ArgumentSample). */
  digestedArguments = 0;
  /** Shared rates: lag and flush in buckets, ring sizes (0 when off). */
  private readonly lagBuckets: number;
  private readonly flushBuckets: number;
  private readonly ringSize: number;
  private readonly offeredRingSize: number;
  /** Keys with counts to hand out for writing (shared rates). */
  private shareList: SpamKey[] = [];
  /** Other collectors' counts: too late to be judged, of another bucket width, of a bucket too far ahead (clock skew). */
  readonly peerRowsIgnored = { late: 0, bucketWidth: 0, ahead: 0 };

  constructor(
    params: BalancerParams,
    startMs: number,
    /** The manual mode for a target (the control plane's answer); undefined = none. */
    private readonly manualMode: (target: MuteTarget) => ManualMode | undefined = () => undefined,
  ) {
    this.params = { ...params, positionWeights: [...params.positionWeights] };
    this.startBucket = Math.floor(startMs / params.bucketMs);
    this.lagBuckets = params.sharedRates ? Math.max(1, params.sharedLagBuckets ?? 1) : 0;
    this.flushBuckets = params.sharedRates ? Math.max(1, params.sharedFlushBuckets ?? 1) : 0;
    this.ringSize = this.lagBuckets + this.flushBuckets + 4;
    this.offeredRingSize = params.releaseWindowBuckets + this.ringSize;
  }

  /** Whether keys are also judged on the whole rate across collectors. */
  get sharesRates(): boolean {
    return this.lagBuckets > 0;
  }

  /** Changes tunable parameters at runtime (strategy, thresholds, timings); takes effect at the next evaluation. */
  tune(p: Partial<TunableParams>): void {
    if (p.strategy !== undefined && p.strategy !== this.params.strategy && p.strategy !== 'off') {
      // Mutes made under the old strategy are judged again under the new one (evaluateKey).
      for (const k of this.keys()) {
        if (k.state === 'muted' && !k.follower) {
          k.recheck = true;
          this.attend(k);
        }
      }
    }
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

  /** Sender scopes (service, instance) kept now. */
  get scopeCount(): number {
    return this.services.size;
  }

  /**
   * The keys of one service within one sender scope ('' = unscoped), created on first use.
   * At max_keys a new scope is handed out but not kept: no key can be made in it, and a
   * client claiming a new service.name or service.instance.id per record would otherwise
   * fill the map with empty scopes until the next sweep (0.85 KB each: 150 MB in 10 s).
   */
  service(name: string, instance = ''): ServiceKeys {
    const id = scopeId(name, instance);
    let s = this.services.get(id);
    if (!s) {
      s = { name, instance, protectedFunctions: new Set(), templates: new Map(), functions: new Map() };
      if (this.keyCount >= this.params.maxKeys) return s;
      this.services.set(id, s);
      const siblings = this.scopesByName.get(name);
      if (siblings) siblings.add(s);
      else this.scopesByName.set(name, new Set([s]));
    }
    return s;
  }

  /** The key of a target (its instance = the sender scope), if tracked. */
  keyOf(target: MuteTarget): SpamKey | undefined {
    const s = this.services.get(scopeId(target.service, target.instance ?? ''));
    if (!s) return undefined;
    return target.templateId !== undefined ? s.templates.get(target.templateId) : s.functions.get(target.function ?? '');
  }

  /**
   * A record at or above protect_severity was logged in function `fn` of the scope:
   * the record is not judged (the caller passes it), and the function is never muted
   * as a whole from now on, since a function mute would silence that record's call
   * site in the SDK too. Bounded per scope (past the bound, further functions are not
   * remembered: they stay muteable, their protected records still pass here).
   */
  noteProtected(svc: ServiceKeys, fn: string): void {
    if (fn === '' || fn.length > MAX_FUNCTION_NAME_LENGTH || svc.protectedFunctions.has(fn) || svc.protectedFunctions.size >= MAX_PROTECTED_FUNCTIONS) return;
    svc.protectedFunctions.add(fn);
  }

  /** Whether the scope ever sent (and still tracks) a record of the template or the function. */
  tracks(service: string, instance: string, templateId: bigint, fn: string): boolean {
    const s = this.services.get(scopeId(service, instance));
    return s !== undefined && ((templateId !== 0n && s.templates.has(templateId)) || (fn !== '' && s.functions.has(fn)));
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
    // A scope handed out at max_keys is not kept (service()): a key in it could never be found or swept.
    if (this.services.get(scopeId(svc.name, svc.instance)) !== svc) return undefined;
    const key = new SpamKey(
      kind,
      svc,
      templateId,
      fn,
      new RateHistory(p.windowBuckets, p.historyBuckets, bucket, bucket - this.startBucket),
      new ArgumentSample(p.sampleSize, kind === 'function', p.maxPositions),
      nowMs,
    );
    key.learnUntilMs = nowMs + p.warmupMs;
    key.rate.peakHalfLifeBuckets = PEAK_HALF_LIFE_MS / p.bucketMs;
    // A new sender of a known service (a restart under a new service.instance.id, one more
    // replica) starts from the busiest rate the service's other senders had for the key.
    key.rate.seedPeak(this.siblingPeak(svc, kind, templateId, fn, bucket), bucket);
    if (this.lagBuckets > 0 && svc.instance === '') {
      const first = bucket - this.lagBuckets;
      key.shared = new SharedCounts(p.windowBuckets, p.historyBuckets, this.ringSize, this.offeredRingSize, first, first - this.startBucket);
      key.shared.combined.peakHalfLifeBuckets = key.rate.peakHalfLifeBuckets;
    }
    if (kind === 'template') svc.templates.set(templateId, key);
    else svc.functions.set(fn, key);
    this.keyCount++;
    return key;
  }

  /**
   * Moves a key's rate history to `bucket`: buckets leaving its window are its
   * normal traffic (baseline) while it is normal, and its peak traffic too unless
   * it is on its way to a mute (a positive streak: a burst about to be muted is
   * never learnt as a rate the key had).
   */
  private advanceRate(k: SpamKey, bucket: number): void {
    k.rate.advance(bucket, k.state === 'normal', k.state === 'normal' && k.streak === 0);
  }

  /**
   * The highest peak (records per rate window) of the same key in the service's
   * other sender scopes (the first MAX_SIBLING_SCOPES of them: a key's creation
   * stays cheap however many senders claim the service).
   */
  private siblingPeak(svc: ServiceKeys, kind: KeyKind, templateId: bigint, fn: string, bucket: number): number {
    let peak = 0;
    let looked = 0;
    for (const s of this.scopesByName.get(svc.name) ?? []) {
      if (s === svc) continue;
      if (++looked > MAX_SIBLING_SCOPES) break;
      const k = kind === 'template' ? s.templates.get(templateId) : s.functions.get(fn);
      // Another sender's level counts whether or not it receded: it is not this key's ramp.
      if (k !== undefined) peak = Math.max(peak, k.rate.peakCount(bucket, true));
    }
    return peak;
  }

  private attend(k: SpamKey): void {
    if (!k.attention) {
      k.attention = true;
      this.attentionList.push(k);
    }
  }

  /** Counts records from..to-1 of `args` (their arguments, by record index) to key k. */
  private count(k: SpamKey, args: ArgsColumn, from: number, to: number, nowMs: number, bucket: number, templateId: bigint): void {
    // Back after a silence (a restarted service): learnt again before it is judged.
    if (nowMs - k.lastSeenMs >= this.params.silenceMs) k.learnUntilMs = Math.max(k.learnUntilMs, nowMs + this.params.warmupMs);
    if (bucket !== k.rate.currentBucket) this.advanceRate(k, bucket);
    const n = to - from;
    k.rate.add(n);
    if (k.shared !== undefined) this.countShared(k, k.shared, bucket, n);
    this.digestedArguments += k.sample.addRun(args, from, to, templateId);
    k.lastSeenMs = nowMs;
    if (!k.attention) this.attend(k);
  }

  /**
   * One record (hot path). Returns the muted key that drops it (the caller drops
   * the record and later credits the drop), or undefined when it passes.
   * `templateId` 0n = no template; `fn` '' = no function.
   */
  observe(svc: ServiceKeys, templateId: bigint, fn: string, args: readonly TemplateArg[] | undefined, nowMs: number, bucket: number): SpamKey | undefined {
    return this.observeRun(svc, templateId, fn, [args], 0, 1, nowMs, bucket);
  }

  /**
   * observe() for records from..to-1 in a row of one sender scope, template and function
   * (`args`: the arguments by record index, a batch's templateArgs column): what observe
   * decides for one it decides for all (a key's state changes only at evaluations), so
   * the keys are looked up once, counted by to - from, and sampled with the records their
   * argument samples keep (the last sample_size). Compact-stream batches come in such runs
   * (a template's records share its call site's attribute list); per record, the look-ups
   * (a bigint-keyed map, a function name) were most of the spam processor's cost there.
   * Returns the muted key that drops them all, or undefined when they pass.
   */
  observeRun(svc: ServiceKeys, templateId: bigint, fn: string, args: ArgsColumn, from: number, to: number, nowMs: number, bucket: number): SpamKey | undefined {
    const p = this.params;
    const n = to - from;
    let tk: SpamKey | undefined;
    let fk: SpamKey | undefined;
    if (templateId !== 0n && p.templates) {
      tk = svc.templates.get(templateId) ?? this.createKey(svc, 'template', templateId, '', nowMs, bucket);
      if (tk === undefined) this.untracked += n;
      else if (tk.state === 'muted') return this.mutedRecords(tk, n, nowMs, bucket);
      else if (tk.state === 'overridden') {
        this.count(tk, args, from, to, nowMs, bucket, 0n);
        return undefined;
      }
    }
    if (fn.length > MAX_FUNCTION_NAME_LENGTH) {
      if (p.functions) this.untracked += n;
    } else if (fn !== '' && p.functions) {
      fk = svc.functions.get(fn) ?? this.createKey(svc, 'function', 0n, fn, nowMs, bucket);
      if (fk === undefined) this.untracked += n;
      else if (fk.state === 'muted') {
        // The template is evaluated anyway: a manual rule may pin it (see evaluateKey).
        if (tk !== undefined) {
          if (tk.functionKey !== fk) tk.functionKey = fk;
          this.attend(tk);
        }
        return this.mutedRecords(fk, n, nowMs, bucket);
      }
    }
    if (tk !== undefined) {
      this.count(tk, args, from, to, nowMs, bucket, 0n);
      if (tk.functionKey !== fk) tk.functionKey = fk;
    }
    if (fk !== undefined) this.count(fk, args, from, to, nowMs, bucket, templateId);
    return undefined;
  }

  /** `n` records of a muted key: dropped (collector_drop) or passed and counted as offered. */
  private mutedRecords(k: SpamKey, n: number, nowMs: number, bucket: number): SpamKey | undefined {
    k.lastSeenMs = nowMs;
    k.lastDropMs = nowMs;
    if (this.params.collectorDrop) return k;
    k.offered?.add(bucket, n);
    return undefined;
  }

  /**
   * The key an SDK drop report belongs to: the matching muted key (template before
   * function), else one released or overridden less than report_grace ago; else
   * undefined (not an AUTO mute's drop).
   */
  attributeReport(service: string, templateId: bigint, fn: string, nowMs: number, instance = ''): SpamKey | undefined {
    const s = this.services.get(scopeId(service, instance));
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
    const sc = k.shared;
    if (sc !== undefined) {
      sc.addOffered(OFFERED_LOCAL, this.bucketOf(nowMs), n);
      if (!sc.dirty) this.markDirty(k, sc);
    }
    k.lastSeenMs = Math.max(k.lastSeenMs, nowMs);
    k.lastDropMs = Math.max(k.lastDropMs, nowMs);
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
      this.peersActive(k, bucket) ||
      k.streak > 0 ||
      k.pendingSdk + k.pendingCollector > 0 ||
      k.summaryDueMs !== Infinity ||
      // Records still in the window can keep a key above the gates in the next evaluation.
      (k.rate.count >= this.params.minSamples && bucket - k.rate.currentBucket < k.rate.windowBuckets)
    );
  }

  private evaluateKey(k: SpamKey, nowMs: number, bucket: number, seq: number, events: BalancerEvent[]): void {
    const p = this.params;
    this.advanceRate(k, bucket);
    k.offered?.advance(bucket);
    k.shared?.finalize(bucket - this.lagBuckets, k.state === 'normal');
    if (k.state === 'muted') {
      const mode = this.manualMode(this.queryTarget(k));
      if (mode === 'on' || mode === 'off') this.override(k, mode, nowMs, true, events);
      else if (k.follower) {
        // Released when the followed rule is gone (followRules).
        if (nowMs - k.summaryFromMs >= p.summaryIntervalMs) this.summarize(k, nowMs, false, events);
      } else if (p.strategy === 'off') this.release(k, nowMs, 'strategy_off', events);
      else if (k.recheck && nowMs - k.mutedAtMs >= p.releaseWindowBuckets * p.bucketMs && this.recheckMute(k, nowMs)) this.release(k, nowMs, 'strategy_changed', events);
      else if (this.releaseConfirmed(k, nowMs)) this.release(k, nowMs, 'rate_fell', events);
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
        if (k.kind === 'function' && k.service.protectedFunctions.has(k.fn)) {
          // It logs warnings or worse: muting the function would silence them (noteProtected).
          k.streak = 0;
        } else if (k.streak >= p.triggerEvaluations) {
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

  /**
   * The detection figures of a normal key at `nowMs` (see the module comment and
   * config.ts): its own rate's, or the whole rate's when only that is positive.
   */
  detect(k: SpamKey, nowMs: number): DetectionFigures {
    const fig = this.judge(k, k.rate.assess(nowMs, this.params.bucketMs), k.rate.count, nowMs);
    if (fig.positive) return fig;
    const sc = k.shared;
    const bucket = this.bucketOf(nowMs);
    if (sc === undefined || !this.peersActive(k, bucket) || bucket < sc.blockedUntilBucket) return fig;
    // The whole rate over the window ending with the newest final bucket.
    const whole = this.judge(k, sc.combined.assess((sc.finalThrough + 1) * this.params.bucketMs, this.params.bucketMs), k.rate.count, nowMs, sc.combined);
    if (!whole.positive) return fig;
    whole.shared = true;
    return whole;
  }

  /** Whether other collectors reported counts of the key lately (the whole rate is then judged too). */
  private peersActive(k: SpamKey, bucket: number): boolean {
    const sc = k.shared;
    return sc !== undefined && sc.remoteSeenBucket >= bucket - (this.params.windowBuckets + this.lagBuckets + this.flushBuckets);
  }

  /**
   * The strategy's verdict on a rate assessment (of `history`, the key's own by
   * default); entropy over at least the newest `localCount` samples. A key in
   * warm-up is judged only at or above warmup.rate; the rate anomaly is the Z-score
   * above zscore.peak_ratio x the key's peak normal rate, or geometric growth.
   */
  private judge(k: SpamKey, a: ReturnType<RateHistory['assess']>, localCount: number, nowMs: number, history: RateHistory = k.rate): DetectionFigures {
    const p = this.params;
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
    if (nowMs < k.learnUntilMs) {
      fig.learning = true;
      if (a.rate < p.warmupRate) return fig;
    }
    const zAnomaly = zscoreFires(a, p) && a.rate > p.zPeakRatio * this.peakOf(history, nowMs);
    // Growth puts the current rate well above the mean of the segments before it: a cheap test first.
    fig.growth = !zAnomaly && p.growthRatio > 0 && a.rate >= p.growthRatio * a.baselineRate && this.grows(history);
    const anomaly = zAnomaly || fig.growth;
    if (p.strategy === 'zscore' || (p.strategy === 'both' && !anomaly)) {
      fig.positive = p.strategy === 'zscore' && anomaly;
      return fig;
    }
    const svc = k.service;
    const exclude = k.kind === 'function' ? (id: bigint) => svc.templates.get(id)?.state === 'muted' : undefined;
    // The whole rate's count may exceed what this collector saw: the newest samples up to that count.
    // The key's rate now: the window's, or its newest complete bucket's when higher (a flood's first second).
    const rateNow = Math.max(a.rate, (history.bucketCount(1) * 1000) / p.bucketMs);
    const idsTrusted = rateNow <= ID_VOLUME_RATIO * Math.max(p.minRate, this.othersBusiestRate(k, nowMs));
    if (!idsTrusted) fig.idsDistrusted = true;
    const e = k.sample.score(a.count > localCount ? Math.min(a.count, p.sampleSize) : a.count, p, exclude, idsTrusted);
    fig.entropy = e.entropy;
    fig.samples = e.samples;
    fig.positive = e.samples >= p.minSamples && e.entropy <= p.maxEntropy;
    return fig;
  }

  /**
   * The highest rate (records/s, over a rate window) of the key's history while
   * normal, halving every PEAK_HALF_LIFE_MS: learnt from the buckets that entered
   * the baseline, so a burst muted within its rate window is never learnt, while a
   * burst that passed (a periodic job, a key in warm-up) is.
   */
  private peakOf(history: RateHistory, nowMs: number): number {
    const p = this.params;
    return (history.peakCount(this.bucketOf(nowMs)) * 1000) / (history.windowBuckets * p.bucketMs);
  }

  /**
   * The summed busiest rates (records/s: each one's past peak or current level, see
   * RateHistory.peakCount) of the other keys of `k`'s kind in its service and sender
   * scope, at most ID_VOLUME_KEYS of them. Only computed for a key that is a rate
   * anomaly with low-variety arguments to judge.
   */
  private othersBusiestRate(k: SpamKey, nowMs: number): number {
    const keys: Map<unknown, SpamKey> = k.kind === 'template' ? k.service.templates : k.service.functions;
    const bucket = this.bucketOf(nowMs);
    let rate = 0;
    let seen = 0;
    for (const o of keys.values()) {
      if (o === k) continue;
      if (++seen > ID_VOLUME_KEYS) break;
      rate += (o.rate.peakCount(bucket, true) * 1000) / (o.rate.windowBuckets * this.params.bucketMs);
    }
    return rate;
  }

  /** Geometric growth: each of the last GROWTH_SEGMENTS - 1 segments holds growth.ratio x the records of the one before. */
  private grows(history: RateHistory): boolean {
    const p = this.params;
    if (p.growthRatio <= 0 || p.growthSegmentBuckets <= 0) return false;
    const segs = history.segmentCounts(p.growthSegmentBuckets, GROWTH_SEGMENTS);
    if (segs === undefined || segs[GROWTH_SEGMENTS - 1] < p.minSamples) return false;
    for (let i = 0; i < GROWTH_SEGMENTS - 1; i++) if (segs[i] < p.growthRatio * segs[i + 1]) return false;
    return true;
  }

  /**
   * Whether a muted key is to stay muted under the current strategy (after a switch):
   * its offered rate (what it would log unmuted) judged against its history as a
   * normal key's rate, its arguments from before the mute. True = release it.
   */
  private recheckMute(k: SpamKey, nowMs: number): boolean {
    k.recheck = false;
    const p = this.params;
    const a = k.rate.assessRate(this.offeredRate(k, nowMs), p.bucketMs);
    const fig = this.judge(k, a, Math.min(a.count, p.sampleSize), nowMs);
    return !fig.positive;
  }

  /**
   * Offered records/s over release.window (or since the mute, when shorter); with
   * shared rates plus the other collectors' offered records over the same window
   * `lag` buckets behind (their newest counts may still be on the way).
   */
  offeredRate(k: SpamKey, nowMs: number): number {
    if (!k.offered) return 0;
    const p = this.params;
    const windowMs = p.releaseWindowBuckets * p.bucketMs;
    const spanMs = Math.max(p.bucketMs, Math.min(windowMs, nowMs - k.mutedAtMs));
    const local = (k.offered.total * 1000) / spanMs;
    const o = k.shared?.offered;
    if (o === undefined) return local;
    const last = this.bucketOf(nowMs) - this.lagBuckets;
    const remoteSpanMs = Math.min(windowMs, (last + 1) * p.bucketMs - k.mutedAtMs);
    if (remoteSpanMs <= 0) return local;
    const remote = o.sum(OFFERED_REMOTE, Math.max(last - p.releaseWindowBuckets + 1, this.bucketOf(k.mutedAtMs)), last);
    return local + (remote * 1000) / Math.max(p.bucketMs, remoteSpanMs);
  }

  /**
   * Whether a muted key is to be released for its rate: muted for its mute time, no
   * drop for its period (periodic keys), its offered rate at most release.ratio x its
   * trigger level — and all of that for release.confirm (releaseDueSinceMs). When
   * the offered rate comes back above the trigger level meanwhile, the spam returned
   * after a lull: the time since the mute began is taken as its period (the mute is
   * then held until the drops stopped for that long), as a re-mute would have shown.
   */
  private releaseConfirmed(k: SpamKey, nowMs: number): boolean {
    const p = this.params;
    // Followed only once the rest allows a release: what is to be confirmed is that no round starts as the mute ends.
    if (nowMs < k.muteUntilMs || nowMs - k.lastDropMs < k.periodMs) {
      k.releaseDueSinceMs = NaN;
      return false;
    }
    const offered = this.offeredRate(k, nowMs);
    if (offered <= p.releaseRatio * k.triggerLevel) {
      if (Number.isNaN(k.releaseDueSinceMs)) k.releaseDueSinceMs = nowMs;
      return nowMs - k.releaseDueSinceMs >= p.releaseConfirmMs;
    }
    if (!Number.isNaN(k.releaseDueSinceMs) && offered > k.triggerLevel) k.periodMs = Math.max(k.periodMs, nowMs - k.mutedAtMs);
    k.releaseDueSinceMs = NaN;
    return false;
  }

  private mute(k: SpamKey, nowMs: number, bucket: number, fig: DetectionFigures, events: BalancerEvent[]): void {
    const p = this.params;
    if (nowMs - k.releasedAtMs <= p.flapWindowMs) {
      const interval = nowMs - k.mutedAtMs;
      const seenBefore = k.periodMs > 0 && Math.abs(interval - k.periodMs) <= PERIOD_TOLERANCE * k.periodMs;
      if (!seenBefore) k.flapLevel++;
      k.periodMs = interval;
    } else {
      k.flapLevel = 0;
      k.periodMs = 0;
    }
    const muteForMs = Math.min(p.maxMuteMs, p.minMuteMs * Math.pow(2, k.flapLevel));
    const triggerLevel = p.strategy === 'entropy' ? p.minRate : Math.max(p.minRate, p.zMinRatio * fig.baselineRate);
    this.beginMute(k, nowMs, bucket, { follower: false, untilMs: nowMs + muteForMs, triggerLevel, figures: fig }, events);
    events.push({ type: 'mute', key: k, timeMs: nowMs, figures: fig, muteForMs, reason: reasonOf(k, fig) });
  }

  /**
   * Puts a key in 'muted' (its own mute, a follower's or an adopted one) with fresh
   * accounts: late counts of a previous mute close that mute's accounting first.
   */
  private beginMute(
    k: SpamKey,
    nowMs: number,
    bucket: number,
    m: { follower: boolean; untilMs: number; triggerLevel: number; figures: DetectionFigures | undefined; reason?: string },
    events: BalancerEvent[],
  ): void {
    if (k.pendingSdk + k.pendingCollector > 0) this.summarize(k, nowMs, true, events);
    k.summaryDueMs = Infinity;
    k.state = 'muted';
    k.follower = m.follower;
    if (m.reason !== undefined) k.followReason = m.reason;
    k.ruleSeen = m.follower;
    k.streak = 0;
    k.mutedAtMs = nowMs;
    k.muteUntilMs = m.untilMs;
    k.releaseDueSinceMs = NaN;
    k.triggerLevel = m.triggerLevel;
    k.offered = new BucketCounter(this.params.releaseWindowBuckets, bucket);
    k.figures = m.figures;
    k.summaryFromMs = nowMs;
    k.lateUntilMs = Infinity;
    k.totalSdk = 0;
    k.totalCollector = 0;
    this.detachFromFunction(k, bucket);
  }

  /**
   * A template key muted or taken over by a manual rule no longer counts for its
   * function: its records still in the function's window are taken out too (the
   * template explains them).
   */
  private detachFromFunction(k: SpamKey, bucket: number): void {
    const fk = k.kind === 'template' ? k.functionKey : undefined;
    // The others' counts of the function still hold the template's records for a while.
    if (fk?.shared) fk.shared.blockedUntilBucket = Math.max(fk.shared.blockedUntilBucket, bucket + this.params.windowBuckets + this.lagBuckets + this.flushBuckets);
    if (fk === undefined || fk.state === 'muted') return;
    this.advanceRate(fk, bucket);
    fk.rate.subtract((ago) => k.rate.bucketCount(ago));
  }

  private release(k: SpamKey, nowMs: number, cause: ReleaseCause, events: BalancerEvent[]): void {
    const offeredRate = this.offeredRate(k, nowMs);
    const follower = k.follower;
    this.endMute(k, nowMs);
    events.push({
      type: 'unmute',
      key: k,
      timeMs: nowMs,
      cause,
      follower,
      mutedAtMs: k.mutedAtMs,
      offeredRate,
      totalSdk: k.totalSdk,
      totalCollector: k.totalCollector,
    });
  }

  private override(k: SpamKey, mode: ManualMode, nowMs: number, wasMuted: boolean, events: BalancerEvent[]): void {
    const follower = wasMuted && k.follower;
    if (wasMuted) this.endMute(k, nowMs);
    k.state = 'overridden';
    k.overrideMode = mode;
    k.streak = 0;
    events.push({ type: 'override', key: k, timeMs: nowMs, mode, wasMuted, follower, mutedAtMs: k.mutedAtMs, totalSdk: k.totalSdk, totalCollector: k.totalCollector });
  }

  private endMute(k: SpamKey, nowMs: number): void {
    // The function's history lacks the template's records of the mute: the function learns again.
    const fk = k.kind === 'template' ? k.functionKey : undefined;
    if (fk !== undefined) fk.learnUntilMs = Math.max(fk.learnUntilMs, nowMs + this.params.warmupMs);
    k.recheck = false;
    k.state = 'normal';
    k.follower = false;
    k.ruleSeen = false;
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

  /**
   * Closes every account now without lifting any mute (shutdown with durable mutes:
   * the AUTO rules stay for a restarted collector to adopt): a final summary for
   * every key with pending counts.
   */
  closeAccounts(nowMs: number): BalancerEvent[] {
    const events: BalancerEvent[] = [];
    for (const k of this.keys()) {
      if (k.pendingSdk + k.pendingCollector > 0) this.summarize(k, nowMs, true, events);
      k.summaryDueMs = Infinity;
    }
    return events;
  }

  // ---- several collectors (shared rates, followers) ----------------------

  private countShared(k: SpamKey, sc: SharedCounts, bucket: number, n: number): void {
    sc.counts.add(LOCAL, bucket, n);
    if (!sc.dirty) this.markDirty(k, sc);
  }

  private markDirty(k: SpamKey, sc: SharedCounts): void {
    sc.dirty = true;
    this.shareList.push(k);
  }

  /**
   * This collector's counts not handed out yet (records counted per key and bucket,
   * offered records of muted keys), up to the current bucket: the rows of the next
   * spam_rates write. Each count is handed out once.
   */
  takeShareRows(nowMs: number): SpamRateRow[] {
    const bucket = this.bucketOf(nowMs);
    const bucketMs = this.params.bucketMs;
    const list = this.shareList;
    this.shareList = [];
    const rows: SpamRateRow[] = [];
    for (const k of list) {
      const sc = k.shared!;
      sc.dirty = false;
      for (const [b, count, offered] of sc.takeUnsent(bucket)) {
        rows.push({ service: k.service.name, kind: k.kind, templateId: k.templateId, function: k.fn, bucketStartMs: b * bucketMs, bucketMs, count, offered });
      }
    }
    return rows;
  }

  /**
   * Other collectors' counts (spam_rates rows, each applied once). Only keys this
   * collector tracks take them: a key it never sees is not its to judge.
   */
  applyPeerRows(rows: readonly SpamRateRow[], nowMs: number): void {
    if (this.lagBuckets === 0) return;
    const p = this.params;
    const bucket = this.bucketOf(nowMs);
    for (const r of rows) {
      if (r.bucketMs !== p.bucketMs) {
        this.peerRowsIgnored.bucketWidth++;
        continue;
      }
      const svc = this.services.get(scopeId(r.service, ''));
      const k = svc === undefined ? undefined : r.kind === 'template' ? svc.templates.get(r.templateId) : svc.functions.get(r.function);
      const sc = k?.shared;
      if (k === undefined || sc === undefined) continue;
      const b = Math.floor(r.bucketStartMs / p.bucketMs);
      if (b > bucket + this.flushBuckets + 1) {
        this.peerRowsIgnored.ahead++;
        continue;
      }
      if (r.count > 0) {
        if (sc.addRemote(b, r.count) === 'late') this.peerRowsIgnored.late++;
        sc.remoteSeenBucket = bucket;
      }
      if (r.offered > 0 && k.state === 'muted') sc.addOffered(OFFERED_REMOTE, b, r.offered);
      this.attend(k);
    }
  }

  /**
   * The AUTO rules in force, any collector's (call when they change). A key they
   * mute that is normal here becomes a follower (unless `skip` says the rule is on
   * its way out: this collector is clearing it); a muted key whose rule was seen and
   * is gone is released ('released_elsewhere'). A rule on an instance is followed by
   * the key of that sender scope. Rules on both a template and a function are not
   * the balancer's and are ignored.
   */
  followRules(rules: readonly PeerMute[], nowMs: number, skip?: (k: SpamKey) => boolean): BalancerEvent[] {
    const bucket = this.bucketOf(nowMs);
    const events: BalancerEvent[] = [];
    const present = new Set<SpamKey>();
    for (const r of rules) {
      const k = this.ruleKey(r.target, nowMs, bucket);
      if (k === undefined) continue;
      present.add(k);
      if (k.state === 'muted') k.ruleSeen = true;
      else if (k.state === 'normal' && !skip?.(k)) this.follow(k, nowMs, bucket, r.reason, events);
    }
    for (const s of this.services.values()) {
      for (const m of [s.templates, s.functions] as Map<unknown, SpamKey>[]) {
        for (const k of m.values()) if (k.state === 'muted' && k.ruleSeen && !present.has(k)) this.release(k, nowMs, 'released_elsewhere', events);
      }
    }
    return events;
  }

  /**
   * The AUTO rules this collector made (its control writer's, found in force after a
   * restart: graceful, where shutdown keeps them, or kill -9): a tracked or new key
   * they name that is normal here is muted again as this collector's own mute (not
   * a follower), unless `skip` says this collector is clearing the rule. What was
   * lost with the old process is its figures: the mute is judged again after
   * min_mute (the SDKs reconnect and report their drops meanwhile) on its offered
   * counts (SDK reports + collector drops) over release.window — released when they
   * fell to release.ratio x min_rate, else held and summarised as usual.
   */
  adoptRules(rules: readonly PeerMute[], nowMs: number, skip?: (k: SpamKey) => boolean): BalancerEvent[] {
    const p = this.params;
    const bucket = this.bucketOf(nowMs);
    const events: BalancerEvent[] = [];
    for (const r of rules) {
      const k = this.ruleKey(r.target, nowMs, bucket);
      if (k === undefined || k.state !== 'normal' || skip?.(k)) continue;
      // Held min_mute at least: the SDKs report their drops only once they reconnected to this process.
      const untilMs = nowMs + Math.max(p.minMuteMs, p.releaseWindowBuckets * p.bucketMs);
      this.beginMute(k, nowMs, bucket, { follower: false, untilMs, triggerLevel: p.minRate, figures: undefined, reason: r.reason }, events);
      this.attend(k);
      events.push({ type: 'adopt', key: k, timeMs: nowMs, reason: r.reason });
    }
    return events;
  }

  /** The key a rule's target names (created when new), if the balancer judges such keys. */
  private ruleKey(t: MuteTarget, nowMs: number, bucket: number): SpamKey | undefined {
    const p = this.params;
    const isTemplate = t.templateId !== undefined && t.templateId !== 0n && !t.function;
    const isFunction = !isTemplate && (t.templateId === undefined || t.templateId === 0n) && !!t.function;
    if (t.service === '' || (isTemplate ? !p.templates : isFunction ? !p.functions : true)) return undefined;
    const svc = this.service(t.service, t.instance ?? '');
    return isTemplate
      ? (svc.templates.get(t.templateId!) ?? this.createKey(svc, 'template', t.templateId!, '', nowMs, bucket))
      : (svc.functions.get(t.function!) ?? this.createKey(svc, 'function', 0n, t.function!, nowMs, bucket));
  }

  private follow(k: SpamKey, nowMs: number, bucket: number, reason: string, events: BalancerEvent[]): void {
    this.beginMute(k, nowMs, bucket, { follower: true, untilMs: Infinity, triggerLevel: 0, figures: undefined, reason }, events);
    this.attend(k);
    events.push({ type: 'follow', key: k, timeMs: nowMs, reason });
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
      if (s.templates.size === 0 && s.functions.size === 0) {
        this.services.delete(name);
        const siblings = this.scopesByName.get(s.name);
        siblings?.delete(s);
        if (siblings?.size === 0) this.scopesByName.delete(s.name);
      }
    }
  }
}

/** The services map key of (service, sender scope): unambiguous whatever characters a claimed name holds. */
function scopeId(service: string, instance: string): string {
  return JSON.stringify([service, instance]);
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

/** A one-line reason for a mute (the control rule's reason and the log_suppression Reason). */
export function reasonOf(k: SpamKey, f: DetectionFigures): string {
  const parts = [`spam (${f.strategy}): ${fmt(f.rate)} records/s${f.shared ? ' across collectors' : ''}`];
  if (f.strategy !== 'entropy') parts.push(`baseline ${fmt(f.baselineRate, 2)}/s, z=${fmt(f.z)}`);
  if (!Number.isNaN(f.entropy)) parts.push(`argument entropy ${fmt(f.entropy, 2)} over ${f.samples} records${f.idsDistrusted ? ` (numbers read as counters: over ${ID_VOLUME_RATIO}x the service's other lines)` : ''}`);
  return `${parts.join(', ')} (${k.kind} key)`;
}
