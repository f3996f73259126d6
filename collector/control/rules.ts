/**
 * Control rules and how they decide the fate of a record. Pure: no I/O, no clock.
 *
 * A rule targets a service, optionally narrowed to a service instance, a function
 * (`code.function`) and/or a template id. Its state is:
 *   ON   pinned on: records pass (with the rule's sample rate and severity floor);
 *        the spam balancer may not mute them;
 *   OFF  pinned off: records are dropped;
 *   AUTO handed to the spam balancer: records pass unless an automatic decision
 *        mutes (or throttles) them (with the rule's sample rate and severity floor).
 * No manual rule at all means AUTO with no sampling and no floor.
 *
 * Rules come from two sources: `manual` (people: API, CLI, console) and `auto` (the
 * spam balancer: `off` = mute, `on` with a sample rate < 1 = throttle). There is at
 * most one rule per (target, source).
 *
 * Resolution for a record with keys (service, instance, function, templateId):
 *   1. A rule matches when its service equals the record's and each of its other
 *      target fields is empty (0 for the template) or equal to the record's.
 *   2. Specificity of a target: template > function > instance > service, as the
 *      rank 4·[template set] + 2·[function set] + 1·[instance set]; two different
 *      targets that both match one record never have the same rank.
 *   3. The most specific matching MANUAL rule sets the mode (ON / OFF / AUTO); with
 *      none the mode is AUTO. This is how "a manual rule always wins over AUTO":
 *      a manual ON or OFF at any level overrides every automatic decision beneath
 *      it, unless a more specific manual AUTO rule hands that part back.
 *   4. Mode OFF: drop (reason `off`). Mode ON: keep, with the manual rule's sample
 *      rate and severity floor.
 *   5. Mode AUTO: the most specific matching AUTO-source rule applies: a mute drops
 *      (reason `auto`); a throttle keeps with sample rate min(auto, manual). The
 *      severity floor and sample rate of the manual AUTO rule (if any) apply too.
 * A rule's fields apply as a whole: a more specific rule does not inherit the sample
 * rate or severity floor of a less specific one.
 *
 * Sample rates are in (0, 1] (1 keeps everything; dropping everything is OFF).
 * Severity floors are OTel severity numbers 0..24 (0 = none); records with severity
 * 0 (unspecified) are never dropped by a floor, since their level is unknown.
 */
import { createHash } from 'crypto';
import { SEVERITY_NUMBER, severityTextOf, type LevelName } from '../../protocol/severity';

export type RuleState = 'on' | 'off' | 'auto';
export type RuleSource = 'manual' | 'auto';

/** A normalised target: '' / 0n mean "any". `service` is never empty. */
export interface Target {
  service: string;
  instance: string;
  function: string;
  templateId: bigint;
}

/** A target as callers write it (optional fields = any). */
export interface RuleTarget {
  service: string;
  instance?: string;
  function?: string;
  /** uint64; 0 / undefined = any template. */
  templateId?: bigint;
}

export interface ControlRule {
  target: Target;
  state: RuleState;
  /** (0, 1]: the fraction of matching records kept. */
  sampleRate: number;
  /** OTel severity number 0..24; records below it are dropped (0 = no floor). */
  minSeverity: number;
  source: RuleSource;
  reason: string;
  /** Orders writes of one (target, source) across collectors: the highest wins. */
  version: bigint;
  /** Milliseconds since the epoch. */
  updatedAt: number;
  updatedBy: string;
  /** Milliseconds since the epoch after which the rule no longer applies; 0 = never. */
  expiresAt: number;
}

/** The keys of one record that rules match on ('' / 0n when the record has none). */
export interface RecordKeys {
  service: string;
  instance: string;
  function: string;
  templateId: bigint;
}

export type DropReason = 'off' | 'auto';

export interface Decision {
  /** Drop every matching record (OFF, or an automatic mute). */
  drop: boolean;
  /** Why `drop` is set. */
  dropReason: DropReason | undefined;
  /** Fraction of records kept when not dropped, (0, 1]. */
  sampleRate: number;
  /** Records with 0 < severity < minSeverity are dropped. */
  minSeverity: number;
  /** The rule that decided (the one drops are counted against); undefined when no rule matched. */
  rule: ControlRule | undefined;
}

