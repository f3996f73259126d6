/**
 * Per-interval HTTP statistics: the hot path of the httpstats processor.
 *
 * Requests (one reusable `HttpSample` each) are added to the accumulator of
 * their interval (time floored to the interval, by the request's own time) and
 * their (service, host). `closeUntil(watermark)` hands out every interval that
 * ends at or before the watermark as a plain `IntervalStatsRow` — a *partial*
 * aggregate: rows of the same interval and key from several aggregators (several
 * collectors, or late records after the interval was closed) add up, because
 * every figure in a row is a sum, a max, or a count per key (see quantiles.ts for
 * latency).
 *
 * Bounded memory: per interval and key at most `maxDistinctPaths` distinct paths
 * (and as many sections) are counted by name; further new names count under
 * OTHER_KEY. Rows keep the top `topPaths` paths / `topSections` sections, the
 * rest summed under OTHER_KEY, so hits always add up to the interval's total.
 */
import { LatencySketch } from './quantiles';
import { BROWSERS, OPERATING_SYSTEMS, UserAgentClassifier } from './user-agent';

/** Name under which truncated or overflowing keys are counted. */
export const OTHER_KEY = '(other)';
/** Section/path of a request that has none (e.g. a `"-"` request line). */
export const NONE_KEY = '(none)';

/** One request, as the aggregator reads it. Reused between calls by the caller. */
export interface HttpSample {
  /** Request time, epoch milliseconds. */
  timeMs: number;
  service: string;
  host: string;
  /** URL path without the query ('' when unknown). */
  path: string;
  /** HTTP status code; 0 when unknown. */
  status: number;
  /** Response body bytes. */
  bytes: number;
  /** Server-side duration in milliseconds; NaN when unknown. */
  durationMs: number;
  /** '' when unknown. */
  userAgent: string;
}

export function newHttpSample(): HttpSample {
  return { timeMs: 0, service: '', host: '', path: '', status: 0, bytes: 0, durationMs: NaN, userAgent: '' };
}

export interface KeyCount {
  key: string;
  hits: number;
}

export interface StatusClasses {
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  /** Unknown or out-of-range status codes. */
  other: number;
}

export interface LatencyHistogram {
  /** Requests that carried a duration. */
  count: number;
  sumMs: number;
  maxMs: number;
  /** Bucket indices (quantiles.ts), ascending, parallel to counts. */
  buckets: number[];
  counts: number[];
}

/** A partial aggregate of one interval of one (service, host). */
export interface IntervalStatsRow {
  timeStartMs: number;
  intervalMs: number;
  service: string;
  host: string;
  hits: number;
  bytes: number;
  statusClasses: StatusClasses;
  /** Hits per status code (key = the code as text), most hits first. */
  statusCodes: KeyCount[];
  /** Hits per section (`/api` of `/api/user/1`), most first; may end with OTHER_KEY. */
  sections: KeyCount[];
  /** Hits per path, most first, the top N then OTHER_KEY. */
  paths: KeyCount[];
  /** Hits per browser family (user-agent.ts), most first. */
  browsers: KeyCount[];
  /** Hits per operating system family, most first. */
  os: KeyCount[];
  latency: LatencyHistogram;
}

export interface AggregatorOptions {
  intervalMs: number;
  /** Paths kept by name in a row (default 50). */
  topPaths?: number;
  /** Sections kept by name in a row (default 50). */
  topSections?: number;
  /** Distinct paths (and sections) counted by name per interval and key (default 10,000). */
  maxDistinctPaths?: number;
}

/** `/api` of `/api/user/1`; the whole path when it has one segment; NONE_KEY for ''. */
export function sectionOf(path: string): string {
  if (path.length === 0) return NONE_KEY;
  if (path.charCodeAt(0) !== 47 /* / */) return path;
  const slash = path.indexOf('/', 1);
  return slash < 0 ? path : path.substring(0, slash);
}

class IntervalAccumulator {
  hits = 0;
  bytes = 0;
  /** other, 1xx .. 5xx */
  readonly statusClasses = new Float64Array(6);
  readonly statusCodes = new Map<number, number>();
  readonly sections = new Map<string, number>();
  sectionsOverflow = 0;
  readonly paths = new Map<string, number>();
  pathsOverflow = 0;
  readonly browsers = new Float64Array(BROWSERS.length);
  readonly os = new Float64Array(OPERATING_SYSTEMS.length);
  readonly latency = new LatencySketch();
  constructor(readonly timeStartMs: number, readonly service: string, readonly host: string) {}
}

