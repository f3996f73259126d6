/**
 * The balancer's decisions on explicit time (balancer.ts): triggering, hysteresis,
 * flap back-off, manual precedence, template-before-function, attribution of SDK
 * reports, summaries and the exactness of their counts.
 */
import { MAX_FUNCTION_NAME_LENGTH, SpamBalancer, type BalancerEvent, type ServiceKeys } from '../../processors/spam/balancer';
import { createDefaultSpamConfig, resolveSpamConfig, type BalancerParams } from '../../processors/spam/config';
import type { ManualMode, MuteTarget } from '../../processors/spam/control-sink';
import { runtimeGc } from '../../processors/memory_limiter/runtime-gc';

const T0 = 1_700_000_000_000;

function params(overrides: Partial<BalancerParams> = {}): BalancerParams {
  const errors: string[] = [];
  const p = resolveSpamConfig(createDefaultSpamConfig(), errors).balancer;
  expect(errors).toEqual([]);
  return { ...p, ...overrides };
}

/** Heap bytes still in use after `run` (a collection before and after). */
function heapKeptBy(run: () => void): number {
  const gc = runtimeGc()!;
  gc();
  const before = process.memoryUsage().heapUsed;
  run();
  gc();
  return process.memoryUsage().heapUsed - before;
}

/** Drives a balancer: records at a rate, evaluations every 250 ms. */
class Driver {
  now = T0;
  readonly events: BalancerEvent[] = [];
  readonly manual = new Map<string, ManualMode>();
  readonly b: SpamBalancer;
  private nextEval = T0 + 250;

  constructor(p: BalancerParams = params()) {
    this.b = new SpamBalancer(p, T0, (t) => this.manual.get(key(t)));
  }

  svc(name: string): ServiceKeys {
    return this.b.service(name);
  }

  /**
   * Advances to `untilMs` (relative), emitting `rate` records/s of (service, template,
   * fn) with args; returns the records the balancer would drop, by key.
   */
  run(untilMs: number, streams: { service: string; templateId: bigint; fn?: string; rate: number; args?: (n: number) => string[] }[] = []): number {
    let dropped = 0;
    const end = T0 + untilMs;
    const next = streams.map(() => this.now);
    const counts = streams.map(() => 0);
    while (this.now < end) {
      this.now += 10;
      streams.forEach((s, i) => {
        while (next[i] <= this.now) {
          const k = this.b.observe(this.svc(s.service), s.templateId, s.fn ?? '', s.args ? s.args(counts[i]) : [], this.now, this.b.bucketOf(this.now));
          if (k) {
            this.b.creditDropped(k, 1, 'collector', this.now);
            dropped++;
          }
          counts[i]++;
          next[i] += 1000 / s.rate;
        }
      });
      while (this.nextEval <= this.now) {
        this.nextEval += 250;
        this.events.push(...this.b.evaluate(this.now));
      }
    }
    return dropped;
  }

