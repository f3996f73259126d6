/**
 * The admin endpoint's self-telemetry on a running collector (real gRPC/HTTP
 * receivers, memory_limiter, the clickhouse exporter against the real server):
 *   - /metrics after traffic: every line valid exposition, the pipeline's names
 *     present, counts equal to what was sent;
 *   - /readyz: 503 while not running, 200 once running with the store reachable,
 *     503 (with the reason) while the exporter's store cannot be reached; /healthz
 *     stays liveness (200 in both).
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123 (skipped only when
 * that variable is unset and nothing answers there).
 */
import * as net from 'net';
import { Collector } from '../../collector/service/collector';
import { AdminServer } from '../../collector/service/admin-server';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { parseExposition, sampleValue, type MetricFamily } from '../../collector/telemetry/exposition';
import { openClickHouse } from '../../collector/storage/clickhouse-client';
import { createLogger } from '../../sdk';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

const serverUrl = testServerUrl();
const describeServer = describeWithServer('admin-telemetry.test.ts', serverUrl);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function collectorYaml(endpoint: string, database: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
      http: { endpoint: 127.0.0.1:0 }
processors:
  memory_limiter: { check_interval: 200ms, limit_percentage: 90, spike_limit_percentage: 10 }
exporters:
  clickhouse:
    endpoint: ${endpoint}
    database: ${database}
    timeout: 5s
    batch: { flush_interval: 100ms }
    retry: { initial_interval: 100ms, max_interval: 500ms }
    shutdown_timeout: 2s
service:
  telemetry: { admin: { endpoint: 127.0.0.1:0, sql_api: false } }
  pipelines:
    logs: { receivers: [otlp], processors: [memory_limiter], exporters: [clickhouse] }
`;
}

describe('admin /readyz without a running pipeline', () => {
  test('503 until the owner marks the collector running, 200 after, 503 again when it stops', async () => {
    const admin = new AdminServer(new Metrics());
    await admin.listen('127.0.0.1:0');
    try {
      const url = `http://127.0.0.1:${admin.port}`;
      let r = await fetch(`${url}/readyz`);
      expect([r.status, await r.text()]).toEqual([503, 'not ready\ncollector is starting or shutting down\n']);
      admin.healthy = true;
      r = await fetch(`${url}/readyz`);
      expect([r.status, await r.text()]).toEqual([200, 'ready\n']);
      admin.healthy = false;
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      expect((await fetch(`${url}/healthz`)).status).toBe(503);
    } finally {
      await admin.close();
    }
  });
});

