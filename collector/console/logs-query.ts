/**
 * The log explorer's query: search parameters from a URL -> one parameterised
 * SELECT over the logs table, always with time bounds and a row limit. Nothing the
 * user typed is ever spliced into SQL text: every value is a `{name:Type}`
 * parameter bound by the store (server-side, or as escaped literals on servers
 * without parameters; see storage/clickhouse-params.ts).
 *
 * Filters: service, minimum severity, template id, Body substring, the exact
 * code.function attribute (`function`) and an exact template argument value
 * (`arg`: TemplateArgs contains it), within a time range.
 *
 * Paging is newest first by a time cursor: `cursor = "<timeNs>:<skip>"` names the
 * time of the last row shown and how many rows at exactly that time were already
 * shown, so the next page is `time <= timeNs ... OFFSET skip` — stable while new
 * rows arrive (they are newer) and fast at any depth (no large OFFSET).
 * Rows with the same timestamp are ordered by a tie-break over their content, so
 * consecutive pages agree on the order.
 */
import { quoteIdent } from '../storage/clickhouse-params';
import { selectLogsSchema } from '../storage/clickhouse-schema';
import type { ClickHouseCapabilities } from '../storage/clickhouse-version';
import { SEVERITY_NUMBER, type LevelName } from '../../protocol/severity';

export const DEFAULT_PAGE_ROWS = 100;
export const MAX_PAGE_ROWS = 1000;
export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;
/** The widest time range one search may cover. */
export const MAX_WINDOW_MS = 31 * 24 * 60 * 60 * 1000;

export class SearchParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchParamError';
  }
}

/**
 * The most of a Body the console reads per record (explorer, exports, live tail): a few
 * huge bodies must not make a page of results huge (the whole Body is in SQL).
 */
export const CONSOLE_BODY_CHARS = 65536;

export interface LogSearch {
  service?: string;
  /** Records at or above this OTel severity number (1..24). */
  minSeverity?: number;
  templateId?: bigint;
  /** Case-insensitive substring of the rendered Body. */
  text?: string;
  /** Exact code.function attribute (the function scope of an SDK call site). */
  function?: string;
  /** Exact value of one of the record's template arguments (TemplateArgs contains it). */
  arg?: string;
  fromMs: number;
  toMs: number;
  limit: number;
  cursor?: { timeNs: bigint; skip: number };
}

export interface LogsTableRef {
  database: string;
  table: string;
  capabilities: ClickHouseCapabilities;
}

/** One row as the console API returns it. */
export interface LogRow {
  /** Nanoseconds since the epoch, decimal. */
  timeNs: string;
  time: string;
  service: string;
  severityText: string;
  severityNumber: number;
  body: string;
  templateId: string;
  traceId: string;
  spanId: string;
  /** code.function ('' when the record has none). */
  function: string;
  /** The template arguments as stored (TemplateArgs). */
  args: string[];
}

function parseTime(v: string, name: string): number {
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new SearchParamError(`${name}: expected milliseconds since the epoch or an ISO time, got ${JSON.stringify(v)}`);
  return t;
}

function parseSeverity(v: string): number {
  const s = v.trim().toLowerCase();
  if (s in SEVERITY_NUMBER) return SEVERITY_NUMBER[s as LevelName];
  if (/^\d+$/.test(s) && Number(s) >= 0 && Number(s) <= 24) return Number(s);
  throw new SearchParamError(`severity: expected a level name (trace, debug, info, warn, error, fatal) or 0..24, got ${JSON.stringify(v)}`);
}

function parseTemplate(v: string): bigint {
  const s = v.trim();
  if (!/^(0x[0-9a-fA-F]{1,16}|\d{1,20})$/.test(s)) throw new SearchParamError(`template: expected a template id (decimal or 0x hex), got ${JSON.stringify(v)}`);
  const id = BigInt(s);
  if (id >= 1n << 64n) throw new SearchParamError('template: id exceeds 64 bits');
  return id;
}

