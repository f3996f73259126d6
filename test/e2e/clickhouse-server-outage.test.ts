/**
 * End to end against a real ClickHouse server (Debian's 18.16, a private instance
 * so the test may stop it): a service keeps logging through the SDK while the
 * server is down for 20 s; when it is back, every record is stored exactly once.
 */
import { createLogger } from '../../sdk';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse } from '../../collector/storage/clickhouse-client';
import { PrivateClickHouseServer, clickhouseServerInstalled } from '../kit/clickhouse-server';

const installed = clickhouseServerInstalled();
const describeIfServer = installed ? describe : describe.skip;
if (!installed) console.warn('clickhouse-server is not installed: skipping the outage test (.ci/run installs it)');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeIfServer('ClickHouse server outage', () => {
  const server = new PrivateClickHouseServer();
  let collector: Collector | undefined;

  afterAll(async () => {
    await collector?.shutdown();
    await server.destroy();
  });

  test('the server stops for 20 s while the SDK keeps logging: every record arrives exactly once', async () => {
    await server.start();
    collector = new Collector({
      logger: createMemoryLogger(),
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
processors:
  batch: { send_batch_size: 500, timeout: 100ms }
exporters:
  clickhouse:
    endpoint: ${server.url}
    database: outage
    timeout: 5s
    batch: { flush_interval: 200ms }
    retry: { initial_interval: 200ms, max_interval: 2s }
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [clickhouse] }
`,
    });
    await collector.start();
    const grpcPort = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    const log = createLogger({ service: 'outage', endpoint: `127.0.0.1:${grpcPort}`, exitHooks: false, batch: { delayMs: 100 } });

    let seq = 0;
    const emitFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        for (let i = 0; i < 20; i++) log.info`tick ${seq++} from ${'outage-test'}`;
        await sleep(100);
      }
    };

    await emitFor(4000);
    const beforeOutage = seq;
    await server.stop();
    await emitFor(20_000);
    await server.start();
    await emitFor(4000);
    await log.flush(30_000);
    await log.shutdown();
    expect(log.stats()).toMatchObject({ emitted: seq, dropped: 0 });
    expect(seq).toBeGreaterThan(beforeOutage + 1000);

    const store = await openClickHouse({ endpoint: server.url, database: 'outage' });
    try {
      let rows: Record<string, unknown>[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        rows = await store.query(
          `SELECT count() AS n, uniqExact(LogAttributes.values[indexOf(LogAttributes.keys, 'log.record.arg.0')]) AS distinct_seq
           FROM outage.otel_logs WHERE ServiceName = 'outage'`,
        );
        if (Number(rows[0].n) >= seq) break;
        await sleep(250);
      }
      expect({ n: Number(rows[0].n), distinct: Number(rows[0].distinct_seq) }).toEqual({ n: seq, distinct: seq });
    } finally {
      await store.close();
    }
    expect(collector.metrics.value('logfun_exporter_retries_total')).toBeGreaterThan(0);
    expect(collector.metrics.value('logfun_exporter_dropped_records_total')).toBe(0);
  }, 180_000);
});
