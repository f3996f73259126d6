/**
 * The balancer across collectors (shared_rates) on explicit time: several
 * SpamBalancers exchange their takeShareRows() through a simulated store (rows
 * arrive at the others after a delay), AUTO rules go to a simulated control plane
 * that every balancer follows (followRules). Pure parts: RateHistory.addAt,
 * BucketRing, SharedCounts; the config; the spam_rates DDL on chDB.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SpamBalancer, type BalancerEvent, type PeerMute } from '../../processors/spam/balancer';
import { createDefaultSpamConfig, resolveSpamConfig, validateSpamConfig, type BalancerParams, type SpamProcessorConfig } from '../../processors/spam/config';
import { BucketRing, RateHistory } from '../../processors/spam/detectors/zscore';
import { LOCAL, REMOTE, SharedCounts } from '../../processors/spam/shared-counts';
import type { SpamRateRow } from '../../collector/storage/spam-rates-store';
import { SpamRatesStore, newWriteId, spamRatesSchemaSql } from '../../collector/storage/spam-rates-store';
import { openClickHouse } from '../../collector/storage/clickhouse-client';

const T0 = 1_700_000_000_000;

function params(overrides: Partial<BalancerParams> = {}, shared = true): BalancerParams {
  const cfg = createDefaultSpamConfig();
  cfg.shared_rates.enabled = shared;
  const errors: string[] = [];
  const p = resolveSpamConfig(cfg, errors).balancer;
  expect(errors).toEqual([]);
  return { ...p, ...overrides };
}

interface Stream {
  member: number;
  service: string;
  templateId: bigint;
  rate: number;
  fromMs: number;
  toMs: number;
  args: (n: number) => string[];
}

const spamArgs = (n: number) => [String(n % 2), 'db-1:5432'];

/**
 * Balancers sharing rates: every `intervalMs` each hands out its rows, which reach
 * the others `delayMs` later; mutes become rules at once (the leader's setAuto), and
 * every balancer follows the rule set after each evaluation.
 */
class Cluster {
  now = T0;
  readonly members: SpamBalancer[];
  readonly events: BalancerEvent[][];
  readonly rules = new Map<string, PeerMute>();
  private readonly inFlight: { atMs: number; to: number; rows: SpamRateRow[] }[] = [];
  private nextEval = T0 + 250;
  private nextShare: number;
  readonly dropped: number[];

  constructor(
    n: number,
    p: (i: number) => BalancerParams,
    readonly share = true,
    readonly intervalMs = 1000,
    readonly delayMs = 300,
  ) {
    this.members = [];
    for (let i = 0; i < n; i++) this.members.push(new SpamBalancer(p(i), T0));
    this.events = this.members.map(() => []);
    this.dropped = this.members.map(() => 0);
    this.nextShare = T0 + intervalMs;
  }

  run(untilMs: number, streams: Stream[]): void {
    const end = T0 + untilMs;
    const next = streams.map((s) => T0 + s.fromMs);
    const counts = streams.map(() => 0);
    while (this.now < end) {
      this.now += 10;
      streams.forEach((s, i) => {
        while (next[i] <= this.now && next[i] < T0 + s.toMs) {
          const b = this.members[s.member];
          const k = b.observe(b.service(s.service), s.templateId, '', s.args(counts[i]), this.now, b.bucketOf(this.now));
          if (k) {
            b.creditDropped(k, 1, 'collector', this.now);
            this.dropped[s.member]++;
          }
          counts[i]++;
          next[i] += 1000 / s.rate;
        }
      });
      while (this.inFlight.length > 0 && this.inFlight[0].atMs <= this.now) {
        const f = this.inFlight.shift()!;
        this.members[f.to].applyPeerRows(f.rows, this.now);
      }
      if (this.share && this.now >= this.nextShare) {
        this.nextShare += this.intervalMs;
        this.members.forEach((b, i) => {
          const rows = b.takeShareRows(this.now);
          for (let j = 0; j < this.members.length; j++) if (j !== i) this.inFlight.push({ atMs: this.now + this.delayMs, to: j, rows });
        });
      }
      while (this.nextEval <= this.now) {
        this.nextEval += 250;
        this.members.forEach((b, i) => {
          const ev = b.evaluate(this.now);
          this.events[i].push(...ev);
          for (const e of ev) {
            const key = `${e.key.target.service}|${e.key.target.templateId}`;
            if (e.type === 'mute') this.rules.set(key, { target: e.key.target, reason: e.reason });
            if (e.type === 'unmute' && !e.follower && e.cause !== 'released_elsewhere') this.rules.delete(key);
          }
        });
        const list = [...this.rules.values()];
        this.members.forEach((b, i) => this.events[i].push(...b.followRules(list, this.now)));
      }
    }
  }

