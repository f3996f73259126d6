/**
 * The `otel_logs` schema, chosen by what the server can do.
 *
 * full (servers with Map, DateTime64, codecs and skip indexes — 21.8 and later,
 * chDB): the OpenTelemetry Collector contrib ClickHouse exporter's table, same
 * column names, types, codecs, skip indexes, PARTITION BY / PRIMARY KEY / ORDER BY
 * and TTL form, so Grafana's ClickHouse datasource in OTel mode works unchanged —
 * plus our template columns `TemplateId UInt64` and `TemplateArgs Array(String)`.
 *
 * legacy (older servers, e.g. Debian's 18.16): the same column names where the
 * types exist, and these substitutes where they do not:
 *   - Timestamp DateTime (seconds) + TimestampNanos UInt32 (nanoseconds within
 *     that second); exact time = toUInt64(Timestamp) * 1000000000 + TimestampNanos.
 *     TimestampTime is an ALIAS of Timestamp. (Servers with DateTime64 keep the
 *     full Timestamp DateTime64(9) instead.)
 *   - attribute maps as Nested(keys String, values String): the columns are
 *     `ResourceAttributes.keys` / `ResourceAttributes.values` (parallel arrays), so
 *     a lookup reads `LogAttributes.values[indexOf(LogAttributes.keys, 'user.id')]`,
 *     `has(LogAttributes.keys, 'k')` filters on a key, and
 *     `ARRAY JOIN LogAttributes` turns pairs into rows. Nested was chosen over two
 *     loose arrays because the server then enforces equal lengths per row and
 *     ARRAY JOIN works by the map's name.
 *   - LowCardinality, codecs and TTL only where the server has them (18.16: none
 *     — LowCardinality is experimental there and not used).
 *   - no skip indexes; ORDER BY (ServiceName, Timestamp, TimestampNanos) keeps the
 *     primary index useful for the usual service + time range queries.
 *   - InsertId UInt64: see "deduplication" below.
 *
 * Deduplication of retried inserts:
 *   - token: when the server has insert_deduplication_token, every insert block
 *     carries a token fixed when the block is formed; non-replicated tables get
 *     `non_replicated_deduplication_window` so the token is honoured (Replicated
 *     engines deduplicate by default).
 *   - insert-id: otherwise (18.16 has neither the token nor deduplication for plain
 *     MergeTree) every row carries InsertId = block base id + row index, the base
 *     drawn at random (63 bits) when the block is formed. Before retrying after a
 *     failure the exporter waits until the earlier attempt's query has left
 *     system.processes, then reads which InsertIds of the block are already stored
 *     and sends only the missing rows — exact even if a crash wrote part of a block.
 */
import type { ClickHouseCapabilities } from './clickhouse-version';
import { quoteIdent } from './clickhouse-params';
import { renderedBodyColumns, type BodyStorage } from './template-store';

export type LogsSchemaKind = 'full' | 'legacy';
export type DedupMode = 'token' | 'insert-id';

export interface TableEngine {
  /** MergeTree, ReplicatedMergeTree, ... */
  name: string;
  /** Engine arguments without parentheses, e.g. `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`. */
  params: string;
}

export interface LogsTableOptions {
  database: string;
  table: string;
  /** Retention in whole seconds; 0 keeps data forever. */
  ttlSeconds: number;
  /** `ON CLUSTER <name>` on every statement when set. */
  clusterName?: string;
  tableEngine?: TableEngine;
  /** With a cluster: rows live in `<table>_local` on every node and `<table>` is a Distributed table over them. */
  distributed?: boolean;
  /** non_replicated_deduplication_window for non-replicated engines using tokens (default 1000). */
  dedupWindow?: number;
  /**
   * 'rendered' (full schema only): `RawBody` is stored and `Body` is an ALIAS rendering
   * the template (dictionary `templatesDictionary`) with TemplateArgs — see template-store.ts.
   * Default 'stored'.
   */
  body?: BodyStorage;
  /** Qualified name of the template dictionary the rendered Body reads (templatesDictionaryName). */
  templatesDictionary?: string;
}

/**
 * min_bytes_for_wide_part of the full schema's logs table (ClickHouse's default: 10 MiB):
 * a part of fewer uncompressed bytes is written Compact (all columns in one file)
 * instead of Wide (two files per column, Map sub-column and skip index: ~100 files).
 * An insert of the exporter's default batch (32 MiB) would otherwise be Wide: with
 * chDB the engine runs in the collector's process, and replaying one bench run's ten
 * 16 MiB inserts cost the engine 0.8 CPU-s with Compact parts against 1.15-1.5 with
 * Wide (creating and merging the files). Merges make a part Wide once it grows past this.
 */
