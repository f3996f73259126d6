/**
 * The control plane of one collector: the current rules, kept in ClickHouse
 * (`control_rules`, see table.ts) so that every collector on the same store agrees.
 *
 * - start(): opens the store, creates the table, loads the rules; then polls a
 *   cheap signature every `pollIntervalMs` (default 100 ms) and reloads when another
 *   collector wrote. An unreachable store does not stop the collector: rules are
 *   empty until it answers (records pass: fail open), and writes fail with
 *   ControlStoreUnavailableError meanwhile.
 * - setRule / clearRule (manual) and setAuto / clearAuto (the spam balancer) write
 *   first and then apply locally at once: subscribers hear of the change before the
 *   call resolves.
 * - subscribe(listener): called with the full active rule set whenever it changes
 *   (a local write, another collector's write seen by the poll, a rule expiring).
 * - rulesForSdk / controlUpdateFor: what to push down an SDK's stream (flattened so
 *   "most specific rule wins" is all an SDK needs; see rules.ts sdkRulesFor).
 * - index / decide: per-record decisions for the `control` processor.
 * - limits (ControlLimits): manual rules per service and in all, automatic rules
 *   per service, and the size of the update an SDK would be pushed; a write past
 *   one is refused with RuleLimitError (the API's 413) and nothing is stored.
 *   Pushed updates are also capped when computed (capSdkRules), since rules written
 *   before the limits, or by other collectors, can exceed them.
 *
 * Versions: micros·1000 + salt, where micros = max(now in µs, the micros part of the
 * highest version seen + 1, our previous micros + 1) and salt is random per plane
 * (0..999). A write is thus newer than everything its writer has seen, versions of
 * different writers never tie in practice, and the number fits UInt64 until 2262.
 */
import { hostname } from 'os';
import { randomInt } from 'crypto';
import type { DiagLogger } from '../pipeline/component';
import type { Metrics, Counter } from '../telemetry/metrics';
import { openClickHouse, type ClickHouseStore } from '../storage/clickhouse-client';
import { clickHouseErrorCode, errorMessage } from '../storage/clickhouse-errors';
import type { TableEngine } from '../storage/clickhouse-schema';
import {
  KEEP_ALL,
  MAX_REASON_LENGTH,
  MAX_SDK_RULES,
  MAX_SDK_UPDATE_BYTES,
  RuleIndex,
  capSdkRules,
  localizeSdkRules,
  sdkRulesWireBytes,
  manualRuleAt,
  RuleValidationError,
  normalizeTarget,
  parseMinSeverity,
  parseSampleRate,
  parseState,
  ruleKey,
  sdkRulesFor,
  shortRuleId,
  type ControlRule,
  type Decision,
  type RecordKeys,
  type RuleSource,
  type RuleState,
  type RuleTarget,
  type SdkControlRule,
  type SdkControlUpdate,
  type Target,
} from './rules';
import { ControlRulesTable, type StoredRule } from './table';

export { DEFAULT_CONTROL_TABLE } from './table';

export interface ControlPlaneOptions {
  /** `chdb://<folder>` or `http(s)://host:port` (the clickhouse exporter's store). */
  endpoint: string;
  /** Default `otel`. */
  database?: string;
  username?: string;
  password?: string;
  /** Default control_rules. */
  table?: string;
  clusterName?: string;
  tableEngine?: TableEngine;
  /** CREATE DATABASE / TABLE IF NOT EXISTS at connect (default true); off where the store's user may not run DDL. */
  createSchema?: boolean;
  /** How often other collectors' writes are looked for. Default 100 ms. */
  pollIntervalMs?: number;
  /** Per ClickHouse request. Default 10 s. */
  requestTimeoutMs?: number;
  /** UpdatedBy of automatic decisions and of writes that name nobody. Default `collector@<hostname>`. */
  writerName?: string;
  metrics: Metrics;
  logger: DiagLogger;
  /** The clock (ms since the epoch); tests of expiry replace it. */
  now?: () => number;
  /** Caps on the rule set (defaults: DEFAULT_CONTROL_LIMITS). */
  limits?: Partial<ControlLimits>;
}

/**
 * Bounds on what the rules can grow to. A write past one is refused (RuleLimitError)
 * before anything is stored; rules already in the store are kept (another collector,
 * or an older version, may have written them) and pushed updates are capped anyway.
 */
