/**
 * The replay half of the tail: the stored records from `since` up to the moment
 * the tail started, oldest first, page by page, with the tail's filters applied in
 * SQL (parameterised like console/logs-query.ts: nothing typed is spliced into
 * SQL text; every query has time bounds and a row limit).
 *
 * Paging is by time only and never skips or repeats a stored row, even while new
 * rows are inserted: a full page ending at time T yields only its rows before T
 * and the next page starts at T again (inclusive), so the rows at T are read
 * together; a page that is entirely one timestamp reads that timestamp alone (up
 * to MAX_GROUP_ROWS) and continues after it. A row inserted behind the cursor
 * during the replay is not read, and needs not be: it was delivered to the
 * exporter after the tail subscribed, so the live half has it (hub.ts).
 */
import { quoteIdent } from '../storage/clickhouse-params';
import { CONSOLE_BODY_CHARS } from '../console/logs-query';
import type { ClickHouseStore, QueryOptions } from '../storage/clickhouse-client';
import type { ClickHouseCapabilities } from '../storage/clickhouse-version';
import { normalizeAttributes, type TailFilter, type TailRecord } from './record';

export const REPLAY_PAGE_ROWS = 2000;
/** Rows read for one timestamp shared by more than a page of rows (bounded by the server's result limit). */
export const MAX_GROUP_ROWS = 50_000;

/** Where replayed records come from (ClickHouseReplay in production). */
export interface ReplaySource {
  /** Stored records with sinceNs <= time <= untilNs matching the filter, oldest first, in pages. */
  pages(sinceNs: bigint, untilNs: bigint, filter: TailFilter, signal?: AbortSignal): AsyncIterable<TailRecord[]>;
}

export interface LogsTable {
  database: string;
  table: string;
}

interface RawRow {
  timeNs: string;
  service: string;
  severityNumber: number | string;
  severityText: string;
  body: string;
  templateId: string;
  templateArgs: string[];
  traceId: string;
  spanId: string;
  attrKeys: string[];
  attrValues: string[];
}

function timeNsExpr(caps: ClickHouseCapabilities): string {
  return caps.hasDateTime64 ? 'toUnixTimestamp64Nano(Timestamp)' : '(toUInt64(Timestamp) * 1000000000 + TimestampNanos)';
}

export interface ReplayQuery {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * One replay query: rows with fromNs <= time <= toNs (or time = exactly fromNs when
 * `exact`), oldest first, at most `limit`.
 */
export function buildReplayQuery(ref: LogsTable, caps: ClickHouseCapabilities, f: TailFilter, fromNs: bigint, toNs: bigint, limit: number, exact = false): ReplayQuery {
  const ts = timeNsExpr(caps);
  const upper = exact ? fromNs : toNs;
  const where = [
    'TimestampTime >= toDateTime({fromSec:UInt32})',
    'TimestampTime <= toDateTime({toSec:UInt32})',
    exact ? `${ts} = {fromNs:UInt64}` : `${ts} >= {fromNs:UInt64} AND ${ts} <= {toNs:UInt64}`,
  ];
  const params: Record<string, unknown> = {
    fromSec: Number(fromNs / 1_000_000_000n),
    toSec: Number((upper + 999_999_999n) / 1_000_000_000n),
    fromNs,
  };
  if (!exact) params.toNs = toNs;
  if (f.service !== undefined) {
    where.push('ServiceName = {service:String}');
    params.service = f.service;
  }
  if (f.minSeverity !== undefined) {
    where.push('SeverityNumber >= {minSeverity:UInt8}');
    params.minSeverity = f.minSeverity;
  }
  if (f.text !== undefined) {
    where.push('positionCaseInsensitive(Body, {text:String}) > 0');
    params.text = f.text;
  }
  const attrs = caps.hasMap ? 'mapKeys(LogAttributes) AS attrKeys, mapValues(LogAttributes) AS attrValues' : '`LogAttributes.keys` AS attrKeys, `LogAttributes.values` AS attrValues';
  const sql =
    `SELECT toString(${ts}) AS timeNs, ServiceName AS service, SeverityNumber AS severityNumber, SeverityText AS severityText, ` +
    `substringUTF8(Body, 1, ${CONSOLE_BODY_CHARS}) AS body, toString(TemplateId) AS templateId, TemplateArgs AS templateArgs, TraceId AS traceId, SpanId AS spanId, ${attrs} ` +
    `FROM ${quoteIdent(ref.database)}.${quoteIdent(ref.table)} ` +
    `WHERE ${where.join(' AND ')} ` +
    `ORDER BY ${ts} ` +
    // A literal, not a parameter: servers that bind client-side (18.16) accept only numbers after LIMIT.
    `LIMIT ${rowLimitLiteral(limit)}`;
  return { sql, params };
}

function rowLimitLiteral(n: number): string {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`replay row limit must be a positive integer, got ${n}`);
  return String(n);
}

export function tailRecordOfRow(r: RawRow): TailRecord {
  const keys = r.attrKeys ?? [];
  return {
    timeNs: BigInt(r.timeNs),
    service: String(r.service),
    severityNumber: Number(r.severityNumber),
    severityText: String(r.severityText),
    body: String(r.body),
    templateId: BigInt(r.templateId),
    templateArgs: (r.templateArgs ?? []).map(String),
    traceId: String(r.traceId ?? ''),
    spanId: String(r.spanId ?? ''),
    attributes: keys.length === 0 ? [] : normalizeAttributes(keys.map(String), (r.attrValues ?? []).map(String)),
  };
}

/** Replay from the logs table of a ClickHouse store. */
export class ClickHouseReplay implements ReplaySource {
  constructor(
    private readonly store: () => Promise<ClickHouseStore>,
    private readonly table: LogsTable,
    private readonly pageRows = REPLAY_PAGE_ROWS,
  ) {}

  async *pages(sinceNs: bigint, untilNs: bigint, filter: TailFilter, signal?: AbortSignal): AsyncIterable<TailRecord[]> {
    const s = await this.store();
    // The console passes a read-only reader: every query is read-only and limited there.
    const options: QueryOptions = { signal };
    const run = async (q: ReplayQuery) => (await s.query<RawRow>(q.sql, q.params, options)).map(tailRecordOfRow);
    let cursor = sinceNs;
    while (cursor <= untilNs && !signal?.aborted) {
      const rows = await run(buildReplayQuery(this.table, s.capabilities, filter, cursor, untilNs, this.pageRows));
      if (rows.length < this.pageRows) {
        if (rows.length) yield rows;
        return;
      }
      const last = rows[rows.length - 1].timeNs;
      if (rows[0].timeNs === last) {
        yield await run(buildReplayQuery(this.table, s.capabilities, filter, last, untilNs, MAX_GROUP_ROWS, true));
        cursor = last + 1n;
        continue;
      }
      let end = rows.length;
      while (rows[end - 1].timeNs === last) end--;
      yield rows.slice(0, end);
      cursor = last;
    }
  }
}
