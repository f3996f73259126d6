/**
 * The exchange of spam rates between collectors through the shared store
 * (shared_rates; table spam_rates, collector/storage/spam-rates-store.ts). No
 * cluster of our own: ClickHouse is the shared state, as for templates and rules.
 *
 * Every shared_rates.interval, one tick:
 *   1. take: this collector's counts not handed out yet (balancer.takeShareRows)
 *      become one write with a random WriteId, queued (taken even while the store
 *      is down, so a write covers what was counted; at most MAX_QUEUED_ROWS wait,
 *      beyond, the oldest writes are dropped and counted);
 *   2. write: queued writes are inserted oldest first; a write that failed for a
 *      transient reason is retried at the next tick with the same WriteId (readers
 *      skip WriteIds they have seen, so an ambiguous failure never counts twice); a
 *      write the server rejects as data (a permanent error: it would fail the same
 *      way for ever and hold every later write behind it) is dropped, counted
 *      (dropped{reason="rejected"}) and logged;
 *   3. read: rows inserted in the last `lookback` seconds by the server's clock;
 *      those of WriteIds not seen yet (this collector's own writes are seen when
 *      written) go to the balancer (balancer.applyPeerRows), each once;
 *   4. now and then, on servers without TTL, partitions older than the retention
 *      are dropped.
 * Failures are logged (at most every 30 s), counted and retried at the next tick;
 * detection goes on with what arrived (a collector cut off from the store judges
 * its own share only, as without sharing).
 *
 * Metrics (label processor=<id>): logfun_spam_shared_rows_written_total,
 * logfun_spam_shared_rows_read_total, logfun_spam_shared_rows_dropped_total{reason},
 * logfun_spam_shared_errors_total{op}.
 */
import type { DiagLogger } from '../../collector/pipeline/component';
import type { Counter, Metrics } from '../../collector/telemetry/metrics';
import { classifyClickHouseError, errorMessage } from '../../collector/storage/clickhouse-errors';
import { newWriteId, type SpamRateRow, type SpamRatesStore, type StoredSpamRateRow } from '../../collector/storage/spam-rates-store';

const MAX_QUEUED_ROWS = 200_000;
const WARN_INTERVAL_MS = 30_000;
const PRUNE_INTERVAL_MS = 10 * 60_000;

export interface SharedRatesOptions {
  processorId: string;
  collectorId: string;
  intervalMs: number;
  /** The store (undefined while none is available). */
  getStore(): Promise<SpamRatesStore | undefined>;
  createSchema: boolean;
  /** This collector's counts to write. */
  take(): SpamRateRow[];
  /** The other collectors' counts (each row once). */
  apply(rows: StoredSpamRateRow[]): void;
  /** Run ticks on a timer (default true); false = only tick() calls (tests with a simulated clock). */
  timer?: boolean;
  metrics: Metrics;
  logger: DiagLogger;
}

interface QueuedWrite {
  writeId: bigint;
  rows: SpamRateRow[];
}

export class SharedRatesExchange {
  private queue: QueuedWrite[] = [];
  private queuedRows = 0;
  /** WriteId -> when it may be forgotten (Date.now ms). */
  private readonly seen = new Map<bigint, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private schemaReadyFor: SpamRatesStore | undefined;
  private lastPruneMs = 0;
  private lastWarnMs = 0;
  private stopped = false;
  /** Seconds of inserts each read looks back over (the server's clock, whole seconds). */
  readonly lookbackSeconds: number;
  private readonly labels: { processor: string };
  private readonly m: { written: Counter; read: Counter; dropped: Counter; errors: Counter };

  constructor(private readonly o: SharedRatesOptions) {
    this.lookbackSeconds = Math.max(5, Math.ceil((3 * o.intervalMs) / 1000) + 2);
    this.labels = { processor: o.processorId };
    const mt = o.metrics;
    this.m = {
      written: mt.counter('logfun_spam_shared_rows_written_total', 'spam_rates rows this collector wrote (its per-key bucket counts).'),
      read: mt.counter('logfun_spam_shared_rows_read_total', "spam_rates rows of other collectors this collector applied."),
      dropped: mt.counter('logfun_spam_shared_rows_dropped_total', 'spam_rates rows not written (queue_full, rejected) or other collectors\' counts not used (late, bucket_width, ahead).'),
      errors: mt.counter('logfun_spam_shared_errors_total', 'Failed spam_rates operations (retried), by op (schema, write, read, prune).'),
    };
  }

