/**
 * httpstats into real embedded ClickHouse (chDB):
 * - several collectors: partial aggregates written by two processor instances
 *   into one store, merged at query time, equal the rows of one instance that saw
 *   every request — on the raw 10 s table and on the 1 min / 1 h rollups;
 * - a collector from YAML (filelog -> httpstats -> clickhouse exporter) puts the
 *   statistics and the alert events in the exporter's store, and the records
 *   themselves in otel_logs (the processor is a tap).
 * One chDB data folder per process: every test here uses the same folder and its
 * own database; every store is closed at the end.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bodyOf, LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { createAccessLogParser } from '../../collector/receivers/filelog/parsers';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { HttpStatsStore, latencyQuantileSql } from '../../collector/storage/httpstats-store';
import { Collector } from '../../collector/service/collector';
import { HttpStatsProcessor, httpstatsProcessorFactory, type HttpStatsProcessorConfig } from '../../processors/httpstats/factory';
import { sumRows, type IntervalStatsRow } from '../../processors/httpstats/aggregator';
import { quantileFromBuckets } from '../../processors/httpstats/quantiles';
import { RecordingConsumer } from '../kit/recording-consumer';
import { asRecord, generateAccessLog, independentCount, seededRandom } from '../unit/httpstats-fixtures';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-chdb-'));
const endpoint = `chdb://${folder}`;
let store: ClickHouseStore;

beforeAll(async () => {
  store = await openClickHouse({ endpoint });
});

afterAll(async () => {
  await store?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const START = Date.UTC(2024, 5, 3, 8, 0, 0); // hour-aligned

function host(metrics: Metrics): Host {
  return { metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() };
}

/** Records as the filelog receiver makes them (semantic-convention attributes), plus a duration and a host. */
function recordBatches(lines: readonly string[], seed: number): LogBatch[] {
  const parse = createAccessLogParser();
  const rnd = seededRandom(seed);
  const batches: LogBatch[] = [];
  for (let i = 0; i < lines.length; i += 500) {
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'web' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: 'filelog', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (const line of lines.slice(i, i + 500)) {
      const p = parse(line)!;
      // Durations in 1/1024 s steps: their millisecond sums are exact in binary, so partial sums add up bit for bit.
      const attributes = [
        ...p.attributes,
        { key: 'http.server.request.duration', value: Math.floor(rnd() * 2048) / 1024 },
        { key: 'server.address', value: rnd() < 0.7 ? 'www.example.com' : 'api.example.com' },
      ];
      b.add(r, s, { timeUnixNano: p.timeUnixNano, body: p.body, attributes });
    }
    batches.push(b.batch);
  }
  return batches;
}

async function processorInto(database: string, collectorId: string, rows?: IntervalStatsRow[]): Promise<HttpStatsProcessor> {
  const cfg: HttpStatsProcessorConfig = {
    ...httpstatsProcessorFactory.createDefaultConfig(),
    endpoint,
    database,
    collector_id: collectorId,
    top_paths: 1000,
    top_sections: 1000,
  };
  cfg.alerts = { ...cfg.alerts, rate_threshold: 0, min_rate: 1e9 };
  const metrics = new Metrics();
  const p = new HttpStatsProcessor({ id: `httpstats/${collectorId}`, metrics, logger: createMemoryLogger() }, cfg, new RecordingConsumer(), {
    tickMs: 0,
    listeners: rows ? [{ onIntervals: (r) => rows.push(...r) }] : [],
  });
  await p.start(host(metrics));
  return p;
}

