/**
 * Traffic alerts on simulated time: every interval's hits are fed and the
 * engine advanced to the interval's end, as the processor does; events must
 * come at exactly the interval the arithmetic says, and not flap.
 */
import { TrafficAlerts, defaultTrafficAlertOptions, type AlertEvent, type TrafficAlertOptions } from '../../processors/httpstats/alerts';
import { seededRandom } from './httpstats-fixtures';

const I = 10_000;
const T0 = Date.UTC(2024, 2, 1, 0, 0, 0);

function options(over: { spike?: Partial<TrafficAlertOptions['spike']>; rate?: Partial<TrafficAlertOptions['rate']>; recoveryRatio?: number } = {}): TrafficAlertOptions {
  const d = defaultTrafficAlertOptions(I);
  return { ...d, spike: { ...d.spike, ...over.spike }, rate: { ...d.rate, ...over.rate }, recoveryRatio: over.recoveryRatio ?? d.recoveryRatio };
}

/** Feeds hits per interval (index 0 starts at T0) for one key, advancing after each; returns the events. */
function run(engine: TrafficAlerts, hits: number[], key = { service: 'shop', host: '*' }, from = 0): AlertEvent[] {
  const events: AlertEvent[] = [];
  hits.forEach((h, k) => {
    const i = from + k;
    engine.record(key.service, key.host, T0 + i * I, h);
    events.push(...engine.advance(T0 + (i + 1) * I));
  });
  return events;
}

/** Interval index at whose end an event happened. */
function at(e: AlertEvent): number {
  return (e.timeMs - T0) / I - 1;
}

const repeat = (n: number, v: number) => Array<number>(n).fill(v);

describe('high_traffic: average requests/s over a window above a threshold', () => {
  const engine = () => new TrafficAlerts(options({ spike: { enabled: false }, rate: { threshold: 10, windowMs: 120_000 } }));

  it('raises at the first interval whose 2-minute average exceeds the threshold, and recovers with hysteresis', () => {
    // 5 req/s for 30 intervals, 20 req/s for 30, then 5 req/s again.
    const events = run(engine(), [...repeat(30, 50), ...repeat(30, 200), ...repeat(30, 50)]);
    expect(events.map((e) => [e.rule, e.state, at(e)])).toEqual([
      // After k spike intervals the average is (200k + 50(12-k))/120: exactly 10 at k=4 (not above), 11.25 at k=5.
      ['high_traffic', 'alert', 34],
      // After m quiet intervals: (50m + 200(12-m))/120 is 10 at m=8, 8.75 at m=9 (<= 10 x 0.9).
      ['high_traffic', 'recovery', 68],
    ]);
    const [alert, recovery] = events;
    expect(alert.value).toBeCloseTo(11.25, 10);
    expect(alert.hits).toBe(1350);
    expect(alert.limit).toBe(10);
    expect(alert.windowMs).toBe(120_000);
    expect(alert.timeMs).toBe(T0 + 35 * I);
    expect(alert.message).toBe(
      `High traffic generated an alert on service "shop" - hits = 1350 (11.3 req/s over 2m, threshold 10.0 req/s), triggered at ${new Date(T0 + 35 * I).toISOString()}`,
    );
    expect(recovery.value).toBeCloseTo(8.75, 10);
    expect(recovery.sinceMs).toBe(alert.timeMs);
    expect(recovery.message).toMatch(/^High traffic recovered on service "shop" - hits = 1050 \(8\.75 req\/s over 2m\), recovered at .* after 5m40s$/);
  });

  it('does not flap while traffic hovers around the threshold (hysteresis), and would without it', () => {
    // 10.5 req/s until the alert, then 2 minutes at 9.5 req/s and 2 at 10.5, in turn: the 2-minute average
    // swings between 9.5 and 10.5 req/s, crossing the threshold twice per period.
    const hits = [...repeat(12, 105), ...Array.from({ length: 120 }, (_, k) => (Math.floor(k / 12) % 2 ? 105 : 95))];
    const withHysteresis = run(engine(), hits);
    expect(withHysteresis.map((e) => [e.state, at(e)])).toEqual([['alert', 11]]);
    const without = run(new TrafficAlerts(options({ spike: { enabled: false }, rate: { threshold: 10 }, recoveryRatio: 1 })), hits);
    expect(without.length).toBeGreaterThanOrEqual(8);
  });

  it('recovers when traffic stops entirely (time advances without records)', () => {
    const e = engine();
    const events = run(e, repeat(20, 200));
    expect(events.map((x) => [x.state, at(x)])).toEqual([['alert', 6]]);
    // No more records: the window empties; (200 x (12-m))/120 <= 9 first at m = 7.
    for (let i = 20; i < 40; i++) events.push(...e.advance(T0 + (i + 1) * I));
    expect(events.map((x) => [x.state, at(x)])).toEqual([
      ['alert', 6],
      ['recovery', 26],
    ]);
    expect(e.activeAlerts()).toEqual([]);
  });

  it('evaluates keys independently and reports events in time order', () => {
    const e = engine();
    const events: AlertEvent[] = [];
    for (let i = 0; i < 40; i++) {
      e.record('a', '*', T0 + i * I, i >= 10 ? 200 : 10);
      e.record('b', '*', T0 + i * I, i >= 20 ? 200 : 10);
      events.push(...e.advance(T0 + (i + 1) * I));
    }
    expect(events.map((x) => [x.service, x.state, at(x)])).toEqual([
      ['a', 'alert', 15],
      ['b', 'alert', 25],
    ]);
    expect(e.activeAlerts().map((a) => a.service).sort()).toEqual(['a', 'b']);
  });

  it('evaluates intervals recorded ahead of time in order when advanced in one step', () => {
    const a = engine();
    const hits = [...repeat(30, 50), ...repeat(30, 200), ...repeat(30, 50)];
    hits.forEach((h, i) => a.record('shop', '*', T0 + i * I, h));
    const events = a.advance(T0 + hits.length * I);
    expect(events.map((x) => [x.state, at(x)])).toEqual([
      ['alert', 34],
      ['recovery', 68],
    ]);
  });

  it('skips long silent stretches quickly and forgets quiet keys', () => {
    const e = engine();
    const day = 86_400_000;
    const events: AlertEvent[] = [];
    for (const dayIndex of [0, 30, 365]) {
      for (let i = 0; i < 10; i++) e.record('shop', '*', T0 + dayIndex * day + i * I, 300);
      events.push(...e.advance(T0 + dayIndex * day + 10 * I));
    }
    const t = Date.now();
    events.push(...e.advance(T0 + 400 * day));
    expect(Date.now() - t).toBeLessThan(1000);
    expect(events.map((x) => x.state)).toEqual(['alert', 'recovery', 'alert', 'recovery', 'alert', 'recovery']);
    expect(e.activeAlerts()).toEqual([]);
  });

  it('counts hits recorded late (for an evaluated interval) in later averages without re-evaluating', () => {
    const e = engine();
    const events = run(e, repeat(12, 90)); // 9 req/s: no alert
    expect(events).toEqual([]);
    e.record('shop', '*', T0 + 11 * I, 200); // late hits for the last evaluated interval
    expect(e.advance(T0 + 12 * I)).toEqual([]); // nothing new to evaluate
    e.record('shop', '*', T0 + 12 * I, 90);
    const next = e.advance(T0 + 13 * I);
    expect(next.map((x) => [x.state, at(x), x.hits])).toEqual([['alert', 12, 90 * 12 + 200]]);
  });
});

