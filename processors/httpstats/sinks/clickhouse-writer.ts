/**
 * Writes closed intervals and alert events to the httpstats tables, through the
 * shared delivery loop (collector/delivery/delivery.ts).
 *
 * add() only queues. The loop takes what is queued (at most every
 * flush_interval, so a busy collector makes a few large inserts a second, not
 * one per interval) into a write with a random FlushId and inserts it into
 * http_stats, http_stats_keys and http_alerts. Failures are retried with
 * exponential backoff up to retry_max_interval, for ever unless max_elapsed is
 * set; a write whose outcome is unknown (lost response) first asks the table
 * whether its FlushId is there, so a retry never counts requests twice. Data
 * the server rejects is dropped and counted (retrying it would fail forever).
 *
 * At most max_pending_rows rows and events wait; beyond, the oldest are dropped
 * and counted. shutdown() writes what is queued within shutdown_timeout and
 * counts the rest as failed.
 *
 * Metrics (label processor=<id>): logfun_httpstats_rows_written_total{table},
 * logfun_httpstats_rows_failed_total{reason}, logfun_httpstats_write_retries_total,
 * logfun_httpstats_pending_rows (gauge).
 */
import type { DiagLogger } from '../../../collector/pipeline/component';
import type { Counter, Metrics } from '../../../collector/telemetry/metrics';
import { classifyClickHouseError } from '../../../collector/storage/clickhouse-errors';
import { newFlushId, type HttpStatsStore } from '../../../collector/storage/httpstats-store';
import { Delivery, PermanentError, type DeliveryBatch } from '../../../collector/delivery/delivery';
import type { IntervalStatsRow } from '../aggregator';
import type { AlertEvent } from '../alerts';

/** Rows and events taken into one write at most. */
const MAX_ROWS_PER_WRITE = 5000;
const RETRY_INITIAL_MS = 250;

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

/** One queued interval row or alert event. */
type StatsItem = { row: IntervalStatsRow; alert?: undefined } | { row?: undefined; alert: AlertEvent };

/** One write: its FlushId and which tables have it, kept across retries. */
interface WriteUnit extends DeliveryBatch<StatsItem> {
  flushId: bigint;
  rows: IntervalStatsRow[];
  alerts: AlertEvent[];
  fromMs: number;
  toMs: number;
  done: Record<Part, boolean>;
  /** An attempt of this part failed with an unknown outcome: check before resending. */
  uncertain: Record<Part, boolean>;
}

export class HttpStatsWriter {
  private readonly delivery: Delivery<StatsItem, WriteUnit>;
  private schemaReadyFor: HttpStatsStore | undefined;
  private readonly labels: { processor: string };
  private readonly written: Counter;

  constructor(private readonly o: HttpStatsWriterOptions) {
    this.labels = { processor: o.processorId };
    this.written = o.metrics.counter('logfun_httpstats_rows_written_total', 'Rows the httpstats processor wrote, by table.');
    this.delivery = new Delivery<StatsItem, WriteUnit>({
      what: 'httpstats',
      labels: this.labels,
      metrics: {
        failed: o.metrics.counter('logfun_httpstats_rows_failed_total', 'Interval rows and alert events the httpstats processor could not write, by reason.'),
        retries: o.metrics.counter('logfun_httpstats_write_retries_total', 'httpstats writes retried after a failure.'),
        queueSize: o.metrics.gauge('logfun_httpstats_pending_rows', 'Interval rows and alert events waiting to be written.'),
      },
      logger: o.logger,
      makeBatch: (items) => makeUnit(items),
      send: (unit, signal) => this.write(unit, signal),
      // Only what the server rejected as data is permanent (write() decides); a failed check of a FlushId is retried.
      classify: (err) => (err instanceof PermanentError ? 'permanent' : 'retryable'),
      maxQueueItems: o.maxPendingRows,
      maxBatchItems: MAX_ROWS_PER_WRITE,
      flushIntervalMs: o.flushIntervalMs,
      retry: { initialMs: RETRY_INITIAL_MS, maxMs: o.retryMaxIntervalMs, multiplier: 2, randomization: 0.5, maxElapsedMs: o.maxElapsedMs },
      shutdownTimeoutMs: o.shutdownTimeoutMs,
    });
  }

  /** Rows and events queued or being written. */
  get pending(): number {
    return this.delivery.pending;
  }

  add(rows: readonly IntervalStatsRow[], alerts: readonly AlertEvent[] = []): void {
    const items: StatsItem[] = [];
    for (const row of rows) items.push({ row });
    for (const alert of alerts) items.push({ alert });
    this.delivery.add(items);
  }

  /** Writes everything queued now (not waiting for flush_interval); resolves when nothing is pending. */
  flush(): Promise<void> {
    return this.delivery.flush();
  }

  shutdown(): Promise<void> {
    return this.delivery.shutdown();
  }

  private async write(unit: WriteUnit, signal: AbortSignal): Promise<void> {
    const store = await this.o.getStore();
    if (!store) throw new Error('no ClickHouse store available yet');
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
          if (f.kind === 'permanent') throw new PermanentError(f.message);
          throw err;
        }
        unit.done[part] = true;
        this.written.inc({ ...this.labels, table: part }, part === 'alerts' ? unit.alerts.length : unit.rows.length);
      }
    } catch (err) {
      if (!(err instanceof PermanentError)) this.schemaReadyFor = undefined;
      throw err;
    }
  }
}

function makeUnit(items: StatsItem[]): WriteUnit {
  const rows: IntervalStatsRow[] = [];
  const alerts: AlertEvent[] = [];
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const it of items) {
    const t = it.row ? it.row.timeStartMs : it.alert.timeMs;
    if (it.row) rows.push(it.row);
    else alerts.push(it.alert);
    fromMs = Math.min(fromMs, t);
    toMs = Math.max(toMs, t);
  }
  return {
    items,
    flushId: newFlushId(),
    rows,
    alerts,
    fromMs,
    toMs,
    done: { raw: rows.length === 0, keys: rows.length === 0, alerts: alerts.length === 0 },
    uncertain: { raw: false, keys: false, alerts: false },
  };
}
