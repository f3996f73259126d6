/**
 * The live tail's ring, behind the real clickhouse exporter with its write-ahead log
 * (chDB): batches the exporter accepted are kept as copies of their Native blocks
 * (collector/tail/ring-block.ts), not as the records' objects, and read back they are the
 * rows the replay reads from the table: the same TailRecords, so the replay/live seam
 * recognises each record. Records come from the official OpenTelemetry SDK over OTLP/gRPC
 * and are mined by the template processor: into chDB (rendered Body: RawBody '' and the
 * template) and into the ClickHouse server (18.16 here: Body stored, DateTime + nanoseconds,
 * Nested attributes).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, LoggerProvider as OtelSdkLoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import type { ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/exporter';
import { ClickHouseReplay } from '../../collector/tail/replay';
import type { TailRecord } from '../../collector/tail/record';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';
import { waitForLogRows } from '../kit/stored-rows';

jest.setTimeout(60_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-tail-ring-block-'));
const RECORDS = 400;

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const yaml = (endpoint: string, database: string) => `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  template:
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(endpoint)}
    database: ${database}
    batch: { flush_interval: 50ms }
    queue: { storage: wal, directory: ${JSON.stringify(path.join(folder, `queue-${database}`))} }
service:
  telemetry:
    admin: { endpoint: "" }
  pipelines:
    logs: { receivers: [otlp], processors: [template], exporters: [clickhouse] }
`;

/** Plain records with many attributes of their own, some bodies mined into templates, one body of its own. */
async function emit(port: number): Promise<void> {
  const exporter = new OTLPLogExporter({ url: `http://127.0.0.1:${port}` });
  const provider = new OtelSdkLoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'checkout' }), processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 100, scheduledDelayMillis: 10 })] });
  const logger = provider.getLogger('shop');
  for (let i = 0; i < RECORDS; i++) {
    const attributes: Record<string, string | number | boolean> = { 'user.id': `u${i % 37}`, amount: i * 3, ok: i % 2 === 0, ratio: i / 7 };
    for (let k = 0; k < 16; k++) attributes[`http.header.x-${k}`] = `value-${k}-${i}`;
    const body = i === 7 ? 'café € 😀 once' : i % 2 === 0 ? `user u${i % 37} paid ${i * 3} cents for order ${i}` : `GET /api/items/${i} 200 ${i % 90}ms`;
    logger.emit({ body, severityNumber: i % 5 === 0 ? SeverityNumber.WARN : SeverityNumber.INFO, severityText: i % 5 === 0 ? 'WARN' : 'INFO', timestamp: 1_700_000_000_000 + i, attributes });
  }
  await provider.forceFlush();
  await provider.shutdown();
}

const byTimeThenBody = (a: TailRecord, b: TailRecord) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : a.body < b.body ? -1 : a.body > b.body ? 1 : 0);

/**
 * Records through a collector (WAL) into `endpoint`; once stored, a tail subscribing from the
 * beginning gets the ring's records, which must be the rows the replay reads.
 */
async function ringAgainstReplay(endpoint: string, database: string): Promise<void> {
  const collector = new Collector({ yaml: yaml(endpoint, database), logger: createMemoryLogger() });
  await collector.start();
  let store: ClickHouseStore | undefined;
  try {
    await emit(collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort);
    await collector.component<ClickHouseLogsExporter>('exporter:clickhouse').flush(20_000);
    store = await openClickHouse({ endpoint });
    await waitForLogRows(store, database, RECORDS, 30_000);

    const fromRing: TailRecord[] = [];
    collector.liveTail.subscribe({ offer: (e) => fromRing.push(...e.recordsOf()), settled: () => undefined }, 0n);
    const stored: TailRecord[] = [];
    const s = store;
    for await (const page of new ClickHouseReplay(async () => s, { database, table: 'otel_logs' }).pages(0n, 1_800_000_000_000_000_000n, {})) stored.push(...page);

    expect(stored).toHaveLength(RECORDS);
    expect(stored.filter((r) => r.templateId !== 0n).length).toBeGreaterThan(RECORDS / 2); // mined
    expect(fromRing.sort(byTimeThenBody)).toEqual(stored.sort(byTimeThenBody));
    // About the block's bytes a record (~680 into chDB), not the objects of its 20 attributes (RingRecords held ~2,340)
    expect(collector.liveTail.ringHeldBytes / RECORDS).toBeLessThan(1200);
  } finally {
    if (!endpoint.startsWith('chdb:')) await store?.command(`DROP DATABASE IF EXISTS ${database}`);
    await store?.close();
    await collector.shutdown();
  }
}

test('chDB: accepted batches wait in the ring as their Native blocks, which give the rows the replay reads (rendered Body)', async () => {
  await ringAgainstReplay(`chdb://${path.join(folder, 'data')}`, 'tail_ring_block');
});

const serverUrl = testServerUrl();
describeWithServer('tail-ring-block.test.ts', serverUrl)('ClickHouse server', () => {
  test('the same on the server (18.16: Body stored, DateTime and nanoseconds, Nested attributes)', async () => {
    await ringAgainstReplay(serverUrl, `tail_ring_block_${process.pid}`);
  });
});