export interface ControlLimits {
  /** Manual rules naming one service. */
  maxManualRulesPerService: number;
  /** Manual rules in all. */
  maxManualRules: number;
  /** Automatic (balancer) rules naming one service: instance-scoped mutes multiply with instances. */
  maxAutoRulesPerService: number;
  /** Encoded size cap of the ControlUpdate pushed to one SDK (rules.ts MAX_SDK_UPDATE_BYTES). */
  maxSdkUpdateBytes: number;
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = Object.freeze({
  maxManualRulesPerService: 1_000,
  maxManualRules: 10_000,
  maxAutoRulesPerService: 2_000,
  maxSdkUpdateBytes: MAX_SDK_UPDATE_BYTES,
});

/** A write that would take the rule set past a ControlLimits bound: refused, nothing stored (HTTP 413). */
export class RuleLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleLimitError';
  }
}

/** Called with every active rule (manual and automatic) after each change. */
export type ControlListener = (rules: readonly ControlRule[], version: bigint) => void;

/** A manual rule as API callers give it. */
export interface RuleInput {
  target: RuleTarget;
  state: RuleState;
  /** (0, 1]; default 1. */
  sampleRate?: number;
  /** Severity number 0..24 or a level name; default 0 (none). */
  minSeverity?: number | string;
  reason?: string;
  updatedBy?: string;
}

export interface AutoOptions {
  /** Throttle to this fraction instead of muting. */
  sampleRate?: number;
  /** The decision lapses after this long unless set again (so a crashed balancer cannot mute forever). 0/undefined = never. */
  ttlMs?: number;
}

/** The store cannot be reached (or the plane is not started): the write did not happen. */
export class ControlStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlStoreUnavailableError';
  }
}

const MAX_BACKOFF_MS = 5_000;
const UNKNOWN_TABLE = 60;
const UNKNOWN_DATABASE = 81;

export class ControlPlane {
  private store: ClickHouseStore | undefined;
  private table: ControlRulesTable | undefined;
  private readonly rows = new Map<string, StoredRule>();
  private activeList: ControlRule[] = [];
  private activeByKey = new Map<string, ControlRule>();
  private fingerprint = '';
  private idx = new RuleIndex([]);
  private maxVersion = 0n;
  private lastMicros = 0n;
  private readonly salt = BigInt(randomInt(0, 1000));
  private nextExpiry = 0;
  private lastSignature: string | undefined;
  /** `${service}\0${instance}` of every active rule naming an instance. */
  private namedInstances = new Set<string>();
  private readonly sdkCache = new Map<string, { rules: SdkControlRule[]; truncated: boolean }>();
  private readonly listeners = new Set<ControlListener>();
  /** Set once the first reload after connecting succeeded (ready); listeners hear of it even when no rule changed. */
  private rulesLoaded = false;
  private readonly droppedByRule = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private failures = 0;
  private started = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly counters: { errors: Counter; changes: Counter; rules: Counter; refused: Counter; truncated: Counter };
  readonly limits: ControlLimits;
  readonly pollIntervalMs: number;
  readonly writerName: string;

  constructor(readonly options: ControlPlaneOptions) {
    this.now = options.now ?? Date.now;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.writerName = options.writerName ?? `collector@${hostname()}`;
    this.limits = { ...DEFAULT_CONTROL_LIMITS, ...(options.limits ?? {}) };
    const m = options.metrics;
    this.counters = {
      errors: m.counter('logfun_control_store_errors_total', 'Control rule store operations that failed, by operation (connect, poll, write)'),
      changes: m.counter('logfun_control_rule_changes_total', 'Changes of the active control rule set, by origin (local, store, expiry)'),
      rules: m.gauge('logfun_control_rules', 'Active control rules, by source (manual, auto)'),
      refused: m.counter('logfun_control_rules_refused_total', 'Rule writes refused at a limit, by source (manual, auto) and limit (rules_per_service, rules, update_bytes)'),
      truncated: m.counter('logfun_control_sdk_updates_truncated_total', 'SDK control updates computed with OFF rules left out to stay under the size cap'),
    };
  }

  /** True once the store answered and the rules were loaded. */
  get ready(): boolean {
    return this.table !== undefined && this.rulesLoaded;
  }

  /** Every active rule (manual and automatic), ordered by (source, target). */
  get rules(): readonly ControlRule[] {
    return this.activeList;
  }

  /** The highest version seen (cleared rules included): grows with every change. */
  get version(): bigint {
    return this.maxVersion;
  }

