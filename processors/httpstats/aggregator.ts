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
 * Over all open intervals (a client chooses the records' times up to a day ahead,
 * and their services and hosts): at most `maxOpenRows` (interval, service, host)
 * accumulators (a request that needs one more is not counted: add() says so), and
 * MAX_HELD_NAME_CHARS characters of path and section names (beyond, new names count
 * under OTHER_KEY); a service, host, path or section name is kept to MAX_NAME_LENGTH
 * characters, copied (keptName). Before, 5,000 requests with distinct 60 KB paths in
 * one interval held 295 MB, and distinct hosts made each request an accumulator
 * found by a linear search (6 times slower at 20,000 hosts an interval).
 */
import { ownCopy } from '../../collector/pipeline/own-string';
import { DistinctCounter, TOTALS_EXACT_LIMIT } from './distinct';
import { LatencySketch } from './quantiles';
import { BROWSERS, OPERATING_SYSTEMS, UserAgentClassifier } from './user-agent';

/** Name under which truncated or overflowing keys are counted. */
export const OTHER_KEY = '(other)';
/** Section/path of a request that has none (e.g. a `"-"` request line). */
export const NONE_KEY = '(none)';
/** Longest service, host, path or section name kept; a longer one is kept as its first MAX_NAME_LENGTH - 1 characters and '…'. */
export const MAX_NAME_LENGTH = 512;
/** Characters of path and section names all open intervals hold at most (about 16 to 32 MB). */
export const MAX_HELD_NAME_CHARS = 16 * 1024 * 1024;
/** (interval, service, host) accumulators open at most, by default (about 1.5 KB each before its names). */
export const DEFAULT_MAX_OPEN_ROWS = 20_000;

/** A name as the aggregator keeps it: at most MAX_NAME_LENGTH characters, holding nothing else alive. */
export function keptName(name: string): string {
  return name.length <= MAX_NAME_LENGTH ? ownCopy(name) : ownCopy(name.slice(0, MAX_NAME_LENGTH - 1) + '\u2026');
}

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
  /** Client address (distinct clients: "unique visitors"); '' when unknown. */
  client: string;
}

export function newHttpSample(): HttpSample {
  return { timeMs: 0, service: '', host: '', path: '', status: 0, bytes: 0, durationMs: NaN, userAgent: '', client: '' };
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
  /**
   * Distinct client addresses of the interval, mergeable with other rows' (counted in process:
   * the console and `logfun httpstats`; not stored in ClickHouse). Absent when no request had one.
   */
  clients?: DistinctCounter;
}

export interface AggregatorOptions {
  intervalMs: number;
  /** Paths kept by name in a row (default 50). */
  topPaths?: number;
  /** Sections kept by name in a row (default 50). */
  topSections?: number;
  /** Distinct paths (and sections) counted by name per interval and key (default 10,000). */
  maxDistinctPaths?: number;
  /** (interval, service, host) accumulators open at once (default DEFAULT_MAX_OPEN_ROWS). */
  maxOpenRows?: number;
}

/** `/api` of `/api/user/1`; the whole path when it has one segment; NONE_KEY for ''. */
export function sectionOf(path: string): string {
  if (path.length === 0) return NONE_KEY;
  if (path.charCodeAt(0) !== 47 /* / */) return path;
  const slash = path.indexOf('/', 1);
  return slash < 0 ? path : path.substring(0, slash);
}

/**
 * Counts per string key: a short list scanned linearly while small (most
 * intervals of a quiet site hold one or two keys, and a list is far cheaper to
 * create than a Map), a Map of boxed counts once it grows.
 */
class KeyCounter {
  private keys: string[] | undefined;
  private counts: number[] | undefined;
  private map: Map<string, { n: number }> | undefined;
  size = 0;

