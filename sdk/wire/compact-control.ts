/**
 * Applies control rules pushed down the compact stream to the SDK's templates
 * and traced() function scopes.
 *
 * The collector sends every rule of this process's service already flattened
 * (collector/control/rules.ts sdkRulesFor), so the whole algorithm is: for a
 * call site (service, service.instance.id, code.function, template id) the most
 * specific rule whose set target fields all equal the site's wins; its state
 * OFF mutes the site; ON / AUTO / no matching rule let it log. Specificity is
 * rules.ts specificity(): 4·[template] + 2·[function] + 1·[instance]. A rule
 * with an empty service applies to every service (updates sent to all SDKs);
 * it loses a tie against one naming the service. The reference is rules.ts
 * sdkDecision(), with which SiteRules.decide agrees on every site.
 * Sample rates are not applied here (the collector's control processor samples;
 * doing both would compound the rate), and neither are severity floors (a
 * template has no fixed severity): the collector applies them.
 *
 * Where the decision lands (the logger checks, on every call, the innermost
 * traced() scope's `muted`, then the registry template's `muted`):
 *   - FunctionScope.muted (functionScopes.muteFunction) of a function F named by
 *     a rule when every record logged inside F is muted: decide(F, t) is OFF for
 *     a template no rule names and for each template id the rules name. Helpers
 *     called inside F are then muted too (their records carry code.function = F).
 *   - Template.muted of each registry template. Its records carry code.function =
 *     its call site's function outside every scope, and the innermost scope's name
 *     inside one. When the decision is the same under every function (the usual
 *     case) `muted` is a plain boolean: one property read per call. When it is not
 *     (template X auto-muted while a function F that logs it, maybe through a
 *     helper, is pinned ON) `muted` becomes an accessor that looks up the decision
 *     for the current scope (currentFunctionScope(), one Map lookup), so X is
 *     logged inside F and muted elsewhere, exactly as the collector decides.
 *   Templates created later are decided before their first record (the
 *   registry's template listener); an update recomputes every template.
 *
 * Why a site is muted travels with the decision (Template.mutedReason,
 * FunctionScope.mutedReason: MUTE_REASON.AUTO for a flattened rule whose reason
 * starts with `auto:`, the balancer's, else OFF), so the SDK reports its drops per
 * reason (sdk/mute-counts.ts); every applied update moves the mute epoch, so no
 * drop is counted under a reason that no longer holds.
 *
 * Several transports may share one TemplateRegistry (the process-wide default)
 * and the function scopes are process-wide: a template or a function is muted
 * only while every transport holding rules on it mutes it (transports of two
 * services in one process must not mute each other's records), and only what
 * was muted here is ever unmuted here. What the flags cannot mute then (service
 * A OFF while service B logs through the same registry: no template is muted for
 * both) is muted per record: while a registry has several owners, each owner whose
 * rules mute something hands its SiteRules to its logger (the record-mutes sink,
 * TransportContext.setRecordMutes), whose pipeline decides each record that passed
 * the flags (code.function = the template's site or scope, the template's id).
 */
import type { Template, TemplateRegistry } from '../templates';
import { currentFunctionScope, functionScopes } from '../traced';
import { bumpMuteEpoch, MUTE_REASON } from '../mute-counts';
import { RULE_STATE_OFF, type ControlRuleView, type ControlUpdateView } from './compact-messages';

/**
 * Reason prefix of flattened rules that come from an automatic decision (the
 * collector's rules.ts sdkRulesFor writes `auto: <reason>`): the wire rule has no
 * source field, so this is how the SDK tells an AUTO mute from a manual OFF.
 */
const AUTO_REASON_PREFIX = 'auto:';

/** MUTE_REASON of an OFF rule: AUTO for the balancer's mutes, OFF for people's. */
export function muteReasonOfRule(rule: ControlRuleView): number {
  return rule.reason.startsWith(AUTO_REASON_PREFIX) ? MUTE_REASON.AUTO : MUTE_REASON.OFF;
}

/**
 * The rules of one update that can apply to a process of (service, instance),
 * indexed so a decision is a handful of Map lookups.
 */
