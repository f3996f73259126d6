/**
 * The httpstats aggregator: exact counts against an independent count of a
 * generated log, interval and key handling, bounded memory with exact totals,
 * and partial aggregates that add up (several aggregators, late records).
 */
import { newAccessLogFields, scanAccessLog } from '../../collector/receivers/filelog/parsers';
import {
  HttpStatsAggregator,
  MAX_HELD_NAME_CHARS,
  MAX_NAME_LENGTH,
  newHttpSample,
  OTHER_KEY,
  RowTotals,
  sectionOf,
  sumRows,
  type HttpSample,
  type IntervalStatsRow,
} from '../../processors/httpstats/aggregator';
import { runtimeGc } from '../../processors/memory_limiter/runtime-gc';
import { asRecord, generateAccessLog, independentCount } from './httpstats-fixtures';

const START = Date.UTC(2024, 0, 15, 12, 0, 0);

function aggregateLines(lines: readonly string[], aggregators: HttpStatsAggregator[], pickAggregator = (_i: number) => 0): IntervalStatsRow[] {
  const f = newAccessLogFields();
  const s = newHttpSample();
  lines.forEach((line, i) => {
    const error = scanAccessLog(line, f);
    if (error) throw new Error(`scanner refused a generated line (${error}): ${line}`);
    s.timeMs = f.timeMs;
    s.path = f.path;
    s.status = f.status;
    s.bytes = f.bytes;
    s.userAgent = f.userAgent;
    aggregators[pickAggregator(i)].add(s);
  });
  return aggregators.flatMap((a) => a.closeAll());
}

function sample(over: Partial<HttpSample>): HttpSample {
  return { ...newHttpSample(), ...over };
}

describe('sectionOf', () => {
  it('is the first path segment', () => {
    expect(sectionOf('/api/user/1')).toBe('/api');
    expect(sectionOf('/pages/create')).toBe('/pages');
    expect(sectionOf('/api')).toBe('/api');
    expect(sectionOf('/')).toBe('/');
    expect(sectionOf('')).toBe('(none)');
    expect(sectionOf('*')).toBe('*');
  });
});

