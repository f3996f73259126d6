/**
 * The template dictionary in ClickHouse: table `log_templates`, the read-time
 * view `log_templates_merged`, and (for Body rendered at query time) the
 * ClickHouse dictionary `log_templates_dict` that otel_logs' `Body` ALIAS reads.
 *
 * Several collectors write the same table with no coordination:
 *   - a template's id is the hash of its text, so every collector agrees on it;
 *   - every writer (one per exporter start, `WriterId`, random) writes its own
 *     rows holding its *cumulative* counts and first/last-seen times for a
 *     (ServiceName, TemplateId). ReplacingMergeTree(Version) keeps the newest row
 *     per (ServiceName, TemplateId, WriterId) in the background; a re-sent row
 *     (a retry after an ambiguous failure) changes nothing, so writes are
 *     idempotent without deduplication tokens;
 *   - readers merge at read time (the view): per writer the newest row
 *     (max(Count) — counts only grow — and argMax(..., Version)), then over writers
 *     sum(Count), min(FirstSeen), max(LastSeen). Unmerged parts never double count.
 *
 * Legacy servers (18.16): the same table with DateTime seconds for the times and
 * no LowCardinality or codecs; no dictionary (no CREATE DICTIONARY), so Body is
 * always stored there.
 *
 * Body rendered at query time: `Parts` holds the template's unescaped constant
 * parts (parseTemplateText(Text), computed here so SQL never has to interpret
 * the SDK's escape rule). `Body` = parts[1] ‖ args[1] ‖ parts[2] ‖ args[2] … ‖
 * parts[n] ‖ args[n] (args past the end are ''), unless `RawBody` holds the body
 * (records without a template, records whose template is not stored yet — or was
 * rejected — by this writer, see TemplateStore.isStored, and records whose body that
 * rendering would not reproduce byte for byte — storedBodyOf decides).
 *
 * FirstSeen / LastSeen are clamped to what the columns hold (time-bounds.ts).
 */
import { randomBytes } from 'crypto';
import type { ClickHouseStore } from './clickhouse-client';
import type { ClickHouseCapabilities, ServerVersion } from './clickhouse-version';
import { versionAtLeast } from './clickhouse-version';
import { quoteIdent, quoteString } from './clickhouse-params';
import { tsvEscape, tsvStringArray } from './clickhouse-logs-encoder';
import type { TableEngine } from './clickhouse-schema';
import type { TemplateDictionary, TemplateInfo } from '../templates/dictionary';
import { parseTemplateText } from '../../protocol/template-text';
import { classifyClickHouseError } from './clickhouse-errors';
import { storableMs } from './time-bounds';

export const DEFAULT_TEMPLATES_TABLE = 'log_templates';

/** Bounds of TemplateStore's parts cache. */
const PARTS_CACHE_ENTRIES = 100_000;
const PARTS_CACHE_CHARS = 8 * 1024 * 1024;

/** How otel_logs keeps Body: stored as text, or rendered at query time from the template and its arguments. */
export type BodyStorage = 'stored' | 'rendered';

export interface TemplateTableOptions {
  database: string;
  /** Default log_templates; the view is `<table>_merged`, the dictionary `<table>_dict`. */
  table?: string;
  /** `ON CLUSTER <name>` on every statement when set. */
  clusterName?: string;
  /** The logs table's engine: a Replicated one makes this table ReplicatedReplacingMergeTree with the same params. */
  tableEngine?: TableEngine;
  /** Credentials for the dictionary's ClickHouse source (a server with a password on its user needs them). */
  username?: string;
  password?: string;
}

export type TemplateSchemaKind = 'full' | 'legacy';

export function selectTemplateSchema(caps: ClickHouseCapabilities): TemplateSchemaKind {
  return caps.hasDateTime64 && caps.hasLowCardinality && caps.hasCodecs ? 'full' : 'legacy';
}

/**
 * Whether the server can render Body at query time: CREATE DICTIONARY with Array
 * attributes and the HASHED_ARRAY layout (we require 22.3 LTS; only full-schema
 * servers qualify).
 */
export function supportsRenderedBody(version: ServerVersion): boolean {
  return versionAtLeast(version, 22, 3);
}

function tableOf(opts: TemplateTableOptions): string {
  return opts.table ?? DEFAULT_TEMPLATES_TABLE;
}

