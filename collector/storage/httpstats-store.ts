/**
 * ClickHouse storage of HTTP access statistics (the httpstats processor).
 *
 * Tables (all in one database):
 *
 *   http_stats          raw partial aggregates: one row per collector, interval
 *                       (10 s by default), service and host — hits, bytes,
 *                       status classes, latency histogram (log buckets, see
 *                       processors/httpstats/quantiles.ts). MergeTree.
 *   http_stats_keys     raw keyed counts, long form: one row per collector,
 *                       interval, service, host, Dimension (section | path |
 *                       status | browser | os) and Key. MergeTree.
 *   http_stats_1m/_1h   rollups of http_stats: AggregatingMergeTree with
 *                       -State columns (sum, max, sumMap for the latency
 *                       histogram), filled by materialized views on http_stats.
 *   http_stats_keys_1m/_1h  rollups of http_stats_keys: SummingMergeTree(Hits),
 *                       filled by materialized views on http_stats_keys.
 *   http_alerts         alert and recovery events.
 *
 * Why this shape:
 * - Every stored figure is a sum, a max or a count per key, so rows from several
 *   collectors (and late partial rows of the same interval) are merged at query
 *   time by GROUP BY with sum / max / sumMap (raw) or the -Merge functions
 *   (rollups); nothing needs coordination between collectors.
 * - Keyed counts are long-form rows instead of maps: ClickHouse 18.16's sumMap
 *   takes numeric keys only, and a row per key keeps "top paths over a month"
 *   a range scan of the 1 h table ordered by (ServiceName, Dimension, TimeStart).
 * - Both materialized views of a family read the raw table, so no view depends
 *   on another view's inserts (cascading differs between versions).
 * - A month of one service at 1 h resolution is 720 rows of http_stats_1h.
 *
 * Schema variants, by server capabilities: 'full' (LowCardinality, codecs, TTL on
 * the raw tables when configured; chDB and modern servers) and 'legacy' (18.16:
 * plain String columns, no codecs, no TTL). Columns, engines, views and queries
 * are otherwise the same, so one set of queries serves both.
 *
 * Times are clamped to what a DateTime holds (time-bounds.ts), so no row can fail
 * an insert for its time.
 *
 * Idempotent writes: every row of one write carries the same random FlushId; a
 * writer that failed without knowing whether its INSERT landed asks
 * `hasFlush()` before sending it again (18.16 has no insert_deduplication_token).
 */
import { randomBytes } from 'crypto';
import type { ClickHouseStore, QueryOptions } from './clickhouse-client';
import type { ClickHouseCapabilities } from './clickhouse-version';
import { quoteIdent } from './clickhouse-params';
import { ttlClause } from './clickhouse-schema';
import { MAX_STORABLE_SECONDS, storableSeconds } from './time-bounds';
import { OTHER_KEY, type IntervalStatsRow, type KeyCount, type StatusClasses } from '../../processors/httpstats/aggregator';
import type { AlertEvent, AlertRule, AlertState } from '../../processors/httpstats/alerts';
import { LATENCY_GAMMA, LATENCY_MIN_BUCKET, LATENCY_MIN_MS } from '../../processors/httpstats/quantiles';

export const HTTP_STATS_TABLES = {
  raw: 'http_stats',
  keys: 'http_stats_keys',
  minute: 'http_stats_1m',
  hour: 'http_stats_1h',
  keysMinute: 'http_stats_keys_1m',
  keysHour: 'http_stats_keys_1h',
  alerts: 'http_alerts',
} as const;

export const KEY_DIMENSIONS = ['section', 'path', 'status', 'browser', 'os'] as const;
export type KeyDimension = (typeof KEY_DIMENSIONS)[number];

export type HttpStatsSchemaKind = 'full' | 'legacy';
/** Which table family a query reads: raw rows, or the 1 min / 1 h rollups. */
export type HttpStatsSource = 'raw' | '1m' | '1h';

