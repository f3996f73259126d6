/**
 * Scale-out on ClickHouse: two collectors (as behind a load balancer) sharing one
 * ClickHouse server and nothing else, SDKs of one service spread across both.
 *
 *   - template ids agree with no coordination (the id is the hash of the text):
 *     both collectors store the same TemplateId, and log_templates_merged holds one
 *     row with both writers' counts added up;
 *   - a control rule set through collector A's API reaches SDKs connected to B
 *     (B's ControlPlane polls control_rules, 100 ms by default on a server);
 *   - httpstats partial aggregates written by both collectors add up at query time.
 *
 * Two collectors cannot share chDB (one data path per process), so this runs
 * against the ClickHouse server at LOGFUN_TEST_CLICKHOUSE_URL (default
 * http://127.0.0.1:8123; Debian's 18.16 here: the legacy schemas), in a database
 * of its own that is dropped at the end. Skipped only when the variable is unset
 * AND nothing answers there.
 */
import { randomBytes } from 'crypto';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { HttpStatsStore } from '../../collector/storage/httpstats-store';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import { createLogger, templateIdOf, type RootLogger, type Template } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

jest.setTimeout(60_000);

const serverUrl = testServerUrl('http://127.0.0.1:8123');
const describeServer = describeWithServer('scale-out.test.ts', serverUrl);

const database = `scale_${process.pid}_${randomBytes(4).toString('hex')}`;
const SERVICE = 'checkout';

