/**
 * Scenario suite of the spam balancer: deterministic, simulated time (spam-kit.ts).
 * Each scenario asserts its decision and the time it took; the last test checks the
 * suite's figures:
 *   - time from spam start to the SDK's mute: p99 <= 3 s over every spam start;
 *   - zero false mutes (a mute of any key a scenario does not spam);
 *   - the suppressed counts in summary records equal, exactly, the records the
 *     SDKs dropped and the records the collector dropped.
 * Defaults everywhere (strategy both, 250 ms evaluations, SDK batch delay 1 s,
 * 50 ms control push latency) unless a scenario says otherwise.
 */
import { Scenario, percentile, site, siteFunctionKey, siteTemplateKey, type Site } from './spam-kit';

const decisionTimesMs: { scenario: string; ms: number }[] = [];
const falseMutes: { scenario: string; key: string }[] = [];
const exactness: { scenario: string; key: string; sdkDropped: number; summarySdk: number; collectorDropped: number; summaryCollector: number }[] = [];

/** Records every mute of a key outside `expected` as a false mute. */
function noteFalseMutes(name: string, sc: Scenario, expected: string[]): void {
  for (const m of sc.mutes()) if (!expected.includes(m.key)) falseMutes.push({ scenario: name, key: m.key });
}

/** Asserts summary counts == drops for a key covering `sites`, and records the figure. */
function expectExactCounts(name: string, sc: Scenario, key: string, sites: Site[]): void {
  const truth = sc.groundTruth(sites);
  const sums = sc.summaryTotals(key);
  exactness.push({ scenario: name, key, sdkDropped: truth.sdkDropped, summarySdk: sums.sdk, collectorDropped: truth.collectorDropped, summaryCollector: sums.collector });
  expect(sums.sdk).toBe(truth.sdkDropped);
  expect(sums.collector).toBe(truth.collectorDropped);
  expect(sums.count).toBe(truth.logged - truth.delivered);
}

const randomId = (rnd: () => number) => String(Math.floor(rnd() * 1e9));

/** Ordinary traffic of a service: a few templates at slow, high-entropy rates. */
function background(sc: Scenario, service: string, untilMs: number): Site[] {
  const sites = [
    site(service, 'user {} added item {} to cart', 'Cart.add'),
    site(service, 'order {} paid {} EUR', 'Checkout.pay'),
    site(service, 'GET {} took {} ms', 'Http.handle'),
  ];
  sc.generate({ site: sites[0], rate: 4, fromMs: 0, toMs: untilMs, args: (_n, r) => [randomId(r), String(Math.floor(r() * 500))] });
  sc.generate({ site: sites[1], rate: 2, fromMs: 0, toMs: untilMs, args: (_n, r) => [randomId(r), (r() * 200).toFixed(2)] });
  sc.generate({ site: sites[2], rate: 8, fromMs: 0, toMs: untilMs, args: (_n, r) => [`/api/item/${Math.floor(r() * 1e5)}`, String(Math.floor(r() * 300))] });
  return sites;
}

