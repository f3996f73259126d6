/**
 * Writes log_suppression rows (collector/storage/suppression-store.ts) off the data
 * path.
 *
 * add() only queues. One loop inserts what is queued at most every
 * flush_interval (decisions are rare; a burst of them becomes one insert).
 * Failures are retried with exponential backoff up to retry_max_interval, for ever
 * (rows are small and few); a retry re-sends the same rows with the same EventIds,
 * which the table collapses, so an ambiguous failure never doubles a row. Rows the
 * server rejects as data errors are dropped and counted. At most max_pending_rows
 * wait; beyond, the oldest are dropped and counted. shutdown() writes what is
 * queued within shutdown_timeout and counts the rest.
 *
 * With createSchema, start() creates the table at once, in the background (as the
 * exporter creates otel_logs), so `log_suppression` exists before the first
 * suppression; a store that is down at start never delays the start: the
 * creation is retried with the same backoff until it works or the writer stops,
 * and a write creates it anyway before its first insert.
 *
 * Metrics (label processor=<id>): logfun_spam_suppression_rows_written_total,
 * logfun_spam_suppression_rows_failed_total{reason}, logfun_spam_suppression_write_retries_total.
 */
import type { DiagLogger } from '../../collector/pipeline/component';
import type { Counter, Metrics } from '../../collector/telemetry/metrics';
import { classifyClickHouseError, errorMessage } from '../../collector/storage/clickhouse-errors';
import type { SuppressionRow, SuppressionStore } from '../../collector/storage/suppression-store';
import { WakeableSleep } from '../../collector/pipeline/wakeable-sleep';

const MAX_ROWS_PER_WRITE = 5000;
const RETRY_INITIAL_MS = 250;
const WARN_INTERVAL_MS = 30_000;

export interface SuppressionWriterOptions {
  processorId: string;
  /** The store to write to; undefined while none is available (retried). */
  getStore(): Promise<SuppressionStore | undefined>;
  createSchema: boolean;
  flushIntervalMs: number;
  retryMaxIntervalMs: number;
  maxPendingRows: number;
  shutdownTimeoutMs: number;
  metrics: Metrics;
  logger: DiagLogger;
  /** Called with rows once they are written, or rejected for good (never written). */
  onSettled?(rows: readonly SuppressionRow[]): void;
}

export class SuppressionWriter {
  private queue: SuppressionRow[] = [];
  private inFlight: SuppressionRow[] = [];
  private loop: Promise<void> | undefined;
  /** The loop's wait for its next flush or retry; anything that gives it work wakes it. */
  private readonly idle = new WakeableSleep();
  private lastWriteAt = 0;
  private attempts = 0;
  private flushWaiters: (() => void)[] = [];
  private closing = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private schemaReadyFor: SuppressionStore | undefined;
  /** The start-time schema creation's wait between attempts (woken by shutdown). */
  private readonly schemaRetry = new WakeableSleep();
  private lastWarnAt = 0;
  private readonly labels: { processor: string };
  private readonly written: Counter;
  private readonly failed: Counter;
  private readonly retries: Counter;

  constructor(private readonly o: SuppressionWriterOptions) {
    this.labels = { processor: o.processorId };
    this.written = o.metrics.counter('logfun_spam_suppression_rows_written_total', 'log_suppression rows the spam processor wrote.');
    this.failed = o.metrics.counter('logfun_spam_suppression_rows_failed_total', 'log_suppression rows the spam processor could not write, by reason.');
    this.retries = o.metrics.counter('logfun_spam_suppression_write_retries_total', 'log_suppression writes retried after a failure.');
  }

  get pending(): number {
    return this.queue.length + this.inFlight.length;
  }

  add(rows: readonly SuppressionRow[]): void {
    if (rows.length === 0) return;
    if (this.closing) {
      this.failed.inc({ ...this.labels, reason: 'shutdown' }, rows.length);
      return;
    }
    for (const r of rows) this.queue.push(r);
    const over = this.queue.length + this.inFlight.length - this.o.maxPendingRows;
    if (over > 0) {
      const dropped = Math.min(over, this.queue.length);
      this.queue.splice(0, dropped);
      this.failed.inc({ ...this.labels, reason: 'queue_full' }, dropped);
      this.warn('log_suppression write queue is full; dropping the oldest rows', { dropped });
    }
    if (!this.loop) this.loop = this.run();
    else if (this.inFlight.length === 0) this.idle.wake();
  }