export function parseCursor(v: string): { timeNs: bigint; skip: number } {
  const m = /^(\d{1,20}):(\d{1,9})$/.exec(v.trim());
  if (!m) throw new SearchParamError(`cursor: malformed ${JSON.stringify(v)}`);
  return { timeNs: BigInt(m[1]), skip: Number(m[2]) };
}

export function formatCursor(c: { timeNs: bigint; skip: number }): string {
  return `${c.timeNs}:${c.skip}`;
}

/** Reads a search from URL parameters; throws SearchParamError on bad input. */
export function parseLogSearch(q: URLSearchParams, nowMs = Date.now(), maxRows = MAX_PAGE_ROWS): LogSearch {
  const get = (k: string) => {
    const v = q.get(k);
    return v === null || v.trim() === '' ? undefined : v;
  };
  const toMs = get('to') !== undefined ? parseTime(get('to')!, 'to') : nowMs;
  const fromMs = get('from') !== undefined ? parseTime(get('from')!, 'from') : toMs - DEFAULT_WINDOW_MS;
  if (fromMs > toMs) throw new SearchParamError('from: must not be after to');
  if (toMs - fromMs > MAX_WINDOW_MS) throw new SearchParamError(`time range: at most ${MAX_WINDOW_MS / 86_400_000} days per search`);
  let limit = DEFAULT_PAGE_ROWS;
  if (get('limit') !== undefined) {
    limit = Number(get('limit'));
    if (!Number.isInteger(limit) || limit < 1) throw new SearchParamError('limit: expected a positive integer');
    limit = Math.min(limit, maxRows);
  }
  const text = get('text');
  if (text !== undefined && text.length > 1000) throw new SearchParamError('text: at most 1000 characters');
  // Function and argument match exactly, so surrounding spaces are part of the value (only an empty field is "any").
  const exact = (k: string) => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    if (v.length > 1000) throw new SearchParamError(`${k}: at most 1000 characters`);
    return v;
  };
  return {
    service: get('service'),
    minSeverity: get('severity') !== undefined ? parseSeverity(get('severity')!) : undefined,
    templateId: get('template') !== undefined ? parseTemplate(get('template')!) : undefined,
    text,
    function: exact('function'),
    arg: exact('arg'),
    fromMs,
    toMs,
    limit,
    cursor: get('cursor') !== undefined ? parseCursor(get('cursor')!) : undefined,
  };
}

/** The exact record time in nanoseconds, for either schema (see storage/clickhouse-schema.ts). */
function timeNsExpr(caps: ClickHouseCapabilities): string {
  return caps.hasDateTime64 ? 'toUnixTimestamp64Nano(Timestamp)' : '(toUInt64(Timestamp) * 1000000000 + TimestampNanos)';
}

/** The code.function attribute of a record, for either schema (Map, or Nested keys/values on legacy servers). */
function functionExpr(caps: ClickHouseCapabilities): string {
  return selectLogsSchema(caps) === 'full' ? "LogAttributes['code.function']" : "LogAttributes.values[indexOf(LogAttributes.keys, 'code.function')]";
}

function integerLiteral(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new SearchParamError(`expected a non-negative integer, got ${n}`);
  return String(n);
}