  start(): void {
    if (this.o.timer === false || this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  /** One exchange (take, write, read); concurrent calls share the running one. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.running) {
      this.running = this.exchange().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Rows the balancer ignored, added to the dropped counter (the balancer counts; this reports). */
  noteIgnored(reason: string, n: number): void {
    if (n > 0) this.m.dropped.inc({ ...this.labels, reason }, n);
  }

  get pendingRows(): number {
    return this.queuedRows;
  }

  private async exchange(): Promise<void> {
    const rows = this.o.take();
    if (rows.length > 0) {
      const writeId = newWriteId();
      this.queue.push({ writeId, rows });
      this.queuedRows += rows.length;
      while (this.queuedRows > MAX_QUEUED_ROWS && this.queue.length > 1) {
        const old = this.queue.shift()!;
        this.queuedRows -= old.rows.length;
        this.m.dropped.inc({ ...this.labels, reason: 'queue_full' }, old.rows.length);
      }
    }
    let store: SpamRatesStore | undefined;
    try {
      store = await this.o.getStore();
    } catch (err) {
      this.fail('schema', err);
      return;
    }
    if (!store || this.stopped) return;
    if (this.schemaReadyFor !== store) {
      try {
        if (this.o.createSchema) await store.createSchema();
        this.schemaReadyFor = store;
      } catch (err) {
        this.fail('schema', err);
        return;
      }
    }
    const now = Date.now();
    const forgetAt = now + (this.lookbackSeconds * 2 + 60) * 1000;
    while (this.queue.length > 0 && !this.stopped) {
      const w = this.queue[0];
      try {
        // Seen before the insert: a read racing it must not take this collector's own rows.
        this.seen.set(w.writeId, forgetAt);
        await store.insert(w.writeId, this.o.collectorId, w.rows);
      } catch (err) {
        const failure = classifyClickHouseError(err);
        if (failure.kind === 'permanent') {
          this.queue.shift();
          this.queuedRows -= w.rows.length;
          this.m.dropped.inc({ ...this.labels, reason: 'rejected' }, w.rows.length);
          this.m.errors.inc({ ...this.labels, op: 'write' });
          this.o.logger.error('spam: ClickHouse rejected a shared rates write; dropped', { processor: this.o.processorId, rows: w.rows.length, error: failure.message });
          continue;
        }
        this.fail('write', err);
        break;
      }
      this.queue.shift();
      this.queuedRows -= w.rows.length;
      this.m.written.inc(this.labels, w.rows.length);
    }
    if (this.stopped) return;
    try {
      const read = await store.recent(this.lookbackSeconds);
      const fresh: StoredSpamRateRow[] = [];
      for (const r of read) {
        if (this.seen.has(r.writeId)) continue;
        fresh.push(r);
      }
      // Marked after the loop: one write's rows all arrive in one read (one INSERT is atomic).
      for (const r of fresh) this.seen.set(r.writeId, forgetAt);
      if (fresh.length > 0 && !this.stopped) {
        this.o.apply(fresh);
        this.m.read.inc(this.labels, fresh.length);
      }
    } catch (err) {
      this.fail('read', err);
    }
    for (const [id, until] of this.seen) if (until < now) this.seen.delete(id);
    if (now - this.lastPruneMs >= PRUNE_INTERVAL_MS && !this.stopped) {
      this.lastPruneMs = now;
      try {
        await store.prune(now);
      } catch (err) {
        this.fail('prune', err);
      }
    }
  }

  private fail(op: string, err: unknown): void {
    this.m.errors.inc({ ...this.labels, op });
    const now = Date.now();
    if (now - this.lastWarnMs < WARN_INTERVAL_MS) return;
    this.lastWarnMs = now;
    this.o.logger.warn(`spam: shared rates ${op} failed; retrying (this collector judges its own share meanwhile)`, { processor: this.o.processorId, error: errorMessage(err) });
  }

  /** Stops the timer; one last exchange writes what was counted (best effort). */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    await this.running?.catch(() => undefined);
    await this.tick().catch(() => undefined);
    this.stopped = true;
  }
}