function qualified(opts: TemplateTableOptions, name: string): string {
  return `${quoteIdent(opts.database)}.${quoteIdent(name)}`;
}

export function templatesTableName(opts: TemplateTableOptions): string {
  return qualified(opts, tableOf(opts));
}

export function templatesViewName(opts: TemplateTableOptions): string {
  return qualified(opts, `${tableOf(opts)}_merged`);
}

export function templatesDictionaryName(opts: TemplateTableOptions): string {
  return qualified(opts, `${tableOf(opts)}_dict`);
}

function onCluster(opts: TemplateTableOptions): string {
  return opts.clusterName ? ` ON CLUSTER ${quoteIdent(opts.clusterName)}` : '';
}

function engineOf(opts: TemplateTableOptions): string {
  const e = opts.tableEngine;
  if (e && /^Replicated/.test(e.name)) return `ReplicatedReplacingMergeTree(${e.params ? e.params + ', ' : ''}Version)`;
  return 'ReplacingMergeTree(Version)';
}

/** CREATE TABLE + CREATE VIEW for log_templates (idempotent). */
export function templatesTableSql(kind: TemplateSchemaKind, opts: TemplateTableOptions): string[] {
  const full = kind === 'full';
  const lc = (t: string) => (full ? `LowCardinality(${t})` : t);
  const zstd = full ? ' CODEC(ZSTD(1))' : '';
  const time = full ? 'DateTime64(3)' : 'DateTime';
  const columns = [
    `ServiceName ${lc('String')}`,
    'TemplateId UInt64',
    `Text String${zstd}`,
    `Parts Array(String)${zstd}`,
    `Source ${lc('String')}`,
    'SeverityNumber UInt8',
    `SeverityText ${lc('String')}`,
    `Function String${zstd}`,
    `Location String${zstd}`,
    `FirstSeen ${time}`,
    `LastSeen ${time}`,
    'Count UInt64',
    'SupersededBy UInt64',
    'WriterId String',
    'Version UInt64',
  ];
  const table = [
    `CREATE TABLE IF NOT EXISTS ${templatesTableName(opts)}${onCluster(opts)} (`,
    columns.map((c) => `    ${c}`).join(',\n'),
    `) ENGINE = ${engineOf(opts)}`,
    'ORDER BY (ServiceName, TemplateId, WriterId)',
  ].join('\n');
  // Inner level: one row per writer (its newest values); outer level: over writers.
  // Inner and outer names differ because an alias equal to a column name inside an
  // aggregate confuses older servers.
  const view = [
    `CREATE VIEW IF NOT EXISTS ${templatesViewName(opts)}${onCluster(opts)} AS`,
    'SELECT ServiceName, TemplateId,',
    '    argMax(w_text, w_version) AS Text, argMax(w_source, w_version) AS Source,',
    '    argMax(w_severity_number, w_version) AS SeverityNumber, argMax(w_severity_text, w_version) AS SeverityText,',
    '    argMax(w_function, w_version) AS Function, argMax(w_location, w_version) AS Location,',
    '    min(w_first) AS FirstSeen, max(w_last) AS LastSeen, sum(w_count) AS Count,',
    '    argMax(w_superseded_by, w_version) AS SupersededBy, count() AS Writers',
    'FROM (',
    '    SELECT ServiceName, TemplateId, WriterId,',
    '        argMax(Text, Version) AS w_text, argMax(Source, Version) AS w_source,',
    '        argMax(SeverityNumber, Version) AS w_severity_number, argMax(SeverityText, Version) AS w_severity_text,',
    '        argMax(Function, Version) AS w_function, argMax(Location, Version) AS w_location,',
    '        min(FirstSeen) AS w_first, max(LastSeen) AS w_last, max(Count) AS w_count,',
    '        argMax(SupersededBy, Version) AS w_superseded_by, max(Version) AS w_version',
    `    FROM ${templatesTableName(opts)}`,
    '    GROUP BY ServiceName, TemplateId, WriterId',
    ')',
    'GROUP BY ServiceName, TemplateId',
  ].join('\n');
  return [table, view];
}

/**
 * CREATE DICTIONARY over log_templates: TemplateId -> Parts (full schema only).
 * Reloaded every 5-10 s, and at once by TemplateStore after it wrote new ids.
 */
