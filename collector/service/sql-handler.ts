/**
 * Read-only SQL for the admin API and `logfun sql`: runs against the store of the
 * first `clickhouse` exporter in the config.
 *
 * On a ClickHouse server each query runs with readonly=1 plus row and time limits.
 * The embedded chDB engine keeps settings for the whole process session (a readonly=1
 * sent with one query would make the exporter's later inserts fail), so there the
 * statement itself is checked instead: one statement, starting with a read-only
 * keyword, with no SETTINGS clause.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import type { CollectorConfig } from '../config/config';
import { openClickHouse, type ClickHouseStore } from '../storage/clickhouse-client';
import type { SqlHandler } from './admin-server';

export const SQL_LIMITS: ClickHouseSettings = { max_result_rows: '100000', result_overflow_mode: 'throw', max_execution_time: 30, readonly: '1' };

const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS']);

/** Throws unless `sql` is a single read-only statement (see the module comment). */
export function assertReadOnlyStatement(sql: string): void {
  const code = stripLiteralsAndComments(sql).trim().replace(/;\s*$/, '');
  if (code.includes(';')) throw new Error('only one statement per query is allowed');
  const first = /^\(*\s*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase();
  if (!first || !READ_KEYWORDS.has(first)) throw new Error(`read-only queries only (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS); got ${first ?? 'nothing'}`);
  if (/\bSETTINGS\b/i.test(code)) throw new Error('SETTINGS clauses are not allowed here');
  if (/\bINTO\s+OUTFILE\b/i.test(code)) throw new Error('INTO OUTFILE is not allowed here');
}

/** Blanks out string literals, quoted identifiers and comments so keywords inside them do not count. */
function stripLiteralsAndComments(sql: string): string {
  return sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

export function readOnlyQuery(store: ClickHouseStore, sql: string): Promise<Record<string, unknown>[]> {
  if (store.kind === 'chdb') {
    assertReadOnlyStatement(sql);
    return store.query(sql);
  }
  return store.query(sql, undefined, { settings: SQL_LIMITS });
}

/**
 * The admin SQL API over the first clickhouse exporter's store, or undefined without one.
 * The store is opened at the first query, not at start, and again after a failed open:
 * a collector must start (and queue) while its ClickHouse server is down.
 */
export async function createSqlHandler(config: CollectorConfig): Promise<{ handler: SqlHandler; close(): Promise<void> } | undefined> {
  const exporter = [...config.exporters.values()].find((e) => e.factory.type === 'clickhouse');
  if (!exporter) return undefined;
  const c = exporter.config as { endpoint: string; username?: string; password?: string; database?: string };
  let opening: Promise<ClickHouseStore> | undefined;
  const store = (): Promise<ClickHouseStore> => {
    opening ??= openClickHouse({ endpoint: c.endpoint, username: c.username, password: c.password, database: c.database }).catch((e: unknown) => {
      opening = undefined;
      throw new Error(`ClickHouse store not reachable: ${(e as Error).message}`);
    });
    return opening;
  };
  return {
    handler: async (sql: string) => readOnlyQuery(await store(), sql),
    close: async () => {
      const pending = opening;
      opening = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}