  of(i: number, type: BalancerEvent['type']): BalancerEvent[] {
    return this.events[i].filter((e) => e.type === type);
  }
}

describe('pure parts', () => {
  test('RateHistory.addAt counts into a past bucket of the window and refuses older ones', () => {
    const h = new RateHistory(4, 10, 100, 50);
    h.add(3);
    h.advance(102, true);
    expect(h.addAt(2, 5)).toBe(true);
    expect(h.bucketCount(2)).toBe(8);
    expect(h.count).toBe(8);
    expect(h.addAt(4, 1)).toBe(false);
    expect(h.addAt(-1, 1)).toBe(false);
    expect(h.count).toBe(8);
  });

  test('BucketRing holds the last buckets, refuses older ones and sums ranges', () => {
    const r = new BucketRing(4, 2);
    expect(r.add(0, 10, 2)).toBe(true);
    expect(r.add(1, 10, 1)).toBe(true);
    r.add(0, 13, 5);
    expect(r.sum(0, 10, 13)).toBe(7);
    r.add(0, 14, 1); // takes bucket 10's slot
    expect(r.get(0, 10)).toBe(0);
    expect(r.get(1, 10)).toBe(0);
    expect(r.add(0, 10, 1)).toBe(false);
    expect(r.held()).toEqual([13, 14]);
  });

  test('SharedCounts: whole-rate buckets are final after the lag; late remote counts go into the window or are refused', () => {
    const sc = new SharedCounts(4, 20, 10, 30, 100, 10);
    sc.counts.add(LOCAL, 100, 3);
    expect(sc.addRemote(100, 4)).toBe('pending');
    expect(sc.addRemote(101, 2)).toBe('pending');
    sc.finalize(101, true);
    expect(sc.combined.bucketCount(1)).toBe(7);
    expect(sc.combined.bucketCount(0)).toBe(2);
    expect(sc.addRemote(100, 1)).toBe('window');
    expect(sc.combined.count).toBe(10);
    sc.finalize(110, true);
    expect(sc.addRemote(101, 1)).toBe('late');
    // What is handed out for writing is each local count once.
    expect(sc.takeUnsent(110)).toEqual([[100, 3, 0]]);
    expect(sc.takeUnsent(110)).toEqual([]);
    sc.counts.add(LOCAL, 110, 2);
    sc.addOffered(0, 110, 4);
    expect(sc.takeUnsent(110)).toEqual([[110, 2, 4]]);
    expect(sc.counts.get(REMOTE, 101)).toBe(2);
  });
});

describe('spam_rates shared_rates config', () => {
  test('off by default; lag defaults to 2 x interval + bucket; needs the store', () => {
    const def = resolveSpamConfig(createDefaultSpamConfig());
    expect(def.sharedRates).toEqual({ enabled: false, intervalMs: 1000, lagMs: 2500, retentionMs: 3_600_000, table: 'spam_rates' });
    expect(def.balancer.sharedRates).toBe(false);
    const on: SpamProcessorConfig = { ...createDefaultSpamConfig(), shared_rates: { enabled: true, interval: '200ms', lag: '', retention: '1h', table: 'spam_rates' } };
    const r = resolveSpamConfig(on);
    expect(r.balancer.sharedLagBuckets).toBe(2); // 2 x 200 + 500 = 900 ms: 2 buckets of 500 ms, rounded up
    expect(validateSpamConfig({ ...on, store: false })).toEqual(['shared_rates.enabled: needs store: true (the counts are exchanged through the store)']);
    expect(validateSpamConfig({ ...on, shared_rates: { ...on.shared_rates, table: 'bad-name', retention: '10s' } })).toEqual([
      'shared_rates.table: must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got "bad-name"',
      'shared_rates.retention: must be at least 1m',
    ]);
  });
});