export const KEEP_ALL: Decision = Object.freeze({ drop: false, dropReason: undefined, sampleRate: 1, minSeverity: 0, rule: undefined });

const UINT64_MAX = (1n << 64n) - 1n;

export class RuleValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleValidationError';
  }
}

/**
 * Longest target fields a rule may name, in UTF-16 code units (what String.length
 * counts). Generous for real names (service.name, service.instance.id, a qualified
 * code.function), small enough that a rule id fits a URL and thousands of rules fit
 * one pushed ControlUpdate (see MAX_SDK_UPDATE_BYTES).
 */
export const MAX_TARGET_FIELD_LENGTH = { service: 256, instance: 256, function: 512 } as const;
/** Longest `reason` a rule keeps (a longer one is refused). */
export const MAX_REASON_LENGTH = 1024;

/**
 * Validates and normalises a target; throws RuleValidationError. `bounded` (the
 * default, for targets of new rules) also enforces MAX_TARGET_FIELD_LENGTH; lookups
 * and deletes pass false, so a rule stored before the bound existed (or a key the
 * balancer tracks) can still be named.
 */
export function normalizeTarget(t: RuleTarget, bounded = true): Target {
  if (t === null || typeof t !== 'object') throw new RuleValidationError('target: expected an object with at least a service');
  if (typeof t.service !== 'string' || t.service === '') throw new RuleValidationError('target.service: required (a service.name)');
  const text = (v: unknown, name: string): string => {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new RuleValidationError(`target.${name}: expected a string`);
    return v;
  };
  if (bounded) checkLength(t.service, 'service');
  const templateId = t.templateId ?? 0n;
  if (typeof templateId !== 'bigint' || templateId < 0n || templateId > UINT64_MAX) {
    throw new RuleValidationError('target.templateId: expected an unsigned 64-bit integer');
  }
  const instance = text(t.instance, 'instance');
  const fn = text(t.function, 'function');
  if (bounded) {
    checkLength(instance, 'instance');
    checkLength(fn, 'function');
  }
  return { service: t.service, instance, function: fn, templateId };
}

function checkLength(v: string, field: keyof typeof MAX_TARGET_FIELD_LENGTH): void {
  const max = MAX_TARGET_FIELD_LENGTH[field];
  if (v.length > max) throw new RuleValidationError(`target.${field}: ${v.length} characters, more than the ${max} a rule may name`);
}

/** Whether a target's fields are within MAX_TARGET_FIELD_LENGTH (so normalizeTarget accepts it). */
export function targetFitsLimits(t: RuleTarget): boolean {
  return (
    t.service.length <= MAX_TARGET_FIELD_LENGTH.service &&
    (t.instance ?? '').length <= MAX_TARGET_FIELD_LENGTH.instance &&
    (t.function ?? '').length <= MAX_TARGET_FIELD_LENGTH.function
  );
}

/**
 * A canonical, reversible text for a target: the four fields URI-encoded and joined
 * by '/' (service/instance/function/templateId), e.g. `checkout//pay/0`.
 * Used as the rule id in the API and for `DELETE ?target=`.
 */
export function targetKey(t: Target): string {
  return [t.service, t.instance, t.function, t.templateId.toString()].map(encodeURIComponent).join('/');
}

/**
 * A short id of a rule's target: `r` + 16 hex digits of SHA-256(targetKey). Stable
 * across collectors and restarts, fits any URL whatever the target's length (rules
 * stored before targets were bounded can be longer than a query string allows), and
 * accepted by DELETE next to the target key. 64 bits: a collision among one store's
 * rules is not a practical concern, and a delete by short id is resolved against the
 * rules that exist (an id that matches none is a 404).
 */
export function shortRuleId(t: Target): string {
  return `r${createHash('sha256').update(targetKey(t)).digest('hex').slice(0, 16)}`;
}

/** Whether `s` has the shape of a shortRuleId. */
export function isShortRuleId(s: string): boolean {
  return /^r[0-9a-f]{16}$/.test(s);
}

