/**
 * Control rules in ClickHouse: table `control_rules`, one row per write.
 *
 * Several collectors share the table with no other coordination:
 *   - every write (set, clear = a row with Deleted = 1) carries a Version that is
 *     higher than every version its writer has seen, and unique per writer
 *     (see ControlPlane's version scheme in store.ts), so for each (target, source) the highest version is the
 *     current state everywhere;
 *   - ReplacingMergeTree(Version) keeps only that row in the background; readers
 *     do not wait for merges: `readLatest` takes argMax(..., Version) per key, so
 *     unmerged parts never show an older state;
 *   - change detection is a cheap signature (count, max and sum of Version): any
 *     insert changes it (a merge may too, which only costs one extra read).
 *
 * Legacy servers (18.16): DateTime seconds instead of DateTime64(3), no
 * LowCardinality; the same columns otherwise.
 *
 * The ControlPlane service (store.ts) is the only user.
 */
import type { ClickHouseStore } from '../storage/clickhouse-client';
import type { ClickHouseCapabilities } from '../storage/clickhouse-version';
import { quoteIdent } from '../storage/clickhouse-params';
import { tsvEscape } from '../storage/clickhouse-logs-encoder';
import type { TableEngine } from '../storage/clickhouse-schema';
import type { ControlRule, RuleSource, RuleState } from './rules';

export const DEFAULT_CONTROL_TABLE = 'control_rules';

export interface ControlTableOptions {
  database: string;
  /** Default control_rules. */
  table?: string;
  /** `ON CLUSTER <name>` on the DDL when set. */
  clusterName?: string;
  /** A Replicated engine here makes the table ReplicatedReplacingMergeTree with the same params. */
  tableEngine?: TableEngine;
}

export type ControlSchemaKind = 'full' | 'legacy';

export function selectControlSchema(caps: ClickHouseCapabilities): ControlSchemaKind {
  return caps.hasDateTime64 && caps.hasLowCardinality ? 'full' : 'legacy';
}

/** A stored row: a rule, or a tombstone (`deleted`) that clears its (target, source). */
export interface StoredRule extends ControlRule {
  deleted: boolean;
}

export function controlTableName(opts: ControlTableOptions): string {
  return `${quoteIdent(opts.database)}.${quoteIdent(opts.table ?? DEFAULT_CONTROL_TABLE)}`;
}

function onCluster(opts: ControlTableOptions): string {
  return opts.clusterName ? ` ON CLUSTER ${quoteIdent(opts.clusterName)}` : '';
}

function engineOf(opts: ControlTableOptions): string {
  const e = opts.tableEngine;
  if (e && /^Replicated/.test(e.name)) return `ReplicatedReplacingMergeTree(${e.params ? e.params + ', ' : ''}Version)`;
  return 'ReplacingMergeTree(Version)';
}

/** CREATE DATABASE + CREATE TABLE (idempotent). */
export function controlTableSql(kind: ControlSchemaKind, opts: ControlTableOptions): string[] {
  const full = kind === 'full';
  const lc = (t: string) => (full ? `LowCardinality(${t})` : t);
  const time = full ? 'DateTime64(3)' : 'DateTime';
  const columns = [
    `ServiceName ${lc('String')}`,
    'ServiceInstance String',
    'Function String',
    'TemplateId UInt64',
    `Source ${lc('String')}`,
    `State ${lc('String')}`,
    'SampleRate Float64',
    'MinSeverity UInt8',
    'Reason String',
    'UpdatedBy String',
    `UpdatedAt ${time}`,
    `ExpiresAt ${time}`,
    'Deleted UInt8',
    'Version UInt64',
  ];
  return [
    `CREATE DATABASE IF NOT EXISTS ${quoteIdent(opts.database)}${onCluster(opts)}`,
    [
      `CREATE TABLE IF NOT EXISTS ${controlTableName(opts)}${onCluster(opts)} (`,
      columns.map((c) => `    ${c}`).join(',\n'),
      `) ENGINE = ${engineOf(opts)}`,
      'ORDER BY (ServiceName, ServiceInstance, Function, TemplateId, Source)',
    ].join('\n'),
  ];
}

const COLUMNS = [
  'ServiceName',
  'ServiceInstance',
  'Function',
  'TemplateId',
  'Source',
  'State',
  'SampleRate',
  'MinSeverity',
  'Reason',
  'UpdatedBy',
  'UpdatedAt',
  'ExpiresAt',
  'Deleted',
  'Version',
] as const;

