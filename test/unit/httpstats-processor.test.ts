/**
 * The httpstats processor in process (store: false), on simulated time: a tap
 * that passes batches on unchanged, counts each request once even when the next
 * stage refuses and the sender retries, reads HTTP attributes and access-log
 * bodies, closes intervals by its clock, and raises/recovers alerts at the
 * simulated moment.
 */
import { LogBatchBuilder, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { HttpStatsProcessor, httpstatsProcessorFactory, type HttpStatsProcessorConfig } from '../../processors/httpstats/factory';
import { sumRows, type IntervalStatsRow } from '../../processors/httpstats/aggregator';
import type { AlertEvent } from '../../processors/httpstats/alerts';
import { RecordingConsumer } from '../kit/recording-consumer';
import { asRecord, generateAccessLog, independentCount } from './httpstats-fixtures';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

function host(metrics: Metrics): Host {
  return { metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() };
}

interface Harness {
  processor: HttpStatsProcessor;
  next: RecordingConsumer;
  metrics: Metrics;
  rows: IntervalStatsRow[];
  alerts: AlertEvent[];
  clock: { now: number };
  logger: ReturnType<typeof createMemoryLogger>;
}

async function harness(over: (c: HttpStatsProcessorConfig) => void = () => undefined): Promise<Harness> {
  const cfg = httpstatsProcessorFactory.createDefaultConfig();
  cfg.store = false;
  over(cfg);
  expect(httpstatsProcessorFactory.validate!(cfg)).toEqual([]);
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const next = new RecordingConsumer();
  const clock = { now: T0 };
  const rows: IntervalStatsRow[] = [];
  const alerts: AlertEvent[] = [];
  const processor = new HttpStatsProcessor({ id: 'httpstats', metrics, logger }, cfg, next, {
    clock: () => clock.now,
    tickMs: 0,
    listeners: [{ onIntervals: (r) => rows.push(...r), onAlert: (e) => alerts.push(e) }],
  });
  await processor.start(host(metrics));
  return { processor, next, metrics, rows, alerts, clock, logger };
}

function httpBatch(requests: { timeMs: number; path?: string; status?: number; bytes?: number; durationS?: number; ua?: string; server?: string }[], service = 'shop'): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: service }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'test', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (const q of requests) {
    const attributes: KeyValue[] = [
      { key: 'http.request.method', value: 'GET' },
      { key: 'url.path', value: q.path ?? '/api/items' },
      { key: 'http.response.status_code', value: BigInt(q.status ?? 200) },
      { key: 'http.response.body.size', value: BigInt(q.bytes ?? 100) },
    ];
    if (q.durationS !== undefined) attributes.push({ key: 'http.server.request.duration', value: q.durationS });
    if (q.ua) attributes.push({ key: 'user_agent.original', value: q.ua });
    if (q.server) attributes.push({ key: 'server.address', value: q.server });
    b.add(r, s, { timeUnixNano: BigInt(q.timeMs) * 1_000_000n, body: 'request', attributes });
  }
  return b.batch;
}

/** `perSecond` requests in each second of [fromMs, toMs). */
function steady(fromMs: number, toMs: number, perSecond: number) {
  const out: { timeMs: number }[] = [];
  for (let t = fromMs; t < toMs; t += 1000) for (let k = 0; k < perSecond; k++) out.push({ timeMs: t + Math.floor((k * 1000) / perSecond) });
  return out;
}

