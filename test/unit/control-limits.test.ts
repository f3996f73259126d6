/**
 * Bounds on control rules (collector/control/rules.ts, json.ts) and the sender
 * scoping of the spam balancer's keys (processors/spam/balancer.ts), pure parts:
 *   - target field lengths (bounded for new rules, unbounded to name existing ones);
 *   - capSdkRules never makes an SDK mute a site the full rule set would not;
 *   - localizeSdkRules gives an SDK with no instance id the decisions of its scope;
 *   - short rule ids and DELETE bodies;
 *   - balancer keys per (service, sender scope): one scope's volume and reports
 *     never touch another's keys.
 */
import {
  MAX_TARGET_FIELD_LENGTH,
  RuleValidationError,
  capSdkRules,
  isShortRuleId,
  localizeSdkRules,
  normalizeTarget,
  parseTargetKey,
  sdkDecision,
  sdkRulesFor,
  sdkRulesWireBytes,
  shortRuleId,
  targetKey,
  type ControlRule,
  type RuleSource,
  type RuleState,
} from '../../collector/control/rules';
import { parseDeleteBody, parseDeleteQuery } from '../../collector/control/json';
import { SpamBalancer } from '../../processors/spam/balancer';
import { createDefaultSpamConfig, resolveSpamConfig } from '../../processors/spam/config';

function rule(t: { instance?: string; function?: string; templateId?: bigint }, state: RuleState, source: RuleSource, version: bigint): ControlRule {
  return {
    target: normalizeTarget({ service: 's', ...t }, false),
    state,
    sampleRate: 1,
    minSeverity: 0,
    source,
    reason: source === 'auto' ? 'spam' : 'person',
    version,
    updatedAt: 0,
    updatedBy: 'test',
    expiresAt: 0,
  };
}

