/**
 * Configuration of the `clickhouse` exporter (YAML keys in snake_case, after the
 * contrib exporter where the two overlap: endpoint, username, password, database,
 * logs_table_name, create_schema, ttl, cluster_name, table_engine, timeout).
 */
import { parseDuration, parseSize } from '../../config/units';
import type { TableEngine } from '../../storage/clickhouse-schema';
import type { BodyStorage } from '../../storage/template-store';

export interface ClickHouseExporterConfig {
  /** `chdb://<folder>` (embedded) or `http(s)://host:port`. */
  endpoint: string;
  username: string;
  password: string;
  database: string;
  logs_table_name: string;
  /** Create the database and table when missing (and enable token deduplication on our table). */
  create_schema: boolean;
  /** Retention; 0 keeps data forever. Applied only when the table is created. */
  ttl: string | number;
  /** `ON CLUSTER` name for the DDL; '' for a single node. */
  cluster_name: string;
  table_engine: TableEngine;
  /** With cluster_name: store rows in `<table>_local` and write through a Distributed `<table>`. */
  distributed: boolean;
  /** Per-request timeout. */
  timeout: string | number;
  batch: {
    /** Rows per INSERT at most. */
    max_rows: number;
    /** Encoded bytes per INSERT at most (approximate: counted in characters). */
    max_bytes: string | number;
    /** Oldest queued record waits at most this long before an INSERT is sent. */
    flush_interval: string | number;
  };
  queue: {
    /**
     * 'memory' (default): a bounded in-memory queue; what is queued is lost when
     * the process dies. 'wal': a write-ahead log in `directory`; consumeLogs
     * resolves once the batch is written there, and it is sent (again) after a
     * crash or restart (collector/queue/wal.ts).
     */
    storage?: 'memory' | 'wal';
    /** storage wal: the log's folder (one per exporter; created when missing). */
    directory?: string;
    /**
     * storage wal: when data is flushed to the disk. A write that returned already
     * survives kill -9 of the collector (it is in the OS page cache); fsync only adds
     * safety against power loss. 'interval' (default) syncs every fsync_interval off
     * the ack path; 'always' syncs before acknowledging; 'never' leaves it to the OS.
     */
    fsync?: 'never' | 'interval' | 'always';
    fsync_interval?: string | number;
    /** storage wal: size at which a new segment file is started; whole segments are deleted once sent. */
    segment_size?: string | number;
    /** Bound on queued batches (0 = no bound by count). storage memory only. */
    max_batches: number;
    /**
     * Bound on queued bytes (0 = no bound by size): with storage memory by the
     * batches' size estimate, with storage wal the bytes written to the log and not
     * yet sent (the disk holds at most this plus one segment).
     */
    max_bytes: string | number;
    /** When full: 'block' refuses with a retryable "exhausted" error (back-pressure), 'drop' drops and counts. */
    on_full: 'block' | 'drop';
    /** With on_full=block: wait this long for room before refusing (0 = refuse at once). */
    block_timeout: string | number;
  };
  retry: {
    initial_interval: string | number;
    max_interval: string | number;
    /** Give up on an insert after this long ('0' = retry forever). */
    max_elapsed: string | number;
    multiplier: number;
    /** Each delay is drawn from [d·(1−f), d·(1+f)]. */
    randomization_factor: number;
  };
  /** How long shutdown() may spend flushing what is queued; what is left is counted as failed. */
  shutdown_timeout: string | number;
  /** non_replicated_deduplication_window set on a created non-replicated table. */
  dedup_window: number;
  /**
   * How Body is kept: 'rendered' stores only TemplateId + TemplateArgs for templated
   * records and renders Body at query time (an ALIAS over the log_templates
   * dictionary; about 2.4x smaller than 'stored', Body scans several times slower —
   * see bench/storage.ts); 'stored' writes Body as text like the contrib exporter.
   * Servers without dictionaries (before 22.3, e.g. 18.16) always store. Applied
   * when the table is created.
   */
  body: BodyStorage;
  /** The template dictionary table (written from the collector's dictionary on every flush). */
  templates_table_name: string;
}

