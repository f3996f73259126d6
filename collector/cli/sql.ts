/**
 * `logfun sql "<query>"`: runs a read-only query against the store.
 * While a collector runs it holds the embedded store, so the query goes through
 * its admin API first (with the admin token: cli/admin-token.ts); with no
 * collector answering, the store is opened directly through a read-only reader
 * (storage/clickhouse-reader.ts), under the same limits.
 */
import { liveStoreOwner } from '../service/start-conflicts';
import { chdbFolderOf } from '../storage/clickhouse-client';
import { openClickHouseReader } from '../storage/clickhouse-reader';
import { adminFetchFailure, cliAdminTarget, refusedTokenMessage, type AdminTarget } from './admin-token';

export interface SqlOptions {
  /** Default: the collector recorded in ./.logfun/admin-url, else 127.0.0.1:13133 (cli/admin-token.ts). */
  admin?: string;
  /** The admin token (default $LOGFUN_CONSOLE_TOKEN, else the collector's token file). */
  token?: string;
  tokenFile?: string;
  endpoint?: string;
  /** With --endpoint: where unqualified table names resolve (a collector's admin API uses its exporter's). Default otel. */
  database?: string;
  format: 'table' | 'json' | 'tsv';
}

export const DEFAULT_EMBEDDED_ENDPOINT = 'chdb://./.logfun/data';
/** The default config's exporter database. */
export const DEFAULT_DATABASE = 'otel';

export async function runSql(query: string, options: SqlOptions): Promise<Record<string, unknown>[]> {
  if (!options.endpoint) {
    const target = cliAdminTarget(options);
    const viaAdmin = await queryAdmin(target, query);
    if (viaAdmin) return viaAdmin;
    // an admin URL the user named is where they want the query to go: no falling back to a local store
    if (options.admin !== undefined) throw new Error(`no collector answers at ${target.admin} (is it running? check --admin <url>)`);
  }
  const endpoint = options.endpoint ?? DEFAULT_EMBEDDED_ENDPOINT;
  // chDB binds a folder to one process: a running collector holds it. Asked before opening,
  // since chDB prints its own "DB::Exception: Cannot lock file" on stderr when it fails.
  if (endpoint.startsWith('chdb://')) {
    const owner = await liveStoreOwner(chdbFolderOf(endpoint));
    if (owner) throw new Error(storeInUseMessage(endpoint, `a running collector (pid ${owner.pid}) uses it`, owner.admin));
  }
  const reader = await openClickHouseReader({ endpoint, database: options.database ?? DEFAULT_DATABASE }).catch((e: Error) => {
    if (/Cannot lock file|Another server instance|Failed to create connection/i.test(e.message)) throw new Error(storeInUseMessage(endpoint, 'another process (a running collector?) has it open'));
    throw e;
  });
  try {
    const rows: Record<string, unknown>[] = [];
    for await (const chunk of reader.stream(query)) rows.push(...chunk);
    return rows;
  } finally {
    await reader.close();
  }
}

function storeInUseMessage(endpoint: string, who: string, admin?: string): string {
  return `the store ${endpoint} is in use: ${who}, and an embedded store is opened by one process only. Query through its admin endpoint instead: logfun sql "<query>" --admin ${admin ?? '<url>'} (with --token, or from the folder it runs in, where its admin token is)`;
}

/** Rows from a running collector's admin API; undefined when nothing listens there. */
async function queryAdmin(target: AdminTarget, query: string): Promise<Record<string, unknown>[] | undefined> {
  const { admin, token } = target;
  let res: Response;
  const headers: Record<string, string> = { 'content-type': 'application/sql', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  try {
    res = await fetch(new URL('/api/v1/sql', admin), { method: 'POST', body: query, headers, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    const failure = adminFetchFailure(e);
    if (failure.nobodyListens) return undefined;
    throw new Error(`cannot reach the collector at ${admin} (${failure.reason})`);
  }
  const text = await res.text();
  let body: { rows?: Record<string, unknown>[]; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`admin API answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status === 401) throw new Error(refusedTokenMessage(target));
  if (!res.ok) throw new Error(body.error ?? `admin API answered ${res.status}`);
  if (body.error) throw new Error(body.error);
  return body.rows ?? [];
}

export function formatRows(rows: Record<string, unknown>[], format: SqlOptions['format']): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r)).join('\n');
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(rows[0]);
  // Stored text is untrusted: control characters (ESC sequences that clear the screen, set the
  // title or write the clipboard) are shown escaped, never sent to the terminal.
  const cell = (v: unknown) => escapeControls(typeof v === 'string' ? v : JSON.stringify(v));
  if (format === 'tsv') return [columns.join('\t'), ...rows.map((r) => columns.map((c) => cell(r[c]).replace(/[\t\n]/g, ' ')).join('\t'))].join('\n');
  const cells = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\n/g, '\\n')));
  const widths = columns.map((c, i) => Math.min(80, Math.max(c.length, ...cells.map((row) => row[i].length))));
  const line = (vals: string[]) => vals.map((v, i) => (v.length > widths[i] ? v.slice(0, widths[i] - 1) + '…' : v.padEnd(widths[i]))).join(' │ ');
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}

/** C0 and C1 control characters (and DEL) as \xNN; tab and newline are left to the caller's layout. */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