/** A deterministic pseudo-random generator (tests must not flake). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function randomRules(rand: () => number): ControlRule[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const out = new Map<string, ControlRule>();
  const n = 3 + Math.floor(rand() * 10);
  for (let i = 0; i < n; i++) {
    const t = { instance: pick(['', '', 'i1', 'i2']), function: pick(['', 'f', 'g', 'h']), templateId: pick([0n, 1n, 2n, 3n]) };
    const source: RuleSource = rand() < 0.4 ? 'auto' : 'manual';
    const state: RuleState = source === 'auto' ? 'off' : pick(['on', 'off', 'auto']);
    const r = rule(t, state, source, BigInt(i + 1));
    out.set(`${source}:${targetKey(r.target)}`, r);
  }
  return [...out.values()];
}

const SITES = ['', 'i1', 'i2'].flatMap((instance) => ['', 'f', 'g', 'h', 'z'].flatMap((fn) => [0n, 1n, 2n, 3n, 9n].map((templateId) => ({ service: 's', instance, function: fn, templateId }))));

describe('target bounds', () => {
  test('new rules: fields over MAX_TARGET_FIELD_LENGTH are refused; lookups of existing rules are not bounded', () => {
    const fn = 'f'.repeat(MAX_TARGET_FIELD_LENGTH.function + 1);
    expect(() => normalizeTarget({ service: 's', function: fn })).toThrow(RuleValidationError);
    expect(() => normalizeTarget({ service: 's'.repeat(MAX_TARGET_FIELD_LENGTH.service + 1) })).toThrow(/target\.service/);
    expect(() => normalizeTarget({ service: 's', instance: 'i'.repeat(MAX_TARGET_FIELD_LENGTH.instance + 1) })).toThrow(/target\.instance/);
    expect(normalizeTarget({ service: 's', function: fn }, false).function).toBe(fn);
    const t = normalizeTarget({ service: 's', function: 'x'.repeat(20_000) }, false);
    expect(parseTargetKey(targetKey(t))).toEqual(t);
  });

  test('short rule ids: stable, short, and resolved by DELETE query and body', () => {
    const t = normalizeTarget({ service: 's', function: 'x'.repeat(20_000) }, false);
    const id = shortRuleId(t);
    expect(isShortRuleId(id)).toBe(true);
    expect(shortRuleId({ ...t })).toBe(id);
    expect(shortRuleId({ ...t, function: 'y' })).not.toBe(id);
    expect(parseDeleteQuery(new URLSearchParams({ id }))).toEqual({ shortId: id });
    expect(parseDeleteQuery(new URLSearchParams({ target: id }))).toEqual({ shortId: id });
    expect(parseDeleteBody({ id, source: 'auto' })).toEqual({ selector: { shortId: id }, source: 'auto' });
    expect(parseDeleteBody({ target: { service: 's', function: t.function } })).toEqual({ selector: { target: t }, source: undefined });
    expect(parseDeleteBody({ target: targetKey(t) })).toEqual({ selector: { target: t }, source: undefined });
    expect(() => parseDeleteBody({ id: 'nope' })).toThrow(RuleValidationError);
    expect(() => parseDeleteBody({ id, target: 's///0' })).toThrow(/not both/);
    expect(() => parseDeleteBody({ other: 1 })).toThrow(/unknown field/);
  });
});

describe('SDK updates', () => {
  test('capSdkRules: under any cap, no site is muted that the full flattened rules would not mute', () => {
    const rand = lcg(12);
    for (let round = 0; round < 200; round++) {
      const rules = randomRules(rand);
      for (const instance of ['i1', undefined]) {
        const full = sdkRulesFor(rules, 's', instance);
        const bytes = sdkRulesWireBytes(full);
        const cap = Math.floor(bytes * rand());
        const capped = capSdkRules(full, cap);
        expect(capped.truncated).toBe(bytes > cap);
        expect(sdkRulesWireBytes(capped.rules) <= cap || capped.rules.length === 0).toBe(true);
        for (const site of SITES) {
          if (instance !== undefined && site.instance !== instance) continue;
          if (sdkDecision(capped.rules, site)?.state === 'off') expect(sdkDecision(full, site)?.state).toBe('off');
        }
      }
    }
  });

  test('localizeSdkRules: an SDK without an instance id decides as its sender scope does', () => {
    const rand = lcg(7);
    for (let round = 0; round < 200; round++) {
      const rules = randomRules(rand);
      const scoped = sdkRulesFor(rules, 's', 'i1');
      const local = localizeSdkRules(scoped, 'i1');
      for (const site of SITES) {
        if (site.instance !== 'i1') continue;
        expect(sdkDecision(local, { ...site, instance: '' })?.state ?? 'on').toBe(sdkDecision(scoped, site)?.state ?? 'on');
      }
    }
  });
});

describe('balancer keys per sender scope', () => {
  test('a spamming scope mutes its own key only; reports of another scope are not attributed to it', () => {
    const errors: string[] = [];
    const p = resolveSpamConfig(createDefaultSpamConfig(), errors).balancer;
    expect(errors).toEqual([]);
    const t0 = 1_700_000_000_000;
    const b = new SpamBalancer(p, t0);
    const fake = b.service('auth', 'fake');
    const realKeys = b.service('auth', 'real');
    let now = t0;
    let muted;
    for (let step = 0; step < 2000 && muted === undefined; step++) {
      now += 10;
      // A normal rate first (a baseline), then a burst of repetition.
      const burst = step >= 700 ? 10 : step % 10 === 0 ? 1 : 0;
      for (let i = 0; i < burst; i++) b.observe(fake, 1n, '', ['admin'], now, b.bucketOf(now));
      if (step % 10 === 0) b.observe(realKeys, 1n, '', [`u${step}`], now, b.bucketOf(now));
      if (step % 25 === 0) muted = b.evaluate(now).find((e) => e.type === 'mute');
    }
    expect(muted?.key.target).toEqual({ service: 'auth', instance: 'fake', templateId: 1n });
    expect(b.keyOf({ service: 'auth', instance: 'real', templateId: 1n })?.state).toBe('normal');
    expect(b.keyOf({ service: 'auth', templateId: 1n })).toBeUndefined();
    expect(b.attributeReport('auth', 1n, '', now, 'fake')).toBe(muted?.key);
    expect(b.attributeReport('auth', 1n, '', now, 'real')).toBeUndefined();
    expect(b.attributeReport('auth', 1n, '', now)).toBeUndefined();
    expect(b.tracks('auth', 'fake', 2n, '')).toBe(false);
    // Names that look like another scope's key do not collide with it.
    expect(b.service('auth", "fake').templates.size).toBe(0);
  });
});
