/**
 * Opens ClickHouse for the rest of the collector: either embedded chDB on a
 * local folder (`chdb://<folder>`) or a server over HTTP(S) (`http(s)://host:port`),
 * both behind `@clickhouse/client`.
 *
 * chDB is one engine per process bound to one data folder. Stores opened on the
 * same folder share one connection (reference-counted: the engine is released
 * when the last store closes); opening a different folder while one is open
 * fails with a clear error. Always qualify table names with the database: the
 * embedded connection has no default-database setting.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { createClient, ClickHouseLogLevel, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ChdbConnection } from 'chdb/dist/connection';
import { capabilitiesForVersion, parseServerVersion, versionAtLeast, type ClickHouseCapabilities, type ServerVersion } from './clickhouse-version';
import { bindParamsClientSide, quoteIdent, quoteString } from './clickhouse-params';

export type { ClickHouseCapabilities, ServerVersion } from './clickhouse-version';

// Loaded through the package's public entry point ('chdb/connection'); the types come from the
// file behind it because this project's "node" module resolution does not read package exports.
// eslint-disable-next-line @typescript-eslint/no-require-imports
// Loaded lazily, on the first chdb:// endpoint: the native engine costs ~160 MB resident,
// which a collector writing to a ClickHouse server over HTTP should not pay.
const loadChdbConnection = () => (require('chdb/connection') as typeof import('chdb/dist/connection')).createChdbConnection;

export interface ClickHouseOptions {
  /** `chdb://<folder>` (relative folders resolve against the working directory) or `http(s)://host:port`. */
  endpoint: string;
  username?: string;
  password?: string;
  /** The database the caller works in (informational: callers qualify table names). Default `otel`. */
  database?: string;
  /** Per-request timeout; default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * An INSERT's data: one buffer, or pieces sent one after another as one body (Native
 * blocks joined without copying them into one buffer).
 */
export type InsertBody = Buffer | readonly Buffer[];

function bodyPieces(body: InsertBody): readonly Buffer[] {
  return Buffer.isBuffer(body) ? [body] : (body as readonly Buffer[]);
}

function bodyLength(body: InsertBody): number {
  let n = 0;
  for (const piece of bodyPieces(body)) n += piece.length;
  return n;
}

/** A pre-encoded insert: `body` is already in `format` and holds the given columns in order. */
export interface FormattedInsert {
  /** Qualified table name, e.g. `otel.otel_logs` (plain identifiers only). */
  table: string;
  columns: readonly string[];
  format: 'TabSeparated' | 'JSONEachRow' | 'JSONCompactEachRow' | 'Native';
  body: InsertBody;
  settings?: Record<string, string | number | boolean>;
  queryId?: string;
  signal?: AbortSignal;
}

export interface QueryOptions {
  signal?: AbortSignal;
  queryId?: string;
  settings?: ClickHouseSettings;
}

export interface ClickHouseStore {
  readonly kind: 'chdb' | 'http';
  /** The endpoint as given, with chDB folders made absolute. */
  readonly endpoint: string;
  readonly database: string;
  /** The underlying client; shared by every store on the same chDB folder. */
  readonly client: ClickHouseClient;
  readonly serverVersion: ServerVersion;
  readonly capabilities: ClickHouseCapabilities;
  /**
   * Runs a SELECT and returns its rows as objects (JSONEachRow; 64-bit integers as
   * strings so nothing loses precision). `params` bind `{name:Type}` placeholders:
   * server-side where supported, otherwise as escaped literals on the client.
   */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, options?: QueryOptions): Promise<T[]>;
  /** Runs a statement that returns no rows (DDL, ALTER, ...). */
  command(sql: string, params?: Record<string, unknown>, options?: QueryOptions): Promise<void>;
  /** Inserts a pre-encoded body (chDB: zero-copy raw insert; HTTP: streamed request body). */
  insertFormatted(insert: FormattedInsert): Promise<void>;
  /** Releases this handle; safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const QUERY_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 1 };
/**
 * Servers that can render Body at query time (an ALIAS column, see template-store.ts)
 * also get `SELECT *` to include ALIAS columns, so `SELECT * FROM otel_logs` shows Body.
 */
const ALIAS_QUERY_SETTINGS: ClickHouseSettings = { ...QUERY_SETTINGS, asterisk_include_alias_columns: 1 };

interface Backend {
  kind: 'chdb' | 'http';
  endpoint: string;
  client: ClickHouseClient;
  chdb?: ChdbConnection;
  /** chDB: where Native blocks are written for file() (prepareNativeBlockFolder). */
  nativeBlockDir?: string;
  serverVersion: ServerVersion;
  capabilities: ClickHouseCapabilities;
  requestTimeoutMs: number;
  release(): Promise<void>;
}

interface SharedChdb {
  folder: string;
  refs: number;
  ready: Promise<Backend>;
}

/** The one chDB engine of this process, by folder. */
let sharedChdb: SharedChdb | undefined;

/**
 * The folder for Native blocks on their way into chDB: inside the engine's data
 * folder, which only this process may use while it holds chDB's lock; emptied when
 * the engine is opened (a block left by a killed process is not needed again: its
 * records are still in the exporter's queue).
 */