  /** The active rules indexed for per-record decisions; replaced (not mutated) on change. */
  get index(): RuleIndex {
    return this.idx;
  }

  decide(keys: RecordKeys): Decision {
    return this.idx.size === 0 ? KEEP_ALL : this.idx.decide(keys);
  }

  /** The active rule of (target, source), if any. */
  rule(target: RuleTarget, source: RuleSource = 'manual'): ControlRule | undefined {
    return this.activeByKey.get(ruleKey(normalizeTarget(target, false), source));
  }

  /**
   * The mode people chose for a target (the most specific manual rule covering it,
   * rules.ts manualRuleAt): 'on' / 'off' (the balancer must step back) or 'auto' /
   * undefined (the balancer decides). For the spam balancer's AutoMuteSink.
   */
  manualModeOf(target: RuleTarget): RuleState | undefined {
    const t = normalizeTarget(target, false);
    const list = this.idx.forService(t.service);
    if (list === undefined) return undefined;
    return manualRuleAt(this.activeList, t)?.state;
  }

  /** Calls `listener` after every change of the active rules; returns the unsubscribe function. */
  subscribe(listener: ControlListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The flattened rules for the SDKs of `service` (of one instance when given),
   * capped to limits.maxSdkUpdateBytes; cached until the rules change. `local`:
   * the SDK did not claim `instance` (a stream-scoped sender), so rules naming it
   * are sent without it (rules.ts localizeSdkRules).
   */
  rulesForSdk(service: string, instance?: string, local = false): SdkControlRule[] {
    return this.sdkEntry(service, instance, local).rules;
  }

  private sdkEntry(service: string, instance: string | undefined, local: boolean): { rules: SdkControlRule[]; truncated: boolean } {
    // An instance no rule names gets the service-wide rules: one entry shared by all such instances.
    if (instance !== undefined && instance !== '' && !this.namedInstances.has(`${service}\u0000${instance}`)) {
      instance = '';
      local = false;
    }
    const key = `${service}\u0000${instance ?? '\u0001'}\u0000${local ? 1 : 0}`;
    let entry = this.sdkCache.get(key);
    if (entry === undefined) {
      let rules = sdkRulesFor(this.activeList, service, instance);
      if (local && instance !== undefined) rules = localizeSdkRules(rules, instance);
      entry = capSdkRules(rules, this.limits.maxSdkUpdateBytes);
      if (entry.truncated) {
        this.counters.truncated.inc();
        this.options.logger.warn('control update for an SDK exceeds its size cap; OFF rules left out (the collector still applies them)', {
          service,
          instance: instance ?? '',
          rules: rules.length,
          sent: entry.rules.length,
          cap_bytes: this.limits.maxSdkUpdateBytes,
        });
      }
      if (this.sdkCache.size >= 10_000) this.sdkCache.clear();
      this.sdkCache.set(key, entry);
    }
    return entry;
  }

  /**
   * A logfun.v1.ControlUpdate for the SDKs of `service` (all of them, or those of
   * one instance / sender scope: see rulesForSdk): pass it to the ingest service's setControl.
   */
  controlUpdateFor(service: string, instance?: string, local = false): SdkControlUpdate {
    const entry = this.sdkEntry(service, instance, local);
    return entry.truncated ? { rules: entry.rules, version: this.maxVersion, truncated: true } : { rules: entry.rules, version: this.maxVersion };
  }

  /** Records dropped here by the `control` processor, counted against the deciding rule. */
  countDropped(rule: ControlRule, n: number): void {
    const k = ruleKey(rule.target, rule.source);
    this.droppedByRule.set(k, (this.droppedByRule.get(k) ?? 0) + n);
  }

  /** Records this collector dropped because of the rule of (target, source). */
  droppedCount(target: Target, source: RuleSource): number {
    return this.droppedByRule.get(ruleKey(target, source)) ?? 0;
  }

  // ---------------------------------------------------------------------------
  // Lifecycle.

  /**
   * Connects and loads (waiting at most 5 s, so an unresponsive store does not hold up
   * the collector); a store that does not answer is retried in the background (see ready).
   */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.runTick(), new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }

