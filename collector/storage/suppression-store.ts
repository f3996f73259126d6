/**
 * ClickHouse storage of the spam balancer's decisions: table `log_suppression`,
 * one row per event —
 *
 *   mute      a key was muted by AUTO (with the detection figures and the reason);
 *   summary   N records of the key were suppressed in a period (the same counts as
 *             the summary record in the logs: SdkDropped + CollectorDropped);
 *   unmute    the mute was lifted (rate fell back, strategy off, shutdown), with the
 *             totals known at that moment (late SDK reports go to a final summary);
 *   override  a manual rule took the key over (while muted, or when it would have been).
 *
 * "How many records of template T were suppressed last week" is
 *   SELECT sum(Suppressed) FROM log_suppression FINAL
 *   WHERE Action = 'summary' AND ServiceName = ... AND TemplateId = ... AND Time >= ...
 *
 * Idempotent writes: every row has a random EventId; the engine is
 * ReplacingMergeTree ordered by (ServiceName, Time, EventId), so a row sent twice
 * (a retry after an ambiguous failure) collapses into one; readers use FINAL
 * (collapsing rows not merged yet). Works the same on 18.16.
 *
 * Schema variants by server capabilities: 'full' (DateTime64(3), LowCardinality,
 * codecs; chDB and modern servers) and 'legacy' (ClickHouse 18.16: DateTime seconds,
 * plain String, no codecs). Same columns and queries otherwise.
 */
import { randomBytes } from 'crypto';
import type { ClickHouseStore } from './clickhouse-client';
import type { ClickHouseCapabilities } from './clickhouse-version';
import { quoteIdent } from './clickhouse-params';
import { tsvEscape } from './clickhouse-logs-encoder';
import { storableMs } from './time-bounds';

export const SUPPRESSION_TABLE = 'log_suppression';

export type SuppressionAction = 'mute' | 'summary' | 'unmute' | 'override';
export type SuppressionSchemaKind = 'full' | 'legacy';

export interface SuppressionRow {
  timeMs: number;
  service: string;
  /**
   * The sender scope of the key (processors/spam: service.instance.id or stream
   * session) when keys are per sender. In memory only (listeners, recent
   * decisions): the table has no column for it, the reason names it.
   */
  instance?: string;
  kind: 'template' | 'function';
  /** 0n for function keys. */
  templateId: bigint;
  /** The template's text when known ('' otherwise). */
  templateText: string;
  /** '' for template keys. */
  function: string;
  action: SuppressionAction;
  /** mute: the detection reason; unmute: the cause; override: the manual mode. */
  reason: string;
  strategy: string;
  /** sdkDropped + collectorDropped. */
  suppressed: number;
  sdkDropped: number;
  collectorDropped: number;
  /** summary: the start of the period; others: the event time. */
  windowStartMs: number;
  mutedSinceMs: number;
  /** Records/s (mute: detected rate; unmute: offered rate); NaN when not applicable. */
  rate: number;
  baselineRate: number;
  zScore: number;
  entropy: number;
  collectorId: string;
  eventId: bigint;
}

export function selectSuppressionSchema(caps: ClickHouseCapabilities): SuppressionSchemaKind {
  return caps.hasDateTime64 && caps.hasLowCardinality && caps.hasCodecs ? 'full' : 'legacy';
}

export function newEventId(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}

const COLUMNS = [
  'Time',
  'ServiceName',
  'TargetKind',
  'TemplateId',
  'TemplateText',
  'Function',
  'Action',
  'Reason',
  'Strategy',
  'Suppressed',
  'SdkDropped',
  'CollectorDropped',
  'WindowStart',
  'MutedSince',
  'Rate',
  'BaselineRate',
  'ZScore',
  'Entropy',
  'CollectorId',
  'EventId',
] as const;