export interface HttpStatsSchemaOptions {
  database: string;
  /** Raw tables' retention in seconds (0 = forever); applied only where the server has TTL. */
  rawTtlSeconds?: number;
}

export function selectHttpStatsSchema(caps: ClickHouseCapabilities): HttpStatsSchemaKind {
  return caps.hasLowCardinality && caps.hasCodecs ? 'full' : 'legacy';
}

const STATUS_COLUMNS = ['Status1xx', 'Status2xx', 'Status3xx', 'Status4xx', 'Status5xx', 'StatusOther'] as const;
const STATUS_KEYS: (keyof StatusClasses)[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'];
/** Summed UInt64 columns of http_stats, in order. */
const SUM_COLUMNS = ['Hits', 'Bytes', ...STATUS_COLUMNS, 'LatencyCount'] as const;

/** Every CREATE statement, in order (database first). Idempotent (IF NOT EXISTS). */
export function httpStatsSchemaSql(caps: ClickHouseCapabilities, opts: HttpStatsSchemaOptions): string[] {
  const kind = selectHttpStatsSchema(caps);
  const full = kind === 'full';
  const db = quoteIdent(opts.database);
  const t = (name: string) => `${db}.${quoteIdent(name)}`;
  const lc = full ? 'LowCardinality(String)' : 'String';
  const zstd = full ? ' CODEC(ZSTD(1))' : '';
  const timeCodec = full ? ' CODEC(Delta(4), ZSTD(1))' : '';
  const ttl = caps.hasTTL && opts.rawTtlSeconds ? ttlClause(opts.rawTtlSeconds, 'TimeStart') : '';
  const rawSettings = ttl ? '\nSETTINGS ttl_only_drop_parts = 1' : '';
  const T = HTTP_STATS_TABLES;

  const raw = `CREATE TABLE IF NOT EXISTS ${t(T.raw)} (
    TimeStart DateTime${timeCodec},
    IntervalSeconds UInt32,
    ServiceName ${lc},
    HostName ${lc},
    CollectorId ${lc},
    ${SUM_COLUMNS.filter((c) => c !== 'LatencyCount').map((c) => `${c} UInt64`).join(',\n    ')},
    LatencyCount UInt64,
    LatencySumMs Float64,
    LatencyMaxMs Float64,
    LatencyBuckets Nested(bucket Int16, count UInt64),
    FlushId UInt64
) ENGINE = MergeTree
PARTITION BY toDate(TimeStart)
ORDER BY (ServiceName, HostName, TimeStart)${ttl ? '\n' + ttl : ''}${rawSettings}`;

  const rollup = (name: string) => `CREATE TABLE IF NOT EXISTS ${t(name)} (
    TimeStart DateTime${timeCodec},
    ServiceName ${lc},
    HostName ${lc},
    ${SUM_COLUMNS.map((c) => `${c} AggregateFunction(sum, UInt64)`).join(',\n    ')},
    LatencySumMs AggregateFunction(sum, Float64),
    LatencyMaxMs AggregateFunction(max, Float64),
    LatencyBuckets AggregateFunction(sumMap, Array(Int16), Array(UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(TimeStart)
ORDER BY (ServiceName, HostName, TimeStart)`;

  const rollupView = (name: string, bucket: string) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t(name + '_mv')} TO ${t(name)} AS
SELECT
    ${bucket}(TimeStart) AS TimeStart,
    ServiceName,
    HostName,
    ${SUM_COLUMNS.map((c) => `sumState(${c}) AS ${c}`).join(',\n    ')},
    sumState(LatencySumMs) AS LatencySumMs,
    maxState(LatencyMaxMs) AS LatencyMaxMs,
    sumMapState(LatencyBuckets.bucket, LatencyBuckets.count) AS LatencyBuckets
FROM ${t(T.raw)}
GROUP BY TimeStart, ServiceName, HostName`;

  const keys = `CREATE TABLE IF NOT EXISTS ${t(T.keys)} (
    TimeStart DateTime${timeCodec},
    ServiceName ${lc},
    HostName ${lc},
    CollectorId ${lc},
    Dimension ${lc},
    Key String${zstd},
    Hits UInt64,
    FlushId UInt64
) ENGINE = MergeTree
PARTITION BY toDate(TimeStart)
ORDER BY (ServiceName, Dimension, TimeStart, HostName, Key)${ttl ? '\n' + ttl : ''}${rawSettings}`;

  const keysRollup = (name: string) => `CREATE TABLE IF NOT EXISTS ${t(name)} (
    TimeStart DateTime${timeCodec},
    ServiceName ${lc},
    HostName ${lc},
    Dimension ${lc},
    Key String${zstd},
    Hits UInt64
) ENGINE = SummingMergeTree(Hits)
PARTITION BY toYYYYMM(TimeStart)
ORDER BY (ServiceName, Dimension, TimeStart, HostName, Key)`;

  const keysView = (name: string, bucket: string) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t(name + '_mv')} TO ${t(name)} AS
SELECT ${bucket}(TimeStart) AS TimeStart, ServiceName, HostName, Dimension, Key, Hits
FROM ${t(T.keys)}`;

  const alerts = `CREATE TABLE IF NOT EXISTS ${t(T.alerts)} (
    Time DateTime,
    ServiceName ${lc},
    HostName ${lc},
    Rule ${lc},
    State ${lc},
    Value Float64,
    Threshold Float64,
    Baseline Float64,
    Hits UInt64,
    WindowSeconds UInt32,
    Since DateTime,
    CollectorId ${lc},
    Message String${zstd},
    FlushId UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMM(Time)
ORDER BY (ServiceName, Time)`;

  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    raw,
    rollup(T.minute),
    rollup(T.hour),
    rollupView(T.minute, 'toStartOfMinute'),
    rollupView(T.hour, 'toStartOfHour'),
    keys,
    keysRollup(T.keysMinute),
    keysRollup(T.keysHour),
    keysView(T.keysMinute, 'toStartOfMinute'),
    keysView(T.keysHour, 'toStartOfHour'),
    alerts,
  ];
}