function timeText(ms: number, kind: ControlSchemaKind): string {
  const t = Math.max(0, Math.floor(ms));
  // Ten digits: ClickHouse reads a 10-digit number as a unix timestamp (a shorter one, e.g. 0, is not).
  const seconds = String(Math.floor(t / 1000)).padStart(10, '0');
  return kind === 'full' ? `${seconds}.${String(t % 1000).padStart(3, '0')}` : seconds;
}

/** Result aliases differ from column names: an alias equal to a column name would shadow it inside the other aggregates. */
interface LatestRow {
  service: string;
  instance: string;
  fn: string;
  template_id: string;
  source: string;
  state: string;
  sample_rate: number;
  min_severity: number;
  reason: string;
  updated_by: string;
  updated_at_ms: string | number;
  expires_at_ms: string | number;
  deleted: number;
  version: string;
}

/** Reads and writes the rules table of one store. */
export class ControlRulesTable {
  readonly kind: ControlSchemaKind;

  constructor(
    private readonly store: ClickHouseStore,
    readonly options: ControlTableOptions,
  ) {
    this.kind = selectControlSchema(store.capabilities);
  }

  get tableName(): string {
    return controlTableName(this.options);
  }

  async createSchema(): Promise<void> {
    for (const sql of controlTableSql(this.kind, this.options)) await this.store.command(sql);
  }

  async write(rows: readonly StoredRule[]): Promise<void> {
    if (rows.length === 0) return;
    let body = '';
    for (const r of rows) {
      body +=
        [
          tsvEscape(r.target.service),
          tsvEscape(r.target.instance),
          tsvEscape(r.target.function),
          r.target.templateId.toString(),
          r.source,
          r.state,
          String(r.sampleRate),
          String(r.minSeverity),
          tsvEscape(r.reason),
          tsvEscape(r.updatedBy),
          timeText(r.updatedAt, this.kind),
          timeText(r.expiresAt, this.kind),
          r.deleted ? '1' : '0',
          r.version.toString(),
        ].join('\t') + '\n';
    }
    await this.store.insertFormatted({
      table: `${this.options.database}.${this.options.table ?? DEFAULT_CONTROL_TABLE}`,
      columns: COLUMNS,
      format: 'TabSeparated',
      body: Buffer.from(body, 'utf8'),
    });
  }

  /** Changes whenever a row is inserted (and possibly when parts merge). */
  async signature(): Promise<string> {
    const rows = await this.store.query<{ n: string | number; v: string | number; s: string | number }>(
      `SELECT count() AS n, max(Version) AS v, sum(Version) AS s FROM ${this.tableName}`,
    );
    const r = rows[0];
    return r ? `${r.n}/${r.v}/${r.s}` : '';
  }

  /** The newest row of every (target, source), tombstones included. */
  async readLatest(): Promise<StoredRule[]> {
    const ms = (col: string) =>
      this.kind === 'full' ? `toUnixTimestamp64Milli(argMax(${col}, Version))` : `toUInt64(toUnixTimestamp(argMax(${col}, Version))) * 1000`;
    const rows = await this.store.query<LatestRow>(
      [
        'SELECT ServiceName AS service, ServiceInstance AS instance, Function AS fn, TemplateId AS template_id, Source AS source,',
        '    argMax(State, Version) AS state, argMax(SampleRate, Version) AS sample_rate,',
        '    argMax(MinSeverity, Version) AS min_severity, argMax(Reason, Version) AS reason,',
        `    argMax(UpdatedBy, Version) AS updated_by, ${ms('UpdatedAt')} AS updated_at_ms, ${ms('ExpiresAt')} AS expires_at_ms,`,
        '    argMax(Deleted, Version) AS deleted, max(Version) AS version',
        `FROM ${this.tableName}`,
        'GROUP BY ServiceName, ServiceInstance, Function, TemplateId, Source',
      ].join('\n'),
    );
    const out: StoredRule[] = [];
    for (const r of rows) {
      const source = r.source as RuleSource;
      const state = r.state as RuleState;
      const rate = Number(r.sample_rate);
      // Rows written by something else than this code are skipped rather than trusted.
      if ((source !== 'manual' && source !== 'auto') || (state !== 'on' && state !== 'off' && state !== 'auto') || r.service === '') continue;
      out.push({
        target: { service: r.service, instance: r.instance, function: r.fn, templateId: BigInt(r.template_id) },
        state,
        sampleRate: rate > 0 && rate <= 1 ? rate : 1,
        minSeverity: Number(r.min_severity),
        source,
        reason: r.reason,
        version: BigInt(r.version),
        updatedAt: Number(r.updated_at_ms),
        updatedBy: r.updated_by,
        expiresAt: Number(r.expires_at_ms),
        deleted: Number(r.deleted) === 1,
      });
    }
    return out;
  }
}
