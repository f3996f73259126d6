/**
 * Read-only access to the store, for everything that reads on someone's behalf:
 * the SQL API and `logfun sql`, the console's searches, exports, statistics and
 * live-tail replay.
 *
 * Read-only is the engine's, never a check of the statement's text:
 *   - embedded chDB: the reader owns its own engine sessions on the data folder
 *     (chDB lets several sessions share one folder, each with its own settings), set
 *     up once with the limits below and then `readonly=1`, after which the session
 *     refuses writes, DDL, table functions, SET and SETTINGS clauses for good. The
 *     exporter's session is never touched, so nothing a reader sends can change how
 *     ingestion runs, and a heavy read runs beside the writer, not in front of it.
 *     What `clickhouse local` leaves open even then is closed by user-sql-guard.ts.
 *   - a ClickHouse server: every query carries readonly=1 and the same limits (the
 *     server refuses INTO OUTFILE, table functions and multi-statements itself).
 *
 * Unqualified table names (`FROM otel_logs`) resolve in the reader's database (the
 * store's, default otel), as with clickhouse-client --database: chDB runs `USE <db>`
 * on each session before readonly; a server gets the `database` parameter on every
 * request. Only when that database exists at open (else the engine's default, so a
 * reader on a store not written yet still answers `SELECT 1`).
 *
 * Limits bound every read: execution time, result rows and bytes (the query fails
 * with the engine's message when exceeded), memory and threads per query, and at
 * most `sessions` reads at once with `maxWaiting` more queued (beyond that
 * ReaderBusyError). User SQL streams its result in chunks (`stream`), and stops
 * when the caller's signal aborts (the client went away).
 */
import * as fs from 'fs';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import {
  chdbFolderOf,
  openClickHouse,
  probeCapabilitiesWith,
  probeVersion,
  type ClickHouseOptions,
  type ClickHouseStore,
  type FormattedInsert,
  type QueryOptions,
} from './clickhouse-client';
import { versionAtLeast, type ClickHouseCapabilities, type ServerVersion } from './clickhouse-version';
import { vetUserSql, UserSqlRefusedError } from './user-sql-guard';
import { quoteIdent, quoteString } from './clickhouse-params';

export { UserSqlRefusedError } from './user-sql-guard';

export interface ReadLimits {
  /** Seconds a query may run (max_execution_time). */
  maxExecutionSeconds: number;
  /** Rows a result may have (max_result_rows, overflow = error). */
  maxResultRows: number;
  /**
   * Bytes a result may have: the engine's max_result_bytes (uncompressed), and again
   * as the JSON text that reaches this process (which can be several times larger:
   * a control character becomes \u0001), checked before any of it is parsed.
   */
  maxResultBytes: number;
  /** Memory one query may use (max_memory_usage). */
  maxMemoryBytes: number;
  /** Threads one query may use (max_threads): leaves the writer its core. */
  maxThreads: number;
  /** Reads at once (chDB: engine sessions). */
  sessions: number;
  /** Reads waiting for a session; beyond this a read fails at once with ReaderBusyError. */
  maxWaiting: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxExecutionSeconds: 30,
  maxResultRows: 100_000,
  maxResultBytes: 64 * 1024 * 1024,
  maxMemoryBytes: 2 * 1024 * 1024 * 1024,
  maxThreads: 1,
  sessions: 2,
  maxWaiting: 32,
};

export class ReaderBusyError extends Error {}
/** A result's JSON text went over ReadLimits.maxResultBytes. */
export class ResultTooLargeError extends Error {
  constructor(limit: number) {
    super(`result larger than ${limit} bytes as JSON (service.telemetry.admin.read_limits.max_result_bytes): select fewer rows or columns, or substrings of long values`);
  }
}
export class ReadOnlyStoreError extends Error {}

/** A read-only store: the ClickHouseStore reads, and `stream` for user SQL; writes are refused. */
export interface ClickHouseReader extends ClickHouseStore {
  /**
   * Runs a user's statement and yields its rows chunk by chunk (objects, 64-bit
   * integers as strings). Throws UserSqlRefusedError for what is not allowed,
   * the engine's error for the rest (also mid-stream: a limit reached).
   */
  stream(sql: string, signal?: AbortSignal): AsyncIterable<Record<string, unknown>[]>;
}

/** The settings every read runs under; readonly last (chDB: set once per session, in this order). */
function readSettings(limits: ReadLimits, version: ServerVersion): [string, string | number][] {
  const s: [string, string | number][] = [
    ['max_execution_time', limits.maxExecutionSeconds],
    ['max_result_rows', limits.maxResultRows],
    ['max_result_bytes', limits.maxResultBytes],
    ['result_overflow_mode', 'throw'],
    ['max_memory_usage', limits.maxMemoryBytes],
    ['max_threads', limits.maxThreads],
    ['output_format_json_quote_64bit_integers', 1],
  ];
  // Servers that render Body at query time (an ALIAS column) show it in SELECT * too.
  if (versionAtLeast(version, 22, 3)) s.push(['asterisk_include_alias_columns', 1]);
  // A server stops a read whose HTTP client went away.
  if (versionAtLeast(version, 20, 1)) s.push(['cancel_http_readonly_queries_on_client_close', 1]);
  // A server sends an error met mid-result (a limit) inside the rows, after a 200; with the
  // whole result first (bounded by the limits above) it comes as an HTTP error instead.
  s.push(['wait_end_of_query', 1]);
  s.push(['readonly', 1]);
  return s;
}

