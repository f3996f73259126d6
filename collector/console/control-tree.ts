/**
 * The control tree of the console: services -> functions -> templates, from the
 * collector's template dictionary, each node with the manual rule set exactly on
 * it (ON / OFF / AUTO, or none = inherited) and whether an automatic decision (the
 * spam balancer) currently targets it. Also the rules whose service the dictionary
 * has not seen yet, so a rule is never invisible.
 */
import type { TemplateDictionary, TemplateInfo } from '../templates/dictionary';
import { activeRules, effectiveDecision, manualRuleAt, type ControlRule, type RecordKeys, type RuleState, type Target } from '../control/rules';

/**
 * What actually happens to this node's records under every rule (the control
 * plane's own resolution, rules.ts), whether or not a rule sits on the node: the
 * page highlights it so a node with no rule still shows its state (issue 13).
 */
export interface EffectiveState {
  /** The mode from the most specific manual rule above or on the node; 'auto' with none. */
  mode: RuleState;
  /** 'active' (kept, maybe sampled), 'muted' (OFF) or 'muted-auto' (the spam balancer). */
  outcome: 'active' | 'muted' | 'muted-auto';
  /** One line for people, e.g. "active (no rule)", "muted by OFF on service web". */
  text: string;
}

export interface NodeControl {
  /** The manual rule on exactly this node; undefined = inherits from its parent. */
  manual?: RuleState;
  /** An automatic (balancer) rule on exactly this node: 'off' = muted, 'on' = throttled. */
  auto?: { state: RuleState; sampleRate: number; reason: string };
  effective?: EffectiveState;
}

export interface TemplateNode extends NodeControl {
  id: string;
  text: string;
  severityText: string;
  source: string;
  location: string;
  count: number;
  lastSeenMs: number;
}

export interface FunctionNode extends NodeControl {
  /** code.function; '' = records with no function scope. */
  name: string;
  count: number;
  lastSeenMs: number;
  templates: TemplateNode[];
}

export interface ServiceNode extends NodeControl {
  name: string;
  count: number;
  lastSeenMs: number;
  functions: FunctionNode[];
}

/**
 * Manual rules count on a node when they name exactly it (people set service-wide
 * rules here). Automatic rules name the sender whose volume caused them (an
 * instance, processors/spam scope): they show on the node with the instances
 * in the reason, so a per-sender mute stays visible.
 */
function controlAt(rules: readonly ControlRule[], t: Target): NodeControl {
  const out: NodeControl = {};
  const autoInstances: string[] = [];
  for (const r of rules) {
    const x = r.target;
    if (x.service !== t.service || x.function !== t.function || x.templateId !== t.templateId) continue;
    if (r.source === 'manual') {
      if (x.instance === '') out.manual = r.state;
    } else {
      if (out.auto === undefined || x.instance === '') out.auto = { state: r.state, sampleRate: r.sampleRate, reason: r.reason };
      if (x.instance !== '') autoInstances.push(x.instance);
    }
  }
  if (out.auto !== undefined && autoInstances.length > 0) {
    const shown = autoInstances.slice(0, 3).join(', ') + (autoInstances.length > 3 ? `, +${autoInstances.length - 3} more` : '');
    out.auto.reason = `${out.auto.reason} [instance${autoInstances.length > 1 ? 's' : ''} ${shown}]`;
  }
  return out;
}

/** Where a rule sits, for people: "service web", "function checkout()", "template 123" (+ instance). */
function ruleSite(t: Target): string {
  const at = t.templateId !== 0n ? `template ${t.templateId}` : t.function !== '' ? `function ${t.function}()` : `service ${t.service}`;
  return t.instance !== '' ? `${at} on ${t.instance}` : at;
}