/** The whole schema as one script (for deploy/ and users applying it by hand). */
export function httpStatsSchemaScript(caps: ClickHouseCapabilities, opts: HttpStatsSchemaOptions): string {
  return httpStatsSchemaSql(caps, opts).map((s) => s + ';\n').join('\n');
}

/**
 * A SQL expression for the q-quantile (milliseconds) of a latency histogram given
 * as a sumMap result `(buckets, counts)` — e.g. `sumMap(LatencyBuckets.bucket,
 * LatencyBuckets.count)` on http_stats or `sumMapMerge(LatencyBuckets)` on a
 * rollup. Same definition as quantileFromBuckets(); works on 18.16. NaN-free:
 * an empty histogram gives 0.
 */
export function latencyQuantileSql(q: number, histogramExpr: string): string {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be in [0, 1], got ${q}`);
  const counts = `tupleElement(${histogramExpr}, 2)`;
  const buckets = `tupleElement(${histogramExpr}, 1)`;
  const index = `arrayElement(${buckets}, arrayFirstIndex(c -> c >= greatest(1, ceil(${q} * arraySum(${counts}))), arrayCumSum(${counts})))`;
  return (
    `if(empty(${counts}), 0, if(${index} <= ${LATENCY_MIN_BUCKET}, ${LATENCY_MIN_MS}, ` +
    `2 * pow(${LATENCY_GAMMA}, ${index}) / (${LATENCY_GAMMA + 1})))`
  );
}

export interface HttpStatsQuery {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  /** Width of each returned row; default toMs - fromMs (one row per key). */
  stepMs?: number;
  /** Default 'auto': the coarsest table whose resolution divides from, to and step. */
  source?: HttpStatsSource | 'auto';
  service?: string;
  host?: string;
  /** Split rows by host (default true); false sums hosts (host = '*'). */
  byHost?: boolean;
  /** Keys per dimension and row (default 50); the rest is summed under "(other)". */
  topKeys?: number;
  signal?: AbortSignal;
}

export interface StoredAlert extends Omit<AlertEvent, 'state' | 'rule'> {
  rule: AlertRule;
  state: AlertState;
  collectorId: string;
}

const SOURCE_STEP_MS: Record<HttpStatsSource, number> = { raw: 1000, '1m': 60_000, '1h': 3_600_000 };

/** The coarsest source whose resolution divides every boundary (so no partial bucket is read). */
export function pickHttpStatsSource(fromMs: number, toMs: number, stepMs: number): HttpStatsSource {
  const divides = (unit: number) => fromMs % unit === 0 && toMs % unit === 0 && stepMs % unit === 0;
  if (divides(3_600_000)) return '1h';
  if (divides(60_000)) return '1m';
  return 'raw';
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function newFlushId(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}

/** WHERE terms and parameters for a time range (whole seconds) and an optional service / host. */
function rangeFilters(q: { fromMs: number; toMs: number; service?: string; host?: string }): { filters: string[]; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { from: Math.floor(q.fromMs / 1000), to: Math.ceil(q.toMs / 1000) };
  const filters = ['TimeStart >= toDateTime({from:UInt32})', 'TimeStart < toDateTime({to:UInt32})'];
  if (q.service !== undefined) {
    filters.push('ServiceName = {service:String}');
    params.service = q.service;
  }
  if (q.host !== undefined) {
    filters.push('HostName = {host:String}');
    params.host = q.host;
  }
  return { filters, params };
}

/** Reads and writes the httpstats tables of one database through a ClickHouseStore. */
export class HttpStatsStore {
  constructor(readonly store: ClickHouseStore, readonly database: string) {}

  get schemaKind(): HttpStatsSchemaKind {
    return selectHttpStatsSchema(this.store.capabilities);
  }

  private table(name: string): string {
    return `${quoteIdent(this.database)}.${quoteIdent(name)}`;
  }

  /** Plain `db.table` for inserts (identifiers are checked by the config: [A-Za-z_][A-Za-z0-9_]*). */
  private insertTarget(name: string): string {
    return `${this.database}.${name}`;
  }

  async createSchema(rawTtlSeconds = 0): Promise<void> {
    for (const sql of httpStatsSchemaSql(this.store.capabilities, { database: this.database, rawTtlSeconds })) await this.store.command(sql);
  }

  async insertStats(rows: readonly IntervalStatsRow[], collectorId: string, flushId: bigint, signal?: AbortSignal): Promise<void> {
    if (rows.length === 0) return;
    const id = flushId.toString();
    const lines = rows.map((r) => {
      const o: Record<string, unknown> = {
        TimeStart: storableSeconds(r.timeStartMs),
        IntervalSeconds: Math.round(r.intervalMs / 1000),
        ServiceName: r.service,
        HostName: r.host,
        CollectorId: collectorId,
        Hits: r.hits,
        Bytes: r.bytes,
      };
      STATUS_COLUMNS.forEach((c, i) => (o[c] = r.statusClasses[STATUS_KEYS[i]]));
      o.LatencyCount = r.latency.count;
      o.LatencySumMs = r.latency.sumMs;
      o.LatencyMaxMs = r.latency.maxMs;
      o['LatencyBuckets.bucket'] = r.latency.buckets;
      o['LatencyBuckets.count'] = r.latency.counts;
      o.FlushId = id;
      return JSON.stringify(o);
    });
    await this.insertLines(HTTP_STATS_TABLES.raw, lines, signal);
  }

  async insertKeys(rows: readonly IntervalStatsRow[], collectorId: string, flushId: bigint, signal?: AbortSignal): Promise<void> {
    const id = flushId.toString();
    const lines: string[] = [];
    for (const r of rows) {
      const base = { TimeStart: storableSeconds(r.timeStartMs), ServiceName: r.service, HostName: r.host, CollectorId: collectorId };
      const lists: [KeyDimension, KeyCount[]][] = [['section', r.sections], ['path', r.paths], ['status', r.statusCodes], ['browser', r.browsers], ['os', r.os]];
      for (const [dimension, list] of lists) {
        for (const k of list) lines.push(JSON.stringify({ ...base, Dimension: dimension, Key: k.key, Hits: k.hits, FlushId: id }));
      }
    }
    await this.insertLines(HTTP_STATS_TABLES.keys, lines, signal);
  }

  async insertAlerts(events: readonly AlertEvent[], collectorId: string, flushId: bigint, signal?: AbortSignal): Promise<void> {
    const id = flushId.toString();
    const lines = events.map((e) =>
      JSON.stringify({
        Time: storableSeconds(e.timeMs),
        ServiceName: e.service,
        HostName: e.host,
        Rule: e.rule,
        State: e.state,
        Value: e.value,
        Threshold: e.limit,
        Baseline: e.baseline,
        Hits: e.hits,
        WindowSeconds: Math.round(e.windowMs / 1000),
        Since: storableSeconds(e.sinceMs),
        CollectorId: collectorId,
        Message: e.message,
        FlushId: id,
      }),
    );
    await this.insertLines(HTTP_STATS_TABLES.alerts, lines, signal);
  }

  private async insertLines(table: string, lines: string[], signal?: AbortSignal): Promise<void> {
    if (lines.length === 0) return;
    const body = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const columns = Object.keys(JSON.parse(lines[0]) as object);
    await this.store.insertFormatted({ table: this.insertTarget(table), columns, format: 'JSONEachRow', body, signal });
  }

  /** Whether rows of this write are already in `table` (time bounds narrow the scan). */
  async hasFlush(table: 'raw' | 'keys' | 'alerts', flushId: bigint, fromMs: number, toMs: number, signal?: AbortSignal): Promise<boolean> {
    const name = HTTP_STATS_TABLES[table];
    const time = table === 'alerts' ? 'Time' : 'TimeStart';
    const rows = await this.store.query<{ c: string }>(
      `SELECT count() AS c FROM ${this.table(name)} WHERE FlushId = {id:UInt64} AND ${time} >= toDateTime({from:UInt32}) AND ${time} <= toDateTime({to:UInt32})`,
      { id: flushId.toString(), from: storableSeconds(fromMs), to: Math.min(MAX_STORABLE_SECONDS, storableSeconds(toMs) + 1) },
      { signal },
    );
    return num(rows[0]?.c) > 0;
  }

  /**
   * Merged statistics: one IntervalStatsRow per step (and service, and host unless
   * byHost is false), partial rows of every collector added up, keyed lists from
   * http_stats_keys (top `topKeys` per dimension, the rest as "(other)").
   */
  async queryRows(q: HttpStatsQuery): Promise<IntervalStatsRow[]> {
    const stepMs = q.stepMs ?? q.toMs - q.fromMs;
    if (!(stepMs >= 1000) || stepMs % 1000 !== 0) throw new Error(`stepMs must be whole seconds, got ${stepMs}`);
    const source = !q.source || q.source === 'auto' ? pickHttpStatsSource(q.fromMs, q.toMs, stepMs) : q.source;
    if (stepMs % SOURCE_STEP_MS[source] !== 0) throw new Error(`stepMs ${stepMs} is not a multiple of the ${source} resolution`);
    const byHost = q.byHost !== false;
    const step = stepMs / 1000;
    const { filters, params } = rangeFilters(q);
    params.step = step;
    const hostExpr = byHost ? 'HostName' : "'*'";
    const group = `intDiv(toUInt32(TimeStart), {step:UInt32}) * {step:UInt32}`;
    const rawTable = source === 'raw';
    const sum = (c: string) => (rawTable ? `sum(${c})` : `sumMerge(${c})`);
    const statsTable = this.table(rawTable ? HTTP_STATS_TABLES.raw : source === '1m' ? HTTP_STATS_TABLES.minute : HTTP_STATS_TABLES.hour);
    const statsSql = `SELECT ${group} AS t, ServiceName AS service, ${hostExpr} AS host,
  ${[...SUM_COLUMNS, 'LatencySumMs'].map((c) => `${sum(c)} AS v_${c}`).join(', ')},
  ${rawTable ? 'max(LatencyMaxMs)' : 'maxMerge(LatencyMaxMs)'} AS v_LatencyMaxMs,
  ${rawTable ? 'sumMap(LatencyBuckets.bucket, LatencyBuckets.count)' : 'sumMapMerge(LatencyBuckets)'} AS v_LatencyBuckets
FROM ${statsTable}
WHERE ${filters.join(' AND ')}
GROUP BY t, service, host
ORDER BY t, service, host`;
    const keysTable = this.table(rawTable ? HTTP_STATS_TABLES.keys : source === '1m' ? HTTP_STATS_TABLES.keysMinute : HTTP_STATS_TABLES.keysHour);
    const top = q.topKeys ?? 50;
    const keysSql = `SELECT ${group} AS t, ServiceName AS service, ${hostExpr} AS host, Dimension AS dimension, Key AS key, sum(Hits) AS hits
FROM ${keysTable}
WHERE ${filters.join(' AND ')}
GROUP BY t, service, host, dimension, key
ORDER BY t, service, host, dimension, hits DESC, key
LIMIT ${Math.max(1, Math.floor(top))} BY t, service, host, dimension`;
    const options: QueryOptions = { signal: q.signal };
    type StatsRow = Record<string, unknown> & { t: string | number; service: string; host: string; v_LatencyBuckets: [unknown[], unknown[]] };
    const [stats, keys] = await Promise.all([
      this.store.query<StatsRow>(statsSql, params, options),
      this.store.query<{ t: string | number; service: string; host: string; dimension: KeyDimension; key: string; hits: string | number }>(keysSql, params, options),
    ]);
    const out = new Map<string, IntervalStatsRow>();
    for (const s of stats) {
      const row: IntervalStatsRow = {
        timeStartMs: num(s.t) * 1000,
        intervalMs: stepMs,
        service: s.service,
        host: s.host,
        hits: num(s.v_Hits),
        bytes: num(s.v_Bytes),
        statusClasses: {
          '1xx': num(s.v_Status1xx),
          '2xx': num(s.v_Status2xx),
          '3xx': num(s.v_Status3xx),
          '4xx': num(s.v_Status4xx),
          '5xx': num(s.v_Status5xx),
          other: num(s.v_StatusOther),
        },
        statusCodes: [],
        sections: [],
        paths: [],
        browsers: [],
        os: [],
        latency: {
          count: num(s.v_LatencyCount),
          sumMs: num(s.v_LatencySumMs),
          maxMs: num(s.v_LatencyMaxMs),
          buckets: (s.v_LatencyBuckets?.[0] ?? []).map(num),
          counts: (s.v_LatencyBuckets?.[1] ?? []).map(num),
        },
      };
      out.set(`${row.timeStartMs}\u0001${row.service}\u0001${row.host}`, row);
    }
    const listOf: Record<KeyDimension, (r: IntervalStatsRow) => KeyCount[]> = {
      section: (r) => r.sections,
      path: (r) => r.paths,
      status: (r) => r.statusCodes,
      browser: (r) => r.browsers,
      os: (r) => r.os,
    };
    for (const k of keys) {
      const row = out.get(`${num(k.t) * 1000}\u0001${k.service}\u0001${k.host}`);
      if (row && listOf[k.dimension]) listOf[k.dimension](row).push({ key: k.key, hits: num(k.hits) });
    }
    // Every request has exactly one key per dimension: hits the LIMIT cut off are the row's remainder.
    for (const row of out.values()) {
      for (const dimension of KEY_DIMENSIONS) {
        const list = listOf[dimension](row);
        let listed = 0;
        for (const k of list) listed += k.hits;
        if (row.hits > listed) {
          const other = list.find((k) => k.key === '(other)');
          if (other) other.hits += row.hits - listed;
          else list.push({ key: '(other)', hits: row.hits - listed });
        }
        list.sort((a, b) => b.hits - a.hits || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      }
    }
    return [...out.values()];
  }

  /**
   * The coarsest aggregation interval of the raw rows in a range, in ms (0 when
   * the range has no raw rows): a chart step must be a whole number of these, or
   * steps without an interval start in them read empty (issue 13's sawtooth).
   */
  async queryIntervalMs(q: { fromMs: number; toMs: number; service?: string; host?: string; signal?: AbortSignal }): Promise<number> {
    const { filters, params } = rangeFilters(q);
    const rows = await this.store.query<{ s: string | number }>(`SELECT max(IntervalSeconds) AS s FROM ${this.table(HTTP_STATS_TABLES.raw)} WHERE ${filters.join(' AND ')}`, params, { signal: q.signal });
    return num(rows[0]?.s ?? 0) * 1000;
  }

  /** The most frequent keys of one dimension over a time range (merged over collectors and hosts unless filtered). */
  async queryTopKeys(
    dimension: KeyDimension,
    q: { fromMs: number; toMs: number; service?: string; host?: string; limit?: number; source?: HttpStatsSource | 'auto'; signal?: AbortSignal },
  ): Promise<KeyCount[]> {
    const source = !q.source || q.source === 'auto' ? pickHttpStatsSource(q.fromMs, q.toMs, q.toMs - q.fromMs) : q.source;
    const table = this.table(source === 'raw' ? HTTP_STATS_TABLES.keys : source === '1m' ? HTTP_STATS_TABLES.keysMinute : HTTP_STATS_TABLES.keysHour);
    const { filters, params } = rangeFilters(q);
    filters.unshift('Dimension = {dimension:String}');
    params.dimension = dimension;
    // "(other)" is the remainder of keys not kept by name: listed last, whatever it sums.
    params.other = OTHER_KEY;
    const rows = await this.store.query<{ key: string; hits: string | number }>(
      `SELECT Key AS key, sum(Hits) AS hits FROM ${table} WHERE ${filters.join(' AND ')} GROUP BY key ORDER BY key = {other:String}, hits DESC, key LIMIT ${Math.max(1, Math.floor(q.limit ?? 10))}`,
      params,
      { signal: q.signal },
    );
    return rows.map((r) => ({ key: r.key, hits: num(r.hits) }));
  }

  /** Alert and recovery events in a time range, oldest first. */
  async queryAlerts(q: { fromMs: number; toMs: number; service?: string; limit?: number; signal?: AbortSignal }): Promise<StoredAlert[]> {
    const params: Record<string, unknown> = { from: Math.floor(q.fromMs / 1000), to: Math.ceil(q.toMs / 1000) };
    const filters = ['Time >= toDateTime({from:UInt32})', 'Time < toDateTime({to:UInt32})'];
    if (q.service !== undefined) {
      filters.push('ServiceName = {service:String}');
      params.service = q.service;
    }
    const rows = await this.store.query<Record<string, string | number>>(
      `SELECT toUInt32(Time) AS time, ServiceName, HostName, Rule, State, Value, Threshold, Baseline, Hits, WindowSeconds, toUInt32(Since) AS since, CollectorId, Message
FROM ${this.table(HTTP_STATS_TABLES.alerts)} WHERE ${filters.join(' AND ')} ORDER BY time, ServiceName, HostName, Rule LIMIT ${Math.max(1, Math.floor(q.limit ?? 1000))}`,
      params,
      { signal: q.signal },
    );
    return rows.map((r) => ({
      rule: r.Rule as AlertRule,
      state: r.State as AlertState,
      service: String(r.ServiceName),
      host: String(r.HostName),
      timeMs: num(r.time) * 1000,
      sinceMs: num(r.since) * 1000,
      value: num(r.Value),
      limit: num(r.Threshold),
      baseline: num(r.Baseline),
      hits: num(r.Hits),
      windowMs: num(r.WindowSeconds) * 1000,
      message: String(r.Message),
      collectorId: String(r.CollectorId),
    }));
  }
}
