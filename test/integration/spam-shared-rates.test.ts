/**
 * Spam detection over a service's whole rate across collectors (shared_rates):
 * two in-process Collectors (otlp -> template -> spam -> control -> clickhouse),
 * as behind a round-robin load balancer, sharing one ClickHouse server and nothing
 * else. A spammer's SDK instances are spread over both, each collector seeing
 * ~30 records/s of it: under min_rate (45/s) for either alone, above it together.
 *
 *   - the spam is muted (on the whole rate: the mute's reason says "across
 *     collectors"), both collectors mute it (one decides, the other follows — or
 *     both decide at once), every SDK of the spammer obeys;
 *   - the spam stops and the mute lifts in every SDK;
 *   - the summaries of both collectors add up to exactly what the SDKs dropped;
 *   - a steady low-rate service spread over both is never muted;
 *   - spam_rates holds both collectors' partials.
 *
 * Runs against the server at LOGFUN_TEST_CLICKHOUSE_URL (default
 * http://127.0.0.1:8123; Debian's 18.16 here: the legacy schemas, no TTL), in a
 * database of its own dropped at the end. Skipped only when the variable is unset
 * AND nothing answers there. Shortened timings: 100 ms buckets and evaluations,
 * 1 s rate window, shared rates every 200 ms, 1 s mutes.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as os from 'os';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { SuppressionStore } from '../../collector/storage/suppression-store';
import { SpamRatesStore } from '../../collector/storage/spam-rates-store';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import type { SpamProcessor } from '../../processors/spam/processor';
import { createLogger, templateIdOf, type RootLogger, type Template } from '../../sdk';

jest.setTimeout(60_000);

const configuredUrl = process.env.LOGFUN_TEST_CLICKHOUSE_URL;
const serverUrl = configuredUrl || 'http://127.0.0.1:8123';

function serverAnswers(url: string): boolean {
  try {
    const out = execFileSync(
      process.execPath,
      ['-e', `fetch(${JSON.stringify(url + '/ping')}, { signal: AbortSignal.timeout(2000) }).then(r => r.text()).then(t => process.stdout.write(t), () => {})`],
      { timeout: 5000, encoding: 'utf8' },
    );
    return out.startsWith('Ok');
  } catch {
    return false;
  }
}

const runServerTests = Boolean(configuredUrl) || serverAnswers(serverUrl);
if (!runServerTests) console.warn(`spam-shared-rates.test.ts SKIPPED: LOGFUN_TEST_CLICKHOUSE_URL is unset and nothing answers on ${serverUrl}.`);
const describeServer = runServerTests ? describe : describe.skip;

const database = `spam_shared_${process.pid}_${randomBytes(4).toString('hex')}`;
const SPAMMER = 'shared-spammer';
const STEADY = 'shared-steady';
const SPAM_TEXT = 'shared retry {} of job {}';
const STEADY_TEXT = 'steady heartbeat {} from {}';
const FOLLOW_TEXT = 'shared timeout {} on queue {}';
const MIN_RATE = 45;

function collectorYaml(id: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  template: { state_directory: "" }
  spam:
    strategy: both
    # One key per service across its instances: the whole rate of a service spread over collectors
    # (the default, scope: sender, keys each instance on its own and shares no rates for it).
    scope: service
    evaluation_interval: 100ms
    bucket: 100ms
    rate_window: 1s
    history: 10s
    min_history: 200ms
    min_rate: ${MIN_RATE}
    min_samples: 20
    trigger_evaluations: 2
    release: { min_mute: 1s, max_mute: 10s, window: 500ms, ratio: 0.5, report_grace: 1s }
    summary: { interval: 1s }
    targets: { functions: false }
    collector_id: ${id}
    write: { flush_interval: 200ms }
    shared_rates: { enabled: true, interval: 200ms }
  control: {}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(serverUrl)}
    database: ${database}
    batch: { flush_interval: 100ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  pipelines:
    logs: { receivers: [otlp], processors: [template, spam, control], exporters: [clickhouse] }
`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The template of `text` in an SDK's own registry (captureCallSites false: one registry per SDK). */
function templateIn(log: RootLogger, text: string): Template | undefined {
  let found: Template | undefined;
  (log as unknown as { core: { registry: { forEachTemplate(f: (t: Template) => void): void } } }).core.registry.forEachTemplate((t) => {
    if (t.text === text) found = t;
  });
  return found;
}

