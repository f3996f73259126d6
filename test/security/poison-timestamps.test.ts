/**
 * Issue 12, finding 3: one record with a time the tables cannot hold must not
 * poison storage for everyone after it.
 *
 * A real in-process Collector (otlp receiver with gRPC + HTTP, the default
 * processors template -> spam -> httpstats -> control, the clickhouse exporter on
 * a temporary chDB folder with the write-ahead log, Body rendered from the template
 * dictionary as by default) first receives poison times on every way in:
 *   - plain OTLP/gRPC: Timestamp 2^64-1 ns, 2^63 ns (past DateTime64(9)), year 2400,
 *     and ObservedTimestamp 2^64-1 / year 2400 with Timestamp unset, both unset,
 *     and a good Timestamp with a poison ObservedTimestamp; an access-log Body
 *     dated in year 2400 (httpstats reads the time from the Body);
 *   - OTLP/HTTP JSON: Timestamp "18446744073709551615", and a negative time,
 *     which is not representable in OTLP (uint64) and is refused with 400;
 *   - the logfun compact protocol (our SDK over its gRPC stream): a templated
 *     record stamped in year 2400 (the SDK's clock) and OTel-API records with
 *     Timestamp / ObservedTimestamp 2^64-1 ns (sent verbatim inside the stream);
 * then good records from other services (and the poisoned ones) on every path.
 *
 * Expected: every good record is stored; every poison record is stored too, its
 * time replaced by the receive time (the original kept as an attribute); the
 * replacement counter moved; log_templates / http_stats hold only storable times;
 * nothing failed in the exporter and /readyz stays ready.
 *
 * Then the metadata writer on its own: a template row the table refuses for good
 * (a CHECK constraint added to log_templates stands in for any permanent data
 * error) is dropped, counted and logged once, never sent again, and the log rows
 * using that template — and everyone else's — are stored with their Body. The
 * spam processor's shared-rates writer likewise drops a write the table refuses
 * instead of retrying it (and holding every later write behind it) for ever.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { LogBatchBuilder, type LogRecordInput } from '../../collector/pipeline/batch';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import type { ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/exporter';
import type { ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { createLogger } from '../../sdk';
import * as sdkClock from '../../sdk/clock';
import { SpamRatesStore, type SpamRateRow } from '../../collector/storage/spam-rates-store';
import { SharedRatesExchange } from '../../processors/spam/shared-rates';

jest.setTimeout(120_000);

const MAX_U64 = (1n << 64n) - 1n;
const NS_PER_MS = 1_000_000n;
const YEAR_2400_MS = Date.UTC(2400, 0, 1);
const YEAR_2400_NS = BigInt(YEAR_2400_MS) * NS_PER_MS;
const identity = (b: Buffer): Buffer => b;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-poison-'));
const DB = 'poison';

function yaml(): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
      http: { endpoint: "127.0.0.1:0" }
processors:
  template:
    state_directory: ${JSON.stringify(path.join(folder, 'templates'))}
  spam:
  httpstats:
    interval: 1s
    lateness: 0s
  control:
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: ${DB}
    batch: { flush_interval: 50ms }
    queue: { storage: wal, directory: ${JSON.stringify(path.join(folder, 'queue'))}, max_bytes: 64MiB }
    shutdown_timeout: 10s
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0" }
  pipelines:
    logs:
      receivers: [otlp]
      processors: [template, spam, httpstats, control]
      exporters: [clickhouse]
`;
}

interface Sent {
  body: string;
  time?: bigint;
  observed?: bigint;
}

function requestOf(service: string, records: Sent[]): Buffer {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: service }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'poison-test', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (const rec of records) {
    const input: LogRecordInput = { timeUnixNano: rec.time ?? 0n, observedTimeUnixNano: rec.observed ?? 0n, severityNumber: 9, severityText: 'INFO', body: rec.body };
    b.add(r, s, input);
  }
  return Buffer.from(encodeExportRequest(b.batch));
}

/** One OTLP/gRPC Export with the exact fixed64 times given; resolves with the gRPC status code. */
function exportGrpc(target: string, service: string, records: Sent[]): Promise<number> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, identity, identity, requestOf(service, records), new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (err) => {
      client.close();
      resolve(err ? err.code : grpc.status.OK);
    });
  });
}

async function exportHttpJson(url: string, service: string, records: { body: string; timeUnixNano: string }[]): Promise<number> {
  const payload = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [{ scope: { name: 'poison-test' }, logRecords: records.map((r) => ({ timeUnixNano: r.timeUnixNano, body: { stringValue: r.body } })) }],
      },
    ],
  };
  const res = await fetch(`${url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  await res.arrayBuffer();
  return res.status;
}

async function exportHttpProtobuf(url: string, service: string, records: Sent[]): Promise<number> {
  const res = await fetch(`${url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: requestOf(service, records) });
  await res.arrayBuffer();
  return res.status;
}