export function createDefaultConfig(): ClickHouseExporterConfig & { queue: Required<ClickHouseExporterConfig['queue']> } {
  return {
    endpoint: 'chdb://./.logfun/data',
    username: '',
    password: '',
    database: 'otel',
    logs_table_name: 'otel_logs',
    create_schema: true,
    ttl: 0,
    cluster_name: '',
    table_engine: { name: 'MergeTree', params: '' },
    distributed: false,
    timeout: '30s',
    // Fewer, larger parts: 32 MiB inserts instead of 16 MiB cost ~20 % less collector CPU per
    // record into chDB (the engine runs in the process: parts written and merged); the
    // in-memory read-ahead window holds up to two batches (+45 MB peak RSS with a server).
    batch: { max_rows: 100000, max_bytes: '32MiB', flush_interval: '1s' },
    queue: {
      storage: 'memory',
      directory: '',
      fsync: 'interval',
      fsync_interval: '1s',
      segment_size: '8MiB',
      max_batches: 1000,
      max_bytes: '256MiB',
      on_full: 'block',
      block_timeout: 0,
    },
    retry: { initial_interval: '500ms', max_interval: '30s', max_elapsed: '0', multiplier: 1.5, randomization_factor: 0.5 },
    shutdown_timeout: '30s',
    dedup_window: 1000,
    body: 'rendered',
    templates_table_name: 'log_templates',
  };
}

