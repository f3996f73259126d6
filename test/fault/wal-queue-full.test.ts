/**
 * Fault test: the exporter's write-ahead log fills up while ClickHouse is down.
 *
 * A private ClickHouse server (Debian's 18.16, test/kit/clickhouse-server.ts) is
 * stopped; the collector process (the built CLI: run `npm run build` first)
 * writes to it through a small WAL (queue.max_bytes 48KiB) while an SDK logger
 * (compact stream) logs more than fits. Then the server starts again.
 *
 * - on_full: block — the collector refuses with RESOURCE_EXHAUSTED and a retry
 *   delay, the SDK keeps its records and retries; once ClickHouse is back every
 *   record is acknowledged and stored exactly once.
 * - on_full: drop — the SDK is acknowledged for everything; what the table
 *   misses is exactly the exporter's dropped{reason="queue_full"} count.
 *
 * Deliberate outage test: about 20-40 s (server starts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger } from '../../sdk';
import { PrivateClickHouseServer, clickhouseServerInstalled } from '../kit/clickhouse-server';
import { CLI_PATH, startCollectorProcess, type CollectorProcess } from '../kit/collector-process';

jest.setTimeout(120_000);

const RECORDS = 3000;
const MAX_BYTES = 48 * 1024;

const runnable = fs.existsSync(CLI_PATH) && clickhouseServerInstalled();
if (!runnable) {
  // eslint-disable-next-line no-console
  console.warn(`wal-queue-full.test.ts SKIPPED: needs ${CLI_PATH} (npm run build) and clickhouse-server`);
}
const describeIf = runnable ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sum of a metric's samples whose labels contain every given `key="value"`. */
function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describeIf('write-ahead log full while ClickHouse is down', () => {
  const server = new PrivateClickHouseServer();
  const dirs: string[] = [];
  let collector: CollectorProcess | undefined;

  beforeAll(async () => {
    // Start once to learn its ports, then stop: the collector starts against a server that is down.
    await server.start();
    await server.stop();
  });

  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
    await server.stop();
  });

  afterAll(async () => {
    await server.destroy();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function startCollector(database: string, onFull: 'block' | 'drop'): Promise<CollectorProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-walfull-'));
    dirs.push(dir);
    return startCollectorProcess({
      dir,
      exportersYaml: `  clickhouse:
    endpoint: ${server.url}
    database: ${database}
    batch: { flush_interval: 100ms }
    retry: { initial_interval: 100ms, max_interval: 500ms }
    shutdown_timeout: 2s
    queue: { storage: wal, directory: "${dir}/queue", max_bytes: ${MAX_BYTES}, segment_size: 8KiB, on_full: ${onFull} }`,
      processorsYaml: '  batch:',
      pipelineProcessors: [],
    });
  }

  async function storedRows(database: string): Promise<{ n: number; d: number }> {
    const q = `SELECT count() AS n, uniqExact(Body) AS d FROM ${database}.otel_logs FORMAT JSONEachRow`;
    const res = await fetch(`${server.url}/?query=${encodeURIComponent(q)}`);
    const row = JSON.parse((await res.text()).trim()) as { n: string; d: string };
    return { n: Number(row.n), d: Number(row.d) };
  }

  function logger(c: CollectorProcess) {
    return createLogger({
      service: 'walfull-svc',
      transport: 'logfun',
      endpoint: `127.0.0.1:${c.grpcPort}`,
      exitHooks: false,
      captureCallSites: false,
      diagnostics: () => undefined,
      batch: { maxRecords: 100, delayMs: 20 },
      buffer: { maxRecords: 50_000 },
      retry: { initialBackoffMs: 50, maxBackoffMs: 500 },
      shutdownTimeoutMs: 60_000,
    });
  }

  test('on_full=block: senders are refused with RESOURCE_EXHAUSTED and nothing acknowledged is lost', async () => {
    const database = 'walfull_block';
    collector = await startCollector(database, 'block');
    const log = logger(collector);
    for (let i = 0; i < RECORDS; i++) log.info`walfull record ${i} ${'p'.repeat(40)}`;
    // Wait until the log is full and the SDK has been refused.
    let metrics = '';
    for (let t = 0; t < 100; t++) {
      metrics = await collector.metrics();
      if (metricValue(metrics, 'logfun_receiver_refused_records_total', { reason: 'exhausted' }) > 0) break;
      await sleep(100);
    }
    expect(metricValue(metrics, 'logfun_receiver_refused_records_total', { reason: 'exhausted' })).toBeGreaterThan(0);
    expect(metricValue(metrics, 'logfun_exporter_queue_bytes')).toBeLessThanOrEqual(MAX_BYTES);
    // Readiness: a full log under on_full=block sends new traffic elsewhere.
    const notReady = await fetch(`http://127.0.0.1:${collector.adminPort}/readyz`);
    expect([notReady.status, await notReady.text()]).toEqual([503, expect.stringMatching(/write-ahead log full/)]);
    const appendedWhileDown = metricValue(metrics, 'logfun_exporter_queue_appended_records_total');
    expect(appendedWhileDown).toBeLessThan(RECORDS);
    expect(log.stats().exported).toBe(appendedWhileDown);
    expect(log.stats().failedExports).toBeGreaterThan(0);

    await server.start();
    await log.shutdown();
    const stats = log.stats();
    expect(stats).toMatchObject({ emitted: RECORDS, exported: RECORDS, dropped: 0 });
    let rows = { n: 0, d: 0 };
    for (let t = 0; t < 200 && rows.n < RECORDS; t++) {
      await sleep(100);
      rows = await storedRows(database).catch(() => rows);
    }
    expect(rows).toEqual({ n: RECORDS, d: RECORDS });
    metrics = await collector.metrics();
    expect(metricValue(metrics, 'logfun_exporter_dropped_records_total')).toBe(0);
  });

  test('on_full=drop: the dropped count equals what the table misses', async () => {
    const database = 'walfull_drop';
    collector = await startCollector(database, 'drop');
    const log = logger(collector);
    for (let i = 0; i < RECORDS; i++) log.info`walfull record ${i} ${'p'.repeat(40)}`;
    expect(await log.flush(30_000)).toBe(true);
    expect(log.stats()).toMatchObject({ emitted: RECORDS, exported: RECORDS, dropped: 0 });
    let metrics = await collector.metrics();
    const dropped = metricValue(metrics, 'logfun_exporter_dropped_records_total', { reason: 'queue_full' });
    expect(dropped).toBeGreaterThan(0);
    expect(metricValue(metrics, 'logfun_exporter_queue_appended_records_total') + dropped).toBe(RECORDS);

    await server.start();
    let rows = { n: 0, d: 0 };
    for (let t = 0; t < 200 && rows.n < RECORDS - dropped; t++) {
      await sleep(100);
      rows = await storedRows(database).catch(() => rows);
    }
    await sleep(500);
    rows = await storedRows(database);
    expect(rows).toEqual({ n: RECORDS - dropped, d: RECORDS - dropped });
    metrics = await collector.metrics();
    expect(metricValue(metrics, 'logfun_exporter_queue_entries')).toBe(0);
    await log.shutdown();
  });
});