/** The SELECT for one page and its parameters. */
export function buildLogSearchQuery(ref: LogsTableRef, s: LogSearch): { sql: string; params: Record<string, unknown> } {
  const ts = timeNsExpr(ref.capabilities);
  const where: string[] = ['TimestampTime >= toDateTime({fromSec:UInt32})', 'TimestampTime <= toDateTime({toSec:UInt32})', `${ts} >= {fromNs:UInt64}`, `${ts} <= {toNs:UInt64}`];
  const params: Record<string, unknown> = {
    fromSec: Math.floor(s.fromMs / 1000),
    toSec: Math.ceil(s.toMs / 1000),
    fromNs: BigInt(Math.floor(s.fromMs)) * 1_000_000n,
    toNs: BigInt(Math.ceil(s.toMs)) * 1_000_000n + 999_999n,
  };
  if (s.service !== undefined) {
    where.push('ServiceName = {service:String}');
    params.service = s.service;
  }
  if (s.minSeverity !== undefined) {
    where.push('SeverityNumber >= {minSeverity:UInt8}');
    params.minSeverity = s.minSeverity;
  }
  if (s.templateId !== undefined) {
    where.push('TemplateId = {templateId:UInt64}');
    params.templateId = s.templateId;
  }
  if (s.text !== undefined) {
    where.push('positionCaseInsensitive(Body, {text:String}) > 0');
    params.text = s.text;
  }
  if (s.function !== undefined) {
    where.push(`${functionExpr(ref.capabilities)} = {function:String}`);
    params.function = s.function;
  }
  if (s.arg !== undefined) {
    where.push('has(TemplateArgs, {arg:String})');
    params.arg = s.arg;
  }
  if (s.cursor) {
    where.push(`${ts} <= {cursorNs:UInt64}`);
    params.cursorNs = s.cursor.timeNs;
  }
  const sql =
    `SELECT toString(${ts}) AS timeNs, ServiceName AS service, SeverityText AS severityText, SeverityNumber AS severityNumber, ` +
    `substringUTF8(Body, 1, ${CONSOLE_BODY_CHARS}) AS body, toString(TemplateId) AS templateId, TraceId AS traceId, SpanId AS spanId, ` +
    `${functionExpr(ref.capabilities)} AS function, TemplateArgs AS args ` +
    `FROM ${quoteIdent(ref.database)}.${quoteIdent(ref.table)} ` +
    `WHERE ${where.join(' AND ')} ` +
    `ORDER BY ${ts} DESC, ServiceName, TemplateId, TemplateArgs, SeverityNumber ` +
    // Literals, not parameters: servers that bind client-side (18.16) accept only numbers after LIMIT / OFFSET.
    // Both are integers this module parsed (limit 1..MAX_PAGE_ROWS or the export page, skip at most 9 digits).
    `LIMIT ${integerLiteral(s.limit)} OFFSET ${integerLiteral(s.cursor?.skip ?? 0)}`;
  return { sql, params };
}

interface RawRow {
  timeNs: string;
  service: string;
  severityText: string;
  severityNumber: number | string;
  body: string;
  templateId: string;
  traceId: string;
  spanId: string;
  function?: string;
  args?: unknown[];
}

/** API rows from query rows. */
export function toLogRows(raw: readonly RawRow[]): LogRow[] {
  return raw.map((r) => {
    const ns = BigInt(r.timeNs);
    const ms = Number(ns / 1_000_000n);
    return {
      timeNs: r.timeNs,
      time: new Date(ms).toISOString().replace('Z', '') + String(ns % 1_000_000n).padStart(6, '0') + 'Z',
      service: String(r.service),
      severityText: String(r.severityText),
      severityNumber: Number(r.severityNumber),
      body: String(r.body),
      templateId: String(r.templateId),
      traceId: String(r.traceId ?? ''),
      spanId: String(r.spanId ?? ''),
      function: String(r.function ?? ''),
      args: Array.isArray(r.args) ? r.args.map(String) : [],
    };
  });
}

/** The cursor after a page (undefined when the page was not full: nothing older matches). */
export function nextCursor(rows: readonly LogRow[], limit: number, previous?: { timeNs: bigint; skip: number }): { timeNs: bigint; skip: number } | undefined {
  if (rows.length < limit || rows.length === 0) return undefined;
  const lastNs = BigInt(rows[rows.length - 1].timeNs);
  let sameTime = 0;
  for (let i = rows.length - 1; i >= 0 && BigInt(rows[i].timeNs) === lastNs; i--) sameTime++;
  // Every row of the page at lastNs, plus those skipped to reach it when the page started there too.
  const carried = previous && previous.timeNs === lastNs ? previous.skip : 0;
  return { timeNs: lastNs, skip: sameTime + carried };
}
