/**
 * The console's JSON / stream APIs against a real in-process collector (compact
 * SDK stream in, httpstats + template + control + spam processors, chDB storage,
 * console token on): explorer search by function and argument value, the CSV
 * export (RFC 4180 round trip of a value with quotes, commas and newlines;
 * streamed across export pages), HTTP statistics written by the httpstats
 * processor (rates, 5xx, sections, paths, latency quantiles, alert raised and
 * recovered), the balancer strategy switch, drops by reason, AUTO suppressions,
 * and the offline decode upload (whole, truncated, not a logfun file).
 *
 * One chDB folder per process: this file's collector is its only user.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { csvLine, parseCsv, CSV_LOG_COLUMNS } from '../../collector/console/csv';
import { DECODE_MAX_UPLOAD_BYTES } from '../../collector/console/decode-upload';
import { createLogger, templateIdOf, traced, type RootLogger } from '../../sdk';

jest.setTimeout(60_000);

const TOKEN = 'console-api-token-19c2';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-console-api-'));
const YAML = `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  httpstats:
    interval: 1s
    lateness: 0s
    alerts: { short_window: 2s, long_window: 20s, ratio: 1000, rate_window: 2s, rate_threshold: 20 }
  template:
    state_directory: ${JSON.stringify(path.join(folder, 'templates'))}
  control: {}
  spam: {}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: console_api
    batch: { flush_interval: 50ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], processors: [httpstats, template, control, spam], exporters: [clickhouse] }
`;

let collector: Collector;
let base: string;
let grpc: string;
const loggers: RootLogger[] = [];
const auth = { authorization: `Bearer ${TOKEN}` };

async function get(p: string): Promise<Response> {
  return fetch(base + p, { headers: auth });
}

async function json<T>(p: string): Promise<T> {
  const res = await get(p);
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function sdk(service: string): RootLogger {
  const log = createLogger({ service, transport: 'logfun', endpoint: grpc, exitHooks: false, batch: { delayMs: 20 }, diagnostics: () => undefined });
  loggers.push(log);
  return log;
}

beforeAll(async () => {
  collector = new Collector({ yaml: YAML, logger: createMemoryLogger() });
  await collector.start();
  base = `http://127.0.0.1:${collector.admin.port}`;
  grpc = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
});

afterAll(async () => {
  for (const l of loggers) await l.shutdown();
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

interface Row {
  body: string;
  function: string;
  args: string[];
  templateId: string;
}

const TRICKY = 'he said "hi", then\r\nleft, "twice"\nend ';

test('CSV fields of any content read back exactly (quotes, commas, CR, LF, edge spaces, empty)', () => {
  const alphabet = ['a', 'Z', ' ', '"', ',', '\r', '\n', '\t', 'é', '😀', "'", '='];
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const rows: string[][] = [];
  for (let r = 0; r < 300; r++) rows.push(Array.from({ length: 1 + rnd(5) }, () => Array.from({ length: rnd(8) }, () => alphabet[rnd(alphabet.length)]).join('')));
  rows.push(['', ''], ['"'], [' lead', 'trail '], ['a\r\nb']);
  expect(parseCsv(rows.map(csvLine).join(''))).toEqual(rows);
  expect(csvLine(['plain', 'with,comma', 'say "hi"', 'two\nlines'])).toBe('plain,"with,comma","say ""hi""","two\nlines"\r\n');
});

describe('log explorer API', () => {
  test('search by function (code.function) and by argument value, alone and together', async () => {
    const log = sdk('explore');
    const payInvoice = traced('payInvoice', (id: string, note: string) => log.info`invoice ${id} note ${note}`);
    payInvoice('inv-1', TRICKY);
    payInvoice('inv-2', 'plain');
    log.info`outside ${TRICKY}`;
    await log.flush();
    await waitFor('3 rows', async () => ((await json<{ rows: Row[] }>('/api/v1/console/logs?service=explore')).rows.length >= 3 ? true : undefined));

    const byFunction = await json<{ rows: Row[] }>('/api/v1/console/logs?service=explore&function=payInvoice');
    expect(byFunction.rows.map((r) => r.body).sort()).toEqual([`invoice inv-1 note ${TRICKY}`, 'invoice inv-2 note plain']);
    expect(byFunction.rows.every((r) => r.function === 'payInvoice')).toBe(true);

    const byArg = await json<{ rows: Row[] }>(`/api/v1/console/logs?service=explore&arg=${encodeURIComponent(TRICKY)}`);
    expect(byArg.rows.map((r) => r.body).sort()).toEqual([`invoice inv-1 note ${TRICKY}`, `outside ${TRICKY}`].sort());
    // Exact match: a part of the value, or the value trimmed, matches nothing.
    expect((await json<{ rows: Row[] }>(`/api/v1/console/logs?service=explore&arg=${encodeURIComponent('he said')}`)).rows).toEqual([]);
    expect((await json<{ rows: Row[] }>(`/api/v1/console/logs?service=explore&arg=${encodeURIComponent(TRICKY.trim())}`)).rows).toEqual([]);

    const both = await json<{ rows: Row[] }>(`/api/v1/console/logs?service=explore&function=payInvoice&arg=${encodeURIComponent(TRICKY)}`);
    expect(both.rows.map((r) => r.args)).toEqual([['inv-1', TRICKY]]);
    // Values are parameters: SQL in them is just text that matches nothing.
    expect((await json<{ rows: Row[] }>(`/api/v1/console/logs?function=${encodeURIComponent("x' OR 1=1 --")}`)).rows).toEqual([]);
    expect((await get(`/api/v1/console/logs?arg=${'a'.repeat(1001)}`)).status).toBe(400);
  });

  test('CSV export: RFC 4180 quoting round-trips quotes, commas, CR/LF and edge spaces; streamed across export pages', async () => {
    const res = await get(`/api/v1/console/logs/export.csv?service=explore&from=${Date.now() - 600_000}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const text = await res.text();
    expect(text).toContain('"invoice inv-1 note he said ""hi"", then\r\nleft, ""twice""\nend "');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_LOG_COLUMNS]);
    const records = rows.slice(1).map((r) => Object.fromEntries(CSV_LOG_COLUMNS.map((c, i) => [c, r[i]])));
    expect(records).toHaveLength(3);
    const inv1 = records.find((r) => r.body.startsWith('invoice inv-1'))!;
    expect(inv1.body).toBe(`invoice inv-1 note ${TRICKY}`);
    expect(JSON.parse(inv1.args)).toEqual(['inv-1', TRICKY]);
    expect(inv1.function).toBe('payInvoice');
    expect(inv1.templateId).toBe(templateIdOf('invoice {} note {}').toString());
    expect(records.find((r) => r.body.startsWith('outside'))!.body).toBe(`outside ${TRICKY}`);

    // More rows than one export page (5000): every row exactly once.
    const bulk = sdk('bulk');
    for (let i = 0; i < 6_000; i++) bulk.info`bulk row ${i}`;
    await bulk.flush();
    await waitFor('6000 bulk rows', async () => {
      const r = await json<{ rows: Row[] }>('/api/v1/console/logs?service=bulk&text=bulk%20row%205999&limit=1');
      return r.rows.length === 1 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    const all = parseCsv(await (await get(`/api/v1/console/logs/export.csv?service=bulk&from=${Date.now() - 600_000}`)).text()).slice(1);
    expect(all).toHaveLength(6_000);
    expect(new Set(all.map((r) => r[CSV_LOG_COLUMNS.indexOf('body')])).size).toBe(6_000);
  });
});

interface Stats {
  stepMs: number;
  series: { t: number; hits: number; requestsPerSec: number; errors5xxPerSec: number }[];
  totals: { hits: number; status: Record<string, number>; p50: number | null; p90: number | null; p99: number | null; maxMs: number | null };
  sections: { key: string; hits: number }[];
  paths: { key: string; hits: number }[];
  statusCodes: { key: string; hits: number }[];
  alerts: { rule: string; state: string; service: string; message: string }[];
}

describe('HTTP statistics API', () => {
  test('rates, 5xx, sections, top paths, latency quantiles and an alert raised then recovered, from the httpstats processor', async () => {
    const web = sdk('shop');
    // 150 requests at once (well over 20 req/s over 2 s), then quiet: the high_traffic alert rises and recovers.
    for (let i = 0; i < 150; i++) {
      web
        .child({
          'http.request.method': 'GET',
          'url.path': i % 3 === 2 ? '/static/app.js' : `/api/users/${i % 7}`,
          'http.response.status_code': i % 10 === 0 ? 503 : 200,
          'http.server.request.duration': ((i % 100) + 1) / 1000,
        })
        .info`request served`;
    }
    await web.flush();
    const from = Date.now() - 120_000;
    const q = `/api/v1/console/httpstats?service=shop&from=${from}&to=${Date.now() + 60_000}&top=3`;
    const stats = await waitFor(
      'stats with the alert raised and recovered',
      async () => {
        // 404 until the processor's first write created the tables.
        const res = await get(q);
        if (res.status === 404) return undefined;
        if (!res.ok) throw new Error(`${q}: HTTP ${res.status} ${await res.text()}`);
        const s = (await res.json()) as Stats;
        return s.totals.hits === 150 && s.alerts.some((a) => a.state === 'recovery') ? s : undefined;
      },
      30_000,
    );
    expect(stats.stepMs).toBe(10_000);
    expect(stats.series.reduce((n, p) => n + p.hits, 0)).toBe(150);
    expect(stats.series.length).toBeLessThanOrEqual(360);
    expect(Math.max(...stats.series.map((p) => p.errors5xxPerSec))).toBeGreaterThan(0);
    expect(stats.totals.status['5xx']).toBe(15);
    expect(stats.totals.status['2xx']).toBe(135);
    expect(stats.statusCodes).toEqual([{ key: '200', hits: 135 }, { key: '503', hits: 15 }]);
    expect(stats.sections).toEqual([{ key: '/api', hits: 100 }, { key: '/static', hits: 50 }]);
    expect(stats.paths).toHaveLength(3);
    expect(stats.paths[0]).toEqual({ key: '/static/app.js', hits: 50 });
    // Durations 1..100 ms (i % 100 + 1): ranks give p50 = 38 ms, p90 = 85 ms, p99 = 99 ms, within the sketch's 1 %.
    expect(stats.totals.p50! / 38).toBeCloseTo(1, 1);
    expect(stats.totals.p90! / 85).toBeCloseTo(1, 1);
    expect(stats.totals.p99! / 99).toBeCloseTo(1, 1);
    expect(stats.totals.maxMs).toBeCloseTo(100, 0);
    expect(stats.alerts.map((a) => [a.rule, a.state])).toEqual([
      ['high_traffic', 'alert'],
      ['high_traffic', 'recovery'],
    ]);
    expect(stats.alerts.every((a) => a.service === 'shop')).toBe(true);

    // Filters and limits are parameters: another service or host has nothing.
    expect((await json<Stats>(`/api/v1/console/httpstats?service=${encodeURIComponent("shop' OR 1=1 --")}&from=${from}`)).totals.hits).toBe(0);
    expect((await json<Stats>(`/api/v1/console/httpstats?service=shop&host=nowhere&from=${from}`)).totals.hits).toBe(0);
    for (const bad of ['step=7s', `from=${Date.now()}&to=${Date.now() - 1000}`, 'step=10s&from=0', 'top=-1', 'from=yesterday']) {
      const res = await get(`/api/v1/console/httpstats?${bad}`);
      expect([bad, res.status]).toEqual([bad, 400]);
    }
  });
});

interface Overview {
  balancer: { processors: { id: string; strategy: string }[]; strategies: string[] };
  drops: { metric: string; reason: string; service: string; value: number }[];
  suppressions: { service: string; kind: string; templateId: string; source: string; reason: string; state: string }[];
}

describe('overview: balancer, drops, suppressions', () => {
  test('the strategy switch calls the spam processor; drops by reason; AUTO suppressions', async () => {
    const before = await json<Overview>('/api/v1/console/overview');
    expect(before.balancer.strategies).toEqual(['both', 'zscore', 'entropy', 'off']);
    expect(before.balancer.processors).toEqual([{ id: expect.stringMatching(/^processor:spam/), strategy: 'both' }]);
    const spam = collector.component<{ strategy: string }>(before.balancer.processors[0].id);

    const put = (body: unknown, type = 'application/json') => fetch(`${base}/api/v1/console/balancer`, { method: 'PUT', headers: { ...auth, 'content-type': type }, body: JSON.stringify(body) });
    const ok = await put({ strategy: 'zscore' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Overview['balancer']).processors[0].strategy).toBe('zscore');
    expect(spam.strategy).toBe('zscore');
    expect((await put({ strategy: 'loud' })).status).toBe(400);
    expect((await put({ strategy: 'off' }, 'text/plain')).status).toBe(415);
    expect((await put({ strategy: 'off', processor: 'processor:nope' })).status).toBe(404);
    expect((await put({ strategy: 'both' })).status).toBe(200);
    expect(spam.strategy).toBe('both');

    // A plain OTLP sender (no control stream) muted by a manual OFF rule: the control processor drops and counts.
    const otlp = createLogger({ service: 'dropper', transport: 'otlp', endpoint: grpc, exitHooks: false, diagnostics: () => undefined });
    loggers.push(otlp);
    await collector.control!.setRule({ target: { service: 'dropper' }, state: 'off', reason: 'test' });
    for (let i = 0; i < 5; i++) otlp.info`dropped ${i}`;
    await otlp.flush();
    const drops = await waitFor('control drops', async () => {
      const o = await json<Overview>('/api/v1/console/overview');
      const d = o.drops.find((x) => x.metric === 'logfun_control_dropped_records_total' && x.service === 'dropper');
      return d && d.value >= 5 ? d : undefined;
    });
    expect(drops.reason).toBe('off');

    // An AUTO rule (as a balancer sets it) is listed as an active suppression.
    const id = templateIdOf('noisy {}');
    await collector.control!.setAuto({ service: 'noisy-svc', templateId: id }, 'rate 900/s, entropy 0.1');
    const o = await json<Overview>('/api/v1/console/overview');
    expect(o.suppressions).toContainEqual(expect.objectContaining({ service: 'noisy-svc', kind: 'template', templateId: id.toString(), source: 'control', state: 'off', reason: 'rate 900/s, entropy 0.1' }));
  });
});

describe('offline decode upload', () => {
  let file: string;
  beforeAll(async () => {
    file = path.join(folder, 'offline.logfun');
    const log = createLogger({ service: 'offline', transport: 'file', file: { path: file }, exitHooks: false, batch: { maxRecords: 10, delayMs: 5 } });
    for (let i = 0; i < 40; i++) log.info`offline record ${i} <b>${'x'}</b>`;
    await log.shutdown();
  });

  const post = (body: Uint8Array, q = '') => fetch(`${base}/api/v1/console/decode${q}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body });
  const events = async (res: Response) => (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { lines?: string[]; done?: boolean; records?: number; complete?: boolean; problem?: string });

  test('a whole file decodes to its text lines, streamed frame by frame', async () => {
    const res = await post(fs.readFileSync(file));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const ev = await events(res);
    expect(ev.length).toBeGreaterThan(2);
    const lines = ev.flatMap((e) => e.lines ?? []);
    expect(lines).toHaveLength(40);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO offline offline record 0 <b>x<\/b>$/);
    expect(ev[ev.length - 1]).toMatchObject({ done: true, records: 40, complete: true, problem: '' });
    const asJson = (await events(await post(fs.readFileSync(file), '?format=json'))).flatMap((e) => e.lines ?? []);
    expect(JSON.parse(asJson[3])).toMatchObject({ service: 'offline', template: 'offline record {} <b>{}</b>', args: [3, 'x'] });
  });

  test('a truncated file shows every record before the damage and says what is wrong; not a logfun file is a 400', async () => {
    const bytes = fs.readFileSync(file);
    const res = await post(bytes.subarray(0, bytes.length - 7));
    expect(res.status).toBe(200);
    const ev = await events(res);
    const last = ev[ev.length - 1];
    const lines = ev.flatMap((e) => e.lines ?? []);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(40);
    expect(last).toMatchObject({ done: true, complete: false, records: lines.length });
    expect(last.problem).toMatch(/truncated/);

    const garbage = await post(Buffer.from('this is not a logfun file at all'));
    expect(garbage.status).toBe(400);
    const said = ((await garbage.json()) as { error: string }).error;
    expect(said).toMatch(/not a logfun log file/);
    expect(said.match(/not a logfun log file/g)).toHaveLength(1);
    expect((await post(new Uint8Array(0))).status).toBe(400);
    // Above the admin endpoint's default 1 MiB body bound but within the decode route's own: read and judged.
    const twoMiB = await post(Buffer.alloc(2 << 20, 7));
    expect(twoMiB.status).toBe(400);
    // Over the upload bound: refused, never decoded.
    const big = await post(Buffer.alloc(DECODE_MAX_UPLOAD_BYTES + 1));
    expect(big.status).toBe(413);
  });

  test('a file followed by zero bytes: its records, then the damage in words (zeros once parsed as millions of empty frames)', async () => {
    const bytes = fs.readFileSync(file);
    const res = await post(Buffer.concat([bytes, Buffer.alloc(DECODE_MAX_UPLOAD_BYTES - bytes.length)]));
    expect(res.status).toBe(200);
    const ev = await events(res);
    expect(ev.flatMap((e) => e.lines ?? [])).toHaveLength(40);
    const last = ev[ev.length - 1] as { frames?: number; complete?: boolean; problem?: string };
    expect(last).toMatchObject({ done: true, records: 40, complete: false });
    expect(last.frames).toBeLessThan(10);
    expect(last.problem).toBe(`frame at byte ${bytes.length} is damaged: empty frame (length 0; zero bytes or garbage after the file header?); the 40 records before it were decoded`);
  });
});
