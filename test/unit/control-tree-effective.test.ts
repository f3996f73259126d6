/**
 * The control page's effective state (collector/console/control-tree.ts): every
 * node says what happens to its records under the rules above and on it — also
 * when it has no rule of its own (issue 13: the page highlighted nothing then).
 */
import { buildControlTree } from '../../collector/console/control-tree';
import { normalizeTarget, type ControlRule, type RuleSource, type RuleState, type RuleTarget } from '../../collector/control/rules';
import { TemplateDictionary } from '../../collector/templates/dictionary';

let version = 0n;
function rule(target: RuleTarget, state: RuleState, source: RuleSource = 'manual', extra: Partial<ControlRule> = {}): ControlRule {
  return { target: normalizeTarget(target), state, sampleRate: 1, minSeverity: 0, source, reason: `${source} ${state}`, version: ++version, updatedAt: 0, updatedBy: 'test', expiresAt: 0, ...extra };
}

function dictionary(): TemplateDictionary {
  const d = new TemplateDictionary();
  d.define({ id: 11n, service: 'web', text: 'paid {}', source: 'sdk', function: 'checkout' });
  d.define({ id: 12n, service: 'web', text: 'refund {}', source: 'sdk', function: 'checkout' });
  d.define({ id: 21n, service: 'web', text: 'hello {}', source: 'sdk', function: 'greet' });
  return d;
}

function effective(rules: ControlRule[]) {
  const [web] = buildControlTree(dictionary(), rules, 1000);
  const fn = (name: string) => web.functions.find((f) => f.name === name)!;
  const tpl = (id: string) => web.functions.flatMap((f) => f.templates).find((t) => t.id === id)!;
  return { service: web.effective, checkout: fn('checkout').effective, greet: fn('greet').effective, t11: tpl('11').effective, t12: tpl('12').effective, t21: tpl('21').effective };
}

describe('control tree effective state', () => {
  test('no rule: every node is active, mode AUTO, "active (no rule)"', () => {
    for (const e of Object.values(effective([]))) expect(e).toEqual({ mode: 'auto', outcome: 'active', text: 'active (no rule)' });
  });

  test('a service OFF mutes every node below it; a template ON under it is active by its own rule', () => {
    const e = effective([rule({ service: 'web' }, 'off'), rule({ service: 'web', templateId: 12n }, 'on')]);
    expect(e.service).toEqual({ mode: 'off', outcome: 'muted', text: 'muted by this rule' });
    expect(e.checkout).toEqual({ mode: 'off', outcome: 'muted', text: 'muted by OFF on service web' });
    expect(e.t11).toEqual({ mode: 'off', outcome: 'muted', text: 'muted by OFF on service web' });
    expect(e.t12).toEqual({ mode: 'on', outcome: 'active', text: 'active (this rule)' });
  });

  test('a function ON with sampling; an automatic mute under AUTO; an expired rule counts for nothing', () => {
    const e = effective([
      rule({ service: 'web', function: 'checkout' }, 'on', 'manual', { sampleRate: 0.25 }),
      rule({ service: 'web', templateId: 21n }, 'off', 'auto', { reason: 'spam burst' }),
      rule({ service: 'web' }, 'off', 'manual', { expiresAt: 500 }),
    ]);
    expect(e.service).toEqual({ mode: 'auto', outcome: 'active', text: 'active (no rule)' });
    expect(e.t11).toEqual({ mode: 'on', outcome: 'active', text: 'active (ON on function checkout(), 25% kept)' });
    expect(e.t21).toEqual({ mode: 'auto', outcome: 'muted-auto', text: 'muted automatically (template 21: spam burst)' });
    expect(e.greet?.outcome).toBe('active');
  });
});
