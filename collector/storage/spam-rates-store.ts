/**
 * ClickHouse storage of the spam balancers' shared rates: table `spam_rates`, the
 * per-key bucket counts each collector's spam processor writes every
 * shared_rates.interval so that the others can judge a service's whole rate
 * (processors/spam/shared-rates.ts). One row per (write, key, bucket):
 *
 *   InsertedAt     DateTime, the server's clock at insert (DEFAULT now()): what
 *                  readers select on ("rows inserted in the last few seconds"), so
 *                  collectors' clocks never decide what is read
 *   WriteId        random per write; a write retried after an ambiguous failure
 *                  repeats it, and readers skip WriteIds they have seen (their own too)
 *   CollectorId    the writer (informational)
 *   ServiceName, Kind ('template' | 'function'), TemplateId (0 for function keys),
 *   Function ('' for template keys)
 *   BucketStartMs  the bucket's start, ms since the epoch (the writer's clock)
 *   BucketMs       the writer's bucket width (readers ignore rows of another width)
 *   Count          records the writer counted in the bucket since its previous write
 *                  (partials: a bucket may appear in several writes; they add up)
 *   OfferedCount   records of a muted key dropped there (SDK reports + collector
 *                  drops) in the bucket since the previous write
 *
 * Retention is short (shared_rates.retention, 1 h by default): rows are only read
 * for a few seconds after their insert. Partitioned by the hour of InsertedAt; on
 * servers with TTL a TTL drops old parts; on ClickHouse 18.16 (no TTL) the writer
 * drops partitions older than the retention itself (prune()). Schema variants as
 * suppression-store.ts: 'full' (LowCardinality, TTL) and 'legacy' (18.16).
 */
import { randomBytes } from 'crypto';
import type { ClickHouseStore } from './clickhouse-client';
import type { ClickHouseCapabilities } from './clickhouse-version';
import { quoteIdent } from './clickhouse-params';
import { tsvEscape } from './clickhouse-logs-encoder';
import { ttlClause } from './clickhouse-schema';

export const SPAM_RATES_TABLE = 'spam_rates';

export type SpamRatesSchemaKind = 'full' | 'legacy';

/** One key's counts in one bucket, as written by one collector. */
export interface SpamRateRow {
  service: string;
  kind: 'template' | 'function';
  /** 0n for function keys. */
  templateId: bigint;
  /** '' for template keys. */
  function: string;
  bucketStartMs: number;
  bucketMs: number;
  count: number;
  offered: number;
}

/** A row read back: which write it came from, and who wrote it. */
export interface StoredSpamRateRow extends SpamRateRow {
  writeId: bigint;
  collectorId: string;
}

export function selectSpamRatesSchema(caps: ClickHouseCapabilities): SpamRatesSchemaKind {
  return caps.hasLowCardinality && caps.hasTTL ? 'full' : 'legacy';
}

export function newWriteId(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}

const COLUMNS = ['WriteId', 'CollectorId', 'ServiceName', 'Kind', 'TemplateId', 'Function', 'BucketStartMs', 'BucketMs', 'Count', 'OfferedCount'] as const;

export interface SpamRatesSchemaOptions {
  table?: string;
  /** Retention in seconds (TTL on 'full'; 0 = none). Default 3600. */
  retentionSeconds?: number;
}

/**
 * CREATE statements (database, table), idempotent: the DDL of spam_rates for a
 * schema kind (what the spam processor runs at start with create_schema: true).
 */
