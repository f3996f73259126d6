/** Control rules: the resolution order (rules.ts), its index, and the flattening for SDKs. */
import {
  KEEP_ALL,
  RuleIndex,
  RuleValidationError,
  effectiveDecision,
  manualRuleAt,
  normalizeTarget,
  parseMinSeverity,
  parseSampleRate,
  parseTargetKey,
  parseTemplateId,
  sdkDecision,
  sdkRulesFor,
  specificity,
  targetKey,
  type ControlRule,
  type RecordKeys,
  type RuleSource,
  type RuleState,
  type RuleTarget,
} from '../../collector/control/rules';

let version = 0n;
function rule(target: RuleTarget, state: RuleState, source: RuleSource = 'manual', extra: Partial<ControlRule> = {}): ControlRule {
  return {
    target: normalizeTarget(target),
    state,
    sampleRate: 1,
    minSeverity: 0,
    source,
    reason: `${source} ${state}`,
    version: ++version,
    updatedAt: 0,
    updatedBy: 'test',
    expiresAt: 0,
    ...extra,
  };
}

function keys(k: Partial<RecordKeys> & { service: string }): RecordKeys {
  return { instance: '', function: '', templateId: 0n, ...k };
}

describe('effectiveDecision: precedence', () => {
  const site = keys({ service: 'checkout', instance: 'pod-1', function: 'pay', templateId: 42n });

  test('no rule: keep everything', () => {
    expect(effectiveDecision([], site)).toBe(KEEP_ALL);
    expect(effectiveDecision([rule({ service: 'other' }, 'off')], site)).toBe(KEEP_ALL);
  });

  test('specificity ranks template > function > instance > service', () => {
    expect(specificity(normalizeTarget({ service: 's' }))).toBe(0);
    expect(specificity(normalizeTarget({ service: 's', instance: 'i' }))).toBe(1);
    expect(specificity(normalizeTarget({ service: 's', function: 'f' }))).toBe(2);
    expect(specificity(normalizeTarget({ service: 's', function: 'f', instance: 'i' }))).toBe(3);
    expect(specificity(normalizeTarget({ service: 's', templateId: 1n }))).toBe(4);
    // A template beats a function + instance target.
    const rules = [rule({ service: 'checkout', function: 'pay', instance: 'pod-1' }, 'off'), rule({ service: 'checkout', templateId: 42n }, 'on')];
    expect(effectiveDecision(rules, site).drop).toBe(false);
  });

  test('the most specific manual rule wins, at every level', () => {
    const service = rule({ service: 'checkout' }, 'off');
    const instance = rule({ service: 'checkout', instance: 'pod-1' }, 'on');
    const fn = rule({ service: 'checkout', function: 'pay' }, 'off');
    const template = rule({ service: 'checkout', templateId: 42n }, 'on');
    expect(effectiveDecision([service], site)).toMatchObject({ drop: true, dropReason: 'off', rule: service });
    expect(effectiveDecision([service, instance], site)).toMatchObject({ drop: false, rule: instance });
    expect(effectiveDecision([service, instance, fn], site)).toMatchObject({ drop: true, rule: fn });
    expect(effectiveDecision([service, instance, fn, template], site)).toMatchObject({ drop: false, rule: template });
    // Order of the list does not matter.
    expect(effectiveDecision([template, fn, instance, service], site).rule).toBe(template);
  });

  test('rules that name another instance, function or template do not match', () => {
    const rules = [
      rule({ service: 'checkout', instance: 'pod-2' }, 'off'),
      rule({ service: 'checkout', function: 'refund' }, 'off'),
      rule({ service: 'checkout', templateId: 7n }, 'off'),
      rule({ service: 'checkout', function: 'refund', templateId: 42n }, 'off'),
    ];
    expect(effectiveDecision(rules, site)).toBe(KEEP_ALL);
  });

  test('an automatic mute applies when no manual rule pins the record', () => {
    const auto = rule({ service: 'checkout', templateId: 42n }, 'off', 'auto');
    expect(effectiveDecision([auto], site)).toMatchObject({ drop: true, dropReason: 'auto', rule: auto });
    // Explicit manual AUTO at the service level: still the balancer's call.
    expect(effectiveDecision([rule({ service: 'checkout' }, 'auto'), auto], site)).toMatchObject({ drop: true, dropReason: 'auto' });
  });

  test('a manual rule always wins over AUTO, even a less specific one', () => {
    const auto = rule({ service: 'checkout', templateId: 42n }, 'off', 'auto');
    const serviceOn = rule({ service: 'checkout' }, 'on');
    expect(effectiveDecision([serviceOn, auto], site)).toMatchObject({ drop: false, rule: serviceOn });
    const fnOff = rule({ service: 'checkout', function: 'pay' }, 'off');
    expect(effectiveDecision([fnOff, auto], site)).toMatchObject({ drop: true, dropReason: 'off', rule: fnOff });
    // Same target, both sources: manual wins.
    const templateOn = rule({ service: 'checkout', templateId: 42n }, 'on');
    expect(effectiveDecision([auto, templateOn], site)).toMatchObject({ drop: false, rule: templateOn });
  });

  test('a more specific manual AUTO hands a part back to the balancer', () => {
    const serviceOn = rule({ service: 'checkout' }, 'on');
    const fnAuto = rule({ service: 'checkout', function: 'pay' }, 'auto');
    const auto = rule({ service: 'checkout', templateId: 42n }, 'off', 'auto');
    expect(effectiveDecision([serviceOn, fnAuto, auto], site)).toMatchObject({ drop: true, dropReason: 'auto' });
    // Records of other functions stay pinned on.
    expect(effectiveDecision([serviceOn, fnAuto, auto], { ...site, function: 'refund' })).toMatchObject({ drop: false, rule: serviceOn });
  });

  test('sample rate and severity floor come from the deciding rule, as a whole', () => {
    const service = rule({ service: 'checkout' }, 'on', 'manual', { sampleRate: 0.5, minSeverity: 13 });
    const fn = rule({ service: 'checkout', function: 'pay' }, 'on', 'manual', { sampleRate: 0.1 });
    expect(effectiveDecision([service], site)).toMatchObject({ drop: false, sampleRate: 0.5, minSeverity: 13 });
    // No inheritance: the function rule has no floor.
    expect(effectiveDecision([service, fn], site)).toMatchObject({ sampleRate: 0.1, minSeverity: 0, rule: fn });
  });

  test('an automatic throttle combines with the manual AUTO rule: min rate, manual floor', () => {
    const manual = rule({ service: 'checkout' }, 'auto', 'manual', { sampleRate: 0.5, minSeverity: 9 });
    const throttle = rule({ service: 'checkout', templateId: 42n }, 'on', 'auto', { sampleRate: 0.2 });
    expect(effectiveDecision([manual, throttle], site)).toMatchObject({ drop: false, sampleRate: 0.2, minSeverity: 9, rule: throttle });
    const lighter = rule({ service: 'checkout', templateId: 42n }, 'on', 'auto', { sampleRate: 0.9 });
    expect(effectiveDecision([manual, lighter], site).sampleRate).toBe(0.5);
  });

  test('manualRuleAt gives the mode the balancer must respect', () => {
    const rules = [rule({ service: 'checkout' }, 'on'), rule({ service: 'checkout', function: 'pay' }, 'auto'), rule({ service: 'checkout', templateId: 9n }, 'off', 'auto')];
    expect(manualRuleAt(rules, keys({ service: 'checkout', templateId: 9n }))?.state).toBe('on');
    expect(manualRuleAt(rules, keys({ service: 'checkout', function: 'pay' }))?.state).toBe('auto');
    expect(manualRuleAt(rules, keys({ service: 'other' }))).toBeUndefined();
  });
});