export async function openClickHouseReader(opts: ClickHouseOptions, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ClickHouseReader> {
  const database = opts.database ?? 'otel';
  if (opts.endpoint.startsWith('chdb://')) return ChdbReader.open(chdbFolderOf(opts.endpoint), database, limits);
  return HttpReader.open(opts, limits);
}

async function databaseExists(rowsOf: (sql: string) => Promise<Record<string, unknown>[]>, database: string): Promise<boolean> {
  return (await rowsOf(`SELECT name FROM system.databases WHERE name = ${quoteString(database)}`)).length > 0;
}

/** Hands out at most `size` slots; the rest wait in order, up to `maxWaiting`. */
class Slots<T> {
  private readonly free: T[];
  private readonly waiting: ((slot: T) => void)[] = [];

  constructor(slots: T[], private readonly maxWaiting: number) {
    this.free = [...slots];
  }

  async use<R>(fn: (slot: T) => Promise<R>): Promise<R> {
    const slot = await this.acquire();
    try {
      return await fn(slot);
    } finally {
      this.release(slot);
    }
  }

  acquire(): Promise<T> {
    const slot = this.free.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new ReaderBusyError('too many reads at once; try again shortly'));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slot: T): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

abstract class ReaderBase implements ClickHouseReader {
  abstract readonly kind: 'chdb' | 'http';
  abstract readonly endpoint: string;
  abstract readonly database: string;
  abstract readonly serverVersion: ServerVersion;
  abstract readonly capabilities: ClickHouseCapabilities;
  abstract get client(): ClickHouseClient;
  abstract query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, options?: QueryOptions): Promise<T[]>;
  abstract stream(sql: string, signal?: AbortSignal): AsyncIterable<Record<string, unknown>[]>;
  abstract close(): Promise<void>;

  command(): Promise<void> {
    return Promise.reject(new ReadOnlyStoreError('this store is read-only'));
  }
  insertFormatted(_insert: FormattedInsert): Promise<void> {
    return Promise.reject(new ReadOnlyStoreError('this store is read-only'));
  }
}

type ChdbModule = typeof import('chdb');
type ChdbSession = InstanceType<ChdbModule['Session']>;
// Loaded on first use: the native engine costs ~160 MB resident (see clickhouse-client.ts).
const loadChdb = () => require('chdb') as ChdbModule;

function parseJsonLines(text: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as Record<string, unknown>);
  return rows;
}

/** The engine's read-only refusal, in the user's terms. */
function refusalOf(e: unknown, statement: string): unknown {
  if (!/READONLY|readonly mode/.test((e as Error).message)) return e;
  return new UserSqlRefusedError(`read-only: ${(e as Error).message.replace(/^Query failed:\s*/, '')} (refused: ${statement.slice(0, 200)})`);
}

class ChdbReader extends ReaderBase {
  readonly kind = 'chdb' as const;
  private closed = false;

  private constructor(
    readonly endpoint: string,
    readonly database: string,
    readonly serverVersion: ServerVersion,
    readonly capabilities: ClickHouseCapabilities,
    private readonly sessions: ChdbSession[],
    private readonly slots: Slots<ChdbSession>,
    private readonly maxBytes: number,
  ) {
    super();
  }

  static async open(folder: string, database: string, limits: ReadLimits): Promise<ChdbReader> {
    // A reader never creates a store: an empty folder would only hide a wrong path.
    if (!fs.existsSync(folder)) throw new Error(`no embedded store at ${folder} (start a collector first, or pass the right chdb:// endpoint)`);
    const { Session } = loadChdb();
    const sessions: ChdbSession[] = [];
    try {
      for (let i = 0; i < Math.max(1, limits.sessions); i++) sessions.push(new Session(folder));
      const rowsOf = async (sql: string) => parseJsonLines((await sessions[0].queryAsync(sql, { format: 'JSONEachRow' })).text());
      const version = await probeVersion(rowsOf);
      // Before readonly: USE is refused afterwards.
      if (await databaseExists(rowsOf, database)) {
        for (const session of sessions) await session.queryAsync(`USE ${quoteIdent(database)}`);
      }
      // HTTP-only settings mean nothing to the embedded engine.
      const settings = readSettings(limits, version).filter(([name]) => name !== 'cancel_http_readonly_queries_on_client_close' && name !== 'wait_end_of_query');
      for (const session of sessions) {
        for (const [name, value] of settings) await session.queryAsync(`SET ${name} = ${typeof value === 'number' ? value : `'${value}'`}`);
      }
      const capabilities = await probeCapabilitiesWith(rowsOf, version);
      return new ChdbReader(`chdb://${folder}`, database, version, capabilities, sessions, new Slots(sessions, limits.maxWaiting), limits.maxResultBytes);
    } catch (e) {
      for (const s of sessions) s.close();
      throw e;
    }
  }