/** CREATE statements (database, table), idempotent. */
export function suppressionSchemaSql(kind: SuppressionSchemaKind, database: string, table = SUPPRESSION_TABLE): string[] {
  const full = kind === 'full';
  const db = quoteIdent(database);
  const lc = full ? 'LowCardinality(String)' : 'String';
  const zstd = full ? ' CODEC(ZSTD(1))' : '';
  const time = full ? 'DateTime64(3)' : 'DateTime';
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${quoteIdent(table)} (
    Time ${time}${full ? ' CODEC(Delta, ZSTD(1))' : ''},
    ServiceName ${lc},
    TargetKind ${lc},
    TemplateId UInt64,
    TemplateText String${zstd},
    Function String${zstd},
    Action ${lc},
    Reason String${zstd},
    Strategy ${lc},
    Suppressed UInt64,
    SdkDropped UInt64,
    CollectorDropped UInt64,
    WindowStart ${time},
    MutedSince ${time},
    Rate Float64,
    BaselineRate Float64,
    ZScore Float64,
    Entropy Float64,
    CollectorId ${lc},
    EventId UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(Time)
ORDER BY (ServiceName, Time, EventId)`,
  ];
}

/** Time text clamped to what the column holds (time-bounds.ts): no row can fail an insert for its time. */
function timeText(ms: number, kind: SuppressionSchemaKind): string {
  const t = storableMs(ms);
  const seconds = String(Math.floor(t / 1000)).padStart(10, '0');
  return kind === 'full' ? `${seconds}.${String(t % 1000).padStart(3, '0')}` : seconds;
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

function uintText(n: number): string {
  return String(Math.max(0, Math.trunc(n)));
}

export interface SuppressionQuery {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  service?: string;
  action?: SuppressionAction;
  templateId?: bigint;
  function?: string;
  /** Default 1000. */
  limit?: number;
  signal?: AbortSignal;
}

/** Reads and writes log_suppression in one database through a ClickHouseStore. */
export class SuppressionStore {
  readonly kind: SuppressionSchemaKind;

  constructor(
    readonly store: ClickHouseStore,
    readonly database: string,
    readonly table = SUPPRESSION_TABLE,
  ) {
    this.kind = selectSuppressionSchema(store.capabilities);
  }

  private get qualified(): string {
    return `${quoteIdent(this.database)}.${quoteIdent(this.table)}`;
  }

  async createSchema(): Promise<void> {
    for (const sql of suppressionSchemaSql(this.kind, this.database, this.table)) await this.store.command(sql);
  }

  async insert(rows: readonly SuppressionRow[], signal?: AbortSignal): Promise<void> {
    if (rows.length === 0) return;
    let body = '';
    for (const r of rows) {
      body +=
        [
          timeText(r.timeMs, this.kind),
          tsvEscape(r.service),
          r.kind,
          BigInt.asUintN(64, r.templateId).toString(),
          tsvEscape(r.templateText),
          tsvEscape(r.function),
          r.action,
          tsvEscape(r.reason),
          tsvEscape(r.strategy),
          uintText(r.suppressed),
          uintText(r.sdkDropped),
          uintText(r.collectorDropped),
          timeText(r.windowStartMs, this.kind),
          timeText(r.mutedSinceMs, this.kind),
          floatText(r.rate),
          floatText(r.baselineRate),
          floatText(r.zScore),
          floatText(r.entropy),
          tsvEscape(r.collectorId),
          BigInt.asUintN(64, r.eventId).toString(),
        ].join('\t') + '\n';
    }
    // Identifiers are checked by the config ([A-Za-z_][A-Za-z0-9_]*): plain `db.table` for inserts.
    await this.store.insertFormatted({ table: `${this.database}.${this.table}`, columns: COLUMNS, format: 'TabSeparated', body: Buffer.from(body, 'utf8'), signal });
  }

  /** Rows in a time range, oldest first (duplicates of a retried write collapsed). */
  async query(q: SuppressionQuery): Promise<SuppressionRow[]> {
    const params: Record<string, unknown> = { from: Math.floor(q.fromMs / 1000), to: Math.ceil(q.toMs / 1000) };
    const filters = ['Time >= toDateTime({from:UInt32})', 'Time < toDateTime({to:UInt32})'];
    if (q.service !== undefined) {
      filters.push('ServiceName = {service:String}');
      params.service = q.service;
    }
    if (q.action !== undefined) {
      filters.push('Action = {action:String}');
      params.action = q.action;
    }
    if (q.templateId !== undefined) {
      filters.push('TemplateId = {templateId:UInt64}');
      params.templateId = q.templateId.toString();
    }
    if (q.function !== undefined) {
      filters.push('Function = {fn:String}');
      params.fn = q.function;
    }
    const ms = (col: string) => (this.kind === 'full' ? `toUnixTimestamp64Milli(${col})` : `toUInt64(toUInt32(${col})) * 1000`);
    const rows = await this.store.query<Record<string, string | number>>(
      `SELECT ${ms('Time')} AS time_ms, ServiceName, TargetKind, toString(TemplateId) AS template_id, TemplateText, Function, Action, Reason, Strategy,
    Suppressed, SdkDropped, CollectorDropped, ${ms('WindowStart')} AS window_start_ms, ${ms('MutedSince')} AS muted_since_ms,
    toString(Rate) AS rate, toString(BaselineRate) AS baseline_rate, toString(ZScore) AS z_score, toString(Entropy) AS entropy,
    CollectorId, toString(EventId) AS event_id
FROM ${this.qualified} FINAL
WHERE ${filters.join(' AND ')}
ORDER BY time_ms, event_id
LIMIT ${Math.max(1, Math.floor(q.limit ?? 1000))}`,
      params,
      { signal: q.signal },
    );
    return rows.map((r) => ({
      timeMs: Number(r.time_ms),
      service: String(r.ServiceName),
      kind: String(r.TargetKind) as SuppressionRow['kind'],
      templateId: BigInt(String(r.template_id)),
      templateText: String(r.TemplateText),
      function: String(r.Function),
      action: String(r.Action) as SuppressionAction,
      reason: String(r.Reason),
      strategy: String(r.Strategy),
      suppressed: Number(r.Suppressed),
      sdkDropped: Number(r.SdkDropped),
      collectorDropped: Number(r.CollectorDropped),
      windowStartMs: Number(r.window_start_ms),
      mutedSinceMs: Number(r.muted_since_ms),
      rate: parseFloatText(r.rate),
      baselineRate: parseFloatText(r.baseline_rate),
      zScore: parseFloatText(r.z_score),
      entropy: parseFloatText(r.entropy),
      collectorId: String(r.CollectorId),
      eventId: BigInt(String(r.event_id)),
    }));
  }

  /** Suppressed records per key (summary rows) in a time range. */
  async totals(q: { fromMs: number; toMs: number; service?: string; signal?: AbortSignal }): Promise<
    { service: string; kind: 'template' | 'function'; templateId: bigint; function: string; suppressed: number; sdkDropped: number; collectorDropped: number }[]
  > {
    const params: Record<string, unknown> = { from: Math.floor(q.fromMs / 1000), to: Math.ceil(q.toMs / 1000) };
    const filters = ["Action = 'summary'", 'Time >= toDateTime({from:UInt32})', 'Time < toDateTime({to:UInt32})'];
    if (q.service !== undefined) {
      filters.push('ServiceName = {service:String}');
      params.service = q.service;
    }
    const rows = await this.store.query<Record<string, string | number>>(
      `SELECT ServiceName, TargetKind, toString(TemplateId) AS template_id, Function, sum(Suppressed) AS suppressed, sum(SdkDropped) AS sdk, sum(CollectorDropped) AS collector
FROM ${this.qualified} FINAL
WHERE ${filters.join(' AND ')}
GROUP BY ServiceName, TargetKind, TemplateId, Function
ORDER BY suppressed DESC, ServiceName, template_id, Function`,
      params,
      { signal: q.signal },
    );
    return rows.map((r) => ({
      service: String(r.ServiceName),
      kind: String(r.TargetKind) as 'template' | 'function',
      templateId: BigInt(String(r.template_id)),
      function: String(r.Function),
      suppressed: Number(r.suppressed),
      sdkDropped: Number(r.sdk),
      collectorDropped: Number(r.collector),
    }));
  }
}

function parseFloatText(v: unknown): number {
  const s = String(v).toLowerCase();
  if (s === 'nan' || s === '-nan') return NaN;
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}
