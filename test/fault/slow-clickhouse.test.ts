/**
 * Fault: a slow ClickHouse. The real server sits behind a delaying, throttling TCP
 * proxy (test/kit/delay-proxy.ts) while SDK clients log at a steady rate the slow
 * link cannot carry. Expected: the pipeline applies backpressure (the exporter's
 * queue stays within its bound, the collector's memory stays bounded, the receiver
 * refuses with RESOURCE_EXHAUSTED and the SDKs keep and retry or count their drops),
 * throughput degrades but does not stop, and when the link is fast again every
 * record an SDK counted as acknowledged is stored exactly once
 * (count == distinct == acked, stored + dropped == emitted).
 * Prints the observed export latency (request -> first response byte at the proxy).
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123 (skipped only when that
 * variable is unset and nothing answers there). About 60 s.
 */
import { createLogger } from '../../sdk';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { managedMemoryBytes } from '../../collector/telemetry/process-metrics';
import { openClickHouse } from '../../collector/storage/clickhouse-client';
import { DelayProxy, quantile } from '../kit/delay-proxy';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

const serverUrl = testServerUrl();
const describeServer = describeWithServer('slow-clickhouse.test.ts', serverUrl);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIB = 1024 * 1024;

const QUEUE_MAX_BATCHES = 16;
const SDK_BATCH = 256;
const INSERT_ROWS = 2000;