describe('traffic_spike: short moving average above the long one times a ratio', () => {
  const engine = (minRate = 1) =>
    new TrafficAlerts(options({ rate: { enabled: false }, spike: { shortWindowMs: 120_000, longWindowMs: 1_200_000, ratio: 1.5, minRate } }));

  it('raises when the 2-minute average passes 1.5 x the 20-minute one and recovers once the long average catches up', () => {
    // 2 req/s for 20 minutes, then 4 req/s.
    const events = run(engine(), [...repeat(120, 20), ...repeat(80, 40)]);
    // After k intervals at 4 req/s: short = 2 + k/6, long = 2 + k/60; short > 1.5 long first at k = 8.
    // Recovery: short (4) <= 1.5 x 0.9 x long = 1.35 (2 + k/60) first at k = 58.
    expect(events.map((e) => [e.rule, e.state, at(e)])).toEqual([
      ['traffic_spike', 'alert', 127],
      ['traffic_spike', 'recovery', 177],
    ]);
    expect(events[0].value).toBeCloseTo(2 + 8 / 6, 10);
    expect(events[0].baseline).toBeCloseTo(2 + 8 / 60, 10);
    expect(events[0].limit).toBeCloseTo(1.5 * (2 + 8 / 60), 10);
    expect(events[0].message).toMatch(/^Traffic spike generated an alert on service "shop" - 3\.33 req\/s over 2m is above 3\.20 req\/s \(long average 2\.13 req\/s\)/);
    expect(events[1].sinceMs).toBe(events[0].timeMs);
  });

  it('does not alert on a key that just appeared (short == long over the observed span)', () => {
    expect(run(engine(), repeat(30, 100))).toEqual([]);
  });

  it('does not alert below min_rate, however steep the rise', () => {
    // 0.1 -> 0.5 req/s is a 5x spike but under 1 req/s.
    expect(run(engine(1), [...repeat(120, 1), ...repeat(30, 5)])).toEqual([]);
    expect(run(engine(0), [...repeat(120, 1), ...repeat(30, 5)]).map((e) => e.state)).toEqual(['alert']);
  });
});