export function spamRatesSchemaSql(kind: SpamRatesSchemaKind, database: string, options: SpamRatesSchemaOptions = {}): string[] {
  const full = kind === 'full';
  const db = quoteIdent(database);
  const lc = full ? 'LowCardinality(String)' : 'String';
  const ttl = full ? ttlClause(options.retentionSeconds ?? 3600, 'InsertedAt') : '';
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${quoteIdent(options.table ?? SPAM_RATES_TABLE)} (
    InsertedAt DateTime DEFAULT now(),
    WriteId UInt64,
    CollectorId ${lc},
    ServiceName ${lc},
    Kind ${lc},
    TemplateId UInt64,
    Function String,
    BucketStartMs UInt64,
    BucketMs UInt32,
    Count UInt32,
    OfferedCount UInt32
) ENGINE = MergeTree
PARTITION BY toStartOfHour(InsertedAt)
ORDER BY (InsertedAt, WriteId)${ttl ? `\n${ttl}` : ''}${full ? '\nSETTINGS ttl_only_drop_parts = 1' : ''}`,
  ];
}

function uint(n: number): string {
  return String(Math.max(0, Math.min(0xffffffff, Math.trunc(n))));
}

/** Reads and writes spam_rates in one database through a ClickHouseStore. */
export class SpamRatesStore {
  readonly kind: SpamRatesSchemaKind;

  constructor(
    readonly store: ClickHouseStore,
    readonly database: string,
    readonly table = SPAM_RATES_TABLE,
    readonly retentionSeconds = 3600,
  ) {
    this.kind = selectSpamRatesSchema(store.capabilities);
  }

  private get qualified(): string {
    return `${quoteIdent(this.database)}.${quoteIdent(this.table)}`;
  }

  async createSchema(): Promise<void> {
    for (const sql of spamRatesSchemaSql(this.kind, this.database, { table: this.table, retentionSeconds: this.retentionSeconds })) await this.store.command(sql);
  }

  /** Inserts one write (every row under `writeId`). */
  async insert(writeId: bigint, collectorId: string, rows: readonly SpamRateRow[], signal?: AbortSignal): Promise<void> {
    if (rows.length === 0) return;
    const id = BigInt.asUintN(64, writeId).toString();
    const collector = tsvEscape(collectorId);
    let body = '';
    for (const r of rows) {
      body +=
        [
          id,
          collector,
          tsvEscape(r.service),
          r.kind,
          BigInt.asUintN(64, r.templateId).toString(),
          tsvEscape(r.function),
          String(Math.max(0, Math.floor(r.bucketStartMs))),
          uint(r.bucketMs),
          uint(r.count),
          uint(r.offered),
        ].join('\t') + '\n';
    }
    // Identifiers are checked by the config ([A-Za-z_][A-Za-z0-9_]*): plain `db.table` for inserts.
    await this.store.insertFormatted({ table: `${this.database}.${this.table}`, columns: COLUMNS, format: 'TabSeparated', body: Buffer.from(body, 'utf8'), signal });
  }

  /** Rows inserted in the last `seconds` seconds by the server's clock (every writer's, this one's too). */
  async recent(seconds: number, signal?: AbortSignal): Promise<StoredSpamRateRow[]> {
    const rows = await this.store.query<Record<string, string | number>>(
      `SELECT toString(WriteId) AS write_id, CollectorId, ServiceName, Kind, toString(TemplateId) AS template_id, Function,
    toString(BucketStartMs) AS bucket_start_ms, BucketMs, Count, OfferedCount
FROM ${this.qualified}
WHERE InsertedAt >= now() - {seconds:UInt32}`,
      { seconds: Math.max(1, Math.ceil(seconds)) },
      { signal },
    );
    return rows.map((r) => ({
      writeId: BigInt(String(r.write_id)),
      collectorId: String(r.CollectorId),
      service: String(r.ServiceName),
      kind: String(r.Kind) === 'function' ? 'function' : 'template',
      templateId: BigInt(String(r.template_id)),
      function: String(r.Function),
      bucketStartMs: Number(r.bucket_start_ms),
      bucketMs: Number(r.BucketMs),
      count: Number(r.Count),
      offered: Number(r.OfferedCount),
    }));
  }

  /**
   * Drops hour partitions older than the retention (servers without TTL; a no-op
   * where the table has a TTL). Returns the partitions dropped.
   */
  async prune(nowMs: number = Date.now()): Promise<number> {
    if (this.kind === 'full' || !(this.retentionSeconds > 0)) return 0;
    const parts = await this.store.query<{ partition_id: string }>(
      `SELECT DISTINCT partition_id FROM system.parts WHERE database = {db:String} AND table = {table:String} AND active`,
      { db: this.database, table: this.table },
    );
    // partition_id of toStartOfHour(DateTime) is the hour's start in epoch seconds; a partition
    // is dropped once its whole hour is older than the retention.
    const limit = Math.floor(nowMs / 1000) - this.retentionSeconds - 3600;
    let dropped = 0;
    for (const p of parts) {
      const id = String(p.partition_id);
      if (!/^\d+$/.test(id) || Number(id) >= limit) continue;
      await this.store.command(`ALTER TABLE ${this.qualified} DROP PARTITION ID '${id}'`);
      dropped++;
    }
    return dropped;
  }
}
