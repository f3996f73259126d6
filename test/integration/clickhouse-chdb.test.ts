/**
 * The clickhouse exporter and storage layer against real embedded chDB.
 * One chDB data folder per process: every test here shares one temp folder and
 * isolates itself with its own database; all stores are closed at the end so
 * other test files in the same process can open their own folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KeyValueList, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { RetryableError } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import type { Host } from '../../collector/pipeline/component';
import { clickhouseExporterFactory, type ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/factory';
import type { ClickHouseExporterConfig } from '../../collector/exporters/clickhouse/config';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { anyValueToString } from '../../collector/storage/anyvalue-string';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { WriteAheadLog } from '../../collector/queue/wal';
import { decodeNativeEntry, isNativeEntry, writeNativeEntryHeader } from '../../collector/queue/native-entry';
import { NativeWriter } from '../../collector/storage/native-block';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-chdb-test-'));
const endpoint = `chdb://${folder}`;
let store: ClickHouseStore;
let dbSeq = 0;
const exporters: ClickHouseLogsExporter[] = [];

afterEach(async () => {
  // Failed assertions must not leave a running exporter (or an open chDB handle) behind.
  await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
});

beforeAll(async () => {
  store = await openClickHouse({ endpoint });
});

afterAll(async () => {
  await store?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

function newDatabase(): string {
  return `t${process.pid}_${++dbSeq}`;
}

function makeHost(metrics: Metrics): Host {
  return { metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() };
}

function makeExporter(overrides: Partial<ClickHouseExporterConfig>, metrics = new Metrics(), id = 'clickhouse') {
  const cfg = { ...clickhouseExporterFactory.createDefaultConfig(), endpoint, ...overrides };
  expect(clickhouseExporterFactory.validate!(cfg)).toEqual([]);
  const logger = createMemoryLogger();
  const exporter = clickhouseExporterFactory.create({ id, metrics, logger }, cfg, undefined) as ClickHouseLogsExporter;
  exporters.push(exporter);
  return { exporter, metrics, logger };
}

function simpleBatch(n: number, startNs: bigint, service = 'svc', body = (i: number): AnyValue => `message ${i}`): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: service }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'scope', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) b.add(r, s, { timeUnixNano: startNs + BigInt(i), severityNumber: 9, severityText: 'INFO', body: body(i) }, 100);
  return b.batch;
}

describe('clickhouse store on chDB', () => {
  test('reports version and capabilities and binds query parameters', async () => {
    expect(store.kind).toBe('chdb');
    expect(store.serverVersion.major).toBeGreaterThanOrEqual(23);
    expect(store.capabilities).toMatchObject({ hasMap: true, hasDateTime64: true, hasCodecs: true, hasTTL: true, hasInsertDedupToken: true });
    const rows = await store.query<{ big: string; s: string; arr: string[] }>('SELECT {big:UInt64} AS big, {s:String} AS s, {arr:Array(String)} AS arr', {
      big: '18446744073709551615',
      s: "it's a\ttab",
      arr: ['x', "y'z"],
    });
    expect(rows).toEqual([{ big: '18446744073709551615', s: "it's a\ttab", arr: ['x', "y'z"] }]);
  });

  test('a second store on the same folder shares the engine; another folder is refused', async () => {
    const again = await openClickHouse({ endpoint: `chdb://${folder}/../${path.basename(folder)}` });
    expect(again.client).toBe(store.client);
    await again.close();
    await again.close();
    // The first store still works after the second handle closed.
    expect(await store.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await expect(openClickHouse({ endpoint: `chdb://${folder}-other` })).rejects.toThrow(/already open/);
  });

  test('an insert retried with the same deduplication token is stored once', async () => {
    const db = newDatabase();
    await store.command(`CREATE DATABASE ${db}`);
    await store.command(`CREATE TABLE ${db}.t (a UInt32, s String) ENGINE = MergeTree ORDER BY a SETTINGS non_replicated_deduplication_window = 100`);
    const body = Buffer.from('1\tone\n2\ttwo\n');
    for (let i = 0; i < 3; i++) {
      await store.insertFormatted({ table: `${db}.t`, columns: ['a', 's'], format: 'TabSeparated', body, settings: { insert_deduplication_token: 'tok-1' } });
    }
    await store.insertFormatted({ table: `${db}.t`, columns: ['a', 's'], format: 'TabSeparated', body, settings: { insert_deduplication_token: 'tok-2' } });
    expect(await store.query(`SELECT count() AS c FROM ${db}.t`)).toEqual([{ c: '4' }]);
  });
});

describe('clickhouse exporter on chDB', () => {
  test('every field round-trips, timestamps exact to the nanosecond', async () => {
    const db = newDatabase();
    const { exporter, metrics, logger } = makeExporter({ database: db });
    await exporter.start(makeHost(metrics));
    expect(exporter.schema).toBe('full');
    expect(exporter.deduplication).toBe('token');

    const b = new LogBatchBuilder();
    const r1 = b.addResource({
      attributes: [
        { key: 'service.name', value: 'checkout' },
        { key: 'host.name', value: "h'1\t\n\\" },
        { key: 'pid', value: 4242n },
      ],
      droppedAttributesCount: 0,
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    });
    const r2 = b.addResource({ attributes: [{ key: 'service.name', value: 17n }], droppedAttributesCount: 0, schemaUrl: '' });
    const s1 = b.addScope({ name: 'my.lib', version: '2.1.0', attributes: [{ key: 'scope.attr', value: true }], droppedAttributesCount: 0, schemaUrl: 'https://scope/schema' });
    const bodies: AnyValue[] = [
      'plain text with \t tab, \n newline, \\ backslash and \'quote\' and "dq" and ünïcødé 😀',
      42n,
      -1.5e-7,
      true,
      new Uint8Array([0, 1, 2, 253, 254, 255]),
      ['a', 1n, 2.5, false, undefined],
      new KeyValueList([
        { key: 'z', value: 'last' },
        { key: 'a', value: new KeyValueList([{ key: 'inner', value: '<tag>&' }]) },
      ]),
      undefined,
    ];
    const attrs: KeyValue[] = [
      { key: 'http.method', value: 'GET' },
      { key: 'http.status_code', value: 200n },
      { key: 'ratio', value: 0.25 },
      { key: 'list', value: ['x', 'y'] },
      { key: 'empty', value: '' },
      { key: "k'ey\twith\nspecials", value: 'v' },
    ];
    const times = [1700000000123456789n, 1n, 0n, 9223372036854775807n, 1234567890000000001n, 1700000000000000000n, 1700000000999999999n, 1600000000000000007n];
    bodies.forEach((body, i) => {
      b.add(i % 2 ? r2 : r1, s1, {
        timeUnixNano: times[i],
        observedTimeUnixNano: i === 2 ? 1700000005000000042n : 0n,
        severityNumber: i + 1,
        severityText: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', '', 'INFO'][i],
        body,
        attributes: i === 0 ? attrs : [{ key: 'i', value: BigInt(i) }],
        flags: i === 1 ? 0x101 : 1,
        traceId: i === 7 ? '' : '0af7651916cd43dd8448eb211c80319c',
        spanId: i === 7 ? '' : 'b7ad6b7169203331',
        eventName: i === 3 ? 'user.login' : '',
        templateId: i === 0 ? 18446744073709551615n : BigInt(i),
        templateArgs: i === 0 ? ['a\tb', "c'd", '', 'ü'] : [],
      });
    });
    const batch = b.batch;
    await exporter.consumeLogs(batch);
    await exporter.flush(20_000);
    expect(logger.messages.filter((m) => m.level !== 'info')).toEqual([]);
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(bodies.length);

    const rows = await store.query<Record<string, unknown>>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, toUnixTimestamp(TimestampTime) AS tt, * EXCEPT (Timestamp, TimestampTime)
       FROM ${db}.otel_logs ORDER BY SeverityNumber`,
    );
    expect(rows).toHaveLength(bodies.length);
    rows.forEach((row, i) => {
      const ts = times[i] !== 0n ? times[i] : 1700000005000000042n;
      const res = batch.resources[batch.resourceIndex[i]];
      expect(row.ns).toBe(ts.toString());
      // TimestampTime is the contrib table's DEFAULT toDateTime(Timestamp), computed by the server
      // (a DateTime ends in 2106, so the 2262 record's value is the server's wrap-around, as with contrib).
      if (ts / 1_000_000_000n < 4294967296n) expect(row.tt).toBe(Number(ts / 1_000_000_000n));
      expect(row.TraceId).toBe(batch.traceId[i]);
      expect(row.SpanId).toBe(batch.spanId[i]);
      expect(row.TraceFlags).toBe(batch.flags[i] & 0xff);
      expect(row.SeverityText).toBe(batch.severityText[i]);
      expect(row.SeverityNumber).toBe(i + 1);
      expect(row.ServiceName).toBe(i % 2 ? '17' : 'checkout');
      expect(row.Body).toBe(anyValueToString(bodies[i]));
      expect(row.ResourceSchemaUrl).toBe(res.schemaUrl);
      expect(row.ResourceAttributes).toEqual(Object.fromEntries(res.attributes.map((a) => [a.key, anyValueToString(a.value)])));
      expect(row.ScopeSchemaUrl).toBe('https://scope/schema');
      expect(row.ScopeName).toBe('my.lib');
      expect(row.ScopeVersion).toBe('2.1.0');
      expect(row.ScopeAttributes).toEqual({ 'scope.attr': 'true' });
      expect(row.LogAttributes).toEqual(Object.fromEntries(batch.attributes[i].map((a) => [a.key, anyValueToString(a.value)])));
      expect(row.EventName).toBe(batch.eventName[i]);
      expect(row.TemplateId).toBe(batch.templateId[i].toString());
      expect(row.TemplateArgs).toEqual(batch.templateArgs[i]);
    });
    // Spot-check the Go-style renderings the contrib exporter would have stored.
    expect(rows[2].Body).toBe('-1.5e-7');
    expect(rows[4].Body).toBe('AAEC/f7/');
    expect(rows[5].Body).toBe('["a",1,2.5,false,null]');
    expect(rows[6].Body).toBe('{"a":{"inner":"<tag>&"},"z":"last"}');
    expect(rows[0].LogAttributes).toMatchObject({ 'http.status_code': '200', ratio: '0.25', list: '["x","y"]' });
    await exporter.shutdown();
  });

  test('records whose timestamp the column cannot hold are dropped and counted, not sent', async () => {
    const db = newDatabase();
    const { exporter, metrics } = makeExporter({ database: db });
    await exporter.start(makeHost(metrics));
    const batch = simpleBatch(3, 1700000000000000000n);
    batch.timeUnixNano[1] = 9223372036854775808n; // one past DateTime64(9)'s last nanosecond
    await exporter.consumeLogs(batch);
    await exporter.flush(20_000);
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(2);
    expect(metrics.value('logfun_exporter_failed_records_total', { exporter: 'clickhouse', reason: 'invalid' })).toBe(1);
    expect(await store.query(`SELECT count() AS c FROM ${db}.otel_logs`)).toEqual([{ c: '2' }]);
    await exporter.shutdown();
  });

  test('batches by max_rows and by flush interval', async () => {
    const db = newDatabase();
    const { exporter, metrics } = makeExporter({ database: db, batch: { max_rows: 100, max_bytes: '8MiB', flush_interval: '300ms' } });
    await exporter.start(makeHost(metrics));
    const labels = { exporter: 'clickhouse' };

    // 10 batches of 35 records arrive together: full inserts of 100 as soon as there are 100 queued.
    for (let k = 0; k < 10; k++) await exporter.consumeLogs(simpleBatch(35, BigInt(k) * 1000n + 1700000000000000000n));
    await exporter.flush(20_000);
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(350);
    expect(metrics.value('logfun_exporter_inserts_total', labels)).toBe(4);

    // Small batches spread over less than the flush interval go out in one insert, after it.
    const before = Date.now();
    for (let k = 0; k < 5; k++) {
      await exporter.consumeLogs(simpleBatch(3, 1700000001000000000n + BigInt(k) * 10n));
      await new Promise((r) => setTimeout(r, 20));
    }
    const deadline = Date.now() + 5000;
    while (metrics.value('logfun_exporter_sent_records_total', labels) < 365 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - before).toBeGreaterThanOrEqual(280);
    expect(metrics.value('logfun_exporter_inserts_total', labels)).toBe(5);
    expect(await store.query(`SELECT count() AS c FROM ${db}.otel_logs`)).toEqual([{ c: '365' }]);
    expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(0);
    await exporter.shutdown();
  });

  test('a batch larger than max_rows is split across inserts', async () => {
    const db = newDatabase();
    const { exporter, metrics } = makeExporter({ database: db, batch: { max_rows: 1000, max_bytes: '8MiB', flush_interval: '1s' } });
    await exporter.start(makeHost(metrics));
    await exporter.consumeLogs(simpleBatch(2500, 1700000000000000000n));
    await exporter.flush(20_000);
    expect(metrics.value('logfun_exporter_inserts_total', { exporter: 'clickhouse' })).toBe(3);
    expect(await store.query(`SELECT count() AS c, uniqExact(Body) AS u FROM ${db}.otel_logs`)).toEqual([{ c: '2500', u: '2500' }]);
    await exporter.shutdown();
  });

  test('an insert of more than ClickHouse\'s 10 MiB Wide-part threshold is stored as one Compact part (one file for all columns)', async () => {
    const db = newDatabase();
    const { exporter, metrics } = makeExporter({ database: db });
    await exporter.start(makeHost(metrics));
    const filler = 'x'.repeat(700);
    await exporter.consumeLogs(simpleBatch(20_000, 1700000000000000000n, 'svc', (i) => `message ${i} ${filler}`));
    await exporter.flush(20_000);
    expect(metrics.value('logfun_exporter_inserts_total', { exporter: 'clickhouse' })).toBe(1);
    const parts = await store.query<{ part_type: string; rows: string; bytes: string }>(
      `SELECT part_type, rows, data_uncompressed_bytes AS bytes FROM system.parts WHERE database = '${db}' AND table = 'otel_logs' AND active`,
    );
    expect(parts).toHaveLength(1);
    expect(Number(parts[0].bytes)).toBeGreaterThan(10 << 20);
    expect(parts[0]).toMatchObject({ part_type: 'Compact', rows: '20000' });
    await exporter.shutdown();
  });

  test('rows the server rejects are isolated, dropped and counted; the rest of the block is written', async () => {
    const db = newDatabase();
    await store.command(`CREATE DATABASE ${db}`);
    // A hand-made table whose SeverityText only accepts two values: other rows fail to parse.
    await store.command(
      `CREATE TABLE ${db}.otel_logs (Timestamp DateTime64(9), ServiceName String, SeverityText Enum8('INFO' = 1, 'WARN' = 2), Body String)
       ENGINE = MergeTree ORDER BY Timestamp SETTINGS non_replicated_deduplication_window = 1000`,
    );
    const { exporter, metrics, logger } = makeExporter({ database: db, create_schema: false });
    await exporter.start(makeHost(metrics));
    const batch = simpleBatch(200, 1700000000000000000n);
    for (const bad of [3, 77, 150]) batch.severityText[bad] = 'BOGUS';
    await exporter.consumeLogs(batch);
    await exporter.flush(20_000);
    const labels = { exporter: 'clickhouse' };
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(197);
    expect(metrics.value('logfun_exporter_failed_records_total', { ...labels, reason: 'invalid' })).toBe(3);
    expect(await store.query(`SELECT count() AS c FROM ${db}.otel_logs`)).toEqual([{ c: '197' }]);
    expect(logger.messages.some((m) => m.level === 'error' && /rejected/.test(m.msg))).toBe(true);
    await exporter.shutdown();
  });

  test('storage wal: the log holds insert-ready Native blocks; rows the server rejects in them are still isolated', async () => {
    const db = newDatabase();
    await store.command(`CREATE DATABASE ${db}`);
    // Every column is one the Native encoder writes; the constraint rejects single rows at insert time.
    await store.command(
      `CREATE TABLE ${db}.otel_logs (Timestamp DateTime64(9), ServiceName String, SeverityText String, Body String,
         CONSTRAINT known_severity CHECK SeverityText != 'BOGUS')
       ENGINE = MergeTree ORDER BY Timestamp SETTINGS non_replicated_deduplication_window = 1000`,
    );
    const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-native-wal-'));
    const { exporter, metrics } = makeExporter({
      database: db,
      create_schema: false,
      batch: { max_rows: 10000, max_bytes: '8MiB', flush_interval: '1h' },
      queue: { ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal', directory: queueDir },
    });
    await exporter.start(makeHost(metrics));
    const batches = [simpleBatch(200, 1700000000000000000n), simpleBatch(50, 1700000001000000000n), simpleBatch(120, 1700000002000000000n)];
    for (const bad of [3, 77, 150]) batches[0].severityText[bad] = 'BOGUS';
    batches[2].severityText[5] = 'BOGUS';
    for (const b of batches) await exporter.consumeLogs(b);

    // Nothing is sent yet (flush interval 1 h): a copy of the log shows what it holds.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-native-wal-copy-'));
    fs.cpSync(queueDir, copy, { recursive: true });
    const wal = await WriteAheadLog.open({ directory: copy, maxBytes: 0 });
    const held: number[] = [];
    for (let seq = wal.nextLiveSeq(0); seq !== undefined; seq = wal.nextLiveSeq(seq + 1)) {
      const entry = await wal.read(seq);
      expect(isNativeEntry(entry.payload)).toBe(true);
      const native = decodeNativeEntry(entry.payload);
      expect(native.columns).toEqual(['Timestamp', 'ServiceName', 'SeverityText', 'Body']);
      held.push(native.rows);
    }
    await wal.close();
    fs.rmSync(copy, { recursive: true, force: true });
    expect(held).toEqual([200, 50, 120]);

    await exporter.flush(20_000);
    const labels = { exporter: 'clickhouse' };
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(366);
    expect(metrics.value('logfun_exporter_failed_records_total', { ...labels, reason: 'invalid' })).toBe(4);
    expect(await store.query(`SELECT count() AS c, countIf(SeverityText = 'INFO') AS info FROM ${db}.otel_logs`)).toEqual([{ c: '366', info: '366' }]);
    await exporter.shutdown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  });

  test('storage wal: a Native entry holds the values a resource and a scope give their rows once per run; read back (and from an entry written whole, as before) the rows are the same', async () => {
    const walQueue = (directory: string) => ({ ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal' as const, directory });
    const attrs = (prefix: string, n: number): KeyValue[] => Array.from({ length: n }, (_, k) => ({ key: `${prefix}.attribute.${k}`, value: `${prefix} value ${k} ${'v'.repeat(20)}` }));
    const b = new LogBatchBuilder();
    const r1 = b.addResource({ attributes: [{ key: 'service.name', value: 'runs-a' }, ...attrs('r1', 12)], droppedAttributesCount: 0, schemaUrl: 'https://r1' });
    const r2 = b.addResource({ attributes: [{ key: 'service.name', value: 'runs-b' }, ...attrs('r2', 12)], droppedAttributesCount: 0, schemaUrl: '' });
    const s1 = b.addScope({ name: 'scope-1', version: '1.0', attributes: attrs('s1', 4), droppedAttributesCount: 0, schemaUrl: '' });
    const s2 = b.addScope({ name: 'scope-2', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: 'https://s2' });
    const rows = 600;
    // runs of rows: 300 of r1/s1, 200 of r2/s1, 100 of r2/s2 (two shared attribute lists on some rows)
    const site = attrs('site', 2);
    for (let i = 0; i < rows; i++) {
      const [r, s] = i < 300 ? [r1, s1] : i < 500 ? [r2, s1] : [r2, s2];
      b.add(r, s, { timeUnixNano: 1700000000000000000n + BigInt(i), severityNumber: 9, severityText: 'INFO', body: `record ${i}`, attributes: i % 3 === 0 ? site : [] }, 100);
    }
    const db = newDatabase();
    const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-runs-wal-'));
    const first = makeExporter({ database: db, batch: { max_rows: 10000, max_bytes: '8MiB', flush_interval: '1h' }, queue: walQueue(queueDir) });
    await first.exporter.start(makeHost(first.metrics));
    await first.exporter.consumeLogs(b.batch);

    // Nothing is sent yet (flush interval 1 h): a copy of the log holds the entry.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-runs-wal-copy-'));
    fs.cpSync(queueDir, copy, { recursive: true });
    const wal = await WriteAheadLog.open({ directory: copy, maxBytes: 0 });
    const entry = await wal.read(wal.nextLiveSeq(0)!);
    await wal.close();
    const native = decodeNativeEntry(entry.payload);
    expect(native.rows).toBe(rows);
    // The block repeats ~800 bytes of resource and scope values on every row; the entry holds them once per run.
    expect(native.block.length / rows).toBeGreaterThan(800);
    expect(entry.payload.length / rows).toBeLessThan(120);

    await first.exporter.flush(20_000);
    await first.exporter.shutdown();
    const all = (database: string) => store.query(`SELECT * FROM ${database}.otel_logs ORDER BY Timestamp`);
    const stored = await all(db);
    expect(stored).toHaveLength(rows);
    expect(stored[599]).toMatchObject({ ServiceName: 'runs-b', ScopeName: 'scope-2', ScopeSchemaUrl: 'https://s2', Body: 'record 599' });

    /** The rows an exporter on the log in `dir` stores in a database of its own. */
    const rowsSentFrom = async (dir: string, id: string) => {
      const database = newDatabase();
      const { exporter, metrics } = makeExporter({ database, batch: { max_rows: 10000, max_bytes: '8MiB', flush_interval: '50ms' }, queue: walQueue(dir) }, new Metrics(), id);
      await exporter.start(makeHost(metrics));
      await exporter.flush(20_000);
      await exporter.shutdown();
      return all(database);
    };
    // The entry read back from the log (another exporter on the copy) gives the same rows.
    expect(await rowsSentFrom(copy, 'clickhouse/read-back')).toEqual(stored);

    // A log written before entries left their runs out holds the block whole after the header: still read.
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-whole-wal-'));
    const oldWal = await WriteAheadLog.open({ directory: oldDir, maxBytes: 0 });
    const w = new NativeWriter();
    writeNativeEntryHeader(w, rows, native.columns);
    w.raw(native.block);
    await oldWal.append(Buffer.from(w.view()), rows);
    await oldWal.close();
    expect(await rowsSentFrom(oldDir, 'clickhouse/whole')).toEqual(stored);
    for (const dir of [queueDir, copy, oldDir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('storage wal: appends in flight at once (each encoded in a writer of its own, reused once written) store every record once, unchanged', async () => {
    const db = newDatabase();
    const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-concurrent-wal-'));
    // A read-ahead window of two 100-row blocks: most entries are read back from the log, the others are kept in memory.
    const { exporter, metrics } = makeExporter({
      database: db,
      batch: { max_rows: 100, max_bytes: '8MiB', flush_interval: '50ms' },
      queue: { ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal', directory: queueDir },
    });
    await exporter.start(makeHost(metrics));
    const rounds = 4;
    const inFlight = 12;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        Array.from({ length: inFlight }, (_, k) => {
          const entry = round * inFlight + k;
          // entries of different sizes, so a reused writer holds longer bytes than the next entry's
          return exporter.consumeLogs(simpleBatch(30 + ((entry * 7) % 40), 1700000000000000000n + BigInt(entry) * 1_000_000n, 'concurrent', (i) => `entry ${entry} record ${i} ${'x'.repeat(entry % 5)}`));
        }),
      );
    }
    await exporter.flush(20_000);
    const expected: string[] = [];
    for (let entry = 0; entry < rounds * inFlight; entry++) {
      for (let i = 0; i < 30 + ((entry * 7) % 40); i++) expected.push(`entry ${entry} record ${i} ${'x'.repeat(entry % 5)}`);
    }
    const rows = await store.query<{ Body: string }>(`SELECT Body FROM ${db}.otel_logs WHERE ServiceName = 'concurrent'`);
    expect(rows.map((r) => r.Body).sort()).toEqual(expected.sort());
    await exporter.shutdown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  });

  test('storage wal: a log holding both kinds of entry (objects from before the store was known, Native blocks after) sends every record once', async () => {
    const db = newDatabase();
    const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-mixed-wal-'));
    const queue = { ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal' as const, directory: queueDir };
    // 1. No store yet (a port nothing listens on): entries go into the log in the LogBatch form.
    const down = makeExporter({ database: db, endpoint: 'http://127.0.0.1:9', timeout: '200ms', queue, shutdown_timeout: '200ms' }, new Metrics(), 'clickhouse/down');
    await down.exporter.start(makeHost(down.metrics));
    await down.exporter.consumeLogs(simpleBatch(30, 1700000000000000000n, 'mixed'));
    await down.exporter.consumeLogs(simpleBatch(20, 1700000001000000000n, 'mixed'));
    await down.exporter.shutdown();
    // 2. The same log with the store reachable: the old entries are read back and sent, new ones are Native blocks.
    const { exporter, metrics } = makeExporter({ database: db, queue, batch: { max_rows: 10000, max_bytes: '8MiB', flush_interval: '100ms' } });
    await exporter.start(makeHost(metrics));
    await exporter.consumeLogs(simpleBatch(40, 1700000002000000000n, 'mixed'));
    await exporter.consumeLogs(simpleBatch(10, 1700000003000000000n, 'mixed'));
    await exporter.flush(20_000);
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(100);
    expect(await store.query(`SELECT count() AS c, uniqExact(Timestamp) AS u FROM ${db}.otel_logs WHERE ServiceName = 'mixed'`)).toEqual([{ c: '100', u: '100' }]);
    await exporter.shutdown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  });

  test('storage wal: Native entries written for other table columns are inserted with the columns the table has now', async () => {
    const db = newDatabase();
    const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-wal-columns-'));
    // A log left by an earlier run whose table had a column since dropped and a stored Body
    // (this table stores rendered bodies: Body is an ALIAS of RawBody).
    const wal = await WriteAheadLog.open({ directory: queueDir, maxBytes: 0 });
    const rows = 20;
    const w = new NativeWriter();
    writeNativeEntryHeader(w, rows, ['Timestamp', 'ServiceName', 'Body', 'Dropped']);
    w.varint(4);
    w.varint(rows);
    w.column('Timestamp', 'DateTime64(9)');
    for (let i = 0; i < rows; i++) w.i64(1700000000000000000n + BigInt(i));
    w.column('ServiceName', 'String');
    for (let i = 0; i < rows; i++) w.string('columns');
    w.column('Body', 'String');
    for (let i = 0; i < rows; i++) w.string(`earlier run ${i}`);
    w.column('Dropped', 'String');
    for (let i = 0; i < rows; i++) w.string('gone');
    await wal.append(Buffer.from(w.view()), rows);
    await wal.close();

    const { exporter, metrics, logger } = makeExporter({
      database: db,
      body: 'rendered',
      batch: { max_rows: 1000, max_bytes: '8MiB', flush_interval: '100ms' },
      queue: { ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal', directory: queueDir },
    });
    await exporter.start(makeHost(metrics));
    await exporter.flush(20_000);
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(rows);
    const stored = await store.query<{ c: string; b: string }>(`SELECT count() AS c, min(Body) AS b FROM ${db}.otel_logs WHERE ServiceName = 'columns'`);
    expect(stored).toEqual([{ c: String(rows), b: 'earlier run 0' }]);
    expect(logger.messages.some((m) => m.level === 'warn' && /other table columns/.test(m.msg))).toBe(true);
    await exporter.shutdown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  });

  test('shutdown flushes what is queued without waiting for the flush interval', async () => {
    const db = newDatabase();
    const { exporter, metrics } = makeExporter({ database: db, batch: { max_rows: 10000, max_bytes: '8MiB', flush_interval: '1h' } });
    await exporter.start(makeHost(metrics));
    for (let k = 0; k < 4; k++) await exporter.consumeLogs(simpleBatch(50, 1700000000000000000n + BigInt(k) * 100n));
    await exporter.shutdown();
    await exporter.shutdown();
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(200);
    expect(await store.query(`SELECT count() AS c FROM ${db}.otel_logs`)).toEqual([{ c: '200' }]);
    await expect(exporter.consumeLogs(simpleBatch(1, 1n))).rejects.toBeInstanceOf(RetryableError);
  });

  test('creates the table with TTL when configured', async () => {
    const db = newDatabase();
    const { exporter, metrics } = makeExporter({ database: db, ttl: '72h' });
    await exporter.start(makeHost(metrics));
    const [t] = await store.query<{ create_table_query: string }>('SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = {t:String}', {
      db,
      t: 'otel_logs',
    });
    expect(t.create_table_query).toMatch(/TTL TimestampTime \+ toIntervalDay\(3\)/);
    expect(t.create_table_query).toMatch(/non_replicated_deduplication_window = 1000/);
    await exporter.shutdown();
  });

  test('writes into a table made by the contrib exporter (no template columns) and enables deduplication on it', async () => {
    const db = newDatabase();
    await store.command(`CREATE DATABASE ${db}`);
    // The contrib exporter's own DDL, as it creates it (no TemplateId/TemplateArgs, no dedup window).
    await store.command(`CREATE TABLE ${db}.otel_logs (
      Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)), TimestampTime DateTime DEFAULT toDateTime(Timestamp),
      TraceId String CODEC(ZSTD(1)), SpanId String CODEC(ZSTD(1)), TraceFlags UInt8,
      SeverityText LowCardinality(String) CODEC(ZSTD(1)), SeverityNumber UInt8, ServiceName LowCardinality(String) CODEC(ZSTD(1)),
      Body String CODEC(ZSTD(1)), ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
      ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)), ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
      ScopeName String CODEC(ZSTD(1)), ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
      ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)), LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
      EventName String CODEC(ZSTD(1))
    ) ENGINE = MergeTree() PARTITION BY toDate(TimestampTime) PRIMARY KEY (ServiceName, TimestampTime)
      ORDER BY (ServiceName, TimestampTime, Timestamp) SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`);

    const readOnly = makeExporter({ database: db, create_schema: false }, new Metrics(), 'clickhouse/ro');
    await readOnly.exporter.start(makeHost(readOnly.metrics));
    expect(readOnly.logger.messages.some((m) => m.level === 'warn' && /non_replicated_deduplication_window = 0/.test(m.msg))).toBe(true);
    await readOnly.exporter.shutdown();

    const { exporter, metrics } = makeExporter({ database: db });
    await exporter.start(makeHost(metrics));
    expect(exporter.schema).toBe('full');
    await exporter.consumeLogs(simpleBatch(5, 1700000000000000000n, 'legacy-svc'));
    await exporter.flush(20_000);
    expect(await store.query(`SELECT count() AS c, any(ServiceName) AS s FROM ${db}.otel_logs`)).toEqual([{ c: '5', s: 'legacy-svc' }]);
    const [t] = await store.query<{ create_table_query: string }>(`SELECT create_table_query FROM system.tables WHERE database = '${db}' AND name = 'otel_logs'`);
    expect(t.create_table_query).toMatch(/non_replicated_deduplication_window = 1000/);
  });
});
