/**
 * Where a processor that writes its own tables (httpstats, spam) gets its ClickHouse
 * store: its own `endpoint` when set (opened on first use, closed by the processor),
 * else the named `exporter` or the first clickhouse exporter of the running collector
 * (whose store the exporter owns). `wrap` builds the processor's table access object
 * and is called again only when the underlying store changes.
 */
import type { Component, Host } from '../pipeline/component';
import { openClickHouse, type ClickHouseStore } from './clickhouse-client';

export interface StoreProvider<T> {
  get(): Promise<T | undefined>;
  close(): Promise<void>;
}

export interface StoreSourceConfig {
  endpoint: string;
  username?: string;
  password?: string;
  database: string;
  /** A clickhouse exporter id; '' = the first one in the running pipelines. */
  exporter: string;
}

type StoreOwner = Component & { getStore(): ClickHouseStore | undefined };

function hasGetStore(c: Component): c is StoreOwner {
  return typeof (c as { getStore?: unknown }).getStore === 'function';
}

/**
 * @param owner   e.g. "httpstats httpstats/edge", the start of every error message
 * @param purpose what the store is for, e.g. "to store statistics in"
 * @throws when no store can be found (the message names the fix)
 */
export function storeProviderFor<T extends { store: ClickHouseStore }>(
  c: StoreSourceConfig,
  host: Host,
  owner: string,
  purpose: string,
  wrap: (store: ClickHouseStore, database: string) => T,
): StoreProvider<T> {
  const database = (store: ClickHouseStore) => c.database || store.database || 'otel';
  let wrapped: T | undefined;
  const wrapOnce = (store: ClickHouseStore): T => {
    if (!wrapped || wrapped.store !== store) wrapped = wrap(store, database(store));
    return wrapped;
  };
  if (c.endpoint) {
    let own: Promise<ClickHouseStore> | undefined;
    return {
      get: async () => {
        if (!own) {
          own = openClickHouse({ endpoint: c.endpoint, username: c.username, password: c.password, database: c.database || 'otel' });
          own.catch(() => (own = undefined));
        }
        return wrapOnce(await own);
      },
      close: async () => {
        const p = own;
        own = undefined;
        if (p) await (await p.catch(() => undefined))?.close();
      },
    };
  }
  let exporter: StoreOwner | undefined;
  if (c.exporter) {
    const found = host.components.get(`exporter:${c.exporter}`);
    if (!found) throw new Error(`${owner}: no exporter "${c.exporter}" in the running pipelines (set exporter to a clickhouse exporter id, or endpoint)`);
    if (!hasGetStore(found)) throw new Error(`${owner}: exporter "${c.exporter}" is not a clickhouse exporter`);
    exporter = found;
  } else {
    for (const [key, comp] of host.components) {
      if (key.startsWith('exporter:') && hasGetStore(comp)) {
        exporter = comp;
        break;
      }
    }
    if (!exporter) throw new Error(`${owner}: no clickhouse exporter ${purpose}; add one, set endpoint (chdb://<folder> or http://host:8123), or set store: false`);
  }
  const source = exporter;
  return {
    get: async () => {
      const store = source.getStore();
      return store ? wrapOnce(store) : undefined;
    },
    // The exporter owns its store.
    close: async () => undefined,
  };
}
