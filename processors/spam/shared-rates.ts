/**
 * The exchange of spam rates between collectors through the shared store
 * (shared_rates; table spam_rates, collector/storage/spam-rates-store.ts). No
 * cluster of our own: ClickHouse is the shared state, as for templates and rules.
 *
 * Every shared_rates.interval, one tick:
 *   1. take: this collector's counts not handed out yet (balancer.takeShareRows)
 *      are queued for writing on the shared delivery loop
 *      (collector/delivery/delivery.ts; taken even while the store is down, so a
 *      write covers what was counted; at most MAX_QUEUED_ROWS wait, beyond, the
 *      oldest are dropped and counted dropped{reason="queue_full"});
 *   2. write: the loop inserts what is queued as one write with a random WriteId,
 *      oldest first; the tick waits for it at most one interval. A write that failed
 *      for a transient reason is retried with backoff (at once at the next tick,
 *      at most an interval later) with the same WriteId and rows (readers skip
 *      WriteIds they have seen, so an ambiguous failure never counts twice); a
 *      write the server rejects as data (a permanent error: it would fail the same
 *      way for ever and hold every later write behind it) is dropped, counted
 *      (dropped{reason="rejected"}) and logged;
 *   3. read: rows inserted in the last `lookback` seconds by the server's clock;
 *      those of WriteIds not seen yet (this collector's own writes are seen when
 *      written) go to the balancer (balancer.applyPeerRows), each once (a write
 *      stored twice by a retry and read at once is applied once);
 *   4. now and then, on servers without TTL, partitions older than the retention
 *      are dropped.
 * Failures are logged (at most every 30 s), counted and retried; detection goes on
 * with what arrived (a collector cut off from the store judges its own share only,
 * as without sharing). Shutdown makes a last exchange and gives the writes one
 * interval; rows still unwritten then are counted dropped{reason="shutdown"}.
 *
 * Metrics (label processor=<id>): logfun_spam_shared_rows_written_total,
 * logfun_spam_shared_rows_read_total, logfun_spam_shared_rows_dropped_total{reason},
 * logfun_spam_shared_errors_total{op}, logfun_spam_shared_write_retries_total.
 */
import type { DiagLogger } from '../../collector/pipeline/component';
import type { Counter, Metrics } from '../../collector/telemetry/metrics';
import { errorMessage } from '../../collector/storage/clickhouse-errors';
import { newWriteId, type SpamRateRow, type SpamRatesStore, type StoredSpamRateRow } from '../../collector/storage/spam-rates-store';
import { Delivery, type DeliveryBatch } from '../../collector/delivery/delivery';

const MAX_QUEUED_ROWS = 200_000;
/** Rows in one insert at most (a tick's rows are usually one write). */
const MAX_ROWS_PER_WRITE = 50_000;
const RETRY_INITIAL_MS = 250;
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

/** One write: its rows and the WriteId fixed when it was formed (kept across retries). */
interface RatesWrite extends DeliveryBatch<SpamRateRow> {
  writeId: bigint;
}

export class SharedRatesExchange {
  private readonly delivery: Delivery<SpamRateRow, RatesWrite>;
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
    this.delivery = new Delivery<SpamRateRow, RatesWrite>({
      what: 'spam: shared rates',
      labels: this.labels,
      metrics: {
        sent: this.m.written,
        failed: this.m.dropped,
        retries: mt.counter('logfun_spam_shared_write_retries_total', 'spam_rates writes retried after a failure.'),
      },
      logger: o.logger,
      makeBatch: (items) => ({ items, writeId: newWriteId() }),
      send: (w, signal) => this.write(w, signal),
      maxQueueItems: MAX_QUEUED_ROWS,
      maxBatchItems: MAX_ROWS_PER_WRITE,
      flushIntervalMs: 0,
      // A retry never waits longer than the next tick would.
      retry: { initialMs: RETRY_INITIAL_MS, maxMs: Math.max(RETRY_INITIAL_MS, o.intervalMs), multiplier: 2, randomization: 0.5, maxElapsedMs: 0 },
      shutdownTimeoutMs: o.intervalMs,
    });
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
    return this.delivery.pending;
  }

  private async exchange(): Promise<void> {
    this.delivery.add(this.o.take());
    // The writes first (at most an interval), so this collector's counts are out before it reads.
    await this.delivery.flush(this.o.intervalMs);
    let store: SpamRatesStore | undefined;
    try {
      store = await this.o.getStore();
      if (!store || this.stopped) return;
      await this.ensureSchema(store);
    } catch (err) {
      this.fail('schema', err);
      return;
    }
    const now = Date.now();
    const forgetAt = this.forgetAt(now);
    try {
      const read = await store.recent(this.lookbackSeconds);
      const fresh: StoredSpamRateRow[] = [];
      // A write holds one row per (key, bucket); the same row twice in one read is a write
      // stored twice (a retry after a lost answer), applied once.
      const copies = new Set<string>();
      for (const r of read) {
        if (this.seen.has(r.writeId)) continue;
        const id = `${r.writeId}\u0000${r.service}\u0000${r.kind}\u0000${r.templateId}\u0000${r.function}\u0000${r.bucketStartMs}\u0000${r.bucketMs}`;
        if (copies.has(id)) continue;
        copies.add(id);
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

  /** When a WriteId seen now may be forgotten: once no read can return it any more. */
  private forgetAt(now: number): number {
    return now + (this.lookbackSeconds * 2 + 60) * 1000;
  }

  private async ensureSchema(store: SpamRatesStore): Promise<void> {
    if (this.schemaReadyFor === store) return;
    if (this.o.createSchema) await store.createSchema();
    this.schemaReadyFor = store;
  }

  /** The delivery loop's send: one write, counted in errors{op} when it fails (the loop retries or drops it). */
  private async write(w: RatesWrite, signal: AbortSignal): Promise<void> {
    let op = 'schema';
    try {
      const store = await this.o.getStore();
      if (!store) throw new Error('no ClickHouse store available yet');
      await this.ensureSchema(store);
      op = 'write';
      // Seen before the insert: a read racing it must not take this collector's own rows.
      this.seen.set(w.writeId, this.forgetAt(Date.now()));
      await store.insert(w.writeId, this.o.collectorId, w.items, signal);
    } catch (err) {
      this.m.errors.inc({ ...this.labels, op });
      throw err;
    }
  }

  private fail(op: string, err: unknown): void {
    this.m.errors.inc({ ...this.labels, op });
    const now = Date.now();
    if (now - this.lastWarnMs < WARN_INTERVAL_MS) return;
    this.lastWarnMs = now;
    this.o.logger.warn(`spam: shared rates ${op} failed; retrying (this collector judges its own share meanwhile)`, { processor: this.o.processorId, error: errorMessage(err) });
  }

  /** Stops the timer; one last exchange writes what was counted, within an interval (the rest is counted). */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    await this.running?.catch(() => undefined);
    await this.tick().catch(() => undefined);
    this.stopped = true;
    await this.delivery.shutdown();
  }
}