function prepareNativeBlockFolder(chdbFolder: string): string {
  const dir = path.join(chdbFolder, 'logfun_insert_blocks');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

let nativeBlockSeq = 0;

export async function openClickHouse(opts: ClickHouseOptions): Promise<ClickHouseStore> {
  const database = opts.database ?? 'otel';
  const backend = opts.endpoint.startsWith('chdb://') ? await acquireChdb(opts) : await openHttp(opts);
  return new Store(backend, database);
}

/** The absolute folder of a `chdb://` endpoint. */
export function chdbFolderOf(endpoint: string): string {
  const rest = endpoint.slice('chdb://'.length);
  if (!rest) throw new Error(`chDB endpoint "${endpoint}" names no folder (use chdb://./data or chdb:///var/lib/logfun)`);
  return path.resolve(rest);
}

async function acquireChdb(opts: ClickHouseOptions): Promise<Backend> {
  const folder = chdbFolderOf(opts.endpoint);
  if (sharedChdb && sharedChdb.folder !== folder) {
    throw new Error(
      `chDB is already open on ${sharedChdb.folder} in this process; it cannot also open ${folder} ` +
        '(one embedded data folder per process — use the same endpoint everywhere)',
    );
  }
  if (!sharedChdb) {
    const entry: SharedChdb = { folder, refs: 0, ready: undefined as unknown as Promise<Backend> };
    entry.ready = createChdbBackend(folder, opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS, entry);
    sharedChdb = entry;
    entry.ready.catch(() => {
      if (sharedChdb === entry) sharedChdb = undefined;
    });
  }
  const entry = sharedChdb;
  entry.refs++;
  try {
    return await entry.ready;
  } catch (e) {
    entry.refs--;
    throw e;
  }
}

async function createChdbBackend(folder: string, requestTimeoutMs: number, entry: SharedChdb): Promise<Backend> {
  fs.mkdirSync(folder, { recursive: true });
  const connection = loadChdbConnection()({ path: folder });
  // chDB types its connection against @clickhouse/client-common, the client against its bundled
  // copy of the same declarations; they are the same contract.
  type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];
  const client = createClient({ connection: connection as unknown as ClientConnection, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const serverVersion = await readVersion(client);
    const capabilities = await probeCapabilities(client, serverVersion);
    return {
      kind: 'chdb',
      endpoint: `chdb://${folder}`,
      client,
      chdb: connection,
      nativeBlockDir: prepareNativeBlockFolder(folder),
      serverVersion,
      capabilities,
      requestTimeoutMs,
      release: async () => {
        if (--entry.refs > 0) return;
        if (sharedChdb === entry) sharedChdb = undefined;
        await client.close();
      },
    };
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
}

async function openHttp(opts: ClickHouseOptions): Promise<Backend> {
  let url: URL;
  try {
    url = new URL(opts.endpoint);
  } catch {
    throw new Error(`invalid ClickHouse endpoint "${opts.endpoint}" (use chdb://<folder> or http(s)://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported ClickHouse endpoint scheme "${url.protocol}" (use chdb://<folder> or http(s)://host:port)`);
  }
  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createClient({
    url: url.origin,
    username: opts.username || decodeURIComponent(url.username) || undefined,
    password: opts.password ?? (decodeURIComponent(url.password) || undefined),
    request_timeout: requestTimeoutMs,
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    const serverVersion = await readVersion(client);
    const capabilities = await probeCapabilities(client, serverVersion);
    return {
      kind: 'http',
      endpoint: url.origin,
      client,
      serverVersion,
      capabilities,
      requestTimeoutMs,
      release: () => client.close(),
    };
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
}

/** Runs a SELECT and returns its rows (JSONEachRow): how the probes below reach any backend. */
export type RowsOf = (sql: string) => Promise<Record<string, unknown>[]>;

function rowsOfClient(client: ClickHouseClient): RowsOf {
  return async (query) => (await (await client.query({ query, format: 'JSONEachRow' })).json()) as Record<string, unknown>[];
}

async function readVersion(client: ClickHouseClient): Promise<ServerVersion> {
  return probeVersion(rowsOfClient(client));
}

export async function probeVersion(rowsOf: RowsOf): Promise<ServerVersion> {
  const rows = await rowsOf('SELECT version() AS version');
  return parseServerVersion(String(rows[0].version));
}

async function probeCapabilities(client: ClickHouseClient, version: ServerVersion): Promise<ClickHouseCapabilities> {
  return probeCapabilitiesWith(rowsOfClient(client), version);
}

/** Version-derived capabilities, with deduplication and input formats confirmed against the server's system tables. */
export async function probeCapabilitiesWith(rowsOf: RowsOf, version: ServerVersion): Promise<ClickHouseCapabilities> {
  const caps = capabilitiesForVersion(version);
  const rows = await rowsOf(
    "SELECT name FROM system.settings WHERE name = 'insert_deduplication_token' " +
      "UNION ALL SELECT name FROM system.merge_tree_settings WHERE name = 'non_replicated_deduplication_window' " +
      "UNION ALL SELECT name FROM system.formats WHERE name = 'JSONCompactEachRow' AND is_input " +
      "UNION ALL SELECT name FROM system.settings WHERE name = 'input_format_native_allow_types_conversion'",
  );
  const names = new Set(rows.map((r) => String(r.name)));
  caps.hasInsertDedupToken = names.has('insert_deduplication_token');
  caps.hasNonReplicatedDedupWindow = names.has('non_replicated_deduplication_window');
  caps.hasJSONCompactEachRow = names.has('JSONCompactEachRow');
  caps.hasNativeTypeConversion = names.has('input_format_native_allow_types_conversion');
  return caps;
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

class Store implements ClickHouseStore {
  private closed = false;

  constructor(private readonly backend: Backend, readonly database: string) {}

  get kind(): 'chdb' | 'http' {
    return this.backend.kind;
  }
  get endpoint(): string {
    return this.backend.endpoint;
  }
  get client(): ClickHouseClient {
    return this.backend.client;
  }
  get serverVersion(): ServerVersion {
    return this.backend.serverVersion;
  }
  get capabilities(): ClickHouseCapabilities {
    return this.backend.capabilities;
  }

  private bind(sql: string, params?: Record<string, unknown>): { query: string; query_params?: Record<string, unknown> } {
    const query = stripTrailingSemicolons(sql);
    if (!params) return { query };
    if (this.capabilities.hasQueryParams) return Object.keys(params).length ? { query, query_params: params } : { query };
    return { query: bindParamsClientSide(query, params) };
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, options: QueryOptions = {}): Promise<T[]> {
    this.assertOpen();
    const rs = await this.client.query({
      ...this.bind(sql, params),
      format: 'JSONEachRow',
      clickhouse_settings: { ...(versionAtLeast(this.serverVersion, 22, 3) ? ALIAS_QUERY_SETTINGS : QUERY_SETTINGS), ...options.settings },
      abort_signal: options.signal,
      query_id: options.queryId,
    });
    return (await rs.json()) as T[];
  }

  async command(sql: string, params?: Record<string, unknown>, options: QueryOptions = {}): Promise<void> {
    this.assertOpen();
    await this.client.command({
      ...this.bind(sql, params),
      clickhouse_settings: options.settings,
      abort_signal: options.signal,
      query_id: options.queryId,
    });
  }

  async insertFormatted(insert: FormattedInsert): Promise<void> {
    this.assertOpen();
    if (bodyLength(insert.body) === 0) return;
    const chdb = this.backend.chdb;
    if (chdb && insert.format === 'Native') {
      await this.insertNativeIntoChdb(chdb, insert);
      return;
    }
    if (chdb && insert.format !== 'Native') {
      // The raw path hands the Buffer to the engine without copying or re-decoding it.
      await chdb.chdb.rawInsert({
        table: insert.table,
        columns: insert.columns,
        format: insert.format,
        values: Buffer.isBuffer(insert.body) ? insert.body : Buffer.concat(insert.body),
        settings: insert.settings,
        signal: insert.signal,
        timeout: this.backend.requestTimeoutMs,
      });
      return;
    }
    const columns = insert.columns.map((c) => (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(c) ? c : '`' + c.replace(/`/g, '\\`') + '`'));
    const result = await this.client.exec({
      query: `INSERT INTO ${insert.table} (${columns.join(', ')}) FORMAT ${insert.format}`,
      values: Readable.from(bodyPieces(insert.body)),
      clickhouse_settings: insert.settings,
      query_id: insert.queryId,
      abort_signal: insert.signal,
    });
    // The response body must be consumed for the socket to return to the pool.
    await new Promise<void>((resolve, reject) => {
      result.stream.on('error', reject);
      result.stream.on('end', resolve);
      result.stream.on('close', resolve);
      result.stream.resume();
    });
  }

  /**
   * chDB's raw insert takes text formats only; a Native block goes in as
   * `INSERT ... SELECT * FROM file(<block>, Native)` from a file of this process
   * (removed once the insert returned). Settings (the deduplication token) apply
   * to the INSERT as for a raw insert.
   */
  private async insertNativeIntoChdb(chdb: ChdbConnection, insert: FormattedInsert): Promise<void> {
    const file = path.join(this.backend.nativeBlockDir!, `${++nativeBlockSeq}.native`);
    await fs.promises.writeFile(file, bodyPieces(insert.body));
    try {
      const columns = insert.columns.map(quoteIdent);
      const settings = Object.entries(insert.settings ?? {}).map(([k, v]) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid setting name ${JSON.stringify(k)}`);
        return `${k} = ${typeof v === 'string' ? quoteString(v) : String(v)}`;
      });
      await chdb.chdb.queryAsync(
        `INSERT INTO ${insert.table} (${columns.join(', ')})${settings.length ? ' SETTINGS ' + settings.join(', ') : ''} ` +
          `SELECT * FROM file(${quoteString(file)}, Native)`,
        { signal: insert.signal, timeout: this.backend.requestTimeoutMs },
      );
    } finally {
      await fs.promises.rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('ClickHouse store is closed');
  }
}