  /** Stops polling and releases the store; safe twice and before start. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A tick stuck on an unresponsive store is not waited for beyond 2 s: it sees `stopped` and closes what it opened.
    const bound = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
    await Promise.race([Promise.all([this.tick?.catch(() => undefined), this.writes.catch(() => undefined)]), bound]);
    const store = this.store;
    this.store = undefined;
    this.table = undefined;
    this.listeners.clear();
    if (store) await store.close();
  }

  /** Looks for other collectors' changes now (and reconnects if needed). */
  async refresh(): Promise<void> {
    for (let t = this.tick; t !== undefined; t = this.tick) await t.catch(() => undefined);
    if (this.stopped) return;
    await this.runTick();
  }

  private runTick(): Promise<void> {
    if (this.tick) return this.tick;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const t = this.pollOnce().finally(() => {
      if (this.tick === t) this.tick = undefined;
      this.schedule();
    });
    this.tick = t;
    return t;
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.tick) return;
    const delay = this.failures === 0 ? this.pollIntervalMs : Math.min(MAX_BACKOFF_MS, this.pollIntervalMs * 2 ** Math.min(this.failures, 16));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runTick();
    }, delay);
    this.timer.unref();
  }

  private async pollOnce(): Promise<void> {
    const op = this.table ? 'poll' : 'connect';
    try {
      if (!this.table) await this.connect();
      else await this.reload();
      if (this.failures > 0) this.options.logger.info('control rule store reachable again', { endpoint: this.options.endpoint });
      this.failures = 0;
    } catch (err) {
      if (this.stopped) return;
      this.counters.errors.inc({ operation: op });
      const code = clickHouseErrorCode(err);
      if (op === 'poll' && (code === UNKNOWN_TABLE || code === UNKNOWN_DATABASE)) {
        // The table was dropped: forget its rules and start over (recreating it) at the next tick.
        this.options.logger.warn('control_rules table is gone; its rules no longer apply, reconnecting', { endpoint: this.options.endpoint });
        await this.disconnect();
        this.rows.clear();
        this.lastSignature = undefined;
        this.recompute('store');
      }
      if (this.failures === 0) {
        this.options.logger.warn(
          op === 'connect'
            ? 'control rule store not reachable; rules apply once it answers (records pass meanwhile)'
            : 'control rules could not be reloaded; keeping the last known rules',
          { endpoint: this.options.endpoint, error: errorMessage(err) },
        );
      }
      this.failures++;
    }
    this.expireDue();
  }

  private async disconnect(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    this.table = undefined;
    if (store) await store.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const o = this.options;
    const store = await openClickHouse({
      endpoint: o.endpoint,
      username: o.username,
      password: o.password,
      database: o.database ?? 'otel',
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    });
    if (this.stopped) {
      await store.close();
      return;
    }
    try {
      const table = new ControlRulesTable(store, {
        database: o.database ?? 'otel',
        table: o.table,
        clusterName: o.clusterName,
        tableEngine: o.tableEngine,
      });
      if (o.createSchema !== false) await table.createSchema();
      this.store = store;
      this.table = table;
      await this.reload();
      if (this.stopped) throw new Error('control plane shut down while connecting');
      this.rulesLoaded = true;
      this.options.logger.info('control plane ready', { endpoint: store.endpoint, table: table.tableName, rules: this.activeList.length });
      // What SDKs were sent before (nothing: see sdk-push.ts) is now known to be the stored rules.
      this.notifyListeners();
    } catch (e) {
      this.store = undefined;
      this.table = undefined;
      await store.close();
      throw e;
    }
  }

  private async reload(): Promise<void> {
    const table = this.table;
    if (!table) return;
    // The signature is read before the rows: a write landing in between shows up as a new signature next time.
    const signature = await table.signature();
    if (signature === this.lastSignature) return;
    const rows = await table.readLatest();
    this.lastSignature = signature;
    for (const r of rows) this.merge(r);
    this.recompute('store');
  }

  // ---------------------------------------------------------------------------
  // Writes.

  /** Sets (creates or replaces) the manual rule of a target. */
  async setRule(input: RuleInput): Promise<ControlRule> {
    if (input === null || typeof input !== 'object') throw new RuleValidationError('rule: expected an object');
    const state = parseState(input.state);
    const reason = typeof input.reason === 'string' ? input.reason : '';
    if (reason.length > MAX_REASON_LENGTH) throw new RuleValidationError(`reason: ${reason.length} characters, more than ${MAX_REASON_LENGTH}`);
    const rule: Omit<ControlRule, 'version' | 'updatedAt'> = {
      target: normalizeTarget(input.target),
      state,
      sampleRate: parseSampleRate(input.sampleRate),
      minSeverity: parseMinSeverity(input.minSeverity),
      source: 'manual',
      reason,
      updatedBy: typeof input.updatedBy === 'string' && input.updatedBy ? input.updatedBy : this.writerName,
      expiresAt: 0,
    };
    this.checkLimits(rule);
    return this.write(rule);
  }

  /**
   * Refuses (RuleLimitError) a new rule that would take its service past a count
   * limit, or a manual rule that would make the update of an SDK of its service (of
   * its instance, or of an instance no rule names) larger than maxSdkUpdateBytes.
   * Replacing an existing rule of the same (target, source) never counts as one more.
   */
  private checkLimits(rule: Omit<ControlRule, 'version' | 'updatedAt'>): void {
    const key = ruleKey(rule.target, rule.source);
    const replacing = this.activeByKey.has(key);
    const service = rule.target.service;
    const refuse = (limit: string, message: string): never => {
      this.counters.refused.inc({ source: rule.source, limit });
      throw new RuleLimitError(message);
    };
    if (!replacing) {
      let inService = 0;
      let inAll = 0;
      for (const r of this.activeList) {
        if (r.source !== rule.source) continue;
        inAll++;
        if (r.target.service === service) inService++;
      }
      const perService = rule.source === 'manual' ? this.limits.maxManualRulesPerService : this.limits.maxAutoRulesPerService;
      if (inService >= perService) refuse('rules_per_service', `service ${JSON.stringify(service)} has ${inService} ${rule.source} rules, the most allowed (delete some first)`);
      if (rule.source === 'manual' && inAll >= this.limits.maxManualRules) refuse('rules', `${inAll} manual rules exist, the most allowed (delete some first)`);
    }
    if (rule.source !== 'manual') return;
    const candidate = this.activeList.filter((r) => ruleKey(r.target, r.source) !== key);
    candidate.push({ ...rule, version: 0n, updatedAt: 0 });
    const flattened = sdkRulesFor(candidate, service, rule.target.instance);
    const bytes = sdkRulesWireBytes(flattened);
    if (bytes > this.limits.maxSdkUpdateBytes || flattened.length >= MAX_SDK_RULES) {
      refuse(
        'update_bytes',
        `with this rule the control update of an SDK of ${JSON.stringify(service)} would be ${flattened.length} rules, ~${bytes} bytes, over the ${this.limits.maxSdkUpdateBytes}-byte cap (use fewer or broader rules)`,
      );
    }
  }

  /** Removes the rule of (target, source); false when there was none. */
  async clearRule(target: RuleTarget, options: { source?: RuleSource; updatedBy?: string } = {}): Promise<boolean> {
    const t = normalizeTarget(target, false);
    const source = options.source ?? 'manual';
    const existing = this.rows.get(ruleKey(t, source));
    if (!existing || existing.deleted) return false;
    await this.write({ ...existing, updatedBy: options.updatedBy || this.writerName, reason: '', expiresAt: 0 }, true);
    return true;
  }

  /**
   * The spam balancer's decision for a target: mute it (or throttle it to
   * `sampleRate`), with a reason people will read. Manual ON/OFF rules still win
   * (rules.ts). Setting the same decision again is free (no write) unless its
   * ttl is more than half spent, in which case it is renewed.
   */
  async setAuto(target: RuleTarget, reason: string, options: AutoOptions = {}): Promise<ControlRule> {
    const t = normalizeTarget(target);
    const throttle = options.sampleRate !== undefined && options.sampleRate < 1;
    const sampleRate = throttle ? parseSampleRate(options.sampleRate) : 1;
    const state: RuleState = throttle ? 'on' : 'off';
    const ttlMs = options.ttlMs ?? 0;
    if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new RuleValidationError(`ttlMs ${ttlMs}: expected a non-negative number of milliseconds`);
    const now = this.now();
    const current = this.activeByKey.get(ruleKey(t, 'auto'));
    if (
      current &&
      current.state === state &&
      current.sampleRate === sampleRate &&
      (ttlMs === 0 ? current.expiresAt === 0 : current.expiresAt !== 0 && current.expiresAt - now > ttlMs / 2)
    ) {
      return current;
    }
    const rule: Omit<ControlRule, 'version' | 'updatedAt'> = {
      target: t,
      state,
      sampleRate,
      minSeverity: 0,
      source: 'auto',
      reason: reason.length > MAX_REASON_LENGTH ? reason.slice(0, MAX_REASON_LENGTH) : reason,
      updatedBy: this.writerName,
      expiresAt: ttlMs > 0 ? now + ttlMs : 0,
    };
    this.checkLimits(rule);
    return this.write(rule);
  }

  /** The target of the stored (not deleted) rule of `source` whose rules.ts shortRuleId is `id`, if any. */
  targetOfShortId(id: string, source: RuleSource = 'manual'): Target | undefined {
    for (const r of this.rows.values()) {
      if (!r.deleted && r.source === source && shortRuleId(r.target) === id) return r.target;
    }
    return undefined;
  }

  /** Lifts the balancer's decision for a target; false when there was none. */
  clearAuto(target: RuleTarget): Promise<boolean> {
    return this.clearRule(target, { source: 'auto' });
  }

  private write(rule: Omit<ControlRule, 'version' | 'updatedAt'>, deleted = false): Promise<ControlRule> {
    const run = async (): Promise<ControlRule> => {
      const table = this.table;
      if (!table || this.stopped) {
        throw new ControlStoreUnavailableError(`control rule store ${this.options.endpoint} is not available${this.stopped ? ' (shut down)' : ''}`);
      }
      const row: StoredRule = { ...rule, version: this.nextVersion(), updatedAt: this.now(), deleted };
      try {
        await table.write([row]);
      } catch (err) {
        this.counters.errors.inc({ operation: 'write' });
        throw new ControlStoreUnavailableError(`control rule not stored: ${errorMessage(err)}`);
      }
      this.merge(row);
      this.recompute('local');
      const { deleted: _d, ...plain } = row;
      return plain;
    };
    // Writes run one at a time, so this plane's versions are handed out and applied in order.
    const p = this.writes.then(run, run);
    this.writes = p.catch(() => undefined);
    return p;
  }

  private nextVersion(): bigint {
    const nowMicros = BigInt(Math.floor(this.now())) * 1000n;
    let micros = nowMicros;
    const seen = this.maxVersion / 1000n + 1n;
    if (seen > micros) micros = seen;
    if (this.lastMicros + 1n > micros) micros = this.lastMicros + 1n;
    this.lastMicros = micros;
    return micros * 1000n + this.salt;
  }

  // ---------------------------------------------------------------------------
  // Local state.

  /** Keeps the newer of the known and the given row of its key (so a stale read never undoes a newer write). */
  private merge(row: StoredRule): void {
    const key = ruleKey(row.target, row.source);
    const known = this.rows.get(key);
    if (!known || row.version > known.version) this.rows.set(key, row);
    if (row.version > this.maxVersion) this.maxVersion = row.version;
  }

  private expireDue(): void {
    if (this.nextExpiry !== 0 && this.now() >= this.nextExpiry) this.recompute('expiry');
  }

  private recompute(origin: 'local' | 'store' | 'expiry'): void {
    const now = this.now();
    const active: ControlRule[] = [];
    let nextExpiry = 0;
    for (const [, r] of [...this.rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (r.deleted) continue;
      if (r.expiresAt !== 0) {
        if (r.expiresAt <= now) continue;
        if (nextExpiry === 0 || r.expiresAt < nextExpiry) nextExpiry = r.expiresAt;
      }
      const { deleted: _d, ...rule } = r;
      active.push(rule);
    }
    this.nextExpiry = nextExpiry;
    const fingerprint = active.map((r) => `${ruleKey(r.target, r.source)}@${r.version}`).join('\n');
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    this.activeList = active;
    this.activeByKey = new Map(active.map((r) => [ruleKey(r.target, r.source), r]));
    this.idx = new RuleIndex(active);
    this.namedInstances = new Set(active.filter((r) => r.target.instance !== '').map((r) => `${r.target.service}\u0000${r.target.instance}`));
    this.sdkCache.clear();
    this.counters.changes.inc({ origin });
    this.counters.rules.set({ source: 'manual' }, active.filter((r) => r.source === 'manual').length);
    this.counters.rules.set({ source: 'auto' }, active.filter((r) => r.source === 'auto').length);
    this.notifyListeners();
  }

  private notifyListeners(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.activeList, this.maxVersion);
      } catch (err) {
        this.options.logger.error('control rule listener failed', { error: errorMessage(err) });
      }
    }
  }
}