function collectorYaml(id: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  template: {}
  control: {}
  httpstats:
    interval: 1s
    lateness: 0s
    collector_id: ${id}
    write: { flush_interval: 200ms }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(serverUrl)}
    database: ${database}
    batch: { flush_interval: 100ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  pipelines:
    logs: { receivers: [otlp], processors: [template, control, httpstats], exporters: [clickhouse] }
`;
}

interface Sdk {
  log: RootLogger;
  transport: LogfunStreamTransport;
  via: 'a' | 'b';
}

/** Resolves once `predicate` holds; checks at every control update and every 5 ms. */
function until(predicate: () => boolean, transports: LogfunStreamTransport[], timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (err?: Error) => {
      clearInterval(poll);
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      if (predicate()) finish();
    };
    const poll = setInterval(check, 5);
    const timer = setTimeout(() => finish(new Error(`condition not met within ${timeoutMs} ms`)), timeoutMs);
    for (const t of transports) offs.push(t.onControl(check));
    check();
  });
}

/** The template of `text` in an SDK's own registry (every SDK here has one: captureCallSites false). */
function templateIn(sdk: Sdk, text: string): Template | undefined {
  let found: Template | undefined;
  (sdk.log as unknown as { core: { registry: { forEachTemplate(f: (t: Template) => void): void } } }).core.registry.forEachTemplate((t) => {
    if (t.text === text) found = t;
  });
  return found;
}

describeServer('two collectors on one ClickHouse server', () => {
  let a: Collector;
  let b: Collector;
  let store: ClickHouseStore;
  const sdks: Sdk[] = [];

  beforeAll(async () => {
    // One after the other: both run CREATE ... IF NOT EXISTS for the same tables.
    a = new Collector({ yaml: collectorYaml('collector-a'), logger: createMemoryLogger() });
    await a.start();
    b = new Collector({ yaml: collectorYaml('collector-b'), logger: createMemoryLogger() });
    await b.start();
    store = await openClickHouse({ endpoint: serverUrl, database });
    // A load balancer's spread: SDK instances alternate between the collectors.
    for (let i = 0; i < 4; i++) {
      const via = i % 2 === 0 ? 'a' : 'b';
      const c = via === 'a' ? a : b;
      const log = createLogger({
        service: SERVICE,
        serviceInstanceId: `pod-${i}`,
        transport: 'logfun',
        endpoint: `127.0.0.1:${c.component<OtlpReceiver>('receiver:otlp').grpcPort}`,
        exitHooks: false,
        batch: { delayMs: 20 },
        captureCallSites: false, // a template registry per SDK, as in separate processes
        diagnostics: () => undefined,
      });
      sdks.push({ log, transport: log.transport as LogfunStreamTransport, via });
    }
  });

  afterAll(async () => {
    for (const s of sdks) await s.log.shutdown();
    await a?.shutdown();
    await b?.shutdown();
    if (store) {
      await store.command(`DROP DATABASE IF EXISTS ${database}`);
      await store.close();
    }
  });

  test('both collectors poll the shared control table at the server default (100 ms)', () => {
    expect(a.control?.ready).toBe(true);
    expect(b.control?.ready).toBe(true);
    expect(a.control!.pollIntervalMs).toBe(100);
    expect(b.control!.pollIntervalMs).toBe(100);
  });

  test('a rule set through collector A reaches SDKs connected to B; clearing it through B reaches SDKs on A', async () => {
    const text = 'cache miss for {}';
    for (const s of sdks) s.log.warn('cache miss for %s', 'k0');
    const templates = sdks.map((s) => templateIn(s, text)!);
    for (const t of templates) expect(t).toBeDefined();
    const id = templateIdOf(text);
    expect(new Set(templates.map((t) => t.id))).toEqual(new Set([id]));

    const adminA = `http://127.0.0.1:${a.admin.port}`;
    const adminB = `http://127.0.0.1:${b.admin.port}`;
    const started = performance.now();
    const put = await fetch(`${adminA}/api/v1/rules`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.adminToken}` },
      body: JSON.stringify({ target: { service: SERVICE, templateId: id.toString() }, state: 'off', reason: 'scale-out test' }),
    });
    expect(put.status).toBe(200);
    await put.arrayBuffer();
    const onB = sdks.filter((s) => s.via === 'b');
    await until(() => onB.every((s) => templateIn(s, text)!.muted), onB.map((s) => s.transport));
    const reachedB = performance.now() - started;
    await until(() => sdks.every((s) => templateIn(s, text)!.muted), sdks.map((s) => s.transport));
    console.log(`scale-out: PUT on collector A -> template muted in the SDKs on collector B after ${reachedB.toFixed(0)} ms`);

    const mutedBefore = sdks.map((s) => s.log.stats().muted);
    for (const s of sdks) s.log.warn('cache miss for %s', 'k1');
    expect(sdks.map((s) => s.log.stats().muted)).toEqual(mutedBefore.map((n) => n + 1));

    // Cleared through the other collector: every SDK logs the template again.
    const del = await fetch(`${adminB}/api/v1/rules?service=${SERVICE}&template=${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${b.adminToken}` } });
    expect(del.status).toBe(200);
    await del.arrayBuffer();
    await until(() => sdks.every((s) => !templateIn(s, text)!.muted), sdks.map((s) => s.transport));
  });

  test('the same text has the same template id through both collectors; the stored dictionary merges both writers', async () => {
    for (let i = 0; i < 10; i++) for (const s of sdks) s.log.info`order ${i} shipped to ${'berlin'}`;
    for (const s of sdks) await s.log.flush();
    const text = 'order {} shipped to {}';
    const id = templateIdOf(text);
    for (const c of [a, b]) {
      const t = c.templates.all().find((x) => x.text === text);
      expect(t?.id).toBe(id);
    }
    // The exporters write the rows and their dictionaries (the dictionary at least at shutdown;
    // poll until both writers are there, at most a few seconds).
    const until2 = Date.now() + 15_000;
    let merged: { id: string; count: number; writers: number }[] = [];
    for (;;) {
      merged = (
        await store.query<{ id: string; count: string; writers: string }>(
          `SELECT toString(TemplateId) AS id, Count AS count, Writers AS writers FROM ${database}.log_templates_merged WHERE ServiceName = '${SERVICE}' AND Text = '${text}'`,
        )
      ).map((r) => ({ id: r.id, count: Number(r.count), writers: Number(r.writers) }));
      if ((merged[0]?.writers === 2 && merged[0]?.count === 40) || Date.now() > until2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(merged).toEqual([{ id: id.toString(), count: 40, writers: 2 }]);
    // The dictionary is written before the rows that use it (exporter.flushTemplates, then the insert): the rows may still be on their way.
    let logs: [string, number][] = [];
    for (const deadline = Date.now() + 15_000; ; ) {
      logs = (
        await store.query<{ id: string; n: string }>(
          `SELECT toString(TemplateId) AS id, count() AS n FROM ${database}.otel_logs WHERE ServiceName = '${SERVICE}' AND Body LIKE 'order % shipped to berlin' GROUP BY id`,
        )
      ).map((r) => [r.id, Number(r.n)]);
      if (logs.reduce((n, [, c]) => n + c, 0) >= 40 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(logs).toEqual([[id.toString(), 40]]);
  });

  test('httpstats partial aggregates from both collectors add up', async () => {
    const startMs = Date.now();
    let sent = 0;
    let errors = 0;
    for (let i = 0; i < 30; i++) {
      for (const s of sdks) {
        const status = i % 10 === 0 ? 503 : 200;
        s.log.info({ 'http.request.method': 'GET', 'url.path': `/api/orders/${i}`, 'http.response.status_code': status, 'http.server.request.duration': 0.02 }, 'request done');
        sent++;
        if (status >= 500) errors++;
      }
    }
    for (const s of sdks) await s.log.flush();
    const stats = new HttpStatsStore(store, database);
    const deadline = Date.now() + 20_000;
    let perCollector: { collector: string; hits: number; errors: number }[] = [];
    for (;;) {
      // The processors create their tables with their first write.
      perCollector = (
        await store
          .query<{ collector: string; hits: string; errors: string }>(
            `SELECT CollectorId AS collector, sum(Hits) AS hits, sum(Status5xx) AS errors FROM ${database}.http_stats WHERE ServiceName = '${SERVICE}' GROUP BY collector ORDER BY collector`,
          )
          .catch((err: Error) => {
            if (/doesn't exist|UNKNOWN_TABLE/.test(err.message)) return [];
            throw err;
          })
      ).map((r) => ({ collector: r.collector, hits: Number(r.hits), errors: Number(r.errors) }));
      if (perCollector.reduce((n, r) => n + r.hits, 0) >= sent || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Each collector wrote only what its own SDKs sent; the sums are the whole.
    expect(perCollector.map((r) => r.collector)).toEqual(['collector-a', 'collector-b']);
    expect(perCollector.map((r) => r.hits)).toEqual([sent / 2, sent / 2]);
    expect(perCollector.reduce((n, r) => n + r.errors, 0)).toBe(errors);

    // The store's merged read (what the console and the HTTP stats dashboard show) adds them up.
    const fromMs = Math.floor(startMs / 1000) * 1000 - 5_000;
    const toMs = Math.ceil(Date.now() / 1000) * 1000 + 5_000;
    // The key rows (sections, paths) are a separate insert from the interval rows: wait for them too.
    let rows = await stats.queryRows({ fromMs, toMs, source: 'raw', service: SERVICE, byHost: false });
    for (const keysDeadline = Date.now() + 10_000; Date.now() < keysDeadline; ) {
      if ((rows[0]?.sections.find((k) => k.key === '/api')?.hits ?? 0) >= sent) break;
      await new Promise((r) => setTimeout(r, 250));
      rows = await stats.queryRows({ fromMs, toMs, source: 'raw', service: SERVICE, byHost: false });
    }
    expect(rows).toHaveLength(1);
    expect(rows[0].hits).toBe(sent);
    expect(rows[0].statusClasses['5xx']).toBe(errors);
    expect(rows[0].sections.find((k) => k.key === '/api')?.hits).toBe(sent);
  });
});