export class SiteRules {
  /** Rule by `${serviceSet}${instanceSet}\0${function}\0${templateId}`; the first of a target wins. */
  private readonly byKey = new Map<string, ControlRuleView>();
  /** Bit (specificity·2 + serviceSet) set when some rule has that shape: absent shapes are not looked up. */
  private shapes = 0;
  /** Functions named by the rules (code.function values). */
  readonly functions: ReadonlySet<string>;
  /** Template ids named by the rules. */
  readonly templateIds: ReadonlySet<bigint>;
  /** Whether some rule that applies here is OFF (else nothing is ever muted). */
  readonly mutesSomething: boolean;

  constructor(
    rules: readonly ControlRuleView[],
    readonly service: string,
    readonly instance: string,
  ) {
    const functions = new Set<string>();
    const templateIds = new Set<bigint>();
    let mutesSomething = false;
    for (const rule of rules) {
      const t = rule.target;
      if (t.service !== '' && t.service !== service) continue;
      if (t.serviceInstance !== '' && t.serviceInstance !== instance) continue;
      const key = keyOf(t.service !== '', t.serviceInstance !== '', t.function, t.templateId);
      if (this.byKey.has(key)) continue;
      this.byKey.set(key, rule);
      if (rule.state === RULE_STATE_OFF) mutesSomething = true;
      this.shapes |= 1 << shapeOf(t.service !== '', t.serviceInstance !== '', t.function !== '', t.templateId !== 0n);
      if (t.function !== '') functions.add(t.function);
      if (t.templateId !== 0n) templateIds.add(t.templateId);
    }
    this.functions = functions;
    this.templateIds = templateIds;
    this.mutesSomething = mutesSomething;
  }

  /** Rules that can apply to this process. */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * The rule deciding a site of this process logged with code.function = `fn`
   * ('' = none) and template `templateId` (0n = a template no rule names), or
   * undefined (no rule: log it).
   */
  decide(fn: string, templateId: bigint): ControlRuleView | undefined {
    if (this.shapes === 0) return undefined;
    for (let shape = 15; shape >= 0; shape--) {
      if ((this.shapes & (1 << shape)) === 0) continue;
      const hasTemplate = (shape & 8) !== 0;
      const hasFunction = (shape & 4) !== 0;
      if ((hasTemplate && templateId === 0n) || (hasFunction && fn === '')) continue;
      const rule = this.byKey.get(keyOf((shape & 1) !== 0, (shape & 2) !== 0, hasFunction ? fn : '', hasTemplate ? templateId : 0n));
      if (rule !== undefined) return rule;
    }
    return undefined;
  }

  /** Whether a site with code.function `fn` and template `templateId` is muted. */
  isMuted(fn: string, templateId: bigint): boolean {
    return this.decide(fn, templateId)?.state === RULE_STATE_OFF;
  }

  /** Why such a site is muted (MUTE_REASON.OFF / AUTO), 0 when it is not. */
  muteReason(fn: string, templateId: bigint): number {
    const rule = this.decide(fn, templateId);
    return rule?.state === RULE_STATE_OFF ? muteReasonOfRule(rule) : 0;
  }

  /** Whether every record logged with code.function = `fn` is muted, whatever its template. */
  mutesWholeFunction(fn: string): boolean {
    if (!this.isMuted(fn, 0n)) return false;
    for (const id of this.templateIds) if (!this.isMuted(fn, id)) return false;
    return true;
  }
}

function keyOf(serviceSet: boolean, instanceSet: boolean, fn: string, templateId: bigint): string {
  return `${serviceSet ? 1 : 0}${instanceSet ? 1 : 0}\u0000${fn}\u0000${templateId}`;
}

/** 2·specificity + [service set]: specificity dominates, a named service breaks a tie with a wildcard one. */
function shapeOf(serviceSet: boolean, instanceSet: boolean, hasFunction: boolean, hasTemplate: boolean): number {
  return (hasTemplate ? 8 : 0) + (hasFunction ? 4 : 0) + (instanceSet ? 2 : 0) + (serviceSet ? 1 : 0);
}

/** What one transport holds on a registry: the rules of its last update. */
export type MuteRules = SiteRules;

/** The rules of an update that apply to a process of `service` / `instance`. */
export function muteRulesOf(update: ControlUpdateView, service: string, instance: string): MuteRules {
  return new SiteRules(update.rules, service, instance);
}

// ---- registry templates ----

