/**
 * The httpstats processor: a tap. Every batch goes on to the next consumer
 * unchanged; the HTTP requests in it (records with HTTP semantic-convention
 * attributes, or access-log lines in the body — see record-reader.ts) are
 * aggregated per interval, service and host (aggregator.ts), closed intervals
 * are written to ClickHouse (sinks/clickhouse-writer.ts, tables in
 * collector/storage/httpstats-store.ts), and traffic alerts (alerts.ts) go to
 * the http_alerts table, the optional webhook, the diagnostic log and listeners.
 *
 * Counting exactly once: requests are read from a batch before it is passed on
 * (the next stage owns it afterwards) but added to the aggregates only once the
 * next stage accepted it — a refused batch is sent again by its sender and must
 * not count twice.
 *
 * Time: requests are aggregated by their own time. The processor's notion of
 * "now" is the wall clock shifted by how far behind it the requests are (about 0
 * for live traffic; years for a replayed file; it only ever moves forward), so a
 * replay closes intervals as it advances and live traffic closes them as the
 * clock passes, even when requests stop. Old requests fed to a processor that
 * has seen live traffic still count (as late partial rows) but do not alert. An interval closes `lateness` after it ended; requests arriving
 * later still count, as a further partial row of that interval. The clock is
 * injected (options.clock) so tests run on simulated time.
 *
 * Store: the `endpoint` of its own if configured, else the store of the named
 * (or first) clickhouse exporter; `store: false` keeps everything in process
 * (the console mode).
 */
import type { LogBatch } from '../../collector/pipeline/batch';
import { templateAttributesNeeded, type CreateSettings, type Host, type LogsConsumer, type Processor } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import type { Counter } from '../../collector/telemetry/metrics';
import { errorMessage } from '../../collector/storage/clickhouse-errors';
import { HttpStatsStore } from '../../collector/storage/httpstats-store';
import { HttpStatsAggregator, newHttpSample, type HttpSample, type IntervalStatsRow } from './aggregator';
import { TrafficAlerts, type ActiveAlertView, type AlertEvent, type TrafficAlertOptions } from './alerts';
import { resolveHttpStatsConfig, type HttpStatsProcessorConfig, type ResolvedHttpStatsConfig } from './config';
import { HttpRecordReader } from './record-reader';
import { HttpStatsWriter } from './sinks/clickhouse-writer';
import { WebhookNotifier } from './sinks/webhook';
import { storeProviderFor, type StoreProvider } from '../../collector/storage/store-provider';

export interface HttpStatsListener {
  /** Intervals this processor closed (partial aggregates), in time order. */
  onIntervals?(rows: readonly IntervalStatsRow[]): void;
  onAlert?(event: AlertEvent): void;
}

export interface HttpStatsProcessorOptions {
  /** Wall clock in epoch ms (default Date.now); tests pass simulated time. */
  clock?: () => number;
  listeners?: HttpStatsListener[];
  /** How often intervals are closed by the clock (default 1000 ms); 0 = only on batches and tick(). */
  tickMs?: number;
}

/** Requests read from one batch, applied once the next stage accepted it. */
class StagedRequests {
  n = 0;
  readonly timeMs: number[] = [];
  readonly service: string[] = [];
  readonly host: string[] = [];
  readonly path: string[] = [];
  readonly status: number[] = [];
  readonly bytes: number[] = [];
  readonly durationMs: number[] = [];
  readonly userAgent: string[] = [];
  readonly client: string[] = [];

  push(s: HttpSample): void {
    this.timeMs.push(s.timeMs);
    this.service.push(s.service);
    this.host.push(s.host);
    this.path.push(s.path);
    this.status.push(s.status);
    this.bytes.push(s.bytes);
    this.durationMs.push(s.durationMs);
    this.userAgent.push(s.userAgent);
    this.client.push(s.client);
    this.n++;
  }
}

export class HttpStatsProcessor implements Processor {
  readonly config: ResolvedHttpStatsConfig;
  private readonly aggregator: HttpStatsAggregator;
  private readonly reader: HttpRecordReader;
  private readonly alerts: TrafficAlerts | undefined;
  private readonly clock: () => number;
  private readonly tickMs: number;
  private readonly listeners: HttpStatsListener[];
  private readonly sample = newHttpSample();

