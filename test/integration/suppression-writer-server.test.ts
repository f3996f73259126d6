/**
 * The spam processor's log_suppression writer (processors/spam/suppression-writer.ts,
 * on the shared delivery loop) against a real ClickHouse server (18.16 here), through
 * a proxy that loses an insert's answer after the server applied it, and with the
 * store unavailable for a while: the writer retries, re-sends the same EventIds, and
 * the table holds every row exactly once.
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123; skipped only when
 * that variable is unset AND nothing answers there.
 */
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import type { ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { newEventId, SuppressionStore, type SuppressionRow } from '../../collector/storage/suppression-store';
import { SuppressionWriter } from '../../processors/spam/suppression-writer';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';
import { openBehindDroppingProxy, type ResponseDroppingProxy } from '../kit/response-dropping-proxy';

const serverUrl = testServerUrl();
const describeServer = describeWithServer('suppression-writer-server.test.ts', serverUrl);

const T0 = Date.UTC(2024, 6, 1, 12, 0, 0);

function mutes(n: number, from: number): SuppressionRow[] {
  return Array.from({ length: n }, (_, i) => ({
    timeMs: T0 + (from + i) * 1000,
    service: 'checkout',
    kind: 'function',
    templateId: 0n,
    templateText: '',
    function: `Worker.poll${from + i}`,
    action: 'mute',
    reason: 'spam (rate)',
    strategy: 'rate',
    suppressed: 0,
    sdkDropped: 0,
    collectorDropped: 0,
    windowStartMs: T0,
    mutedSinceMs: T0,
    rate: 100,
    baselineRate: 1,
    zScore: 10,
    entropy: 0.5,
    collectorId: 'test',
    eventId: newEventId(),
  }));
}

describeServer('log_suppression writer on a ClickHouse server', () => {
  const database = `spam_wr_${process.pid}_${Date.now() % 1_000_000}`;
  let direct: ClickHouseStore;
  let viaProxy: ClickHouseStore;
  let proxy: ResponseDroppingProxy;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ direct, viaProxy, proxy, close } = await openBehindDroppingProxy(serverUrl, database, 'log_suppression'));
  });
  afterAll(async () => {
    await close?.();
  });

  test('a lost answer and an unavailable store are retried; every row is stored exactly once', async () => {
    const metrics = new Metrics();
    let storeUp = true;
    const store = new SuppressionStore(viaProxy, database);
    const writer = new SuppressionWriter({
      processorId: 'spam',
      getStore: async () => (storeUp ? store : undefined),
      createSchema: true,
      flushIntervalMs: 10,
      retryMaxIntervalMs: 50,
      maxPendingRows: 1000,
      shutdownTimeoutMs: 5000,
      metrics,
      logger: createMemoryLogger(),
    });
    const first = mutes(20, 0);
    proxy.armed = 1;
    writer.add(first);
    await writer.flush();
    expect(proxy.dropped).toBe(1);

    // The store goes away: rows wait and are retried until it is back.
    storeUp = false;
    const second = mutes(15, 20);
    writer.add(second);
    await new Promise((r) => setTimeout(r, 100));
    expect(writer.pending).toBe(15);
    storeUp = true;
    await writer.flush();
    await writer.shutdown();

    const labels = { processor: 'spam' };
    expect(metrics.value('logfun_spam_suppression_write_retries_total', labels)).toBeGreaterThanOrEqual(2);
    expect(metrics.value('logfun_spam_suppression_rows_written_total', labels)).toBe(35);
    expect(metrics.value('logfun_spam_suppression_rows_failed_total')).toBe(0);
    const back = await new SuppressionStore(direct, database).query({ fromMs: T0 - 1000, toMs: T0 + 3_600_000 });
    expect(back.map((r) => r.eventId).sort()).toEqual([...first, ...second].map((r) => r.eventId).sort());
  });
});
