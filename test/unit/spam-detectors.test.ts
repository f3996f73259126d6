/**
 * The spam balancer's detectors, pure and on explicit time: the Z-score over a
 * sliding rate history (detectors/zscore.ts) and the weighted argument entropy
 * (detectors/entropy.ts).
 */
import { BucketCounter, RateHistory, zscoreFires } from '../../processors/spam/detectors/zscore';
import { ArgumentSample, MAX_SAMPLED_ARG_LENGTH, argumentDigest, deltaEntropy, normalizedEntropy, type EntropyParams } from '../../processors/spam/detectors/entropy';
import { prng } from '../scenarios/spam-kit';

const BUCKET = 500;

describe('RateHistory (Z-score)', () => {
  test('counts the recent window and moves buckets into the baseline', () => {
    const h = new RateHistory(4, 10, 100);
    h.add(3);
    h.advance(101, true);
    h.add(5);
    expect(h.count).toBe(8);
    expect(h.bucketCount(0)).toBe(5);
    expect(h.bucketCount(1)).toBe(3);
    // Buckets 100 and 101 leave the window when the current bucket becomes 104 and 105.
    h.advance(104, true);
    expect(h.count).toBe(5);
    expect(h.baselineBuckets).toBe(1);
    h.advance(105, true);
    expect(h.count).toBe(0);
    expect(h.baselineBuckets).toBe(2);
    const a = h.assess(105 * BUCKET + 250, BUCKET);
    // Baseline [3, 5]: mean 4 per bucket = 8/s.
    expect(a.baselineRate).toBeCloseTo(8);
  });

  test('a long gap fills the baseline with zeros (bounded work) and empties the window', () => {
    const h = new RateHistory(4, 10, 0);
    h.add(7);
    h.advance(1_000_000, true);
    expect(h.count).toBe(0);
    expect(h.baselineBuckets).toBe(10);
    const a = h.assess(1_000_000 * BUCKET, BUCKET);
    expect(a.baselineRate).toBe(0);
  });

  test('buckets leaving the window while not admitted (muted) never enter the baseline', () => {
    // 10 known empty buckets before: 3 of them are the window's earlier slots, 7 the baseline.
    const h = new RateHistory(4, 10, 0, 10);
    expect(h.baselineBuckets).toBe(7);
    h.add(1000);
    h.advance(20, false);
    expect(h.baselineBuckets).toBe(7);
    expect(h.assess(20 * BUCKET, BUCKET).baselineRate).toBe(0);
  });

  test('a brand-new key with a zero history fires; min_history and min_ratio gate it', () => {
    // Seen for the first time 60 s after the start: 120 zero buckets credited (capped at history).
    const h = new RateHistory(4, 120, 120, 120);
    for (let b = 120; b < 123; b++) {
      h.advance(b, true);
      h.add(50);
    }
    const a = h.assess(122 * BUCKET + 250, BUCKET);
    expect(a.count).toBe(150);
    expect(a.spanMs).toBe(1750);
    expect(a.rate).toBeCloseTo(150 / 1.75);
    expect(a.z).toBeGreaterThan(50);
    expect(zscoreFires(a, { zThreshold: 4, zMinRatio: 3, minHistoryBuckets: 10 })).toBe(true);
    // With no baseline yet (the processor just started), the Z-score does not judge.
    const fresh = new RateHistory(4, 120, 0, 0);
    fresh.add(150);
    expect(zscoreFires(fresh.assess(250, BUCKET), { zThreshold: 4, zMinRatio: 3, minHistoryBuckets: 10 })).toBe(false);
  });

  test('a steady busy key is not anomalous; a 10x burst of it is', () => {
    const rnd = prng(1);
    const h = new RateHistory(4, 120, 0, 0);
    let b = 0;
    for (; b < 200; b++) {
      h.advance(b, true);
      h.add(90 + Math.floor(rnd() * 20));
    }
    const steady = h.assess(b * BUCKET, BUCKET);
    expect(Math.abs(steady.z)).toBeLessThan(4);
    expect(zscoreFires(steady, { zThreshold: 4, zMinRatio: 3, minHistoryBuckets: 10 })).toBe(false);
    // A 20 % swing: z may be large for a very regular key, min_ratio keeps it quiet.
    h.advance(b, true);
    h.add(600);
    const swing = h.assess(b * BUCKET + 499, BUCKET);
    expect(zscoreFires(swing, { zThreshold: 4, zMinRatio: 3, minHistoryBuckets: 10 })).toBe(false);
    for (let i = 1; i <= 3; i++) {
      h.advance(b + i, true);
      h.add(1000);
    }
    const burst = h.assess((b + 3) * BUCKET + 499, BUCKET);
    expect(zscoreFires(burst, { zThreshold: 4, zMinRatio: 3, minHistoryBuckets: 10 })).toBe(true);
  });

  test('sums never drift: a million pushes later the running sums equal a recount', () => {
    const rnd = prng(7);
    const h = new RateHistory(4, 60, 0, 0);
    const all: number[] = [];
    for (let b = 0; b < 100_000; b++) {
      h.advance(b, true);
      const c = Math.floor(rnd() * 1000);
      h.add(c);
      all.push(c);
    }
    h.advance(100_000 + 3, true);
    // The baseline holds buckets 99_944 .. 100_002 - 4 + ... : recompute from the tail.
    const tail = all.slice(all.length - 60);
    const mean = tail.reduce((x, y) => x + y, 0) / 60;
    const a = h.assess((100_003) * BUCKET, BUCKET);
    expect(a.baselineRate).toBeCloseTo((mean * 1000) / BUCKET, 9);
  });

  test('subtract takes records out of the window bucket by bucket', () => {
    const h = new RateHistory(4, 10, 0);
    h.add(10);
    h.advance(1, true);
    h.add(20);
    h.subtract((ago) => (ago === 0 ? 5 : ago === 1 ? 50 : 0));
    expect(h.bucketCount(0)).toBe(15);
    expect(h.bucketCount(1)).toBe(0);
    expect(h.count).toBe(15);
  });
});