  private writer: HttpStatsWriter | undefined;
  private webhook: WebhookNotifier | undefined;
  private storeProvider: StoreProvider<HttpStatsStore> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private shutdownPromise: Promise<void> | undefined;

  /**
   * How far the requests' time line is behind the clock: (request time − clock) of the first request,
   * then raised (never lowered) by newer ones, capped at 0 — so the processor's time never runs
   * backwards and a request from the future does not push it ahead. Undefined before the first request.
   */
  private offsetMs: number | undefined;
  /** Intervals ending at or before this were closed. */
  private closedThroughMs = -Infinity;

  private readonly labels: { processor: string };
  private readonly requests: Counter;
  private readonly skipped: Counter;
  private readonly timesReplaced: Counter;
  private readonly late: Counter;
  private readonly truncatedNames: Counter;
  private readonly intervals: Counter;
  private readonly alertsCounter: Counter;

  constructor(
    private readonly settings: CreateSettings,
    config: HttpStatsProcessorConfig,
    private readonly next: LogsConsumer,
    options: HttpStatsProcessorOptions = {},
  ) {
    const errors: string[] = [];
    this.config = resolveHttpStatsConfig(config, errors);
    if (errors.length) throw new Error(`invalid httpstats processor config: ${errors.join('; ')}`);
    const c = this.config;
    this.clock = options.clock ?? Date.now;
    this.tickMs = options.tickMs ?? 1000;
    this.listeners = [...(options.listeners ?? [])];
    this.aggregator = new HttpStatsAggregator({
      intervalMs: c.intervalMs,
      topPaths: c.topPaths,
      topSections: c.topSections,
      maxDistinctPaths: c.maxDistinctPaths,
      maxOpenRows: c.maxOpenRows,
    });
    this.reader = new HttpRecordReader(c.parseBody);
    if (c.alerts.enabled) {
      this.alerts = new TrafficAlerts(trafficAlertOptionsOf(c));
    }
    this.labels = { processor: settings.id };
    const m = settings.metrics;
    this.requests = m.counter('logfun_httpstats_requests_total', 'HTTP requests aggregated by the httpstats processor.');
    this.skipped = m.counter('logfun_httpstats_records_skipped_total', 'Records the httpstats processor passed on without counting, by reason (not_http, unparsed, state_limit: past max_open_rows).');
    this.timesReplaced = m.counter(
      'logfun_httpstats_times_replaced_total',
      'Request times (an access-log date in a Body, or the record time) refused for aggregation: past what the tables hold or more than a day ahead; the record time or the clock was used.',
    );
    this.truncatedNames = m.counter(
      'logfun_httpstats_truncated_names_total',
      'Service, host or path names longer than 512 characters, counted under their first 511 characters and an ellipsis.',
    );
    this.late = m.counter('logfun_httpstats_late_requests_total', 'Requests that arrived after their interval was closed (written as a further partial row).');
    this.intervals = m.counter('logfun_httpstats_intervals_total', 'Interval rows (per service and host) closed by the httpstats processor.');
    this.alertsCounter = m.counter('logfun_httpstats_alerts_total', 'Traffic alert and recovery events, by rule and state.');
  }

  addListener(listener: HttpStatsListener): void {
    this.listeners.push(listener);
  }

  /** Alerts raised and not yet recovered. */
  activeAlerts(): ActiveAlertView[] {
    return this.alerts?.activeAlerts() ?? [];
  }

  /** The store aggregates are written to, once one is available. */
  async getStatsStore(): Promise<HttpStatsStore | undefined> {
    return this.storeProvider?.get();
  }

