/**
 * The clickhouse exporter and storage layer against a real ClickHouse server over
 * HTTP (Debian's 18.16 here: the legacy schema and InsertId deduplication).
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123. The file is
 * skipped only when that variable is unset AND nothing answers on 8123.
 * Faults are injected by a TCP proxy in front of the real server (no mocks):
 * it can swallow an INSERT's response (the insert happened, the client cannot
 * know), cut an INSERT request half-way, or stop listening for a while.
 */
import * as net from 'net';
import { randomBytes } from 'crypto';
import { KeyValueList, LogBatchBuilder, type AnyValue, type LogBatch } from '../../collector/pipeline/batch';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { clickhouseExporterFactory, type ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/factory';
import type { ClickHouseExporterConfig } from '../../collector/exporters/clickhouse/config';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { anyValueToString } from '../../collector/storage/anyvalue-string';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

const serverUrl = testServerUrl();
const describeServer = describeWithServer('clickhouse-server.test.ts', serverUrl);

/** A TCP proxy in front of the server that can misbehave on demand. */
class FaultProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** INSERT responses to swallow: the server has executed the insert, the client sees the connection drop. */
  swallowInsertResponses = 0;
  /** INSERT requests to cut after forwarding this many body bytes. */
  cutInsertRequests = 0;
  cutAfterBytes = 4096;
  faultsInjected = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  listen(): Promise<void> {
    const server = net.createServer((client) => this.handle(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops listening and drops every open connection (connection refused until listen() again). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    let insertInFlight = false;
    let forwardedBody = 0;
    let cutting = false;
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 1024).toString('latin1');
      if (/^(GET|POST) /.test(head)) {
        insertInFlight = /^POST [^\r\n]*INSERT/.test(head);
        forwardedBody = 0;
        cutting = insertInFlight && this.cutInsertRequests > 0;
        if (cutting) this.cutInsertRequests--;
      }
      if (cutting) {
        const room = this.cutAfterBytes - forwardedBody;
        if (chunk.length >= room) {
          upstream.write(chunk.subarray(0, room), () => {
            this.faultsInjected++;
            kill();
          });
          return;
        }
        forwardedBody += chunk.length;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (insertInFlight && this.swallowInsertResponses > 0) {
        this.swallowInsertResponses--;
        this.faultsInjected++;
        kill();
        return;
      }
      client.write(chunk);
    });
    const forget = (s: net.Socket) => () => {
      this.sockets.delete(s);
      kill();
    };
    client.on('close', forget(client));
    upstream.on('close', forget(upstream));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  }
}

function simpleBatch(n: number, startNs: bigint, tag: string): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'scope', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) {
    b.add(r, s, { timeUnixNano: startNs + BigInt(i) * 1_000_003n, severityNumber: 9, severityText: 'INFO', body: `${tag} ${i}`, attributes: [{ key: 'i', value: BigInt(i) }] }, 120);
  }
  return b.batch;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

