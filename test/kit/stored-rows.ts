/**
 * Test kit: waiting for rows to land in a logs table (the exporter inserts in the background).
 */
import type { ClickHouseStore } from '../../collector/storage/clickhouse-client';

/** Resolves once `database`.otel_logs holds at least `n` rows; throws naming how many arrived after `timeoutMs`. */
export async function waitForLogRows(store: ClickHouseStore, database: string, n: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ c }] = await store.query<{ c: string }>(`SELECT count() AS c FROM ${database}.otel_logs`);
    if (Number(c) >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${c} of ${n} rows arrived`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