  async start(host: Host): Promise<void> {
    if (this.state !== 'new') return;
    const c = this.config;
    if (c.store) {
      this.storeProvider = this.resolveStore(host);
      // An embedded store either opens now or never (e.g. another chDB folder is open in this process).
      if (c.endpoint.startsWith('chdb://')) {
        try {
          await this.storeProvider.get();
        } catch (err) {
          throw new Error(`httpstats ${this.settings.id}: cannot open ${c.endpoint}: ${errorMessage(err)}`);
        }
      }
      this.writer = new HttpStatsWriter({
        processorId: this.settings.id,
        getStore: () => this.storeProvider!.get(),
        createSchema: c.createSchema,
        rawTtlSeconds: c.rawTtlSeconds,
        collectorId: c.collectorId,
        flushIntervalMs: c.flushIntervalMs,
        retryMaxIntervalMs: c.retryMaxIntervalMs,
        maxElapsedMs: c.maxElapsedMs,
        maxPendingRows: c.maxPendingRows,
        shutdownTimeoutMs: c.shutdownTimeoutMs,
        metrics: this.settings.metrics,
        logger: this.settings.logger,
      });
    }
    if (c.alerts.enabled && c.alerts.webhook.url) {
      this.webhook = new WebhookNotifier({
        ...c.alerts.webhook,
        collectorId: c.collectorId,
        processorId: this.settings.id,
        metrics: this.settings.metrics,
        logger: this.settings.logger,
      });
    }
    this.state = 'running';
    if (this.tickMs > 0) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  private resolveStore(host: Host): StoreProvider<HttpStatsStore> {
    return storeProviderFor(this.config, host, `httpstats ${this.settings.id}`, 'to store statistics in', (store, database) => new HttpStatsStore(store, database));
  }

  /** Reads no template attributes itself: as the consumers after it. */
  templateAttributesNeeded(): boolean {
    return templateAttributesNeeded(this.next);
  }

  async consumeLogs(batch: LogBatch): Promise<void> {
    if (this.state === 'stopped') throw new RetryableError(`httpstats processor ${this.settings.id} is shut down`);
    const staged = this.stage(batch);
    await this.next.consumeLogs(batch);
    if (staged.n > 0) {
      this.apply(staged);
      // A batch accepted while shutting down still counts (its rows then go the writer's shutdown accounting).
      if (this.shutdownPromise) this.closeEverything(this.eventTimeNow());
      else this.tick();
    }
  }

  private stage(batch: LogBatch): StagedRequests {
    const staged = new StagedRequests();
    const now = this.clock();
    const s = this.sample;
    let notHttp = 0;
    let unparsed = 0;
    for (let i = 0; i < batch.length; i++) {
      const outcome = this.reader.read(batch, i, now, s);
      if (outcome === 'http') staged.push(s);
      else if (outcome === 'not_http') notHttp++;
      else unparsed++;
    }
    this.reader.forget();
    if (this.reader.replacedTimes > 0) {
      this.timesReplaced.inc(this.labels, this.reader.replacedTimes);
      this.reader.replacedTimes = 0;
    }
    if (notHttp) this.skipped.inc({ ...this.labels, reason: 'not_http' }, notHttp);
    if (unparsed) this.skipped.inc({ ...this.labels, reason: 'unparsed' }, unparsed);
    return staged;
  }

  private apply(st: StagedRequests): void {
    const now = this.clock();
    const s = this.sample;
    const intervalMs = this.config.intervalMs;
    let late = 0;
    let refused = 0;
    const truncatedBefore = this.aggregator.truncatedNames;
    for (let i = 0; i < st.n; i++) {
      const t = st.timeMs[i];
      s.timeMs = t;
      s.service = st.service[i];
      s.host = st.host[i];
      s.path = st.path[i];
      s.status = st.status[i];
      s.bytes = st.bytes[i];
      s.durationMs = st.durationMs[i];
      s.userAgent = st.userAgent[i];
      s.client = st.client[i];
      if (!this.aggregator.add(s)) {
        refused++;
        continue;
      }
      const behind = t < now ? t - now : 0;
      if (this.offsetMs === undefined || behind > this.offsetMs) this.offsetMs = behind;
      if (t - (((t % intervalMs) + intervalMs) % intervalMs) + intervalMs <= this.closedThroughMs) late++;
    }
    this.requests.inc(this.labels, st.n - refused);
    if (refused) this.skipped.inc({ ...this.labels, reason: 'state_limit' }, refused);
    if (late) this.late.inc(this.labels, late);
    if (this.aggregator.truncatedNames > truncatedBefore) this.truncatedNames.inc(this.labels, this.aggregator.truncatedNames - truncatedBefore);
  }

  /** The processor's current time: the clock shifted to the requests' time line (see the header). */
  eventTimeNow(): number {
    return this.clock() + (this.offsetMs ?? 0);
  }

  /** Closes the intervals the clock has passed (plus lateness) and evaluates alerts up to there. */
  tick(): void {
    if (this.state === 'stopped') return;
    const watermark = this.eventTimeNow() - this.config.latenessMs;
    this.closeAndDispatch(this.aggregator.closeUntil(watermark), watermark);
  }

  /**
   * Closes every open interval, evaluates alerts through the end of the last one
   * and writes everything (for tests and one-shot runs: the final intervals may
   * be partial).
   */
  async flush(): Promise<void> {
    this.closeEverything();
    await this.writer?.flush();
  }

  /**
   * Closes every open interval and writes it. Alerts are evaluated through the end of the last
   * interval, or only through `alertsThroughMs` when given: a live shutdown passes the processor's
   * time, so an interval still open is written (partial) but never judged as if it were whole (its
   * few requests over the full interval read as a fall) nor an alert dated after the moment it is decided.
   */
  private closeEverything(alertsThroughMs?: number): void {
    const rows = this.aggregator.closeAll();
    let end = this.eventTimeNow() - this.config.latenessMs;
    for (const r of rows) end = Math.max(end, r.timeStartMs + r.intervalMs);
    this.closeAndDispatch(rows, end, alertsThroughMs === undefined ? end : Math.min(end, alertsThroughMs));
  }

  /** Closes `rows` through `watermarkMs`, evaluates alerts through `alertsThroughMs` and dispatches both. */
  private closeAndDispatch(rows: IntervalStatsRow[], watermarkMs: number, alertsThroughMs = watermarkMs): void {
    const intervalMs = this.config.intervalMs;
    const closedThrough = Math.floor(watermarkMs / intervalMs) * intervalMs;
    if (closedThrough > this.closedThroughMs) this.closedThroughMs = closedThrough;
    if (rows.length) {
      this.intervals.inc(this.labels, rows.length);
      if (this.alerts) {
        const g = this.config.alerts.groupBy;
        for (const r of rows) this.alerts.record(g === 'all' ? '*' : r.service, g === 'service_host' ? r.host : '*', r.timeStartMs, r.hits);
      }
      for (const l of this.listeners) this.safely(() => l.onIntervals?.(rows));
    }
    const events = this.alerts ? this.alerts.advance(alertsThroughMs) : [];
    for (const e of events) this.dispatchAlert(e);
    if (rows.length || events.length) this.writer?.add(rows, events);
  }

  private dispatchAlert(e: AlertEvent): void {
    this.alertsCounter.inc({ ...this.labels, rule: e.rule, state: e.state });
    const fields = { processor: this.settings.id, rule: e.rule, service: e.service, host: e.host, value: e.value, limit: e.limit };
    if (e.state === 'alert') this.settings.logger.warn(e.message, fields);
    else this.settings.logger.info(e.message, fields);
    for (const l of this.listeners) this.safely(() => l.onAlert?.(e));
    this.webhook?.send(e);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.settings.logger.error('httpstats listener failed', { processor: this.settings.id, error: errorMessage(err) });
    }
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    const wasRunning = this.state === 'running';
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (wasRunning) this.closeEverything(this.eventTimeNow());
    this.state = 'stopped';
    await this.writer?.shutdown();
    await this.webhook?.close(this.config.alerts.webhook.timeoutMs);
    await this.storeProvider?.close();
  }
}

/** The alert engine's options of a resolved processor config (the demo's alert test evaluates its config with them too). */
export function trafficAlertOptionsOf(c: ResolvedHttpStatsConfig): TrafficAlertOptions {
  return {
    intervalMs: c.intervalMs,
    spike: { enabled: true, shortWindowMs: c.alerts.shortWindowMs, longWindowMs: c.alerts.longWindowMs, ratio: c.alerts.ratio, minRate: c.alerts.minRate },
    rate: { enabled: c.alerts.rateThreshold > 0, windowMs: c.alerts.rateWindowMs, threshold: c.alerts.rateThreshold },
    recoveryRatio: c.alerts.recoveryRatio,
  };
}