describe('HttpStatsAggregator', () => {
  it('counts a generated log exactly as an independent split of each line does', () => {
    const log = generateAccessLog(20_000, START, 150, 7);
    const expected = independentCount(log.lines);
    const rows = aggregateLines(log.lines, [new HttpStatsAggregator({ intervalMs: 10_000, topPaths: 1000, topSections: 1000 })]);
    const total = sumRows(rows);
    expect(total.hits).toBe(expected.hits);
    expect(total.bytes).toBe(expected.bytes);
    expect(asRecord(total.statusCodes)).toEqual(expected.status);
    expect(asRecord(total.sections)).toEqual(expected.sections);
    expect(asRecord(total.paths)).toEqual(expected.paths);
    // Per interval, by the line's own time (zone offsets applied).
    expect(new Map(rows.map((r) => [r.timeStartMs, r.hits]))).toEqual(expected.perInterval);
    const classes = total.statusClasses;
    const byClass = (c: string) => Object.entries(expected.status).filter(([k]) => k[0] === c).reduce((n, [, v]) => n + v, 0);
    expect(classes).toEqual({ '1xx': 0, '2xx': byClass('2'), '3xx': byClass('3'), '4xx': byClass('4'), '5xx': byClass('5'), other: 0 });
    // Every request has one browser and one OS (Unknown when the agent is '-').
    expect(total.browsers.reduce((n, k) => n + k.hits, 0)).toBe(expected.hits);
    expect(total.os.reduce((n, k) => n + k.hits, 0)).toBe(expected.hits);
  });

  it('aggregates per interval, service and host, and closes only intervals that ended', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000 });
    agg.add(sample({ timeMs: START + 1_000, service: 'a', host: 'h1', path: '/x', status: 200, bytes: 10 }));
    agg.add(sample({ timeMs: START + 2_000, service: 'a', host: 'h2', path: '/x', status: 500, bytes: 5 }));
    agg.add(sample({ timeMs: START + 3_000, service: 'b', host: 'h1', path: '/y', status: 404 }));
    agg.add(sample({ timeMs: START + 9_999, service: 'a', host: 'h1', path: '/x/1', status: 201, bytes: 1 }));
    agg.add(sample({ timeMs: START + 10_000, service: 'a', host: 'h1', path: '/z', status: 200 }));
    expect(agg.openCount).toBe(4);
    expect(agg.closeUntil(START + 9_999)).toEqual([]);
    const first = agg.closeUntil(START + 10_000);
    expect(first.map((r) => [r.service, r.host, r.hits, r.bytes])).toEqual([
      ['a', 'h1', 2, 11],
      ['a', 'h2', 1, 5],
      ['b', 'h1', 1, 0],
    ]);
    expect(first[0].sections).toEqual([{ key: '/x', hits: 2 }]);
    expect(first[1].statusClasses['5xx']).toBe(1);
    expect(agg.openCount).toBe(1);
    expect(agg.earliestOpenStartMs()).toBe(START + 10_000);
    expect(agg.closeAll().map((r) => [r.timeStartMs, r.hits])).toEqual([[START + 10_000, 1]]);
  });

  it('keeps the top paths and sums the rest as (other), so totals stay exact', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, topPaths: 3, topSections: 2 });
    const paths = ['/a/1', '/a/1', '/a/1', '/a/1', '/b/2', '/b/2', '/b/2', '/c/3', '/c/3', '/d/4', '/e/5'];
    for (const p of paths) agg.add(sample({ timeMs: START, path: p, status: 200 }));
    const [row] = agg.closeAll();
    expect(row.paths).toEqual([
      { key: '/a/1', hits: 4 },
      { key: '/b/2', hits: 3 },
      { key: '/c/3', hits: 2 },
      { key: OTHER_KEY, hits: 2 },
    ]);
    expect(row.sections).toEqual([
      { key: '/a', hits: 4 },
      { key: '/b', hits: 3 },
      { key: OTHER_KEY, hits: 4 },
    ]);
  });

  it('bounds distinct paths per interval; new paths beyond the bound count as (other) with their sections kept', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, topPaths: 100, topSections: 100, maxDistinctPaths: 20 });
    for (let i = 0; i < 500; i++) agg.add(sample({ timeMs: START, path: `/scan/${i}`, status: 404 }));
    for (let i = 0; i < 5; i++) agg.add(sample({ timeMs: START, path: `/scan/${i}`, status: 404 }));
    agg.add(sample({ timeMs: START, path: '/api/late', status: 200 }));
    const [row] = agg.closeAll();
    expect(row.hits).toBe(506);
    expect(row.paths.filter((k) => k.key !== OTHER_KEY)).toHaveLength(20);
    expect(row.paths.reduce((n, k) => n + k.hits, 0)).toBe(506);
    expect(row.paths.find((k) => k.key === OTHER_KEY)!.hits).toBe(481);
    expect(asRecord(row.sections)).toEqual({ '/scan': 505, '/api': 1 });
  });

  it('records latency in a mergeable histogram, only for requests that carry a duration', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000 });
    for (let i = 1; i <= 100; i++) agg.add(sample({ timeMs: START, path: '/t', status: 200, durationMs: i }));
    agg.add(sample({ timeMs: START, path: '/t', status: 200 }));
    const [row] = agg.closeAll();
    expect(row.hits).toBe(101);
    expect(row.latency.count).toBe(100);
    expect(row.latency.sumMs).toBe(5050);
    expect(row.latency.maxMs).toBe(100);
    expect(row.latency.counts.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('partial aggregates of several aggregators add up to a single aggregator\'s rows', () => {
    const log = generateAccessLog(5000, START, 300, 11);
    const opts = { intervalMs: 10_000, topPaths: 1000, topSections: 1000 };
    const single = aggregateLines(log.lines, [new HttpStatsAggregator(opts)]);
    const parts = aggregateLines(log.lines, [new HttpStatsAggregator(opts), new HttpStatsAggregator(opts), new HttpStatsAggregator(opts)], (i) => (i * 7) % 3);
    const byInterval = (rows: IntervalStatsRow[]) => {
      const m = new Map<number, IntervalStatsRow[]>();
      for (const r of rows) m.set(r.timeStartMs, [...(m.get(r.timeStartMs) ?? []), r]);
      return new Map([...m].map(([t, rs]) => [t, sumRows(rs)]));
    };
    expect(byInterval(parts)).toEqual(byInterval(single));
  });

  it('a request arriving after its interval was closed makes a further partial row', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000 });
    agg.add(sample({ timeMs: START + 1000, path: '/a', status: 200 }));
    const first = agg.closeUntil(START + 20_000);
    agg.add(sample({ timeMs: START + 2000, path: '/a', status: 200 }));
    const second = agg.closeUntil(START + 20_000);
    expect(first.map((r) => [r.timeStartMs, r.hits])).toEqual([[START, 1]]);
    expect(second.map((r) => [r.timeStartMs, r.hits])).toEqual([[START, 1]]);
    expect(sumRows([...first, ...second]).hits).toBe(2);
  });

  it('holds bounded state whatever services, hosts, paths and times clients send (max_open_rows, name lengths, held names)', () => {
    // Before: every (interval, service, host) was an accumulator, found by a linear search,
    // and every distinct path was kept whole (5,000 paths of 60 KB held 295 MB).
    const gc = runtimeGc()!;
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, maxOpenRows: 100 });
    // Records' times reach ahead: 60 intervals x 5 hosts = 300 rows wanted, 100 open at most.
    let counted = 0;
    for (let i = 0; i < 300; i++) if (agg.add(sample({ timeMs: START + Math.floor(i / 5) * 10_000, service: 'web', host: `h${i % 5}`, path: '/', status: 200 }))) counted++;
    expect([counted, agg.openCount, agg.refusedRequests]).toEqual([100, 100, 200]);
    // Requests of an open row are still counted when the others are refused.
    expect(agg.add(sample({ timeMs: START, service: 'web', host: 'h0', path: '/', status: 200 }))).toBe(true);
    // Long distinct paths (each cut from its own 64 KB line, as a parsed access-log path is) are kept as 512 characters.
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 400; i++) {
      const line = `GET /${String(i).padStart(6, '0')}/${'p'.repeat(65_536)} HTTP/1.1`;
      agg.add(sample({ timeMs: START, service: 'web', host: 'h0', path: line.slice(4, line.length - 9), status: 200 }));
    }
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(4 * 2 ** 20);
    expect(agg.truncatedNames).toBe(400);
    const rows = agg.closeAll();
    const first = rows.find((r) => r.timeStartMs === START && r.host === 'h0')!;
    expect(first.hits).toBe(402);
    const longest = Math.max(...first.paths.map((p) => p.key.length));
    expect(longest).toBe(MAX_NAME_LENGTH);
    expect(first.paths.find((p) => p.key.startsWith('/000007/'))?.key.endsWith('\u2026')).toBe(true);
  });

  it('counts new names under (other) once the open intervals hold MAX_HELD_NAME_CHARS of them', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, maxOpenRows: 10_000, topPaths: 10, topSections: 10 });
    const long = 'q'.repeat(MAX_NAME_LENGTH - 20);
    const fill = Math.ceil(MAX_HELD_NAME_CHARS / long.length);
    // Distinct paths over many rows (each under max_distinct_paths) until the held names are full.
    for (let i = 0; i < fill; i++) agg.add(sample({ timeMs: START, service: 'web', host: `h${i % 9000}`, path: `/${i}/${long}`, status: 200 }));
    agg.add(sample({ timeMs: START, service: 'web', host: 'h1', path: '/new-after-full', status: 200 }));
    const rows = agg.closeAll();
    const h1 = rows.find((r) => r.host === 'h1')!;
    expect(h1.paths.some((p) => p.key === '/new-after-full')).toBe(false);
    expect(h1.paths.find((p) => p.key === OTHER_KEY)?.hits).toBeGreaterThan(0);
    expect(sumRows(rows).hits).toBe(fill + 1);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new HttpStatsAggregator({ intervalMs: 0 })).toThrow(/positive/);
  });
});

