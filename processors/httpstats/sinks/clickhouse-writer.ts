/**
 * Writes closed intervals and alert events to the httpstats tables.
 *
 * add() only queues. One loop takes everything queued (at most every
 * flush_interval, so a busy collector makes a few large inserts a second, not
 * one per interval) into a write with a random FlushId and inserts it into
 * http_stats, http_stats_keys and http_alerts. Failures are retried with
 * exponential backoff up to retry_max_interval, for ever unless max_elapsed is
 * set; a write whose outcome is unknown (lost response) first asks the table
 * whether its FlushId is there, so a retry never counts requests twice. Data
 * the server rejects is dropped and counted (retrying it would fail forever).
 *
 * At most max_pending_rows rows wait; beyond, the oldest are dropped and
 * counted. shutdown() writes what is queued within shutdown_timeout and counts
 * the rest as failed.
 *
 * Metrics (label processor=<id>): logfun_httpstats_rows_written_total{table},
 * logfun_httpstats_rows_failed_total{reason}, logfun_httpstats_write_retries_total,
 * logfun_httpstats_pending_rows (gauge).
 */
import type { DiagLogger } from '../../../collector/pipeline/component';
import type { Counter, Metrics } from '../../../collector/telemetry/metrics';
import { classifyClickHouseError, errorMessage } from '../../../collector/storage/clickhouse-errors';
import { newFlushId, type HttpStatsStore } from '../../../collector/storage/httpstats-store';
import type { IntervalStatsRow } from '../aggregator';
import type { AlertEvent } from '../alerts';
import { WakeableSleep } from '../../../collector/pipeline/wakeable-sleep';

/** Rows taken into one write at most. */
const MAX_ROWS_PER_WRITE = 5000;
const RETRY_INITIAL_MS = 250;
const WARN_INTERVAL_MS = 30_000;

export interface HttpStatsWriterOptions {
  processorId: string;
  /** The store to write to; undefined while none is available (retried). */
  getStore(): Promise<HttpStatsStore | undefined>;
  createSchema: boolean;
  rawTtlSeconds: number;
  collectorId: string;
  flushIntervalMs: number;
  retryMaxIntervalMs: number;
  /** 0 = retry for ever. */
  maxElapsedMs: number;
  maxPendingRows: number;
  shutdownTimeoutMs: number;
  metrics: Metrics;
  logger: DiagLogger;
}

type Part = 'raw' | 'keys' | 'alerts';

interface WriteUnit {
  flushId: bigint;
  rows: IntervalStatsRow[];
  alerts: AlertEvent[];
  fromMs: number;
  toMs: number;
  done: Record<Part, boolean>;
  /** An attempt of this part failed with an unknown outcome: check before resending. */
  uncertain: Record<Part, boolean>;
  firstAttemptAt: number;
  attempts: number;
}

class PermanentWriteError extends Error {}

export class HttpStatsWriter {
  private rows: IntervalStatsRow[] = [];
  private alerts: AlertEvent[] = [];
  private unit: WriteUnit | undefined;
  private loop: Promise<void> | undefined;
  /** The loop's wait for its next flush or retry; anything that gives it work wakes it. */
  private readonly idle = new WakeableSleep();
  private lastWriteAt = 0;
  private flushWaiters: (() => void)[] = [];
  private flushRequested = 0;
  private closing = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private schemaReadyFor: HttpStatsStore | undefined;
  private lastWarnAt = 0;

  private readonly labels: { processor: string };
  private readonly written: Counter;
  private readonly failed: Counter;
  private readonly retries: Counter;
  private readonly pendingGauge: Counter;

  constructor(private readonly o: HttpStatsWriterOptions) {
    this.labels = { processor: o.processorId };
    this.written = o.metrics.counter('logfun_httpstats_rows_written_total', 'Rows the httpstats processor wrote, by table.');
    this.failed = o.metrics.counter('logfun_httpstats_rows_failed_total', 'Interval rows and alert events the httpstats processor could not write, by reason.');
    this.retries = o.metrics.counter('logfun_httpstats_write_retries_total', 'httpstats writes retried after a failure.');
    this.pendingGauge = o.metrics.gauge('logfun_httpstats_pending_rows', 'Interval rows and alert events waiting to be written.');
    this.pendingGauge.set(this.labels, 0);
  }

  /** Rows and events queued or being written. */
  get pending(): number {
    return this.rows.length + this.alerts.length + (this.unit ? this.unit.rows.length + this.unit.alerts.length : 0);
  }

  add(rows: readonly IntervalStatsRow[], alerts: readonly AlertEvent[] = []): void {
    if (this.closing) {
      if (rows.length + alerts.length) this.failed.inc({ ...this.labels, reason: 'shutdown' }, rows.length + alerts.length);
      return;
    }
    for (const r of rows) this.rows.push(r);
    for (const a of alerts) this.alerts.push(a);
    const over = this.rows.length - this.o.maxPendingRows;
    if (over > 0) {
      this.rows.splice(0, over);
      this.failed.inc({ ...this.labels, reason: 'queue_full' }, over);
      this.warn('httpstats write queue is full; dropping the oldest interval rows', { dropped: over });
    }
    this.pendingGauge.set(this.labels, this.pending);
    if (!this.loop) this.loop = this.run();
    // A write being retried keeps its backoff; new rows wait for it.
    if (!this.unit) this.idle.wake();
  }