/** The target of a targetKey (unbounded: it names an existing rule). */
export function parseTargetKey(key: string): Target {
  const parts = key.split('/');
  if (parts.length !== 4) throw new RuleValidationError(`target "${key.length > 200 ? key.slice(0, 200) + '...' : key}": expected service/instance/function/templateId`);
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new RuleValidationError('target: not a valid rule id (bad %-encoding)');
  }
  const [service, instance, fn, id] = decoded;
  return normalizeTarget({ service, instance, function: fn, templateId: parseTemplateId(id) }, false);
}

/** One rule per (target, source): the key the store and the plane index rules by. */
export function ruleKey(target: Target, source: RuleSource): string {
  return `${source}:${targetKey(target)}`;
}

/** Template ids as users and JSON write them: decimal text (uint64), `0x` hex, or a safe integer. */
export function parseTemplateId(v: unknown): bigint {
  if (v === undefined || v === null || v === '') return 0n;
  let id: bigint;
  if (typeof v === 'bigint') id = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) id = BigInt(v);
  else if (typeof v === 'string' && /^\s*(\d+|0x[0-9a-fA-F]+)\s*$/.test(v)) id = BigInt(v.trim());
  else throw new RuleValidationError(`template id ${JSON.stringify(v)}: expected an unsigned 64-bit integer (decimal text or 0x hex)`);
  if (id < 0n || id > UINT64_MAX) throw new RuleValidationError(`template id ${v}: out of the unsigned 64-bit range`);
  return id;
}

/** A severity floor as users write it: a level name (trace..fatal), an OTel severity number 0..24, or ''/none. */
export function parseMinSeverity(v: unknown): number {
  if (v === undefined || v === null || v === '' || v === 'none') return 0;
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+\s*$/.test(v))) {
    const n = Number(v);
    if (Number.isInteger(n) && n >= 0 && n <= 24) return n;
  } else if (typeof v === 'string') {
    const name = v.trim().toLowerCase().replace(/^warning$/, 'warn') as LevelName;
    if (Object.prototype.hasOwnProperty.call(SEVERITY_NUMBER, name)) return SEVERITY_NUMBER[name];
  }
  throw new RuleValidationError(`min severity ${JSON.stringify(v)}: expected trace, debug, info, warn, error, fatal or a severity number 0..24`);
}

/** The short text of a severity floor ('' for none). */
export function minSeverityText(n: number): string {
  return n === 0 ? '' : severityTextOf(n);
}

export function parseSampleRate(v: unknown): number {
  if (v === undefined || v === null || v === '') return 1;
  const n = typeof v === 'string' && /^\s*\d*\.?\d+(e-?\d+)?\s*$/i.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 1) {
    throw new RuleValidationError(`sample rate ${JSON.stringify(v)}: expected a number in (0, 1] (to drop everything use state off)`);
  }
  return n;
}

export function parseState(v: unknown): RuleState {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (s === 'on' || s === 'off' || s === 'auto') return s;
  throw new RuleValidationError(`state ${JSON.stringify(v)}: expected on, off or auto`);
}

/** 4·[template] + 2·[function] + 1·[instance]: higher is more specific. */
export function specificity(t: Target): number {
  return (t.templateId !== 0n ? 4 : 0) + (t.function !== '' ? 2 : 0) + (t.instance !== '' ? 1 : 0);
}

export function targetMatches(t: Target, k: RecordKeys): boolean {
  return (
    t.service === k.service &&
    (t.instance === '' || t.instance === k.instance) &&
    (t.function === '' || t.function === k.function) &&
    (t.templateId === 0n || t.templateId === k.templateId)
  );
}

/** Rules that apply at `nowMs` (not expired). */
export function activeRules(rules: readonly ControlRule[], nowMs: number): ControlRule[] {
  return rules.filter((r) => r.expiresAt === 0 || r.expiresAt > nowMs);
}

/**
 * The decision for a record (see the module comment for the order). `groups` are
 * candidate lists (possibly narrowed by an index); rules that do not match are skipped.
 * Expiry is not checked here: pass active rules.
 */