/**
 * The decision of a template whose records are muted under some code.function
 * values and not under others: read through an accessor on its `muted`.
 */
class ContextMutes {
  constructor(
    /** code.function of its records outside every scope. */
    readonly siteFunction: string,
    /** The decision (MUTE_REASON, 0 = not muted) under each function some rule names. */
    public byFunction: Map<string, number>,
    /** The decision under any other function (and none). */
    public otherwise: number,
  ) {}

  /** MUTE_REASON of the current context, 0 when not muted. */
  reasonNow(): number {
    const scope = currentFunctionScope();
    const v = this.byFunction.get(scope === undefined ? this.siteFunction : scope.name);
    return v === undefined ? this.otherwise : v;
  }

  mutedNow(): boolean {
    return this.reasonNow() !== 0;
  }
}

/** How control holds a template: muted by a plain flag, or per context by an accessor. */
type Held = true | ContextMutes;

function setPlainMuted(t: Template, muted: boolean, reason: number): void {
  Object.defineProperty(t, 'muted', { value: muted, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(t, 'mutedReason', { value: reason, writable: true, enumerable: true, configurable: true });
}

/** Where an owner's rules go when its records must be decided one by one (TransportContext.setRecordMutes). */
export type RecordMutesSink = (rules: SiteRules | undefined) => void;

class RegistryMutes {
  private readonly owners = new Map<object, SiteRules>();
  private readonly sinks = new Map<object, RecordMutesSink>();
  /** Every function named by some owner's rules. */
  private functions = new Set<string>();
  private readonly held = new WeakMap<Template, Held>();

  constructor(private readonly registry: TemplateRegistry) {
    registry.setTemplateListener((t) => this.apply(t));
  }

  set(owner: object, rules: SiteRules | undefined, sink: RecordMutesSink | undefined): void {
    if (rules === undefined) {
      this.owners.delete(owner);
      this.sinks.get(owner)?.(undefined);
      this.sinks.delete(owner);
    } else {
      this.owners.set(owner, rules);
      if (sink !== undefined) this.sinks.set(owner, sink);
    }
    const functions = new Set<string>();
    for (const r of this.owners.values()) for (const f of r.functions) functions.add(f);
    this.functions = functions;
    this.registry.forEachTemplate((t) => this.apply(t));
    // Alone on the registry an owner's flags say it all; shared, the others veto its mutes there.
    const shared = this.owners.size > 1;
    for (const [o, s] of this.sinks) {
      const r = this.owners.get(o);
      s(shared && r !== undefined && r.mutesSomething ? r : undefined);
    }
  }

  /**
   * Muted under code.function `fn` by every owner (no owner: not muted): the first
   * owner's MUTE_REASON, 0 when not muted.
   */
  private mutedAt(fn: string, templateId: bigint): number {
    if (this.owners.size === 0) return 0;
    let reason = 0;
    for (const rules of this.owners.values()) {
      const r = rules.muteReason(fn, templateId);
      if (r === 0) return 0;
      if (reason === 0) reason = r;
    }
    return reason;
  }

  private apply(t: Template): void {
    const siteFunction = t.site?.function ?? '';
    // Under a function no rule names, decide() falls back to the function-less rules: '' stands for all of them.
    const otherwise = this.mutedAt('', t.id);
    let byFunction: Map<string, number> | undefined;
    for (const fn of this.functions) {
      const v = this.mutedAt(fn, t.id);
      if (v === otherwise) continue;
      byFunction ??= new Map();
      byFunction.set(fn, v);
    }
    const held = this.held.get(t);
    if (byFunction === undefined) {
      // The same decision wherever the template is logged: a plain flag.
      if (held instanceof ContextMutes) {
        setPlainMuted(t, otherwise !== 0, otherwise !== 0 ? otherwise : MUTE_REASON.LOCAL);
        if (otherwise !== 0) this.held.set(t, true);
        else this.held.delete(t);
      } else if (otherwise !== 0) {
        if (!t.muted) {
          t.mutedReason = otherwise;
          t.muted = true;
          this.held.set(t, true);
        } else if (held === true) {
          t.mutedReason = otherwise;
        }
      } else if (held === true) {
        t.muted = false;
        t.mutedReason = MUTE_REASON.LOCAL;
        this.held.delete(t);
      }
      return;
    }
    if (held instanceof ContextMutes) {
      held.byFunction = byFunction;
      held.otherwise = otherwise;
      return;
    }
    if (held === undefined && t.muted) return; // muted by someone else: theirs
    const mutes = new ContextMutes(siteFunction, byFunction, otherwise);
    this.held.set(t, mutes);
    Object.defineProperty(t, 'muted', {
      get: () => mutes.mutedNow(),
      // Someone else sets it: theirs from now on.
      set: (v: boolean) => {
        this.held.delete(t);
        setPlainMuted(t, v, MUTE_REASON.LOCAL);
      },
      enumerable: true,
      configurable: true,
    });
    Object.defineProperty(t, 'mutedReason', {
      get: () => mutes.reasonNow() || MUTE_REASON.LOCAL,
      set: () => undefined,
      enumerable: true,
      configurable: true,
    });
  }

  /** Whether control rules (not someone else) hold `t` muted now, in some context (for tests and diagnostics). */
  isMutedByRule(t: Template): boolean {
    return this.held.has(t);
  }
}

/** Function scopes muted by control rules, by owner (process-wide, like functionScopes). */
class FunctionMutes {
  private readonly owners = new Map<object, SiteRules>();
  private readonly mutedHere = new Set<string>();

  set(owner: object, rules: SiteRules | undefined): void {
    if (rules === undefined) this.owners.delete(owner);
    else this.owners.set(owner, rules);
    this.refresh();
  }

  private refresh(): void {
    /** Names to mute and why (the first owner's reason for the function's template-less site). */
    const wanted = new Map<string, number>();
    for (const rules of this.owners.values()) {
      for (const name of rules.functions) {
        if (wanted.has(name)) continue;
        let all = true;
        for (const r of this.owners.values()) {
          if (!r.mutesWholeFunction(name)) {
            all = false;
            break;
          }
        }
        if (all) wanted.set(name, rules.muteReason(name, 0n) || MUTE_REASON.OFF);
      }
    }
    for (const [name, reason] of wanted) {
      if (this.mutedHere.has(name)) {
        functionScopes.muteFunction(name, reason); // only the reason may change
        continue;
      }
      if (functionScopes.isMuted(name)) continue;
      functionScopes.muteFunction(name, reason);
      this.mutedHere.add(name);
    }
    for (const name of [...this.mutedHere]) {
      if (wanted.has(name)) continue;
      functionScopes.unmuteFunction(name);
      this.mutedHere.delete(name);
    }
  }

  /** Whether control rules (not someone else) hold the function `name` muted now. */
  isMutedByRule(name: string): boolean {
    return this.mutedHere.has(name);
  }
}

const functionMutes = new FunctionMutes();

const byRegistry = new WeakMap<TemplateRegistry, RegistryMutes>();

function mutesOf(registry: TemplateRegistry): RegistryMutes {
  let m = byRegistry.get(registry);
  if (m === undefined) {
    m = new RegistryMutes(registry);
    byRegistry.set(registry, m);
  }
  return m;
}

/**
 * Sets (or, with undefined, clears) the rules `owner` (a transport) holds on
 * `registry` and on the process-wide function scopes, and applies them at once.
 * An owner with an empty rule set still counts: it mutes nothing, so nothing is
 * muted for the others either (see the module comment). `recordMutes` (the owner's
 * logger's TransportContext.setRecordMutes) gets the owner's rules while they must
 * decide its records one by one, undefined when not (and when the rules are cleared).
 */
export function setMuteRules(registry: TemplateRegistry, owner: object, rules: MuteRules | undefined, recordMutes?: RecordMutesSink): void {
  // Reasons may change with the rules: muted calls from now on open new counts.
  bumpMuteEpoch();
  functionMutes.set(owner, rules);
  if (rules === undefined && !byRegistry.has(registry)) return;
  mutesOf(registry).set(owner, rules, recordMutes);
}

/** Whether control rules hold template `t` of `registry` muted (diagnostics and tests). */
export function isMutedByRule(registry: TemplateRegistry, t: Template): boolean {
  return byRegistry.get(registry)?.isMutedByRule(t) ?? false;
}

/** Whether control rules hold the traced() function `name` muted (diagnostics and tests). */
export function isFunctionMutedByRule(name: string): boolean {
  return functionMutes.isMutedByRule(name);
}
