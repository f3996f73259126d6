/**
 * The SDK's application of pushed control rules (sdk/wire/compact-control.ts):
 * its per-site decision agrees with the reference (collector/control/rules.ts
 * sdkDecision) on random rule sets, and with the collector's own decision
 * (effectiveDecision) for rules flattened by sdkRulesFor; templates, templates
 * created later and traced() scopes are muted per those decisions, never
 * dropping what the rules keep.
 */
import {
  effectiveDecision,
  normalizeTarget,
  sdkDecision,
  sdkRulesFor,
  type ControlRule,
  type RecordKeys,
  type RuleSource,
  type RuleState,
  type RuleTarget,
  type SdkControlRule,
} from '../../collector/control/rules';
import { createLogger, functionScopes, MemoryTransport, templateIdOf, traced } from '../../sdk';
import { runInFunctionScope } from '../../sdk/traced';
import type { TransportContext } from '../../sdk/transport';
import { TemplateRegistry } from '../../sdk/templates';
import { isFunctionMutedByRule, isMutedByRule, muteRulesOf, setMuteRules, SiteRules } from '../../sdk/wire/compact-control';
import { RULE_STATE_OFF, RULE_STATE_ON, type ControlRuleView, type ControlUpdateView } from '../../sdk/wire/compact-messages';

/** Deterministic PRNG (mulberry32), so a failure names its seed. */
import { prng } from '../kit/prng';

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

let version = 0n;
function rule(target: RuleTarget, state: RuleState, source: RuleSource = 'manual'): ControlRule {
  return { target: normalizeTarget(target), state, sampleRate: 1, minSeverity: 0, source, reason: '', version: ++version, updatedAt: 0, updatedBy: 'test', expiresAt: 0 };
}

function toView(r: SdkControlRule): ControlRuleView {
  return {
    target: { ...r.target },
    state: r.state === 'off' ? RULE_STATE_OFF : RULE_STATE_ON,
    sampleRate: r.sampleRate,
    minSeverity: r.minSeverity,
    version: r.version,
    reason: r.reason,
  };
}

function update(rules: readonly SdkControlRule[]): ControlUpdateView {
  return { rules: rules.map(toView), version: 1n };
}

const SERVICES = ['svc', 'other'];
const INSTANCES = ['', 'i1', 'i2'];
const FUNCTIONS = ['', 'F', 'G', 'H'];
const TEMPLATES = [0n, 1n, 2n, 3n, 18446744073709551615n];
const SITE_TEMPLATES = [0n, 1n, 2n, 3n, 18446744073709551615n, 777n];

function randomRules(rnd: () => number, n: number): ControlRule[] {
  const byKey = new Map<string, ControlRule>();
  for (let i = 0; i < n; i++) {
    const source: RuleSource = rnd() < 0.4 ? 'auto' : 'manual';
    const state: RuleState = source === 'auto' ? (rnd() < 0.8 ? 'off' : 'on') : pick(rnd, ['on', 'off', 'auto'] as const);
    const r = rule(
      { service: pick(rnd, SERVICES), instance: rnd() < 0.3 ? pick(rnd, INSTANCES) : '', function: rnd() < 0.5 ? pick(rnd, FUNCTIONS) : '', templateId: rnd() < 0.5 ? pick(rnd, TEMPLATES) : 0n },
      state,
      source,
    );
    byKey.set(`${source}:${r.target.service}/${r.target.instance}/${r.target.function}/${r.target.templateId}`, r);
  }
  return [...byKey.values()];
}

function everySite(service: string, f: (site: RecordKeys) => void): void {
  for (const instance of INSTANCES) for (const fn of FUNCTIONS) for (const templateId of SITE_TEMPLATES) f({ service, instance, function: fn, templateId });
}

