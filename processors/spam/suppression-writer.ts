/**
 * Writes log_suppression rows (collector/storage/suppression-store.ts) off the data
 * path, through the shared delivery loop (collector/delivery/delivery.ts).
 *
 * add() only queues. The loop inserts what is queued at most every
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
import type { Metrics } from '../../collector/telemetry/metrics';
import { errorMessage } from '../../collector/storage/clickhouse-errors';
import type { SuppressionRow, SuppressionStore } from '../../collector/storage/suppression-store';
import { WakeableSleep } from '../../collector/pipeline/wakeable-sleep';
import { Delivery, retryDelay, type RetryPolicy } from '../../collector/delivery/delivery';

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
  private readonly delivery: Delivery<SuppressionRow>;
  private readonly retry: RetryPolicy;
  private closing = false;
  private schemaReadyFor: SuppressionStore | undefined;
  /** The start-time schema creation's wait between attempts (woken by shutdown). */
  private readonly schemaRetry = new WakeableSleep();
  private lastWarnAt = 0;

  constructor(private readonly o: SuppressionWriterOptions) {
    const m = o.metrics;
    this.retry = { initialMs: RETRY_INITIAL_MS, maxMs: o.retryMaxIntervalMs, multiplier: 2, randomization: 0.5, maxElapsedMs: 0 };
    this.delivery = new Delivery<SuppressionRow>({
      what: 'log_suppression',
      labels: { processor: o.processorId },
      metrics: {
        sent: m.counter('logfun_spam_suppression_rows_written_total', 'log_suppression rows the spam processor wrote.'),
        failed: m.counter('logfun_spam_suppression_rows_failed_total', 'log_suppression rows the spam processor could not write, by reason.'),
        retries: m.counter('logfun_spam_suppression_write_retries_total', 'log_suppression writes retried after a failure.'),
      },
      logger: o.logger,
      send: (batch, signal) => this.write(batch.items, signal),
      maxQueueItems: o.maxPendingRows,
      maxBatchItems: MAX_ROWS_PER_WRITE,
      flushIntervalMs: o.flushIntervalMs,
      retry: this.retry,
      shutdownTimeoutMs: o.shutdownTimeoutMs,
      onSettled: (batch) => o.onSettled?.(batch.items),
    });
  }

  get pending(): number {
    return this.delivery.pending;
  }

  add(rows: readonly SuppressionRow[]): void {
    this.delivery.add(rows);
  }

  /** Writes everything queued now; resolves when nothing is pending (or the writer stopped). */
  flush(): Promise<void> {
    return this.delivery.flush();
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
          this.warnSchema(err, attempt);
          await this.schemaRetry.sleep(retryDelay(this.retry, attempt));
        }
      }
    })();
  }

  async shutdown(): Promise<void> {
    this.closing = true;
    this.schemaRetry.wake();
    await this.delivery.shutdown();
  }

  private async write(rows: readonly SuppressionRow[], signal: AbortSignal): Promise<void> {
    const store = await this.o.getStore();
    if (!store) throw new Error('no ClickHouse store available yet');
    try {
      if (this.schemaReadyFor !== store) {
        if (this.o.createSchema) await store.createSchema();
        this.schemaReadyFor = store;
      }
      await store.insert(rows, signal);
    } catch (err) {
      // The table may have gone with the server: create it again before the retry.
      this.schemaReadyFor = undefined;
      throw err;
    }
  }

  private warnSchema(err: unknown, attempts: number): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) return;
    this.lastWarnAt = now;
    this.o.logger.warn('log_suppression table not created yet; retrying', { processor: this.o.processorId, error: errorMessage(err), attempts });
  }
}