export function decideAmong(groups: readonly (readonly ControlRule[] | undefined)[], keys: RecordKeys): Decision {
  let manual: ControlRule | undefined;
  let manualRank = -1;
  let auto: ControlRule | undefined;
  let autoRank = -1;
  for (const group of groups) {
    if (group === undefined) continue;
    for (const r of group) {
      if (!targetMatches(r.target, keys)) continue;
      const rank = specificity(r.target);
      if (r.source === 'manual') {
        if (rank > manualRank) {
          manual = r;
          manualRank = rank;
        }
      } else if (rank > autoRank) {
        auto = r;
        autoRank = rank;
      }
    }
  }
  const mode: RuleState = manual?.state ?? 'auto';
  if (mode === 'off') return { drop: true, dropReason: 'off', sampleRate: 1, minSeverity: manual!.minSeverity, rule: manual };
  if (mode === 'on') return { drop: false, dropReason: undefined, sampleRate: manual!.sampleRate, minSeverity: manual!.minSeverity, rule: manual };
  const manualRate = manual?.sampleRate ?? 1;
  const floor = manual?.minSeverity ?? 0;
  if (auto !== undefined) {
    if (auto.state === 'off') return { drop: true, dropReason: 'auto', sampleRate: 1, minSeverity: floor, rule: auto };
    return { drop: false, dropReason: undefined, sampleRate: Math.min(manualRate, auto.sampleRate), minSeverity: floor, rule: auto };
  }
  if (manual === undefined) return KEEP_ALL;
  return { drop: false, dropReason: undefined, sampleRate: manualRate, minSeverity: floor, rule: manual };
}

/**
 * The most specific manual rule matching `keys` (a record, or a target taken as a
 * site): its state is the mode the spam balancer must respect (ON: may not mute;
 * OFF: muted by a person; AUTO: the balancer decides). undefined = no manual rule.
 */