  /** Writes everything queued now (not waiting for flush_interval); resolves when nothing is pending. */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    this.flushRequested++;
    try {
      await new Promise<void>((resolve) => {
        this.flushWaiters.push(resolve);
        this.idle.wake();
      });
    } finally {
      this.flushRequested--;
    }
  }

  async shutdown(): Promise<void> {
    if (this.closing) {
      await this.loop;
      return;
    }
    this.closing = true;
    if (this.loop) {
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
      this.o.logger.warn('httpstats shut down with statistics unwritten', { processor: this.o.processorId, rows: left });
    }
    this.rows = [];
    this.alerts = [];
    this.unit = undefined;
    this.pendingGauge.set(this.labels, 0);
    for (const w of this.flushWaiters.splice(0)) w();
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopped) return;
    await this.idle.sleep(ms);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.unit) {
        if (this.rows.length === 0 && this.alerts.length === 0) {
          for (const w of this.flushWaiters.splice(0)) w();
          if (this.closing) break;
          await this.sleep(3_600_000);
          continue;
        }
        const wait = this.lastWriteAt + this.o.flushIntervalMs - Date.now();
        if (wait > 0 && !this.closing && this.flushRequested === 0) {
          await this.sleep(wait);
          continue;
        }
        this.unit = this.takeUnit();
      }
      const unit = this.unit;
      try {
        await this.write(unit);
        this.unit = undefined;
        this.lastWriteAt = Date.now();
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof PermanentWriteError) {
          this.unit = undefined;
          this.failed.inc({ ...this.labels, reason: 'rejected' }, unit.rows.length + unit.alerts.length);
          this.o.logger.error('ClickHouse rejected httpstats rows; they are dropped', { processor: this.o.processorId, error: err.message });
          continue;
        }
        unit.attempts++;
        if (this.o.maxElapsedMs > 0 && Date.now() - unit.firstAttemptAt >= this.o.maxElapsedMs) {
          this.unit = undefined;
          this.failed.inc({ ...this.labels, reason: 'timeout' }, unit.rows.length + unit.alerts.length);
          this.o.logger.error('httpstats write given up after write.max_elapsed', { processor: this.o.processorId, error: errorMessage(err) });
          continue;
        }
        this.retries.inc(this.labels);
        this.warn('httpstats write failed; retrying', { error: errorMessage(err), attempts: unit.attempts });
        await this.sleep(Math.min(this.o.retryMaxIntervalMs, RETRY_INITIAL_MS * Math.pow(2, unit.attempts - 1)));
      } finally {
        this.pendingGauge.set(this.labels, this.pending);
      }
    }
    this.loop = undefined;
  }

  private takeUnit(): WriteUnit {
    const rows = this.rows.splice(0, MAX_ROWS_PER_WRITE);
    const alerts = this.alerts.splice(0, MAX_ROWS_PER_WRITE);
    let fromMs = Infinity;
    let toMs = -Infinity;
    for (const r of rows) {
      fromMs = Math.min(fromMs, r.timeStartMs);
      toMs = Math.max(toMs, r.timeStartMs);
    }
    for (const a of alerts) {
      fromMs = Math.min(fromMs, a.timeMs);
      toMs = Math.max(toMs, a.timeMs);
    }
    return {
      flushId: newFlushId(),
      rows,
      alerts,
      fromMs,
      toMs,
      done: { raw: rows.length === 0, keys: rows.length === 0, alerts: alerts.length === 0 },
      uncertain: { raw: false, keys: false, alerts: false },
      firstAttemptAt: Date.now(),
      attempts: 0,
    };
  }

  private async write(unit: WriteUnit): Promise<void> {
    const store = await this.o.getStore();
    if (!store) throw new Error('no ClickHouse store available yet');
    const signal = this.abort.signal;
    try {
      if (this.schemaReadyFor !== store) {
        if (this.o.createSchema) await store.createSchema(this.o.rawTtlSeconds);
        this.schemaReadyFor = store;
      }
      for (const part of ['raw', 'keys', 'alerts'] as const) {
        if (unit.done[part]) continue;
        if (unit.uncertain[part] && (await store.hasFlush(part, unit.flushId, unit.fromMs, unit.toMs, signal))) {
          unit.done[part] = true;
          continue;
        }
        try {
          if (part === 'raw') await store.insertStats(unit.rows, this.o.collectorId, unit.flushId, signal);
          else if (part === 'keys') await store.insertKeys(unit.rows, this.o.collectorId, unit.flushId, signal);
          else await store.insertAlerts(unit.alerts, this.o.collectorId, unit.flushId, signal);
        } catch (err) {
          const f = classifyClickHouseError(err);
          if (f.ambiguous) unit.uncertain[part] = true;
          if (f.kind === 'permanent') throw new PermanentWriteError(f.message);
          throw err;
        }
        unit.done[part] = true;
        this.written.inc({ ...this.labels, table: part }, part === 'alerts' ? unit.alerts.length : unit.rows.length);
      }
    } catch (err) {
      if (!(err instanceof PermanentWriteError)) this.schemaReadyFor = undefined;
      throw err;
    }
  }

  private warn(msg: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) return;
    this.lastWarnAt = now;
    this.o.logger.warn(msg, { processor: this.o.processorId, ...fields });
  }
}
