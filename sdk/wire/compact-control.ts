/**
 * Applies control rules pushed down the compact stream to the SDK's templates.
 *
 * For now one kind of rule takes effect: state OFF mutes. On a template id it
 * mutes the matching templates (`Template.muted`, which the logging call checks
 * before anything else, so a muted site costs one property read); on a
 * function (code.function) it mutes the templates whose call site is in that
 * function and the traced() function scope of that name (functionScopes).
 * Rules target this process when their service / service_instance are empty or
 * equal to its service.name / service.instance.id. An update replaces the
 * previous rules of its stream: what is no longer matched is unmuted.
 *
 * Several transports may share one TemplateRegistry (the process-wide default)
 * and the function scopes are process-wide: a template or function is muted
 * while any transport has a matching rule, and only what was muted here is
 * ever unmuted here.
 */
import type { Template, TemplateRegistry } from '../templates';
import { functionScopes } from '../traced';
import { RULE_STATE_OFF, type ControlUpdateView } from './compact-messages';

export interface MuteRules {
  templateIds: ReadonlySet<bigint>;
  functions: ReadonlySet<string>;
}

const NO_RULES: MuteRules = { templateIds: new Set(), functions: new Set() };

/** The mute rules of an update that apply to a process of `service` / `instance`. */
export function muteRulesOf(update: ControlUpdateView, service: string, instance: string): MuteRules {
  const templateIds = new Set<bigint>();
  const functions = new Set<string>();
  for (const rule of update.rules) {
    if (rule.state !== RULE_STATE_OFF) continue;
    const t = rule.target;
    if (t.service !== '' && t.service !== service) continue;
    if (t.serviceInstance !== '' && t.serviceInstance !== instance) continue;
    if (t.templateId !== 0n) templateIds.add(t.templateId);
    else if (t.function !== '') functions.add(t.function);
  }
  return { templateIds, functions };
}

class RegistryMutes {
  private readonly owners = new Map<object, MuteRules>();
  private readonly mutedHere = new WeakSet<Template>();
  private templateIds = new Set<bigint>();
  private functions = new Set<string>();

  constructor(private readonly registry: TemplateRegistry) {
    registry.setTemplateListener((t) => {
      if (this.matches(t)) this.mute(t);
    });
  }

  private matches(t: Template): boolean {
    if (this.templateIds.size > 0 && this.templateIds.has(t.id)) return true;
    const fn = t.site?.function;
    return this.functions.size > 0 && fn !== undefined && fn !== '' && this.functions.has(fn);
  }

  private mute(t: Template): void {
    if (!t.muted) {
      t.muted = true;
      this.mutedHere.add(t);
    }
  }

  set(owner: object, rules: MuteRules | undefined): void {
    if (rules === undefined || (rules.templateIds.size === 0 && rules.functions.size === 0)) this.owners.delete(owner);
    else this.owners.set(owner, rules);
    const ids = new Set<bigint>();
    const fns = new Set<string>();
    for (const r of this.owners.values()) {
      for (const id of r.templateIds) ids.add(id);
      for (const f of r.functions) fns.add(f);
    }
    this.templateIds = ids;
    this.functions = fns;
    this.registry.forEachTemplate((t) => {
      if (this.matches(t)) this.mute(t);
      else if (this.mutedHere.has(t)) {
        t.muted = false;
        this.mutedHere.delete(t);
      }
    });
  }

  /** Templates a rule holds muted now (for tests and diagnostics). */
  isMutedByRule(t: Template): boolean {
    return this.mutedHere.has(t);
  }
}

/** Function scopes muted by control rules, by owner (process-wide, like functionScopes). */
class FunctionMutes {
  private readonly owners = new Map<object, ReadonlySet<string>>();
  private readonly mutedHere = new Set<string>();

  set(owner: object, functions: ReadonlySet<string>): void {
    if (functions.size === 0) this.owners.delete(owner);
    else this.owners.set(owner, functions);
    const wanted = new Set<string>();
    for (const fns of this.owners.values()) for (const f of fns) wanted.add(f);
    for (const name of wanted) {
      if (this.mutedHere.has(name) || functionScopes.isMuted(name)) continue;
      functionScopes.muteFunction(name);
      this.mutedHere.add(name);
    }
    for (const name of [...this.mutedHere]) {
      if (wanted.has(name)) continue;
      functionScopes.unmuteFunction(name);
      this.mutedHere.delete(name);
    }
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

/** Sets (or, with undefined, clears) the mute rules `owner` (a transport) holds on `registry`. */
export function setMuteRules(registry: TemplateRegistry, owner: object, rules: MuteRules | undefined): void {
  functionMutes.set(owner, (rules ?? NO_RULES).functions);
  if (rules === undefined && !byRegistry.has(registry)) return;
  mutesOf(registry).set(owner, rules ?? NO_RULES);
}