function topKeys(counts: Map<string, number>, overflow: number, top: number): KeyCount[] {
  const all: KeyCount[] = [];
  for (const [key, hits] of counts) all.push({ key, hits });
  all.sort(byHitsThenKey);
  let other = overflow;
  if (all.length > top) {
    for (let i = top; i < all.length; i++) other += all[i].hits;
    all.length = top;
  }
  if (other > 0) {
    // A real path named like OTHER_KEY is folded into it rather than listed twice.
    const existing = all.find((k) => k.key === OTHER_KEY);
    if (existing) existing.hits += other;
    else all.push({ key: OTHER_KEY, hits: other });
  }
  return all;
}

export function byHitsThenKey(a: KeyCount, b: KeyCount): number {
  return b.hits - a.hits || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function namedCounts(names: readonly string[], counts: Float64Array): KeyCount[] {
  const out: KeyCount[] = [];
  for (let i = 0; i < names.length; i++) if (counts[i] > 0) out.push({ key: names[i], hits: counts[i] });
  return out.sort(byHitsThenKey);
}

function toRow(a: IntervalAccumulator, intervalMs: number, topPaths: number, topSections: number): IntervalStatsRow {
  const sc = a.statusClasses;
  const codes: KeyCount[] = [];
  for (const [code, hits] of a.statusCodes) codes.push({ key: String(code), hits });
  const { buckets, counts } = a.latency.toBuckets();
  return {
    timeStartMs: a.timeStartMs,
    intervalMs,
    service: a.service,
    host: a.host,
    hits: a.hits,
    bytes: a.bytes,
    statusClasses: { '1xx': sc[1], '2xx': sc[2], '3xx': sc[3], '4xx': sc[4], '5xx': sc[5], other: sc[0] },
    statusCodes: codes.sort(byHitsThenKey),
    sections: topKeys(a.sections, a.sectionsOverflow, topSections),
    paths: topKeys(a.paths, a.pathsOverflow, topPaths),
    browsers: namedCounts(BROWSERS, a.browsers),
    os: namedCounts(OPERATING_SYSTEMS, a.os),
    latency: { count: a.latency.count, sumMs: a.latency.sumMs, maxMs: a.latency.maxMs, buckets, counts },
  };
}

export class HttpStatsAggregator {
  readonly intervalMs: number;
  private readonly topPaths: number;
  private readonly topSections: number;
  private readonly maxDistinct: number;
  private readonly userAgents = new UserAgentClassifier();
  private readonly open = new Map<string, IntervalAccumulator>();
  // One-entry cache: consecutive requests mostly share interval and key.
  private lastStart = NaN;
  private lastService = '';
  private lastHost = '';
  private last: IntervalAccumulator | undefined;

  constructor(options: AggregatorOptions) {
    if (!(options.intervalMs > 0)) throw new Error('intervalMs must be positive');
    this.intervalMs = options.intervalMs;
    this.topPaths = options.topPaths ?? 50;
    this.topSections = options.topSections ?? 50;
    this.maxDistinct = options.maxDistinctPaths ?? 10_000;
  }

  /** Number of (interval, key) accumulators not yet closed. */
  get openCount(): number {
    return this.open.size;
  }

  /** Start of the earliest open interval, NaN when none is open. */
  earliestOpenStartMs(): number {
    let min = NaN;
    for (const a of this.open.values()) if (!(a.timeStartMs >= min)) min = a.timeStartMs;
    return min;
  }

  add(s: HttpSample): void {
    const start = s.timeMs - (((s.timeMs % this.intervalMs) + this.intervalMs) % this.intervalMs);
    let a = this.last;
    if (a === undefined || start !== this.lastStart || s.service !== this.lastService || s.host !== this.lastHost) {
      const key = `${start}\u0001${s.service}\u0001${s.host}`;
      a = this.open.get(key);
      if (a === undefined) {
        a = new IntervalAccumulator(start, s.service, s.host);
        this.open.set(key, a);
      }
      this.last = a;
      this.lastStart = start;
      this.lastService = s.service;
      this.lastHost = s.host;
    }
    a.hits++;
    a.bytes += s.bytes;
    const status = s.status;
    a.statusClasses[status >= 100 && status < 600 ? (status / 100) | 0 : 0]++;
    a.statusCodes.set(status, (a.statusCodes.get(status) ?? 0) + 1);

    const path = s.path.length === 0 ? NONE_KEY : s.path;
    const section = sectionOf(path);
    const sectionHits = a.sections.get(section);
    if (sectionHits !== undefined) a.sections.set(section, sectionHits + 1);
    else if (a.sections.size < this.maxDistinct) a.sections.set(section, 1);
    else a.sectionsOverflow++;
    const pathHits = a.paths.get(path);
    if (pathHits !== undefined) a.paths.set(path, pathHits + 1);
    else if (a.paths.size < this.maxDistinct) a.paths.set(path, 1);
    else a.pathsOverflow++;

    const ua = this.userAgents.classify(s.userAgent);
    a.browsers[ua.browser]++;
    a.os[ua.os]++;
    if (s.durationMs === s.durationMs) a.latency.add(s.durationMs);
  }

  /** Closes and returns every interval ending at or before `watermarkMs`, ordered by time, then service, then host. */
  closeUntil(watermarkMs: number): IntervalStatsRow[] {
    const rows: IntervalStatsRow[] = [];
    for (const [key, a] of this.open) {
      if (a.timeStartMs + this.intervalMs > watermarkMs) continue;
      this.open.delete(key);
      rows.push(toRow(a, this.intervalMs, this.topPaths, this.topSections));
    }
    if (rows.length) this.last = undefined;
    return rows.sort(byTimeThenKey);
  }

  /** Closes every open interval. */
  closeAll(): IntervalStatsRow[] {
    return this.closeUntil(Infinity);
  }
}

function byTimeThenKey(a: IntervalStatsRow, b: IntervalStatsRow): number {
  return a.timeStartMs - b.timeStartMs || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0);
}