describeServer('clickhouse on a real server over HTTP', () => {
  const database = `logfun_it_${process.pid}_${randomBytes(3).toString('hex')}`;
  let store: ClickHouseStore;
  const exporters: ClickHouseLogsExporter[] = [];
  const proxies: FaultProxy[] = [];
  let tableSeq = 0;

  beforeAll(async () => {
    store = await openClickHouse({ endpoint: serverUrl });
  });

  afterEach(async () => {
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  afterAll(async () => {
    await store?.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await store?.close();
  });

  async function newProxy(): Promise<FaultProxy> {
    const u = new URL(serverUrl);
    const proxy = new FaultProxy({ host: u.hostname === 'localhost' ? '127.0.0.1' : u.hostname, port: Number(u.port || 8123) });
    await proxy.listen();
    proxies.push(proxy);
    return proxy;
  }

  function makeExporter(overrides: Partial<ClickHouseExporterConfig>) {
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const table = overrides.logs_table_name ?? `logs_${++tableSeq}`;
    const u = new URL(serverUrl);
    const cfg: ClickHouseExporterConfig = {
      ...clickhouseExporterFactory.createDefaultConfig(),
      endpoint: serverUrl,
      // Credentials given in LOGFUN_TEST_CLICKHOUSE_URL also apply when the endpoint is a proxy.
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database,
      timeout: '5s',
      retry: { initial_interval: '100ms', max_interval: '1s', max_elapsed: '0', multiplier: 1.5, randomization_factor: 0.2 },
      ...overrides,
      logs_table_name: table,
    };
    expect(clickhouseExporterFactory.validate!(cfg)).toEqual([]);
    const exporter = clickhouseExporterFactory.create({ id: 'clickhouse/server', metrics, logger }, cfg, undefined) as ClickHouseLogsExporter;
    exporters.push(exporter);
    const host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
    const labels = { exporter: 'clickhouse/server' };
    return { exporter, metrics, logger, host, table: `${database}.${table}`, labels };
  }

  test('store: version, capabilities, parameters bound safely even without server-side parameters', async () => {
    expect(store.kind).toBe('http');
    expect(store.serverVersion.text).toMatch(/^\d+\.\d+/);
    const rows = await store.query<{ big: string; s: string; arr: string[]; n: number }>(
      "SELECT {big:UInt64} AS big, {s:String} AS s, {arr:Array(String)} AS arr, {n:UInt8} AS n, '{not:Param}' AS literal",
      { big: '18446744073709551615', s: "it's a\ttab\\ and {x:String}", arr: ['x', "y'z"], n: 7 },
    );
    expect(rows).toEqual([{ big: '18446744073709551615', s: "it's a\ttab\\ and {x:String}", arr: ['x', "y'z"], n: 7, literal: '{not:Param}' }]);
    await expect(store.query('SELECT {missing:String}', {})).rejects.toThrow(/missing/);
  });

  test('every field round-trips through the schema this server supports, nanoseconds exact', async () => {
    const { exporter, metrics, host, table, labels, logger } = makeExporter({});
    await exporter.start(host);
    const legacy = !store.capabilities.hasMap;
    expect(exporter.schema).toBe(legacy ? 'legacy' : 'full');
    expect(exporter.deduplication).toBe(store.capabilities.hasInsertDedupToken ? 'token' : 'insert-id');

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
    const s1 = b.addScope({ name: 'my.lib', version: '2.1.0', attributes: [{ key: 'scope.attr', value: true }], droppedAttributesCount: 0, schemaUrl: 'https://scope/schema' });
    const bodies: AnyValue[] = [
      "text with \t tab, \n newline, \\ backslash, 'quote', ünïcødé 😀",
      -42n,
      1e21,
      false,
      new Uint8Array([255, 0, 128]),
      [1n, 'two', [3.5]],
      new KeyValueList([{ key: 'k', value: 'v' }]),
      undefined,
    ];
    const times = [1700000000123456789n, 1n, 0n, 4294967295999999999n, 1234567890000000001n, 1700000000000000000n, 1700000000999999999n, 1600000000000000007n];
    bodies.forEach((body, i) =>
      b.add(r1, s1, {
        timeUnixNano: times[i],
        observedTimeUnixNano: i === 2 ? 1700000005000000042n : 0n,
        severityNumber: i + 1,
        severityText: 'S' + i,
        body,
        attributes: i === 0 ? [{ key: 'http.method', value: 'GET' }, { key: "we'ird\tkey", value: 0.1 }] : [],
        flags: i === 1 ? 0x301 : 1,
        traceId: i === 7 ? '' : '0af7651916cd43dd8448eb211c80319c',
        spanId: i === 7 ? '' : 'b7ad6b7169203331',
        eventName: i === 3 ? 'user.login' : '',
        templateId: i === 0 ? 18446744073709551615n : BigInt(i),
        templateArgs: i === 0 ? ['a\tb', "c'd", ''] : [],
      }),
    );
    const batch = b.batch;
    await exporter.consumeLogs(batch);
    await exporter.flush(20_000);
    expect(logger.messages.filter((m) => m.level !== 'info')).toEqual([]);
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(bodies.length);

    const timeSql = legacy ? 'toString(toUInt64(Timestamp) * 1000000000 + TimestampNanos)' : 'toString(toUnixTimestamp64Nano(Timestamp))';
    const attrSql = legacy
      ? 'ResourceAttributes.keys AS rk, ResourceAttributes.values AS rv, ScopeAttributes.keys AS sk, ScopeAttributes.values AS sv, LogAttributes.keys AS lk, LogAttributes.values AS lv'
      : 'mapKeys(ResourceAttributes) AS rk, mapValues(ResourceAttributes) AS rv, mapKeys(ScopeAttributes) AS sk, mapValues(ScopeAttributes) AS sv, mapKeys(LogAttributes) AS lk, mapValues(LogAttributes) AS lv';
    const rows = await store.query<Record<string, unknown>>(
      `SELECT ${timeSql} AS ns, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceSchemaUrl,
              ScopeSchemaUrl, ScopeName, ScopeVersion, EventName, TemplateId, TemplateArgs, ${attrSql}
       FROM ${table} ORDER BY SeverityNumber`,
    );
    expect(rows).toHaveLength(bodies.length);
    rows.forEach((row, i) => {
      const ts = times[i] !== 0n ? times[i] : 1700000005000000042n;
      expect(row).toEqual({
        ns: ts.toString(),
        TraceId: batch.traceId[i],
        SpanId: batch.spanId[i],
        TraceFlags: batch.flags[i] & 0xff,
        SeverityText: 'S' + i,
        SeverityNumber: i + 1,
        ServiceName: 'checkout',
        Body: anyValueToString(bodies[i]),
        ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        ScopeSchemaUrl: 'https://scope/schema',
        ScopeName: 'my.lib',
        ScopeVersion: '2.1.0',
        EventName: batch.eventName[i],
        TemplateId: batch.templateId[i].toString(),
        TemplateArgs: batch.templateArgs[i],
        rk: ['service.name', 'host.name', 'pid'],
        rv: ['checkout', "h'1\t\n\\", '4242'],
        sk: ['scope.attr'],
        sv: ['true'],
        lk: batch.attributes[i].map((a) => a.key),
        lv: batch.attributes[i].map((a) => anyValueToString(a.value)),
      });
    });
    expect(rows[2].Body).toBe('1e+21');
    expect(rows[5].Body).toBe('[1,"two",[3.5]]');
  });

  test('a retry after the INSERT response was lost does not duplicate rows', async () => {
    const proxy = await newProxy();
    const { exporter, metrics, host, table, labels } = makeExporter({ endpoint: proxy.url });
    await exporter.start(host);
    proxy.swallowInsertResponses = 1;
    await exporter.consumeLogs(simpleBatch(500, 1700000000000000000n, 'lost-response'));
    await exporter.flush(30_000);
    expect(proxy.faultsInjected).toBe(1);
    expect(metrics.value('logfun_exporter_retries_total', labels)).toBeGreaterThanOrEqual(1);
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(500);
    if (exporter.deduplication === 'insert-id') expect(metrics.value('logfun_exporter_deduplicated_records_total', labels)).toBe(500);
    expect(await store.query(`SELECT count() AS c, uniqExact(Body) AS u FROM ${table}`)).toEqual([{ c: '500', u: '500' }]);
  });

  test('a retry after the INSERT request was cut half-way stores every row exactly once', async () => {
    const proxy = await newProxy();
    const { exporter, metrics, host, table, labels } = makeExporter({ endpoint: proxy.url });
    await exporter.start(host);
    proxy.cutInsertRequests = 1;
    proxy.cutAfterBytes = 20_000;
    await exporter.consumeLogs(simpleBatch(1000, 1700000000000000000n, 'cut-request'));
    await exporter.flush(30_000);
    expect(proxy.faultsInjected).toBe(1);
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(1000);
    expect(await store.query(`SELECT count() AS c, uniqExact(Body) AS u FROM ${table}`)).toEqual([{ c: '1000', u: '1000' }]);
  });

  test('server unreachable for ~5 s, then back: every record arrives exactly once', async () => {
    const proxy = await newProxy();
    const { exporter, metrics, host, table, labels } = makeExporter({
      endpoint: proxy.url,
      batch: { max_rows: 300, max_bytes: '8MiB', flush_interval: '100ms' },
    });
    await exporter.start(host);
    let sentByUs = 0;
    const send = async (n: number, tag: string) => {
      await exporter.consumeLogs(simpleBatch(n, 1700000000000000000n + BigInt(sentByUs) * 1_000_000n, tag));
      sentByUs += n;
    };
    await send(200, 'before');
    await waitFor(() => metrics.value('logfun_exporter_sent_records_total', labels) === 200, 10_000);

    // Outage: one response lost just as the proxy goes away, then refused connections for ~5 s.
    proxy.swallowInsertResponses = 1;
    await send(250, 'edge');
    await waitFor(() => proxy.faultsInjected === 1, 10_000);
    await proxy.close();
    const outageStart = Date.now();
    for (let k = 0; k < 10; k++) {
      await send(100, `during-${k}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(metrics.value('logfun_exporter_queue_size', labels)).toBeGreaterThan(0);
    expect(Date.now() - outageStart).toBeGreaterThanOrEqual(4900);
    await proxy.listen();
    await send(150, 'after');
    await exporter.flush(30_000);

    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(sentByUs);
    expect(metrics.value('logfun_exporter_failed_records_total', labels)).toBe(0);
    expect(metrics.value('logfun_exporter_retries_total', labels)).toBeGreaterThan(1);
    expect(await store.query(`SELECT count() AS c, uniqExact(Body) AS u FROM ${table}`)).toEqual([{ c: String(sentByUs), u: String(sentByUs) }]);
  }, 60_000);

  test('starting while the server is unreachable queues records and delivers them once it answers', async () => {
    const proxy = await newProxy();
    await proxy.close();
    const { exporter, metrics, host, table, labels, logger } = makeExporter({ endpoint: proxy.url });
    await exporter.start(host);
    expect(logger.messages.some((m) => m.level === 'warn' && /not reachable/.test(m.msg))).toBe(true);
    await exporter.consumeLogs(simpleBatch(120, 1700000000000000000n, 'late'));
    await new Promise((r) => setTimeout(r, 500));
    await proxy.listen();
    await exporter.flush(30_000);
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(120);
    expect(await store.query(`SELECT count() AS c FROM ${table}`)).toEqual([{ c: '120' }]);
  });

  test('records the legacy DateTime cannot hold are counted as invalid', async () => {
    const { exporter, metrics, host, table, labels } = makeExporter({});
    await exporter.start(host);
    const batch = simpleBatch(3, 1700000000000000000n, 'range');
    batch.timeUnixNano[2] = 9223372036854775807n;
    await exporter.consumeLogs(batch);
    await exporter.flush(20_000);
    const expectedInvalid = exporter.schema === 'legacy' ? 1 : 0;
    expect(metrics.value('logfun_exporter_failed_records_total', { ...labels, reason: 'invalid' })).toBe(expectedInvalid);
    expect(await store.query(`SELECT count() AS c FROM ${table}`)).toEqual([{ c: String(3 - expectedInvalid) }]);
  });

  test('a dropped table is created again when create_schema is on', async () => {
    const { exporter, metrics, host, table, labels, logger } = makeExporter({});
    await exporter.start(host);
    await store.command(`DROP TABLE ${table}`);
    await exporter.consumeLogs(simpleBatch(10, 1700000000000000000n, 'recreated'));
    await exporter.flush(10_000);
    expect(metrics.value('logfun_exporter_sent_records_total', labels)).toBe(10);
    expect(logger.messages.some((m) => /created it again/.test(m.msg))).toBe(true);
    expect(await store.query(`SELECT count() AS c FROM ${table}`)).toEqual([{ c: '10' }]);
  });

  test('an insert that keeps failing is given up after retry.max_elapsed and counted', async () => {
    const creator = makeExporter({});
    await creator.exporter.start(creator.host);
    await creator.exporter.shutdown();
    const { exporter, metrics, host, table, labels } = makeExporter({
      logs_table_name: creator.table.split('.')[1],
      create_schema: false,
      retry: { initial_interval: '100ms', max_interval: '200ms', max_elapsed: '1s', multiplier: 2, randomization_factor: 0 },
    });
    await exporter.start(host);
    // Without create_schema a missing table is not made again: every insert fails (retryably: it may come back).
    await store.command(`DROP TABLE ${table}`);
    await exporter.consumeLogs(simpleBatch(10, 1700000000000000000n, 'doomed'));
    await exporter.flush(10_000);
    expect(metrics.value('logfun_exporter_failed_records_total', { ...labels, reason: 'retries_exhausted' })).toBe(10);
    expect(metrics.value('logfun_exporter_retries_total', labels)).toBeGreaterThanOrEqual(3);
    expect(metrics.value('logfun_exporter_queue_size', labels)).toBe(0);
  });

  test('start() fails with a clear error when the table is missing and create_schema is false', async () => {
    const { exporter, host } = makeExporter({ create_schema: false });
    await expect(exporter.start(host)).rejects.toThrow(/does not exist \(create_schema is false\)/);
  });
});