export function manualRuleAt(rules: readonly ControlRule[], keys: RecordKeys): ControlRule | undefined {
  let best: ControlRule | undefined;
  let bestRank = -1;
  for (const r of rules) {
    if (r.source !== 'manual' || !targetMatches(r.target, keys)) continue;
    const rank = specificity(r.target);
    if (rank > bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

/** The decision for a record given every (active) rule. */
export function effectiveDecision(rules: readonly ControlRule[], keys: RecordKeys): Decision {
  return decideAmong([rules], keys);
}

/** One service's rules, split so a record only looks at the rules that can match it. */
export class ServiceRuleSet {
  /** Rules with neither function nor template (service / instance level). */
  readonly general: ControlRule[] = [];
  readonly byFunction = new Map<string, ControlRule[]>();
  /** Rules with a template (whatever else they name). */
  readonly byTemplate = new Map<bigint, ControlRule[]>();

  private anyFunction = false;

  add(r: ControlRule): void {
    const t = r.target;
    if (t.function !== '') this.anyFunction = true;
    if (t.templateId !== 0n) push(this.byTemplate, t.templateId, r);
    else if (t.function !== '') push(this.byFunction, t.function, r);
    else this.general.push(r);
  }

  /** Whether decisions depend on the record's function / template at all. */
  get needsFunction(): boolean {
    return this.anyFunction;
  }
  get needsTemplate(): boolean {
    return this.byTemplate.size > 0;
  }

  decide(keys: RecordKeys): Decision {
    return decideAmong([this.general, this.byFunction.get(keys.function), this.byTemplate.get(keys.templateId)], keys);
  }
}

function push<K>(m: Map<K, ControlRule[]>, k: K, r: ControlRule): void {
  const list = m.get(k);
  if (list) list.push(r);
  else m.set(k, [r]);
}

/** Active rules indexed by service, for per-record decisions on the hot path. Immutable once built. */
export class RuleIndex {
  private readonly services = new Map<string, ServiceRuleSet>();
  readonly size: number;

  constructor(rules: readonly ControlRule[]) {
    for (const r of rules) {
      let s = this.services.get(r.target.service);
      if (!s) {
        s = new ServiceRuleSet();
        this.services.set(r.target.service, s);
      }
      s.add(r);
    }
    this.size = rules.length;
  }

  /** undefined when no rule names the service (its records all pass). */
  forService(service: string): ServiceRuleSet | undefined {
    return this.services.get(service);
  }

  decide(keys: RecordKeys): Decision {
    return this.services.get(keys.service)?.decide(keys) ?? KEEP_ALL;
  }
}

// -----------------------------------------------------------------------------
// Rules for an SDK: flattened so that "the most specific matching rule wins" is
// the whole algorithm an SDK needs (the wire format has no rule source).

/** A rule as the SDK stream sends it: the fields of logfun.v1.ControlRule (compatible with ControlRuleInput). */
export interface SdkControlRule {
  target: { service: string; serviceInstance: string; function: string; templateId: bigint };
  state: 'on' | 'off';
  sampleRate: number;
  minSeverity: number;
  version: bigint;
  reason: string;
}

/** A logfun.v1.ControlUpdate: the full rule set of one SDK (compatible with ControlUpdateInput). */
export interface SdkControlUpdate {
  rules: SdkControlRule[];
  version: bigint;
  /** Rules were left out to keep the update under its size cap (capSdkRules). */
  truncated?: boolean;
}

/** Bound on the flattened rules of one SDK (a pathological rule set cannot blow up a stream). */
export const MAX_SDK_RULES = 20_000;

function unionOf(a: Target, b: Target): Target | undefined {
  if (a.instance !== '' && b.instance !== '' && a.instance !== b.instance) return undefined;
  if (a.function !== '' && b.function !== '' && a.function !== b.function) return undefined;
  if (a.templateId !== 0n && b.templateId !== 0n && a.templateId !== b.templateId) return undefined;
  return {
    service: a.service,
    instance: a.instance || b.instance,
    function: a.function || b.function,
    templateId: a.templateId !== 0n ? a.templateId : b.templateId,
  };
}

/**
 * The rules an SDK of `service` (and `instance`, when given; otherwise rules of
 * every instance are included and the SDK keeps those for its own) needs, resolved:
 * for a call site, the most specific rule whose non-empty target fields all equal
 * the site's (service, service.instance.id, code.function, template id) gives the
 * state (OFF = mute), sample rate and severity floor; no match = ON, no sampling,
 * no floor. Exact, for any mix of manual and automatic rules:
 *
 * Every union of compatible rule targets is a flattened target carrying
 * effectiveDecision() at that target. For a site, the union of the targets of all
 * rules matching it is in that set, matches the site, is strictly more specific
 * than every other matching element, and is matched by exactly the same rules as
 * the site — so its decision is the site's decision.
 *
 * Sample rates are for information: the collector's `control` processor samples;
 * an SDK that also sampled would compound the rate.
 */
export function sdkRulesFor(rules: readonly ControlRule[], service: string, instance?: string): SdkControlRule[] {
  const mine = rules.filter((r) => r.target.service === service && (instance === undefined || r.target.instance === '' || r.target.instance === instance));
  if (mine.length === 0) return [];
  const originals = new Map<string, Target>();
  for (const r of mine) originals.set(targetKey(r.target), r.target);
  const all = new Map(originals);
  const bases = [...originals.values()];
  let frontier = bases;
  while (frontier.length > 0 && all.size < MAX_SDK_RULES) {
    const next: Target[] = [];
    for (const a of frontier) {
      for (const b of bases) {
        const u = unionOf(a, b);
        if (u === undefined) continue;
        const k = targetKey(u);
        if (all.has(k)) continue;
        all.set(k, u);
        next.push(u);
        if (all.size >= MAX_SDK_RULES) break;
      }
      if (all.size >= MAX_SDK_RULES) break;
    }
    frontier = next;
  }
  const out: SdkControlRule[] = [];
  for (const t of all.values()) {
    const d = effectiveDecision(mine, t);
    if (d.rule === undefined) continue;
    out.push({
      target: { service: t.service, serviceInstance: t.instance, function: t.function, templateId: t.templateId },
      state: d.drop ? 'off' : 'on',
      sampleRate: d.drop ? 1 : d.sampleRate,
      minSeverity: d.minSeverity,
      version: d.rule.version,
      reason: d.rule.source === 'auto' ? `auto: ${d.rule.reason}` : d.rule.reason,
    });
  }
  return out;
}

/**
 * Largest ControlUpdate pushed down one stream, in encoded bytes. Far below gRPC's
 * default 4 MiB receive limit of an SDK (an update above it would end the stream,
 * and with it the SDK's delivery), and far above what a sane rule set needs.
 */
export const MAX_SDK_UPDATE_BYTES = 512 * 1024;

/**
 * An upper bound of one rule's bytes in an encoded logfun.v1.ControlUpdate: its
 * strings plus a fixed allowance for tags, lengths, the fixed64 template id, the
 * double sample rate and the varints (exact encoding is the receiver's business;
 * a bound is all a cap needs).
 */
export function sdkRuleWireBytes(r: SdkControlRule): number {
  const t = r.target;
  return Buffer.byteLength(t.service) + Buffer.byteLength(t.serviceInstance) + Buffer.byteLength(t.function) + Buffer.byteLength(r.reason) + 64;
}

export function sdkRulesWireBytes(rules: readonly SdkControlRule[]): number {
  let n = 16;
  for (const r of rules) n += sdkRuleWireBytes(r);
  return n;
}

/**
 * Fits flattened rules into `maxBytes` by leaving out OFF rules, automatic ones
 * first, then the most specific, then the largest. Safe by construction: leaving
 * out an OFF rule can only hand a site to a less specific rule, so the SDK mutes
 * no site the full set would not (it may log records the collector's `control`
 * processor then drops: the collector decides every record anyway). ON rules only
 * matter as exceptions to OFF ones (SDKs neither sample nor apply floors), so with
 * every OFF rule gone the result is empty. `truncated` says whether anything was
 * left out.
 */
export function capSdkRules(rules: readonly SdkControlRule[], maxBytes = MAX_SDK_UPDATE_BYTES): { rules: SdkControlRule[]; truncated: boolean } {
  let bytes = sdkRulesWireBytes(rules);
  if (bytes <= maxBytes) return { rules: [...rules], truncated: false };
  const rank = (r: SdkControlRule): number => {
    const t = r.target;
    return (r.reason.startsWith('auto:') ? 8 : 0) + (t.templateId !== 0n ? 4 : 0) + (t.function !== '' ? 2 : 0) + (t.serviceInstance !== '' ? 1 : 0);
  };
  const off = rules.filter((r) => r.state === 'off').sort((a, b) => rank(b) - rank(a) || sdkRuleWireBytes(b) - sdkRuleWireBytes(a));
  const left = new Set<SdkControlRule>();
  let offLeft = off.length;
  for (const r of off) {
    if (bytes <= maxBytes) break;
    left.add(r);
    bytes -= sdkRuleWireBytes(r);
    offLeft--;
  }
  if (offLeft === 0) return { rules: [], truncated: true };
  return { rules: rules.filter((r) => !left.has(r)), truncated: true };
}

/**
 * The rules of one SDK whose rules were flattened for `instance` (sdkRulesFor with
 * that instance), rewritten for an SDK that did not claim that instance: a sender
 * scoped by its stream session (collector/control/sender-scope.ts) has no
 * service.instance.id to match. Targets naming `instance` lose the instance; where
 * that makes two targets equal the one that named the instance wins (it was the
 * more specific, and every site of this SDK matched it).
 */
export function localizeSdkRules(rules: readonly SdkControlRule[], instance: string): SdkControlRule[] {
  const out = new Map<string, SdkControlRule>();
  for (const r of rules) {
    const named = r.target.serviceInstance === instance;
    const rule = named ? { ...r, target: { ...r.target, serviceInstance: '' } } : r;
    const t = rule.target;
    const k = `${t.service}\u0000${t.serviceInstance}\u0000${t.function}\u0000${t.templateId}`;
    if (named || !out.has(k)) out.set(k, rule);
  }
  return [...out.values()];
}

/** What an SDK does with flattened rules (the reference for SDK implementations, and for tests). */
export function sdkDecision(rules: readonly SdkControlRule[], site: RecordKeys): SdkControlRule | undefined {
  let best: SdkControlRule | undefined;
  let bestRank = -1;
  for (const r of rules) {
    const t: Target = { service: r.target.service, instance: r.target.serviceInstance, function: r.target.function, templateId: r.target.templateId };
    if (!targetMatches(t, site)) continue;
    const rank = specificity(t);
    if (rank > bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}