describe('validation and parsing', () => {
  test('targets need a service; template ids are uint64', () => {
    expect(() => normalizeTarget({ service: '' })).toThrow(RuleValidationError);
    expect(() => normalizeTarget({ service: 's', templateId: -1n })).toThrow(/unsigned 64-bit/);
    expect(() => normalizeTarget({ service: 's', templateId: 1n << 64n })).toThrow(/unsigned 64-bit/);
    expect(normalizeTarget({ service: 's' })).toEqual({ service: 's', instance: '', function: '', templateId: 0n });
  });

  test('target keys round trip, whatever the characters', () => {
    const t = normalizeTarget({ service: 'a/b c', instance: '%x', function: 'Cart.add/1', templateId: 18446744073709551615n });
    expect(parseTargetKey(targetKey(t))).toEqual(t);
    expect(targetKey(normalizeTarget({ service: 'checkout', function: 'pay' }))).toBe('checkout//pay/0');
    expect(() => parseTargetKey('just-a-service')).toThrow(RuleValidationError);
  });

  test('template ids: decimal, hex, safe integers', () => {
    expect(parseTemplateId('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseTemplateId('0xff')).toBe(255n);
    expect(parseTemplateId(12)).toBe(12n);
    expect(parseTemplateId(undefined)).toBe(0n);
    expect(() => parseTemplateId('18446744073709551616')).toThrow(RuleValidationError);
    expect(() => parseTemplateId(1.5)).toThrow(RuleValidationError);
    expect(() => parseTemplateId('abc')).toThrow(RuleValidationError);
  });

  test('severity floors: names and numbers', () => {
    expect(parseMinSeverity('warn')).toBe(13);
    expect(parseMinSeverity('WARNING')).toBe(13);
    expect(parseMinSeverity('error')).toBe(17);
    expect(parseMinSeverity(10)).toBe(10);
    expect(parseMinSeverity('24')).toBe(24);
    expect(parseMinSeverity(undefined)).toBe(0);
    expect(() => parseMinSeverity('loud')).toThrow(RuleValidationError);
    expect(() => parseMinSeverity(25)).toThrow(RuleValidationError);
  });

  test('sample rates are in (0, 1]', () => {
    expect(parseSampleRate(undefined)).toBe(1);
    expect(parseSampleRate(0.25)).toBe(0.25);
    expect(parseSampleRate('0.5')).toBe(0.5);
    expect(() => parseSampleRate(0)).toThrow(/state off/);
    expect(() => parseSampleRate(1.5)).toThrow(RuleValidationError);
    expect(() => parseSampleRate('half')).toThrow(RuleValidationError);
  });
});

/** A small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomRules(rand: () => number, n: number): ControlRule[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const byKey = new Map<string, ControlRule>();
  for (let i = 0; i < n; i++) {
    const source: RuleSource = rand() < 0.4 ? 'auto' : 'manual';
    const target: RuleTarget = {
      service: pick(['a', 'b']),
      instance: pick(['', '', 'i1', 'i2']),
      function: pick(['', '', 'f1', 'f2']),
      templateId: pick([0n, 0n, 1n, 2n, 3n]),
    };
    const state: RuleState = source === 'auto' ? pick(['off', 'on'] as const) : pick(['on', 'off', 'auto'] as const);
    const r = rule(target, state, source, { sampleRate: pick([1, 1, 0.5, 0.25]), minSeverity: source === 'manual' ? pick([0, 0, 9, 13]) : 0 });
    byKey.set(`${source}:${targetKey(r.target)}`, r);
  }
  return [...byKey.values()];
}

function allSites(): RecordKeys[] {
  const out: RecordKeys[] = [];
  for (const service of ['a', 'b'])
    for (const instance of ['', 'i1', 'i2', 'i3'])
      for (const fn of ['', 'f1', 'f2', 'f3'])
        for (const templateId of [0n, 1n, 2n, 3n, 4n]) out.push({ service, instance, function: fn, templateId });
  return out;
}

describe('RuleIndex and the SDK flattening agree with effectiveDecision', () => {
  test('RuleIndex.decide equals effectiveDecision on random rule sets', () => {
    const rand = prng(7);
    for (let round = 0; round < 200; round++) {
      const rules = randomRules(rand, 1 + Math.floor(rand() * 12));
      const index = new RuleIndex(rules);
      const mismatches = allSites().filter((site) => {
        const a = index.decide(site);
        const b = effectiveDecision(rules, site);
        return a.drop !== b.drop || a.dropReason !== b.dropReason || a.sampleRate !== b.sampleRate || a.minSeverity !== b.minSeverity || a.rule !== b.rule;
      });
      expect({ round, mismatches }).toEqual({ round, mismatches: [] });
    }
  });

  test('"most specific flattened rule wins" gives every site its exact decision', () => {
    const rand = prng(11);
    for (let round = 0; round < 200; round++) {
      const rules = randomRules(rand, 1 + Math.floor(rand() * 12));
      for (const service of ['a', 'b']) {
        for (const sdkInstance of [undefined, 'i1', 'i3']) {
          const flat = sdkRulesFor(rules, service, sdkInstance);
          const mismatches = allSites().filter((site) => {
            if (site.service !== service || (sdkInstance !== undefined && site.instance !== sdkInstance)) return false;
            const want = effectiveDecision(rules, site);
            const got = sdkDecision(flat, site);
            if (want.rule === undefined) return got !== undefined;
            if (got === undefined || (got.state === 'off') !== want.drop) return true;
            return !want.drop && (got.sampleRate !== want.sampleRate || got.minSeverity !== want.minSeverity);
          });
          expect({ round, service, sdkInstance, mismatches }).toEqual({ round, service, sdkInstance, mismatches: [] });
        }
      }
    }
  });

  test('SDK rules: an auto mute under a manual function ON becomes a combined ON rule', () => {
    const rules = [rule({ service: 'checkout', function: 'pay' }, 'on'), rule({ service: 'checkout', templateId: 42n }, 'off', 'auto', { reason: 'spam' })];
    const flat = sdkRulesFor(rules, 'checkout');
    expect(flat).toHaveLength(3);
    const combined = flat.find((r) => r.target.function === 'pay' && r.target.templateId === 42n);
    expect(combined?.state).toBe('on');
    const mute = flat.find((r) => r.target.function === '' && r.target.templateId === 42n);
    expect(mute).toMatchObject({ state: 'off', reason: 'auto: spam' });
    expect(sdkRulesFor(rules, 'other')).toEqual([]);
  });
});