async function countOf(store: ClickHouseStore, where: string): Promise<number> {
  const [{ c }] = await store.query<{ c: string }>(`SELECT count() AS c FROM ${DB}.otel_logs WHERE ${where}`);
  return Number(c);
}

async function waitForCount(store: ClickHouseStore, where: string, n: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await countOf(store, where);
    if (c >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${c} of ${n} rows with ${where} were stored`);
    await sleep(100);
  }
}

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('poison timestamps (issue 12, finding 3)', () => {
  let collector: Collector;
  let logger: ReturnType<typeof createMemoryLogger>;
  let exporter: ClickHouseLogsExporter;
  let grpcTarget: string;
  let httpUrl: string;

  beforeAll(async () => {
    logger = createMemoryLogger();
    collector = new Collector({ yaml: yaml(), logger });
    await collector.start();
    const receiver = collector.component<{ grpcPort: number; httpPort: number }>('receiver:otlp');
    grpcTarget = `127.0.0.1:${receiver.grpcPort}`;
    httpUrl = `http://127.0.0.1:${receiver.httpPort}`;
    exporter = collector.component<ClickHouseLogsExporter>('exporter:clickhouse');
  });

  afterAll(async () => {
    await collector?.shutdown();
  });

  test('poison times on plain OTLP and the compact protocol are replaced; every good record after them is stored', async () => {
    const startMs = Date.now();
    const nowNs = () => BigInt(Date.now()) * NS_PER_MS;

    // --- poison, plain OTLP/gRPC -------------------------------------------------
    const poisonOtlp: Sent[] = [
      { body: 'poison time max u64', time: MAX_U64 },
      { body: 'poison time 2^63', time: 1n << 63n },
      { body: 'poison time year 2400', time: YEAR_2400_NS },
      { body: 'poison observed max u64', observed: MAX_U64 },
      { body: 'poison observed year 2400', observed: YEAR_2400_NS },
      { body: 'poison both unset' },
      { body: 'good time, poison observed', time: nowNs(), observed: MAX_U64 },
      { body: '10.0.0.1 - - [01/Jan/2400:00:00:00 +0000] "GET /poison/path HTTP/1.1" 200 512', time: nowNs() },
    ];
    expect(await exportGrpc(grpcTarget, 'poison-otlp', poisonOtlp)).toBe(grpc.status.OK);

    // --- poison, OTLP/HTTP JSON ----------------------------------------------------
    expect(await exportHttpJson(httpUrl, 'poison-http', [{ body: 'poison json max u64', timeUnixNano: MAX_U64.toString() }])).toBe(200);
    // Not representable in OTLP (uint64): a clear refusal, not a crash.
    expect(await exportHttpJson(httpUrl, 'poison-http', [{ body: 'poison json negative', timeUnixNano: '-1' }])).toBe(400);

    // --- poison, compact protocol ---------------------------------------------------
    const poisonSdk = createLogger({ service: 'poison-compact', endpoint: grpcTarget, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
    const clock = jest.spyOn(sdkClock, 'nowMs').mockReturnValueOnce(YEAR_2400_MS);
    poisonSdk.info`poison compact templated ${'year 2400'}`;
    clock.mockRestore();
    const api = poisonSdk.loggerProvider.getLogger('poison-api');
    api.emit({ body: 'poison compact api time max u64', severityNumber: 9, timestamp: [18446744073, 709551615] });
    api.emit({ body: 'poison compact api observed max u64', severityNumber: 9, timestamp: Date.now(), observedTimestamp: [18446744073, 709551615] });
    await poisonSdk.flush();

    // --- good records, every path ------------------------------------------------
    const good = (n: number, what: string) => Array.from({ length: n }, (_, i) => ({ body: `${what} ${i} ok`, time: nowNs() }));
    expect(await exportGrpc(grpcTarget, 'good-otlp', good(20, 'good grpc'))).toBe(grpc.status.OK);
    expect(await exportHttpProtobuf(httpUrl, 'good-http', good(10, 'good http'))).toBe(200);
    expect(await exportGrpc(grpcTarget, 'poison-otlp', good(5, 'after poison'))).toBe(grpc.status.OK);
    const goodSdk = createLogger({ service: 'good-compact', endpoint: grpcTarget, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
    for (let i = 0; i < 20; i++) goodSdk.info`good compact order ${i} paid`;
    for (let i = 0; i < 5; i++) poisonSdk.info`poison compact later ${i}`;
    await goodSdk.shutdown();
    await poisonSdk.shutdown();
    expect(goodSdk.stats()).toMatchObject({ dropped: 0 });
    expect(poisonSdk.stats()).toMatchObject({ dropped: 0 });

    // --- every good record is stored ---------------------------------------------
    await exporter.flush(20_000);
    const store = exporter.getStore()!;
    await waitForCount(store, "ServiceName = 'good-otlp'", 20);
    await waitForCount(store, "ServiceName = 'good-http'", 10);
    await waitForCount(store, "ServiceName = 'good-compact'", 20);
    await waitForCount(store, "ServiceName = 'poison-otlp' AND Body LIKE 'after poison%'", 5);
    await waitForCount(store, "ServiceName = 'poison-compact' AND Body LIKE 'poison compact later%'", 5);

    // --- every poison record is stored, with a storable time -----------------------
    await waitForCount(store, "ServiceName = 'poison-otlp' AND Body NOT LIKE 'after poison%'", poisonOtlp.length);
    await waitForCount(store, "ServiceName = 'poison-http'", 1);
    await waitForCount(store, "ServiceName = 'poison-compact' AND Body NOT LIKE 'poison compact later%'", 3);
    const endMs = Date.now();
    const rows = await store.query<{ ServiceName: string; Body: string; ms: string; original: string; originalObserved: string }>(
      `SELECT ServiceName, Body, toString(toUnixTimestamp64Milli(Timestamp)) AS ms,
              LogAttributes['logfun.original_time_unix_nano'] AS original,
              LogAttributes['logfun.original_observed_time_unix_nano'] AS originalObserved
       FROM ${DB}.otel_logs WHERE ServiceName LIKE 'poison-%' ORDER BY Body`,
    );
    const byBody = new Map(rows.map((r) => [r.Body, r]));
    for (const r of rows) {
      // Replaced by the receive time (or, for a good time, kept): within the test's run.
      expect(Number(r.ms)).toBeGreaterThanOrEqual(startMs - 5_000);
      expect(Number(r.ms)).toBeLessThanOrEqual(endMs + 5_000);
    }
    expect(byBody.get('poison time max u64')?.original).toBe(MAX_U64.toString());
    expect(byBody.get('poison time 2^63')?.original).toBe((1n << 63n).toString());
    expect(byBody.get('poison time year 2400')?.original).toBe(YEAR_2400_NS.toString());
    expect(byBody.get('poison observed max u64')?.originalObserved).toBe(MAX_U64.toString());
    expect(byBody.get('poison observed year 2400')?.originalObserved).toBe(YEAR_2400_NS.toString());
    expect(byBody.get('good time, poison observed')?.original).toBe('');
    expect(byBody.get('good time, poison observed')?.originalObserved).toBe(MAX_U64.toString());
    expect(byBody.get('poison json max u64')?.original).toBe(MAX_U64.toString());
    expect(byBody.get('poison compact templated year 2400')?.original).toBe(YEAR_2400_NS.toString());
    expect(byBody.get('poison compact api time max u64')?.original).toBe(MAX_U64.toString());
    expect(byBody.get('poison compact api observed max u64')?.originalObserved).toBe(MAX_U64.toString());

    // --- counted ---------------------------------------------------------------------
    const replaced = (labels: Record<string, string>) => collector.metrics.value('logfun_receiver_timestamps_replaced_total', labels);
    expect(replaced({ receiver: 'otlp', field: 'time', reason: 'out_of_range' })).toBeGreaterThanOrEqual(6);
    expect(replaced({ receiver: 'otlp', field: 'observed', reason: 'out_of_range' })).toBeGreaterThanOrEqual(4);
    expect(replaced({ receiver: 'otlp', field: 'observed', reason: 'unset' })).toBeGreaterThanOrEqual(1);
    expect(collector.metrics.value('logfun_exporter_failed_records_total')).toBe(0);

    // --- metadata tables hold only storable times ----------------------------------------
    await collector.component<{ flush(): Promise<void> }>('processor:httpstats@logs').flush();
    const limitMs = Date.now() + 2 * 86_400_000;
    const templates = await store.query<{ ServiceName: string; first: string; last: string }>(
      `SELECT ServiceName, toString(toUnixTimestamp64Milli(FirstSeen)) AS first, toString(toUnixTimestamp64Milli(LastSeen)) AS last
       FROM ${DB}.log_templates_merged WHERE ServiceName LIKE 'poison-%' OR ServiceName LIKE 'good-%'`,
    );
    expect(new Set(templates.map((t) => t.ServiceName))).toEqual(new Set(['poison-otlp', 'poison-http', 'poison-compact', 'good-otlp', 'good-http', 'good-compact']));
    for (const t of templates) {
      expect(Number(t.last)).toBeLessThanOrEqual(limitMs);
      expect(Number(t.first)).toBeGreaterThanOrEqual(startMs - 60_000);
    }
    const http = await store.query<{ t: string; hits: string }>(
      `SELECT toString(toUnixTimestamp(TimeStart)) AS t, toString(Hits) AS hits FROM ${DB}.http_stats WHERE ServiceName = 'poison-otlp'`,
    );
    expect(http.reduce((n, r) => n + Number(r.hits), 0)).toBe(1);
    for (const r of http) expect(Number(r.t) * 1000).toBeLessThanOrEqual(limitMs);

    // --- still ready ---------------------------------------------------------------
    expect(collector.admin.readiness.check()).toEqual({ ready: true, reasons: [] });
  });

  test('a template row the table refuses for good is dropped, counted and logged once; no log row waits for it', async () => {
    const store = exporter.getStore()!;
    await store.command(`ALTER TABLE ${DB}.log_templates ADD CONSTRAINT refuse_marked CHECK position(Text, 'refuse-me') = 0`);
    const dropped = () => collector.metrics.value('logfun_exporter_templates_dropped_total', { exporter: 'clickhouse', reason: 'rejected' });
    const rejectionLogs = () => logger.messages.filter((m) => m.level === 'error' && /rejected a template dictionary entry/.test(m.msg)).length;

    const sdk = createLogger({ service: 'meta-poison', endpoint: grpcTarget, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
    for (let i = 0; i < 3; i++) sdk.info`refuse-me template ${i}`;
    for (let i = 0; i < 3; i++) sdk.info`fine template ${i}`;
    await sdk.flush();
    expect(await exportGrpc(grpcTarget, 'meta-good', [{ body: 'meta good 1', time: BigInt(Date.now()) * NS_PER_MS }])).toBe(grpc.status.OK);
    await exporter.flush(20_000);
    await waitForCount(store, "ServiceName = 'meta-poison'", 6);
    await waitForCount(store, "ServiceName = 'meta-good'", 1);
    expect(dropped()).toBe(1);
    expect(rejectionLogs()).toBe(1);

    // Used again: not sent again (no second rejection), rows still stored.
    for (let i = 3; i < 6; i++) sdk.info`refuse-me template ${i}`;
    await sdk.shutdown();
    await exporter.flush(20_000);
    await waitForCount(store, "ServiceName = 'meta-poison'", 9);
    expect(dropped()).toBe(1);
    expect(rejectionLogs()).toBe(1);

    // The rows of the refused template keep their Body (stored, not rendered from a template that is not there).
    const bodies = await store.query<{ Body: string }>(`SELECT Body FROM ${DB}.otel_logs WHERE ServiceName = 'meta-poison' AND Body LIKE 'refuse-me%' ORDER BY Timestamp`);
    expect(bodies.map((r) => r.Body)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `refuse-me template ${i}`));
    const texts = await store.query<{ Text: string }>(`SELECT Text FROM ${DB}.log_templates_merged WHERE ServiceName = 'meta-poison' ORDER BY Text`);
    expect(texts.map((t) => t.Text)).toEqual(['fine template {}']);
    expect(collector.metrics.value('logfun_exporter_failed_records_total')).toBe(0);
    expect(collector.admin.readiness.check()).toEqual({ ready: true, reasons: [] });
  });

  test('a spam_rates write the table refuses for good is dropped and counted; later writes are not held behind it', async () => {
    const store = new SpamRatesStore(exporter.getStore()!, DB);
    await store.createSchema();
    await store.store.command(`ALTER TABLE ${DB}.spam_rates ADD CONSTRAINT refuse_marked CHECK ServiceName != 'refuse-me'`);
    const row = (service: string): SpamRateRow => ({ service, kind: 'template', templateId: 7n, function: '', bucketStartMs: Date.now(), bucketMs: 1000, count: 3, offered: 0 });
    const pending: SpamRateRow[][] = [[row('refuse-me')], [row('fine')], [row('fine')]];
    const exchange = new SharedRatesExchange({
      processorId: 'spam/poison',
      collectorId: 'poison-test',
      intervalMs: 1000,
      getStore: async () => store,
      createSchema: false,
      take: () => pending.shift() ?? [],
      apply: () => undefined,
      timer: false,
      metrics: collector.metrics,
      logger,
    });
    for (let i = 0; i < 3; i++) await exchange.tick();
    expect(exchange.pendingRows).toBe(0);
    expect(collector.metrics.value('logfun_spam_shared_rows_dropped_total', { processor: 'spam/poison', reason: 'rejected' })).toBe(1);
    expect(collector.metrics.value('logfun_spam_shared_rows_written_total', { processor: 'spam/poison' })).toBe(2);
    const [{ c }] = await store.store.query<{ c: string }>(`SELECT count() AS c FROM ${DB}.spam_rates WHERE CollectorId = 'poison-test'`);
    expect(Number(c)).toBe(2);
    await exchange.shutdown();
  });
});