export const COMPACT_PART_MAX_BYTES = 128 << 20;

export const DEFAULT_TABLE_ENGINE: TableEngine = { name: 'MergeTree', params: '' };

export function selectLogsSchema(caps: ClickHouseCapabilities): LogsSchemaKind {
  return caps.hasMap && caps.hasDateTime64 && caps.hasCodecs && caps.hasSkipIndexes ? 'full' : 'legacy';
}

function isReplicated(engine: TableEngine): boolean {
  return /^Replicated/.test(engine.name);
}

export function selectDedupMode(caps: ClickHouseCapabilities, engine: TableEngine = DEFAULT_TABLE_ENGINE): DedupMode {
  if (caps.hasInsertDedupToken && (isReplicated(engine) || caps.hasNonReplicatedDedupWindow)) return 'token';
  return 'insert-id';
}

/** The contrib exporter's TTL clause: the largest whole unit of day/hour/minute/second. */
export function ttlClause(ttlSeconds: number, column: string): string {
  const s = Math.floor(ttlSeconds);
  if (s <= 0) return '';
  if (s % 86400 === 0) return `TTL ${column} + toIntervalDay(${s / 86400})`;
  if (s % 3600 === 0) return `TTL ${column} + toIntervalHour(${s / 3600})`;
  if (s % 60 === 0) return `TTL ${column} + toIntervalMinute(${s / 60})`;
  return `TTL ${column} + toIntervalSecond(${s})`;
}

function onCluster(opts: LogsTableOptions): string {
  return opts.clusterName ? ` ON CLUSTER ${quoteIdent(opts.clusterName)}` : '';
}

function engineClause(engine: TableEngine): string {
  return `${engine.name}(${engine.params})`;
}

/** The table rows are written to and read from (the Distributed one in distributed mode). */
export function logsTableName(opts: LogsTableOptions): string {
  return `${quoteIdent(opts.database)}.${quoteIdent(opts.table)}`;
}

function storageTable(opts: LogsTableOptions): string {
  return opts.clusterName && opts.distributed ? `${opts.table}_local` : opts.table;
}

export function createDatabaseSql(opts: LogsTableOptions): string {
  return `CREATE DATABASE IF NOT EXISTS ${quoteIdent(opts.database)}${onCluster(opts)}`;
}

function fullColumns(dedup: DedupMode, opts: LogsTableOptions): string[] {
  const rendered = opts.body === 'rendered';
  if (rendered && !opts.templatesDictionary) throw new Error('rendered Body needs templatesDictionary');
  const cols = [
    'Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1))',
    'TimestampTime DateTime DEFAULT toDateTime(Timestamp)',
    'TraceId String CODEC(ZSTD(1))',
    'SpanId String CODEC(ZSTD(1))',
    'TraceFlags UInt8',
    'SeverityText LowCardinality(String) CODEC(ZSTD(1))',
    'SeverityNumber UInt8',
    'ServiceName LowCardinality(String) CODEC(ZSTD(1))',
    ...(rendered ? renderedBodyColumns(opts.templatesDictionary!) : ['Body String CODEC(ZSTD(1))']),
    'ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
    'ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
    'ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
    'ScopeName String CODEC(ZSTD(1))',
    'ScopeVersion LowCardinality(String) CODEC(ZSTD(1))',
    'ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
    'LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
    'EventName String CODEC(ZSTD(1))',
    'TemplateId UInt64 CODEC(ZSTD(1))',
    // ZSTD(9): arguments are the entropy of a log line; level 9 halves them against
    // ZSTD(1) for ~1 µs a row at insert (bench/storage.ts).
    'TemplateArgs Array(String) CODEC(ZSTD(9))',
  ];
  if (dedup === 'insert-id') cols.push('InsertId UInt64 CODEC(Delta(8), ZSTD(1))');
  cols.push(
    'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
    'INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    // A rendered Body is computed at read time: no index over it.
    ...(rendered ? [] : ['INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8']),
    'INDEX idx_template_id TemplateId TYPE bloom_filter(0.01) GRANULARITY 1',
  );
  return cols;
}