/** The config with durations in ms and sizes in bytes. */
export interface ResolvedClickHouseExporterConfig {
  endpoint: string;
  username?: string;
  password?: string;
  database: string;
  table: string;
  createSchema: boolean;
  ttlSeconds: number;
  clusterName: string;
  tableEngine: TableEngine;
  distributed: boolean;
  timeoutMs: number;
  batchMaxRows: number;
  batchMaxBytes: number;
  flushIntervalMs: number;
  queueStorage: 'memory' | 'wal';
  queueDirectory: string;
  queueFsync: 'never' | 'interval' | 'always';
  queueFsyncIntervalMs: number;
  queueSegmentBytes: number;
  queueMaxBatches: number;
  queueMaxBytes: number;
  onFull: 'block' | 'drop';
  blockTimeoutMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  retryMaxElapsedMs: number;
  retryMultiplier: number;
  retryRandomization: number;
  shutdownTimeoutMs: number;
  dedupWindow: number;
  body: BodyStorage;
  templatesTable: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every problem found, with paths relative to the exporter; [] when valid. */
export function validateConfig(cfg: ClickHouseExporterConfig): string[] {
  const errors: string[] = [];
  try {
    resolveConfig(cfg, errors);
  } catch (e) {
    if (errors.length === 0) errors.push((e as Error).message);
  }
  return errors;
}

/** Resolves units; throws with every problem listed when the config is invalid. */
export function resolveConfig(cfg: ClickHouseExporterConfig, errors: string[] = []): ResolvedClickHouseExporterConfig {
  const d = createDefaultConfig();
  const c = {
    ...d,
    ...cfg,
    table_engine: { ...d.table_engine, ...cfg.table_engine },
    batch: { ...d.batch, ...cfg.batch },
    queue: { ...d.queue, ...cfg.queue } as Required<ClickHouseExporterConfig['queue']>,
    retry: { ...d.retry, ...cfg.retry },
  };
  const duration = (v: string | number, path: string, positive = false): number => {
    try {
      const ms = parseDuration(v, path);
      if (positive && ms === 0) errors.push(`${path}: must be positive`);
      return ms;
    } catch (e) {
      errors.push((e as Error).message);
      return 0;
    }
  };
  const size = (v: string | number, path: string, positive = false): number => {
    try {
      const bytes = parseSize(v, path);
      if (positive && bytes === 0) errors.push(`${path}: must be positive`);
      return bytes;
    } catch (e) {
      errors.push((e as Error).message);
      return 0;
    }
  };
  const positiveInt = (v: unknown, path: string, allowZero = false): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || (!allowZero && v === 0)) {
      errors.push(`${path}: must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(v)}`);
      return 0;
    }
    return v;
  };

  if (typeof c.endpoint !== 'string' || !/^(chdb:\/\/.+|https?:\/\/.+)$/.test(c.endpoint)) {
    errors.push(`endpoint: must be chdb://<folder> or http(s)://host:port, got ${JSON.stringify(c.endpoint)}`);
  }
  if (typeof c.database !== 'string' || !IDENT.test(c.database)) errors.push(`database: must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(c.database)}`);
  if (typeof c.logs_table_name !== 'string' || !IDENT.test(c.logs_table_name)) {
    errors.push(`logs_table_name: must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(c.logs_table_name)}`);
  }
  if (typeof c.create_schema !== 'boolean') errors.push(`create_schema: must be true or false, got ${JSON.stringify(c.create_schema)}`);
  if (typeof c.cluster_name !== 'string' || (c.cluster_name !== '' && !IDENT.test(c.cluster_name))) {
    errors.push(`cluster_name: must be an identifier or empty, got ${JSON.stringify(c.cluster_name)}`);
  }
  if (typeof c.table_engine.name !== 'string' || !IDENT.test(c.table_engine.name)) {
    errors.push(`table_engine.name: must be an engine name such as MergeTree, got ${JSON.stringify(c.table_engine.name)}`);
  }
  if (typeof c.table_engine.params !== 'string') errors.push('table_engine.params: must be a string');
  if (c.distributed && !c.cluster_name) errors.push('distributed: needs cluster_name');
  if (c.endpoint?.startsWith?.('chdb://') && c.cluster_name) errors.push('cluster_name: not available with an embedded chdb:// endpoint');
  if (c.body !== 'stored' && c.body !== 'rendered') errors.push(`body: must be "stored" or "rendered", got ${JSON.stringify(c.body)}`);
  if (typeof c.templates_table_name !== 'string' || !IDENT.test(c.templates_table_name) || c.templates_table_name === c.logs_table_name) {
    errors.push(`templates_table_name: must be an identifier other than logs_table_name, got ${JSON.stringify(c.templates_table_name)}`);
  }
  if (c.queue.storage !== 'memory' && c.queue.storage !== 'wal') errors.push(`queue.storage: must be "memory" or "wal", got ${JSON.stringify(c.queue.storage)}`);
  if (typeof c.queue.directory !== 'string') errors.push(`queue.directory: must be a folder path, got ${JSON.stringify(c.queue.directory)}`);
  else if (c.queue.storage === 'wal' && c.queue.directory.trim() === '') errors.push('queue.directory: required with storage: wal');
  if (!['never', 'interval', 'always'].includes(c.queue.fsync)) errors.push(`queue.fsync: must be "never", "interval" or "always", got ${JSON.stringify(c.queue.fsync)}`);
  if (c.queue.on_full !== 'block' && c.queue.on_full !== 'drop') errors.push(`queue.on_full: must be "block" or "drop", got ${JSON.stringify(c.queue.on_full)}`);
  if (typeof c.retry.multiplier !== 'number' || !(c.retry.multiplier >= 1)) errors.push(`retry.multiplier: must be a number >= 1, got ${JSON.stringify(c.retry.multiplier)}`);
  if (typeof c.retry.randomization_factor !== 'number' || !(c.retry.randomization_factor >= 0 && c.retry.randomization_factor < 1)) {
    errors.push(`retry.randomization_factor: must be in [0, 1), got ${JSON.stringify(c.retry.randomization_factor)}`);
  }

  const resolved: ResolvedClickHouseExporterConfig = {
    endpoint: c.endpoint,
    username: c.username || undefined,
    password: c.password || undefined,
    database: c.database,
    table: c.logs_table_name,
    createSchema: c.create_schema,
    ttlSeconds: Math.floor(duration(c.ttl, 'ttl') / 1000),
    clusterName: c.cluster_name,
    tableEngine: c.table_engine,
    distributed: c.distributed,
    timeoutMs: duration(c.timeout, 'timeout', true),
    batchMaxRows: positiveInt(c.batch.max_rows, 'batch.max_rows'),
    batchMaxBytes: size(c.batch.max_bytes, 'batch.max_bytes', true),
    flushIntervalMs: duration(c.batch.flush_interval, 'batch.flush_interval'),
    queueStorage: c.queue.storage,
    queueDirectory: c.queue.directory,
    queueFsync: c.queue.fsync,
    queueFsyncIntervalMs: duration(c.queue.fsync_interval, 'queue.fsync_interval', true),
    queueSegmentBytes: size(c.queue.segment_size, 'queue.segment_size', true),
    queueMaxBatches: positiveInt(c.queue.max_batches, 'queue.max_batches', true),
    queueMaxBytes: size(c.queue.max_bytes, 'queue.max_bytes'),
    onFull: c.queue.on_full,
    blockTimeoutMs: duration(c.queue.block_timeout, 'queue.block_timeout'),
    retryInitialMs: duration(c.retry.initial_interval, 'retry.initial_interval', true),
    retryMaxMs: duration(c.retry.max_interval, 'retry.max_interval'),
    retryMaxElapsedMs: duration(c.retry.max_elapsed, 'retry.max_elapsed'),
    retryMultiplier: c.retry.multiplier,
    retryRandomization: c.retry.randomization_factor,
    shutdownTimeoutMs: duration(c.shutdown_timeout, 'shutdown_timeout'),
    dedupWindow: positiveInt(c.dedup_window, 'dedup_window'),
    body: c.body,
    templatesTable: c.templates_table_name,
  };
  if (resolved.retryMaxMs < resolved.retryInitialMs) errors.push('retry.max_interval: must be >= retry.initial_interval');
  if (errors.length) throw new Error(`invalid clickhouse exporter config: ${errors.join('; ')}`);
  return resolved;
}
