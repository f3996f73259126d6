/**
 * The spam balancer against real storage:
 *   - log_suppression on embedded chDB (full schema) and on the ClickHouse server
 *     here (18.16: the reduced schema): create, insert, idempotent re-insert, query;
 *   - the spam processor with its own chDB store and the real control plane
 *     (collector/control ControlPlane on the same chDB): an AUTO mute becomes an
 *     auto rule, a manual ON rule wins over it, rows land in log_suppression with
 *     counts equal to the summary records';
 *   - the spam processor in front of the clickhouse exporter's write-ahead log,
 *     abandoned as kill -9 would leave it: the next processor summarises what the
 *     log's drop ledger holds and writes the summary rows the first had queued.
 * One chDB folder for the whole file (one engine per process); every store is
 * closed at the end. Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123
 * (those tests are skipped, with a warning, only when nothing answers there).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { newEventId, SuppressionStore, type SuppressionRow } from '../../collector/storage/suppression-store';
import { ControlPlane } from '../../collector/control/store';
import { spamProcessorFactory, SpamProcessor } from '../../processors/spam/factory';
import type { AutoMuteSink } from '../../processors/spam/control-sink';
import { appendMutedReport } from '../../processors/spam/sdk-report';
import { SUMMARY_EVENT, SUPPRESSED } from '../../processors/spam/summary';
import { RecordingConsumer, attributeMap } from '../kit/recording-consumer';
import { clickhouseExporterFactory, type ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/factory';
import type { LogsConsumer } from '../../collector/pipeline/component';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-spam-chdb-'));
const endpoint = `chdb://${folder}`;
let dbSeq = 0;
const newDatabase = () => `spam_${process.pid}_${++dbSeq}`;

function rows(n: number, t0: number, service = 'checkout'): SuppressionRow[] {
  return Array.from({ length: n }, (_, i) => ({
    timeMs: t0 + i * 1234,
    service,
    kind: i % 2 === 0 ? 'template' : 'function',
    templateId: i % 2 === 0 ? 18_000_000_000_000_000_000n + BigInt(i) : 0n,
    templateText: i % 2 === 0 ? 'retry {} failed\t"quoted"\nnext' : '',
    function: i % 2 === 0 ? '' : 'Worker.poll',
    action: (['mute', 'summary', 'summary', 'unmute'] as const)[i % 4],
    reason: `spam (both): ${i} records/s`,
    strategy: 'both',
    suppressed: 100 * i + 7,
    sdkDropped: 100 * i,
    collectorDropped: 7,
    windowStartMs: t0,
    mutedSinceMs: t0,
    rate: i === 0 ? NaN : 12.5 * i,
    baselineRate: 0.25,
    zScore: i === 1 ? Infinity : 40.5,
    entropy: i === 0 ? NaN : 0.125,
    collectorId: 'test',
    eventId: newEventId(),
  }));
}

async function checkStore(store: ClickHouseStore, expectKind: 'full' | 'legacy', database: string): Promise<void> {
  const s = new SuppressionStore(store, database);
  expect(s.kind).toBe(expectKind);
  await s.createSchema();
  await s.createSchema();
  const t0 = 1_700_000_000_000;
  const written = rows(8, t0);
  await s.insert(written);
  // A retry after an ambiguous failure sends the same rows again: they collapse.
  await s.insert(written.slice(0, 3));
  const back = await s.query({ fromMs: t0 - 1000, toMs: t0 + 60_000 });
  expect(back).toHaveLength(8);
  const byId = new Map(back.map((r) => [r.eventId, r]));
  for (const w of written) {
    const r = byId.get(w.eventId)!;
    expect(r).toBeDefined();
    expect(r.timeMs).toBe(expectKind === 'full' ? w.timeMs : Math.floor(w.timeMs / 1000) * 1000);
    expect({ ...r, timeMs: 0, windowStartMs: 0, mutedSinceMs: 0 }).toEqual({ ...w, timeMs: 0, windowStartMs: 0, mutedSinceMs: 0 });
  }
  const summaries = await s.query({ fromMs: t0 - 1000, toMs: t0 + 60_000, action: 'summary', service: 'checkout' });
  expect(summaries.map((r) => r.action)).toEqual(['summary', 'summary', 'summary', 'summary']);
  const totals = await s.totals({ fromMs: t0 - 1000, toMs: t0 + 60_000 });
  const expected = written.filter((w) => w.action === 'summary');
  expect(totals.reduce((n, t) => n + t.suppressed, 0)).toBe(expected.reduce((n, w) => n + w.suppressed, 0));
  expect(totals.reduce((n, t) => n + t.sdkDropped, 0)).toBe(expected.reduce((n, w) => n + w.sdkDropped, 0));
}

describe('log_suppression on chDB and the spam processor with the control plane', () => {
  let store: ClickHouseStore;
  beforeAll(async () => {
    store = await openClickHouse({ endpoint });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('full schema: create, insert, idempotent re-insert, query, totals', async () => {
    await checkStore(store, 'full', newDatabase());
  });

  test('AUTO mute -> control rule, manual ON wins, rows and summaries agree exactly', async () => {
    const database = newDatabase();
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const plane = new ControlPlane({ endpoint, database, metrics, logger, pollIntervalMs: 60_000 });
    await plane.start();
    expect(plane.ready).toBe(true);
    const sink: AutoMuteSink = plane;
    const next = new RecordingConsumer();
    const clock = { now: 1_700_000_000_000 };
    const cfg = { ...spamProcessorFactory.createDefaultConfig(), endpoint, database, summary: { interval: '10s', severity_number: 13 } };
    const p = new SpamProcessor({ id: 'spam', metrics, logger }, cfg, next, { clock: () => clock.now, timer: false });
    const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary(), control: plane };
    await p.start(host);
    const templateId = 4242n;
    // Mutes are per sender (processors/spam/config.ts scope): this sender's instance.
    const INSTANCE = 'checkout-1';
    const batch = (n: number, reported = 0): LogBatch => {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: [{ key: 'service.name', value: 'checkout' }, { key: 'service.instance.id', value: INSTANCE }], droppedAttributesCount: 0, schemaUrl: '' });
      const s = b.addScope({ name: 't', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      for (let i = 0; i < n; i++) b.add(r, s, { templateId, templateArgs: ['db-1'], body: 'retry db-1', attributes: [{ key: 'code.function', value: 'Db.connect' }] });
      if (reported) appendMutedReport(b, r, s, { templateId, function: 'Db.connect', count: reported }, 1n);
      return b.batch;
    };
    try {
      clock.now += 10_000;
      await p.evaluate();
      for (let i = 0; i < 30 && p.activeMutes().length === 0; i++) {
        clock.now += 100;
        await p.consumeLogs(batch(40));
        await p.evaluate();
      }
      expect(p.activeMutes()).toHaveLength(1);
      // setAuto is asynchronous (a write to the store); the rule is there once it resolved.
      for (let i = 0; i < 50 && !p.activeMutes()[0].pushed; i++) await new Promise((r) => setTimeout(r, 20));
      const auto = plane.rule({ service: 'checkout', instance: INSTANCE, templateId }, 'auto');
      expect(auto).toMatchObject({ state: 'off', source: 'auto' });
      expect(auto!.reason).toMatch(/^spam \(both\)/);
      expect(auto!.expiresAt).toBeGreaterThan(0);
      expect(plane.decide({ service: 'checkout', instance: INSTANCE, function: 'Db.connect', templateId })).toMatchObject({ drop: true, dropReason: 'auto' });
      // Records in flight and SDK reports while muted.
      let dropped = 0;
      for (let i = 0; i < 20; i++) {
        clock.now += 1000;
        await p.consumeLogs(batch(5, 300));
        dropped += 5;
        await p.evaluate();
      }
      // More in flight after the last interval summary: they go into the final one.
      clock.now += 100;
      await p.consumeLogs(batch(5, 300));
      dropped += 5;
      // A person pins the template ON: the balancer steps back at its next evaluation.
      await plane.setRule({ target: { service: 'checkout', templateId }, state: 'on', reason: 'we need these' });
      clock.now += 250;
      await p.evaluate();
      expect(p.activeMutes()).toEqual([]);
      for (let i = 0; i < 50 && plane.rule({ service: 'checkout', instance: INSTANCE, templateId }, 'auto'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(plane.rule({ service: 'checkout', instance: INSTANCE, templateId }, 'auto')).toBeUndefined();
      // The final summary after report_grace.
      clock.now += 6_000;
      await p.evaluate();
      await p.flush();
      const summaries = next.records().filter((r) => r.eventName === SUMMARY_EVENT);
      const sdk = summaries.reduce((n, r) => n + Number(attributeMap(r.attributes)[SUPPRESSED.sdkCount]), 0);
      const collector = summaries.reduce((n, r) => n + Number(attributeMap(r.attributes)[SUPPRESSED.collectorCount]), 0);
      expect(sdk).toBe(21 * 300);
      expect(collector).toBe(dropped);
      const s = (await p.getSuppressionStore())!;
      const stored = await s.query({ fromMs: clock.now - 3_600_000, toMs: clock.now + 1000 });
      expect(stored.map((r) => r.action)).toEqual(['mute', 'summary', 'summary', 'override', 'summary']);
      expect(stored[0]).toMatchObject({ service: 'checkout', kind: 'template', templateId, strategy: 'both' });
      expect(stored[0].entropy).toBe(0);
      expect(stored[3].reason).toBe('manual on');
      const storedSummaries = stored.filter((r) => r.action === 'summary');
      expect(storedSummaries.reduce((n, r) => n + r.sdkDropped, 0)).toBe(sdk);
      expect(storedSummaries.reduce((n, r) => n + r.collectorDropped, 0)).toBe(collector);
    } finally {
      await p.shutdown();
      await plane.shutdown();
    }
  });
});

describe('drop ledger across a kill: the spam processor in front of the exporter\'s write-ahead log', () => {
  const walDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-spam-ledger-'));
  afterAll(() => fs.rmSync(walDir, { recursive: true, force: true }));

  test('the next processor summarises the counts the killed one had not, and writes the summary rows it had queued', async () => {
    const database = newDatabase();
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
    const clock = { now: 1_700_000_000_000 };
    const exporterCfg = {
      ...clickhouseExporterFactory.createDefaultConfig(),
      endpoint,
      database,
      queue: { ...clickhouseExporterFactory.createDefaultConfig().queue, storage: 'wal' as const, directory: walDir, fsync: 'never' as const },
    };
    // What the exporter accepted (in its write-ahead log), as seen downstream of the processor.
    const accepted = new RecordingConsumer();
    const through = (exporter: ClickHouseLogsExporter): LogsConsumer => ({
      consumeLogs: async (b) => {
        await exporter.consumeLogs(b);
        await accepted.consumeLogs(b);
      },
    });
    // log_suppression rows are written only when asked (flush) or every hour: the first process dies with its queue.
    const spamCfg = { ...spamProcessorFactory.createDefaultConfig(), endpoint, database, summary: { interval: '10s', severity_number: 13 }, write: { ...spamProcessorFactory.createDefaultConfig().write, flush_interval: '1h' } };
    const templateId = 4343n;
    const batch = (n: number, reported = 0): LogBatch => {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: [{ key: 'service.name', value: 'ledger' }, { key: 'service.instance.id', value: 'ledger-1' }], droppedAttributesCount: 0, schemaUrl: '' });
      const s = b.addScope({ name: 't', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      for (let i = 0; i < n; i++) b.add(r, s, { templateId, templateArgs: ['db-1'], body: 'retry db-1', attributes: [{ key: 'code.function', value: 'Db.connect' }] });
      // Reports only (n = 0): an empty batch carries the counts' ledger to the log.
      if (reported) appendMutedReport(b, r, s, { templateId, function: 'Db.connect', count: reported }, 1n);
      return b.batch;
    };
    const exporter1 = clickhouseExporterFactory.create({ id: 'clickhouse', metrics, logger }, exporterCfg, undefined) as ClickHouseLogsExporter;
    await exporter1.start(host);
    const p1 = new SpamProcessor({ id: 'spam', metrics, logger }, spamCfg, through(exporter1), { clock: () => clock.now, timer: false });
    await p1.start(host);
    let p2: SpamProcessor | undefined;
    let exporter2: ClickHouseLogsExporter | undefined;
    try {
      clock.now += 10_000;
      await p1.evaluate();
      for (let i = 0; i < 30 && p1.activeMutes().length === 0; i++) {
        clock.now += 100;
        await p1.consumeLogs(batch(40));
        await p1.evaluate();
      }
      expect(p1.activeMutes()).toHaveLength(1);
      // Drops while muted: SDK reports (alone, or with records the collector drops), over 12 s: one interval summary.
      let sdk = 0;
      let collector = 0;
      for (let i = 0; i < 12; i++) {
        clock.now += 1000;
        await p1.consumeLogs(batch(i % 2 ? 0 : 5, 300));
        sdk += 300;
        collector += i % 2 ? 0 : 5;
        await p1.evaluate();
      }
      const summarisedBefore = accepted.records().filter((r) => r.eventName === SUMMARY_EVENT);
      expect(summarisedBefore).toHaveLength(1);
      const unsummarised = p1.activeMutes()[0].sdkDropped + p1.activeMutes()[0].collectorDropped;
      expect(unsummarised).toBeGreaterThan(0);
      // kill -9: p1 is abandoned (its queued rows and counts with it); the exporter's log stays on disk.
      await exporter1.shutdown();
      exporter2 = clickhouseExporterFactory.create({ id: 'clickhouse', metrics, logger }, exporterCfg, undefined) as ClickHouseLogsExporter;
      await exporter2.start(host);
      p2 = new SpamProcessor({ id: 'spam', metrics, logger }, spamCfg, through(exporter2), { clock: () => clock.now, timer: false });
      await p2.start(host);
      clock.now += 250;
      await p2.evaluate();
      await p2.flush();
      const summaries = accepted.records().filter((r) => r.eventName === SUMMARY_EVENT);
      const count = (key: string) => summaries.reduce((n, r) => n + Number(attributeMap(r.attributes)[key]), 0);
      expect(summaries).toHaveLength(2);
      expect(count(SUPPRESSED.sdkCount)).toBe(sdk);
      expect(count(SUPPRESSED.collectorCount)).toBe(collector);
      // log_suppression: the killed processor's queued summary row, written by the next one, and the recovered one.
      const stored = await (await p2.getSuppressionStore())!.query({ fromMs: clock.now - 3_600_000, toMs: clock.now + 1000, action: 'summary' });
      expect(stored.map((r) => r.reason).sort()).toEqual(['interval', 'recovered']);
      expect(stored.reduce((n, r) => n + r.sdkDropped, 0)).toBe(sdk);
      expect(stored.reduce((n, r) => n + r.collectorDropped, 0)).toBe(collector);
      // Settled: the log's ledger holds nothing for a third process.
      await exporter2.shutdown();
      const ledger = JSON.parse(fs.readFileSync(path.join(walDir, 'ledger.json'), 'utf8')) as { totals: unknown[] };
      expect(ledger.totals).toEqual([]);
    } finally {
      await p2?.shutdown();
      await exporter2?.shutdown();
      await p1.shutdown().catch(() => undefined);
    }
  });
});

const serverUrl = testServerUrl();
const describeServer = describeWithServer('spam-storage.test.ts', serverUrl);

describeServer('log_suppression on a ClickHouse server', () => {
  let store: ClickHouseStore;
  const database = `spam_srv_${process.pid}_${Date.now() % 1_000_000}`;
  beforeAll(async () => {
    store = await openClickHouse({ endpoint: serverUrl, database });
  });
  afterAll(async () => {
    await store?.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await store?.close();
  });

  test('the schema for its version (reduced on 18.16): create, insert, idempotent re-insert, query, totals', async () => {
    const kind = store.capabilities.hasDateTime64 && store.capabilities.hasLowCardinality && store.capabilities.hasCodecs ? 'full' : 'legacy';
    if (store.serverVersion.major === 18) expect(kind).toBe('legacy');
    await checkStore(store, kind, database);
  });
});
