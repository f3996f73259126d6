/**
 * Sends alert and recovery events to a webhook: one POST of a JSON object per
 * event, in order, with retries.
 *
 * Body: { kind: "logfun.httpstats.alert", text, rule, state, service, host, time,
 * since (ISO 8601), value, limit, baseline (req/s), hits, window_seconds,
 * collector_id } — `text` is the one-line message, so chat webhooks that show a
 * `text` field work unchanged.
 *
 * Delivery: a 2xx answer is success. Network errors, timeouts, 408, 429 and 5xx
 * are retried `retries` times, `retryIntervalMs` apart (doubling); other answers
 * are final. Every event ends counted as sent or failed; at most 1000 events
 * wait, beyond that the oldest is dropped and counted as failed.
 *
 * Metrics (label processor=<id>): logfun_httpstats_webhook_sent_total,
 * logfun_httpstats_webhook_failed_total{reason}, logfun_httpstats_webhook_retries_total.
 */
import type { DiagLogger } from '../../../collector/pipeline/component';
import type { Counter, Metrics } from '../../../collector/telemetry/metrics';
import type { AlertEvent } from '../alerts';

const MAX_QUEUED = 1000;

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  retryIntervalMs: number;
  headers: Record<string, string>;
  collectorId: string;
  processorId: string;
  metrics: Metrics;
  logger: DiagLogger;
}

export function webhookPayload(e: AlertEvent, collectorId: string): Record<string, unknown> {
  return {
    kind: 'logfun.httpstats.alert',
    text: e.message,
    rule: e.rule,
    state: e.state,
    service: e.service,
    host: e.host,
    time: new Date(e.timeMs).toISOString(),
    since: new Date(e.sinceMs).toISOString(),
    value: e.value,
    limit: e.limit,
    baseline: e.baseline,
    hits: e.hits,
    window_seconds: Math.round(e.windowMs / 1000),
    collector_id: collectorId,
  };
}

export class WebhookNotifier {
  private readonly queue: AlertEvent[] = [];
  private running: Promise<void> | undefined;
  private readonly labels: { processor: string };
  private readonly sent: Counter;
  private readonly failed: Counter;
  private readonly retried: Counter;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly options: WebhookOptions) {
    this.labels = { processor: options.processorId };
    this.sent = options.metrics.counter('logfun_httpstats_webhook_sent_total', 'Alert events delivered to the webhook.');
    this.failed = options.metrics.counter('logfun_httpstats_webhook_failed_total', 'Alert events the webhook did not accept after every retry, by reason.');
    this.retried = options.metrics.counter('logfun_httpstats_webhook_retries_total', 'Webhook requests retried.');
  }

  send(event: AlertEvent): void {
    if (this.closed) {
      this.failed.inc({ ...this.labels, reason: 'shutdown' });
      return;
    }
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.shift();
      this.failed.inc({ ...this.labels, reason: 'queue_full' });
    }
    this.queue.push(event);
    if (!this.running) this.running = this.run().finally(() => (this.running = undefined));
  }

  /** Waits until every queued event is delivered or failed, at most timeoutMs; then gives up on the rest. */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.running, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      if (timer) clearTimeout(timer);
    }
    this.abort.abort();
    if (this.queue.length) this.failed.inc({ ...this.labels, reason: 'shutdown' }, this.queue.length);
    this.queue.length = 0;
    await this.running;
  }

  private async run(): Promise<void> {
    while (this.queue.length && !this.abort.signal.aborted) {
      const event = this.queue[0];
      const outcome = await this.deliver(event);
      if (this.queue[0] === event) this.queue.shift();
      if (outcome === 'aborted') return;
      if (outcome === 'sent') this.sent.inc(this.labels);
      else this.failed.inc({ ...this.labels, reason: outcome });
    }
  }

  private async deliver(event: AlertEvent): Promise<'sent' | 'rejected' | 'unreachable' | 'aborted'> {
    const o = this.options;
    const body = JSON.stringify(webhookPayload(event, o.collectorId));
    let delay = o.retryIntervalMs;
    for (let attempt = 0; ; attempt++) {
      let retryable: boolean;
      let problem: string;
      try {
        const res = await fetch(o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...o.headers },
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(o.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return 'sent';
        retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        problem = `HTTP ${res.status}`;
      } catch (err) {
        if (this.abort.signal.aborted) return 'aborted';
        retryable = true;
        problem = (err as Error).message;
      }
      if (!retryable || attempt >= o.retries) {
        o.logger.warn('httpstats webhook did not accept an alert event', { processor: o.processorId, url: o.url, error: problem, attempts: attempt + 1 });
        return retryable ? 'unreachable' : 'rejected';
      }
      this.retried.inc(this.labels);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.abort.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      if (this.abort.signal.aborted) return 'aborted';
      delay = Math.min(delay * 2, 60_000);
    }
  }
}