describe('RowTotals with a key bound (a run of distinct paths: a scanner)', () => {
  it('holds at most about 2 x maxKeys paths and sections, the rarest under (other), hits adding up and the frequent ones exact', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, topPaths: 50, topSections: 50 });
    // 1,000 intervals, each with 50 requests to paths never seen again (each its own section) and 5 to /hot.
    for (let i = 0; i < 1000; i++) {
      for (let j = 0; j < 50; j++) agg.add(sample({ timeMs: START + i * 10_000, path: `/scan${i}-${j}/x`, status: 404 }));
      for (let j = 0; j < 5; j++) agg.add(sample({ timeMs: START + i * 10_000 + 1, path: '/hot', status: 200 }));
    }
    const totals = new RowTotals(100);
    for (const r of agg.closeAll()) totals.add(r);
    const row = totals.toRow();
    expect(row.hits).toBe(55_000);
    expect(row.paths.length).toBeLessThanOrEqual(201);
    expect(row.sections.length).toBeLessThanOrEqual(201);
    expect(row.paths.reduce((n, k) => n + k.hits, 0)).toBe(55_000);
    expect(row.sections.reduce((n, k) => n + k.hits, 0)).toBe(55_000);
    expect(row.paths.find((k) => k.key === '/hot')?.hits).toBe(5000);
    expect(row.paths.find((k) => k.key === OTHER_KEY)!.hits).toBeGreaterThan(0);
  });

  it('lists (other) last although it sums the most hits (it is a remainder, not a path)', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000, topPaths: 2, topSections: 2 });
    for (let j = 0; j < 30; j++) agg.add(sample({ timeMs: START, path: `/rare/${j}`, status: 200 }));
    for (let j = 0; j < 5; j++) agg.add(sample({ timeMs: START + 1, path: '/hot', status: 200 }));
    for (let j = 0; j < 3; j++) agg.add(sample({ timeMs: START + 2, path: '/warm', status: 200 }));
    const rows = agg.closeAll();
    expect(rows[0].paths.map((k) => k.key)).toEqual(['/hot', '/warm', OTHER_KEY]);
    const totals = new RowTotals();
    for (const r of rows) totals.add(r);
    expect(totals.toRow().paths.map((k) => k.key)).toEqual(['/hot', '/warm', OTHER_KEY]);
  });
});
