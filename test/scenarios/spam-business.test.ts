/**
 * Business logs against spam (issue 17): deterministic, simulated time (spam-kit.ts),
 * the real SpamProcessor and balancer with defaults unless a scenario says otherwise.
 *
 * Each scenario is either a business case (nothing may be muted: a false mute is
 * any mute) or a spam case (the spam key must be muted, how fast is asserted), and
 * records its figures; the last test prints a table per scenario:
 *   time to mute (spam start -> SDK mute), false mutes (business records
 *   suppressed), logged / stored / SDK-muted / collector-dropped / summarised,
 *   time to release (spam end -> release decision).
 */
import { Scenario, site, siteFunctionKey, siteTemplateKey, type Generator, type Site } from './spam-kit';

interface Figures {
  scenario: string;
  muteMs?: number;
  falseMutedRecords: number;
  logged: number;
  stored: number;
  sdkMuted: number;
  collectorDropped: number;
  summarised: number;
  releaseMs?: number;
  note?: string;
}

const table: Figures[] = [];

const randomId = (rnd: () => number) => String(Math.floor(rnd() * 1e9));

/** Ordinary traffic of a service: a few templates at slow, high-entropy rates. */
function background(sc: Scenario, service: string, untilMs: number): Site[] {
  const sites = [
    site(service, 'user {} added item {} to cart', 'Cart.add'),
    site(service, 'GET {} took {} ms', 'Http.handle'),
  ];
  sc.generate({ site: sites[0], rate: 4, fromMs: 0, toMs: untilMs, args: (_n, r) => [randomId(r), String(Math.floor(r() * 500))] });
  sc.generate({ site: sites[1], rate: 8, fromMs: 0, toMs: untilMs, args: (_n, r) => [`/api/item/${Math.floor(r() * 1e5)}`, String(Math.floor(r() * 300))] });
  return sites;
}

/** Figures of a scenario over `sites`; `spam` keys are the expected mutes, every other suppressed record is a false mute. */
function record(sc: Scenario, scenario: string, sites: Site[], spam: Site[] = [], extra: Partial<Figures> = {}): Figures {
  const all = sc.groundTruth(sites);
  const business = sc.groundTruth(sites.filter((s) => !spam.includes(s)));
  let summarised = 0;
  for (const s of sc.summaries()) summarised += s.count;
  const f: Figures = {
    scenario,
    falseMutedRecords: business.logged - business.delivered,
    logged: all.logged,
    stored: all.delivered,
    sdkMuted: all.sdkDropped,
    collectorDropped: all.collectorDropped,
    summarised,
    ...extra,
  };
  table.push(f);
  return f;
}

/** Time from the spam's end (relative ms) to the release of its last mute, undefined when not released. */
function releasedAfter(sc: Scenario, key: string, spamEndMs: number): number | undefined {
  const u = sc.unmutes().filter((x) => x.key === key);
  return u.length === 0 ? undefined : u[u.length - 1].atMs - sc.startMs - spamEndMs;
}

/** Every drop is in a summary: summaries = SDK-muted + collector-dropped. */
function expectExact(f: Figures): void {
  expect(f.summarised).toBe(f.sdkMuted + f.collectorDropped);
  expect(f.stored + f.sdkMuted + f.collectorDropped).toBe(f.logged);
}