/** The effective state at a node (its keys as a site: rules that would match its records, instance unknown). */
export function effectiveAt(rules: readonly ControlRule[], keys: RecordKeys): EffectiveState {
  const manual = manualRuleAt(rules, keys);
  const mode = manual?.state ?? 'auto';
  const d = effectiveDecision(rules, keys);
  const here = (r: ControlRule) => r.target.service === keys.service && r.target.instance === '' && r.target.function === (keys.templateId !== 0n ? '' : keys.function) && r.target.templateId === keys.templateId;
  const by = (r: ControlRule) => (here(r) ? 'this rule' : `${r.state.toUpperCase()} on ${ruleSite(r.target)}`);
  if (d.drop) {
    return d.dropReason === 'off' ? { mode, outcome: 'muted', text: `muted by ${by(d.rule!)}` } : { mode, outcome: 'muted-auto', text: `muted automatically (${ruleSite(d.rule!.target)}: ${d.rule!.reason})` };
  }
  const sampled = d.sampleRate < 1 ? `, ${Math.round(d.sampleRate * 100)}% kept` : '';
  if (d.rule === undefined) return { mode, outcome: 'active', text: manual ? `active (${by(manual)})` : 'active (no rule)' };
  return { mode, outcome: 'active', text: `active (${by(d.rule)}${sampled})` };
}

/** The tree (sorted by name; templates by count, highest first). Superseded mined templates are left out. */
export function buildControlTree(templates: TemplateDictionary | undefined, rules: readonly ControlRule[], nowMs = Date.now()): ServiceNode[] {
  const active = activeRules(rules, nowMs);
  const byService = new Map<string, Map<string, TemplateInfo[]>>();
  for (const t of templates?.all() ?? []) {
    if (t.supersededBy !== undefined) continue;
    let fns = byService.get(t.service);
    if (!fns) byService.set(t.service, (fns = new Map()));
    const list = fns.get(t.function) ?? [];
    list.push(t);
    fns.set(t.function, list);
  }
  for (const r of rules) {
    if (!byService.has(r.target.service)) byService.set(r.target.service, new Map());
    const fns = byService.get(r.target.service)!;
    if (r.target.function !== '' && !fns.has(r.target.function)) fns.set(r.target.function, []);
  }
  const services: ServiceNode[] = [];
  for (const [service, fns] of byService) {
    // Only this service's rules can match its nodes: each node checks these, not every rule.
    const serviceRules = active.filter((r) => r.target.service === service);
    const functions: FunctionNode[] = [];
    for (const [fn, list] of fns) {
      const tnodes: TemplateNode[] = list
        .map((t) => ({
          id: t.id.toString(),
          text: t.text,
          severityText: t.severityText,
          source: t.source,
          location: t.location,
          count: t.count,
          lastSeenMs: t.lastSeenMs,
          ...controlAt(rules, { service, instance: '', function: '', templateId: t.id }),
          effective: effectiveAt(serviceRules, { service, instance: '', function: fn, templateId: t.id }),
        }))
        .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
      functions.push({
        name: fn,
        count: tnodes.reduce((n, t) => n + t.count, 0),
        lastSeenMs: tnodes.reduce((m, t) => Math.max(m, t.lastSeenMs), 0),
        templates: tnodes,
        ...(fn === '' ? {} : controlAt(rules, { service, instance: '', function: fn, templateId: 0n })),
        effective: effectiveAt(serviceRules, { service, instance: '', function: fn, templateId: 0n }),
      });
    }
    functions.sort((a, b) => a.name.localeCompare(b.name));
    services.push({
      name: service,
      count: functions.reduce((n, f) => n + f.count, 0),
      lastSeenMs: functions.reduce((m, f) => Math.max(m, f.lastSeenMs), 0),
      functions,
      ...controlAt(rules, { service, instance: '', function: '', templateId: 0n }),
      effective: effectiveAt(serviceRules, { service, instance: '', function: '', templateId: 0n }),
    });
  }
  return services.sort((a, b) => a.name.localeCompare(b.name));
}