describe('RateHistory peaks and growth segments', () => {
  /** Advances one bucket at a time from the history's current bucket, `count` records in each. */
  const feed = (h: RateHistory, counts: number[], learn = true) => {
    for (const c of counts) {
      h.advance(h.currentBucket + 1, true, learn);
      h.add(c);
    }
  };

  test('a burst becomes a peak once the traffic receded from it; a climbing ramp never does', () => {
    const burst = new RateHistory(4, 100, 0);
    feed(burst, [...Array(10).fill(50), ...Array(10).fill(0)]);
    // Window of 4 buckets of 50 records: 200 records, then the traffic left.
    expect(burst.peakCount(burst.currentBucket)).toBe(200);
    const ramp = new RateHistory(4, 100, 0);
    feed(ramp, Array.from({ length: 40 }, (_, i) => i));
    expect(ramp.peakCount(ramp.currentBucket)).toBe(0);
    // Its current level is known to others (another sender's starting peak): the busiest window so far.
    expect(ramp.peakCount(ramp.currentBucket, true)).toBeGreaterThan(100);
  });

  test('buckets of a key on its way to a mute (learnPeak false) are no peak; a peak halves every half-life', () => {
    const h = new RateHistory(4, 100, 0);
    h.peakHalfLifeBuckets = 10;
    // (Whether a bucket is learnt is decided when it leaves the window.)
    feed(h, [...Array(10).fill(50), ...Array(4).fill(0)], false);
    feed(h, Array(10).fill(0));
    expect(h.peakCount(h.currentBucket)).toBe(0);
    feed(h, Array(10).fill(50));
    feed(h, Array(6).fill(0));
    const peak = h.peakCount(h.currentBucket);
    expect(peak).toBeGreaterThan(0);
    expect(h.peakCount(h.currentBucket + 10)).toBeCloseTo(peak / 2, 9);
  });

  test('segment counts: newest first, the window then the baseline; undefined until enough is held', () => {
    const h = new RateHistory(2, 10, 0);
    expect(h.segmentCounts(3, 2)).toBeUndefined();
    feed(h, [1, 2, 3, 4, 5, 6]);
    // Buckets newest first: 6 5 | 4 3 2 1 -> segments of 3: [6+5+4, 3+2+1].
    expect(h.segmentCounts(3, 2)).toEqual([15, 6]);
  });
});

describe('BucketCounter (offered rate)', () => {
  test('sums a sliding window of buckets', () => {
    const c = new BucketCounter(4, 0);
    c.add(0, 5);
    c.add(1, 7);
    c.add(3, 1);
    expect(c.total).toBe(13);
    c.advance(4);
    expect(c.total).toBe(8);
    c.advance(100);
    expect(c.total).toBe(0);
  });
});

const PARAMS: EntropyParams = { maxPositions: 8, positionWeights: [1, 0.8, 0.6, 0.5, 0.4], meanExponent: 4, numericDeltas: true };

function sampleOf(rows: string[][], withTemplates = false, templates?: bigint[]): ArgumentSample {
  const s = new ArgumentSample(64, withTemplates);
  rows.forEach((r, i) => s.add(r, templates?.[i] ?? 0n));
  return s;
}

