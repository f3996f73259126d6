/**
 * Alert events to a webhook (a real HTTP server on an ephemeral port): POST of
 * JSON, retried on 5xx and network errors, final on other 4xx, every event
 * counted as sent or failed.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { HttpStatsProcessor, httpstatsProcessorFactory } from '../../processors/httpstats/factory';
import { WebhookNotifier } from '../../processors/httpstats/sinks/webhook';
import type { AlertEvent } from '../../processors/httpstats/alerts';
import { RecordingConsumer } from '../kit/recording-consumer';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

class HookServer {
  readonly received: Received[] = [];
  /** Status codes to answer with, in order; 200 once exhausted. */
  answers: number[] = [];
  private server: http.Server | undefined;
  port = 0;

  async listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: JSON.parse(data) });
        res.statusCode = this.answers.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/alerts`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const T0 = Date.UTC(2024, 8, 1, 0, 0, 0);

function event(over: Partial<AlertEvent> = {}): AlertEvent {
  return {
    rule: 'high_traffic',
    state: 'alert',
    service: 'shop',
    host: '*',
    timeMs: T0 + 350_000,
    sinceMs: T0 + 350_000,
    value: 11.25,
    limit: 10,
    baseline: 10,
    hits: 1350,
    windowMs: 120_000,
    message: 'High traffic generated an alert',
    ...over,
  };
}

function notifier(url: string, metrics: Metrics, retries = 3) {
  return new WebhookNotifier({
    url,
    timeoutMs: 2000,
    retries,
    retryIntervalMs: 20,
    headers: { authorization: 'Bearer s3cret' },
    collectorId: 'edge-1',
    processorId: 'httpstats',
    metrics,
    logger: createMemoryLogger(),
  });
}

describe('httpstats webhook', () => {
  let hook: HookServer;
  beforeEach(async () => {
    hook = new HookServer();
    await hook.listen();
  });
  afterEach(() => hook.close());

  it('POSTs each event as JSON with the configured headers, retrying 5xx answers', async () => {
    const metrics = new Metrics();
    const n = notifier(hook.url, metrics);
    hook.answers = [503, 500];
    n.send(event());
    n.send(event({ state: 'recovery', timeMs: T0 + 690_000, value: 8.75, message: 'High traffic recovered' }));
    await n.close(5000);
    expect(hook.received).toHaveLength(4);
    expect(hook.received[0].headers['content-type']).toBe('application/json');
    expect(hook.received[0].headers.authorization).toBe('Bearer s3cret');
    expect(hook.received[2].body).toEqual({
      kind: 'logfun.httpstats.alert',
      text: 'High traffic generated an alert',
      rule: 'high_traffic',
      state: 'alert',
      service: 'shop',
      host: '*',
      time: new Date(T0 + 350_000).toISOString(),
      since: new Date(T0 + 350_000).toISOString(),
      value: 11.25,
      limit: 10,
      baseline: 10,
      hits: 1350,
      window_seconds: 120,
      collector_id: 'edge-1',
    });
    expect(hook.received[3].body.state).toBe('recovery');
    expect(metrics.value('logfun_httpstats_webhook_sent_total')).toBe(2);
    expect(metrics.value('logfun_httpstats_webhook_retries_total')).toBe(2);
    expect(metrics.value('logfun_httpstats_webhook_failed_total')).toBe(0);
  });

  it('does not retry a 4xx rejection and counts it; counts an unreachable hook after its retries', async () => {
    const metrics = new Metrics();
    const n = notifier(hook.url, metrics);
    hook.answers = [400];
    n.send(event());
    await n.close(5000);
    expect(hook.received).toHaveLength(1);
    expect(metrics.value('logfun_httpstats_webhook_failed_total', { processor: 'httpstats', reason: 'rejected' })).toBe(1);

    const port = hook.port;
    await hook.close();
    const gone = notifier(`http://127.0.0.1:${port}/hooks/alerts`, metrics, 2);
    gone.send(event());
    await gone.close(5000);
    expect(metrics.value('logfun_httpstats_webhook_failed_total', { processor: 'httpstats', reason: 'unreachable' })).toBe(1);
    expect(metrics.value('logfun_httpstats_webhook_retries_total')).toBe(2);
  });

  it('receives the processor\'s alert and recovery, raised on simulated time', async () => {
    const metrics = new Metrics();
    const cfg = { ...httpstatsProcessorFactory.createDefaultConfig(), store: false, lateness: '0s' };
    cfg.alerts = { ...cfg.alerts, rate_threshold: 5, min_rate: 1e9, webhook: { ...cfg.alerts.webhook, url: hook.url, retry_interval: '10ms' } };
    const clock = { now: T0 };
    const p = new HttpStatsProcessor({ id: 'httpstats', metrics, logger: createMemoryLogger() }, cfg, new RecordingConsumer(), { clock: () => clock.now, tickMs: 0 });
    await p.start({ metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() });
    const batchOf = (fromMs: number, count: number): LogBatch => {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: [{ key: 'service.name', value: 'shop' }], droppedAttributesCount: 0, schemaUrl: '' });
      const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      for (let i = 0; i < count; i++) {
        b.add(r, s, { timeUnixNano: BigInt(fromMs + Math.floor((i * 10_000) / count)) * 1_000_000n, attributes: [{ key: 'http.response.status_code', value: 200n }] });
      }
      return b.batch;
    };
    // 10 req/s for 3 minutes, then nothing for 3 minutes.
    for (let k = 0; k < 36; k++) {
      clock.now = T0 + (k + 1) * 10_000;
      if (k < 18) await p.consumeLogs(batchOf(T0 + k * 10_000, 100));
      p.tick();
    }
    await p.shutdown();
    expect(hook.received.map((r) => [r.body.state, r.body.time])).toEqual([
      // 2-minute average > 5 req/s after 7 intervals at 10 req/s (700/120 = 5.83); <= 4.5 after 18 + 7 (500/120 = 4.17).
      ['alert', new Date(T0 + 70_000).toISOString()],
      ['recovery', new Date(T0 + 250_000).toISOString()],
    ]);
    expect(metrics.value('logfun_httpstats_webhook_sent_total')).toBe(2);
  });
});
