/**
 * Configuration of the `httpstats` processor (YAML keys snake_case).
 *
 *   processors:
 *     httpstats:
 *       interval: 10s
 *       exporter: clickhouse          # whose store receives the aggregates (default: the first clickhouse exporter)
 *       alerts:
 *         rate_threshold: 50          # req/s over rate_window
 *         webhook: { url: https://hooks.example/alerts }
 *
 * Durations are "10s", "2m", "1h" or milliseconds.
 */
import * as os from 'os';
import { isPlainObject, mergeConfig } from '../../collector/config/merge';
import { configChecks } from '../../collector/config/checks';

export const ALERT_GROUPINGS = ['service', 'service_host', 'all'] as const;
export type AlertGrouping = (typeof ALERT_GROUPINGS)[number];

export interface HttpStatsProcessorConfig {
  /** Aggregation interval (rows are written per interval, per service and host). */
  interval: string | number;
  /**
   * How long an interval waits for late records after it ended (by the records'
   * own time). Records arriving later still count: they make another partial row.
   */
  lateness: string | number;
  /** Parse string bodies of records without HTTP attributes as access-log lines (CLF/Combined, CSV). */
  parse_body: boolean;
  /** Paths kept by name per interval row (the rest summed as "(other)"). */
  top_paths: number;
  /** Sections kept by name per interval row. */
  top_sections: number;
  /** Distinct paths counted by name per interval and key before new ones count as "(other)". */
  max_distinct_paths: number;
  /**
   * (interval, service, host) rows being aggregated at once, over every open interval (records'
   * times reach a day ahead); a request that needs one more is not counted (records_skipped reason state_limit).
   */
  max_open_rows: number;
  /** Write aggregates and alerts to ClickHouse. */
  store: boolean;
  /** Id of the clickhouse exporter whose store to use ('' = the first clickhouse exporter). Ignored when endpoint is set. */
  exporter: string;
  /** A store of our own instead of an exporter's: chdb://<folder> or http(s)://host:port. */
  endpoint: string;
  username: string;
  password: string;
  /** Database of the tables ('' = the exporter store's database, else "otel"). */
  database: string;
  create_schema: boolean;
  /** Raw 10 s rows are deleted after this long (0 = kept; needs a server with TTL); rollups are kept. */
  raw_ttl: string | number;
  /** Names this collector in the rows it writes (partial aggregates of several collectors add up). Default: the host name. */
  collector_id: string;
  /** Writes: retries back off up to this interval; a pending write is given up after max_elapsed ('0' = never). */
  write: {
    flush_interval: string | number;
    retry_max_interval: string | number;
    max_elapsed: string | number;
    /** Rows waiting to be written at most; beyond, the oldest are dropped and counted. */
    max_pending_rows: number;
    shutdown_timeout: string | number;
  };
  alerts: {
    enabled: boolean;
    /** Which key an alert is about. */
    group_by: AlertGrouping;
    short_window: string | number;
    long_window: string | number;
    /** traffic_spike raises when the short average exceeds the long one times this. */
    ratio: number;
    /** traffic_spike needs at least this many req/s in the short window. */
    min_rate: number;
    rate_window: string | number;
    /** high_traffic raises when the average req/s over rate_window exceeds this; 0 disables the rule. */
    rate_threshold: number;
    /** Hysteresis: a figure must fall to limit × recovery_ratio to recover. */
    recovery_ratio: number;
    webhook: {
      /** '' = no webhook. */
      url: string;
      timeout: string | number;
      /** Attempts after the first one. */
      retries: number;
      retry_interval: string | number;
      headers: Record<string, string>;
    };
  };
}

export function createDefaultHttpStatsConfig(): HttpStatsProcessorConfig {
  return {
    interval: '10s',
    lateness: '2s',
    parse_body: true,
    top_paths: 50,
    top_sections: 50,
    max_distinct_paths: 10_000,
    max_open_rows: 20_000,
    store: true,
    exporter: '',
    endpoint: '',
    username: '',
    password: '',
    database: '',
    create_schema: true,
    raw_ttl: 0,
    collector_id: '',
    write: { flush_interval: '1s', retry_max_interval: '30s', max_elapsed: '0', max_pending_rows: 100_000, shutdown_timeout: '10s' },
    alerts: {
      enabled: true,
      group_by: 'service',
      short_window: '2m',
      long_window: '20m',
      ratio: 1.5,
      min_rate: 1,
      rate_window: '2m',
      rate_threshold: 10,
      recovery_ratio: 0.9,
      webhook: { url: '', timeout: '5s', retries: 3, retry_interval: '1s', headers: {} },
    },
  };
}

