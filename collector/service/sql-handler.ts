/**
 * Read-only SQL for the admin API and `logfun sql`, on the store of the first
 * `clickhouse` exporter in the config, through a read-only reader of its own
 * (storage/clickhouse-reader.ts: read-only is enforced by the engine, with time,
 * row, byte, memory and concurrency limits; the exporter's connection is never
 * used). Results stream chunk by chunk.
 */
import type { CollectorConfig } from '../config/config';
import { openClickHouseReader, type ClickHouseReader, type ReadLimits } from '../storage/clickhouse-reader';
import { readLimitsFromConfig } from '../config/read-limits';

/** Streams the rows of one user statement; see ClickHouseReader.stream. */
export type SqlHandler = (sql: string, signal: AbortSignal) => AsyncIterable<Record<string, unknown>[]>;

export interface StoreEndpointConfig {
  endpoint: string;
  username?: string;
  password?: string;
  database?: string;
  logs_table_name?: string;
}

/** The store config of the first clickhouse exporter, or undefined without one. */
export function firstClickHouseExporter(config: CollectorConfig): StoreEndpointConfig | undefined {
  const exporter = [...config.exporters.values()].find((e) => e.factory.type === 'clickhouse');
  return exporter?.config as StoreEndpointConfig | undefined;
}

/**
 * A reader over `c`, opened at the first use, not at start, and again after a failed
 * open: a collector must start (and queue) while its ClickHouse server is down.
 */
export interface LazyReader {
  get(): Promise<ClickHouseReader>;
  close(): Promise<void>;
}

export function lazyReader(c: StoreEndpointConfig, limits?: ReadLimits): LazyReader {
  let opening: Promise<ClickHouseReader> | undefined;
  let closed = false;
  return {
    get: () => {
      if (closed) return Promise.reject(new Error('the store reader is closed'));
      opening ??= openClickHouseReader({ endpoint: c.endpoint, username: c.username, password: c.password, database: c.database }, limits).catch((e: unknown) => {
        opening = undefined;
        throw new Error(`ClickHouse store not reachable: ${(e as Error).message}`);
      });
      return opening;
    },
    close: async () => {
      closed = true;
      const pending = opening;
      opening = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}

/** The admin SQL API over `reader` (the first clickhouse exporter's store). */
export function createSqlHandler(reader: LazyReader): SqlHandler {
  return async function* (sql, signal) {
    yield* (await reader.get()).stream(sql, signal);
  };
}

/** The read limits a config sets (service.telemetry.admin.read_limits; validated when the config was parsed). */
export function readLimitsOf(config: CollectorConfig): ReadLimits {
  return readLimitsFromConfig(config.telemetry.admin.read_limits);
}