describe('spam balancer: business logs are not spam (simulated time)', () => {
  test('sequential ids: a steady 20/s stream of "order {} confirmed" is never muted', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'shop', 180_000);
    const orders = site('shop', 'order {} confirmed', 'Orders.confirm');
    sc.generate({ site: orders, rate: 20, fromMs: 10_000, toMs: 180_000, args: (n) => [String(100_000 + n)] });
    await sc.runUntil(180_000);
    await sc.finish(180_000);
    const f = record(sc, 'sequential ids steady 20/s', [orders, ...bg]);
    expect(sc.mutes()).toEqual([]);
    expect(f.falseMutedRecords).toBe(0);
  });

  test('sequential ids: a 600/s burst of "order {} confirmed" (auto-increment) is not muted', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'shop', 90_000);
    const orders = site('shop', 'order {} confirmed', 'Orders.confirm');
    sc.generate({ site: orders, rate: 2, fromMs: 0, toMs: 30_000, args: (n) => [String(500_000 + n)] });
    sc.generate({ site: orders, rate: 600, fromMs: 30_000, toMs: 60_000, seed: 5, args: (n) => [String(600_000 + n)] });
    // Several ids per record, each incrementing (order and invoice numbers).
    const invoices = site('shop', 'invoice {} for order {} issued', 'Billing.issue');
    sc.generate({ site: invoices, rate: 400, fromMs: 35_000, toMs: 55_000, args: (n) => [String(9_000_000 + n), String(600_000 + n)] });
    await sc.runUntil(90_000);
    await sc.finish(90_000);
    const f = record(sc, 'sequential ids burst 600/s', [orders, invoices, ...bg]);
    expect(sc.mutes()).toEqual([]);
    expect(f.falseMutedRecords).toBe(0);
  });

  test('a new steady 25/s low-variety template is learnt, not muted', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'catalog', 200_000);
    const refresh = site('catalog', 'price cache refreshed for region {}', 'Prices.refresh');
    const regions = ['eu', 'us', 'apac'];
    sc.generate({ site: refresh, rate: 25, fromMs: 40_000, toMs: 200_000, args: (n) => [regions[n % 3]] });
    await sc.runUntil(200_000);
    await sc.finish(200_000);
    const f = record(sc, 'new steady 25/s low variety', [refresh, ...bg]);
    expect(sc.mutes()).toEqual([]);
    expect(f.falseMutedRecords).toBe(0);
  });

  const restarts = [
    // The same process identity back after 80 s without a record.
    { name: 'zscore restart after 80 s', rates: [20, 25, 30, 40, 50], before: undefined, after: undefined, downMs: 80_000 },
    // A new process (new service.instance.id) after 20 s, with templates busier than warmup.rate.
    { name: 'zscore restart, new instance', rates: [40, 60, 80, 100, 150], before: 'api-a', after: 'api-b', downMs: 20_000 },
  ];
  test.each(restarts)('zscore: a restarted service keeps its normal templates ($name)', async ({ name, rates, before, after, downMs }) => {
    const sc = new Scenario({ config: { strategy: 'zscore' } });
    await sc.start();
    const texts = ['request {} served', 'cache {} hit', 'session {} renewed', 'item {} viewed', 'query {} planned'];
    const sites = texts.map((t) => site('api', t, `Api.${t.split(' ')[0]}`));
    // Up 0-60 s, down (no record at all) for downMs, up again for 80 s.
    const backMs = 60_000 + downMs;
    for (const [i, s] of sites.entries()) {
      sc.generate({ site: s, instance: before, rate: rates[i], fromMs: 0, toMs: 60_000, seed: 10 + i, args: (_n, r) => [randomId(r)] });
      sc.generate({ site: s, instance: after, rate: rates[i], fromMs: backMs, toMs: backMs + 80_000, seed: 20 + i, args: (_n, r) => [randomId(r)] });
    }
    await sc.runUntil(backMs + 80_000);
    await sc.finish(backMs + 80_000);
    const f = record(sc, name, sites);
    expect(sc.mutes()).toEqual([]);
    expect(f.falseMutedRecords).toBe(0);
  });

  test('sudden high-rate low-variety spam is still muted in < 1 s', async () => {
    for (const rate of [2000, 5000]) {
      const sc = new Scenario();
      await sc.start();
      const bg = background(sc, 'checkout', 60_000);
      const spam = site('checkout', 'lock {} busy, retrying', 'Locks.take');
      sc.generate({ site: spam, rate, fromMs: 20_000, toMs: 40_000, args: () => ['inventory'] });
      await sc.runUntil(60_000);
      await sc.finish(60_000);
      const muteMs = sc.sdkMutedAt(siteTemplateKey(spam))! - 20_000;
      const f = record(sc, `sudden spam ${rate}/s`, [spam, ...bg], [spam], { muteMs, releaseMs: releasedAfter(sc, siteTemplateKey(spam), 40_000) });
      expect(muteMs).toBeLessThan(1000);
      expect(sc.mutes().map((m) => m.key)).toEqual([siteTemplateKey(spam)]);
      expect(f.falseMutedRecords).toBe(0);
      expectExact(f);
    }
  });

  test.each([1, 10, 12])('a doubling ramp from %i/s (x2 every 20 s up to 1000/s) is muted before it reaches 100/s', async (from) => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'ingest', 240_000);
    const spam = site('ingest', 'skipping record from {}: schema mismatch', 'Ingest.skip');
    const steps: Generator[] = [];
    let rate = from;
    for (let t = 10_000; t < 220_000; t += 20_000) {
      steps.push({ site: spam, rate, fromMs: t, toMs: t + 20_000, seed: t, args: () => ['feed-7'] });
      rate = Math.min(1000, rate * 2);
    }
    for (const g of steps) sc.generate(g);
    await sc.runUntil(240_000);
    await sc.finish(240_000);
    const mutedAt = sc.sdkMutedAt(siteTemplateKey(spam));
    const step = mutedAt === undefined ? undefined : steps.find((g) => mutedAt >= g.fromMs && mutedAt < g.toMs);
    const f = record(sc, `doubling ramp from ${from}/s`, [spam, ...bg], [spam], {
      muteMs: mutedAt === undefined ? undefined : mutedAt - 10_000,
      releaseMs: releasedAfter(sc, siteTemplateKey(spam), steps[steps.length - 1].toMs),
      note: `muted at ${step?.rate ?? '-'}/s`,
    });
    expect(step).toBeDefined();
    expect(step!.rate).toBeLessThan(100);
    expect(f.falseMutedRecords).toBe(0);
    expectExact(f);
  });

  test.each([1, 5])('a linear ramp (+%i records/s every second) of identical records is muted before it reaches 100/s', async (slope) => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'ingest', 260_000);
    const spam = site('ingest', 'queue {} backlog growing', 'Queue.watch');
    // One generator per second at the rate of that second: 0, slope, 2 x slope, ... up to 1000/s.
    const steps: Generator[] = [];
    for (let t = 0; t * slope < 1000 && t < 240; t++) {
      if (t > 0) steps.push({ site: spam, rate: t * slope, fromMs: 10_000 + t * 1000, toMs: 11_000 + t * 1000, seed: t, args: () => ['jobs'] });
    }
    for (const g of steps) sc.generate(g);
    const endMs = steps[steps.length - 1].toMs;
    await sc.runUntil(endMs + 20_000);
    await sc.finish(endMs + 20_000);
    const key = siteTemplateKey(spam);
    const mutedAt = sc.sdkMutedAt(key);
    const rateAtMute = mutedAt === undefined ? undefined : Math.round(((mutedAt - 10_000) / 1000) * slope);
    const f = record(sc, `linear ramp +${slope}/s per s`, [spam, ...bg], [spam], {
      muteMs: mutedAt === undefined ? undefined : mutedAt - 10_000,
      releaseMs: releasedAfter(sc, key, endMs),
      note: `muted at ${rateAtMute ?? '-'}/s`,
    });
    expect(rateAtMute).toBeDefined();
    expect(rateAtMute!).toBeLessThan(100);
    expect(f.falseMutedRecords).toBe(0);
    expectExact(f);
  });

  test('a periodic job (5 s burst every 30 s at 40/s) is never muted', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'warehouse', 300_000);
    const job = site('warehouse', 'sync: pushed batch of {} rows to {}', 'Sync.push');
    for (let t = 30_000; t < 300_000; t += 30_000) {
      sc.generate({ site: job, rate: 40, fromMs: t, toMs: t + 5_000, seed: t, args: (n) => [String(500 + (n % 2) * 100), 'dwh'] });
    }
    await sc.runUntil(300_000);
    await sc.finish(300_000);
    const f = record(sc, 'periodic job 40/s', [job, ...bg]);
    expect(sc.mutes()).toEqual([]);
    expect(f.falseMutedRecords).toBe(0);
  });

  test('periodic spam (5 s at 2000/s every 30 s): muted in the first round, held across rounds, never released inside a burst', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'etl', 400_000);
    const spam = site('etl', 'row {} rejected: {}', 'Etl.load');
    const bursts: number[] = [];
    for (let t = 30_000; t < 300_000; t += 30_000) {
      bursts.push(t);
      sc.generate({ site: spam, rate: 2000, fromMs: t, toMs: t + 5_000, seed: t, args: (n) => [String(n % 4), 'null key'] });
    }
    await sc.runUntil(400_000);
    await sc.finish(400_000);
    const key = siteTemplateKey(spam);
    const mutes = sc.mutes().filter((m) => m.key === key);
    const unmutes = sc.unmutes().filter((u) => u.key === key);
    const lastEnd = bursts[bursts.length - 1] + 5_000;
    const f = record(sc, 'periodic spam 2000/s', [spam, ...bg], [spam], {
      muteMs: sc.sdkMutedAt(key)! - bursts[0],
      releaseMs: releasedAfter(sc, key, lastEnd),
      note: `${mutes.length} mutes`,
    });
    expect(sc.sdkMutedAt(key)! - bursts[0]).toBeLessThan(1000);
    // One mute, held until the rounds stop: the release due as the second round starts waits release.confirm,
    // sees the round's SDK reports (a batch delay late), and the spam's return after a lull makes the key periodic.
    expect(mutes.length).toBe(1);
    // Never released while a burst runs (nor in the second after it: reports in flight).
    for (const u of unmutes) {
      const t = u.atMs - sc.startMs;
      expect(bursts.some((b) => t >= b && t < b + 6_000)).toBe(false);
    }
    expect(unmutes.length).toBe(mutes.length);
    expect(unmutes[unmutes.length - 1].atMs - sc.startMs).toBeGreaterThan(lastEnd);
    expect(f.falseMutedRecords).toBe(0);
    expectExact(f);
  });

  test('a strategy switch judges existing mutes again: a steady log muted under entropy is released under both', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'queue', 160_000);
    const poll = site('queue', 'poll: queue {} empty', 'Queue.poll');
    sc.generate({ site: poll, rate: 60, fromMs: 0, toMs: 160_000, even: true, args: () => ['jobs'] });
    sc.at(60_000, () => sc.processor.setStrategy('entropy'));
    sc.at(90_000, () => sc.processor.setStrategy('both'));
    await sc.runUntil(160_000);
    await sc.finish(160_000);
    const key = siteTemplateKey(poll);
    const mutes = sc.mutes().filter((m) => m.key === key);
    const unmutes = sc.unmutes().filter((u) => u.key === key);
    const f = record(sc, 'strategy switch re-evaluates', [poll, ...bg], [poll], {
      muteMs: mutes.length > 0 ? mutes[0].atMs - sc.startMs - 60_000 : undefined,
      releaseMs: releasedAfter(sc, key, 90_000),
    });
    // Repetition alone (entropy) mutes it; under both (repetition AND a rate anomaly) it is normal traffic.
    expect(mutes).toHaveLength(1);
    expect(unmutes).toHaveLength(1);
    expect(unmutes[0].reason).toBe('strategy_changed');
    // Judged again once release.window of offered counts is there (10 s) plus a few evaluations.
    expect(unmutes[0].atMs - sc.startMs - 90_000).toBeLessThanOrEqual(13_000);
    expectExact(f);
  });

  test('a template muted for minutes comes back at its normal rate: its function is not muted', async () => {
    const sc = new Scenario();
    await sc.start();
    const a = site('mailer', 'sending digest to list {}', 'Mailer.run');
    const b = site('mailer', 'mailer heartbeat {}', 'Mailer.run');
    // A at 20/s and B at 5/s, both low-variety, as usual; A spams at 300/s from 40 s to 140 s.
    sc.generate({ site: a, rate: 20, fromMs: 0, toMs: 40_000, seed: 1, args: () => ['weekly'] });
    sc.generate({ site: a, rate: 300, fromMs: 40_000, toMs: 140_000, seed: 2, args: () => ['weekly'] });
    sc.generate({ site: a, rate: 20, fromMs: 140_000, toMs: 260_000, seed: 3, args: () => ['weekly'] });
    sc.generate({ site: b, rate: 5, fromMs: 0, toMs: 260_000, args: () => ['ok'] });
    await sc.runUntil(260_000);
    await sc.finish(260_000);
    const f = record(sc, "function after template mute", [a, b], [a]);
    expect(sc.mutes().map((m) => m.key)).toEqual([siteTemplateKey(a)]);
    // B's records were never suppressed; nor A's once it logged at its normal rate again.
    const truthB = sc.groundTruth([b]);
    expect(truthB.delivered).toBe(truthB.logged);
    const releasedAt = sc.unmutes().find((u) => u.key === siteTemplateKey(a))!.atMs - sc.startMs;
    expect(releasedAt).toBeGreaterThan(140_000);
    expect(releasedAt).toBeLessThan(160_000);
    expect(sc.processor.activeMutes()).toEqual([]);
    expectExact(f);
  });

  test('one instance of three spams: only it is muted, the quiet ones lose nothing, summaries name the instance', async () => {
    const sc = new Scenario();
    await sc.start();
    const timeout = site('api', 'upstream {} timed out', 'Proxy.forward');
    const served = site('api', 'request {} served in {} ms', 'Api.handle');
    const instances = ['api-1', 'api-2', 'api-3'];
    for (const [i, instance] of instances.entries()) {
      sc.generate({ site: served, instance, rate: 10, fromMs: 0, toMs: 90_000, seed: 30 + i, args: (_n, r) => [randomId(r), String(Math.floor(r() * 300))] });
      sc.generate({ site: timeout, instance, rate: 3, fromMs: 0, toMs: 90_000, seed: 40 + i, args: () => ['inventory:8080'] });
    }
    sc.generate({ site: timeout, instance: 'api-3', rate: 800, fromMs: 30_000, toMs: 60_000, seed: 50, args: () => ['inventory:8080'] });
    await sc.runUntil(90_000);
    await sc.finish(90_000);
    const key = siteTemplateKey(timeout);
    const f = record(sc, 'one instance of three spams', [timeout, served], [timeout], {
      muteMs: sc.plane.sdkMutedAt.find((m) => m.key === `${key}@api-3`)!.atMs - sc.startMs - 30_000,
      releaseMs: releasedAfter(sc, key, 60_000),
    });
    // One AUTO rule, naming the spamming instance.
    const sets = sc.plane.calls.filter((c) => c.op === 'setAuto');
    expect(sets.length).toBeGreaterThan(0);
    expect(sets.every((c) => c.target.instance === 'api-3')).toBe(true);
    expect(sc.plane.sdkMutedAt.map((m) => m.key)).toEqual([`${key}@api-3`]);
    // The quiet instances lose nothing.
    for (const instance of ['api-1', 'api-2']) {
      const t = sc.groundTruth([timeout, served], instance);
      expect(t.delivered).toBe(t.logged);
    }
    // The summaries name the instance and account for its drops exactly.
    const spammer = sc.groundTruth([timeout], 'api-3');
    const summaries = sc.summaries().filter((x) => x.key === key);
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.every((x) => x.instance === 'api-3')).toBe(true);
    expect(summaries.reduce((n, x) => n + x.count, 0)).toBe(spammer.logged - spammer.delivered);
    expect(f.falseMutedRecords).toBe(0);
    expectExact(f);
  });

  test('adversarial: a log that builds a modest history first, then floods 50x, is muted at once', async () => {
    const sc = new Scenario();
    await sc.start();
    const bg = background(sc, 'billing', 120_000);
    const spam = site('billing', 'invoice sync skipped for tenant {}', 'Invoices.sync');
    sc.generate({ site: spam, rate: 10, fromMs: 0, toMs: 60_000, seed: 1, args: (n) => [`t-${n % 5}`] });
    sc.generate({ site: spam, rate: 500, fromMs: 60_000, toMs: 90_000, seed: 2, args: (n) => [`t-${n % 5}`] });
    await sc.runUntil(120_000);
    await sc.finish(120_000);
    const key = siteTemplateKey(spam);
    const muteMs = sc.sdkMutedAt(key)! - 60_000;
    const f = record(sc, 'adversarial: history then 50x', [spam, ...bg], [spam], { muteMs, releaseMs: releasedAfter(sc, key, 90_000) });
    expect(muteMs).toBeLessThanOrEqual(2_000);
    expect(sc.mutes().map((m) => m.key)).toEqual([key]);
    expect(f.falseMutedRecords).toBe(0);
    expectExact(f);
  });

  test.each(['both', 'zscore'] as const)('adversarial: a 3000/s flood whose only argument increments ("tick {}") is muted [strategy %s]', async (strategy) => {
    const sc = new Scenario({ config: { strategy } });
    await sc.start();
    const bg = background(sc, 'poller', 90_000);
    const spam = site('poller', 'tick {}', 'Poller.tick');
    sc.generate({ site: spam, rate: 3000, fromMs: 30_000, toMs: 60_000, args: (n) => [String(n)] });
    await sc.runUntil(90_000);
    await sc.finish(90_000);
    const key = siteTemplateKey(spam);
    const mutedAt = sc.sdkMutedAt(key);
    const f = record(sc, `adversarial: counter flood (${strategy})`, [spam, ...bg], [spam], { muteMs: mutedAt === undefined ? undefined : mutedAt - 30_000 });
    // zscore: a rate anomaly, muted within a second. both: its lone incrementing number reads as an id until
    // the key logs over 100x the busiest rates of the service's other lines (balancer.ts ID_VOLUME_RATIO), then as
    // a counter; the newest 500 ms bucket shows that within about a second (the SDK batches records too).
    expect(mutedAt! - 30_000).toBeLessThan(strategy === 'zscore' ? 1_000 : 1_500);
    expect(f.falseMutedRecords).toBe(0);
    expectExact(f);
  });

  describe.each(['graceful', 'kill'] as const)('a collector restart (%s) in the middle of a mute', (how) => {
    test('the restarted collector knows its mute: keeps it, summarises it, releases it when the spam stops', async () => {
      const sc = new Scenario();
      await sc.start();
      const bg = background(sc, 'ingest', 160_000);
      const spam = site('ingest', 'dropping malformed line from {}', 'Parser.parse');
      sc.generate({ site: spam, rate: 1500, fromMs: 20_000, toMs: 100_000, args: () => ['10.0.0.7'] });
      let unsummarisedAtKill = 0;
      sc.at(50_000, async () => {
        // What the old process had counted but not summarised yet: its successor must summarise it.
        if (how === 'kill') for (const m of sc.processor.activeMutes()) unsummarisedAtKill += m.sdkDropped + m.collectorDropped;
        await sc.restart(how);
      });
      await sc.runUntil(160_000);
      await sc.finish(160_000);
      const key = siteTemplateKey(spam);
      const mutes = sc.decisions.filter((d) => d.action === 'mute');
      const unmutes = sc.unmutes().filter((u) => u.key === key);
      const f = record(sc, `restart (${how}) while muted`, [spam, ...bg], [spam], {
        muteMs: sc.sdkMutedAt(key)! - 20_000,
        releaseMs: releasedAfter(sc, key, 100_000),
        note: how === 'kill' ? `${unsummarisedAtKill} counted by the killed process, summarised by the next` : '',
      });
      // One decision by the first process, adopted (not judged anew) by the second.
      expect(mutes.map((m) => m.reason.split(':')[0])).toEqual(['spam (both)', 'adopted']);
      // The SDK was never unmuted while the spam went on: no spam stored after the first second.
      expect(sc.plane.sdkUnmutedAt.filter((u) => u.key === key).map((u) => u.atMs - sc.startMs > 100_000)).toEqual([true]);
      expect(f.stored - sc.groundTruth(bg).delivered).toBeLessThan(1500);
      // Released by the restarted collector once the spam stopped (not by the rule's time to live).
      expect(unmutes).toHaveLength(1);
      expect(unmutes[0].reason).toBe('rate_fell');
      expect(unmutes[0].atMs - sc.startMs - 100_000).toBeLessThanOrEqual(13_000);
      expect(sc.plane.autos.size).toBe(0);
      // Nothing silent: every drop is in a summary, also what a killed process had counted and not summarised.
      expect(f.stored + f.sdkMuted + f.collectorDropped).toBe(f.logged);
      expect(f.summarised).toBe(f.sdkMuted + f.collectorDropped);
      if (how === 'kill') {
        expect(unsummarisedAtKill).toBeGreaterThan(0);
        expect(sc.decisions.filter((d) => d.action === 'summary' && d.reason === 'recovered').reduce((n, d) => n + d.suppressed, 0)).toBe(unsummarisedAtKill);
      }
      // log_suppression holds the same counts as the summary records.
      expect(sc.decisions.filter((d) => d.action === 'summary' || d.action === 'unmute').length).toBeGreaterThan(0);
      expect(sc.decisions.filter((d) => d.action === 'summary').reduce((n, d) => n + d.suppressed, 0)).toBe(f.summarised);
      expect(f.falseMutedRecords).toBe(0);
    });
  });

  test('figures per scenario', () => {
    const col = (v: number | undefined) => (v === undefined ? '-' : String(v));
    // eslint-disable-next-line no-console
    console.log(
      [
        'spam balancer business scenarios (simulated time)',
        `  ${'scenario'.padEnd(30)} ${'mute ms'.padStart(8)} ${'false'.padStart(6)} ${'logged'.padStart(8)} ${'stored'.padStart(8)} ${'sdk'.padStart(7)} ${'coll'.padStart(6)} ${'summ'.padStart(7)} ${'release ms'.padStart(10)}  note`,
        ...table.map(
          (f) =>
            `  ${f.scenario.padEnd(30)} ${col(f.muteMs).padStart(8)} ${String(f.falseMutedRecords).padStart(6)} ${String(f.logged).padStart(8)} ${String(f.stored).padStart(8)} ${String(f.sdkMuted).padStart(7)} ${String(f.collectorDropped).padStart(6)} ${String(f.summarised).padStart(7)} ${col(f.releaseMs).padStart(10)}  ${f.note ?? ''}`,
        ),
      ].join('\n'),
    );
    expect(table.reduce((n, f) => n + f.falseMutedRecords, 0)).toBe(0);
  });
});

export { siteFunctionKey };