  of(type: BalancerEvent['type']): BalancerEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

/** Manual rules of the driver name a template or a function (the plane's precedence is its own business). */
function key(t: MuteTarget): string {
  return t.templateId !== undefined ? `${t.service}|t${t.templateId}` : `${t.service}|f${t.function ?? ''}`;
}

const constant = () => ['db-1', 'ECONNREFUSED'];
let seed = 1;
const random = () => [String((seed = (seed * 1103515245 + 12345) % 2147483648)), String(seed % 977)];

describe('SpamBalancer', () => {
  test('a low-entropy burst is muted after trigger_evaluations positive evaluations; the figures explain why', () => {
    const d = new Driver();
    d.run(10_000, [{ service: 's', templateId: 1n, rate: 2, args: random }]);
    expect(d.events).toEqual([]);
    d.run(13_000, [{ service: 's', templateId: 1n, rate: 400, args: constant }]);
    const mutes = d.of('mute');
    expect(mutes).toHaveLength(1);
    const m = mutes[0] as Extract<BalancerEvent, { type: 'mute' }>;
    expect(m.key.target).toEqual({ service: 's', templateId: 1n });
    expect(m.timeMs - (T0 + 10_000)).toBeLessThanOrEqual(1000);
    expect(m.figures.positive).toBe(true);
    expect(m.figures.entropy).toBe(0);
    expect(m.figures.z).toBeGreaterThan(4);
    expect(m.muteForMs).toBe(30_000);
    expect(m.reason).toMatch(/^spam \(both\): \d+\.\d records\/s, baseline \d+\.\d+\/s, z=\d+\.\d, argument entropy 0\.00 over \d+ records \(template key\)$/);
  });

  test('a high-entropy burst and a slow log are not muted under both; zscore alone mutes the burst', () => {
    const d = new Driver();
    d.run(10_000, [{ service: 's', templateId: 1n, rate: 5, args: constant }]);
    d.run(20_000, [
      { service: 's', templateId: 1n, rate: 5, args: constant },
      { service: 's', templateId: 2n, rate: 800, args: random },
    ]);
    expect(d.of('mute')).toEqual([]);
    const z = new Driver(params({ strategy: 'zscore' }));
    z.run(10_000);
    z.run(13_000, [{ service: 's', templateId: 2n, rate: 800, args: random }]);
    expect(z.of('mute')).toHaveLength(1);
  });

  test('hysteresis: a muted key stays muted at least min_mute and while its offered rate is high; then it is released once', () => {
    const d = new Driver();
    d.run(10_000);
    // Spam that goes on for 60 s (records reach the balancer and are dropped: the offered rate).
    d.run(70_000, [{ service: 's', templateId: 1n, rate: 300, args: constant }]);
    expect(d.of('mute')).toHaveLength(1);
    expect(d.of('unmute')).toEqual([]);
    d.run(100_000);
    const unmutes = d.of('unmute') as Extract<BalancerEvent, { type: 'unmute' }>[];
    expect(unmutes).toHaveLength(1);
    expect(unmutes[0].cause).toBe('rate_fell');
    // The offered rate over the 10 s release window falls to 10/s (0.5 x min_rate) about 9.7 s after the stop,
    // and stays there for release.confirm (2 s).
    expect(unmutes[0].timeMs - (T0 + 70_000)).toBeGreaterThan(11_000);
    expect(unmutes[0].timeMs - (T0 + 70_000)).toBeLessThanOrEqual(12_250);
    // A short spam is still muted for min_mute.
    const e = new Driver();
    e.run(10_000);
    e.run(12_000, [{ service: 's', templateId: 1n, rate: 300, args: constant }]);
    e.run(60_000);
    const [mute] = e.of('mute');
    const [unmute] = e.of('unmute');
    // min_mute, then release.confirm (2 s: a round of spam starting as the mute ends would show in that time).
    expect(unmute.timeMs - mute.timeMs).toBeGreaterThanOrEqual(32_000);
    expect(unmute.timeMs - mute.timeMs).toBeLessThanOrEqual(32_250);
  });

  test('flap back-off: a re-mute within flap_window doubles the mute time, up to max_mute', () => {
    const d = new Driver(params({ maxMuteMs: 100_000 }));
    d.run(10_000);
    // Bursts that come back right after each release.
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = d.now - T0;
      d.run(start + 2_000, [{ service: 's', templateId: 1n, rate: 300, args: constant }]);
      // Quiet until released.
      while (d.of('unmute').length <= i) d.run(d.now - T0 + 1_000);
      times.push(d.now - T0);
    }
    const mutes = d.of('mute') as Extract<BalancerEvent, { type: 'mute' }>[];
    expect(mutes.map((m) => m.muteForMs)).toEqual([30_000, 60_000, 100_000, 100_000]);
  });

  test('templates before functions: one template spamming mutes the template, not its function', () => {
    const d = new Driver();
    d.run(10_000, [{ service: 's', templateId: 2n, fn: 'F', rate: 3, args: random }]);
    d.run(20_000, [
      { service: 's', templateId: 1n, fn: 'F', rate: 500, args: constant },
      { service: 's', templateId: 2n, fn: 'F', rate: 3, args: random },
    ]);
    expect(d.of('mute').map((e) => e.key.target)).toEqual([{ service: 's', templateId: 1n }]);
  });

  test('a function whose templates are each below min_rate is muted as a function', () => {
    // Judged at once (no warm-up): the function's 36/s is below warmup.rate.
    const d = new Driver(params({ warmupMs: 0 }));
    d.run(10_000);
    d.run(15_000, [1n, 2n, 3n].map((id) => ({ service: 's', templateId: id, fn: 'Loop.tick', rate: 12, args: () => ['x'] })));
    expect(d.of('mute').map((e) => e.key.target)).toEqual([{ service: 's', function: 'Loop.tick' }]);
  });

  test('a manual ON on one template of a muted function lets that template through', () => {
    const d = new Driver(params({ warmupMs: 0 }));
    d.run(10_000);
    const streams = [1n, 2n, 3n].map((id) => ({ service: 's', templateId: id, fn: 'Loop.tick', rate: 12, args: () => ['x'] }));
    d.run(15_000, streams);
    expect(d.of('mute').map((e) => e.key.target)).toEqual([{ service: 's', function: 'Loop.tick' }]);
    // The person's rule names the template; the plane is asked with the template's function too.
    const asked: MuteTarget[] = [];
    const e = new SpamBalancer(params({ warmupMs: 0 }), T0, (t) => {
      asked.push(t);
      return t.templateId === 2n ? 'on' : undefined;
    });
    // Same story on a balancer whose plane pins template 2.
    const svc = e.service('s');
    let now = T0 + 10_000;
    e.evaluate(now);
    let passed2 = 0;
    for (let i = 0; i < 800; i++) {
      now += 10;
      for (const id of [1n, 2n, 3n]) {
        if (i % 8 !== 0) continue;
        const k = e.observe(svc, id, 'Loop.tick', ['x'], now, e.bucketOf(now));
        if (k) e.creditDropped(k, 1, 'collector', now);
        else if (id === 2n && e.keyOf({ service: 's', function: 'Loop.tick' })?.state === 'muted') passed2++;
      }
      if (i % 25 === 0) e.evaluate(now);
    }
    expect(e.keyOf({ service: 's', function: 'Loop.tick' })!.state).toBe('muted');
    expect(e.keyOf({ service: 's', templateId: 2n })!.state).toBe('overridden');
    expect(passed2).toBeGreaterThan(0);
    expect(asked).toContainEqual({ service: 's', templateId: 2n, function: 'Loop.tick' });
  });

  test('manual rules win: ON before the burst keeps the key, ON while muted lifts it, removal hands it back', () => {
    const d = new Driver();
    const target = { service: 's', templateId: 1n };
    d.manual.set(key(target), 'on');
    d.run(10_000);
    d.run(15_000, [{ service: 's', templateId: 1n, fn: 'F', rate: 300, args: constant }]);
    expect(d.of('mute')).toEqual([]);
    expect(d.of('override')).toMatchObject([{ mode: 'on', wasMuted: false }]);
    d.manual.delete(key(target));
    d.run(18_000, [{ service: 's', templateId: 1n, fn: 'F', rate: 300, args: constant }]);
    // Its history during the manual period was not learnt: the burst is still a burst.
    expect(d.of('mute')).toHaveLength(1);
    d.manual.set(key(target), 'on');
    d.run(18_300, [{ service: 's', templateId: 1n, fn: 'F', rate: 300, args: constant }]);
    expect(d.of('override')).toMatchObject([{ mode: 'on', wasMuted: false }, { mode: 'on', wasMuted: true }]);
    expect(d.b.keyOf(target)!.state).toBe('overridden');
    // The function never took over the pinned template's records.
    expect(d.of('mute').map((e) => e.key.kind)).toEqual(['template']);
  });

  test('strategy off lifts every mute at the next evaluation; tune() changes thresholds at runtime', () => {
    const d = new Driver();
    d.run(10_000);
    d.run(12_000, [{ service: 's', templateId: 1n, rate: 300, args: constant }]);
    expect(d.of('mute')).toHaveLength(1);
    d.b.tune({ strategy: 'off' });
    d.run(12_250);
    expect(d.of('unmute')).toMatchObject([{ cause: 'strategy_off' }]);
    d.b.tune({ strategy: 'both', minRate: 1000 });
    d.run(20_000, [{ service: 's', templateId: 2n, rate: 300, args: constant }]);
    expect(d.of('mute')).toHaveLength(1);
  });

  test('SDK reports are attributed to the muted key (template first), late ones within report_grace, others not', () => {
    const d = new Driver();
    d.run(10_000);
    d.run(12_000, [{ service: 's', templateId: 1n, fn: 'F', rate: 300, args: constant }]);
    const k = d.b.keyOf({ service: 's', templateId: 1n })!;
    expect(k.state).toBe('muted');
    expect(d.b.attributeReport('s', 1n, 'F', d.now)).toBe(k);
    expect(d.b.attributeReport('s', 9n, 'F', d.now)).toBeUndefined();
    expect(d.b.attributeReport('other', 1n, 'F', d.now)).toBeUndefined();
    d.b.creditDropped(k, 1234, 'sdk', d.now);
    d.run(60_000);
    const [unmute] = d.of('unmute');
    // Within report_grace (5 s) after the release, a late report still belongs to the mute.
    expect(d.b.attributeReport('s', 1n, 'F', unmute.timeMs + 4_000)).toBe(k);
    expect(d.b.attributeReport('s', 1n, 'F', unmute.timeMs + 6_000)).toBeUndefined();
  });

  test('summaries: every interval while muted and a final one after report_grace; their counts add up exactly', () => {
    const d = new Driver(params({ summaryIntervalMs: 10_000 }));
    d.run(10_000);
    let dropped = d.run(40_000, [{ service: 's', templateId: 1n, rate: 200, args: constant }]);
    const k = d.b.keyOf({ service: 's', templateId: 1n })!;
    // The SDK reports 7 drops in each second of the mute.
    let sdk = 0;
    for (let t = 0; t < 20; t++) {
      d.b.creditDropped(k, 7, 'sdk', d.now);
      sdk += 7;
      dropped += d.run(d.now - T0 + 1000, [{ service: 's', templateId: 1n, rate: 200, args: constant }]);
    }
    d.run(d.now - T0 + 40_000);
    // A late report (in flight at the release), within report_grace.
    const [unmute] = d.of('unmute');
    const late = d.b.attributeReport('s', 1n, '', unmute.timeMs + 1000);
    expect(late).toBe(k);
    d.b.creditDropped(k, 5, 'sdk', unmute.timeMs + 1000);
    sdk += 5;
    d.run(d.now - T0 + 10_000);
    const summaries = d.of('summary') as Extract<BalancerEvent, { type: 'summary' }>[];
    expect(summaries.length).toBeGreaterThanOrEqual(4);
    expect(summaries.filter((s) => s.final)).toHaveLength(1);
    expect(summaries[summaries.length - 1].final).toBe(true);
    for (const s of summaries.filter((x) => !x.final)) expect(s.timeMs - s.fromMs).toBe(10_000);
    expect(summaries.reduce((n, s) => n + s.sdk, 0)).toBe(sdk);
    expect(summaries.reduce((n, s) => n + s.collector, 0)).toBe(dropped);
  });

  test('releaseAll (shutdown) lifts every mute and closes every account at once', () => {
    const d = new Driver();
    d.run(10_000);
    d.run(12_000, [{ service: 's', templateId: 1n, rate: 300, args: constant }]);
    const events = d.b.releaseAll(d.now);
    expect(events.map((e) => e.type)).toEqual(['unmute', 'summary']);
    expect(events[0]).toMatchObject({ cause: 'shutdown' });
    expect(d.b.mutedKeys()).toEqual([]);
  });

  test('max_keys bounds memory: records of further keys pass unjudged and are counted', () => {
    const d = new Driver(params({ maxKeys: 3 }));
    d.run(1_000, [1n, 2n, 3n, 4n, 5n].map((id) => ({ service: 's', templateId: id, rate: 10 })));
    expect(d.b.size).toBe(3);
    expect(d.b.untracked).toBeGreaterThan(0);
  });

  test("a key's argument sample keeps no client text alive beyond its bound (long arguments, slices of long bodies, many arguments)", () => {
    // 8 function keys x 64 records, each record with a 64 KB argument, a 20-character
    // argument sliced from its own 64 KB body (as a mined argument is) and 100 more
    // arguments: the samples kept every record's arguments (64 MB) before.
    const b = new SpamBalancer(params(), T0);
    const svc = b.service('s');
    const kept = heapKeptBy(() => {
      for (let n = 0; n < 8 * 64; n++) {
        const body = `order ${String(n).padStart(14, '0')} failed: ${'lorem '.repeat(11_000)}`;
        const longArg = String(n).padStart(8, '0') + 'x'.repeat(65_536);
        const args = [longArg, body.slice(6, 26), ...Array.from({ length: 100 }, (_, i) => `extra-argument-${i}`)];
        b.observe(svc, 1n, `fn${n % 8}`, args, T0 + n, b.bucketOf(T0 + n));
      }
    });
    expect(b.size).toBe(9);
    expect(kept).toBeLessThan(4 * 2 ** 20);
    // Each record's long argument is a digest, in its template's and its function's sample.
    expect(b.digestedArguments).toBe(2 * 8 * 64);
  });

  test('at max_keys, records of new sender scopes keep no scope (a new service.instance.id per record)', () => {
    const b = new SpamBalancer(params({ maxKeys: 2 }), T0);
    b.observe(b.service('s'), 1n, 'f', [], T0, b.bucketOf(T0));
    expect(b.size).toBe(2);
    for (let i = 0; i < 1000; i++) b.observe(b.service('s', `instance-${i}`), 1n, 'f', [], T0 + i, b.bucketOf(T0 + i));
    expect(b.scopeCount).toBe(1);
    expect(b.untracked).toBe(2000);
    // A scope handed out while full never gets a key, even once room is made.
    const detached = b.service('t');
    const later = T0 + 60 * 60_000;
    for (let e = 0; e < 40; e++) b.evaluate(later + e); // a sweep forgets the idle keys
    expect(b.size).toBe(0);
    b.observe(detached, 1n, 'f', [], later, b.bucketOf(later));
    expect(b.size).toBe(0);
    b.observe(b.service('t'), 1n, 'f', [], later, b.bucketOf(later));
    expect(b.size).toBe(2);
  });

  test('code.function names are kept to MAX_FUNCTION_NAME_LENGTH characters: longer ones make no key and are not remembered as protected', () => {
    // A function key and the protected set keep the name as long as the scope lives:
    // 4,000 protected 60 KB names kept 236 MB (10,000 a scope were allowed).
    const b = new SpamBalancer(params(), T0);
    const svc = b.service('s');
    const kept = heapKeptBy(() => {
      for (let i = 0; i < 400; i++) {
        const fn = `${String(i).padStart(8, '0')}${'f'.repeat(60_000)}`;
        b.noteProtected(svc, fn);
        b.observe(svc, 1n, fn, [], T0 + i, b.bucketOf(T0 + i));
      }
    });
    expect(kept).toBeLessThan(4 * 2 ** 20);
    expect([b.size, svc.protectedFunctions.size, b.untracked]).toEqual([1, 0, 400]); // the template's key only
    const longest = 'g'.repeat(MAX_FUNCTION_NAME_LENGTH);
    b.noteProtected(svc, longest);
    b.observe(svc, 1n, longest, [], T0 + 500, b.bucketOf(T0 + 500));
    expect([b.size, svc.protectedFunctions.size]).toEqual([2, 1]);
  });

  test('idle keys are forgotten after idle_timeout', () => {
    const d = new Driver(params({ idleTimeoutMs: 20_000 }));
    d.run(2_000, [{ service: 's', templateId: 1n, rate: 10, args: random }]);
    expect(d.b.size).toBe(1);
    d.run(60_000);
    expect(d.b.size).toBe(0);
  });
});