/**
 * A brute-force model of the rules: every window summed from the full history at every interval,
 * no running sums, no skipping. The engine (running sums, dormant keys, skipped quiet stretches,
 * intervals recorded ahead) must give the same events.
 */
function referenceEvents(hits: number[], o: TrafficAlertOptions): [string, string, number, number][] {
  const n = (ms: number) => Math.max(1, Math.round(ms / o.intervalMs));
  const shortN = n(o.spike.shortWindowMs);
  const longN = Math.max(shortN, n(o.spike.longWindowMs));
  const rateN = n(o.rate.windowMs);
  const longest = Math.max(o.spike.enabled ? longN : 1, o.rate.enabled ? rateN : 1);
  const sec = o.intervalMs / 1000;
  const sum = (j: number, w: number) => hits.slice(Math.max(0, j - w + 1), j + 1).reduce((a, b) => a + b, 0);
  const out: [string, string, number, number][] = [];
  let first: number | undefined;
  let lastData = -Infinity;
  let spike = false;
  let rate = false;
  for (let j = 0; j < hits.length; j++) {
    if (hits[j] > 0) {
      if (first === undefined || lastData <= j - longest) first = j;
      lastData = j;
    }
    if (first === undefined || (lastData <= j - longest - 1 && !spike && !rate)) continue;
    if (o.spike.enabled) {
      const observed = j - first + 1;
      const sn = Math.min(shortN, observed);
      const ln = Math.min(longN, observed);
      const shortRate = sum(j, shortN) / (sn * sec);
      const limit = (sum(j, longN) / (ln * sec)) * o.spike.ratio;
      if (!spike && shortRate > limit && shortRate >= o.spike.minRate) {
        spike = true;
        out.push(['traffic_spike', 'alert', j, sum(j, shortN)]);
      } else if (spike && shortRate <= limit * o.recoveryRatio) {
        spike = false;
        out.push(['traffic_spike', 'recovery', j, sum(j, shortN)]);
      }
    }
    if (o.rate.enabled) {
      const value = sum(j, rateN) / (rateN * sec);
      if (!rate && value > o.rate.threshold) {
        rate = true;
        out.push(['high_traffic', 'alert', j, sum(j, rateN)]);
      } else if (rate && value <= o.rate.threshold * o.recoveryRatio) {
        rate = false;
        out.push(['high_traffic', 'recovery', j, sum(j, rateN)]);
      }
    }
  }
  return out;
}

describe('TrafficAlerts against a brute-force model', () => {
  // The spike's minimum rate decides when a quiet key may sleep (TrafficAlerts.cannotRaise): 0 never, before its window empties.
  it.each([
    [1, 0.5],
    [2, 0.5],
    [3, 0.5],
    [4, 0.5],
    [5, 0.5],
    [6, 0.5],
    [7, 0],
    [8, 1],
    [9, 2],
  ])('gives the same events on random bursty traffic (seed %i, spike min rate %d)', (seed, minRate) => {
    const rnd = seededRandom(seed);
    const hits: number[] = [];
    // Quiet stretches, trickles, bursts and long silences, ~6 days of 10 s intervals.
    while (hits.length < 50_000) {
      const kind = rnd();
      const len = Math.floor(rnd() * (kind < 0.3 ? 2000 : 200)) + 1;
      const level = kind < 0.3 ? 0 : kind < 0.6 ? rnd() * 0.3 : kind < 0.9 ? 20 + rnd() * 150 : 300 + rnd() * 300;
      for (let k = 0; k < len; k++) hits.push(level < 1 ? (rnd() < level ? 1 : 0) : Math.round(level * (0.7 + 0.6 * rnd())));
    }
    const o = options({ rate: { threshold: 8 }, spike: { minRate } });
    const engine = new TrafficAlerts(o);
    const events: AlertEvent[] = [];
    // Intervals are recorded in chunks ahead of evaluation, as a replay closes them.
    for (let i = 0; i < hits.length; ) {
      const chunk = 1 + Math.floor(rnd() * 300);
      for (let k = i; k < Math.min(hits.length, i + chunk); k++) engine.record('shop', '*', T0 + k * I, hits[k]);
      i = Math.min(hits.length, i + chunk);
      events.push(...engine.advance(T0 + i * I));
    }
    const expected = referenceEvents(hits, o);
    expect(expected.length).toBeGreaterThan(10);
    expect(events.map((e) => [e.rule, e.state, at(e), e.hits])).toEqual(expected);
  });
});

describe('TrafficAlerts options', () => {
  it('rejects a recovery ratio outside (0, 1] and a non-positive interval', () => {
    expect(() => new TrafficAlerts({ ...options(), recoveryRatio: 1.2 })).toThrow(/recoveryRatio/);
    expect(() => new TrafficAlerts({ ...options(), intervalMs: 0 })).toThrow(/intervalMs/);
  });
});