  /** Adds one hit to `key`; false (nothing counted) when the key is new and `limit` keys are already counted. A new key is kept as a copy (ownCopy). */
  inc(key: string, limit: number): boolean {
    const map = this.map;
    if (map !== undefined) {
      const box = map.get(key);
      if (box !== undefined) {
        box.n++;
        return true;
      }
      if (this.size >= limit) return false;
      map.set(ownCopy(key), { n: 1 });
      this.size++;
      return true;
    }
    const keys = this.keys;
    if (keys === undefined) {
      if (limit < 1) return false;
      this.keys = [ownCopy(key)];
      this.counts = [1];
      this.size = 1;
      return true;
    }
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) {
        this.counts![i]++;
        return true;
      }
    }
    if (this.size >= limit) return false;
    if (keys.length < 8) {
      keys.push(ownCopy(key));
      this.counts!.push(1);
      this.size++;
      return true;
    }
    const m = new Map<string, { n: number }>();
    for (let i = 0; i < keys.length; i++) m.set(keys[i], { n: this.counts![i] });
    m.set(ownCopy(key), { n: 1 });
    this.map = m;
    this.keys = undefined;
    this.counts = undefined;
    this.size++;
    return true;
  }

  forEach(fn: (key: string, hits: number) => void): void {
    if (this.map) for (const [k, box] of this.map) fn(k, box.n);
    else if (this.keys) for (let i = 0; i < this.keys.length; i++) fn(this.keys[i], this.counts![i]);
  }
}

class IntervalAccumulator {
  hits = 0;
  bytes = 0;
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  s4 = 0;
  s5 = 0;
  /** Status codes and their hits (few per interval: a list). */
  readonly codes: number[] = [];
  readonly codeHits: number[] = [];
  /** Paths by name; sections are derived from them when the interval closes. */
  readonly paths = new KeyCounter();
  /** Sections of requests whose path was not counted by name (the path list was full). */
  overflowSections: KeyCounter | undefined;
  pathsOverflow = 0;
  sectionsOverflow = 0;
  /** Characters of the path and section names this accumulator holds (its share of MAX_HELD_NAME_CHARS). */
  nameChars = 0;
  /** (browser, os) pairs as browser * OPERATING_SYSTEMS.length + os, with hits. */
  readonly agents: number[] = [];
  readonly agentHits: number[] = [];
  latency: LatencySketch | undefined;
  clients: DistinctCounter | undefined;
  constructor(readonly timeStartMs: number, readonly service: string, readonly host: string) {}
}

/** Adds hits to `key` in a short list (linear search: the lists built when closing an interval are small). */
function addTo(list: KeyCount[], key: string, hits: number): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i].key === key) {
      list[i].hits += hits;
      return;
    }
  }
  list.push({ key, hits });
}

function sortByHits(list: KeyCount[]): KeyCount[] {
  if (list.length === 2) {
    // The common case of a quiet interval: no call into the generic sort.
    if (byHitsThenKey(list[0], list[1]) > 0) {
      const first = list[0];
      list[0] = list[1];
      list[1] = first;
    }
    return list;
  }
  return list.length > 2 ? list.sort(byHitsThenKey) : list;
}

/** Status codes as text, made once. */
const STATUS_TEXT: string[] = [];
function statusText(code: number): string {
  if (code >= 0 && code < 1000 && Number.isInteger(code)) return (STATUS_TEXT[code] ??= String(code));
  return String(code);
}