describe('SpamBalancer across collectors', () => {
  const spam = 0xabcdefn;
  const streamsSplit = (rate: number, members: number[], fromMs: number, toMs: number): Stream[] =>
    members.map((member) => ({ member, service: 'checkout', templateId: spam, rate, fromMs, toMs, args: spamArgs }));

  test('a spammer under min_rate on each of two collectors but above it together is muted, on the whole rate', () => {
    // Judged at once (no warm-up): 2 x 15/s is below warmup.rate.
    const c = new Cluster(2, () => params({ warmupMs: 0 }));
    c.run(40_000, streamsSplit(15, [0, 1], 10_000, 40_000));
    const mutes = [0, 1].map((i) => c.of(i, 'mute').concat(c.of(i, 'follow')));
    expect(mutes[0].length + mutes[1].length).toBeGreaterThan(0);
    for (const m of mutes) expect(m.length).toBeGreaterThan(0);
    const decided = [...c.of(0, 'mute'), ...c.of(1, 'mute')];
    expect(decided.length).toBeGreaterThan(0);
    for (const e of decided) {
      if (e.type !== 'mute') continue;
      expect(e.figures.shared).toBe(true);
      expect(e.reason).toMatch(/across collectors/);
      // Decided within rate window + lag + interval + a few evaluations of the spam's start.
      expect(e.timeMs - (T0 + 10_000)).toBeLessThan(6_000);
    }
  });

  test('without sharing, the same half rate is never muted', () => {
    const c = new Cluster(2, () => params({}, false), false);
    c.run(40_000, streamsSplit(15, [0, 1], 10_000, 40_000));
    expect([...c.events[0], ...c.events[1]]).toEqual([]);
  });

  test('a steady service spread over collectors, under min_rate together, is never muted', () => {
    const c = new Cluster(3, () => params());
    c.run(40_000, [0, 1, 2].map((member) => ({ member, service: 'steady', templateId: 7n, rate: 6, fromMs: 0, toMs: 40_000, args: () => ['ok'] })));
    expect(c.events.flat()).toEqual([]);
  });

  test('one collector alone: sharing on and off take the same decisions at the same times', () => {
    const streams: Stream[] = [
      { member: 0, service: 'checkout', templateId: spam, rate: 200, fromMs: 20_000, toMs: 35_000, args: spamArgs },
      { member: 0, service: 'checkout', templateId: 9n, rate: 8, fromMs: 0, toMs: 90_000, args: (n) => [String(n * 7919), String(n % 13)] },
    ];
    const describe = (events: BalancerEvent[]) => events.map((e) => `${e.type}@${e.timeMs - T0}:${e.key.target.templateId}${e.type === 'unmute' ? ':' + e.cause : ''}`);
    const on = new Cluster(1, () => params());
    on.run(90_000, streams);
    const off = new Cluster(1, () => params({}, false), false);
    off.run(90_000, streams);
    expect(describe(on.events[0])).toEqual(describe(off.events[0]));
    expect(describe(on.events[0]).filter((e) => e.startsWith('mute'))).toHaveLength(1);
  });

  test('a follower drops and counts its share; the release waits for the followers\' offered rate, then the follower is released too', () => {
    // Member 1 does not judge (strategy off): it can only follow.
    const c = new Cluster(2, (i) => params(i === 1 ? { strategy: 'off', warmupMs: 0 } : { warmupMs: 0 }));
    // The spammer: 15/s on each until 30 s; then 30/s on member 1 only until 60 s.
    c.run(30_000, streamsSplit(15, [0, 1], 10_000, 30_000));
    const mute = c.of(0, 'mute')[0];
    expect(mute).toBeDefined();
    const follow = c.of(1, 'follow')[0];
    expect(follow).toBeDefined();
    expect(follow.timeMs).toBeGreaterThanOrEqual(mute.timeMs);
    c.run(60_000, [{ member: 1, service: 'checkout', templateId: spam, rate: 30, fromMs: 30_000, toMs: 60_000, args: spamArgs }]);
    // Member 0 sees nothing of the spammer since 30 s, but member 1's drops keep its offered rate up.
    expect(c.of(0, 'unmute')).toEqual([]);
    expect(c.dropped[1]).toBeGreaterThan(600);
    c.run(80_000, []);
    const unmute0 = c.of(0, 'unmute');
    const unmute1 = c.of(1, 'unmute');
    expect(unmute0.map((e) => e.type === 'unmute' && e.cause)).toEqual(['rate_fell']);
    expect(unmute0[0].timeMs).toBeGreaterThan(T0 + 60_000);
    expect(unmute1.map((e) => e.type === 'unmute' && [e.cause, e.follower])).toEqual([['released_elsewhere', true]]);
    // The follower's summaries hold exactly its drops.
    const summarized = c.events[1].reduce((n, e) => n + (e.type === 'summary' ? e.sdk + e.collector : 0), 0);
    expect(summarized).toBe(c.dropped[1]);
  });

  test('a follower attributes SDK reports of the followed mute; a mute whose rule vanished is released elsewhere', () => {
    const b = new SpamBalancer(params(), T0);
    const svc = b.service('api');
    b.observe(svc, 5n, 'Cart.add', ['x'], T0 + 1000, b.bucketOf(T0 + 1000));
    const t1 = T0 + 2000;
    const ev = b.followRules([{ target: { service: 'api', templateId: 5n }, reason: 'spam (both): 80 records/s across collectors' }], t1);
    expect(ev.map((e) => e.type)).toEqual(['follow']);
    const k = b.attributeReport('api', 5n, 'Cart.add', t1 + 10);
    expect(k?.follower).toBe(true);
    b.creditDropped(k!, 40, 'sdk', t1 + 10);
    // Rules on an instance, or on a template and a function at once, are not followed.
    expect(b.followRules([{ target: { service: 'api', templateId: 5n }, reason: '' }, { target: { service: 'api', templateId: 6n, function: 'f' }, reason: '' }], t1 + 20)).toEqual([]);
    const gone = b.followRules([], t1 + 500);
    expect(gone.map((e) => e.type === 'unmute' && [e.cause, e.follower])).toEqual([['released_elsewhere', true]]);
    // Reports within report_grace still belong to it; the final summary holds them all.
    b.creditDropped(b.attributeReport('api', 5n, 'Cart.add', t1 + 600)!, 2, 'sdk', t1 + 600);
    const later = b.evaluate(t1 + 500 + b.params.reportGraceMs + 1);
    expect(later.filter((e) => e.type === 'summary').map((e) => e.type === 'summary' && e.sdk)).toEqual([42]);
  });

  test('peer rows of another bucket width, too far ahead or too late are ignored and counted', () => {
    const b = new SpamBalancer(params(), T0);
    const now = T0 + 60_000;
    b.observe(b.service('s'), 3n, '', ['a'], now, b.bucketOf(now));
    const row = (bucketStartMs: number, bucketMs = 500): SpamRateRow => ({ service: 's', kind: 'template', templateId: 3n, function: '', bucketStartMs, bucketMs, count: 4, offered: 0 });
    b.applyPeerRows([row(now, 1000), row(now + 60_000), row(now - 30_000), row(now)], now);
    expect(b.peerRowsIgnored).toEqual({ late: 1, bucketWidth: 1, ahead: 1 });
  });
});

