/**
 * The spam processors' shared rates exchange (processors/spam/shared-rates.ts, on the
 * shared delivery loop) against a real ClickHouse server (18.16 here): a write whose
 * answer is lost after the server applied it, and a store that is away for a tick,
 * are retried with the same WriteId; a peer collector applies every count once.
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123; skipped only when
 * that variable is unset AND nothing answers there.
 */
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import type { ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { SpamRatesStore, type SpamRateRow, type StoredSpamRateRow } from '../../collector/storage/spam-rates-store';
import { SharedRatesExchange } from '../../processors/spam/shared-rates';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';
import { openBehindDroppingProxy, type ResponseDroppingProxy } from '../kit/response-dropping-proxy';

const serverUrl = testServerUrl();
const describeServer = describeWithServer('spam-shared-rates-server.test.ts', serverUrl);

function counts(service: string, n: number): SpamRateRow[] {
  const start = Math.floor(Date.now() / 1000) * 1000;
  return Array.from({ length: n }, (_, i) => ({ service, kind: 'template', templateId: BigInt(i + 1), function: '', bucketStartMs: start, bucketMs: 1000, count: 10 + i, offered: 0 }));
}

describeServer('shared rates on a ClickHouse server', () => {
  const database = `spam_rates_${process.pid}_${Date.now() % 1_000_000}`;
  let direct: ClickHouseStore;
  let viaProxy: ClickHouseStore;
  let proxy: ResponseDroppingProxy;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ direct, viaProxy, proxy, close } = await openBehindDroppingProxy(serverUrl, database, 'spam_rates'));
  });
  afterAll(async () => {
    await close?.();
  });

  test('a lost answer and an absent store are retried with the same WriteId; the peer counts each row once', async () => {
    const metrics = new Metrics();
    const labels = { processor: 'spam/a' };
    const pending: SpamRateRow[][] = [counts('checkout', 4), counts('billing', 3)];
    let storeUp = true;
    const writerStore = new SpamRatesStore(viaProxy, database);
    const a = new SharedRatesExchange({
      processorId: 'spam/a',
      collectorId: 'a',
      intervalMs: 1000,
      getStore: async () => (storeUp ? writerStore : undefined),
      createSchema: true,
      take: () => pending.shift() ?? [],
      apply: () => undefined,
      timer: false,
      metrics,
      logger: createMemoryLogger(),
    });
    const applied: StoredSpamRateRow[] = [];
    const peer = new SharedRatesExchange({
      processorId: 'spam/b',
      collectorId: 'b',
      intervalMs: 1000,
      getStore: async () => new SpamRatesStore(direct, database),
      createSchema: true,
      take: () => [],
      apply: (rows) => applied.push(...rows),
      timer: false,
      metrics,
      logger: createMemoryLogger(),
    });

    proxy.armed = 1;
    await a.tick(); // the insert lands, its answer is lost, the retry re-sends the same write
    expect(proxy.dropped).toBe(1);
    storeUp = false;
    await a.tick(); // the second write waits for the store
    expect(a.pendingRows).toBe(3);
    storeUp = true;
    await a.tick();
    expect(a.pendingRows).toBe(0);
    await peer.tick();

    expect(metrics.value('logfun_spam_shared_rows_written_total', labels)).toBe(7);
    expect(metrics.value('logfun_spam_shared_write_retries_total', labels)).toBeGreaterThanOrEqual(2);
    expect(metrics.value('logfun_spam_shared_rows_dropped_total', labels)).toBe(0);
    // The lost answer left the first write stored twice, under one WriteId; the peer applies it once.
    const [{ c, writes }] = await direct.query<{ c: string; writes: string }>(`SELECT count() AS c, uniqExact(WriteId) AS writes FROM ${database}.spam_rates`);
    expect([Number(c), Number(writes)]).toEqual([11, 2]);
    expect(applied.map((r) => `${r.service}:${r.templateId}:${r.count}`).sort()).toEqual(
      [...counts('checkout', 4), ...counts('billing', 3)].map((r) => `${r.service}:${r.templateId}:${r.count}`).sort(),
    );
    await a.shutdown();
    await peer.shutdown();
  });
});