describe('argument entropy', () => {
  test('normalised entropy: 0 for one value, 1 for all different', () => {
    expect(normalizedEntropy(['a', 'a', 'a', 'a'])).toBe(0);
    expect(normalizedEntropy(['a', 'b', 'c', 'd'])).toBeCloseTo(1);
    expect(normalizedEntropy(['a', 'b', 'a', 'b'])).toBeCloseTo(0.5);
  });

  test('differences of numbers: a counter repeats its step, random ids do not', () => {
    expect(deltaEntropy(['1', '2', '3', '4', '5'])).toBe(0);
    expect(deltaEntropy(['5', 'x', '7'])).toBeUndefined();
    const rnd = prng(3);
    const ids = Array.from({ length: 64 }, () => String(Math.floor(rnd() * 1e9)));
    expect(deltaEntropy(ids)!).toBeGreaterThan(0.99);
  });

  const rnd = prng(11);
  const id = () => String(Math.floor(rnd() * 1e9));
  const cases: [string, string[][], 'low' | 'high'][] = [
    ['constant arguments (an error loop)', Array.from({ length: 64 }, () => ['db-1:5432', 'ECONNREFUSED']), 'low'],
    ['a loop counter and a constant host', Array.from({ length: 64 }, (_, i) => [String(i + 100), 'db-1:5432']), 'low'],
    ['no arguments at all', Array.from({ length: 64 }, () => []), 'low'],
    ['a constant subject, a jittery duration', Array.from({ length: 64 }, () => ['psp.example', String(5000 + Math.floor(rnd() * 10))]), 'low'],
    ['two alternating values', Array.from({ length: 64 }, (_, i) => [i % 2 ? 'a' : 'b']), 'low'],
    ['auto-increment order ids (the only argument)', Array.from({ length: 64 }, (_, i) => [String(100_000 + i)]), 'high'],
    ['auto-increment invoice and order ids', Array.from({ length: 64 }, (_, i) => [String(9_000_000 + i), String(100_000 + i)]), 'high'],
    ['an auto-increment id and a status among a few', Array.from({ length: 64 }, (_, i) => [String(100_000 + i), ['new', 'paid', 'shipped'][i % 3]]), 'high'],
    ['order ids, amounts and users', Array.from({ length: 64 }, () => [id(), (rnd() * 500).toFixed(2), id()]), 'high'],
    ['order ids and one of five countries', Array.from({ length: 64 }, () => [id(), ['DE', 'FR', 'NL', 'IT', 'ES'][Math.floor(rnd() * 5)]]), 'high'],
    [
      'an access log: 20 paths, mostly 200, random latency',
      Array.from({ length: 64 }, () => [`/api/v1/r${Math.floor(rnd() * 20)}`, rnd() < 0.95 ? '200' : '404', String(Math.floor(-Math.log(1 - rnd()) * 40))]),
      'high',
    ],
    [
      'an access log led by the method: GET/POST, 20 paths, mostly 200, random latency',
      Array.from({ length: 64 }, () => [rnd() < 0.8 ? 'GET' : 'POST', `/api/v1/r${Math.floor(rnd() * 20)}`, rnd() < 0.95 ? '200' : '404', String(Math.floor(-Math.log(1 - rnd()) * 40))]),
      'high',
    ],
  ];
  test.each(cases.map(([name, rows, expected]) => ({ name, rows, expected })))('$name scores $expected', ({ rows, expected }) => {
    const score = sampleOf(rows).score(64, PARAMS);
    expect(score.samples).toBe(64);
    if (expected === 'low') expect(score.entropy).toBeLessThanOrEqual(0.5);
    else expect(score.entropy).toBeGreaterThan(0.5);
  });

  test('numbers that increment are ids only while the caller trusts them as such (a volume identifiers can explain)', () => {
    const lone = sampleOf(Array.from({ length: 64 }, (_, i) => [String(100_000 + i)]));
    expect(lone.score(64, PARAMS).entropy).toBeGreaterThan(0.5);
    expect(lone.score(64, PARAMS, undefined, false).entropy).toBeLessThanOrEqual(0.5);
    // Random ids stay information whatever the volume: their differences do not repeat.
    const rnd = prng(7);
    const random = sampleOf(Array.from({ length: 64 }, () => [String(Math.floor(rnd() * 1e9))]));
    expect(random.score(64, PARAMS, undefined, false).entropy).toBeGreaterThan(0.5);
  });

  test('the sample keeps long arguments as digests and no more than maxPositions of them: the score is unchanged', () => {
    const long = (v: string) => v + '-'.repeat(5_000);
    const many = (row: string[]) => [...row, ...Array.from({ length: 50 }, (_, i) => `position ${i} value`)];
    const rows = [
      ...Array.from({ length: 32 }, (_, i) => [long(`distinct ${i}`), 'GET', String(i)]),
      ...Array.from({ length: 32 }, (_, i) => [long(`cycling ${i % 3}`), 'GET', String(i % 2)]),
    ];
    for (const count of [64, 32, 20]) {
      const bounded = new ArgumentSample(64, false, PARAMS.maxPositions);
      const unbounded = new ArgumentSample(64, false);
      for (const r of rows) {
        bounded.add(many(r));
        unbounded.add(many(r));
      }
      expect(bounded.score(count, PARAMS)).toEqual(unbounded.score(count, PARAMS));
    }
    // A digest: equal texts alike, different texts (even of one length) apart, never a number.
    expect(argumentDigest(long('a'))).toBe(argumentDigest(long('a')));
    expect(argumentDigest(long('a'))).not.toBe(argumentDigest(long('b')));
    expect(Number.isFinite(Number(argumentDigest('1'.repeat(40))))).toBe(false);
    expect(argumentDigest(long('a')).length).toBeLessThanOrEqual(MAX_SAMPLED_ARG_LENGTH);
    const s = new ArgumentSample(4, false, 8);
    expect(s.add(['short', 'x'.repeat(MAX_SAMPLED_ARG_LENGTH), 'y'.repeat(MAX_SAMPLED_ARG_LENGTH + 1)])).toBe(1);
  });

  test('the score covers the newest `count` records (those of the rate window); the ring keeps the newest size', () => {
    const s = new ArgumentSample(8, false);
    for (let i = 0; i < 20; i++) s.add([i < 17 ? String(i) : 'same']);
    expect(s.length).toBe(8);
    expect(s.score(100, PARAMS).samples).toBe(8);
    const newest = s.score(3, PARAMS);
    expect(newest.samples).toBe(3);
    expect(newest.entropy).toBe(0);
  });

  test('function keys: one template scores as its template key; few cycling templates repeat; many messages with ids do not', () => {
    const rows = Array.from({ length: 64 }, () => [id(), (rnd() * 100).toFixed(1)]);
    const asTemplate = sampleOf(rows).score(64, PARAMS).entropy;
    const asFunction = sampleOf(rows, true, rows.map(() => 42n)).score(64, PARAMS).entropy;
    expect(asFunction).toBeCloseTo(asTemplate, 12);
    // Three constant messages in turn.
    const cycling = sampleOf(
      Array.from({ length: 64 }, (_, i) => (i % 3 === 2 ? [] : ['jobs'])),
      true,
      Array.from({ length: 64 }, (_, i) => BigInt(i % 3)),
    ).score(64, PARAMS);
    expect(cycling.entropy).toBeLessThanOrEqual(0.5);
    // Many messages about different requests.
    const work = sampleOf(
      Array.from({ length: 64 }, () => [id()]),
      true,
      Array.from({ length: 64 }, (_, i) => BigInt(i % 4)),
    ).score(64, PARAMS);
    expect(work.entropy).toBeGreaterThan(0.9);
    // Excluded templates (muted ones) are left out of the sample.
    const some = sampleOf([['a'], ['b'], ['c'], ['d']], true, [1n, 2n, 1n, 2n]).score(64, PARAMS, (t) => t === 2n);
    expect(some.samples).toBe(2);
  });
});

test('addRun leaves a sample as add() of each record in turn would: the newest records in their places, the same digests counted', () => {
  const one = new ArgumentSample(16, true, 4);
  const run = new ArgumentSample(16, true, 4);
  // runs shorter and longer than the sample, records of one distinct number each (the newest `count` differ by place), long arguments digested
  let next = 0;
  let digestedOne = 0;
  let digestedRun = 0;
  for (const len of [3, 40, 1, 17, 16, 5, 100]) {
    const column = Array.from({ length: len + 2 }, () => [String(next++ * 7), next % 3 === 0 ? 'z'.repeat(40 + next) : 'k', 'a', 'b', 'c']);
    // the run is records 1..len of the column: addRun reads its range only
    for (let r = 1; r <= len; r++) digestedOne += one.add(column[r], 5n);
    digestedRun += run.addRun(column, 1, len + 1, 5n);
    expect(run.length).toBe(one.length);
    for (const count of [1, 4, 9, 16]) expect(run.score(count, PARAMS)).toEqual(one.score(count, PARAMS));
  }
  expect(digestedRun).toBe(digestedOne);
  expect(digestedOne).toBeGreaterThan(0);
});