describeServer('slow ClickHouse (delaying, throttling proxy)', () => {
  const database = `fault_slow_${process.pid}`;
  const target = new URL(serverUrl);
  const proxy = new DelayProxy({ targetHost: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname, targetPort: Number(target.port || 8123) });
  let collector: Collector | undefined;

  afterAll(async () => {
    await collector?.shutdown();
    await proxy.close();
    const store = await openClickHouse({ endpoint: serverUrl });
    await store.command(`DROP DATABASE IF EXISTS ${database}`).finally(() => store.close());
  });

  test('backpressure under a slow link: bounded queue and memory, graceful degradation, every acked record stored exactly once', async () => {
    await proxy.start();
    collector = new Collector({
      logger: createMemoryLogger(),
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
exporters:
  clickhouse:
    endpoint: ${proxy.url}
    database: ${database}
    timeout: 30s
    batch: { max_rows: ${INSERT_ROWS}, flush_interval: 200ms }
    queue: { max_batches: ${QUEUE_MAX_BATCHES}, max_bytes: 8MiB, on_full: block }
    retry: { initial_interval: 200ms, max_interval: 2s }
    shutdown_timeout: 10s
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], processors: [], exporters: [clickhouse] }
`,
    });
    await collector.start();
    const m = collector.metrics;
    const grpcPort = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    const diagnostics: string[] = [];
    const loggers = [0, 1].map((i) =>
      createLogger({
        service: 'slow-ch',
        serviceInstanceId: `client-${i}`,
        endpoint: `127.0.0.1:${grpcPort}`,
        transport: 'logfun',
        exitHooks: false,
        batch: { maxRecords: SDK_BATCH, delayMs: 100 },
        buffer: { maxRecords: 8192 },
        retry: { initialBackoffMs: 100, maxBackoffMs: 1000 },
        diagnostics: (msg) => diagnostics.push(msg),
      }),
    );

    // Steady load: 2 clients x 600 records/s.
    const seq = [0, 0];
    const load = setInterval(() => {
      loggers.forEach((log, i) => {
        for (let k = 0; k < 30; k++) log.info`order ${`${i}-${seq[i]++}`} shipped to ${'warehouse-7'} after checks`;
      });
    }, 50);

    const baseline = managedMemoryBytes();
    const samples: { t: number; phase: string; pending: number; sent: number; memory: number }[] = [];
    let phase = 'fast';
    const t0 = Date.now();
    const sampler = setInterval(() => {
      samples.push({
        t: Date.now() - t0,
        phase,
        pending: m.value('logfun_exporter_queue_size', { exporter: 'clickhouse' }),
        sent: m.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' }),
        memory: managedMemoryBytes(),
      });
    }, 250);

    const sentAt = () => m.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' });
    try {
      await sleep(8000);
      const fastSent = sentAt();
      const fastMs = Date.now() - t0;
      const exchangesBeforeSlow = proxy.exchangeMs.length;
      // The slow link: 150 ms per chunk each way and 96 KiB/s per connection.
      proxy.delayMs = 150;
      proxy.bytesPerSecond = 96 * 1024;
      phase = 'slow';
      const slowStart = Date.now();
      const slowStartSent = sentAt();
      await sleep(30_000);
      const slowSent = sentAt() - slowStartSent;
      const slowMs = Date.now() - slowStart;
      const slowExchanges = proxy.exchangeMs.slice(exchangesBeforeSlow);
      proxy.delayMs = 0;
      proxy.bytesPerSecond = 0;
      phase = 'recovered';
      await sleep(6000);
      clearInterval(load);
      await Promise.all(loggers.map((l) => l.flush(60_000)));
      clearInterval(sampler);

      // After shutdown: it may still send a last drop report, which the stats then include.
      await Promise.all(loggers.map((l) => l.shutdown()));
      const stats = loggers.map((l) => l.stats());
      const emitted = stats.reduce((a, s) => a + s.emitted, 0);
      const acked = stats.reduce((a, s) => a + s.exported, 0);
      const dropped = stats.reduce((a, s) => a + s.dropped, 0);
      // emitted also counts the SDKs' own drop reports (records too, stored like any other).
      const orders = seq[0] + seq[1];
      expect(emitted).toBeGreaterThanOrEqual(orders);
      expect(stats.every((s) => s.buffered === 0 && s.droppedAtShutdown === 0)).toBe(true);

      // Wait for the exporter to write what it accepted, then count what is stored.
      const deadline = Date.now() + 60_000;
      while (m.value('logfun_exporter_queue_size', { exporter: 'clickhouse' }) > 0 && Date.now() < deadline) await sleep(200);
      const store = await openClickHouse({ endpoint: serverUrl, database });
      let row: { n: number; orders: number; distinctOrders: number };
      try {
        const rows = await store.query<{ n: string; o: string; d: string }>(
          `SELECT count() AS n, countIf(match(arg, '^[01]-')) AS o, uniqExactIf(arg, match(arg, '^[01]-')) AS d
           FROM (SELECT LogAttributes.values[indexOf(LogAttributes.keys, 'log.record.arg.0')] AS arg
                 FROM ${database}.otel_logs WHERE ServiceName = 'slow-ch')`,
        );
        row = { n: Number(rows[0].n), orders: Number(rows[0].o), distinctOrders: Number(rows[0].d) };
      } finally {
        await store.close();
      }

      const fastRate = fastSent / (fastMs / 1000);
      const slowRate = slowSent / (slowMs / 1000);
      const maxPending = Math.max(...samples.map((s) => s.pending));
      const maxMemoryGrowth = Math.max(...samples.map((s) => s.memory)) - baseline;
      const refusedAtReceiver = m.value('logfun_receiver_refused_records_total', { receiver: 'otlp', reason: 'exhausted' });
      // eslint-disable-next-line no-console
      console.log(
        [
          `slow ClickHouse: emitted ${emitted} (${orders} + ${emitted - orders} SDK drop reports), acked ${acked}, SDK dropped ${dropped}, stored ${row.n} (${row.orders} orders, ${row.distinctOrders} distinct)`,
          `throughput: fast ${fastRate.toFixed(0)} rec/s, slow ${slowRate.toFixed(0)} rec/s (load 1200 rec/s)`,
          `export latency at the proxy (request -> first response byte), slow phase: n=${slowExchanges.length} p50 ${quantile(slowExchanges, 0.5)} ms, p95 ${quantile(slowExchanges, 0.95)} ms, max ${Math.max(...slowExchanges)} ms`,
          `exporter queue max ${maxPending} records (bound ${QUEUE_MAX_BATCHES * SDK_BATCH} queued + ${INSERT_ROWS} in flight); memory growth max ${(maxMemoryGrowth / MIB).toFixed(0)} MiB; receiver refused ${refusedAtReceiver} records (exhausted)`,
        ].join('\n'),
      );

      // Exactly once: every acked record stored once, nothing else stored; every emitted record is stored or counted dropped.
      expect(row.n).toBe(acked);
      expect(row.distinctOrders).toBe(row.orders);
      expect(row.orders).toBeGreaterThanOrEqual(acked - (emitted - orders));
      expect(acked + dropped).toBe(emitted);
      // Backpressure reached the senders, and the queue and memory stayed bounded.
      expect(refusedAtReceiver).toBeGreaterThan(0);
      expect(stats.some((s) => s.failedExports > 0)).toBe(true);
      expect(maxPending).toBeLessThanOrEqual(QUEUE_MAX_BATCHES * SDK_BATCH + INSERT_ROWS);
      expect(maxMemoryGrowth).toBeLessThan(256 * MIB);
      // Graceful degradation: slower, but still moving.
      expect(slowRate).toBeLessThan(fastRate);
      expect(slowRate).toBeGreaterThan(20);
      expect(m.value('logfun_exporter_failed_records_total')).toBe(0);
      expect(m.value('logfun_exporter_dropped_records_total')).toBe(0);
    } finally {
      clearInterval(load);
      clearInterval(sampler);
    }
  }, 150_000);
});