function topKeys(all: KeyCount[], overflow: number, top: number): KeyCount[] {
  sortByHits(all);
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

/** Most hits first, ties by key; OTHER_KEY (a remainder, not a key) always last however many hits it sums. */
export function byHitsThenKey(a: KeyCount, b: KeyCount): number {
  const ao = a.key === OTHER_KEY;
  if (ao !== (b.key === OTHER_KEY)) return ao ? 1 : -1;
  return b.hits - a.hits || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function toRow(a: IntervalAccumulator, intervalMs: number, topPaths: number, topSections: number): IntervalStatsRow {
  const codes: KeyCount[] = [];
  for (let i = 0; i < a.codes.length; i++) codes.push({ key: statusText(a.codes[i]), hits: a.codeHits[i] });
  const paths: KeyCount[] = [];
  let sections: KeyCount[];
  if (a.paths.size <= 16) {
    sections = [];
    a.paths.forEach((key, hits) => {
      paths.push({ key, hits });
      addTo(sections, sectionOf(key), hits);
    });
    a.overflowSections?.forEach((key, hits) => addTo(sections, key, hits));
  } else {
    const bySection = new Map<string, number>();
    a.paths.forEach((key, hits) => {
      paths.push({ key, hits });
      const section = sectionOf(key);
      bySection.set(section, (bySection.get(section) ?? 0) + hits);
    });
    a.overflowSections?.forEach((key, hits) => bySection.set(key, (bySection.get(key) ?? 0) + hits));
    sections = [];
    for (const [key, hits] of bySection) sections.push({ key, hits });
  }
  const browsers: KeyCount[] = [];
  const os: KeyCount[] = [];
  const nOs = OPERATING_SYSTEMS.length;
  for (let i = 0; i < a.agents.length; i++) {
    addTo(browsers, BROWSERS[(a.agents[i] / nOs) | 0], a.agentHits[i]);
    addTo(os, OPERATING_SYSTEMS[a.agents[i] % nOs], a.agentHits[i]);
  }
  const latency = a.latency;
  const { buckets, counts } = latency ? latency.toBuckets() : { buckets: [] as number[], counts: [] as number[] };
  return {
    timeStartMs: a.timeStartMs,
    intervalMs,
    service: a.service,
    host: a.host,
    hits: a.hits,
    bytes: a.bytes,
    statusClasses: { '1xx': a.s1, '2xx': a.s2, '3xx': a.s3, '4xx': a.s4, '5xx': a.s5, other: a.s0 },
    statusCodes: sortByHits(codes),
    sections: topKeys(sections, a.sectionsOverflow, topSections),
    paths: topKeys(paths, a.pathsOverflow, topPaths),
    browsers: sortByHits(browsers),
    os: sortByHits(os),
    latency: latency
      ? { count: latency.count, sumMs: latency.sumMs, maxMs: latency.maxMs, buckets, counts }
      : { count: 0, sumMs: 0, maxMs: 0, buckets, counts },
    // Always present (undefined when no request had a client): every row has the same shape, and
    // no object spread per row (a sparse log closes about a row per request).
    clients: a.clients,
  };
}

export class HttpStatsAggregator {
  readonly intervalMs: number;
  private readonly topPaths: number;
  private readonly topSections: number;
  private readonly maxDistinct: number;
  private readonly maxOpenRows: number;
  private readonly userAgents = new UserAgentClassifier();
  /** Open accumulators by interval start, then by rowKey(service, host). */
  private readonly open = new Map<number, Map<string, IntervalAccumulator>>();
  private openSize = 0;
  /** Characters of path and section names the open accumulators hold (at most MAX_HELD_NAME_CHARS). */
  private heldNameChars = 0;
  /** Requests not counted: their (interval, service, host) would have been an accumulator past maxOpenRows. */
  refusedRequests = 0;
  /** Names longer than MAX_NAME_LENGTH that were counted under their first characters. */
  truncatedNames = 0;
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
    this.maxOpenRows = options.maxOpenRows ?? DEFAULT_MAX_OPEN_ROWS;
  }

  /** Number of (interval, key) accumulators not yet closed. */
  get openCount(): number {
    return this.openSize;
  }

  /** Start of the earliest open interval, NaN when none is open. */
  earliestOpenStartMs(): number {
    let min = NaN;
    for (const start of this.open.keys()) if (!(start >= min)) min = start;
    return min;
  }

  /** The accumulator of (start, service, host); undefined when it would be one more than maxOpenRows. */
  private accumulatorFor(start: number, service: string, host: string): IntervalAccumulator | undefined {
    const svc = this.shortName(service);
    const h = this.shortName(host);
    const key = rowKey(svc, h);
    let byKey = this.open.get(start);
    const found = byKey?.get(key);
    if (found !== undefined) return found;
    if (this.openSize >= this.maxOpenRows) return undefined;
    if (byKey === undefined) {
      byKey = new Map();
      this.open.set(start, byKey);
    }
    const a = new IntervalAccumulator(start, ownCopy(svc), ownCopy(h));
    byKey.set(ownCopy(key), a);
    this.openSize++;
    return a;
  }

  /** `name` cut to MAX_NAME_LENGTH characters (counted when cut); not copied. */
  private shortName(name: string): string {
    if (name.length <= MAX_NAME_LENGTH) return name;
    this.truncatedNames++;
    return name.slice(0, MAX_NAME_LENGTH - 1) + '\u2026';
  }

  /** Counts one request; false when it was not counted (its accumulator would pass maxOpenRows: refusedRequests). */
  add(s: HttpSample): boolean {
    const t = s.timeMs;
    const start = t - (((t % this.intervalMs) + this.intervalMs) % this.intervalMs);
    let a = this.last;
    if (a === undefined || start !== this.lastStart || s.service !== this.lastService || s.host !== this.lastHost) {
      a = this.accumulatorFor(start, s.service, s.host);
      if (a === undefined) {
        this.refusedRequests++;
        return false;
      }
      this.last = a;
      this.lastStart = start;
      this.lastService = s.service;
      this.lastHost = s.host;
    }
    a.hits++;
    a.bytes += s.bytes;
    const status = s.status;
    switch (status >= 100 && status < 600 ? (status / 100) | 0 : 0) {
      case 2:
        a.s2++;
        break;
      case 3:
        a.s3++;
        break;
      case 4:
        a.s4++;
        break;
      case 5:
        a.s5++;
        break;
      case 1:
        a.s1++;
        break;
      default:
        a.s0++;
    }
    const codes = a.codes;
    let c = 0;
    while (c < codes.length && codes[c] !== status) c++;
    if (c < codes.length) a.codeHits[c]++;
    else {
      codes.push(status);
      a.codeHits.push(1);
    }

    const path = s.path.length === 0 ? NONE_KEY : this.shortName(s.path);
    // No new names once the open intervals hold MAX_HELD_NAME_CHARS: they count under OTHER_KEY.
    const limit = this.heldNameChars < MAX_HELD_NAME_CHARS ? this.maxDistinct : 0;
    const paths = a.paths.size;
    if (!a.paths.inc(path, limit)) {
      a.pathsOverflow++;
      if (a.overflowSections === undefined) a.overflowSections = new KeyCounter();
      const sections = a.overflowSections.size;
      const section = sectionOf(path);
      if (!a.overflowSections.inc(section, limit)) a.sectionsOverflow++;
      else if (a.overflowSections.size > sections) this.holdName(a, section);
    } else if (a.paths.size > paths) this.holdName(a, path);

    const ua = this.userAgents.classify(s.userAgent);
    const agent = ua.browser * OPERATING_SYSTEMS.length + ua.os;
    const agents = a.agents;
    let k = 0;
    while (k < agents.length && agents[k] !== agent) k++;
    if (k < agents.length) a.agentHits[k]++;
    else {
      agents.push(agent);
      a.agentHits.push(1);
    }
    if (s.durationMs === s.durationMs) (a.latency ??= new LatencySketch()).add(s.durationMs);
    if (s.client.length > 0) (a.clients ??= new DistinctCounter()).add(s.client);
    return true;
  }

  private holdName(a: IntervalAccumulator, name: string): void {
    a.nameChars += name.length;
    this.heldNameChars += name.length;
  }

  /** Closes and returns every interval ending at or before `watermarkMs`, ordered by time, then service, then host. */
  closeUntil(watermarkMs: number): IntervalStatsRow[] {
    const rows: IntervalStatsRow[] = [];
    for (const [start, byKey] of this.open) {
      if (start + this.intervalMs > watermarkMs) continue;
      this.open.delete(start);
      this.openSize -= byKey.size;
      for (const a of byKey.values()) {
        this.heldNameChars -= a.nameChars;
        rows.push(toRow(a, this.intervalMs, this.topPaths, this.topSections));
      }
    }
    if (rows.length) this.last = undefined;
    // Intervals open in time order (the usual case) come out sorted already.
    for (let i = 1; i < rows.length; i++) if (byTimeThenKey(rows[i - 1], rows[i]) > 0) return rows.sort(byTimeThenKey);
    return rows;
  }

  /** Closes every open interval. */
  closeAll(): IntervalStatsRow[] {
    return this.closeUntil(Infinity);
  }
}

/** The key of (service, host) within an interval. */
function rowKey(service: string, host: string): string {
  return `${service}\u0000${host}`;
}

function byTimeThenKey(a: IntervalStatsRow, b: IntervalStatsRow): number {
  return a.timeStartMs - b.timeStartMs || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0);
}

