/**
 * Control rules as JSON, for the HTTP API and the CLI.
 *
 * A rule:
 *   { "id": "checkout//pay/0",                      // targetKey: service/instance/function/templateId
 *     "ruleId": "r0123456789abcdef",                // shortRuleId: a short id for DELETE ?id=
 *     "target": { "service": "checkout", "function": "pay" },   // instance, function, templateId when set
 *     "state": "off", "source": "manual", "sampleRate": 1,
 *     "minSeverity": 13, "minSeverityText": "WARN",
 *     "reason": "...", "version": "1754...", "updatedAt": "2025-...Z", "updatedBy": "...",
 *     "expiresAt": "..." (automatic decisions with a ttl), "dropped": 12 (records this collector dropped) }
 * Template ids are decimal strings (uint64 does not fit a JSON number); input may
 * also be 0x hex or a safe integer. minSeverity input: a level name or 0..24.
 */
import { isPlainObject } from '../config/merge';
import {
  minSeverityText,
  normalizeTarget,
  isShortRuleId,
  parseTargetKey,
  parseTemplateId,
  RuleValidationError,
  shortRuleId,
  targetKey,
  type ControlRule,
  type RuleSource,
  type RuleState,
  type Target,
} from './rules';
import type { RuleInput } from './store';

export interface TargetJson {
  service: string;
  instance?: string;
  function?: string;
  templateId?: string;
}

export interface RuleJson {
  id: string;
  ruleId: string;
  target: TargetJson;
  state: RuleState;
  source: RuleSource;
  sampleRate: number;
  minSeverity: number;
  minSeverityText: string;
  reason: string;
  version: string;
  updatedAt: string;
  updatedBy: string;
  expiresAt?: string;
  dropped?: number;
}

export interface RuleListJson {
  version: string;
  rules: RuleJson[];
}

export function targetToJson(t: Target): TargetJson {
  const out: TargetJson = { service: t.service };
  if (t.instance !== '') out.instance = t.instance;
  if (t.function !== '') out.function = t.function;
  if (t.templateId !== 0n) out.templateId = t.templateId.toString();
  return out;
}

export function ruleToJson(r: ControlRule, dropped?: number): RuleJson {
  const out: RuleJson = {
    id: targetKey(r.target),
    ruleId: shortRuleId(r.target),
    target: targetToJson(r.target),
    state: r.state,
    source: r.source,
    sampleRate: r.sampleRate,
    minSeverity: r.minSeverity,
    minSeverityText: minSeverityText(r.minSeverity),
    reason: r.reason,
    version: r.version.toString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    updatedBy: r.updatedBy,
  };
  if (r.expiresAt !== 0) out.expiresAt = new Date(r.expiresAt).toISOString();
  if (dropped !== undefined) out.dropped = dropped;
  return out;
}

/**
 * A target from JSON ({service, instance?, function?, templateId?}); throws
 * RuleValidationError. `bounded` = false to name an existing rule (rules.ts normalizeTarget).
 */
export function parseTargetJson(v: unknown, bounded = true): Target {
  if (!isPlainObject(v)) throw new RuleValidationError('target: expected an object like {"service": "checkout", "function": "pay"}');
  for (const k of Object.keys(v)) {
    if (!['service', 'instance', 'function', 'templateId'].includes(k)) throw new RuleValidationError(`target.${k}: unknown field (service, instance, function, templateId)`);
  }
  return normalizeTarget({
    service: v.service as string,
    instance: v.instance as string | undefined,
    function: v.function as string | undefined,
    templateId: parseTemplateId(v.templateId),
  }, bounded);
}

/** The body of PUT /api/v1/rules: {target, state, sampleRate?, minSeverity?, reason?, updatedBy?}. */
export function parseRuleRequest(v: unknown): RuleInput {
  if (!isPlainObject(v)) throw new RuleValidationError('body: expected a JSON object {target, state, sampleRate?, minSeverity?, reason?}');
  for (const k of Object.keys(v)) {
    if (!['target', 'state', 'sampleRate', 'minSeverity', 'reason', 'updatedBy'].includes(k)) {
      throw new RuleValidationError(`${k}: unknown field (target, state, sampleRate, minSeverity, reason, updatedBy)`);
    }
  }
  if (v.reason !== undefined && typeof v.reason !== 'string') throw new RuleValidationError('reason: expected a string');
  if (v.updatedBy !== undefined && typeof v.updatedBy !== 'string') throw new RuleValidationError('updatedBy: expected a string');
  return {
    target: parseTargetJson(v.target),
    state: v.state as RuleState,
    sampleRate: v.sampleRate as number | undefined,
    minSeverity: v.minSeverity as number | string | undefined,
    reason: v.reason as string | undefined,
    updatedBy: v.updatedBy as string | undefined,
  };
}

