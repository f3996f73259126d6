/**
 * The console's new queries on the real ClickHouse 18.16 server (the reduced
 * schema: Nested LogAttributes, DateTime + TimestampNanos, client-side parameter
 * binding): explorer search by function and argument value, the CSV export, and
 * the HTTP statistics API over the httpstats processor's tables.
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123; skipped only
 * when the variable is unset and nothing answers there. Uses a database of its
 * own, dropped at the end.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse } from '../../collector/storage/clickhouse-client';
import { parseCsv, CSV_LOG_COLUMNS } from '../../collector/console/csv';
import { readSse, type SseEvent } from '../../collector/tail/sse-client';
import type { TailRecordJson } from '../../collector/tail/record';
import { createLogger, traced, type RootLogger } from '../../sdk';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

jest.setTimeout(60_000);

const serverUrl = testServerUrl();
const describeServer = describeWithServer('console-server.test.ts', serverUrl);

const database = `console_srv_${process.pid}`;
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-console-server-'));
const TRICKY = 'a "quoted", multi\nline value';
const headers = { authorization: 'Bearer srv-token' };

describeServer('console queries on a ClickHouse 18.16 server', () => {
  let collector: Collector;
  let base: string;
  let log: RootLogger;

  const json = async <T>(p: string): Promise<T> => {
    const res = await fetch(base + p, { headers });
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    collector = new Collector({
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  httpstats: { interval: 1s, lateness: 0s }
  template:
    state_directory: ${JSON.stringify(path.join(folder, 'templates'))}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(serverUrl)}
    database: ${database}
    batch: { flush_interval: 50ms }
service:
  control: { enabled: false }
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false, console_token: "srv-token" }
  pipelines:
    logs: { receivers: [otlp], processors: [httpstats, template], exporters: [clickhouse] }
`,
      logger: createMemoryLogger(),
    });
    await collector.start();
    base = `http://127.0.0.1:${collector.admin.port}`;
    const grpc = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
    log = createLogger({ service: 'srv', transport: 'logfun', endpoint: grpc, exitHooks: false, batch: { delayMs: 20 }, diagnostics: () => undefined });
  });

  afterAll(async () => {
    await log?.shutdown();
    await collector?.shutdown();
    const store = await openClickHouse({ endpoint: serverUrl });
    await store.command(`DROP DATABASE IF EXISTS ${database}`);
    await store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('explorer: function and argument search and the CSV export on the reduced schema', async () => {
    const settle = traced('settleOrder', (order: string, note: string) => log.info`settle ${order} note ${note}`);
    settle('o-1', TRICKY);
    settle('o-2', 'plain');
    log.info`stray ${TRICKY}`;
    await log.flush();
    await waitFor('3 rows', async () => ((await json<{ rows: unknown[] }>('/api/v1/console/logs?service=srv')).rows.length >= 3 ? true : undefined));
    const byFn = await json<{ rows: { body: string; function: string }[] }>('/api/v1/console/logs?service=srv&function=settleOrder');
    expect(byFn.rows.map((r) => r.body).sort()).toEqual([`settle o-1 note ${TRICKY}`, 'settle o-2 note plain']);
    expect(byFn.rows.map((r) => r.function)).toEqual(['settleOrder', 'settleOrder']);
    const byArg = await json<{ rows: { body: string }[] }>(`/api/v1/console/logs?service=srv&arg=${encodeURIComponent(TRICKY)}`);
    expect(byArg.rows.map((r) => r.body).sort()).toEqual([`settle o-1 note ${TRICKY}`, `stray ${TRICKY}`]);
    const csv = parseCsv(await (await fetch(`${base}/api/v1/console/logs/export.csv?service=srv&function=settleOrder&arg=${encodeURIComponent(TRICKY)}`, { headers })).text());
    expect(csv).toHaveLength(2);
    expect(csv[1][CSV_LOG_COLUMNS.indexOf('body')]).toBe(`settle o-1 note ${TRICKY}`);
    expect(JSON.parse(csv[1][CSV_LOG_COLUMNS.indexOf('args')])).toEqual(['o-1', TRICKY]);
  });

  test('HTTP statistics from the httpstats tables of the legacy schema', async () => {
    for (let i = 0; i < 40; i++) {
      log.child({ 'http.request.method': 'GET', 'url.path': `/api/items/${i % 4}`, 'http.response.status_code': i % 8 === 0 ? 502 : 200, 'http.server.request.duration': 0.02 }).info`request served`;
    }
    await log.flush();
    const q = `/api/v1/console/httpstats?service=srv&from=${Date.now() - 60_000}&to=${Date.now() + 60_000}`;
    const stats = await waitFor('40 requests', async () => {
      const res = await fetch(base + q, { headers });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`HTTP ${res.status} ${await res.text()}`);
      const s = (await res.json()) as { totals: { hits: number; status: Record<string, number>; p50: number }; sections: { key: string; hits: number }[] };
      // Keyed counts are a second insert after the totals.
      return s.totals.hits === 40 && s.sections.length > 0 ? s : undefined;
    });
    expect(stats.totals.status['5xx']).toBe(5);
    expect(stats.sections).toEqual([{ key: '/api', hits: 40 }]);
    expect(stats.totals.p50 / 20).toBeCloseTo(1, 1);
  });

  test('live tail replays stored records from the server, then continues live', async () => {
    const since = Date.now() - 1000;
    for (let i = 0; i < 5; i++) log.warn`tail replay ${i}`;
    await log.flush();
    await waitFor('5 stored', async () => ((await json<{ rows: unknown[] }>('/api/v1/console/logs?service=srv&text=tail%20replay')).rows.length >= 5 ? true : undefined));
    const abort = new AbortController();
    const res = await fetch(`${base}/api/v1/console/tail?since=${new Date(since).toISOString()}&service=srv&text=tail%20`, { headers, signal: abort.signal });
    expect(res.status).toBe(200);
    const events: SseEvent[] = [];
    const reading = (async () => {
      for await (const ev of readSse(res.body as unknown as AsyncIterable<Uint8Array>)) events.push(ev);
    })().catch(() => undefined);
    const bodies = () => events.filter((e) => e.event === 'record').map((e) => (JSON.parse(e.data) as TailRecordJson).body);
    await waitFor('replay', async () => (events.some((e) => e.event === 'live') ? true : undefined));
    for (let i = 0; i < 3; i++) log.warn`tail live ${i}`;
    await log.flush();
    await waitFor('live records', async () => (bodies().length >= 8 ? true : undefined));
    abort.abort();
    await reading;
    expect(bodies()).toEqual([0, 1, 2, 3, 4].map((i) => `tail replay ${i}`).concat([0, 1, 2].map((i) => `tail live ${i}`)));
  });
});
