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
import { smallAttributeBatch } from '../kit/small-attribute-batch';

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
  const { exporter } = await startExporter({ queue: { max_batches: 0, max_bytes: 10_000 } as ClickHouseExporterConfig['queue'] });
  await exporter.consumeLogs(batchOf(5, 6000));
  await expect(exporter.consumeLogs(batchOf(5, 6000))).rejects.toMatchObject({ reason: 'exhausted' });
  await exporter.consumeLogs(batchOf(1, 3000));
});

test('the byte bound counts what queued batches keep in memory when that is more: records of many small attributes', async () => {
  // 1000 attributes of a few characters a record: about 15 KB on the wire, 91 KB kept. Counted
  // by the wire size alone, a memory queue of 256 MiB held 1.67 GB of them.
  const { exporter, metrics, labels } = await startExporter({ queue: { max_batches: 0, max_bytes: '4MiB' } as ClickHouseExporterConfig['queue'] });
  let accepted = 0;
  for (let k = 0; k < 100; k++) {
    const err = await exporter.consumeLogs(smallAttributeBatch(k)).catch((e) => e);
    if (err === undefined) accepted++;
    else expect(err).toMatchObject({ reason: 'exhausted' });
  }
  // About 0.9 MB kept a batch: 4 of them fit in 4 MiB (27 by the 150 KB they took on the wire).
  expect(accepted).toBe(4);
  expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(40);
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

// ---------------------------------------------------------------------------
// queue.storage: wal — the write-ahead log in front of the sending loop.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { withDeliveryMark, restoredSequence } from '../../collector/queue/delivery-mark';
import { withLedger } from '../../collector/queue/batch-ledger';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';
import { WriteAheadLog } from '../../collector/queue/wal';
import { decodeNativeEntry, isNativeEntry } from '../../collector/queue/native-entry';

const walDirs: string[] = [];
afterAll(() => {
  for (const d of walDirs) fs.rmSync(d, { recursive: true, force: true });
});

function walDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-wal-exporter-'));
  walDirs.push(d);
  return d;
}

function walQueue(directory: string, extra: Partial<ClickHouseExporterConfig['queue']> = {}): ClickHouseExporterConfig['queue'] {
  return { ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal', directory, fsync: 'never', ...extra };
}

test('validation: storage wal needs a directory; unknown storage and fsync values are refused', () => {
  const d = clickhouseExporterFactory.createDefaultConfig();
  expect(clickhouseExporterFactory.validate!({ ...d, queue: { ...d.queue, storage: 'wal' } })).toEqual(['queue.directory: required with storage: wal']);
  const errors = clickhouseExporterFactory.validate!({ ...d, queue: { ...d.queue, storage: 'disk' as 'wal', fsync: 'sometimes' as 'never' } });
  expect(errors.join('\n')).toMatch(/queue.storage: must be "memory" or "wal"[\s\S]*queue.fsync/);
});

test('storage wal, on_full=block: refuses with a retryable "exhausted" error once max_bytes are in the log', async () => {
  const dir = walDir();
  const { exporter, metrics, labels } = await startExporter({ queue: walQueue(dir, { max_bytes: 3000 }) });
  let accepted = 0;
  let err: unknown;
  for (let i = 0; i < 50 && err === undefined; i++) {
    await exporter.consumeLogs(batchOf(10)).then(
      () => accepted++,
      (e) => (err = e),
    );
  }
  expect(err).toBeInstanceOf(RetryableError);
  expect((err as RetryableError).reason).toBe('exhausted');
  expect((err as RetryableError).retryAfterMs).toBeGreaterThan(0);
  expect(accepted).toBeGreaterThan(1);
  expect(metrics.value('logfun_exporter_queue_bytes', labels)).toBeLessThanOrEqual(3000);
  expect(metrics.value('logfun_exporter_queue_entries', labels)).toBe(accepted);
  expect(metrics.value('logfun_exporter_queue_appended_records_total', labels)).toBe(accepted * 10);
  expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(accepted * 10);
  // Shutdown keeps what is in the log (nothing counted as failed).
  await exporter.shutdown();
  expect(metrics.value('logfun_exporter_failed_records_total')).toBe(0);
});

test('storage wal, on_full=drop: drops and counts what does not fit', async () => {
  const { exporter, metrics, labels } = await startExporter({ queue: walQueue(walDir(), { max_bytes: 3000, on_full: 'drop' }) });
  for (let i = 0; i < 30; i++) await exporter.consumeLogs(batchOf(10));
  const appended = metrics.value('logfun_exporter_queue_appended_records_total', labels);
  expect(appended).toBeGreaterThan(0);
  expect(metrics.value('logfun_exporter_dropped_records_total', { ...labels, reason: 'queue_full' })).toBe(300 - appended);
});

test('storage wal: the log is kept across exporter restarts, with the delivery marks of its entries', async () => {
  const dir = walDir();
  let run = await startExporter({ queue: walQueue(dir) });
  await withDeliveryMark({ scope: 'otlp/wal-test', key: 'session-1', sequence: 41 }, () => run.exporter.consumeLogs(batchOf(5)));
  await run.exporter.consumeLogs(batchOf(3));
  await run.exporter.shutdown();
  expect(restoredSequence('otlp/wal-test', 'session-1')).toBe(0);
  run = await startExporter({ queue: walQueue(dir) });
  expect(run.metrics.value('logfun_exporter_queue_recovered_records_total', run.labels)).toBe(8);
  expect(run.metrics.value('logfun_exporter_queue_size', run.labels)).toBe(8);
  expect(restoredSequence('otlp/wal-test', 'session-1')).toBe(41);
});

// A clean stop may leave entries with no records (the spam balancer's drop counts ride in a
// ledger-only entry): the next start has nothing to send and must not say it sends unsent records.
test('storage wal: a log holding only ledger entries (0 records) is not announced as unsent records', async () => {
  const dir = walDir();
  let run = await startExporter({ queue: walQueue(dir) });
  await withLedger(new Map([['spam/test:dropped', 7]]), () => run.exporter.consumeLogs(batchOf(0)));
  await run.exporter.shutdown();
  run = await startExporter({ queue: walQueue(dir) });
  expect(run.metrics.value('logfun_exporter_queue_recovered_records_total', run.labels)).toBe(0);
  expect(run.logger.messages.filter((m) => /unsent/.test(m.msg))).toEqual([]);
  // With records it still says so.
  await run.exporter.consumeLogs(batchOf(3));
  await run.exporter.shutdown();
  run = await startExporter({ queue: walQueue(dir) });
  expect(run.logger.messages).toContainEqual(expect.objectContaining({ msg: 'write-ahead log holds unsent records; sending them', fields: expect.objectContaining({ records: 3 }) }));
});

// Against the real server (InsertId deduplication on 18.16): what was in the log reaches the
// table exactly once after a restart, and an insert that was in flight when the process
// stopped is recognised when sent again.
const serverUrl = testServerUrl();
const describeServer = describeWithServer('clickhouse-exporter-queue.test.ts', serverUrl);

describeServer('storage wal against a ClickHouse server', () => {
  const database = `logfun_walq_${randomBytes(4).toString('hex')}`;
  const count = async (): Promise<{ n: number; distinct: number }> => {
    const res = await fetch(`${serverUrl}/?query=${encodeURIComponent(`SELECT count() AS n, uniqExact(Body) AS d FROM ${database}.otel_logs FORMAT JSONEachRow`)}`);
    const row = JSON.parse((await res.text()).trim()) as { n: string; d: string };
    return { n: Number(row.n), distinct: Number(row.d) };
  };
  afterAll(async () => {
    await fetch(`${serverUrl}/?query=${encodeURIComponent(`DROP DATABASE IF EXISTS ${database}`)}`, { method: 'POST' });
  });

  function uniqueBatch(prefix: string, n: number): LogBatch {
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (let i = 0; i < n; i++) b.add(r, s, { timeUnixNano: BigInt(Date.now()) * 1_000_000n + BigInt(i), body: `${prefix}-${i}` });
    return b.batch;
  }

  test('records written while the server was unreachable arrive once after a restart; a replayed in-flight insert is not stored twice', async () => {
    const dir = walDir();
    // 1. ClickHouse unreachable: the records wait in the log; shutdown keeps them there.
    let run = await startExporter({ queue: walQueue(dir) });
    await run.exporter.consumeLogs(uniqueBatch('a', 40));
    await run.exporter.consumeLogs(uniqueBatch('b', 60));
    await run.exporter.shutdown();

    // 2. A new exporter on the same log and a reachable server sends them.
    run = await startExporter({ endpoint: serverUrl, database, queue: walQueue(dir) });
    await run.exporter.flush(20_000);
    expect(await count()).toEqual({ n: 100, distinct: 100 });
    expect(run.metrics.value('logfun_exporter_queue_exported_records_total', run.labels)).toBe(100);
    expect(run.metrics.value('logfun_exporter_queue_waited_records_total', run.labels)).toBe(100);
    await run.exporter.consumeLogs(uniqueBatch('c', 30));
    await run.exporter.flush(20_000);
    expect(await count()).toEqual({ n: 130, distinct: 130 });
    await run.exporter.shutdown();

    // 3. Pretend the process died after ClickHouse accepted the last insert but before the log
    //    recorded it: the acknowledged position goes back and the insert is marked in flight.
    const stateFile = path.join(dir, 'state.json');
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { acked: { seq: number; record: number } };
    expect(state.acked).toEqual({ seq: 4, record: 0 });
    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, acked: { seq: 3, record: 0 }, inflight: { from: { seq: 3, record: 0 }, to: { seq: 4, record: 0 } } }));
    run = await startExporter({ endpoint: serverUrl, database, queue: walQueue(dir) });
    expect(run.metrics.value('logfun_exporter_queue_recovered_records_total', run.labels)).toBe(30);
    await run.exporter.flush(20_000);
    expect(await count()).toEqual({ n: 130, distinct: 130 });
    expect(run.exporter.deduplication).toBe('insert-id');
    expect(run.metrics.value('logfun_exporter_deduplicated_records_total', run.labels)).toBe(30);
    expect(run.metrics.value('logfun_exporter_queue_entries', run.labels)).toBe(0);
  });
  /**
   * Consumes `batch` with every write of the log state failing, and returns once the block
   * holding it is stuck retrying that write before its insert; the returned function lets
   * the writes succeed again.
   */
  async function holdBlockAtStateWrite(run: Awaited<ReturnType<typeof startExporter>>, dir: string, batch: LogBatch): Promise<() => void> {
    // The state is written to state.json.tmp, then renamed: a directory there fails every write.
    const blocker = path.join(dir, 'state.json.tmp');
    fs.mkdirSync(blocker);
    await run.exporter.consumeLogs(batch);
    const failed = () => run.logger.messages.some((m) => m.msg === 'writing the write-ahead log state failed; retrying');
    for (let waited = 0; !failed() && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(failed()).toBe(true);
    return () => fs.rmdirSync(blocker);
  }

  // The range of a block is persisted before its first insert (so a crash sends it again,
  // identical): a failing write of that state is retried (by the shared retry loop, not as an
  // insert retry) and the block is inserted only once it is written.
  test('a failing write of the log state before an insert is retried; the rows are then stored once', async () => {
    const dir = walDir();
    const run = await startExporter({ endpoint: serverUrl, database, queue: walQueue(dir) });
    const before = await count();
    const unblock = await holdBlockAtStateWrite(run, dir, uniqueBatch('state', 25));
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toEqual(before);
    unblock();
    await run.exporter.flush(20_000);
    expect(await count()).toEqual({ n: before.n + 25, distinct: before.distinct + 25 });
    expect(run.metrics.value('logfun_exporter_sent_records_total', run.labels)).toBe(25);
    expect(run.metrics.value('logfun_exporter_retries_total', run.labels)).toBe(0);
    expect(run.metrics.value('logfun_exporter_queue_entries', run.labels)).toBe(0);
  });

  // Native entries held in memory sit in buffers reused once the insert that carried them is
  // done (BufferPool): entries appended while a taken block waits to be sent (here: its state
  // write keeps failing) must get buffers of their own, not that block's.
  test('entries appended while a taken block waits to be sent keep their own bytes: every row stored once, unchanged', async () => {
    const dir = walDir();
    const run = await startExporter({ endpoint: serverUrl, database, queue: walQueue(dir) });
    const before = await count();
    const unblock = await holdBlockAtStateWrite(run, dir, uniqueBatch('held', 25));
    // Entries of the same size as the held one: a buffer given back too early would be reused for them.
    for (let k = 0; k < 4; k++) await run.exporter.consumeLogs(uniqueBatch(`then${k}`, 25));
    unblock();
    await run.exporter.flush(20_000);
    expect(await count()).toEqual({ n: before.n + 125, distinct: before.distinct + 125 });
    expect(run.metrics.value('logfun_exporter_sent_records_total', run.labels)).toBe(125);
  });

  // 18.16 (InsertId deduplication): the log holds insert-ready Native blocks without the
  // InsertId column; each insert adds it. A block sent again after a crash, some of whose
  // rows are stored, sends just the missing rows, with the InsertIds they had when the
  // block was formed (base + the row's offset in it), so no row is stored twice.
  test('insert-id: Native log entries; a replayed block that was partly stored stores every row exactly once, same InsertIds', async () => {
    const dir = walDir();
    const table = 'partial';
    const day = 86_400n * 1_000_000_000n;
    // Rows alternate between two days, i.e. two partitions: dropping one leaves every other row stored.
    const twoDayBatch = (from: number, n: number): LogBatch => {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
      const sc = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      for (let i = from; i < from + n; i++) {
        b.add(r, sc, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i % 2) * day + BigInt(i), body: `p-${i}`, attributes: [{ key: 'i', value: String(i) }] });
      }
      return b.batch;
    };
    const config = { endpoint: serverUrl, database, logs_table_name: table, queue: walQueue(dir), batch: { max_rows: 1000, max_bytes: '8MiB', flush_interval: '1s' } };
    let run = await startExporter(config);
    expect(run.exporter.deduplication).toBe('insert-id');
    // Two entries within one flush interval: one block of two parts.
    await run.exporter.consumeLogs(twoDayBatch(0, 120));
    await run.exporter.consumeLogs(twoDayBatch(120, 80));
    await run.exporter.flush(20_000);
    expect(run.metrics.value('logfun_exporter_inserts_total', run.labels)).toBe(1);
    await run.exporter.shutdown();

    // The log holds Native entries without InsertId.
    const stateFile = path.join(dir, 'state.json');
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { acked: { seq: number; record: number } };
    // Entries are numbered from 1: the two batches are entries 1 and 2.
    expect(state.acked).toEqual({ seq: 3, record: 0 });
    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, acked: { seq: 1, record: 0 }, inflight: { from: { seq: 1, record: 0 }, to: { seq: 3, record: 0 } } }));
    const wal = await WriteAheadLog.open({ directory: dir, maxBytes: 0, fsync: 'never' });
    try {
      for (const seq of [1, 2]) {
        const payload = (await wal.read(seq)).payload;
        expect(isNativeEntry(payload)).toBe(true);
        const entry = decodeNativeEntry(payload);
        expect(entry.rows).toBe(seq === 1 ? 120 : 80);
        expect(entry.columns).toContain('Body');
        expect(entry.columns).not.toContain('InsertId');
      }
    } finally {
      await wal.close();
    }

    // The process "died" after the insert with one of its partitions stored: drop the other.
    const query = async <T>(sql: string): Promise<T[]> => {
      const res = await fetch(`${serverUrl}/?query=${encodeURIComponent(sql)}`, { method: 'POST' });
      const text = await res.text();
      if (!res.ok) throw new Error(text);
      return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as T);
    };
    const stored = async () => query<{ Body: string; id: string }>(`SELECT Body, toString(InsertId) AS id FROM ${database}.${table} FORMAT JSONEachRow`);
    const before = await stored();
    expect(before).toHaveLength(200);
    const idOf = new Map(before.map((r) => [r.Body, BigInt(r.id)]));
    for (let i = 0; i < 200; i++) expect(idOf.get(`p-${i}`)! - idOf.get('p-0')!).toBe(BigInt(i));
    await query(`ALTER TABLE ${database}.${table} DROP PARTITION '2023-11-14'`);
    expect(await stored()).toHaveLength(100);

    run = await startExporter(config);
    expect(run.metrics.value('logfun_exporter_queue_recovered_records_total', run.labels)).toBe(200);
    await run.exporter.flush(20_000);
    expect(run.metrics.value('logfun_exporter_deduplicated_records_total', run.labels)).toBe(100);
    expect(run.metrics.value('logfun_exporter_sent_records_total', run.labels)).toBe(200);
    expect(run.metrics.value('logfun_exporter_queue_entries', run.labels)).toBe(0);
    const after = await stored();
    expect(after).toHaveLength(200);
    // Every row once, each with the InsertId it had the first time.
    expect(new Map(after.map((r) => [r.Body, BigInt(r.id)]))).toEqual(idOf);
  });
  test('insert-id: rows the server rejects in Native log entries are isolated; the rest keep their InsertIds', async () => {
    const dir = walDir();
    const table = 'rejects';
    const config = { endpoint: serverUrl, database, logs_table_name: table, queue: walQueue(dir), batch: { max_rows: 1000, max_bytes: '8MiB', flush_interval: '1h' } };
    const run = await startExporter(config);
    expect(run.exporter.deduplication).toBe('insert-id');
    // 18.16 has no constraints: a computed column that fails to parse on the rows to reject.
    const res = await fetch(`${serverUrl}/?query=${encodeURIComponent(`ALTER TABLE ${database}.${table} ADD COLUMN Reject UInt8 MATERIALIZED toUInt8(if(SeverityText = 'BOGUS', 'x', '1'))`)}`, { method: 'POST' });
    expect(res.ok).toBe(true);
    const batchOfRows = (from: number, n: number): LogBatch => {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
      const sc = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      for (let i = from; i < from + n; i++) {
        b.add(r, sc, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), severityText: [3, 77, 150, 205].includes(i) ? 'BOGUS' : 'INFO', body: `r-${i}` });
      }
      return b.batch;
    };
    await run.exporter.consumeLogs(batchOfRows(0, 180));
    await run.exporter.consumeLogs(batchOfRows(180, 60));
    // Nothing is sent yet (flush interval 1 h): a copy of the log shows Native entries.
    const copy = walDir();
    fs.cpSync(dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'lock'), { force: true });
    const wal = await WriteAheadLog.open({ directory: copy, maxBytes: 0, fsync: 'never' });
    try {
      for (const seq of [1, 2]) expect(isNativeEntry((await wal.read(seq)).payload)).toBe(true);
    } finally {
      await wal.close();
    }
    await run.exporter.flush(20_000);
    expect(run.metrics.value('logfun_exporter_sent_records_total', run.labels)).toBe(236);
    expect(run.metrics.value('logfun_exporter_failed_records_total', { ...run.labels, reason: 'invalid' })).toBe(4);
    const res2 = await fetch(`${serverUrl}/?query=${encodeURIComponent(`SELECT Body, toString(InsertId) AS id FROM ${database}.${table} FORMAT JSONEachRow`)}`);
    const rows = (await res2.text()).trim().split('\n').map((l) => JSON.parse(l) as { Body: string; id: string });
    expect(rows).toHaveLength(236);
    // Each stored row has base + its offset in the block formed, whichever half it was sent in.
    const idOf = new Map(rows.map((r) => [r.Body, BigInt(r.id)]));
    for (let i = 0; i < 240; i++) {
      if ([3, 77, 150, 205].includes(i)) expect(idOf.has(`r-${i}`)).toBe(false);
      else expect(idOf.get(`r-${i}`)! - idOf.get('r-0')!).toBe(BigInt(i));
    }
  });
});
