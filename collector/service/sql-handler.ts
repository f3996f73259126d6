/**
 * Read-only SQL for the admin API and `logfun sql`: runs against the store of the
 * first `clickhouse` exporter in the config. Queries run with readonly=1 and
 * row/time limits, so the endpoint cannot change data or run away.
 */
import type { CollectorConfig } from '../config/config';
import { openClickHouse } from '../storage/clickhouse-client';
import type { SqlHandler } from './admin-server';

export const SQL_LIMITS = { max_result_rows: '100000', max_execution_time: '30', readonly: '1' };

export async function createSqlHandler(config: CollectorConfig): Promise<{ handler: SqlHandler; close(): Promise<void> } | undefined> {
  const exporter = [...config.exporters.values()].find((e) => e.factory.type === 'clickhouse');
  if (!exporter) return undefined;
  const c = exporter.config as { endpoint: string; username?: string; password?: string; database?: string };
  const store = await openClickHouse({ endpoint: c.endpoint, username: c.username, password: c.password, database: c.database });
  return {
    handler: (sql: string) => store.query(sql, undefined, SQL_LIMITS),
    close: () => store.close(),
  };
}
