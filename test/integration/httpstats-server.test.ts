/**
 * httpstats against a real ClickHouse server over HTTP (Debian's 18.16 here: the
 * legacy schema variant — no LowCardinality, codecs or TTL, AggregatingMergeTree
 * rollups with -State columns, sumMap on numeric keys only).
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123; skipped only
 * when that variable is unset AND nothing answers there. A write whose response
 * is lost (TCP proxy in front of the server) is retried without counting twice.
 */
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { createAccessLogParser } from '../../collector/receivers/filelog/parsers';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { HttpStatsStore, latencyQuantileSql, selectHttpStatsSchema } from '../../collector/storage/httpstats-store';
import { HttpStatsProcessor, httpstatsProcessorFactory } from '../../processors/httpstats/factory';
import { sumRows, type IntervalStatsRow } from '../../processors/httpstats/aggregator';
import { quantileFromBuckets } from '../../processors/httpstats/quantiles';
import { RecordingConsumer } from '../kit/recording-consumer';
import { asRecord, generateAccessLog, independentCount, seededRandom } from '../unit/httpstats-fixtures';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';
import { ResponseDroppingProxy } from '../kit/response-dropping-proxy';

const serverUrl = testServerUrl();
const describeServer = describeWithServer('httpstats-server.test.ts', serverUrl);

const START = Date.UTC(2024, 6, 1, 12, 0, 0);
const databases: string[] = [];
let seq = 0;
function newDatabase(): string {
  const db = `hs_srv_${process.pid}_${++seq}`;
  databases.push(db);
  return db;
}

function host(metrics: Metrics): Host {
  return { metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() };
}

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
      b.add(r, s, {
        timeUnixNano: p.timeUnixNano,
        body: p.body,
        attributes: [...p.attributes, { key: 'http.server.request.duration', value: Math.floor(rnd() * 4096) / 1024 }],
      });
    }
    batches.push(b.batch);
  }
  return batches;
}

async function processor(endpointUrl: string, database: string, collectorId: string, metrics = new Metrics()): Promise<HttpStatsProcessor> {
  const cfg = { ...httpstatsProcessorFactory.createDefaultConfig(), endpoint: endpointUrl, database, collector_id: collectorId, top_paths: 1000, top_sections: 1000 };
  cfg.alerts = { ...cfg.alerts, enabled: false };
  const p = new HttpStatsProcessor({ id: `httpstats/${collectorId}`, metrics, logger: createMemoryLogger() }, cfg, new RecordingConsumer(), { tickMs: 0 });
  await p.start(host(metrics));
  return p;
}

describeServer('httpstats on a ClickHouse server', () => {
  let store: ClickHouseStore;

  beforeAll(async () => {
    store = await openClickHouse({ endpoint: serverUrl });
  });

  afterAll(async () => {
    for (const db of databases) await store?.command(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    await store?.close();
  });

  it('merges the partial aggregates of two collectors into what one collector writes (legacy schema on old servers)', async () => {
    const multiDb = newDatabase();
    const singleDb = newDatabase();
    const log = generateAccessLog(6000, START, 500, 41);
    const batches = recordBatches(log.lines, 3);
    const single = await processor(serverUrl, singleDb, 'solo');
    const parts = [await processor(serverUrl, multiDb, 'a'), await processor(serverUrl, multiDb, 'b')];
    const singleRows: IntervalStatsRow[] = [];
    single.addListener({ onIntervals: (r) => singleRows.push(...r) });
    for (const [i, batch] of batches.entries()) {
      await single.consumeLogs(batch);
      await parts[i % 2].consumeLogs(batch);
    }
    for (const p of [single, ...parts]) await p.flush();

    const merged = new HttpStatsStore(store, multiDb);
    const one = new HttpStatsStore(store, singleDb);
    if (store.serverVersion.major < 19) expect(merged.schemaKind).toBe('legacy');
    expect(selectHttpStatsSchema(store.capabilities)).toBe(merged.schemaKind);
    const fromMs = START;
    const toMs = START + 2 * 3_600_000;
    for (const [source, stepMs] of [['raw', 10_000], ['1m', 60_000], ['1h', 3_600_000]] as const) {
      const q = { fromMs, toMs, stepMs, source, topKeys: 1000 };
      const m = await merged.queryRows(q);
      expect(m.length).toBeGreaterThan(0);
      expect(m).toEqual(await one.queryRows(q));
    }
    const [total] = await merged.queryRows({ fromMs, toMs, byHost: false, topKeys: 1000 });
    const expected = independentCount(log.lines);
    expect(total.hits).toBe(expected.hits);
    expect(total.bytes).toBe(expected.bytes);
    expect(asRecord(total.statusCodes)).toEqual(expected.status);
    expect(asRecord(total.sections)).toEqual(expected.sections);
    expect(asRecord(total.paths)).toEqual(expected.paths);

    const singleTotal = sumRows(singleRows);
    const [sql] = await store.query<{ p90: number }>(
      `SELECT ${latencyQuantileSql(0.9, 'sumMapMerge(LatencyBuckets)')} AS p90 FROM ${multiDb}.http_stats_1m`,
    );
    expect(sql.p90).toBeCloseTo(quantileFromBuckets(singleTotal.latency.buckets, singleTotal.latency.counts, 0.9), 9);
    for (const p of [single, ...parts]) await p.shutdown();
  });

  it('retries a write whose response was lost without counting the requests twice', async () => {
    const db = newDatabase();
    const url = new URL(serverUrl);
    const proxy = new ResponseDroppingProxy({ host: url.hostname, port: Number(url.port || 8123) });
    await proxy.listen();
    try {
      const metrics = new Metrics();
      const p = await processor(`http://127.0.0.1:${proxy.port}`, db, 'flaky', metrics);
      const log = generateAccessLog(2000, START, 1000, 8);
      proxy.armed = 1;
      for (const batch of recordBatches(log.lines, 1)) await p.consumeLogs(batch);
      await p.flush();
      expect(proxy.dropped).toBe(1);
      expect(metrics.value('logfun_httpstats_write_retries_total')).toBeGreaterThanOrEqual(1);
      const [total] = await new HttpStatsStore(store, db).queryRows({ fromMs: START, toMs: START + 3 * 3_600_000, byHost: false, topKeys: 1000 });
      expect(total.hits).toBe(log.lines.length);
      const [rows] = await store.query<{ c: string; flushes: string }>(`SELECT count() AS c, uniqExact(FlushId) AS flushes FROM ${db}.http_stats`);
      expect(Number(rows.c)).toBeGreaterThan(0);
      await p.shutdown();
      expect(metrics.value('logfun_httpstats_rows_failed_total')).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('stores alert events and reads them back', async () => {
    const db = newDatabase();
    const stats = new HttpStatsStore(store, db);
    await stats.createSchema();
    const event = {
      rule: 'traffic_spike' as const,
      state: 'recovery' as const,
      service: 'shop',
      host: '*',
      timeMs: START + 600_000,
      sinceMs: START + 300_000,
      value: 3.5,
      limit: 4.25,
      baseline: 2.5,
      hits: 420,
      windowMs: 120_000,
      message: 'Traffic spike recovered',
    };
    await stats.insertAlerts([event], 'c1', 42n);
    expect(await stats.queryAlerts({ fromMs: START, toMs: START + 3_600_000 })).toEqual([{ ...event, collectorId: 'c1' }]);
    expect(await stats.hasFlush('alerts', 42n, event.timeMs, event.timeMs)).toBe(true);
    expect(await stats.hasFlush('alerts', 43n, event.timeMs, event.timeMs)).toBe(false);
  });
});