describe('HttpStatsProcessor', () => {
  it('passes every batch on unchanged and aggregates the requests in it', async () => {
    const h = await harness();
    const batch = httpBatch([
      { timeMs: T0 + 100, path: '/api/user/1', status: 200, bytes: 10, ua: 'curl/8.0', server: 'www.example.com' },
      { timeMs: T0 + 200, path: '/api/user/2', status: 503, bytes: 20, durationS: 0.25, server: 'www.example.com' },
      { timeMs: T0 + 300, path: '/', status: 404, server: 'api.example.com' },
    ]);
    const before = JSON.stringify(batch, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    await h.processor.consumeLogs(batch);
    expect(h.next.batches).toEqual([batch]);
    expect(h.next.batches[0]).toBe(batch);
    expect(JSON.stringify(batch, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
    await h.processor.flush();
    expect(h.rows.map((r) => [r.service, r.host, r.hits, r.bytes])).toEqual([
      ['shop', 'api.example.com', 1, 100],
      ['shop', 'www.example.com', 2, 30],
    ]);
    const www = h.rows[1];
    expect(www.sections).toEqual([{ key: '/api', hits: 2 }]);
    expect(www.statusClasses['5xx']).toBe(1);
    expect(www.latency.count).toBe(1);
    expect(www.latency.sumMs).toBe(250);
    expect(asRecord(www.browsers)).toEqual({ Library: 1, Unknown: 1 });
    expect(h.metrics.value('logfun_httpstats_requests_total')).toBe(3);
    await h.processor.shutdown();
  });

  it('counts a request once when the next stage refuses and the sender retries the batch', async () => {
    const h = await harness();
    h.next.failWith(new RetryableError('busy'), 2);
    const batch = httpBatch(steady(T0, T0 + 5000, 10));
    await expect(h.processor.consumeLogs(batch)).rejects.toThrow('busy');
    await expect(h.processor.consumeLogs(batch)).rejects.toThrow('busy');
    await h.processor.consumeLogs(batch);
    await h.processor.flush();
    expect(sumRows(h.rows).hits).toBe(50);
    expect(h.metrics.value('logfun_httpstats_requests_total')).toBe(50);
    await h.processor.shutdown();
  });

  it('reads access-log lines in string bodies, older attribute names, and skips other records (counted)', async () => {
    const h = await harness();
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'legacy' }, { key: 'host.name', value: 'web-1' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    b.add(r, s, { body: '10.0.0.1 - - [01/May/2024:10:00:01 +0000] "GET /shop/cart?id=3 HTTP/1.1" 200 512 "-" "curl/8.0"' });
    b.add(r, s, { body: '"10.0.0.2","-","-",1714557602,"POST /api/order HTTP/1.0",201,64' });
    b.add(r, s, {
      timeUnixNano: BigInt(T0 + 3000) * 1_000_000n,
      attributes: [
        { key: 'http.method', value: 'GET' },
        { key: 'http.target', value: '/old/style?x=1' },
        { key: 'http.status_code', value: 302 },
        { key: 'http.user_agent', value: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0' },
      ],
    });
    b.add(r, s, { body: 'just an application message' });
    b.add(r, s, { body: 'garbage', attributes: [{ key: 'log.parse.error', value: 'missing [date]' }] });
    await h.processor.consumeLogs(b.batch);
    await h.processor.flush();
    const total = sumRows(h.rows);
    expect(total.hits).toBe(3);
    expect(total.bytes).toBe(576);
    expect(asRecord(total.paths)).toEqual({ '/shop/cart': 1, '/api/order': 1, '/old/style': 1 });
    expect(asRecord(total.statusCodes)).toEqual({ '200': 1, '201': 1, '302': 1 });
    expect(h.rows.every((row) => row.service === 'legacy' && row.host === 'web-1')).toBe(true);
    expect(h.metrics.value('logfun_httpstats_records_skipped_total', { processor: 'httpstats', reason: 'not_http' })).toBe(1);
    expect(h.metrics.value('logfun_httpstats_records_skipped_total', { processor: 'httpstats', reason: 'unparsed' })).toBe(1);
    await h.processor.shutdown();
  });

  it('counts a generated access log exactly (bodies parsed by the processor) against an independent count', async () => {
    const h = await harness((c) => {
      c.top_paths = 1000;
      c.alerts.enabled = false;
    });
    const log = generateAccessLog(6000, T0 - 86_400_000, 200, 21);
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'gen' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (const line of log.lines) b.add(r, s, { body: line });
    await h.processor.consumeLogs(b.batch);
    await h.processor.flush();
    const expected = independentCount(log.lines);
    const total = sumRows(h.rows);
    expect(total.hits).toBe(expected.hits);
    expect(total.bytes).toBe(expected.bytes);
    expect(asRecord(total.statusCodes)).toEqual(expected.status);
    expect(asRecord(total.sections)).toEqual(expected.sections);
    expect(asRecord(total.paths)).toEqual(expected.paths);
    const perInterval = new Map<number, number>();
    for (const row of h.rows) perInterval.set(row.timeStartMs, (perInterval.get(row.timeStartMs) ?? 0) + row.hits);
    expect(perInterval).toEqual(expected.perInterval);
    await h.processor.shutdown();
  });

  it('closes live intervals by its clock (after lateness), even when requests stop', async () => {
    const h = await harness((c) => (c.lateness = '2s'));
    h.clock.now = T0 + 5_000;
    // The newest request (T0 + 4.5 s) is 0.5 s behind the clock: the processor's time runs 0.5 s behind it.
    await h.processor.consumeLogs(httpBatch(steady(T0, T0 + 5_000, 2)));
    expect(h.processor.eventTimeNow()).toBe(T0 + 4_500);
    expect(h.rows).toEqual([]);
    h.clock.now = T0 + 12_499;
    h.processor.tick();
    expect(h.rows).toEqual([]);
    h.clock.now = T0 + 12_500; // interval end (T0 + 10 s) + lateness (2 s) on the requests' time line
    h.processor.tick();
    expect(h.rows.map((r) => [r.timeStartMs, r.hits])).toEqual([[T0, 10]]);
    // A request for the closed interval arriving late: counted, as a further partial row.
    await h.processor.consumeLogs(httpBatch([{ timeMs: T0 + 9_000 }]));
    h.processor.tick();
    expect(h.rows.map((r) => [r.timeStartMs, r.hits])).toEqual([
      [T0, 10],
      [T0, 1],
    ]);
    expect(h.metrics.value('logfun_httpstats_late_requests_total')).toBe(1);
    await h.processor.shutdown();
  });

  it('raises and recovers a high-traffic alert at the simulated moment, live', async () => {
    const h = await harness((c) => {
      c.lateness = '1s';
      c.alerts.rate_threshold = 10;
      c.alerts.min_rate = 1e9; // spike rule out of the way
    });
    // Per simulated second: requests of that second arrive, the clock moves, the processor ticks.
    const rateAt = (sec: number) => (sec < 300 ? 5 : sec < 600 ? 20 : sec < 700 ? 5 : 0);
    for (let sec = 0; sec < 900; sec++) {
      h.clock.now = T0 + (sec + 1) * 1000;
      const n = rateAt(sec);
      if (n) await h.processor.consumeLogs(httpBatch(steady(T0 + sec * 1000, T0 + (sec + 1) * 1000, n)));
      h.processor.tick();
    }
    // Interval k covers [T0 + 10k s, T0 + 10(k+1) s); as in the alert unit test, the 2-minute average first
    // exceeds 10 req/s at the end of interval 34 and falls to 9 at the end of interval 68.
    expect(h.alerts.map((e) => [e.rule, e.state, (e.timeMs - T0) / 1000])).toEqual([
      ['high_traffic', 'alert', 350],
      ['high_traffic', 'recovery', 690],
    ]);
    expect(h.alerts[0].service).toBe('shop');
    expect(h.alerts[0].host).toBe('*');
    expect(h.metrics.value('logfun_httpstats_alerts_total', { processor: 'httpstats', rule: 'high_traffic', state: 'alert' })).toBe(1);
    expect(h.logger.messages.some((m) => m.level === 'warn' && m.msg.startsWith('High traffic generated an alert'))).toBe(true);
    await h.processor.shutdown();
  });

  it('a live shutdown in the middle of an interval writes it but judges no alert on it: none dated after the moment of shutdown', async () => {
    const h = await harness((c) => {
      c.lateness = '1s';
      c.alerts.rate_threshold = 10;
      c.alerts.rate_window = '10s'; // one interval: a partial one judged whole reads as a fall
      c.alerts.min_rate = 1e9; // spike rule out of the way
    });
    // 20 req/s for 5 minutes raises the alert; then 2.5 s more at the same rate, and Ctrl-C.
    for (let sec = 0; sec < 300; sec++) {
      h.clock.now = T0 + (sec + 1) * 1000;
      await h.processor.consumeLogs(httpBatch(steady(T0 + sec * 1000, T0 + (sec + 1) * 1000, 20)));
      h.processor.tick();
    }
    expect(h.alerts.map((e) => e.state)).toEqual(['alert']);
    h.clock.now = T0 + 302_500;
    await h.processor.consumeLogs(httpBatch(steady(T0 + 300_000, T0 + 302_500, 20))); // 60 requests at 300, 301, 302 s
    await h.processor.shutdown();
    // the last interval [300 s, 310 s) is written with its 60 requests, and nothing is decided after 302.5 s
    expect(h.rows.some((r) => r.timeStartMs === T0 + 300_000 && r.hits === 60)).toBe(true);
    expect(h.alerts.every((e) => e.timeMs <= h.clock.now)).toBe(true);
    expect(h.alerts.map((e) => e.state)).toEqual(['alert']);
  });

  it('replays an old log on the log\'s own time line: intervals close and alerts fire as the replay advances', async () => {
    const h = await harness((c) => {
      c.alerts.rate_threshold = 10;
      c.alerts.min_rate = 1e9;
    });
    const OLD = Date.UTC(2015, 9, 25, 4, 0, 0);
    h.clock.now = Date.UTC(2024, 0, 1);
    // 5 req/s for 5 minutes, 20 req/s for 5 minutes, replayed in a few large batches within one wall-clock instant.
    const requests = [...steady(OLD, OLD + 300_000, 5), ...steady(OLD + 300_000, OLD + 600_000, 20)];
    for (let i = 0; i < requests.length; i += 2000) await h.processor.consumeLogs(httpBatch(requests.slice(i, i + 2000)));
    expect(h.alerts.map((e) => [e.state, (e.timeMs - OLD) / 1000])).toEqual([['alert', 350]]);
    expect(h.rows.length).toBeGreaterThan(50);
    // The replay stopped: the processor's time goes on from the last request, at the clock's pace.
    h.clock.now += 200_000;
    h.processor.tick();
    expect(h.alerts.map((e) => [e.state, (e.timeMs - OLD) / 1000])).toEqual([
      ['alert', 350],
      ['recovery', 670],
    ]);
    await h.processor.shutdown();
  });

  it('groups alerts by service and host when asked', async () => {
    const h = await harness((c) => {
      c.alerts.group_by = 'service_host';
      c.alerts.rate_threshold = 1;
      c.alerts.min_rate = 1e9;
    });
    h.clock.now = T0 + 200_000;
    await h.processor.consumeLogs(httpBatch(steady(T0, T0 + 180_000, 2).map((q) => ({ ...q, server: 'a.example' }))));
    h.processor.tick();
    expect(h.alerts.map((e) => [e.service, e.host, e.state])).toEqual([['shop', 'a.example', 'alert']]);
    await h.processor.shutdown();
  });

  it('refuses to start without a store unless store is false, naming the fix', async () => {
    const metrics = new Metrics();
    const cfg = httpstatsProcessorFactory.createDefaultConfig();
    const p = httpstatsProcessorFactory.create({ id: 'httpstats', metrics, logger: createMemoryLogger() }, cfg, new RecordingConsumer());
    await expect(p.start(host(metrics))).rejects.toThrow(/no clickhouse exporter to store statistics in.*endpoint.*store: false/);
    await p.shutdown();
    const named = httpstatsProcessorFactory.create({ id: 'httpstats', metrics, logger: createMemoryLogger() }, { ...cfg, exporter: 'clickhouse/main' }, new RecordingConsumer());
    await expect(named.start(host(metrics))).rejects.toThrow(/no exporter "clickhouse\/main"/);
  });

  it('shuts down safely twice and before start, and refuses batches afterwards', async () => {
    const metrics = new Metrics();
    const cfg = { ...httpstatsProcessorFactory.createDefaultConfig(), store: false };
    const p = httpstatsProcessorFactory.create({ id: 'httpstats', metrics, logger: createMemoryLogger() }, cfg, new RecordingConsumer()) as HttpStatsProcessor;
    await p.shutdown();
    await p.shutdown();
    await expect(p.consumeLogs(httpBatch([{ timeMs: T0 }]))).rejects.toBeInstanceOf(RetryableError);
    const h = await harness();
    await h.processor.shutdown();
    await h.processor.shutdown();
  });
});