describeServer('spam detection on the whole rate of two collectors sharing one ClickHouse server', () => {
  let a: Collector;
  let b: Collector;
  let store: ClickHouseStore;
  const loggers: RootLogger[] = [];
  const steadyLoggers: RootLogger[] = [];
  /** Record generators on 100 ms ticks. */
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  const onTick: (() => void)[] = [];

  const sdk = (c: Collector, service: string, instance: string): RootLogger => {
    const log = createLogger({
      service,
      serviceInstanceId: instance,
      transport: 'logfun',
      endpoint: `127.0.0.1:${c.component<OtlpReceiver>('receiver:otlp').grpcPort}`,
      exitHooks: false,
      batch: { delayMs: 50 },
      captureCallSites: false,
      diagnostics: () => undefined,
    });
    loggers.push(log);
    return log;
  };

  beforeAll(async () => {
    // One after the other: both run CREATE ... IF NOT EXISTS for the same tables.
    a = new Collector({ yaml: collectorYaml('collector-a'), logger: createMemoryLogger() });
    await a.start();
    b = new Collector({ yaml: collectorYaml('collector-b'), logger: createMemoryLogger() });
    await b.start();
    store = await openClickHouse({ endpoint: serverUrl, database });
  });

  afterAll(async () => {
    clearInterval(timer);
    for (const l of loggers) await l.shutdown();
    await a?.shutdown();
    await b?.shutdown();
    if (store) {
      await store.command(`DROP DATABASE IF EXISTS ${database}`);
      await store.close();
    }
  });

  beforeAll(() => {
    // The steady service logs 2 per SDK and tick: 20/s per collector, 40/s together (under min_rate), all along.
    const steady = [sdk(a, STEADY, 'pod-a'), sdk(b, STEADY, 'pod-b')];
    steadyLoggers.push(...steady);
    onTick.push(() => {
      for (const log of steady) for (let k = 0; k < 2; k++) log.info`steady heartbeat ${tick % 3} from ${'probe'}`;
    });
    timer = setInterval(() => {
      tick++;
      for (const f of onTick) f();
    }, 100);
  });

  /**
   * A spammer spread over both collectors, 3 records per SDK and tick (30/s per collector: under
   * min_rate; 60/s together: above), until every SDK obeys the mute, 1.5 s more, then it stops.
   */
  async function spreadSpam(label: string, text: string, logOne: (log: RootLogger, n: number) => void) {
    const spamA = a.component<SpamProcessor>('processor:spam@logs');
    const spamB = b.component<SpamProcessor>('processor:spam@logs');
    const spammers = [sdk(a, SPAMMER, `${label}-a`), sdk(b, SPAMMER, `${label}-b`)];
    const spamId = templateIdOf(text);
    let spamming = true;
    let spamCalls = 0;
    const gen = () => {
      if (!spamming) return;
      for (const log of spammers) for (let k = 0; k < 3; k++) logOne(log, spamCalls++);
    };
    const started = Date.now();
    onTick.push(gen);
    try {
      await until('every spammer SDK muted', () => spammers.every((l) => templateIn(l, text)?.muted === true), 20_000);
      const mutedAfterMs = Date.now() - started;
      await sleep(1500);
      spamming = false;
      const dropped = spammers.map((l) => l.stats().muted);
      expect(dropped.every((n) => n > 0)).toBe(true);
      await until('the mute lifted in every spammer SDK', () => spammers.every((l) => templateIn(l, text)?.muted === false), 20_000);
      const liftedAfterMs = Date.now() - started;
      for (const l of spammers) expect(await l.flush(10_000)).toBe(true);
      const sdkDropped = spammers.reduce((n, l) => n + l.stats().muted, 0);

      // Both collectors muted and released the key; their last summaries wait for report_grace.
      const decisions = (p: SpamProcessor) => p.recentDecisions().filter((r) => r.service === SPAMMER && r.templateId === spamId);
      await until('both collectors released the mute', () => [spamA, spamB].every((p) => decisions(p).some((r) => r.action === 'unmute')));
      for (const p of [spamA, spamB]) {
        const key = p.balancer.service(SPAMMER).templates.get(spamId)!;
        await until('the last summary', () => Date.now() > key.lateUntilMs && key.pendingSdk === 0 && key.pendingCollector === 0 && key.summaryDueMs === Infinity);
      }
      const mutes = [decisions(spamA), decisions(spamB)].map((d) => d.filter((r) => r.action === 'mute'));
      for (const m of mutes) expect(m.length).toBeGreaterThan(0);
      // Neither collector alone saw min_rate: every decision was on the whole rate (or followed one).
      const reasons = mutes.flat().map((r) => r.reason);
      expect(reasons.some((r) => /across collectors/.test(r))).toBe(true);
      for (const r of reasons) expect(r).toMatch(/across collectors/);

      // Summaries across both collectors add up to exactly what the SDKs dropped.
      const summaries = [...decisions(spamA), ...decisions(spamB)].filter((r) => r.action === 'summary');
      expect(summaries.reduce((n, r) => n + r.sdkDropped, 0)).toBe(sdkDropped);
      const collectorDropped = summaries.reduce((n, r) => n + r.collectorDropped, 0);

      // log_suppression (written by both collectors) says the same.
      await spamA.flush();
      await spamB.flush();
      const suppression = new SuppressionStore(store, database);
      const rows = await until('the log_suppression summary rows of both collectors', async () => {
        const r = await suppression.query({ fromMs: started - 60_000, toMs: Date.now() + 60_000, service: SPAMMER, action: 'summary', templateId: spamId });
        return r.length === summaries.length ? r : undefined;
      });
      expect(rows.reduce((n, r) => n + r.sdkDropped, 0)).toBe(sdkDropped);

      const role = (list: { reason: string }[]) => (list.some((r) => r.reason.startsWith('following:')) ? 'followed' : 'decided');
      const causes = (p: SpamProcessor) => decisions(p).filter((r) => r.action === 'unmute').map((r) => r.reason).join(',');
      // eslint-disable-next-line no-console
      console.log(
        `spam-shared-rates (${label}): ${spamCalls} spam calls over 2 collectors (30/s each, min_rate ${MIN_RATE}); muted in every SDK after ${mutedAfterMs} ms ` +
          `(A ${role(mutes[0])}, B ${role(mutes[1])}); lifted in every SDK after ${liftedAfterMs} ms (A ${causes(spamA)}, B ${causes(spamB)}); ` +
          `SDK drops ${dropped.join(' + ')} = ${sdkDropped} = summaries' sdk_count (${summaries.length} summaries, ${collectorDropped} dropped in the collectors); ` +
          `load average ${os.loadavg()[0].toFixed(1)}`,
      );
      return { mutes, spamA, spamB };
    } finally {
      spamming = false;
      onTick.splice(onTick.indexOf(gen), 1);
    }
  }

  test('a spammer under each collector\'s threshold but above it together is muted on both, the mute lifts, summaries add up exactly', async () => {
    await sleep(1500); // ordinary traffic first
    await spreadSpam('both-judge', SPAM_TEXT, (log, n) => log.info`shared retry ${n % 2} of job ${'nightly'}`);
  });

  test('a collector that does not judge (strategy off) follows the other\'s AUTO mute: its SDKs obey, its drops are in its summaries', async () => {
    const spamB = b.component<SpamProcessor>('processor:spam@logs');
    spamB.setStrategy('off');
    try {
      const { mutes } = await spreadSpam('b-follows', FOLLOW_TEXT, (log, n) => log.info`shared timeout ${n % 3} on queue ${'mail'}`);
      expect(mutes[0].every((r) => /^spam \(both\)/.test(r.reason))).toBe(true);
      expect(mutes[1].every((r) => r.reason.startsWith('following: '))).toBe(true);
    } finally {
      spamB.setStrategy('both');
    }
  });

  test('the steady service spread over both collectors was never muted; spam_rates holds both collectors\' partials', async () => {
    for (const c of [a, b]) expect(c.component<SpamProcessor>('processor:spam@logs').recentDecisions().filter((r) => r.service === STEADY)).toEqual([]);
    for (const l of steadyLoggers) {
      expect(templateIn(l, STEADY_TEXT)?.muted).toBe(false);
      expect(l.stats().muted).toBe(0);
    }
    const writers = await store.query<{ c: string; s: string; n: string }>(
      `SELECT CollectorId AS c, ServiceName AS s, sum(Count) AS n FROM ${database}.spam_rates GROUP BY c, s ORDER BY c, s`,
    );
    expect(writers.map((w) => `${w.c}/${w.s}`)).toEqual(['collector-a/shared-spammer', 'collector-a/shared-steady', 'collector-b/shared-spammer', 'collector-b/shared-steady']);
    for (const w of writers) expect(Number(w.n)).toBeGreaterThan(0);
  });

  test('on a server without TTL, partitions older than the retention are dropped by prune()', async () => {
    const rates = new SpamRatesStore(store, database, 'spam_rates_prune', 3600);
    expect(rates.kind).toBe('legacy');
    await rates.createSchema();
    await store.command(
      `INSERT INTO ${database}.spam_rates_prune (InsertedAt, WriteId, CollectorId, ServiceName, Kind, TemplateId, Function, BucketStartMs, BucketMs, Count, OfferedCount)
       VALUES (now() - 3 * 3600, 1, 'old', 's', 'template', 1, '', 0, 500, 1, 0)`,
    );
    await rates.insert(2n, 'new', [{ service: 's', kind: 'template', templateId: 1n, function: '', bucketStartMs: Date.now(), bucketMs: 500, count: 1, offered: 0 }]);
    expect(await rates.prune()).toBe(1);
    const left = await store.query<{ c: string }>(`SELECT CollectorId AS c FROM ${database}.spam_rates_prune`);
    expect(left.map((r) => r.c)).toEqual(['new']);
    expect((await rates.recent(60)).map((r) => r.collectorId)).toEqual(['new']);
  });
});