function legacyColumns(caps: ClickHouseCapabilities): string[] {
  const lc = (t: string) => (caps.hasLowCardinality ? `LowCardinality(${t})` : t);
  const zstd = caps.hasCodecs ? ' CODEC(ZSTD(1))' : '';
  const time = caps.hasDateTime64
    ? [`Timestamp DateTime64(9)${caps.hasCodecs ? ' CODEC(Delta(8), ZSTD(1))' : ''}`, 'TimestampTime DateTime DEFAULT toDateTime(Timestamp)']
    : ['Timestamp DateTime', 'TimestampNanos UInt32', 'TimestampTime DateTime ALIAS Timestamp'];
  return [
    ...time,
    `TraceId String${zstd}`,
    `SpanId String${zstd}`,
    'TraceFlags UInt8',
    `SeverityText ${lc('String')}${zstd}`,
    'SeverityNumber UInt8',
    `ServiceName ${lc('String')}${zstd}`,
    `Body String${zstd}`,
    `ResourceSchemaUrl ${lc('String')}${zstd}`,
    'ResourceAttributes Nested(keys String, values String)',
    `ScopeSchemaUrl ${lc('String')}${zstd}`,
    `ScopeName String${zstd}`,
    `ScopeVersion ${lc('String')}${zstd}`,
    'ScopeAttributes Nested(keys String, values String)',
    'LogAttributes Nested(keys String, values String)',
    `EventName String${zstd}`,
    'TemplateId UInt64',
    'TemplateArgs Array(String)',
    'InsertId UInt64',
  ];
}

/**
 * The statements that create the logs table(s), in order (CREATE DATABASE not included).
 * Idempotent: every statement is IF NOT EXISTS.
 */
export function logsTableSql(kind: LogsSchemaKind, caps: ClickHouseCapabilities, opts: LogsTableOptions): string[] {
  const engine = opts.tableEngine ?? DEFAULT_TABLE_ENGINE;
  const dedup = selectDedupMode(caps, engine);
  const local = `${quoteIdent(opts.database)}.${quoteIdent(storageTable(opts))}`;
  const columns = kind === 'full' ? fullColumns(dedup, opts) : legacyColumns(caps);
  const timeColumn = kind === 'full' || caps.hasDateTime64 ? 'TimestampTime' : 'Timestamp';
  const ttl = caps.hasTTL ? ttlClause(opts.ttlSeconds, timeColumn) : '';
  const settings = ['index_granularity = 8192'];
  if (kind === 'full') settings.push('ttl_only_drop_parts = 1', `min_bytes_for_wide_part = ${COMPACT_PART_MAX_BYTES}`);
  if (dedup === 'token' && !isReplicated(engine)) settings.push(`non_replicated_deduplication_window = ${opts.dedupWindow ?? 1000}`);
  const keys =
    kind === 'full' || caps.hasDateTime64
      ? ['PARTITION BY toDate(TimestampTime)', 'PRIMARY KEY (ServiceName, TimestampTime)', 'ORDER BY (ServiceName, TimestampTime, Timestamp)']
      : ['PARTITION BY toDate(Timestamp)', 'ORDER BY (ServiceName, Timestamp, TimestampNanos)'];
  const statements = [
    [
      `CREATE TABLE IF NOT EXISTS ${local}${onCluster(opts)} (`,
      columns.map((c) => `    ${c}`).join(',\n'),
      `) ENGINE = ${engineClause(engine)}`,
      ...keys,
      ...(ttl ? [ttl] : []),
      `SETTINGS ${settings.join(', ')}`,
    ].join('\n'),
  ];
  if (opts.clusterName && opts.distributed) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${logsTableName(opts)}${onCluster(opts)} AS ${local}\n` +
        // A deterministic sharding key sends a retried row to the same shard, where its token deduplicates it.
        `ENGINE = Distributed(${quoteIdent(opts.clusterName)}, ${quoteIdent(opts.database)}, ${quoteIdent(storageTable(opts))}, cityHash64(ServiceName, TraceId))`,
    );
  }
  return statements;
}

/** Every statement (database, then tables) as one SQL script, for deploy/clickhouse/*.sql and users applying it by hand. */
export function logsSchemaScript(kind: LogsSchemaKind, caps: ClickHouseCapabilities, opts: LogsTableOptions): string {
  return [createDatabaseSql(opts), ...logsTableSql(kind, caps, opts)].map((s) => s + ';\n').join('\n');
}