/** Hits per key, boxed: adding to a key already counted is one lookup (RowTotals adds a row per interval closed). */
type Counts = Map<string, { n: number }>;

function addKeyCounts(into: Counts, list: KeyCount[]): void {
  for (let i = 0; i < list.length; i++) {
    const k = list[i];
    const box = into.get(k.key);
    if (box !== undefined) box.n += k.hits;
    else into.set(k.key, { n: k.hits });
  }
}

function sortedCounts(m: Counts): KeyCount[] {
  const out: KeyCount[] = [];
  for (const [key, box] of m) out.push({ key, hits: box.n });
  return out.sort(byHitsThenKey);
}

/**
 * Keeps at most about `max` keys of `counts`: past twice that, the keys with the fewest hits
 * beyond the `max` most frequent are folded into OTHER_KEY (hits still add up to the total).
 */
function foldRareKeys(counts: Counts, max: number): void {
  if (counts.size <= 2 * max) return;
  const ranked = sortedCounts(counts).filter((k) => k.key !== OTHER_KEY);
  let other = counts.get(OTHER_KEY)?.n ?? 0;
  for (let i = max; i < ranked.length; i++) {
    other += ranked[i].hits;
    counts.delete(ranked[i].key);
  }
  counts.set(OTHER_KEY, { n: other });
}