function addKeyCounts(into: Map<string, number>, list: KeyCount[]): void {
  for (const k of list) into.set(k.key, (into.get(k.key) ?? 0) + k.hits);
}

function sortedCounts(m: Map<string, number>): KeyCount[] {
  return [...m].map(([key, hits]) => ({ key, hits })).sort(byHitsThenKey);
}

/**
 * Sums rows into one (every list merged by key, nothing truncated): the figures
 * of several intervals, keys or collectors together. The result's time is the
 * earliest row's start and its interval spans to the end of the latest row;
 * service/host are kept when all rows agree, else '*'.
 */
export function sumRows(rows: readonly IntervalStatsRow[]): IntervalStatsRow {
  const codes = new Map<string, number>();
  const sections = new Map<string, number>();
  const paths = new Map<string, number>();
  const browsers = new Map<string, number>();
  const os = new Map<string, number>();
  const latency = new LatencySketch();
  const sc: StatusClasses = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 };
  let hits = 0;
  let bytes = 0;
  let start = Infinity;
  let end = -Infinity;
  let service: string | undefined;
  let host: string | undefined;
  for (const r of rows) {
    hits += r.hits;
    bytes += r.bytes;
    for (const k of Object.keys(sc) as (keyof StatusClasses)[]) sc[k] += r.statusClasses[k];
    addKeyCounts(codes, r.statusCodes);
    addKeyCounts(sections, r.sections);
    addKeyCounts(paths, r.paths);
    addKeyCounts(browsers, r.browsers);
    addKeyCounts(os, r.os);
    latency.addBuckets(r.latency.buckets, r.latency.counts, r.latency.sumMs, r.latency.maxMs);
    start = Math.min(start, r.timeStartMs);
    end = Math.max(end, r.timeStartMs + r.intervalMs);
    service = service === undefined || service === r.service ? r.service : '*';
    host = host === undefined || host === r.host ? r.host : '*';
  }
  const b = latency.toBuckets();
  return {
    timeStartMs: rows.length ? start : 0,
    intervalMs: rows.length ? end - start : 0,
    service: service ?? '',
    host: host ?? '',
    hits,
    bytes,
    statusClasses: sc,
    statusCodes: sortedCounts(codes),
    sections: sortedCounts(sections),
    paths: sortedCounts(paths),
    browsers: sortedCounts(browsers),
    os: sortedCounts(os),
    latency: { count: latency.count, sumMs: latency.sumMs, maxMs: latency.maxMs, buckets: b.buckets, counts: b.counts },
  };
}