describe('httpstats on chDB', () => {
  it('partial aggregates of two collectors, merged at query time, equal one collector that saw everything', async () => {
    const log = generateAccessLog(8_000, START, 500, 31); // ~67 minutes
    const batches = recordBatches(log.lines, 5);
    const single = await processorInto('hs_single', 'solo');
    const a = await processorInto('hs_multi', 'collector-a');
    const b = await processorInto('hs_multi', 'collector-b');
    const singleRows: IntervalStatsRow[] = [];
    single.addListener({ onIntervals: (r) => singleRows.push(...r) });
    for (const batch of batches) await single.consumeLogs(batch);
    // The same records split between two collectors, record by record.
    for (const batch of batches) {
      const parts = [new LogBatchBuilder(), new LogBatchBuilder()];
      for (const part of parts) {
        part.batch.resources.push(...batch.resources);
        part.batch.scopes.push(...batch.scopes);
      }
      for (let i = 0; i < batch.length; i++) {
        parts[i % 2].add(0, 0, { timeUnixNano: batch.timeUnixNano[i], body: bodyOf(batch, i), attributes: batch.attributes[i] });
      }
      await a.consumeLogs(parts[0].batch);
      await b.consumeLogs(parts[1].batch);
    }
    for (const p of [single, a, b]) await p.flush();
    const merged = new HttpStatsStore(store, 'hs_multi');
    const one = new HttpStatsStore(store, 'hs_single');
    const fromMs = START;
    const toMs = START + 2 * 3_600_000;
    for (const [source, stepMs] of [['raw', 10_000], ['raw', 60_000], ['1m', 60_000], ['1m', 600_000], ['1h', 3_600_000]] as const) {
      const q = { fromMs, toMs, stepMs, source, topKeys: 1000 };
      const m = await merged.queryRows(q);
      const s = await one.queryRows(q);
      expect(m.length).toBeGreaterThan(0);
      expect(m).toEqual(s);
      if (source !== 'raw') expect(await merged.queryRows({ ...q, byHost: false })).toEqual(await one.queryRows({ ...q, byHost: false }));
    }
    // The stored single-collector rows are the processor's own rows.
    const stored = await one.queryRows({ fromMs, toMs, stepMs: 10_000, source: 'raw', topKeys: 1000 });
    const key = (r: IntervalStatsRow) => `${r.timeStartMs}|${r.service}|${r.host}`;
    // (Distinct clients are counted in process only: not a column of the tables.)
    const withoutClients = ({ clients: _clients, ...r }: IntervalStatsRow) => r;
    expect(new Map(stored.map((r) => [key(r), r]))).toEqual(new Map(singleRows.map((r) => [key(r), withoutClients(r)])));

    // Totals agree with an independent count of the lines.
    const [total] = await merged.queryRows({ fromMs, toMs, byHost: false, topKeys: 1000 });
    const expected = independentCount(log.lines);
    expect(total.hits).toBe(expected.hits);
    expect(total.bytes).toBe(expected.bytes);
    expect(asRecord(total.statusCodes)).toEqual(expected.status);
    expect(asRecord(total.sections)).toEqual(expected.sections);
    expect(asRecord(total.paths)).toEqual(expected.paths);
    expect(asRecord(await merged.queryTopKeys('section', { fromMs, toMs, limit: 3 }))).toEqual(
      Object.fromEntries(Object.entries(expected.sections).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 3)),
    );

    // Latency quantiles: the SQL expression on the merged 1 h rollup equals the in-process sketch of one collector.
    const singleTotal = sumRows(singleRows);
    const [sql] = await store.query<{ p50: number; p99: number }>(
      `SELECT ${latencyQuantileSql(0.5, 'sumMapMerge(LatencyBuckets)')} AS p50, ${latencyQuantileSql(0.99, 'sumMapMerge(LatencyBuckets)')} AS p99 FROM hs_multi.http_stats_1h`,
    );
    expect(sql.p50).toBeCloseTo(quantileFromBuckets(singleTotal.latency.buckets, singleTotal.latency.counts, 0.5), 9);
    expect(sql.p99).toBeCloseTo(quantileFromBuckets(singleTotal.latency.buckets, singleTotal.latency.counts, 0.99), 9);
    expect(total.latency.count).toBe(expected.hits);

    // The rows carry which collector wrote them.
    const writers = await store.query<{ CollectorId: string }>('SELECT DISTINCT CollectorId FROM hs_multi.http_stats ORDER BY CollectorId');
    expect(writers.map((w) => w.CollectorId)).toEqual(['collector-a', 'collector-b']);
    for (const p of [single, a, b]) await p.shutdown();
  });

  it('runs in a collector from YAML: statistics and alerts in the exporter\'s store, records in otel_logs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-yaml-'));
    try {
      const log = generateAccessLog(3000, START, 50, 77); // ~20 req/s for ~2.5 minutes
      fs.writeFileSync(path.join(dir, 'access.log'), log.lines.join('\n') + '\n');
      const yaml = `
receivers:
  filelog:
    include: [${JSON.stringify(path.join(dir, '*.log'))}]
    start_at: beginning
    parser: combined
    storage: ${JSON.stringify(path.join(dir, 'checkpoints'))}
    resource:
      attributes: { service.name: shop }
processors:
  httpstats:
    top_paths: 1000
    alerts:
      rate_threshold: 10
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(endpoint)}
    database: hs_yaml
    batch: { flush_interval: 100ms }
service:
  telemetry:
    admin:
      endpoint: ''
  pipelines:
    logs:
      receivers: [filelog]
      processors: [httpstats]
      exporters: [clickhouse]
`;
      const collector = new Collector({ yaml, logger: createMemoryLogger() });
      await collector.start();
      const deadline = Date.now() + 20_000;
      while (collector.metrics.value('logfun_httpstats_requests_total') < log.lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await collector.shutdown();
      expect(collector.metrics.value('logfun_httpstats_requests_total')).toBe(log.lines.length);
      expect(collector.metrics.value('logfun_httpstats_rows_failed_total')).toBe(0);

      const stats = new HttpStatsStore(store, 'hs_yaml');
      const [total] = await stats.queryRows({ fromMs: START, toMs: START + 3_600_000, byHost: false, topKeys: 1000 });
      const expected = independentCount(log.lines);
      expect(total.service).toBe('shop');
      expect(total.hits).toBe(expected.hits);
      expect(total.bytes).toBe(expected.bytes);
      expect(asRecord(total.paths)).toEqual(expected.paths);
      const [logs] = await store.query<{ c: string }>('SELECT count() AS c FROM hs_yaml.otel_logs');
      expect(Number(logs.c)).toBe(log.lines.length);
      const alerts = await stats.queryAlerts({ fromMs: START, toMs: START + 3_600_000 });
      expect(alerts.length).toBeGreaterThan(0);
      expect(alerts[0]).toMatchObject({ rule: 'high_traffic', state: 'alert', service: 'shop', host: '*' });
      expect(alerts[0].value).toBeGreaterThan(10);
      expect(alerts[0].message).toMatch(/^High traffic generated an alert on service "shop"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