  get client(): ClickHouseClient {
    throw new ReadOnlyStoreError('the embedded reader has no @clickhouse/client; use query() or stream()');
  }

  /** One whole result (not streamed), refused unparsed when its JSON is over maxBytes. */
  private static async rows(session: ChdbSession, sql: string, params: Record<string, unknown> | undefined, signal: AbortSignal | undefined, maxBytes: number): Promise<Record<string, unknown>[]> {
    const result = params && Object.keys(params).length
      ? await session.queryBindAsync(sql, params, { format: 'JSONEachRow', signal })
      : await session.queryAsync(sql, { format: 'JSONEachRow', signal });
    if (result.bytes().length > maxBytes) throw new ResultTooLargeError(maxBytes);
    return parseJsonLines(result.text());
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, options: QueryOptions = {}): Promise<T[]> {
    this.assertOpen();
    return (await this.slots.use((s) => ChdbReader.rows(s, sql.replace(/[\s;]+$/, ''), params, options.signal, this.maxBytes))) as T[];
  }

  async *stream(sql: string, signal?: AbortSignal): AsyncIterable<Record<string, unknown>[]> {
    this.assertOpen();
    const session = await this.slots.acquire();
    try {
      const { statement } = await vetUserSql((q, params) => ChdbReader.rows(session, q, params, signal, this.maxBytes), sql);
      let stream: ReturnType<ChdbSession['queryStream']> | undefined;
      try {
        stream = session.queryStream(statement, { format: 'JSONEachRow', signal });
      } catch (e) {
        // The engine streams only SELECT-like statements; SHOW, DESCRIBE, EXISTS and EXPLAIN
        // (the other kinds vetUserSql lets through) run whole, under the same limits.
        if (!/Streaming query is not supported/.test((e as Error).message)) throw refusalOf(e, statement);
      }
      if (!stream) {
        try {
          yield await ChdbReader.rows(session, statement, undefined, signal, this.maxBytes);
        } catch (e) {
          throw refusalOf(e, statement);
        }
        return;
      }
      let bytes = 0;
      try {
        for await (const chunk of stream) {
          if (signal?.aborted) break;
          bytes += chunk.numBytes;
          if (bytes > this.maxBytes) throw new ResultTooLargeError(this.maxBytes);
          yield chunk.rows<Record<string, unknown>>();
        }
      } catch (e) {
        throw refusalOf(e, statement);
      } finally {
        stream.cancel();
      }
    } finally {
      this.slots.release(session);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sessions) s.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('ClickHouse reader is closed');
  }
}

class HttpReader extends ReaderBase {
  readonly kind = 'http' as const;

  private constructor(
    private readonly store: ClickHouseStore,
    private readonly settings: ClickHouseSettings,
    private readonly slots: Slots<number>,
    private readonly maxBytes: number,
  ) {
    super();
  }

  static async open(opts: ClickHouseOptions, limits: ReadLimits): Promise<HttpReader> {
    const store = await openClickHouse(opts);
    const settings = Object.fromEntries(readSettings(limits, store.serverVersion).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) as ClickHouseSettings;
    try {
      // The HTTP interface's default-database parameter, sent with the settings on every request.
      if (await databaseExists((sql) => store.query(sql), store.database)) settings.database = store.database;
    } catch (e) {
      await store.close();
      throw e;
    }
    const slots = Array.from({ length: Math.max(1, limits.sessions) }, (_, i) => i);
    return new HttpReader(store, settings, new Slots(slots, limits.maxWaiting), limits.maxResultBytes);
  }

  get endpoint(): string {
    return this.store.endpoint;
  }
  get database(): string {
    return this.store.database;
  }
  get serverVersion(): ServerVersion {
    return this.store.serverVersion;
  }
  get capabilities(): ClickHouseCapabilities {
    return this.store.capabilities;
  }
  get client(): ClickHouseClient {
    return this.store.client;
  }

  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, options: QueryOptions = {}): Promise<T[]> {
    return this.slots.use(() => this.store.query<T>(sql, params, { ...options, settings: { ...options.settings, ...this.settings } }));
  }

  async *stream(sql: string, signal?: AbortSignal): AsyncIterable<Record<string, unknown>[]> {
    if (sql.trim() === '') throw new UserSqlRefusedError('empty query');
    const slot = await this.slots.acquire();
    try {
      const rs = await this.store.client.query({
        query: sql.replace(/[\s;]+$/, ''),
        format: 'JSONEachRow',
        clickhouse_settings: this.settings,
        abort_signal: signal,
      });
      let bytes = 0;
      for await (const rows of rs.stream()) {
        const batch = rows as { text: string; json(): unknown }[];
        for (const r of batch) bytes += r.text.length + 1;
        if (bytes > this.maxBytes) throw new ResultTooLargeError(this.maxBytes);
        yield batch.map((r) => r.json() as Record<string, unknown>);
      }
    } finally {
      this.slots.release(slot);
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