  /** Writes everything queued now; resolves when nothing is pending (or the writer stopped). */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => {
      this.flushWaiters.push(resolve);
      this.lastWriteAt = 0;
      this.idle.wake();
    });
  }

  /** Creates the table now when createSchema (in the background: never waits for the store; see the header). */
  start(): void {
    if (!this.o.createSchema) return;
    void (async () => {
      for (let attempt = 1; !this.closing && this.schemaReadyFor === undefined; attempt++) {
        try {
          const store = await this.o.getStore();
          if (!store) throw new Error('no ClickHouse store available yet');
          await store.createSchema();
          this.schemaReadyFor ??= store;
          return;
        } catch (err) {
          if (this.closing) return;
          this.warn('log_suppression table not created yet; retrying', { error: errorMessage(err), attempts: attempt });
          await this.schemaRetry.sleep(Math.min(this.o.retryMaxIntervalMs, RETRY_INITIAL_MS * Math.pow(2, attempt - 1)));
        }
      }
    })();
  }

  async shutdown(): Promise<void> {
    if (this.closing) {
      await this.loop;
      return;
    }
    this.closing = true;
    this.schemaRetry.wake();
    if (this.loop) {
      this.lastWriteAt = 0;
      this.idle.wake();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.loop, new Promise<void>((r) => (timer = setTimeout(r, this.o.shutdownTimeoutMs)))]);
      if (timer) clearTimeout(timer);
    }
    this.stopped = true;
    this.abort.abort();
    this.idle.wake();
    await this.loop;
    const left = this.pending;
    if (left > 0) {
      this.failed.inc({ ...this.labels, reason: 'shutdown' }, left);
      this.o.logger.warn('spam processor shut down with log_suppression rows unwritten', { processor: this.o.processorId, rows: left });
    }
    this.queue = [];
    this.inFlight = [];
    for (const w of this.flushWaiters.splice(0)) w();
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopped) return;
    await this.idle.sleep(ms);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.inFlight.length === 0) {
        if (this.queue.length === 0) {
          for (const w of this.flushWaiters.splice(0)) w();
          if (this.closing) break;
          await this.sleep(3_600_000);
          continue;
        }
        const wait = this.lastWriteAt + this.o.flushIntervalMs - Date.now();
        if (wait > 0 && !this.closing && this.flushWaiters.length === 0) {
          await this.sleep(wait);
          continue;
        }
        this.inFlight = this.queue.splice(0, MAX_ROWS_PER_WRITE);
        this.attempts = 0;
      }
      try {
        await this.write(this.inFlight);
        this.written.inc(this.labels, this.inFlight.length);
        this.o.onSettled?.(this.inFlight);
        this.inFlight = [];
        this.lastWriteAt = Date.now();
      } catch (err) {
        if (this.stopped) break;
        const f = classifyClickHouseError(err);
        if (f.kind === 'permanent') {
          this.failed.inc({ ...this.labels, reason: 'rejected' }, this.inFlight.length);
          this.o.logger.error('ClickHouse rejected log_suppression rows; they are dropped', { processor: this.o.processorId, error: f.message });
          this.o.onSettled?.(this.inFlight);
          this.inFlight = [];
          continue;
        }
        this.schemaReadyFor = undefined;
        this.attempts++;
        this.retries.inc(this.labels);
        this.warn('log_suppression write failed; retrying', { error: errorMessage(err), attempts: this.attempts });
        await this.sleep(Math.min(this.o.retryMaxIntervalMs, RETRY_INITIAL_MS * Math.pow(2, this.attempts - 1)));
      }
    }
    this.loop = undefined;
  }

  private async write(rows: SuppressionRow[]): Promise<void> {
    const store = await this.o.getStore();
    if (!store) throw new Error('no ClickHouse store available yet');
    if (this.schemaReadyFor !== store) {
      if (this.o.createSchema) await store.createSchema();
      this.schemaReadyFor = store;
    }
    await store.insert(rows, this.abort.signal);
  }

  private warn(msg: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) return;
    this.lastWarnAt = now;
    this.o.logger.warn(msg, { processor: this.o.processorId, ...fields });
  }
}