test('observeRun judges a run of records of one template and function as observe does each (rates, samples, digests, mutes, drops)', () => {
  const one = new SpamBalancer(params(), T0, () => undefined);
  const run = new SpamBalancer(params(), T0, () => undefined);
  const target = { service: 'pay', templateId: 7n };
  const fnTarget = { service: 'pay', function: 'Pay.run' };
  const summary = (events: BalancerEvent[]) => events.map((e) => ({ type: e.type, target: e.key.target, timeMs: e.timeMs, reason: 'reason' in e ? e.reason : '' }));
  const events: [BalancerEvent[], BalancerEvent[]] = [[], []];
  const drops = [0, 0];
  let now = T0;
  for (let step = 0; step < 2400; step++) {
    now += 50;
    // 80 s of a few varied records per tick, then bursts of one argument: learnt, then muted
    const burst = step >= 1600;
    const len = burst ? [200, 65, 64, 1][step % 4] : [1, 3, 2][step % 3];
    const args = Array.from({ length: len }, (_, r) => (burst ? ['same', 'x'.repeat(40)] : [String(step * 1000 + r), r % 2 === 0 ? 'y'.repeat(40 + r) : `u${r % 5}`]));
    const bucket = one.bucketOf(now);
    for (let r = 0; r < len; r++) if (one.observe(one.service('pay'), 7n, 'Pay.run', args[r], now, bucket) !== undefined) drops[0]++;
    if (run.observeRun(run.service('pay'), 7n, 'Pay.run', args, 0, len, now, bucket) !== undefined) drops[1] += len;
    if (step % 5 === 0) {
      events[0].push(...one.evaluate(now));
      events[1].push(...run.evaluate(now));
    }
  }
  expect(summary(events[0]).some((e) => e.type === 'mute')).toBe(true);
  expect(drops[0]).toBeGreaterThan(0);
  expect(summary(events[1])).toEqual(summary(events[0]));
  expect(drops[1]).toBe(drops[0]);
  expect(run.digestedArguments).toBe(one.digestedArguments);
  expect(run.digestedArguments).toBeGreaterThan(0);
  for (const t of [target, fnTarget]) expect(run.detect(run.keyOf(t)!, now)).toEqual(one.detect(one.keyOf(t)!, now));
});

test('observeRun: records past max_keys are untracked one by one, as with observe', () => {
  const one = new SpamBalancer(params({ maxKeys: 1 }), T0, () => undefined);
  const run = new SpamBalancer(params({ maxKeys: 1 }), T0, () => undefined);
  const args = Array.from({ length: 10 }, () => ['a']);
  for (let r = 0; r < 10; r++) one.observe(one.service('s'), 9n, 'F.f', args[r], T0, one.bucketOf(T0));
  run.observeRun(run.service('s'), 9n, 'F.f', args, 0, 10, T0, run.bucketOf(T0));
  expect(one.untracked).toBe(10);
  expect(run.untracked).toBe(one.untracked);
});
