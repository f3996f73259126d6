/**
 * The clickhouse exporter's sending queue while ClickHouse cannot be reached
 * (a local port nothing listens on): back-pressure, dropping, and shutdown
 * accounting. Every accepted record must end up counted somewhere.
 */
import * as net from 'net';
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { RetryableError } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { clickhouseExporterFactory, type ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/factory';
import type { ClickHouseExporterConfig } from '../../collector/exporters/clickhouse/config';
import { TemplateDictionary } from '../../collector/templates/dictionary';

let deadEndpoint = '';
const exporters: ClickHouseLogsExporter[] = [];

beforeAll(async () => {
  // A port that was free a moment ago: connections to it are refused.
  deadEndpoint = await new Promise<string>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
});

afterEach(async () => {
  await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
});

function batchOf(n: number, byteSize = 0): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) b.add(r, s, { timeUnixNano: 1700000000000000000n + BigInt(i), body: `m${i}` });
  b.batch.byteSize = byteSize;
  return b.batch;
}

async function startExporter(overrides: Partial<ClickHouseExporterConfig>) {
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const cfg: ClickHouseExporterConfig = {
    ...clickhouseExporterFactory.createDefaultConfig(),
    endpoint: deadEndpoint,
    timeout: '1s',
    shutdown_timeout: '300ms',
    retry: { initial_interval: '50ms', max_interval: '200ms', max_elapsed: '0', multiplier: 2, randomization_factor: 0 },
    ...overrides,
    queue: { ...clickhouseExporterFactory.createDefaultConfig().queue, ...overrides.queue },
  };
  expect(clickhouseExporterFactory.validate!(cfg)).toEqual([]);
  const exporter = clickhouseExporterFactory.create({ id: 'clickhouse/q', metrics, logger }, cfg, undefined) as ClickHouseLogsExporter;
  exporters.push(exporter);
  await exporter.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
  return { exporter, metrics, logger, labels: { exporter: 'clickhouse/q' } };
}

test('start() tolerates an unreachable server: it warns and keeps trying', async () => {
  const { logger } = await startExporter({});
  expect(logger.messages).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/not reachable/) })]);
});

test('on_full=block refuses with a retryable "exhausted" error once max_batches are queued', async () => {
  const { exporter, metrics, labels } = await startExporter({ queue: { max_batches: 2 } as ClickHouseExporterConfig['queue'] });
  await exporter.consumeLogs(batchOf(10));
  await exporter.consumeLogs(batchOf(10));
  const err = await exporter.consumeLogs(batchOf(10)).catch((e) => e);
  expect(err).toBeInstanceOf(RetryableError);
  expect(err.reason).toBe('exhausted');
  expect(err.retryAfterMs).toBeGreaterThan(0);
  expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(20);
  expect(metrics.value('logfun_exporter_dropped_records_total', labels)).toBe(0);
});

test('on_full=block with block_timeout waits that long for room before refusing', async () => {
  const { exporter } = await startExporter({ queue: { max_batches: 1, block_timeout: '200ms' } as ClickHouseExporterConfig['queue'] });
  await exporter.consumeLogs(batchOf(1));
  const t0 = Date.now();
  await expect(exporter.consumeLogs(batchOf(1))).rejects.toMatchObject({ reason: 'exhausted' });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
});

test('the byte bound counts the batches\' size estimates', async () => {
  const { exporter } = await startExporter({ queue: { max_batches: 0, max_bytes: 1000 } as ClickHouseExporterConfig['queue'] });
  await exporter.consumeLogs(batchOf(5, 600));
  await expect(exporter.consumeLogs(batchOf(5, 600))).rejects.toMatchObject({ reason: 'exhausted' });
  await exporter.consumeLogs(batchOf(1, 300));
});

test('on_full=drop drops whole batches and counts them', async () => {
  const { exporter, metrics, labels, logger } = await startExporter({ queue: { max_batches: 1, on_full: 'drop' } as ClickHouseExporterConfig['queue'] });
  await exporter.consumeLogs(batchOf(7));
  await exporter.consumeLogs(batchOf(5));
  await exporter.consumeLogs(batchOf(3));
  expect(metrics.value('logfun_exporter_dropped_records_total', { ...labels, reason: 'queue_full' })).toBe(8);
  expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(7);
  expect(logger.messages.some((m) => m.level === 'warn' && /queue is full/.test(m.msg))).toBe(true);
});

test('shutdown gives up after shutdown_timeout and counts what it could not write', async () => {
  const { exporter, metrics, labels } = await startExporter({});
  await exporter.consumeLogs(batchOf(40));
  await exporter.consumeLogs(batchOf(2));
  const t0 = Date.now();
  await exporter.shutdown();
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(metrics.value('logfun_exporter_failed_records_total', { ...labels, reason: 'shutdown' })).toBe(42);
  expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(0);
  expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(0);
  await expect(exporter.consumeLogs(batchOf(1))).rejects.toBeInstanceOf(RetryableError);
});

test('shutdown before start is safe and counts nothing twice', async () => {
  const metrics = new Metrics();
  const exporter = clickhouseExporterFactory.create(
    { id: 'clickhouse/never', metrics, logger: createMemoryLogger() },
    { ...clickhouseExporterFactory.createDefaultConfig(), endpoint: deadEndpoint },
    undefined,
  ) as ClickHouseLogsExporter;
  await exporter.shutdown();
  await exporter.shutdown();
  expect(metrics.value('logfun_exporter_failed_records_total')).toBe(0);
});