describe('SiteRules.decide agrees with the reference', () => {
  const targetText = (t: { service: string; serviceInstance: string; function: string; templateId: bigint } | undefined) =>
    t === undefined ? 'none' : `${t.service}/${t.serviceInstance}/${t.function}/${t.templateId}`;
  const siteText = (site: RecordKeys) => `${site.service}/${site.instance}/${site.function}/${site.templateId}`;

  test('random manual + automatic rule sets, flattened by the collector: same rule and state at every site, and the collector decision', () => {
    const mismatches: string[] = [];
    let sites = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = prng(seed);
      const rules = randomRules(rnd, 1 + Math.floor(rnd() * 10));
      const flat = sdkRulesFor(rules, 'svc');
      const view = update(flat);
      const byInstance = new Map(INSTANCES.map((i) => [i, new SiteRules(view.rules, 'svc', i)]));
      everySite('svc', (site) => {
        sites++;
        const sdk = byInstance.get(site.instance)!;
        const ours = targetText(sdk.decide(site.function, site.templateId)?.target);
        const ref = sdkDecision(flat, site);
        const muted = sdk.isMuted(site.function, site.templateId);
        // The flattening is exact too: the SDK mutes precisely what the collector drops (manual OFF or an automatic mute).
        const drop = effectiveDecision(rules, site).drop;
        if (ours !== targetText(ref?.target) || muted !== (ref?.state === 'off') || muted !== drop) {
          mismatches.push(`seed ${seed} site ${siteText(site)}: sdk ${ours} muted=${muted}, reference ${targetText(ref?.target)} ${ref?.state}, collector drop=${drop}`);
        }
      });
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(sites).toBeGreaterThan(20_000);
  });

  test('random SDK rule sets as sent (unique targets, any states, rules of other instances and services)', () => {
    const mismatches: string[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = prng(10_000 + seed);
      const byTarget = new Map<string, SdkControlRule>();
      const n = Math.floor(rnd() * 14);
      for (let i = 0; i < n; i++) {
        const target = { service: pick(rnd, SERVICES), serviceInstance: rnd() < 0.4 ? pick(rnd, INSTANCES) : '', function: rnd() < 0.5 ? pick(rnd, FUNCTIONS) : '', templateId: rnd() < 0.5 ? pick(rnd, TEMPLATES) : 0n };
        byTarget.set(targetText(target), { target, state: rnd() < 0.5 ? 'off' : 'on', sampleRate: 1, minSeverity: 0, version: BigInt(i), reason: '' });
      }
      const flat = [...byTarget.values()];
      const view = update(flat);
      for (const service of SERVICES) {
        const byInstance = new Map(INSTANCES.map((i) => [i, new SiteRules(view.rules, service, i)]));
        everySite(service, (site) => {
          const sdk = byInstance.get(site.instance)!;
          const ours = sdk.decide(site.function, site.templateId);
          const ref = sdkDecision(flat, site);
          if (targetText(ours?.target) !== targetText(ref?.target) || sdk.isMuted(site.function, site.templateId) !== (ref?.state === 'off')) {
            mismatches.push(`seed ${seed} site ${siteText(site)}: sdk ${targetText(ours?.target)}, reference ${targetText(ref?.target)}`);
          }
        });
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  test('a rule with an empty service applies to every service; one naming the service wins a tie', () => {
    const view = (state: number, service: string, templateId: bigint): ControlRuleView => ({
      target: { service, serviceInstance: '', function: '', templateId },
      state,
      sampleRate: 1,
      minSeverity: 0,
      version: 1n,
      reason: '',
    });
    const rules = { rules: [view(RULE_STATE_OFF, '', 5n), view(RULE_STATE_ON, 'b', 5n)], version: 2n };
    expect(muteRulesOf(rules, 'a', 'pod').isMuted('', 5n)).toBe(true);
    expect(muteRulesOf(rules, 'b', '').isMuted('', 5n)).toBe(false);
    expect(muteRulesOf(rules, 'b', '').isMuted('', 6n)).toBe(false);
  });

  test('mutesWholeFunction: OFF at the function and at every template the rules name under it', () => {
    // A template ranks above a function: template 9 stays ON inside F, so F as a whole is not muted.
    const flat = sdkRulesFor([rule({ service: 's', function: 'F' }, 'off'), rule({ service: 's', templateId: 9n }, 'on')], 's');
    const sdk = new SiteRules(update(flat).rules, 's', '');
    expect(sdk.isMuted('F', 1234n)).toBe(true);
    expect(sdk.isMuted('F', 9n)).toBe(false);
    expect(sdk.mutesWholeFunction('F')).toBe(false);
    const off = new SiteRules(update(sdkRulesFor([rule({ service: 's', function: 'F' }, 'off')], 's')).rules, 's', '');
    expect(off.mutesWholeFunction('F')).toBe(true);
    expect(off.mutesWholeFunction('G')).toBe(false);
  });
});

describe('templates and traced() scopes', () => {
  const owners: object[] = [];
  const registries: TemplateRegistry[] = [];
  afterEach(() => {
    for (const o of owners.splice(0)) for (const r of registries) setMuteRules(r, o, undefined);
    registries.length = 0;
  });

  function apply(registry: TemplateRegistry, owner: object, rules: ControlRule[], service: string, instance = ''): void {
    if (!owners.includes(owner)) owners.push(owner);
    if (!registries.includes(registry)) registries.push(registry);
    setMuteRules(registry, owner, muteRulesOf(update(sdkRulesFor(rules, service)), service, instance));
  }

  /** A MemoryTransport that keeps the registry createLogger hands it (control rules act there). */
  class RegistryTransport extends MemoryTransport {
    registry: TemplateRegistry | undefined;
    attach(context: TransportContext): void {
      this.registry = context.templates;
    }
  }

  function memoryLogger(service: string) {
    const transport = new RegistryTransport();
    // Own registry per logger (captureCallSites false), so loggers of this file do not share templates.
    const log = createLogger({ service, transport, captureCallSites: false, exitHooks: false, batch: { delayMs: 1 } });
    return { log, transport, registry: transport.registry! };
  }

  test('template OFF mutes it, also templates created later; clearing the rules unmutes only what rules muted', () => {
    const registry = new TemplateRegistry();
    const owner = {};
    const before = registry.messageTemplate('noisy');
    const byHand = registry.messageTemplate('muted by hand');
    byHand.muted = true;
    apply(registry, owner, [rule({ service: 's', templateId: templateIdOf('noisy') }, 'off'), rule({ service: 's', templateId: templateIdOf('later {}') }, 'off', 'auto')], 's');
    expect(before.muted).toBe(true);
    expect(isMutedByRule(registry, before)).toBe(true);
    const later = registry.printfTemplate('later %s', 1);
    expect(later.muted).toBe(true);
    expect(registry.messageTemplate('fine').muted).toBe(false);
    apply(registry, owner, [], 's');
    expect(before.muted).toBe(false);
    expect(later.muted).toBe(false);
    expect(byHand.muted).toBe(true);
  });

  test('service and instance level rules: OFF for the service, ON pinned for one instance and one template', () => {
    const rules = [rule({ service: 's' }, 'off'), rule({ service: 's', instance: 'pod-2' }, 'on'), rule({ service: 's', templateId: templateIdOf('keep') }, 'on')];
    const registry = new TemplateRegistry();
    const drop = registry.messageTemplate('drop');
    const keep = registry.messageTemplate('keep');
    apply(registry, {}, rules, 's', 'pod-1');
    expect([drop.muted, keep.muted]).toEqual([true, false]);
    const registry2 = new TemplateRegistry();
    const other = registry2.messageTemplate('drop');
    apply(registry2, {}, rules, 's', 'pod-2');
    expect(other.muted).toBe(false);
    // Rules of another service do nothing here.
    const registry3 = new TemplateRegistry();
    const third = registry3.messageTemplate('drop');
    apply(registry3, {}, rules, 'not-s', 'pod-1');
    expect(third.muted).toBe(false);
  });

  test('two services sharing a registry: a template is muted only while both mute it', () => {
    const registry = new TemplateRegistry();
    const t = registry.messageTemplate('shared');
    const id = templateIdOf('shared');
    const ownerA = {};
    const ownerB = {};
    apply(registry, ownerA, [rule({ service: 'a', templateId: id }, 'off')], 'a');
    expect(t.muted).toBe(true);
    apply(registry, ownerB, [], 'b');
    expect(t.muted).toBe(false);
    apply(registry, ownerB, [rule({ service: 'b', templateId: id }, 'off', 'auto')], 'b');
    expect(t.muted).toBe(true);
    setMuteRules(registry, ownerA, undefined);
    expect(t.muted).toBe(true);
    setMuteRules(registry, ownerB, undefined);
    expect(t.muted).toBe(false);
  });

  test('function OFF mutes its traced() scope, helpers called inside it included', async () => {
    const { log, transport, registry } = memoryLogger('fsvc');
    const helper = (i: number) => log.info(`helper %s`, i);
    const work = traced('Work.run', (i: number) => {
      log.info(`work %s`, i);
      helper(i);
    });
    apply(registry, {}, [rule({ service: 'fsvc', function: 'Work.run' }, 'off')], 'fsvc');
    expect(functionScopes.isMuted('Work.run')).toBe(true);
    expect(isFunctionMutedByRule('Work.run')).toBe(true);
    work(1);
    helper(2);
    await log.flush();
    expect(transport.records.map((r) => r.body)).toEqual(['helper 2']);
    expect(log.stats().muted).toBe(2);
    await log.shutdown();
    for (const o of owners) setMuteRules(registry, o, undefined);
    expect(functionScopes.isMuted('Work.run')).toBe(false);
  });

  test('function OFF with one template pinned ON: the scope stays open, its other templates are muted', async () => {
    const { log, transport, registry } = memoryLogger('f2svc');
    const audit = traced('Audit.write', (i: number) => {
      log.info(`audit chatter %s`, i);
      log.info(`audit record %s`, i);
    });
    apply(registry, {}, [rule({ service: 'f2svc', function: 'Audit.write' }, 'off'), rule({ service: 'f2svc', templateId: templateIdOf('audit record {}') }, 'on')], 'f2svc');
    expect(functionScopes.isMuted('Audit.write')).toBe(false);
    audit(1);
    await log.flush();
    expect(transport.records.map((r) => r.body)).toEqual(['audit record 1']);
    await log.shutdown();
  });

  test('function pinned ON, templates auto-muted: logged inside the function (helpers too), muted elsewhere', async () => {
    const { log, transport, registry } = memoryLogger('psvc');
    const refund = (i: number) => log.info(`refund %s`, i);
    const pay = traced('Checkout.pay', (i: number) => {
      log.info(`charged %s`, i);
      refund(i);
    });
    pay(0);
    refund(0);
    apply(
      registry,
      {},
      [
        rule({ service: 'psvc', function: 'Checkout.pay' }, 'on'),
        rule({ service: 'psvc', templateId: templateIdOf('charged {}') }, 'off', 'auto'),
        rule({ service: 'psvc', templateId: templateIdOf('refund {}') }, 'off', 'auto'),
      ],
      'psvc',
    );
    expect(functionScopes.isMuted('Checkout.pay')).toBe(false);
    pay(1);
    refund(1);
    log.info(`charged %s`, 2);
    await log.flush();
    expect(transport.records.map((r) => [r.body, r.template?.site?.function ?? ''])).toEqual([
      ['charged 0', 'Checkout.pay'],
      ['refund 0', 'Checkout.pay'],
      ['refund 0', ''],
      ['charged 1', 'Checkout.pay'],
      ['refund 1', 'Checkout.pay'],
    ]);
    expect(log.stats().muted).toBe(2);
    // The template reads muted per context, as the collector decides for its records.
    const refundTemplate = registry.printfTemplate('refund %s', 1);
    expect(refundTemplate.muted).toBe(true);
    expect(runInFunctionScope(functionScopes.scope('Checkout.pay'), () => refundTemplate.muted)).toBe(false);
    expect(runInFunctionScope(functionScopes.scope('Other.fn'), () => refundTemplate.muted)).toBe(true);
    // The pin lifted: a plain flag again.
    apply(registry, {}, [rule({ service: 'psvc', templateId: templateIdOf('refund {}') }, 'off', 'auto')], 'psvc');
    await log.shutdown();
  });

  test('an accessor-held template set by someone else becomes theirs', () => {
    const registry = new TemplateRegistry();
    const owner = {};
    const t = registry.messageTemplate('mixed');
    const rules = [rule({ service: 's', function: 'Pinned.fn' }, 'on'), rule({ service: 's', templateId: templateIdOf('mixed') }, 'off', 'auto')];
    apply(registry, owner, rules, 's');
    expect(t.muted).toBe(true);
    expect(runInFunctionScope(functionScopes.scope('Pinned.fn'), () => t.muted)).toBe(false);
    t.muted = false;
    expect(isMutedByRule(registry, t)).toBe(false);
    apply(registry, owner, [], 's');
    expect(t.muted).toBe(false);
    apply(registry, owner, rules, 's');
    expect(t.muted).toBe(true);
    apply(registry, owner, [rule({ service: 's', templateId: templateIdOf('mixed') }, 'off', 'auto')], 's');
    expect(Object.getOwnPropertyDescriptor(t, 'muted')).toMatchObject({ value: true, writable: true });
    apply(registry, owner, [], 's');
    expect(t.muted).toBe(false);
  });
});