describe('spam_rates on chDB (full schema)', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-spam-rates-'));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('the DDL runs, rows round-trip, recent() reads by insert time; legacy DDL has no TTL', async () => {
    const store = await openClickHouse({ endpoint: `chdb://${folder}`, database: 'rates' });
    try {
      const s = new SpamRatesStore(store, 'rates');
      expect(s.kind).toBe('full');
      await s.createSchema();
      await s.createSchema();
      const id = newWriteId();
      const rows: SpamRateRow[] = [
        { service: 'a\tb', kind: 'template', templateId: (1n << 63n) + 5n, function: '', bucketStartMs: T0, bucketMs: 500, count: 7, offered: 0 },
        { service: 'a\tb', kind: 'function', templateId: 0n, function: 'Cart.add', bucketStartMs: T0 + 500, bucketMs: 500, count: 0, offered: 3 },
      ];
      await s.insert(id, 'collector-1', rows);
      const back = await s.recent(5);
      expect(back.map(({ writeId, collectorId, ...r }) => ({ ...r, w: writeId === id, collectorId }))).toEqual(rows.map((r) => ({ ...r, w: true, collectorId: 'collector-1' })));
      expect(await s.prune()).toBe(0);
    } finally {
      await store.close();
    }
    expect(spamRatesSchemaSql('full', 'otel')[1]).toMatch(/TTL InsertedAt \+ toIntervalHour\(1\)/);
    expect(spamRatesSchemaSql('legacy', 'otel')[1]).not.toMatch(/TTL|LowCardinality/);
  });
});
