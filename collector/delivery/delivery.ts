/**
 * One delivery loop for the collector's small writers (log_suppression, httpstats
 * and spam_rates rows): queue -> batch -> send -> retry with backoff, split the
 * way the OpenTelemetry Collector's exporterhelper splits it, in one small class.
 *
 *   queue   add() only queues, in memory, never waits. At most maxQueueItems wait
 *           (not counting the batch being sent); beyond, the OLDEST are dropped
 *           and counted dropped{reason="queue_full"} (the writers here prefer
 *           fresh rows to old ones). After shutdown() began, add() counts the
 *           items dropped{reason="shutdown"}.
 *   batch   One loop takes up to maxBatchItems items (and, with sizeOf, up to
 *           maxBatchBytes; always at least one) into a batch. A batch is taken at
 *           most every flushIntervalMs after the previous send ended (a burst
 *           becomes one send; the first item after a quiet time goes at once), or
 *           at once when a full batch is queued, flush() is waiting or shutdown()
 *           began. makeBatch() builds the unit once: a retry re-sends the SAME
 *           object (the same items, the same ids the writer put in it), so a
 *           writer whose rows carry an id the table collapses gets exactly-once.
 *   send    send(batch, signal) writes it. One batch at a time, in order.
 *   retry   By the collector's one retry loop, sendWithRetry (retry.ts): a failure
 *           is classified (classify; default: PermanentError or
 *           classifyClickHouseError). Permanent: the batch is dropped, counted
 *           failed{reason="rejected"} and logged as an error. Retryable: counted
 *           in retries, logged (a warning at most every warnIntervalMs), and the
 *           batch is re-sent after retryDelay(retry, attempt) (exponential with
 *           jitter, never over retry.maxMs) — for ever, or until retry.maxElapsedMs
 *           (> 0) passed since its first attempt: then failed{reason="timeout"}.
 *           Later items wait behind it.
 *   stop    shutdown() sends what is queued within shutdownTimeoutMs, then aborts
 *           the send in flight (its signal) and counts every item left
 *           failed{reason="shutdown"}.
 *
 * Metrics carry the writer's label set (`labels`); the writer passes its own
 * counters, so each keeps its metric names (failed and dropped may be the same
 * counter). Nothing is counted twice: every item added ends in exactly one of
 * sent, failed{rejected|timeout|shutdown} or dropped{queue_full|shutdown}.
 */
import type { DiagLogger } from '../pipeline/component';
import type { Counter, Labels } from '../telemetry/metrics';
import { WakeableSleep } from '../pipeline/wakeable-sleep';
import { errorMessage } from '../storage/clickhouse-errors';
import { drainThenStop } from './drain';
import { sendWithRetry, type FailureKind, type RetryLoop, type RetryPolicy } from './retry';
import { RateLimitedWarnings } from './warnings';

export { PermanentError, classifyDeliveryError, retryDelay, type FailureKind, type RetryPolicy } from './retry';

/** What a batch carries; makeBatch() may return a richer object (ids, progress) that retries keep. */
export interface DeliveryBatch<T> {
  readonly items: readonly T[];
}

/** How a batch left the loop (shutdown and queue_full leftovers are not batches: never reported). */
export type BatchOutcome = 'sent' | 'rejected' | 'timeout';

export interface DeliveryMetrics {
  /** Items sent (omit when send() counts them itself, e.g. per table). */
  sent?: Counter;
  /** Items accepted but never sent, by reason: rejected, timeout, shutdown. */
  failed: Counter;
  /** Items refused or evicted by the queue, by reason: queue_full, shutdown. Default: `failed`. */
  dropped?: Counter;
  /** Failed attempts that were retried. */
  retries: Counter;
  /** Gauge of items queued or being sent. */
  queueSize?: Counter;
}

export interface DeliveryOptions<T, B extends DeliveryBatch<T>> {
  /** Names the writer in log messages ("<what> write failed; retrying"). */
  what: string;
  /** Labels of every metric series, and fields of every log line. */
  labels: Labels;
  metrics: DeliveryMetrics;
  logger: DiagLogger;
  /** Builds the unit sent from the items taken, once; retries re-send the same object. Default { items }. */
  makeBatch?(items: T[]): B;
  /** Writes a batch; throws to fail (classified by `classify`). */
  send(batch: B, signal: AbortSignal): Promise<void>;
  /** Default classifyDeliveryError. */
  classify?(err: unknown): FailureKind;
  maxQueueItems: number;
  maxBatchItems: number;
  /** With sizeOf: a batch stops before exceeding this many bytes (it always takes one item). */
  maxBatchBytes?: number;
  sizeOf?(item: T): number;
  flushIntervalMs: number;
  retry: RetryPolicy;
  shutdownTimeoutMs: number;
  /** Called when a batch leaves the loop (sent, or given up for good). */
  onSettled?(batch: B, outcome: BatchOutcome): void;
  /** Retry and queue-full warnings at most this often (default 30 s). */
  warnIntervalMs?: number;
}

const IDLE_MS = 3_600_000;

export class Delivery<T, B extends DeliveryBatch<T> = DeliveryBatch<T>> {
  private queue: T[] = [];
  /** The batch being sent (and retried). */
  private current: B | undefined;
  private loop: Promise<void> | undefined;
  /** The loop's wait for its next batch or retry; anything that gives it work wakes it. */
  private readonly idle = new WakeableSleep();
  private lastSendAt = 0;
  private flushWaiters: (() => void)[] = [];
  private closing = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly warnings: RateLimitedWarnings;
  private readonly retryLoop: RetryLoop;
  private readonly dropped: Counter;