/**
 * A running sum of rows (every list merged by key): the figures of several intervals, keys or
 * collectors together, kept as counts per key rather than as the rows themselves, so a long run
 * holds one total however many intervals it closed. Nothing is truncated unless `maxKeys` is
 * given: then at most about 2 x maxKeys paths and sections are held (each row brings up to
 * top_paths new ones, so a long run of distinct paths — a scanner — would otherwise grow
 * without bound), the least frequent folded into OTHER_KEY; the most frequent are then exact
 * unless one was folded while still rare. The result's time is the earliest row's start and its
 * interval spans to the end of the latest row; service/host are kept when all rows agree, else '*'.
 */
export class RowTotals {
  constructor(private readonly maxKeys = Infinity) {}

  private readonly codes: Counts = new Map();
  private readonly sections: Counts = new Map();
  private readonly paths: Counts = new Map();
  private readonly browsers: Counts = new Map();
  private readonly os: Counts = new Map();
  /** Hits per service ('-' for none). */
  readonly services = new Map<string, number>();
  private readonly latency = new LatencySketch();
  /** Distinct clients over every row added (the union, not a sum). */
  readonly clients = new DistinctCounter(TOTALS_EXACT_LIMIT);
  private readonly sc: StatusClasses = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 };
  rows = 0;
  hits = 0;
  bytes = 0;
  private start = Infinity;
  private end = -Infinity;
  private service: string | undefined;
  private host: string | undefined;

  add(r: IntervalStatsRow): void {
    this.rows++;
    this.hits += r.hits;
    this.bytes += r.bytes;
    const sc = this.sc;
    const rc = r.statusClasses;
    sc['1xx'] += rc['1xx'];
    sc['2xx'] += rc['2xx'];
    sc['3xx'] += rc['3xx'];
    sc['4xx'] += rc['4xx'];
    sc['5xx'] += rc['5xx'];
    sc.other += rc.other;
    addKeyCounts(this.codes, r.statusCodes);
    addKeyCounts(this.sections, r.sections);
    addKeyCounts(this.paths, r.paths);
    if (this.maxKeys !== Infinity) {
      foldRareKeys(this.paths, this.maxKeys);
      foldRareKeys(this.sections, this.maxKeys);
    }
    addKeyCounts(this.browsers, r.browsers);
    addKeyCounts(this.os, r.os);
    this.services.set(r.service || '-', (this.services.get(r.service || '-') ?? 0) + r.hits);
    this.latency.addBuckets(r.latency.buckets, r.latency.counts, r.latency.sumMs, r.latency.maxMs);
    if (r.clients) this.clients.merge(r.clients);
    this.start = Math.min(this.start, r.timeStartMs);
    this.end = Math.max(this.end, r.timeStartMs + r.intervalMs);
    this.service = this.service === undefined || this.service === r.service ? r.service : '*';
    this.host = this.host === undefined || this.host === r.host ? r.host : '*';
  }

  toRow(): IntervalStatsRow {
    const latency = this.latency;
    const b = latency.toBuckets();
    return {
      timeStartMs: this.rows ? this.start : 0,
      intervalMs: this.rows ? this.end - this.start : 0,
      service: this.service ?? '',
      host: this.host ?? '',
      hits: this.hits,
      bytes: this.bytes,
      statusClasses: { ...this.sc },
      statusCodes: sortedCounts(this.codes),
      sections: sortedCounts(this.sections),
      paths: sortedCounts(this.paths),
      browsers: sortedCounts(this.browsers),
      os: sortedCounts(this.os),
      latency: { count: latency.count, sumMs: latency.sumMs, maxMs: latency.maxMs, buckets: b.buckets, counts: b.counts },
      ...(this.clients.count() > 0 ? { clients: this.clients } : {}),
    };
  }
}

/** Sums rows into one (see RowTotals). */
export function sumRows(rows: readonly IntervalStatsRow[]): IntervalStatsRow {
  const totals = new RowTotals();
  for (const r of rows) totals.add(r);
  return totals.toRow();
}