/** The config with durations in milliseconds and defaults filled in. */
export interface ResolvedHttpStatsConfig {
  intervalMs: number;
  latenessMs: number;
  parseBody: boolean;
  topPaths: number;
  topSections: number;
  maxDistinctPaths: number;
  maxOpenRows: number;
  store: boolean;
  exporter: string;
  endpoint: string;
  username?: string;
  password?: string;
  database: string;
  createSchema: boolean;
  rawTtlSeconds: number;
  collectorId: string;
  flushIntervalMs: number;
  retryMaxIntervalMs: number;
  maxElapsedMs: number;
  maxPendingRows: number;
  shutdownTimeoutMs: number;
  alerts: {
    enabled: boolean;
    groupBy: AlertGrouping;
    shortWindowMs: number;
    longWindowMs: number;
    ratio: number;
    minRate: number;
    rateWindowMs: number;
    rateThreshold: number;
    recoveryRatio: number;
    webhook: { url: string; timeoutMs: number; retries: number; retryIntervalMs: number; headers: Record<string, string> };
  };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Resolves units; every problem goes to `errors` (paths relative to the processor). */
export function resolveHttpStatsConfig(c: HttpStatsProcessorConfig, errors: string[] = []): ResolvedHttpStatsConfig {
  const checks = configChecks(errors);
  const duration = (v: string | number, path: string, positive = false): number => checks.duration(v, path, positive);
  const { integer, number, bool } = checks;

  const intervalMs = duration(c.interval, 'interval', true);
  // Rollups to 1 min / 1 h need every interval inside one minute (or whole minutes inside one hour).
  if (intervalMs > 0 && !(intervalMs % 1000 === 0 && (60_000 % intervalMs === 0 || (intervalMs % 60_000 === 0 && 3_600_000 % intervalMs === 0)))) {
    errors.push(`interval: must be whole seconds dividing a minute (1s .. 30s, 1m) or whole minutes dividing an hour, got ${JSON.stringify(c.interval)}`);
  }
  if (typeof c.endpoint !== 'string' || (c.endpoint !== '' && !/^(chdb:\/\/.+|https?:\/\/.+)$/.test(c.endpoint))) {
    errors.push(`endpoint: must be '' or chdb://<folder> or http(s)://host:port, got ${JSON.stringify(c.endpoint)}`);
  }
  if (typeof c.exporter !== 'string') errors.push('exporter: must be an exporter id');
  if (typeof c.database !== 'string' || (c.database !== '' && !IDENT.test(c.database))) {
    errors.push(`database: must be '' or an identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(c.database)}`);
  }
  if (typeof c.collector_id !== 'string') errors.push('collector_id: must be a string');
  const a = c.alerts;
  if (!(ALERT_GROUPINGS as readonly string[]).includes(a.group_by)) {
    errors.push(`alerts.group_by: must be one of ${ALERT_GROUPINGS.join(', ')}, got ${JSON.stringify(a.group_by)}`);
  }
  const shortWindowMs = duration(a.short_window, 'alerts.short_window', true);
  const longWindowMs = duration(a.long_window, 'alerts.long_window', true);
  if (shortWindowMs > 0 && longWindowMs > 0 && longWindowMs <= shortWindowMs) errors.push('alerts.long_window: must be longer than alerts.short_window');
  for (const [name, ms] of [['short_window', shortWindowMs], ['long_window', longWindowMs], ['rate_window', duration(a.rate_window, 'alerts.rate_window', true)]] as const) {
    if (a.enabled !== false && intervalMs > 0 && ms > 0 && ms < intervalMs) errors.push(`alerts.${name}: must be at least one interval (${c.interval})`);
  }
  const w = a.webhook;
  if (typeof w.url !== 'string' || (w.url !== '' && !/^https?:\/\/[^\s]+$/.test(w.url))) {
    errors.push(`alerts.webhook.url: must be '' or an http(s) URL, got ${JSON.stringify(w.url)}`);
  }
  const headers: Record<string, string> = {};
  if (!isPlainObject(w.headers)) errors.push('alerts.webhook.headers: expected a mapping of header names to values');
  else {
    for (const [k, v] of Object.entries(w.headers)) {
      if (typeof v !== 'string' && typeof v !== 'number') errors.push(`alerts.webhook.headers.${k}: expected a string`);
      else headers[k] = String(v);
    }
  }

  return {
    intervalMs,
    latenessMs: duration(c.lateness, 'lateness'),
    parseBody: bool(c.parse_body, 'parse_body'),
    topPaths: integer(c.top_paths, 'top_paths', 1),
    topSections: integer(c.top_sections, 'top_sections', 1),
    maxDistinctPaths: integer(c.max_distinct_paths, 'max_distinct_paths', 1),
    maxOpenRows: integer(c.max_open_rows, 'max_open_rows', 1),
    store: bool(c.store, 'store'),
    exporter: String(c.exporter),
    endpoint: String(c.endpoint),
    username: c.username || undefined,
    password: c.password || undefined,
    database: String(c.database),
    createSchema: bool(c.create_schema, 'create_schema'),
    rawTtlSeconds: Math.floor(duration(c.raw_ttl, 'raw_ttl') / 1000),
    collectorId: c.collector_id || os.hostname(),
    flushIntervalMs: duration(c.write.flush_interval, 'write.flush_interval'),
    retryMaxIntervalMs: duration(c.write.retry_max_interval, 'write.retry_max_interval', true),
    maxElapsedMs: duration(c.write.max_elapsed, 'write.max_elapsed'),
    maxPendingRows: integer(c.write.max_pending_rows, 'write.max_pending_rows', 1),
    shutdownTimeoutMs: duration(c.write.shutdown_timeout, 'write.shutdown_timeout'),
    alerts: {
      enabled: bool(a.enabled, 'alerts.enabled'),
      groupBy: a.group_by,
      shortWindowMs,
      longWindowMs,
      ratio: number(a.ratio, 'alerts.ratio', (n) => n > 1, 'a number above 1'),
      minRate: number(a.min_rate, 'alerts.min_rate', (n) => n >= 0, 'a number >= 0'),
      rateWindowMs: duration(a.rate_window, 'alerts.rate_window', true),
      rateThreshold: number(a.rate_threshold, 'alerts.rate_threshold', (n) => n >= 0, 'a number >= 0 (0 disables)'),
      recoveryRatio: number(a.recovery_ratio, 'alerts.recovery_ratio', (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
      webhook: {
        url: String(w.url),
        timeoutMs: duration(w.timeout, 'alerts.webhook.timeout', true),
        retries: integer(w.retries, 'alerts.webhook.retries', 0),
        retryIntervalMs: duration(w.retry_interval, 'alerts.webhook.retry_interval'),
        headers,
      },
    },
  };
}

export function validateHttpStatsConfig(c: HttpStatsProcessorConfig): string[] {
  const errors: string[] = [];
  resolveHttpStatsConfig(c, errors);
  return errors;
}

/**
 * Merges the user's YAML over the defaults: strict everywhere (unknown keys are
 * errors) except alerts.webhook.headers, which takes any header names.
 */
export function unmarshalHttpStatsConfig(raw: unknown, where: string, errors: string[]): HttpStatsProcessorConfig {
  const defaults = createDefaultHttpStatsConfig();
  if (raw === undefined || raw === null) return defaults;
  if (!isPlainObject(raw)) {
    errors.push(`${where}: expected a mapping, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
    return defaults;
  }
  let headers: unknown;
  const alerts = raw.alerts;
  let rawCopy: Record<string, unknown> = raw;
  if (isPlainObject(alerts) && isPlainObject(alerts.webhook) && 'headers' in alerts.webhook) {
    const { headers: h, ...webhook } = alerts.webhook;
    headers = h;
    rawCopy = { ...raw, alerts: { ...alerts, webhook } };
  }
  const merged = mergeConfig(defaults, rawCopy, where, errors) as HttpStatsProcessorConfig;
  if (headers !== undefined && headers !== null) merged.alerts.webhook.headers = headers as Record<string, string>;
  return merged;
}