  constructor(private readonly o: DeliveryOptions<T, B>) {
    this.dropped = o.metrics.dropped ?? o.metrics.failed;
    this.warnings = new RateLimitedWarnings(o.logger, o.labels, o.warnIntervalMs);
    this.retryLoop = {
      retry: o.retry,
      labels: o.labels,
      retries: o.metrics.retries,
      warnings: this.warnings,
      retryMessage: `${o.what} write failed; retrying`,
      classify: o.classify,
      stopped: () => this.stopped,
      sleep: (ms) => this.sleep(ms),
    };
    o.metrics.queueSize?.set(o.labels, 0);
  }

  /** Items queued or being sent. */
  get pending(): number {
    return this.queue.length + (this.current ? this.current.items.length : 0);
  }

  /** Queues items (never waits); see the header for the bound. */
  add(items: readonly T[]): void {
    if (items.length === 0) return;
    if (this.closing) {
      this.dropped.inc({ ...this.o.labels, reason: 'shutdown' }, items.length);
      return;
    }
    for (const it of items) this.queue.push(it);
    const over = this.queue.length - this.o.maxQueueItems;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped.inc({ ...this.o.labels, reason: 'queue_full' }, over);
      this.warnings.warn('queue_full', `${this.o.what} write queue is full; dropping the oldest rows`, { dropped: over });
    }
    this.updateGauge();
    if (!this.loop) this.loop = this.run();
    // A batch being retried keeps its backoff; new items wait behind it.
    else if (!this.current) this.idle.wake();
  }

  /**
   * Sends everything queued now (not waiting for the interval; a batch in backoff is
   * retried at once); resolves when nothing is pending or the loop stopped, or after
   * `timeoutMs` when > 0 (the sending goes on; nothing is counted).
   */
  async flush(timeoutMs = 0): Promise<void> {
    if (this.pending === 0 || !this.loop) return;
    let timer: NodeJS.Timeout | undefined;
    let waiter: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      waiter = resolve;
      this.flushWaiters.push(resolve);
      if (timeoutMs > 0) timer = setTimeout(resolve, timeoutMs);
      this.idle.wake();
    });
    if (timer) clearTimeout(timer);
    // Timed out: no longer waiting, so no longer hurrying the loop.
    this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter);
  }

  /** Sends what is queued within shutdownTimeoutMs, then counts the rest failed{shutdown}. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.closing) {
      await this.loop;
      return;
    }
    this.closing = true;
    await drainThenStop(this.loop, {
      timeoutMs: this.o.shutdownTimeoutMs,
      wake: () => this.idle.wake(),
      stop: () => {
        this.stopped = true;
        this.abort.abort();
        this.idle.wake();
      },
    });
    const left = this.pending;
    if (left > 0) {
      this.o.metrics.failed.inc({ ...this.o.labels, reason: 'shutdown' }, left);
      this.o.logger.warn(`${this.o.what} shut down with rows unwritten`, { ...this.o.labels, rows: left });
    }
    this.queue = [];
    this.current = undefined;
    this.updateGauge();
    for (const w of this.flushWaiters.splice(0)) w();
  }

  private async sleep(ms: number): Promise<void> {
    if (!this.stopped) await this.idle.sleep(ms);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.current) {
        if (this.queue.length === 0) {
          for (const w of this.flushWaiters.splice(0)) w();
          if (this.closing) break;
          await this.sleep(IDLE_MS);
          continue;
        }
        const wait = this.lastSendAt + this.o.flushIntervalMs - Date.now();
        if (wait > 0 && !this.closing && this.flushWaiters.length === 0 && this.queue.length < this.o.maxBatchItems) {
          await this.sleep(wait);
          continue;
        }
        this.current = this.makeBatch(this.take());
      }
      const batch = this.current;
      const result = await sendWithRetry(this.retryLoop, () => this.o.send(batch, this.abort.signal));
      // Stopped: shutdown counts the batch's items with the rest.
      if (result.outcome === 'stopped') break;
      this.current = undefined;
      if (result.outcome === 'sent') {
        this.lastSendAt = Date.now();
        this.o.metrics.sent?.inc(this.o.labels, batch.items.length);
        this.o.onSettled?.(batch, 'sent');
      } else if (result.outcome === 'permanent') {
        this.giveUp(batch, 'rejected', `${this.o.what} rows rejected; they are dropped`, result.error);
      } else {
        this.giveUp(batch, 'timeout', `${this.o.what} write given up after its maximum elapsed time`, result.error);
      }
      this.updateGauge();
    }
    this.loop = undefined;
  }

  private makeBatch(items: T[]): B {
    return this.o.makeBatch ? this.o.makeBatch(items) : ({ items } as DeliveryBatch<T> as B);
  }

  /** The next batch's items: oldest first, bounded by count and (with sizeOf) bytes. */
  private take(): T[] {
    const { maxBatchItems, maxBatchBytes, sizeOf } = this.o;
    let n = Math.min(this.queue.length, maxBatchItems);
    if (sizeOf && maxBatchBytes !== undefined) {
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        bytes += sizeOf(this.queue[i]);
        if (bytes > maxBatchBytes && i > 0) {
          n = i;
          break;
        }
      }
    }
    return this.queue.splice(0, n);
  }

  private giveUp(batch: B, reason: 'rejected' | 'timeout', msg: string, err: unknown): void {
    this.o.metrics.failed.inc({ ...this.o.labels, reason }, batch.items.length);
    this.o.logger.error(msg, { ...this.o.labels, rows: batch.items.length, error: errorMessage(err) });
    this.o.onSettled?.(batch, reason);
  }

  private updateGauge(): void {
    this.o.metrics.queueSize?.set(this.o.labels, this.pending);
  }
}