describe('spam balancer scenarios (simulated time)', () => {
  describe('a low-entropy spam loop is muted', () => {
    // Rates and start phases vary so the spam starts at every position of the evaluation and SDK batch cycles.
    const variants: { rate: number; phaseMs: number }[] = [];
    for (const rate of [100, 300, 1000, 5000]) for (const phaseMs of [0, 130, 370, 610, 880]) variants.push({ rate, phaseMs });

    test.each(variants)('retry loop at $rate records/s (start +$phaseMs ms): muted within 3 s, counts exact', async ({ rate, phaseMs }) => {
      const name = `spam loop ${rate}/s +${phaseMs}`;
      const sc = new Scenario();
      await sc.start();
      const bg = background(sc, 'checkout', 60_000);
      const spam = site('checkout', 'retry {} failed: connection refused to {}', 'Db.connect');
      const start = 20_000 + phaseMs;
      sc.generate({ site: spam, rate, fromMs: start, toMs: 45_000, args: (n) => [String(n), 'db-1:5432'] });
      await sc.runUntil(60_000);
      await sc.finish(60_000);

      const key = siteTemplateKey(spam);
      const mutedAt = sc.sdkMutedAt(key);
      expect(mutedAt).toBeDefined();
      const took = mutedAt! - start;
      decisionTimesMs.push({ scenario: name, ms: took });
      expect(took).toBeGreaterThan(0);
      expect(took).toBeLessThanOrEqual(3000);
      expect(sc.mutes().map((m) => m.key)).toEqual([key]);
      noteFalseMutes(name, sc, [key]);
      expectExactCounts(name, sc, key, [spam]);
      // Background traffic was never touched.
      const truth = sc.groundTruth(bg);
      expect(truth.delivered).toBe(truth.logged);
      // The summary says what happened.
      const summaries = sc.summaries().filter((s) => s.key === key);
      expect(summaries.length).toBeGreaterThan(0);
      expect(summaries[0].body).toMatch(/^\d+ records of template "retry \{\} failed: connection refused to \{\}" suppressed in the last /);
    });
  });

  test('a high-entropy legitimate burst is not muted', async () => {
    const name = 'legit burst';
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'shop', 90_000);
    const burst = site('shop', 'order {} paid {} EUR by user {} from {}', 'Checkout.pay');
    const countries = ['DE', 'FR', 'NL', 'IT', 'ES'];
    // 15 s of 800 orders/s (a sale), ids all different, amounts varied, a handful of countries.
    sc.generate({
      site: burst,
      rate: 800,
      fromMs: 30_000,
      toMs: 45_000,
      args: (_n, r) => [randomId(r), (r() * 500).toFixed(2), randomId(r), countries[Math.floor(r() * countries.length)]],
    });
    // An access-log burst: 20 paths, mostly 200, varied latency.
    const access = site('shop', '{} {} {} {} ms', 'Http.access');
    sc.generate({
      site: access,
      rate: 600,
      fromMs: 50_000,
      toMs: 60_000,
      args: (_n, r) => [r() < 0.8 ? 'GET' : 'POST', `/api/v1/r${Math.floor(r() * 20)}`, r() < 0.95 ? '200' : '404', String(Math.floor(-Math.log(1 - r()) * 40))],
    });
    // A request handler writing three messages per request, each naming the request.
    const handler = ['request {} received', 'request {} authorised for {}', 'request {} done in {} ms'].map((t) => site('shop', t, 'Api.handle'));
    handler.forEach((h, i) =>
      sc.generate({ site: h, rate: 150, fromMs: 65_000, toMs: 75_000, seed: 100 + i, args: (_n, r) => [randomId(r), String(Math.floor(r() * 1000))] }),
    );
    await sc.runUntil(90_000);
    await sc.finish(90_000);
    // Decision: never muted, over the whole run (the bursts and 15 s after them).
    noteFalseMutes(name, sc, []);
    expect(sc.mutes()).toEqual([]);
    expect(sc.plane.calls).toEqual([]);
    const truth = sc.groundTruth([burst, access, ...handler, ...bg]);
    expect(truth.delivered).toBe(truth.logged);
    expect(truth.logged).toBeGreaterThan(11_000 + 5_500 + 4_000);
    expect(sc.summaries()).toEqual([]);
  });

  test.each(['both', 'zscore', 'entropy'] as const)('a slow steady log is never touched (strategy %s)', async (strategy) => {
    const name = `slow steady (${strategy})`;
    const sc = new Scenario({ config: { strategy } });
    await sc.start();
    const heartbeat = site('billing', 'heartbeat ok', 'Health.beat');
    const depth = site('billing', 'queue depth {}', 'Queue.report');
    const poll = site('billing', 'polling {} for new invoices', 'Invoices.poll');
    // Zero-entropy messages, regular as a clock, below min_rate (20/s), for 5 minutes.
    sc.generate({ site: heartbeat, rate: 1, fromMs: 0, toMs: 300_000, even: true, args: () => [] });
    sc.generate({ site: depth, rate: 5, fromMs: 0, toMs: 300_000, even: true, args: () => ['0'] });
    sc.generate({ site: poll, rate: 10, fromMs: 0, toMs: 300_000, args: () => ['s3://invoices'] });
    await sc.runUntil(300_000);
    await sc.finish(300_000);
    noteFalseMutes(name, sc, []);
    expect(sc.mutes()).toEqual([]);
    const truth = sc.groundTruth([heartbeat, depth, poll]);
    expect(truth.delivered).toBe(truth.logged);
    expect(truth.logged).toBeGreaterThan(4500);
  });

  test('a spammer that stops is unmuted (once, no flapping), counts exact', async () => {
    const name = 'spammer stops';
    const sc = new Scenario();
    await sc.start();
    background(sc, 'checkout', 240_000);
    const spam = site('checkout', 'cache miss for key {}', 'Cache.get');
    sc.generate({ site: spam, rate: 400, fromMs: 20_000, toMs: 100_000, args: () => ['session:config'] });
    await sc.runUntil(240_000);
    const key = siteTemplateKey(spam);
    const mutedAt = sc.sdkMutedAt(key)!;
    decisionTimesMs.push({ scenario: name, ms: mutedAt - 20_000 });
    expect(mutedAt - 20_000).toBeLessThanOrEqual(3000);
    // Unmuted once the offered rate fell (the SDK's reports show the spam going on until 100 s).
    const unmutes = sc.unmutes();
    expect(unmutes).toHaveLength(1);
    expect(unmutes[0]).toMatchObject({ key, reason: 'rate_fell' });
    const unmutedAt = unmutes[0].atMs - sc.startMs;
    expect(unmutedAt).toBeGreaterThan(100_000);
    // release.window (10 s) after the stop, plus one evaluation.
    // The release window (10 s) plus release.confirm (2 s).
    expect(unmutedAt).toBeLessThanOrEqual(100_000 + 12_000 + 250);
    const sdkUnmuted = sc.plane.sdkUnmutedAt.find((u) => u.key === key)!.atMs - sc.startMs;
    expect(sdkUnmuted - unmutedAt).toBeLessThanOrEqual(100);
    // No flapping: one mute, one unmute, over the 140 s after the spam stopped too.
    expect(sc.mutes()).toHaveLength(1);
    // (setAuto again while muted = renewals of the decision's 5 min time to live, every 75 s.)
    const ops = sc.plane.calls.map((c) => c.op);
    expect(ops.filter((op, i) => op !== ops[i - 1])).toEqual(['setAuto', 'clearAuto']);
    expect(sc.plane.calls.filter((c) => c.op === 'setAuto').every((c) => c.ttlMs === 300_000)).toBe(true);
    await sc.finish(240_000);
    noteFalseMutes(name, sc, [key]);
    expectExactCounts(name, sc, key, [spam]);
    // Summaries: one after a minute, one final after the release.
    const summaries = sc.summaries().filter((s) => s.key === key);
    expect(summaries.map((s) => s.final)).toEqual([false, true]);
    expect(summaries[0].body).toMatch(/suppressed in the last minute$/);
  });

  test('a persistent spammer stays muted (one mute, a summary every minute)', async () => {
    const name = 'persistent spammer';
    const sc = new Scenario();
    await sc.start();
    const spam = site('ingest', 'dropping malformed line from {}', 'Parser.parse');
    sc.generate({ site: spam, rate: 250, fromMs: 10_000, toMs: 250_000, args: () => ['10.0.0.7'] });
    await sc.runUntil(250_000);
    const key = siteTemplateKey(spam);
    decisionTimesMs.push({ scenario: name, ms: sc.sdkMutedAt(key)! - 10_000 });
    expect(sc.mutes()).toHaveLength(1);
    expect(sc.unmutes()).toEqual([]);
    const summaries = sc.summaries().filter((s) => s.key === key);
    expect(summaries).toHaveLength(3);
    for (const s of summaries) {
      expect(s.windowMs).toBe(60_000);
      expect(s.body).toMatch(/^\d+ records of template "dropping malformed line from \{\}" suppressed in the last minute$/);
      // 250 records/s for a minute.
      expect(s.count).toBeGreaterThan(13_000);
      expect(s.count).toBeLessThan(17_000);
    }
    await sc.finish(250_000);
    noteFalseMutes(name, sc, [key]);
    expectExactCounts(name, sc, key, [spam]);
  });

  test('two services do not affect each other', async () => {
    const name = 'two services';
    const sc = new Scenario();
    await sc.start();
    // The same template (same id) in two services: spam in one, normal use in the other.
    const text = 'failed to reach {} (attempt {})';
    const spamA = site('payments', text, 'Gateway.call');
    const normalB = site('search', text, 'Gateway.call');
    const bgA = background(sc, 'payments', 90_000);
    const bgB = background(sc, 'search', 90_000);
    const burstB = site('search', 'indexed document {} in {} ms', 'Indexer.add');
    sc.generate({ site: spamA, rate: 600, fromMs: 30_000, toMs: 70_000, args: (n) => ['psp.example', String(n % 3)] });
    sc.generate({ site: normalB, rate: 3, fromMs: 0, toMs: 90_000, args: (_n, r) => [`node-${Math.floor(r() * 50)}`, String(1 + Math.floor(r() * 3))] });
    // Meanwhile the other service has a legitimate high-entropy burst.
    sc.generate({ site: burstB, rate: 500, fromMs: 35_000, toMs: 50_000, args: (_n, r) => [randomId(r), String(Math.floor(r() * 100))] });
    await sc.runUntil(90_000);
    await sc.finish(90_000);
    const keyA = siteTemplateKey(spamA);
    decisionTimesMs.push({ scenario: name, ms: sc.sdkMutedAt(keyA)! - 30_000 });
    expect(sc.sdkMutedAt(keyA)! - 30_000).toBeLessThanOrEqual(3000);
    expect(sc.mutes().map((m) => m.key)).toEqual([keyA]);
    noteFalseMutes(name, sc, [keyA]);
    expectExactCounts(name, sc, keyA, [spamA]);
    // Service B: every record delivered, including its records of the same template.
    const truthB = sc.groundTruth([normalB, burstB, ...bgB]);
    expect(truthB.delivered).toBe(truthB.logged);
    const truthBgA = sc.groundTruth(bgA);
    expect(truthBgA.delivered).toBe(truthBgA.logged);
    // No control call ever named service B.
    expect(sc.plane.calls.every((c) => c.target.service === 'payments')).toBe(true);
  });

  test('a manual ON overrides AUTO: set while muted, the mute is lifted at the next evaluation; removed, AUTO mutes again', async () => {
    const name = 'manual on while muted';
    const sc = new Scenario();
    await sc.start();
    background(sc, 'checkout', 100_000);
    const spam = site('checkout', 'slow query on table {}', 'Repo.find');
    sc.generate({ site: spam, rate: 300, fromMs: 20_000, toMs: 100_000, args: () => ['orders'] });
    const target = { service: 'checkout', templateId: spam.id };
    sc.at(40_000, () => sc.plane.setManual(target, 'on'));
    sc.at(70_000, () => sc.plane.setManual(target, undefined));
    await sc.runUntil(100_000);
    const key = siteTemplateKey(spam);
    decisionTimesMs.push({ scenario: name, ms: sc.sdkMutedAt(key)! - 20_000 });
    const overrides = sc.decisions.filter((d) => d.action === 'override');
    expect(overrides).toHaveLength(1);
    expect(overrides[0].reason).toBe('manual on');
    // The balancer stepped back at the first evaluation after the manual ON.
    expect(overrides[0].timeMs - sc.startMs).toBeGreaterThanOrEqual(40_000);
    expect(overrides[0].timeMs - sc.startMs).toBeLessThanOrEqual(40_250);
    // The SDK logged the template again from the manual ON until the rule was removed (+ detection).
    const unmutedInSdk = sc.plane.sdkUnmutedAt.find((u) => u.key === key)!.atMs - sc.startMs;
    expect(unmutedInSdk).toBeLessThanOrEqual(40_050);
    expect(sc.plane.calls.map((c) => c.op)).toEqual(['setAuto', 'clearAuto', 'setAuto']);
    // After the manual rule is removed, AUTO takes over again within the detection time.
    const remutes = sc.plane.sdkMutedAt.filter((m) => m.key === key);
    expect(remutes).toHaveLength(2);
    const remuteTook = remutes[1].atMs - sc.startMs - 70_000;
    expect(remuteTook).toBeGreaterThan(0);
    expect(remuteTook).toBeLessThanOrEqual(3000);
    // Between the override and the removal nothing of the template was dropped: 300/s delivered.
    const delivered = sc.downstream
      .records()
      .filter((r) => r.templateId === spam.id && Number(r.timeUnixNano / 1_000_000n) - sc.startMs >= 40_300 && Number(r.timeUnixNano / 1_000_000n) - sc.startMs < 70_000).length;
    expect(delivered).toBeGreaterThan(0.9 * 300 * 29.7);
    await sc.finish(100_000);
    noteFalseMutes(name, sc, [key]);
    expectExactCounts(name, sc, key, [spam]);
  });

  test('a manual ON set before the spam: never muted, everything delivered', async () => {
    const name = 'manual on before';
    const sc = new Scenario();
    await sc.start();
    const spam = site('checkout', 'token refresh for client {}', 'Auth.refresh');
    sc.plane.setManual({ service: 'checkout', templateId: spam.id }, 'on');
    sc.generate({ site: spam, rate: 500, fromMs: 20_000, toMs: 60_000, args: () => ['web'] });
    await sc.runUntil(60_000);
    await sc.finish(60_000);
    noteFalseMutes(name, sc, []);
    expect(sc.mutes()).toEqual([]);
    expect(sc.plane.calls).toEqual([]);
    // The balancer noticed and recorded that a person's rule took the key over.
    const overrides = sc.decisions.filter((d) => d.action === 'override');
    expect(overrides).toHaveLength(1);
    expect(overrides[0].timeMs - sc.startMs - 20_000).toBeLessThanOrEqual(3000);
    const truth = sc.groundTruth([spam]);
    expect(truth.delivered).toBe(truth.logged);
    // Nor was the function muted instead (the pinned template's records do not count for it).
    expect(sc.processor.activeMutes()).toEqual([]);
  });

  test('a manual OFF is the person\'s mute: the balancer does not add AUTO on top', async () => {
    const sc = new Scenario();
    await sc.start();
    const spam = site('checkout', 'debug dump {}', 'Dbg.dump');
    sc.plane.setManual({ service: 'checkout', templateId: spam.id }, 'off');
    // A plain sender the rule cannot reach keeps sending.
    sc.sdk('checkout', false);
    sc.generate({ site: spam, rate: 300, fromMs: 10_000, toMs: 40_000, args: () => ['x'] });
    await sc.runUntil(40_000);
    await sc.finish(40_000);
    expect(sc.mutes()).toEqual([]);
    expect(sc.decisions.filter((d) => d.action === 'override').map((d) => d.reason)).toEqual(['manual off']);
    expect(sc.plane.calls).toEqual([]);
  });

  test('a function cycling through messages is muted per function (no template alone is fast enough)', async () => {
    const name = 'function spam';
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'worker', 90_000);
    const texts = ['poll: queue {} empty', 'poll: sleeping {} ms', 'poll: waking up'];
    const sites = texts.map((t) => site('worker', t, 'Worker.poll'));
    // 30 records/s each: new templates in warm-up judged only from warmup.rate (50/s) on, 90/s for the function.
    sc.generate({ site: sites[0], rate: 30, fromMs: 30_000, toMs: 70_000, args: () => ['jobs'] });
    sc.generate({ site: sites[1], rate: 30, fromMs: 30_000, toMs: 70_000, args: () => ['100'] });
    sc.generate({ site: sites[2], rate: 30, fromMs: 30_000, toMs: 70_000, args: () => [] });
    await sc.runUntil(90_000);
    await sc.finish(90_000);
    const key = siteFunctionKey(sites[0]);
    const took = sc.sdkMutedAt(key)! - 30_000;
    decisionTimesMs.push({ scenario: name, ms: took });
    expect(took).toBeLessThanOrEqual(3000);
    expect(sc.mutes().map((m) => m.key)).toEqual([key]);
    noteFalseMutes(name, sc, [key]);
    expectExactCounts(name, sc, key, sites);
    const s = sc.summaries().find((x) => x.key === key)!;
    expect(s.body).toMatch(/^\d+ records of function Worker\.poll suppressed in the last /);
    const truth = sc.groundTruth(bg);
    expect(truth.delivered).toBe(truth.logged);
  });

  test('a plain OTLP sender (cannot be told) is muted in the collector; the collector counts every drop', async () => {
    const name = 'otlp sender';
    const sc = new Scenario();
    await sc.start();
    sc.sdk('legacy-app', false);
    const spam = site('legacy-app', 'connection reset by peer {}', 'Net.read');
    sc.generate({ site: spam, rate: 200, fromMs: 10_000, toMs: 80_000, args: () => ['10.1.1.1:443'] });
    await sc.runUntil(100_000);
    const key = siteTemplateKey(spam);
    const mute = sc.mutes().find((m) => m.key === key)!;
    expect(mute.atMs - sc.startMs - 10_000).toBeLessThanOrEqual(3000);
    // Stays muted while the drops go on (the collector's own drops are the offered rate), released after.
    const unmutes = sc.unmutes();
    expect(unmutes).toHaveLength(1);
    expect(unmutes[0].atMs - sc.startMs).toBeGreaterThan(80_000);
    await sc.finish(100_000);
    noteFalseMutes(name, sc, [key]);
    expectExactCounts(name, sc, key, [spam]);
    expect(sc.groundTruth([spam]).sdkDropped).toBe(0);
  });

  test('the strategy switches at runtime: off lifts every mute at the next evaluation; entropy mutes steady repetition', async () => {
    const name = 'strategy switch';
    const sc = new Scenario();
    await sc.start();
    const spam = site('checkout', 'lock {} busy, retrying', 'Locks.take');
    sc.generate({ site: spam, rate: 400, fromMs: 10_000, toMs: 80_000, args: () => ['inventory'] });
    sc.at(30_000, () => sc.processor.setStrategy('off'));
    sc.at(50_000, () => sc.processor.setStrategy('entropy'));
    await sc.runUntil(80_000);
    const key = siteTemplateKey(spam);
    const unmutes = sc.unmutes();
    expect(unmutes[0]).toMatchObject({ key, reason: 'strategy_off' });
    expect(unmutes[0].atMs - sc.startMs).toBeLessThanOrEqual(30_250);
    // While off: nothing muted, the spam is delivered (and, not being judged, learnt as the
    // key's rate history: no longer a burst). The entropy strategy judges repetition alone,
    // so the steady spam is muted again at once.
    const mutes = sc.mutes();
    expect(mutes).toHaveLength(2);
    expect(mutes[1].atMs - sc.startMs - 50_000).toBeLessThanOrEqual(3000);
    await sc.finish(80_000);
    noteFalseMutes(name, sc, [key]);
    expectExactCounts(name, sc, key, [spam]);
  });

  test('figures over the suite: decision time p99 <= 3 s, zero false mutes, exact counts', () => {
    const times = decisionTimesMs.map((d) => d.ms);
    expect(times.length).toBeGreaterThanOrEqual(20);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const max = Math.max(...times);
    // eslint-disable-next-line no-console
    console.log(
      [
        'spam balancer scenario figures',
        `  spam starts measured     ${times.length}`,
        `  spam start -> SDK mute   p50 ${p50} ms   p99 ${p99} ms   max ${max} ms   min ${Math.min(...times)} ms`,
        `  false mutes              ${falseMutes.length}`,
        `  exact-count checks       ${exactness.length} keys, ${exactness.reduce((n, e) => n + e.sdkDropped, 0)} SDK drops, ${exactness.reduce((n, e) => n + e.collectorDropped, 0)} collector drops`,
        ...decisionTimesMs.map((d) => `    ${d.scenario.padEnd(28)} ${String(d.ms).padStart(5)} ms`),
      ].join('\n'),
    );
    expect(p99).toBeLessThanOrEqual(3000);
    expect(falseMutes).toEqual([]);
    for (const e of exactness) {
      expect(e.summarySdk).toBe(e.sdkDropped);
      expect(e.summaryCollector).toBe(e.collectorDropped);
    }
  });
});