export function templatesDictionarySql(opts: TemplateTableOptions): string {
  const source = `SELECT TemplateId, any(Parts) AS Parts FROM ${templatesTableName(opts)} GROUP BY TemplateId`;
  const creds = [opts.username ? `USER ${quoteString(opts.username)}` : '', opts.password ? `PASSWORD ${quoteString(opts.password)}` : '']
    .filter(Boolean)
    .join(' ');
  return [
    `CREATE DICTIONARY IF NOT EXISTS ${templatesDictionaryName(opts)}${onCluster(opts)} (`,
    '    TemplateId UInt64,',
    "    Parts Array(String)",
    ')',
    'PRIMARY KEY TemplateId',
    `SOURCE(CLICKHOUSE(QUERY ${quoteString(source)}${creds ? ' ' + creds : ''}))`,
    // HASHED_ARRAY measured faster than HASHED for the Array attribute (bench/storage.ts).
    'LAYOUT(HASHED_ARRAY())',
    'LIFETIME(MIN 5 MAX 10)',
  ].join('\n');
}

/**
 * The `Body` ALIAS of otel_logs in rendered mode. `dictionary` is the qualified
 * dictionary name (templatesDictionaryName). The lambda pairs the k-th part with
 * the k-th argument (arrayResize pads with ''; it never fails on a length mismatch,
 * so a row can not break a query) — the same rule as renderLikeClickHouse.
 */