/**
 * What DELETE /api/v1/rules names: a target, or a short rule id (rules.ts
 * shortRuleId) the caller resolves against the stored rules.
 */
export type DeleteSelector = { target: Target } | { shortId: string };

/**
 * The rule of DELETE /api/v1/rules from its query: `?id=<ruleId>` (the listing's
 * short `ruleId`), `?target=<id>` (the listing's `id`, or a short ruleId), or
 * `?service=&instance=&function=&template=`. Targets are not length-bounded here:
 * a rule stored before the bounds existed must stay deletable.
 */
export function parseTargetQuery(q: URLSearchParams): Target {
  const sel = parseDeleteQuery(q);
  if ('target' in sel) return sel.target;
  throw new RuleValidationError('a short rule id: resolve it with parseDeleteQuery');
}

export function parseDeleteQuery(q: URLSearchParams): DeleteSelector {
  const short = q.get('id');
  if (short !== null) return shortIdSelector(short);
  const id = q.get('target');
  if (id !== null) return isShortRuleId(id) ? { shortId: id } : { target: parseTargetKey(id) };
  const service = q.get('service');
  if (service === null) throw new RuleValidationError('give ?id=<ruleId>, ?target=<rule id>, ?service=...[&instance=][&function=][&template=], or a JSON body {"id": ...} / {"target": {...}}');
  return {
    target: normalizeTarget(
      {
        service,
        instance: q.get('instance') ?? undefined,
        function: q.get('function') ?? undefined,
        templateId: parseTemplateId(q.get('template') ?? undefined),
      },
      false,
    ),
  };
}

function shortIdSelector(id: string): DeleteSelector {
  if (!isShortRuleId(id)) throw new RuleValidationError(`id ${JSON.stringify(id.slice(0, 40))}: expected a ruleId like r0123456789abcdef (the listing's ruleId)`);
  return { shortId: id };
}

/**
 * The body of DELETE /api/v1/rules (for targets too long for a query string):
 * `{"id": "<ruleId>"}`, `{"target": "<rule id>"}` or `{"target": {service, ...}}`,
 * each with an optional `"source": "manual" | "auto"`.
 */
export function parseDeleteBody(v: unknown): { selector: DeleteSelector; source: RuleSource | undefined } {
  if (!isPlainObject(v)) throw new RuleValidationError('body: expected a JSON object {"id": ...} or {"target": ...}');
  for (const k of Object.keys(v)) {
    if (!['id', 'target', 'source'].includes(k)) throw new RuleValidationError(`${k}: unknown field (id, target, source)`);
  }
  if (v.source !== undefined && typeof v.source !== 'string') throw new RuleValidationError('source: expected manual or auto');
  const source = v.source === undefined ? undefined : parseSourceParam(v.source as string);
  if (v.id !== undefined) {
    if (v.target !== undefined) throw new RuleValidationError('give id or target, not both');
    if (typeof v.id !== 'string') throw new RuleValidationError('id: expected a string');
    return { selector: shortIdSelector(v.id), source };
  }
  if (typeof v.target === 'string') return { selector: isShortRuleId(v.target) ? { shortId: v.target } : { target: parseTargetKey(v.target) }, source };
  if (v.target === undefined) throw new RuleValidationError('body: expected {"id": "<ruleId>"} or {"target": ...}');
  return { selector: { target: parseTargetJson(v.target, false) }, source };
}

export function parseSourceParam(v: string | null): RuleSource {
  if (v === null || v === '' || v === 'manual') return 'manual';
  if (v === 'auto') return 'auto';
  throw new RuleValidationError(`source ${JSON.stringify(v)}: expected manual or auto`);
}
