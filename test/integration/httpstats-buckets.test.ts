/**
 * HTTP statistics chart buckets (issue 13, item 5): a steady request stream over
 * three days, stored at the processor's aggregation interval (10 s by default,
 * but 1 min or 1 h when so configured), read through the console API's query
 * for the ranges the page offers: every bucket inside the data holds the same
 * count — no alternating empty buckets (a step that is not a whole number of
 * intervals drew a sawtooth), and the chart's buckets are the query's groups.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { HttpStatsStore } from '../../collector/storage/httpstats-store';
import { autoStepMs, parseHttpStatsRequest, queryHttpStats } from '../../collector/console/httpstats-api';
import type { IntervalStatsRow } from '../../processors/httpstats/aggregator';

jest.setTimeout(120_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-buckets-'));
let store: ClickHouseStore;

beforeAll(async () => {
  store = await openClickHouse({ endpoint: `chdb://${folder}` });
});

afterAll(async () => {
  await store?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** A minute past a round time, like "now" on a page. */
const END = Date.UTC(2026, 11, 6, 17, 23, 41, 250);
const START = END - 3 * 86_400_000;
const HITS_PER_SECOND = 2;

function steadyRows(intervalMs: number): IntervalStatsRow[] {
  const rows: IntervalStatsRow[] = [];
  const hits = (HITS_PER_SECOND * intervalMs) / 1000;
  for (let t = Math.ceil(START / intervalMs) * intervalMs; t + intervalMs <= END; t += intervalMs) {
    rows.push({
      timeStartMs: t,
      intervalMs,
      service: 'web',
      host: 'h1',
      hits,
      bytes: hits * 100,
      statusClasses: { '1xx': 0, '2xx': hits, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 },
      statusCodes: [{ key: '200', hits }],
      sections: [{ key: '/api', hits }],
      paths: [{ key: '/api/x', hits }],
      browsers: [],
      os: [],
      latency: { count: 0, sumMs: 0, maxMs: 0, buckets: [], counts: [] },
    });
  }
  return rows;
}

const RANGES: [string, number][] = [
  ['15m', 15 * 60_000],
  ['1h', 3_600_000],
  ['6h', 6 * 3_600_000],
  ['24h', 86_400_000],
  ['7d', 7 * 86_400_000],
  ['3 days', 3 * 86_400_000],
];

describe.each([
  ['10 s', 10_000],
  ['1 min', 60_000],
  ['1 h', 3_600_000],
])('a steady log over three days aggregated per %s', (_name, intervalMs) => {
  let stats: HttpStatsStore;
  beforeAll(async () => {
    stats = new HttpStatsStore(store, `hs_buckets_${intervalMs / 1000}`);
    await stats.createSchema();
    await stats.insertStats(steadyRows(intervalMs), 'c1', 1n);
  });

  test.each(RANGES)('range %s: every bucket inside the data holds the same count', async (_range, spanMs) => {
    const now = END;
    const r = parseHttpStatsRequest(new URLSearchParams({ from: String(now - spanMs), to: String(now) }), now);
    const s = await queryHttpStats(stats, r);
    expect(s.stepMs % intervalMs).toBe(0);
    // Buckets are epoch-aligned whole steps, consecutive, and the step the API reports.
    expect(s.series.every((p, i) => p.t % s.stepMs === 0 && (i === 0 || p.t - s.series[i - 1].t === s.stepMs))).toBe(true);
    const inside = s.series.filter((p) => p.t >= START && p.t + s.stepMs <= END - intervalMs);
    if (spanMs >= 3 * intervalMs) expect(inside.length).toBeGreaterThan(0);
    const expected = (HITS_PER_SECOND * s.stepMs) / 1000;
    expect(inside.filter((p) => p.hits !== expected).map((p) => [new Date(p.t).toISOString(), p.hits])).toEqual([]);
    expect(s.series.length).toBeLessThanOrEqual(361);
  });
});

test('autoStepMs: a whole number of intervals, at most 360 points', () => {
  expect(autoStepMs(3_600_000, 0)).toBe(10_000);
  expect(autoStepMs(3_600_000, 60_000)).toBe(60_000);
  expect(autoStepMs(3 * 86_400_000, 3_600_000)).toBe(3_600_000);
  expect(autoStepMs(15 * 60_000, 7_000)).toBe(14_000);
});

test('the totals rate averages over the span with data: 14 minutes of 2 req/s in the last hour are 2 req/s, not 0.47', async () => {
  const stats = new HttpStatsStore(store, 'hs_buckets_partial');
  await stats.createSchema();
  const dataFrom = END - 14 * 60_000;
  await stats.insertStats(steadyRows(10_000).filter((row) => row.timeStartMs >= dataFrom), 'c1', 1n);
  const s = await queryHttpStats(stats, parseHttpStatsRequest(new URLSearchParams({ range: '1h' }), END));
  expect(s.rateSpanMs).toBeGreaterThanOrEqual(13 * 60_000);
  expect(s.rateSpanMs).toBeLessThanOrEqual(15 * 60_000);
  expect(s.totals.requestsPerSec).toBeCloseTo((s.totals.hits * 1000) / s.rateSpanMs, 10);
  expect(s.totals.requestsPerSec).toBeGreaterThan(1.9);
  expect(s.totals.requestsPerSec).toBeLessThanOrEqual(2);
});

test('top keys list "(other)" last although it sums the most hits', async () => {
  const stats = new HttpStatsStore(store, 'hs_buckets_other');
  await stats.createSchema();
  const [row] = steadyRows(10_000).slice(-1);
  const withOther = { ...row, hits: 130, paths: [{ key: '(other)', hits: 100 }, { key: '/a', hits: 20 }, { key: '/b', hits: 10 }] };
  await stats.insertStats([withOther], 'c1', 1n);
  await stats.insertKeys([withOther], 'c1', 1n);
  const paths = await stats.queryTopKeys('path', { fromMs: row.timeStartMs - 60_000, toMs: END, limit: 10 });
  expect(paths).toEqual([{ key: '/a', hits: 20 }, { key: '/b', hits: 10 }, { key: '(other)', hits: 100 }]);
});