export function renderedBodyExpression(dictionary: string): string {
  const d = quoteString(dictionary.replace(/`/g, ''));
  const parts = `dictGet(${d}, 'Parts', TemplateId)`;
  // The two dictGet calls are one lookup (common subexpression); an alias inside an
  // ALIAS column would leak into users' queries, so none is used.
  return (
    `if(TemplateId = 0 OR RawBody != '', RawBody, ` +
    `arrayStringConcat(arrayMap((p, a) -> concat(p, a), ${parts}, arrayResize(TemplateArgs, length(${parts}), ''))))`
  );
}

/** The two Body columns of otel_logs in rendered mode (replacing `Body String`). */
export function renderedBodyColumns(dictionary: string): string[] {
  return ['RawBody String CODEC(ZSTD(1))', `Body String ALIAS ${renderedBodyExpression(dictionary)}`];
}

/** Template text → the parts the dictionary holds (the k-th part precedes the k-th argument). */
export function templatePartsOf(text: string): string[] {
  return parseTemplateText(text);
}

/**
 * What the Body ALIAS computes from parts and arguments (see renderedBodyExpression):
 * the k-th part followed by the k-th argument ('' past the end of the arguments).
 * With more arguments than placeholders, the one after the last placeholder's
 * follows the last part and further ones are not shown; storedBodyOf compares with
 * exactly this, so such a record keeps its body in RawBody unless it renders the same.
 */
export function renderLikeClickHouse(parts: readonly string[], args: readonly string[]): string {
  let out = '';
  for (let k = 0; k < parts.length; k++) out += parts[k] + (k < args.length ? args[k] : '');
  return out;
}

/**
 * RawBody for a record in rendered mode: '' when the rendering reproduces the
 * body exactly (the common case: nothing stored), else the body itself.
 * `parts` undefined (no template, or one the dictionary does not know) stores the body.
 */
export function storedBodyOf(body: string, parts: readonly string[] | undefined, args: readonly string[]): string {
  if (body === '' || parts === undefined) return body;
  return rendersLikeClickHouse(parts, args, body) ? '' : body;
}

/** renderLikeClickHouse(parts, args) === body, compared piece by piece without building the rendering (once per stored row). */
function rendersLikeClickHouse(parts: readonly string[], args: readonly string[], body: string): boolean {
  let at = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (!body.startsWith(p, at)) return false;
    at += p.length;
    if (k < args.length) {
      const a = args[k];
      if (!body.startsWith(a, at)) return false;
      at += a.length;
    }
  }
  return at === body.length;
}

/** FirstSeen / LastSeen text, clamped to what the column holds (time-bounds.ts): a poison time can never fail the insert. */
function timeText(ms: number, kind: TemplateSchemaKind): string {
  const t = storableMs(ms);
  const seconds = String(Math.floor(t / 1000)).padStart(10, '0');
  return kind === 'full' ? `${seconds}.${String(t % 1000).padStart(3, '0')}` : seconds;
}

const COLUMNS = [
  'ServiceName',
  'TemplateId',
  'Text',
  'Parts',
  'Source',
  'SeverityNumber',
  'SeverityText',
  'Function',
  'Location',
  'FirstSeen',
  'LastSeen',
  'Count',
  'SupersededBy',
  'WriterId',
  'Version',
] as const;

/** Failed inserts one flush spends isolating rejected entries before it drops the rest of them too. */
const REJECTION_BUDGET = 16;
/** Rejected entries remembered (so they are not sent again); beyond, the memory starts over. */
const MAX_REJECTED_REMEMBERED = 10_000;

/** What one flush did. */
export interface TemplateFlushResult {
  /** Entries written. */
  written: number;
  /**
   * Entries the server refused as data (a permanent error): dropped, and not sent
   * again by this writer (rows using them keep their Body, see isStored). The caller
   * counts and logs them; each entry appears here once.
   */
  rejected: { entry: TemplateInfo; error: string }[];
}

function entryKey(e: TemplateInfo): string {
  return `${e.service}\u0000${e.id}`;
}

/**
 * Writes TemplateDictionary entries to log_templates (and keeps the query-time
 * dictionary current). One per exporter; `writerId` is fresh per instance, so
 * counts restarting at 0 after a restart add up correctly at read time.
 *
 * Failure contract (flush): a retryable failure (server away, table missing)
 * puts the unwritten entries back as dirty and throws — they are written later
 * with their values then; a permanent one (the server rejected the data) is
 * narrowed down by halving to the entries that cause it, which are dropped,
 * reported once in the result and never sent again; the others are written.
 * Nothing here ever waits for or drops log rows: rows rely on a template only
 * once isStored() says it is in the table.
 */
export class TemplateStore {
  readonly writerId = randomBytes(8).toString('hex');
  readonly kind: TemplateSchemaKind;
  private lastVersion = 0;
  /** Ids this writer has stored: a new one means the query-time dictionary needs a reload. */
  private readonly written = new Set<bigint>();
  private readonly partsById = new Map<bigint, string[]>();
  /** New ids were stored and the query-time dictionary has not been reloaded since. */
  private reloadPending = false;
  /** (service, id) of entries the server rejected: not sent again. */
  private readonly rejected = new Set<string>();
  private partsCacheChars = 0;

  /**
   * `reloadDictionary`: Body is rendered at query time, so the dictionary must know
   * a template before rows using it are read; write() reloads it after new ids.
   */
  constructor(
    private readonly store: ClickHouseStore,
    readonly options: TemplateTableOptions,
    private readonly reloadDictionary = false,
  ) {
    this.kind = selectTemplateSchema(store.capabilities);
  }

  get tableName(): string {
    return templatesTableName(this.options);
  }

  get dictionaryName(): string {
    return templatesDictionaryName(this.options);
  }

  /** Creates the table and view, and with `withDictionary` the query-time dictionary. */
  async createSchema(withDictionary: boolean): Promise<void> {
    for (const sql of templatesTableSql(this.kind, this.options)) await this.store.command(sql);
    if (withDictionary) await this.store.command(templatesDictionarySql(this.options));
  }

  /**
   * The unescaped parts of a template text, cached by id (the id is the hash of the text).
   * Bounded by entries and by text length (cleared when full): the cache must not keep
   * memory the template dictionary evicted (issue 12).
   */
  partsOf(id: bigint, text: string): string[] {
    let parts = this.partsById.get(id);
    if (parts === undefined) {
      parts = templatePartsOf(text);
      if (this.partsById.size >= PARTS_CACHE_ENTRIES || this.partsCacheChars + text.length > PARTS_CACHE_CHARS) {
        this.partsById.clear();
        this.partsCacheChars = 0;
      }
      this.partsById.set(id, parts);
      this.partsCacheChars += text.length;
    }
    return parts;
  }

  /**
   * Whether this writer has stored template `id` in the table: only then may a row
   * leave its Body to be rendered from it (a template that failed or is not written
   * yet must not turn a row's Body empty).
   */
  isStored(id: bigint): boolean {
    // Ids are kept as unsigned 64-bit values; a non-negative id is one already (no new bigint per row).
    return this.written.has(id >= 0n ? id : BigInt.asUintN(64, id));
  }

  /** A strictly increasing version for this writer's rows (microseconds since the epoch, bumped on ties). */
  private nextVersion(): number {
    const v = Math.max(Date.now() * 1000, this.lastVersion + 1);
    this.lastVersion = v;
    return v;
  }

  /** Inserts one row per entry (cumulative values) and reloads the query-time dictionary when ids are new to it. */
  async write(entries: readonly TemplateInfo[]): Promise<void> {
    await this.insert(entries);
    await this.reloadIfPending();
  }

  /** One INSERT of the entries; marks their ids stored (and the dictionary due for a reload when any is new). */
  private async insert(entries: readonly TemplateInfo[]): Promise<void> {
    if (entries.length === 0) return;
    const version = String(this.nextVersion());
    let body = '';
    let fresh = false;
    for (const e of entries) {
      const id = BigInt.asUintN(64, e.id);
      if (!this.written.has(id)) fresh = true;
      const row = [
        tsvEscape(e.service),
        id.toString(),
        tsvEscape(e.text),
        tsvStringArray(this.partsOf(id, e.text)),
        tsvEscape(e.source),
        String(Math.min(255, Math.max(0, Math.trunc(e.severityNumber) || 0))),
        tsvEscape(e.severityText),
        tsvEscape(e.function),
        tsvEscape(e.location),
        timeText(e.firstSeenMs, this.kind),
        timeText(e.lastSeenMs, this.kind),
        String(Math.max(0, Math.trunc(e.count) || 0)),
        e.supersededBy === undefined ? '0' : BigInt.asUintN(64, e.supersededBy).toString(),
        this.writerId,
        version,
      ];
      body += row.join('\t') + '\n';
    }
    await this.store.insertFormatted({
      table: `${this.options.database}.${tableOf(this.options)}`,
      columns: COLUMNS,
      format: 'TabSeparated',
      body: Buffer.from(body, 'utf8'),
    });
    for (const e of entries) this.written.add(BigInt.asUintN(64, e.id));
    if (fresh && this.reloadDictionary) this.reloadPending = true;
  }

  /** Reloads the query-time dictionary after new ids; a failed reload is tried again at the next flush. */
  private async reloadIfPending(): Promise<void> {
    if (!this.reloadPending) return;
    await this.store.command(`SYSTEM RELOAD DICTIONARY ${this.dictionaryName}`);
    this.reloadPending = false;
  }

  /**
   * Writes what changed in `dictionary` since the last flush (see the failure
   * contract above). Throws only for a retryable failure, after putting back as
   * dirty every entry neither written nor rejected.
   */
  async flush(dictionary: TemplateDictionary): Promise<TemplateFlushResult> {
    const result: TemplateFlushResult = { written: 0, rejected: [] };
    const entries = dictionary.takeDirty().filter((e) => !this.rejected.has(entryKey(e)));
    const settled = new Set<TemplateInfo>();
    try {
      if (entries.length > 0) await this.insertIsolating(entries, result, settled, { failures: 0 });
      await this.reloadIfPending();
    } catch (err) {
      dictionary.markDirty(entries.filter((e) => !settled.has(e)));
      throw err;
    }
    return result;
  }

  /** Inserts `entries`; on a permanent failure halves them until the rejected ones are isolated (within the budget). */
  private async insertIsolating(
    entries: TemplateInfo[],
    result: TemplateFlushResult,
    settled: Set<TemplateInfo>,
    budget: { failures: number },
  ): Promise<void> {
    try {
      await this.insert(entries);
      for (const e of entries) settled.add(e);
      result.written += entries.length;
      return;
    } catch (err) {
      const failure = classifyClickHouseError(err);
      if (failure.kind !== 'permanent') throw err;
      budget.failures++;
      if (entries.length === 1 || budget.failures > REJECTION_BUDGET) {
        for (const e of entries) {
          if (this.rejected.size >= MAX_REJECTED_REMEMBERED) this.rejected.clear();
          this.rejected.add(entryKey(e));
          settled.add(e);
          result.rejected.push({ entry: e, error: failure.message });
        }
        return;
      }
    }
    const half = Math.ceil(entries.length / 2);
    await this.insertIsolating(entries.slice(0, half), result, settled, budget);
    await this.insertIsolating(entries.slice(half), result, settled, budget);
  }
}
