/**
 * `logfun sql "<query>"`: runs a read-only query against the store.
 * While a collector runs it holds the embedded store, so the query goes through
 * its admin API first (with the admin token: cli/admin-token.ts); with no
 * collector answering, the store is opened directly through a read-only reader
 * (storage/clickhouse-reader.ts), under the same limits.
 */
import { openClickHouseReader } from '../storage/clickhouse-reader';
import { cliAdminTarget } from './admin-token';

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
    const viaAdmin = await queryAdmin(target.admin, query, target.token);
    if (viaAdmin) return viaAdmin;
  }
  const endpoint = options.endpoint ?? DEFAULT_EMBEDDED_ENDPOINT;
  const reader = await openClickHouseReader({ endpoint, database: options.database ?? DEFAULT_DATABASE }).catch((e: Error) => {
    // chDB binds a folder to one process: a running collector holds it.
    if (/Cannot lock file|Another server instance/i.test(e.message)) {
      throw new Error(`the store ${endpoint} is in use by another process (a running collector?): query through its admin endpoint with --admin <url> (and --token)`);
    }
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

/** Rows from a running collector's admin API; undefined when nothing listens there. */
async function queryAdmin(admin: string, query: string, token: string | undefined): Promise<Record<string, unknown>[] | undefined> {
  let res: Response;
  const headers: Record<string, string> = { 'content-type': 'application/sql', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  try {
    res = await fetch(new URL('/api/v1/sql', admin), { method: 'POST', body: query, headers, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL') return undefined;
    throw e;
  }
  const text = await res.text();
  let body: { rows?: Record<string, unknown>[]; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`admin API answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status === 401) throw new Error(`the collector at ${admin} refused the admin token (401): pass --token, set $LOGFUN_CONSOLE_TOKEN, or run from the folder the collector runs in`);
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