describeServer('admin self-telemetry on a running collector', () => {
  const database = `admin_telemetry_${process.pid}`;
  const collectors: Collector[] = [];
  afterAll(async () => {
    for (const c of collectors) await c.shutdown();
    const store = await openClickHouse({ endpoint: serverUrl });
    await store.command(`DROP DATABASE IF EXISTS ${database}`).finally(() => store.close());
  });

  test('/metrics after traffic: valid exposition, names present, counts consistent with what was sent; /readyz 200', async () => {
    const collector = new Collector({ logger: createMemoryLogger(), yaml: collectorYaml(serverUrl, database) });
    collectors.push(collector);
    await collector.start();
    const admin = `http://127.0.0.1:${collector.admin.port}`;
    const rx = collector.component<{ grpcPort: number; httpPort: number }>('receiver:otlp');

    // Traffic: the SDK over the compact stream, OTLP/HTTP JSON, and one malformed request.
    const sdkRecords = 1200;
    const log = createLogger({ service: 'admin-test', endpoint: `127.0.0.1:${rx.grpcPort}`, transport: 'logfun', exitHooks: false, batch: { delayMs: 20 } });
    for (let i = 0; i < sdkRecords; i++) log.info`request ${i} served`;
    await log.flush(15_000);
    expect(log.stats()).toMatchObject({ emitted: sdkRecords, exported: sdkRecords, dropped: 0 });
    await log.shutdown();
    const httpRecords = 7;
    const ok = await fetch(`http://127.0.0.1:${rx.httpPort}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'admin-http' } }] },
            scopeLogs: [{ logRecords: Array.from({ length: httpRecords }, (_, i) => ({ body: { stringValue: `http ${i}` } })) }],
          },
        ],
      }),
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`http://127.0.0.1:${rx.httpPort}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceLogs": [' });
    expect(bad.status).toBe(400);
    const total = sdkRecords + httpRecords;

    // Wait until the exporter wrote everything (as its own metric says), then scrape.
    const deadline = Date.now() + 20_000;
    while (collector.metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' }) < total && Date.now() < deadline) await sleep(50);
    const res = await fetch(`${admin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    const text = await res.text();
    let families: Map<string, MetricFamily>;
    try {
      families = parseExposition(text);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- exposition ---\n${text}`);
    }

    const expectFamily = (name: string, type: MetricFamily['type']) => {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
    };
    // received = accepted + refused (the receiver counts each record in exactly one of them)
    expectFamily('logfun_receiver_received_records_total', 'counter');
    expectFamily('logfun_receiver_accepted_records_total', 'counter');
    expectFamily('logfun_receiver_refused_records_total', 'counter');
    expectFamily('logfun_receiver_requests_total', 'counter');
    expectFamily('logfun_receiver_bad_requests_total', 'counter');
    expectFamily('logfun_processor_refused_records_total', 'counter');
    expectFamily('logfun_memory_limiter_memory_bytes', 'gauge');
    expectFamily('logfun_exporter_sent_records_total', 'counter');
    expectFamily('logfun_exporter_dropped_records_total', 'counter');
    expectFamily('logfun_exporter_failed_records_total', 'counter');
    expectFamily('logfun_exporter_queue_size', 'gauge');
    expectFamily('logfun_process_resident_memory_bytes', 'gauge');
    expectFamily('logfun_process_heap_used_bytes', 'gauge');
    // Export latency: every INSERT's duration.
    expectFamily('logfun_exporter_export_latency_seconds', 'histogram');
    const inserts = sampleValue(families, 'logfun_exporter_inserts_total', { exporter: 'clickhouse' });
    expect(inserts).toBeGreaterThan(0);
    expect(sampleValue(families, 'logfun_exporter_export_latency_seconds', { exporter: 'clickhouse' }, 'logfun_exporter_export_latency_seconds_count')).toBe(inserts);

    expect(sampleValue(families, 'logfun_receiver_received_records_total', { receiver: 'otlp' })).toBe(total);
    expect(sampleValue(families, 'logfun_receiver_accepted_records_total', { receiver: 'otlp' })).toBe(total);
    expect(sampleValue(families, 'logfun_receiver_refused_records_total')).toBe(0);
    expect(sampleValue(families, 'logfun_receiver_bad_requests_total', { protocol: 'http' })).toBe(1);
    expect(sampleValue(families, 'logfun_receiver_requests_total', { protocol: 'http', outcome: 'accepted' })).toBe(1);
    expect(sampleValue(families, 'logfun_receiver_requests_total', { protocol: 'http', outcome: 'bad_request' })).toBe(1);
    expect(sampleValue(families, 'logfun_ingest_batches_total', { outcome: 'accepted' })).toBeGreaterThan(0);
    expect(sampleValue(families, 'logfun_processor_refused_records_total', { processor: 'memory_limiter', reason: 'memory' })).toBe(0);
    expect(sampleValue(families, 'logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(total);
    expect(sampleValue(families, 'logfun_exporter_dropped_records_total')).toBe(0);
    expect(sampleValue(families, 'logfun_exporter_failed_records_total')).toBe(0);
    expect(sampleValue(families, 'logfun_exporter_queue_size', { exporter: 'clickhouse' })).toBe(0);
    expect(sampleValue(families, 'logfun_memory_limiter_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(families, 'logfun_process_resident_memory_bytes')).toBeGreaterThan(sampleValue(families, 'logfun_process_heap_used_bytes') / 2);

    // What the metrics say is what is stored.
    const store = await openClickHouse({ endpoint: serverUrl, database });
    try {
      const rows = await store.query<{ n: string }>(`SELECT count() AS n FROM ${database}.otel_logs`);
      expect(Number(rows[0].n)).toBe(total);
    } finally {
      await store.close();
    }

    const ready = await fetch(`${admin}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ready\n']);
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
  });

  test('/readyz is 503 while the exporter cannot reach its store; /healthz stays 200', async () => {
    const port = await closedPort();
    // With the SQL API on: it opens the store at its first query, so the collector still starts.
    const collector = new Collector({ logger: createMemoryLogger(), yaml: collectorYaml(`http://127.0.0.1:${port}`, database).replace('sql_api: false', 'sql_api: true') });
    collectors.push(collector);
    await collector.start();
    const admin = `http://127.0.0.1:${collector.admin.port}`;
    const r = await fetch(`${admin}/readyz`);
    expect([r.status, await r.text()]).toEqual([503, 'not ready\nexporter:clickhouse: store not reachable yet\n']);
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    const q = await fetch(`${admin}/api/v1/sql`, { method: 'POST', body: 'SELECT 1', headers: { authorization: `Bearer ${collector.adminToken}`, 'content-type': 'application/sql' } });
    expect(q.status).toBe(400);
    expect(((await q.json()) as { error: string }).error).toMatch(/ClickHouse store not reachable/);
  });
});
