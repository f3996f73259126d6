/**
 * The ClickHouse logs exporter.
 *
 * consumeLogs() only queues: the batch goes into a bounded in-memory sending
 * queue and the promise resolves at once (the exporter owns the batch from then
 * on). When the queue is full, on_full=block refuses with a RetryableError
 * (reason 'exhausted', mapped to RESOURCE_EXHAUSTED / 429 upstream) so the
 * sender backs off; on_full=drop drops the batch and counts it.
 *
 * One background loop takes queued records into insert blocks (up to
 * batch.max_rows rows / batch.max_bytes of the batches' size estimate, or whatever
 * is queued once the oldest record has waited batch.flush_interval), encodes each
 * block when it is sent (one Native block, clickhouse-logs-native.ts; text rows,
 * JSONCompactEachRow or TabSeparated, for tables the Native encoder cannot
 * write), and inserts it:
 * - retryable failures are retried with exponential backoff and jitter (never
 *   over retry.max_interval), for ever unless retry.max_elapsed is set, by the
 *   collector's one retry loop (collector/delivery/retry.ts, sendWithRetry);
 * - a permanent failure (the server rejected the data) splits the block in
 *   halves until the bad rows are isolated, then drops and counts just those
 *   (with a budget, so a table that rejects everything does not cost thousands
 *   of inserts);
 * - retries are idempotent: every block carries a deduplication token fixed when
 *   the block is formed (insert_deduplication_token), or on servers without
 *   tokens every row carries an InsertId and a retry first reads which rows of
 *   the block are already stored (see clickhouse-schema.ts).
 *
 * shutdown() refuses new batches, flushes everything queued within
 * shutdown_timeout, then aborts and counts what it could not write as failed
 * (reason 'shutdown'; an insert aborted in flight may still land).
 *
 * Every accepted record ends in exactly one of: sent, failed{reason}, and every
 * refused-by-drop record in dropped{reason}.
 *
 * The template dictionary (log_templates, collector/storage/template-store.ts) is
 * written before each block is formed and before each insert, and never holds
 * rows back: a row leaves its Body to be rendered from a template only once that
 * template is stored, so a template write that fails (retried later; /readyz
 * reports it after 30 s of failures while rows are written) or is rejected for
 * good (dropped, logfun_exporter_templates_dropped_total, logged once) costs
 * nothing but the Body stored in full.
 *
 * queue.storage: wal puts a write-ahead log (collector/queue/wal.ts) in front of
 * the loop: consumeLogs resolves once the batch is written to the log (with the
 * receiver's delivery mark, see collector/queue/delivery-mark.ts), the bound
 * (max_bytes) and on_full apply to the log, and the in-memory queue becomes a
 * read-ahead window of it (a batch appended while the loop is caught up is kept
 * as is; a backlog is read back from disk). Each block's identity is its log
 * position: its id (hence the deduplication token and the query ids) and its
 * InsertIds derive from the log id and the position of its first record. The
 * block's range is persisted before its first attempt and the log acknowledged
 * only after ClickHouse accepted it (or it failed for good), so after kill -9
 * the block in flight is sent again first, identical, as possibly stored (an
 * InsertId check on 18.16, the same token elsewhere): not stored twice. Shutdown
 * leaves what it could not send in the log (not counted as failed); it is sent
 * after the next start. Metrics (label exporter): logfun_exporter_queue_bytes,
 * _entries, _appended_records_total, _appended_bytes_total,
 * _exported_records_total, _wait_seconds_total / _waited_records_total (append to
 * insert accepted), _recovered_records_total, _torn_tail_bytes_total; every INSERT's
 * duration in the histogram logfun_exporter_export_latency_seconds; drops count in
 * logfun_exporter_dropped_records_total{reason="queue_full"} as with memory.
 */
import { createHash, randomBytes } from 'crypto';
import { estimatedBytes, type LogBatch } from '../../pipeline/batch';
import { batchHeldBytes } from '../../pipeline/held-bytes';
import type { CreateSettings, DiagLogger, Exporter, Host } from '../../pipeline/component';
import { RetryableError } from '../../pipeline/errors';
import type { Counter, Histogram } from '../../telemetry/metrics';
import { openClickHouse, type ClickHouseStore, type InsertBody } from '../../storage/clickhouse-client';
import { classifyClickHouseError, errorMessage } from '../../storage/clickhouse-errors';
import { EncodeContext, LogsRowEncoder, type LogsRowEncoderOptions, type TableColumn } from '../../storage/clickhouse-logs-encoder';
import { LogsNativeEncoder } from '../../storage/clickhouse-logs-native';
import { NativeWriter, RepeatedRuns } from '../../storage/native-block';
import { BlockRingRecords, ringCopy, tailColumnsOf, type RingSource, type TailColumns } from '../../tail/ring-block';
import { RingRecords } from '../../tail/ring-records';
import { BufferPool } from '../../bytes/buffer-pool';
import {
  createDatabaseSql,
  logsTableName,
  logsTableSql,
  selectLogsSchema,
  type LogsSchemaKind,
  type LogsTableOptions,
} from '../../storage/clickhouse-schema';
import {
  TemplateStore,
  storedBodyOf,
  supportsRenderedBody,
  templatesDictionaryName,
  type TemplateTableOptions,
} from '../../storage/template-store';
import { decodeLogBatch, encodeLogBatch } from '../../queue/batch-codec';
import { currentDeliveryMark, restoreDeliveryMarks } from '../../queue/delivery-mark';
import { currentLedger, mustPassEmpty, restoreLedger } from '../../queue/batch-ledger';
import { totalLength, WalFullError, WriteAheadLog, type WalPosition, type WalRange } from '../../queue/wal';
import { decodeNativeEntry, isNativeEntry, nativeRunsEntryParts } from '../../queue/native-entry';
import {
  nativeBlockLayout,
  nativeTimeRange,
  projectNativeBlock,
  selectNativeRows,
  sliceNativeBlock,
  withUInt64Column,
  type RowRun,
} from '../../storage/native-slice';
import { retryDelay, sendSplitting, sendWithRetry, type RetryLoop, type RetryPolicy, type RetryResult } from '../../delivery/retry';
import { RateLimitedWarnings } from '../../delivery/warnings';
import { drainThenStop } from '../../delivery/drain';
import { WakeableSleep } from '../../pipeline/wakeable-sleep';
import type { ResolvedClickHouseExporterConfig } from './config';

/** /readyz turns 503 when the write-ahead log has less room than this (about one large batch), or a tenth of its bound. */
const READINESS_HEADROOM_BYTES = 4 << 20;

/** Rows encoded between yields to the event loop. */
const ENCODE_SLICE_ROWS = 1000;
/** Failed inserts spent isolating bad rows in one block before the rest of it is dropped. */
const PERMANENT_FAILURE_BUDGET = 64;
const UNKNOWN_TABLE = 60;
const UNKNOWN_DATABASE = 81;
/**
 * storage wal with Native blocks in the log: a batch using a template not yet in the
 * templates table waits this long at most for it to be written, so its rows can leave
 * their Body to the template (after that they keep the Body: correct, just larger).
 */
const TEMPLATE_WAIT_MS = 500;
/**
 * /readyz turns 503 when writing the template dictionary has failed this long while
 * log rows are still being written (the store is reachable; its templates table is not).
 */
const TEMPLATES_STALL_MS = 30_000;
/** The loop's wait for work when nothing is due (any work wakes it first). */
const IDLE_MS = 3_600_000;

export type DedupMode = 'token' | 'insert-id' | 'none';

interface QueueEntry {
  /** The records as objects (the memory queue, and log entries in the LogBatch form), or undefined for a Native entry. */
  batch: LogBatch | undefined;
  /** storage wal: the records as an insert-ready Native block (queue/native-entry.ts). */
  native?: QueuedNative;
  /** Next record of the entry to take. */
  next: number;
  bytes: number;
  enqueuedAt: number;
  /** storage wal: the entry's seq in the log. */
  seq?: number;
  /**
   * The entryBuffers buffer `native.block` is a view of (read back from the log, or kept
   * at append): handed to the block that takes the entry, released once that is sent.
   */
  pooled?: Buffer;
}

/** A Native block from the log, with the INSERT column list it was encoded for. */
interface QueuedNative {
  block: Buffer;
  rows: number;
  columns: readonly string[];
  /** The column list as one string: only blocks with the same columns go into one INSERT. */
  columnsKey: string;
}

/** Records in a queue entry. */
function entryRecords(e: QueueEntry): number {
  return e.batch !== undefined ? e.batch.length : e.native!.rows;
}

/**
 * Rows of one INSERT: references to the queued records (record k is `batches[k]`'s
 * record `indexes[k]`) and their position in the block they were formed in. They
 * are encoded when the block is sent (encodeBody), so a sub-block of rows (after
 * a partial store, or to isolate a rejected row) is encoded from the records.
 */
interface InsertBlock {
  /** Random id fixed when the block is formed; base of its tokens and query ids. */
  id: string;
  /** InsertId of the row at offset 0. */
  base: bigint;
  batches: LogBatch[];
  indexes: number[];
  /** One per row (both kinds of block): the row's position in the block it was formed in. */
  offsets: number[];
  /**
   * Rows already encoded (Native entries of the log): the blocks, their row counts and
   * column list; batches/indexes are then empty and offsets still number the rows.
   * insertIds: the blocks were kept without the InsertId column (insert-id deduplication),
   * which each insert adds: base + the row's offset (encodeBody).
   */
  native?: { parts: Buffer[]; partRows: number[]; columns: readonly string[]; insertIds: boolean };
  minTs: bigint;
  maxTs: bigint;
  /** Query ids of every attempt sent so far (shared with sub-blocks). */
  queryIds: string[];
  /** storage wal: the log positions the block covers. */
  range?: WalRange;
  /** Records taken from the queue into the block (rows plus records dropped as invalid). */
  taken: number;
  /** Sum over the taken records of the time they were queued (ms), for the queue latency metric. */
  queuedAtSum: number;
  /** entryBuffers buffers of the entries taken (QueueEntry.pooled): released once the block is sent. */
  pooled?: Buffer[];
}

/** How a delivery ended: settled (sent or failed, counted) or cut by shutdown (storage wal: left in the log). */
type DeliveryOutcome = 'settled' | 'interrupted';

/** Distinguishes this process's query ids from an earlier process's (same block ids after a restart). */
const PROCESS_NONCE = randomBytes(3).toString('hex');

/** The same constant parts, in order (a body left to parts renders as the stored template does). */
function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The InsertId of a block's first row, derived from the block's id (its log position with storage wal). */
function insertBaseOf(blockId: string, maxRows: number): bigint {
  const r = createHash('sha256').update(blockId).digest().readBigUInt64BE(0) >> 1n;
  return r % ((1n << 63n) - BigInt(maxRows) - 1n);
}

function randomInsertBase(maxRows: number): bigint {
  // 63 random bits, kept below 2^63 - maxRows so base + offset never wraps.
  const r = randomBytes(8).readBigUInt64BE() >> 1n;
  const limit = (1n << 63n) - BigInt(maxRows) - 1n;
  return r % limit;
}

export class ClickHouseLogsExporter implements Exporter {
  private readonly logger: DiagLogger;
  private readonly labels: { exporter: string };
  private readonly sentCounter: Counter;
  private readonly failedCounter: Counter;
  private readonly droppedCounter: Counter;
  private readonly queueGauge: Counter;
  private readonly retriesCounter: Counter;
  private readonly dedupCounter: Counter;
  private readonly insertsCounter: Counter;
  private readonly retryPolicy: RetryPolicy;
  /** The collector's one retry loop (delivery/retry.ts), as every insert uses it. */
  private readonly retryLoop: RetryLoop;
  /** storage wal: the same loop for writing the log's state (a disk error is always retried, and is no insert retry). */
  private readonly walStateLoop: RetryLoop;
  /** The same loop for getting ready (open the store, schema, columns): retried until it works. */
  private readonly initLoop: RetryLoop;
  private readonly warnings: RateLimitedWarnings;
  private readonly tableOptions: LogsTableOptions;
  private readonly templateOptions: TemplateTableOptions;
  private readonly templatesWrittenCounter: Counter;
  private readonly templatesDroppedCounter: Counter;
  /** Since when every template dictionary write failed (undefined: the last one succeeded). */
  private templatesFailingSince: number | undefined;
  /** When an INSERT of log rows last succeeded (0: never). */
  private lastInsertOkAt = 0;
  /** The collector's template dictionary (from start()), persisted to log_templates on every insert. */
  private host: Host | undefined;
  private templateStore: TemplateStore | undefined;
  /** The template dictionary write running or last run (flushTemplates chains on it; it never rejects). */
  private templateFlush: Promise<void> = Promise.resolve();

  private readonly queue: QueueEntry[] = [];
  private queuedBytes = 0;
  private queuedRecords = 0;
  /** Accepted records not yet sent or failed (queued plus in flight). */
  private pending = 0;

  private store: ClickHouseStore | undefined;
  /** The text encoder: always there (it also decides which timestamps the table can hold). */
  private encoder: LogsRowEncoder | undefined;
  /** The Native encoder, when the table's columns allow it (then it writes every block). */
  private nativeEncoder: LogsNativeEncoder | undefined;
  /**
   * storage wal: the encoder of Native log entries: nativeEncoder, less the InsertId column
   * with insert-id deduplication (an InsertId derives from the block the row is sent in,
   * known only when the block is formed, so each insert adds that column).
   */
  private entryEncoder: LogsNativeEncoder | undefined;
  /**
   * For the live tail's ring (keepStoredCopies): a copy of each batch's Native block as it
   * went into the log, by batch until the tail takes it (takeStoredCopy).
   */
  private storedCopies: WeakMap<LogBatch, BlockRingRecords> | undefined;
  /** Where the entry encoder's blocks give the tail's fields (tailColumnsOf), found once per encoder. */
  private tailColumns: { encoder: LogsNativeEncoder; columns: TailColumns | undefined } | undefined;
  private readonly nativeWriter = new NativeWriter();
  private dedupMode: DedupMode = 'none';
  private schemaKind: LogsSchemaKind | undefined;

  private loop: Promise<void> | undefined;
  private started = false;
  private closing = false;
  private stopNow = false;
  /** Set when shutdown has accounted for every record; later outcomes are not counted again. */
  private finalized = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** The loop's wait for work (records queued, a flush, shutdown); wake() ends it. */
  private readonly idle = new WakeableSleep();
  /** The loop's wait between retries: ended only by the abort of shutdown (new records do not hurry a retry). */
  private readonly backoff = new WakeableSleep();
  private readonly roomWaiters = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private flushRequested = 0;
  private attemptSeq = 0;

  /** storage wal: the log; the in-memory queue then holds a read-ahead window of it. */
  private wal: WriteAheadLog | undefined;
  /** storage wal: size of the last append refused for lack of room (0 once one succeeds or it would fit); for readiness(). */
  private walRefusedBytes = 0;
  /** storage wal: the next entry to load into the in-memory queue. */
  private walReadSeq = 0;
  /** storage wal: entries are being read from disk into the queue (appends must not add to it meanwhile). */
  private walFilling = false;
  /** storage wal: the range being sent when the previous process stopped, sent again first. */
  private walReplay: WalRange | undefined;
  /**
   * storage wal: writers no entry is being written from. Each append encodes its entry in
   * one and holds it until the write returned; the entry is copied out only when it is kept
   * in memory for sending (an entry the exporter is behind on is read back from the log
   * later: copying those was a fifth of the collector's buffer allocation under load).
   */
  private readonly freeWalWriters: NativeWriter[] = [];
  /** storage wal: buffers of the Native entries held in memory (QueueEntry.pooled), reused once sent. */
  private readonly entryBuffers: BufferPool;
  private readonly exportLatency: Histogram;
  private readonly walMetrics: {
    bytes: Counter;
    entries: Counter;
    appendedRecords: Counter;
    appendedBytes: Counter;
    exported: Counter;
    latencySum: Counter;
    latencyCount: Counter;
    torn: Counter;
    replayed: Counter;
  };

  constructor(settings: CreateSettings, private readonly cfg: ResolvedClickHouseExporterConfig) {
    this.logger = settings.logger;
    this.labels = { exporter: settings.id };
    const m = settings.metrics;
    this.sentCounter = m.counter('logfun_exporter_sent_records_total', 'Log records written by the exporter.');
    this.failedCounter = m.counter('logfun_exporter_failed_records_total', 'Accepted log records the exporter could not write, by reason.');
    this.droppedCounter = m.counter('logfun_exporter_dropped_records_total', 'Log records dropped by the exporter before queueing, by reason.');
    this.queueGauge = m.gauge('logfun_exporter_queue_size', 'Log records accepted by the exporter and not yet written or failed.');
    this.retriesCounter = m.counter('logfun_exporter_retries_total', 'Insert attempts retried after a failure.');
    this.dedupCounter = m.counter(
      'logfun_exporter_deduplicated_records_total',
      'Records found already stored when retrying an insert whose outcome was unknown (not written twice).',
    );
    this.insertsCounter = m.counter('logfun_exporter_inserts_total', 'INSERT statements the exporter completed.');
    this.exportLatency = m.histogram('logfun_exporter_export_latency_seconds', 'Duration of each INSERT ClickHouse accepted (the request, not the time queued).');
    this.templatesWrittenCounter = m.counter('logfun_exporter_templates_written_total', 'Template dictionary entries written to the templates table.');
    this.templatesDroppedCounter = m.counter(
      'logfun_exporter_templates_dropped_total',
      'Template dictionary entries the templates table rejected as data (dropped, not retried; rows using them keep their Body), by reason.',
    );
    this.queueGauge.set(this.labels, 0);
    this.abort.signal.addEventListener('abort', () => this.backoff.wake(), { once: true });
    // Free buffers kept: about what the in-memory window of the log holds (readAheadHasRoom).
    this.entryBuffers = new BufferPool(2 * cfg.batchMaxBytes);
    this.walMetrics = {
      bytes: m.gauge('logfun_exporter_queue_bytes', 'storage wal: bytes in the write-ahead log not yet sent.'),
      entries: m.gauge('logfun_exporter_queue_entries', 'storage wal: entries (appended batches) in the write-ahead log not yet fully sent.'),
      appendedRecords: m.counter('logfun_exporter_queue_appended_records_total', 'storage wal: records appended to the write-ahead log.'),
      appendedBytes: m.counter('logfun_exporter_queue_appended_bytes_total', 'storage wal: bytes appended to the write-ahead log.'),
      exported: m.counter('logfun_exporter_queue_exported_records_total', 'storage wal: records acknowledged in the log after ClickHouse accepted them (or they failed for good).'),
      latencySum: m.counter('logfun_exporter_queue_wait_seconds_total', 'storage wal: sum over sent records of the time from append to insert accepted (divide by _waited_records_total for the mean).'),
      latencyCount: m.counter('logfun_exporter_queue_waited_records_total', 'storage wal: records counted in logfun_exporter_queue_wait_seconds_total.'),
      torn: m.counter('logfun_exporter_queue_torn_tail_bytes_total', 'storage wal: bytes of incomplete or corrupt frames cut when the log was opened.'),
      replayed: m.counter('logfun_exporter_queue_recovered_records_total', 'storage wal: records found unsent in the log when it was opened (sent after restart).'),
    };
    this.retryPolicy = {
      initialMs: cfg.retryInitialMs,
      maxMs: cfg.retryMaxMs,
      multiplier: cfg.retryMultiplier,
      randomization: cfg.retryRandomization,
      maxElapsedMs: cfg.retryMaxElapsedMs,
    };
    this.warnings = new RateLimitedWarnings(this.logger, this.labels);
    this.retryLoop = {
      retry: this.retryPolicy,
      labels: this.labels,
      retries: this.retriesCounter,
      warnings: this.warnings,
      retryMessage: 'insert into ClickHouse failed; retrying',
      stopped: () => this.stopNow,
      sleep: (ms) => this.sleep(ms),
    };
    this.walStateLoop = {
      ...this.retryLoop,
      retry: { ...this.retryPolicy, maxElapsedMs: 0 },
      retries: undefined,
      warnKind: 'wal_state',
      retryMessage: 'writing the write-ahead log state failed; retrying',
      classify: () => 'retryable',
    };
    this.initLoop = {
      ...this.walStateLoop,
      warnKind: 'init',
      retryMessage: 'ClickHouse not ready; retrying',
      // A failure once shutdown began is final when nothing is lost by stopping: with storage
      // wal the log keeps the records; with storage memory, when none are queued.
      classify: () => (this.closing && (this.wal !== undefined || this.queue.length === 0) ? 'permanent' : 'retryable'),
    };
    this.tableOptions = {
      database: cfg.database,
      table: cfg.table,
      ttlSeconds: cfg.ttlSeconds,
      clusterName: cfg.clusterName || undefined,
      tableEngine: cfg.tableEngine,
      distributed: cfg.distributed,
      dedupWindow: cfg.dedupWindow,
    };
    this.templateOptions = {
      database: cfg.database,
      table: cfg.templatesTable,
      clusterName: cfg.clusterName || undefined,
      tableEngine: cfg.tableEngine,
      username: cfg.username,
      password: cfg.password,
    };
    this.tableOptions.body = cfg.body;
    this.tableOptions.templatesDictionary = templatesDictionaryName(this.templateOptions);
  }

  /** The open store once the exporter is ready (for components that read what it wrote). */
  getStore(): ClickHouseStore | undefined {
    return this.store;
  }

  /** Qualified name of the table rows are written to. */
  get tableName(): string {
    return logsTableName(this.tableOptions);
  }

  /** Which schema the table was created with ('full' or 'legacy'); undefined until ready. */
  get schema(): LogsSchemaKind | undefined {
    return this.schemaKind;
  }

  /** How retried inserts are kept from duplicating rows; 'none' until ready. */
  get deduplication(): DedupMode {
    return this.dedupMode;
  }

  async start(host: Host): Promise<void> {
    if (this.started || this.closing) return;
    this.host = host;
    this.started = true;
    if (this.cfg.queueStorage === 'wal') await this.openWal();
    try {
      await this.initialize();
    } catch (err) {
      if (!isConnectivityFailure(err)) {
        this.started = false;
        throw new Error(`clickhouse exporter ${this.labels.exporter}: ${errorMessage(err)}`);
      }
      this.logger.warn('ClickHouse not reachable at start; records are queued and the exporter keeps trying', {
        exporter: this.labels.exporter,
        endpoint: this.cfg.endpoint,
        error: errorMessage(err),
      });
    }
    this.loop = this.run().catch((err) => {
      this.logger.error('clickhouse exporter loop stopped unexpectedly', { exporter: this.labels.exporter, error: errorMessage(err) });
    });
  }

  async consumeLogs(batch: LogBatch): Promise<void> {
    if (this.closing) throw new RetryableError(`clickhouse exporter ${this.labels.exporter} is shut down`);
    const n = batch.length;
    // An empty batch matters only for the ledger it carries (queue/batch-ledger.ts), which only the log keeps.
    if (n === 0 && !(this.wal && mustPassEmpty())) return;
    if (this.wal) return this.appendToWal(batch);
    // The memory queue holds the batch's objects: bounded by what they keep, not by their wire size alone.
    const bytes = batchHeldBytes(batch);
    if (!this.hasRoom(bytes)) {
      if (this.cfg.onFull === 'drop') {
        this.droppedCounter.inc({ ...this.labels, reason: 'queue_full' }, n);
        this.warnings.warn('queue_full', 'clickhouse exporter queue is full; dropping records', { records: n });
        return;
      }
      if (this.cfg.blockTimeoutMs > 0) await this.waitForRoom(bytes, this.cfg.blockTimeoutMs);
      if (this.closing) throw new RetryableError(`clickhouse exporter ${this.labels.exporter} is shut down`);
      if (!this.hasRoom(bytes)) {
        throw new RetryableError(
          `clickhouse exporter ${this.labels.exporter} queue is full (${this.queue.length} batches, ${this.queuedBytes} bytes)`,
          this.cfg.retryInitialMs,
          'exhausted',
        );
      }
    }
    const wasEmpty = this.queue.length === 0;
    this.queue.push({ batch, next: 0, bytes, enqueuedAt: Date.now() });
    this.queuedBytes += bytes;
    this.queuedRecords += n;
    this.pending += n;
    this.queueGauge.set(this.labels, this.pending);
    if (wasEmpty || this.queuedRecords >= this.cfg.batchMaxRows || this.queuedBytes >= this.cfg.batchMaxBytes) this.wake();
  }

  /**
   * Sends everything queued now without waiting for flush_interval; resolves when
   * nothing is pending (written or failed), or after timeoutMs (default: no limit).
   */
  async flush(timeoutMs = 0): Promise<void> {
    if (this.pending === 0) return;
    this.flushRequested++;
    this.wake();
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.idleWaiters.delete(done);
          if (timer) clearTimeout(timer);
          resolve();
        };
        const timer = timeoutMs > 0 ? setTimeout(done, timeoutMs) : undefined;
        this.idleWaiters.add(done);
        if (this.pending === 0) done();
      });
    } finally {
      this.flushRequested--;
    }
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.closing = true;
    for (const w of [...this.roomWaiters]) w();
    await drainThenStop(this.loop, {
      timeoutMs: this.cfg.shutdownTimeoutMs,
      wake: () => this.wake(),
      stop: () => {
        this.stopNow = true;
        this.abort.abort();
        this.wake();
      },
      maxWaitAfterStopMs: 2000,
    });
    if (this.wal) {
      // Nothing is lost: what was not sent stays in the log and is sent after the next start.
      const left = this.pending;
      this.queue.length = 0;
      this.queuedRecords = 0;
      this.queuedBytes = 0;
      this.finalized = true;
      if (left > 0) {
        this.logger.info('clickhouse exporter stopped with records in its write-ahead log; they are sent after the next start', {
          exporter: this.labels.exporter,
          records: left,
          directory: this.cfg.queueDirectory,
        });
      }
      if (this.store) await this.flushTemplates().catch(() => undefined);
      const wal = this.wal;
      await wal.close();
      const store = this.store;
      this.store = undefined;
      if (store) await store.close();
      return;
    }
    const left = this.queuedRecords;
    this.queue.length = 0;
    this.queuedRecords = 0;
    this.queuedBytes = 0;
    if (left > 0) this.markFailed(left, 'shutdown');
    // Rows of an insert that did not settle even after the abort are counted now; whatever
    // that insert reports later is ignored so no record is counted twice.
    if (this.pending > 0) this.markFailed(this.pending, 'shutdown');
    this.finalized = true;
    if (left > 0) this.logger.warn('clickhouse exporter shut down with records unwritten', { exporter: this.labels.exporter, records: left });
    if (this.store) await this.flushTemplates().catch(() => undefined);
    const store = this.store;
    this.store = undefined;
    if (store) await store.close();
  }

  // ---------------------------------------------------------------------------
  // storage wal: the write-ahead log in front of the sending loop.

  private async openWal(): Promise<void> {
    let wal: WriteAheadLog;
    try {
      wal = await WriteAheadLog.open({
        directory: this.cfg.queueDirectory,
        maxBytes: this.cfg.queueMaxBytes,
        segmentBytes: this.cfg.queueSegmentBytes,
        fsync: this.cfg.queueFsync,
        fsyncIntervalMs: this.cfg.queueFsyncIntervalMs,
      });
    } catch (err) {
      this.started = false;
      throw new Error(`clickhouse exporter ${this.labels.exporter}: cannot open the queue directory ${this.cfg.queueDirectory}: ${errorMessage(err)}`);
    }
    this.wal = wal;
    // Before any receiver starts (exporters start first): resent batches already in the log are recognised.
    restoreDeliveryMarks(wal.marks(), wal.directory);
    restoreLedger(wal.ledger(), wal.directory);
    const r = wal.recovery;
    this.pending = r.records;
    this.queueGauge.set(this.labels, this.pending);
    this.walReadSeq = wal.acked.seq;
    this.walReplay = wal.inflight;
    this.walMetrics.replayed.inc(this.labels, r.records);
    if (r.tornBytes > 0) this.walMetrics.torn.inc(this.labels, r.tornBytes);
    this.updateWalGauges();
    if (r.tornTails > 0 || r.corruptSegments > 0) {
      this.logger.warn('write-ahead log: cut incomplete or corrupt data found on open', {
        exporter: this.labels.exporter,
        directory: wal.directory,
        tornTails: r.tornTails,
        bytes: r.tornBytes,
        corruptSegments: r.corruptSegments,
      });
    }
    // Only records are sent: entries that carry nothing but a ledger (the spam balancer's drop
    // counts, appended at a clean stop too) are skipped, so a log of those says nothing.
    if (r.records > 0) {
      this.logger.info('write-ahead log holds unsent records; sending them', {
        exporter: this.labels.exporter,
        directory: wal.directory,
        records: r.records,
        bytes: r.bytes,
      });
    }
  }

  /**
   * For /readyz (telemetry/readiness.ts). With the write-ahead log this exporter takes
   * records while ClickHouse is down (they wait on disk and are sent later), so it is
   * ready until the log is nearly full under on_full: block (senders are then refused).
   * With the memory queue: undefined, the generic checks (store reached, not stalled).
   */
  readiness(): { ready: boolean; reason?: string } | undefined {
    const templates = this.templatesReadiness();
    if (templates) return templates;
    const wal = this.wal;
    if (!wal) return undefined;
    const headroom = this.cfg.queueMaxBytes > 0 ? Math.min(READINESS_HEADROOM_BYTES, this.cfg.queueMaxBytes / 10) : 0;
    if (this.walRefusedBytes > 0 && wal.hasRoom(this.walRefusedBytes)) this.walRefusedBytes = 0;
    if (this.cfg.onFull === 'block' && (this.walRefusedBytes > 0 || !wal.hasRoom(headroom))) {
      return { ready: false, reason: `write-ahead log full (${wal.liveBytes} bytes unsent): senders are refused until ClickHouse takes records` };
    }
    return { ready: true };
  }

  /**
   * Not ready when template dictionary writes have failed for TEMPLATES_STALL_MS while
   * log rows were written meanwhile: the templates table cannot be written (a store that
   * is down is judged by the other checks). One rejected entry never counts: it is dropped.
   */
  private templatesReadiness(): { ready: false; reason: string } | undefined {
    const since = this.templatesFailingSince;
    if (since === undefined || this.lastInsertOkAt <= since) return undefined;
    const failingMs = Date.now() - since;
    if (failingMs < TEMPLATES_STALL_MS) return undefined;
    return {
      ready: false,
      reason: `writing the template dictionary (${this.templateStore?.tableName ?? 'templates table'}) has failed for ${Math.round(failingMs / 1000)} s; log rows are still written with their Body`,
    };
  }

  private async appendToWal(batch: LogBatch): Promise<void> {
    const asNative = this.canAppendNative(batch);
    if (asNative) await this.awaitTemplatesOf(batch);
    const writer = this.freeWalWriters.pop() ?? new NativeWriter();
    try {
      await this.appendEncoded(batch, asNative, writer);
    } finally {
      if (this.freeWalWriters.length < MAX_FREE_WAL_WRITERS && writer.buf.length <= MAX_KEPT_WAL_WRITER_BYTES) this.freeWalWriters.push(writer);
    }
  }

  /** appendToWal with the entry encoded in `writer` (which holds it until its write returned). */
  private async appendEncoded(batch: LogBatch, asNative: boolean, writer: NativeWriter): Promise<void> {
    const wal = this.wal!;
    const n = batch.length;
    const { payload, payloadBytes, blockEnd, columns } = this.encodeWalEntry(batch, asNative, writer);
    const storedCopy = columns !== undefined ? this.storedCopyOf(batch, writer.buf.subarray(0, blockEnd)) : undefined;
    if (!wal.hasRoom(payloadBytes)) {
      if (this.cfg.onFull === 'drop') {
        this.droppedCounter.inc({ ...this.labels, reason: 'queue_full' }, n);
        this.warnings.warn('queue_full', 'clickhouse exporter write-ahead log is full; dropping records', { records: n });
        return;
      }
      if (this.cfg.blockTimeoutMs > 0) await this.waitForRoom(payloadBytes, this.cfg.blockTimeoutMs);
      if (this.closing) throw new RetryableError(`clickhouse exporter ${this.labels.exporter} is shut down`);
      if (!wal.hasRoom(payloadBytes)) {
        this.walRefusedBytes = payloadBytes;
        throw new RetryableError(
          `clickhouse exporter ${this.labels.exporter} write-ahead log is full (${wal.liveBytes} bytes)`,
          this.cfg.retryInitialMs,
          'exhausted',
        );
      }
    }
    this.pending += n;
    this.queueGauge.set(this.labels, this.pending);
    let seq: number;
    try {
      // the payload's parts are views of the writer's buffer, which no other entry uses until written
      seq = await wal.append(payload, n, currentDeliveryMark(), currentLedger());
    } catch (err) {
      this.settle(n);
      if (err instanceof WalFullError) throw new RetryableError(err.message, this.cfg.retryInitialMs, 'exhausted');
      throw new RetryableError(`clickhouse exporter ${this.labels.exporter}: ${errorMessage(err)}`, this.cfg.retryInitialMs);
    }
    this.walRefusedBytes = 0;
    if (storedCopy !== undefined) this.storedCopies!.set(batch, storedCopy);
    this.walMetrics.appendedRecords.inc(this.labels, n);
    this.walMetrics.appendedBytes.inc(this.labels, payloadBytes);
    this.updateWalGauges();
    if (n === 0) {
      // A ledger-only entry: nothing to send (reading it back skips it too).
      if (seq === this.walReadSeq) this.walReadSeq = seq + 1;
      return;
    }
    // Caught up with the log: keep the batch itself instead of reading it back.
    const wasEmpty = this.queue.length === 0;
    if (seq === this.walReadSeq && !this.walFilling && !this.walReplay && this.readAheadHasRoom()) {
      // Kept for sending: a Native entry's bytes in an entryBuffers buffer (keptEntryBytes).
      let native: QueuedNative | undefined;
      let pooled: Buffer | undefined;
      if (columns !== undefined) {
        const kept = this.keptEntryBytes(writer, 0, blockEnd);
        pooled = kept.pooled;
        native = { block: kept.block, rows: n, columns: columns.list, columnsKey: columns.key };
      }
      const bytes = native ? native.block.length : estimatedBytes(batch);
      // A Native entry keeps only its bytes: the batch's objects are garbage from here on.
      this.queue.push(native ? { batch: undefined, native, next: 0, bytes, enqueuedAt: Date.now(), seq, pooled } : { batch, next: 0, bytes, enqueuedAt: Date.now(), seq });
      this.walReadSeq = seq + 1;
      this.queuedBytes += bytes;
      this.queuedRecords += n;
      if (wasEmpty || this.queuedRecords >= this.cfg.batchMaxRows || this.queuedBytes >= this.cfg.batchMaxBytes) this.wake();
    } else {
      this.wake();
    }
  }

  /** The live tail (collector/tail/hub.ts StoredCopySource): keep a copy of each batch's block for its ring from now on. */
  keepStoredCopies(): void {
    this.storedCopies ??= new WeakMap();
  }

  /** The copy of `batch`'s records as appended to the log, once (undefined: none was made; the tail keeps the batch's records). */
  takeStoredCopy(batch: LogBatch): RingSource | undefined {
    const copy = this.storedCopies?.get(batch);
    if (copy !== undefined) this.storedCopies!.delete(batch);
    return copy;
  }

  /**
   * The ring's copy of a batch whose Native block is `block` (a view of the writer's buffer,
   * copied): when the tail asked for copies, the block's columns hold every field it shows, and
   * the ring would otherwise keep the records' own objects (compact-stream records keep none:
   * their block, with its rendered bodies, is the bigger copy).
   */
  private storedCopyOf(batch: LogBatch, block: Uint8Array): BlockRingRecords | undefined {
    const encoder = this.entryEncoder;
    if (this.storedCopies === undefined || encoder === undefined || !RingRecords.keepsRecordObjects(batch)) return undefined;
    if (this.tailColumns?.encoder !== encoder) this.tailColumns = { encoder, columns: tailColumnsOf(encoder.columnTypes) };
    const columns = this.tailColumns.columns;
    if (columns === undefined) return undefined;
    return new BlockRingRecords(ringCopy(block), columns, columns.body === 'RawBody' ? this.storedTemplatePartsOf(batch) : undefined);
  }

  /**
   * The parts of the stored templates `batch` uses, by id: a row whose RawBody the encoder left
   * '' (rawBodyOf, renderedBodyStored: the template is stored and renders its body) shows them
   * rendered. Looked up as the encoder did, right after it, so the answers are the same.
   */
  private storedTemplatePartsOf(batch: LogBatch): Map<bigint, readonly string[]> {
    const parts = new Map<bigint, readonly string[]>();
    const store = this.templateStore;
    if (store === undefined) return parts;
    let last = 0n;
    for (let i = 0; i < batch.length; i++) {
      const id = batch.templateId[i];
      if (id === 0n || id === last || parts.has(id)) continue;
      last = id;
      const stored = this.storedPartsOf(store, batch.resources[batch.resourceIndex[i]]?.serviceName ?? '', id);
      if (stored !== undefined) parts.set(id, stored);
    }
    return parts;
  }

  /**
   * The parts of template `id` of `service` as the table's dictionary renders them, when that
   * template is written to the templates table (store.isStored) and the collector's dictionary
   * holds its text; else undefined (a row of it then keeps its whole Body).
   */
  private storedPartsOf(store: TemplateStore, service: string, id: bigint): readonly string[] | undefined {
    if (id === 0n || !store.isStored(id)) return undefined;
    const t = this.host?.templates.get(service, id);
    return t === undefined ? undefined : store.partsOf(id, t.text);
  }

  /**
   * The Native block of an entry just written, `writer.buf[from, to)`, as bytes the
   * in-memory queue keeps until they are sent: a view of `pooled`, an entryBuffers
   * buffer released once its insert is done. The log's write has returned, so nothing
   * else reads the writer's buffer: when the block fills at least half of it, that
   * buffer itself goes to the queue and the writer takes a free one of the same size
   * from the pool (no copy: ~450 bytes per record on the 18.16 table, and the pool's
   * buffers cycle between writers and queued entries); a smaller block is copied into
   * a buffer that fits it, so a queued entry holds at most about twice the bytes it is
   * counted as (readAheadHasRoom counts block bytes).
   */
  private keptEntryBytes(writer: NativeWriter, from: number, to: number): { pooled: Buffer; block: Buffer } {
    const size = to - from;
    const written = writer.buf;
    if (2 * size >= written.length) {
      writer.buf = this.entryBuffers.take(written.length);
      return { pooled: written, block: written.subarray(from, to) };
    }
    const pooled = this.entryBuffers.take(size);
    written.copy(pooled, 0, from, to);
    return { pooled, block: pooled.subarray(0, size) };
  }

  /**
   * Whether the batch goes into the log as an insert-ready Native block: the table is
   * known and written in Native, retries are made idempotent (by a token, or by InsertIds,
   * which each insert adds to the block: entryEncoder), and every record has a timestamp
   * the table can hold (others are counted when taken, as before).
   */
  private canAppendNative(batch: LogBatch): boolean {
    if (!this.entryEncoder || !this.encoder || this.dedupMode === 'none' || batch.length === 0) return false;
    return this.encoder.allStorable(batch);
  }

  /**
   * A row leaves its Body to its template only once the template is in the table, and a
   * Native entry is encoded now: when the batch uses a template not stored yet, the
   * dictionary is written first (waiting at most TEMPLATE_WAIT_MS, and not while
   * template writes are failing).
   */
  private async awaitTemplatesOf(batch: LogBatch): Promise<void> {
    const templates = this.templateStore;
    if (!templates || this.templatesFailingSince !== undefined) return;
    let last = 0n;
    let missing = false;
    for (let i = 0; i < batch.length; i++) {
      const id = batch.templateId[i];
      if (id === 0n || id === last) continue;
      last = id;
      if (!templates.isStored(id)) {
        missing = true;
        break;
      }
    }
    if (!missing) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flushTemplates(), new Promise<void>((r) => (timer = setTimeout(r, TEMPLATE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /**
   * The log entry for `batch` as payload parts (views of `w`'s buffer, where it is encoded)
   * and their total bytes; for a Native entry also its column list, the block being
   * `w.buf[0, blockEnd)` whole: the entry leaves out its repeated runs (native-entry.ts),
   * the queue keeps the block as it is inserted.
   */
  private encodeWalEntry(
    batch: LogBatch,
    asNative: boolean,
    w: NativeWriter,
  ): { payload: Buffer[]; payloadBytes: number; blockEnd: number; columns: { list: readonly string[]; key: string } | undefined } {
    w.pos = 0;
    const nativeEncoder = this.entryEncoder;
    if (!asNative || !nativeEncoder) {
      encodeLogBatch(batch, w);
      return { payload: [w.view()], payloadBytes: w.pos, blockEnd: 0, columns: undefined };
    }
    const runs = new RepeatedRuns(0, MIN_LOGGED_RUN_BYTES);
    w.runs = runs;
    try {
      encodeOneBatch(nativeEncoder, batch, w);
    } finally {
      w.runs = undefined;
    }
    const payload = nativeRunsEntryParts(w.view(), batch.length, nativeEncoder.columns, runs);
    return { payload, payloadBytes: totalLength(payload), blockEnd: w.pos, columns: { list: nativeEncoder.columns, key: nativeEncoder.columnsKey } };
  }

  /**
   * A Native entry read back from the log keeps only the columns the table has now (its
   * column list is the table's when it was appended: a column dropped since, or one that
   * became an ALIAS, would fail every insert of it, and that failure is not the data's).
   * Columns the table gained are left to their defaults.
   */
  private fitToTable(native: QueuedNative): void {
    const current = this.entryEncoder?.columns ?? this.encoder?.columns;
    if (!current || native.columnsKey === current.join('\0')) return;
    const wanted = new Set(current);
    if (native.columns.every((c) => wanted.has(c))) return;
    // A table switched to rendered bodies (Body an ALIAS of RawBody): the full Body goes into
    // RawBody, which the alias shows as it is.
    const rename = new Map<string, string>();
    if (!wanted.has('Body') && wanted.has('RawBody') && !native.columns.includes('RawBody')) rename.set('Body', 'RawBody');
    const projected = projectNativeBlock(native.block, (name) => wanted.has(name), rename);
    this.warnings.warn('wal_columns', 'write-ahead log entries written for other table columns; inserting the columns the table has', {
      dropped: native.columns.filter((c) => !wanted.has(rename.get(c) ?? c)),
    });
    native.block = projected.block;
    native.columns = projected.columns;
    native.columnsKey = projected.columns.join('\0');
  }

  /** Whether the in-memory window of the log may take more entries (about two inserts' worth). */
  private readAheadHasRoom(): boolean {
    return this.queuedRecords < 2 * this.cfg.batchMaxRows && this.queuedBytes < 2 * this.cfg.batchMaxBytes;
  }

  /** Loads entries from the log into the in-memory queue: up to the read-ahead bound, or up to `until`. */
  private async fillFromWal(until: WalPosition | undefined): Promise<void> {
    const wal = this.wal!;
    if (this.walFilling) return;
    this.walFilling = true;
    try {
      for (;;) {
        if (this.stopNow) return;
        const wanted = until === undefined ? this.readAheadHasRoom() : this.walReadSeq < until.seq || (until.record > 0 && this.walReadSeq <= until.seq);
        if (!wanted) return;
        const seq = wal.nextLiveSeq(this.walReadSeq);
        if (seq === undefined) return;
        let buffer: Buffer | undefined;
        const entry = await wal.read(seq, (size) => (buffer = this.entryBuffers.take(size)));
        this.walReadSeq = seq + 1;
        const acked = wal.acked;
        const skip = seq === acked.seq ? acked.record : 0;
        let queued: QueueEntry;
        let records: number;
        /** Where an entry without its repeated runs is made whole (native-entry.ts): the block is then a view of it. */
        let made: Buffer | undefined;
        try {
          queued = queueEntryOf(entry.payload, skip, entry.appendedAt, seq, (size) => (made = this.entryBuffers.take(size)));
          records = entryRecords(queued);
          if (skip >= records) continue;
          if (made !== undefined) {
            // nothing refers to the bytes read any more
            this.entryBuffers.release(buffer!);
            buffer = made;
          }
          if (queued.native) {
            const read = queued.native.block;
            this.fitToTable(queued.native);
            // Only a Native entry's block is a view of the buffer (a LogBatch entry's objects may be).
            if (queued.native.block === read) queued.pooled = buffer;
          }
        } catch (err) {
          this.markFailed(Math.max(0, entry.records - skip), 'corrupt');
          this.logger.error('write-ahead log entry cannot be decoded; skipped', { exporter: this.labels.exporter, seq, error: errorMessage(err) });
          continue;
        }
        this.queue.push(queued);
        this.queuedBytes += queued.bytes;
        this.queuedRecords += records - skip;
      }
    } finally {
      this.walFilling = false;
    }
  }

  /**
   * The block the previous process was sending when it stopped is sent first,
   * exactly as it was formed (same rows, same identity), as possibly stored.
   */
  private async replayInflight(): Promise<void> {
    const range = this.walReplay!;
    await this.fillFromWal(range.to);
    if (this.stopNow) return;
    await this.flushTemplates();
    const block = await this.takeBlock(range.to);
    this.walReplay = undefined;
    this.logger.info('sending again the insert that was in flight when the collector stopped', {
      exporter: this.labels.exporter,
      rows: block.offsets.length,
      deduplication: this.dedupMode,
    });
    await this.send(block, true);
    this.releaseBuffersOf(block);
  }

  /** Persists the block's range before its first attempt (retrying on disk errors, for ever); false when shutdown cut it. */
  private async saveInflight(range: WalRange): Promise<boolean> {
    const wal = this.wal!;
    return (await sendWithRetry(this.walStateLoop, () => wal.setInflight(range))).outcome === 'sent';
  }

  private async acknowledgeInWal(range: WalRange, block: InsertBlock): Promise<void> {
    try {
      await this.wal!.acknowledge(range.to);
    } catch (err) {
      // The next acknowledgement covers this one (positions are cumulative).
      this.warnings.warn('wal_ack', 'acknowledging in the write-ahead log failed', { error: errorMessage(err) });
    }
    const taken = block.taken;
    this.walMetrics.exported.inc(this.labels, taken);
    if (taken > 0) {
      this.walMetrics.latencySum.inc(this.labels, Math.max(0, (Date.now() * taken - block.queuedAtSum) / 1000));
      this.walMetrics.latencyCount.inc(this.labels, taken);
    }
    this.updateWalGauges();
    this.notifyRoom();
  }

  private updateWalGauges(): void {
    const wal = this.wal;
    if (!wal) return;
    this.walMetrics.bytes.set(this.labels, wal.liveBytes);
    this.walMetrics.entries.set(this.labels, wal.liveEntries);
  }

  // ---------------------------------------------------------------------------
  // Readiness: open the store, create the schema, learn the table's columns.

  private async initialize(): Promise<void> {
    const store = await openClickHouse({
      endpoint: this.cfg.endpoint,
      username: this.cfg.username,
      password: this.cfg.password,
      database: this.cfg.database,
      requestTimeoutMs: this.cfg.timeoutMs,
    });
    try {
      const caps = store.capabilities;
      const kind = selectLogsSchema(caps);
      const canRender = kind === 'full' && supportsRenderedBody(store.serverVersion);
      if (this.cfg.body === 'rendered' && !canRender) {
        this.logger.info('Body is stored as text (body: rendered needs ClickHouse 22.3 or later)', {
          exporter: this.labels.exporter,
          version: store.serverVersion.text,
        });
      }
      this.tableOptions.body = this.cfg.body === 'rendered' && canRender ? 'rendered' : 'stored';
      if (this.cfg.createSchema) {
        if (this.cfg.ttlSeconds > 0 && !caps.hasTTL) {
          this.logger.warn('ttl ignored: this ClickHouse server has no TTL', { exporter: this.labels.exporter, version: store.serverVersion.text });
        }
        await store.command(createDatabaseSql(this.tableOptions));
        await new TemplateStore(store, this.templateOptions).createSchema(this.tableOptions.body === 'rendered');
        for (const sql of logsTableSql(kind, caps, this.tableOptions)) await store.command(sql);
      }
      const columns = await store.query<{ name: string; type: string; default_kind: string }>(
        'SELECT name, type, default_kind FROM system.columns WHERE database = {db:String} AND table = {table:String}',
        { db: this.cfg.database, table: this.cfg.table },
      );
      if (columns.length === 0) {
        throw new Error(`table ${this.tableName} does not exist (create_schema is ${this.cfg.createSchema})`);
      }
      // What the table does decides, not the config: a table created earlier keeps its Body mode.
      const rendered = columns.some((c) => c.name === 'RawBody') && columns.some((c) => c.name === 'Body' && c.default_kind === 'ALIAS');
      const templateStore = new TemplateStore(store, this.templateOptions, rendered);
      const tableColumns = columns.map((c): TableColumn => ({ name: c.name, type: c.type, defaultKind: c.default_kind }));
      const encoderOptions: LogsRowEncoderOptions = {
        // A row leaves its Body to the template only once the template is in the table: a
        // template whose write failed (or has not happened yet) must not empty the row's Body.
        rawBodyOf: (body, service, id, args) => storedBodyOf(body, this.storedPartsOf(templateStore, service, id), args),
        renderedBodyStored: (service, id, parts) => {
          const stored = this.storedPartsOf(templateStore, service, id);
          return stored !== undefined && sameParts(stored, parts);
        },
      };
      const encoder = new LogsRowEncoder(tableColumns, caps.hasJSONCompactEachRow ? 'JSONCompactEachRow' : 'TabSeparated', encoderOptions);
      const nativeEncoder = LogsNativeEncoder.create(tableColumns, { typeConversion: caps.hasNativeTypeConversion }, encoderOptions);
      if (encoder.unknownColumns.length) {
        this.logger.info('logs table has columns the exporter leaves to their defaults', {
          exporter: this.labels.exporter,
          columns: encoder.unknownColumns,
        });
      }
      const dedupMode: DedupMode = encoder.hasInsertId ? 'insert-id' : caps.hasInsertDedupToken ? 'token' : 'none';
      const entryEncoder =
        dedupMode === 'insert-id' && nativeEncoder
          ? LogsNativeEncoder.create(
              tableColumns.filter((c) => c.name !== 'InsertId'),
              { typeConversion: caps.hasNativeTypeConversion },
              encoderOptions,
            )
          : nativeEncoder;
      if (dedupMode === 'token') await this.ensureTokenDeduplication(store);
      if (dedupMode === 'none') {
        this.logger.warn('this server supports neither deduplication tokens nor an InsertId column: a retried insert may duplicate rows', {
          exporter: this.labels.exporter,
        });
      }
      this.store = store;
      this.encoder = encoder;
      this.nativeEncoder = nativeEncoder;
      this.entryEncoder = entryEncoder;
      this.templateStore = templateStore;
      this.dedupMode = dedupMode;
      this.schemaKind = columns.some((c) => c.name === 'ResourceAttributes' && /^Map\(/.test(c.type)) ? 'full' : 'legacy';
      this.logger.info('clickhouse exporter ready', {
        exporter: this.labels.exporter,
        endpoint: store.endpoint,
        version: store.serverVersion.text,
        table: this.tableName,
        schema: this.schemaKind,
        deduplication: dedupMode,
        format: nativeEncoder?.format ?? encoder.format,
      });
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /** Tokens only deduplicate on a non-replicated table with non_replicated_deduplication_window > 0. */
  private async ensureTokenDeduplication(store: ClickHouseStore): Promise<void> {
    const rows = await store.query<{ engine: string; engine_full: string }>(
      'SELECT engine, engine_full FROM system.tables WHERE database = {db:String} AND name = {table:String}',
      { db: this.cfg.database, table: this.cfg.table },
    );
    const t = rows[0];
    if (!t || !/MergeTree$/.test(t.engine) || /^Replicated/.test(t.engine)) return;
    const m = /non_replicated_deduplication_window\s*=\s*(\d+)/.exec(t.engine_full);
    if (m && Number(m[1]) > 0) return;
    if (this.cfg.createSchema) {
      await store.command(`ALTER TABLE ${this.tableName} MODIFY SETTING non_replicated_deduplication_window = ${this.cfg.dedupWindow}`);
      this.logger.info('enabled insert deduplication on the logs table', { exporter: this.labels.exporter, window: this.cfg.dedupWindow });
    } else {
      this.logger.warn('logs table has non_replicated_deduplication_window = 0: a retried insert may duplicate rows', {
        exporter: this.labels.exporter,
      });
    }
  }

  // ---------------------------------------------------------------------------
  // The sending loop.

  private async run(): Promise<void> {
    while (!this.stopNow) {
      if (!this.encoder) {
        const ready = await sendWithRetry(this.initLoop, () => this.initialize(), { fields: () => ({ endpoint: this.cfg.endpoint }) });
        // Stopped, or failed while closing with nothing to lose (initLoop's classify).
        if (ready.outcome !== 'sent') return;
        continue;
      }
      if (this.wal) {
        try {
          if (this.walReplay) {
            await this.replayInflight();
            continue;
          }
          await this.fillFromWal(undefined);
          this.notifyIdle();
        } catch (err) {
          this.warnings.warn('wal_read', 'reading the write-ahead log failed; retrying', { error: errorMessage(err) });
          await this.sleep(retryDelay(this.retryPolicy, 1));
          continue;
        }
      }
      if (this.queue.length === 0) {
        if (this.closing) return;
        await this.waitForWork(undefined);
        continue;
      }
      const waitMs = this.flushWaitMs();
      if (waitMs > 0) {
        await this.waitForWork(waitMs);
        continue;
      }
      // Templates first, so the rows about to be encoded can leave their Body to them.
      await this.flushTemplates();
      const block = await this.takeBlock(undefined);
      await this.send(block, false);
      this.releaseBuffersOf(block);
      this.notifyIdle();
    }
  }

  /** 0 when an insert is due now, else how long until the oldest record's flush interval ends. */
  private flushWaitMs(): number {
    if (this.closing || this.flushRequested > 0) return 0;
    if (this.queuedRecords >= this.cfg.batchMaxRows || this.queuedBytes >= this.cfg.batchMaxBytes) return 0;
    return Math.max(0, this.queue[0].enqueuedAt + this.cfg.flushIntervalMs - Date.now());
  }

  /** Moves records from the queue into a new block, encoding them in slices that yield to the event loop. */
  private async takeBlock(until: WalPosition | undefined): Promise<InsertBlock> {
    const encoder = this.encoder!;
    const maxRows = this.cfg.batchMaxRows;
    const block: InsertBlock = {
      id: randomBytes(8).toString('hex'),
      base: randomInsertBase(maxRows),
      batches: [],
      indexes: [],
      offsets: [],
      minTs: -1n,
      maxTs: -1n,
      queryIds: [],
      taken: 0,
      queuedAtSum: 0,
    };
    const head = this.queue[0];
    if (this.wal && head?.seq !== undefined) {
      // The block's identity is its position in the log: the same rows sent again after a
      // crash carry the same deduplication token / InsertIds (see replayInflight).
      const from = { seq: head.seq, record: head.next };
      block.id = `${this.wal.id}-${from.seq}-${from.record}`;
      block.base = insertBaseOf(block.id, maxRows);
      block.range = { from, to: { ...from } };
    }
    if (head?.native) return this.takeNativeBlock(block, until);
    let bytes = 0;
    let invalid = 0;
    let slice = 0;
    const more = (): boolean => {
      if (this.queue.length === 0 || this.queue[0].batch === undefined) return false;
      if (until === undefined) return block.indexes.length < maxRows && bytes < this.cfg.batchMaxBytes;
      const e = this.queue[0];
      return e.seq! < until.seq || (e.seq === until.seq && e.next < until.record);
    };
    while (more()) {
      const e = this.queue[0];
      const b = e.batch!;
      const i = e.next++;
      block.taken++;
      block.queuedAtSum += e.enqueuedAt;
      if (block.range) block.range.to = e.next >= b.length ? { seq: e.seq! + 1, record: 0 } : { seq: e.seq!, record: e.next };
      if (!encoder.storable(b, i)) invalid++;
      else {
        block.offsets.push(block.indexes.length);
        block.batches.push(b);
        block.indexes.push(i);
        bytes += e.bytes / b.length;
        const ts = LogsRowEncoder.timestampOf(b, i);
        if (block.minTs < 0n || ts < block.minTs) block.minTs = ts;
        if (ts > block.maxTs) block.maxTs = ts;
      }
      this.queuedRecords--;
      if (e.next >= b.length) {
        this.queue.shift();
        this.queuedBytes -= e.bytes;
        this.notifyRoom();
      }
      if (++slice >= ENCODE_SLICE_ROWS) {
        slice = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (invalid > 0) {
      this.markFailed(invalid, 'invalid');
      this.warnings.warn('invalid', 'dropping records whose timestamp the logs table cannot hold', { records: invalid });
    }
    return block;
  }

  /**
   * Takes whole Native entries with the head's column list into `block` (their bytes are
   * the INSERT body): up to batch.max_rows / max_bytes (at least one entry), or up to
   * `until` when sending again what a previous process had in flight.
   */
  private takeNativeBlock(block: InsertBlock, until: WalPosition | undefined): InsertBlock {
    const head = this.queue[0].native!;
    // Entries kept without InsertIds (entryEncoder) get them when inserted.
    const insertIds = this.dedupMode === 'insert-id' && !head.columns.includes('InsertId');
    block.native = { parts: [], partRows: [], columns: head.columns, insertIds };
    let rows = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const e = this.queue[0];
      const n = e.native;
      if (n === undefined || n.columnsKey !== head.columnsKey) break;
      let end = n.rows;
      if (until !== undefined) {
        if (e.seq! > until.seq || (e.seq === until.seq && until.record === 0)) break;
        if (e.seq === until.seq) end = Math.min(end, until.record);
      } else if (block.native.parts.length > 0 && (rows + n.rows - e.next > this.cfg.batchMaxRows || bytes + e.bytes > this.cfg.batchMaxBytes)) break;
      const count = end - e.next;
      block.native.parts.push(e.next === 0 && end === n.rows ? n.block : sliceNativeBlock(n.block, e.next, end));
      block.native.partRows.push(count);
      rows += count;
      bytes += e.bytes;
      block.taken += count;
      block.queuedAtSum += e.enqueuedAt * count;
      this.queuedRecords -= count;
      e.next = end;
      if (block.range) block.range.to = end >= n.rows ? { seq: e.seq! + 1, record: 0 } : { seq: e.seq!, record: end };
      if (end < n.rows) break;
      this.queue.shift();
      // The entry's buffer goes with the block (its last part may be a view of it).
      if (e.pooled !== undefined) (block.pooled ??= []).push(e.pooled);
      this.queuedBytes -= e.bytes;
      this.notifyRoom();
    }
    // The rows are numbered in the order taken: 0 .. rows-1 (an array of its own, made once, not grown row by row).
    block.offsets = ownIdentityIndexes(rows);
    return block;
  }

  /** Gives the block's entry buffers back for reuse: called once the block is sent and nothing reads its parts. */
  private releaseBuffersOf(block: InsertBlock): void {
    if (block.pooled === undefined) return;
    for (const buf of block.pooled) this.entryBuffers.release(buf);
    block.pooled = undefined;
  }

  /**
   * Sends a block taken from the queue; with storage wal, records its range in
   * the log first and acknowledges it there once settled.
   */
  private async send(block: InsertBlock, replayed: boolean): Promise<void> {
    const range = block.range;
    if (this.wal && range && !(await this.saveInflight(range))) return;
    const outcome = block.offsets.length > 0 ? await this.deliver(block, replayed) : 'settled';
    if (this.wal && range && outcome === 'settled') await this.acknowledgeInWal(range, block);
  }

  /**
   * Inserts a block until it is written, dropped as invalid, out of retry time, or cut
   * by shutdown: each part through the collector's one retry loop (attemptBlock), a
   * rejected part split in halves until the rejected rows are isolated (sendSplitting).
   */
  private async deliver(block: InsertBlock, mayBeStoredAtFirst: boolean): Promise<DeliveryOutcome> {
    // A block sent again after a restart may have been stored by the previous process (not its halves: they follow a rejection).
    let mayBeStored = mayBeStoredAtFirst;
    const outcome = await sendSplitting(block, {
      send: (part) => {
        const sent = this.attemptBlock(part, mayBeStored);
        mayBeStored = false;
        return sent;
      },
      size: (part) => part.offsets.length,
      halves: (part) => {
        const half = Math.ceil(part.offsets.length / 2);
        return [this.subBlock(part, (k) => k < half), this.subBlock(part, (k) => k >= half)];
      },
      budget: PERMANENT_FAILURE_BUDGET,
      onRejected: (part, error) => {
        this.markFailed(part.offsets.length, 'invalid');
        this.logger.error('ClickHouse rejected log records; dropped', { exporter: this.labels.exporter, rows: part.offsets.length, error: errorMessage(error) });
      },
      onTimeout: (part, error) => {
        this.markFailed(part.offsets.length, 'retries_exhausted');
        this.logger.error('giving up on an insert after retry.max_elapsed', {
          exporter: this.labels.exporter,
          rows: part.offsets.length,
          error: errorMessage(error),
        });
      },
      onStopped: (part) => this.interrupted(part),
    });
    return outcome === 'stopped' ? 'interrupted' : 'settled';
  }

  /**
   * One block through sendWithRetry. An attempt after an ambiguous failure (or of a block
   * sent again after a restart) first reads which of its rows are stored (insert-id
   * deduplication) and sends only the others: the block returned is the one last attempted.
   */
  private async attemptBlock(block: InsertBlock, mayBeStoredAtFirst: boolean): Promise<{ result: RetryResult; unit: InsertBlock }> {
    let mayBeStored = mayBeStoredAtFirst;
    let body: InsertBody | undefined;
    const result = await sendWithRetry(
      this.retryLoop,
      async () => {
        if (mayBeStored && this.dedupMode === 'insert-id') {
          const stored = await this.storedOffsets(block);
          if (stored.size > 0) {
            this.dedupCounter.inc(this.labels, stored.size);
            this.markSent(stored.size);
            block = this.subBlock(block, (k) => !stored.has(block.offsets[k]));
            body = undefined;
            if (block.offsets.length === 0) return;
          }
          mayBeStored = false;
        }
        body ??= this.encodeBody(block);
        await this.flushTemplates();
        await this.insert(block, body);
        this.lastInsertOkAt = Date.now();
        this.insertsCounter.inc(this.labels);
        this.markSent(block.offsets.length);
      },
      {
        onRetryable: async (err) => {
          const failure = classifyClickHouseError(err);
          if (failure.ambiguous) mayBeStored = true;
          if ((failure.code === UNKNOWN_TABLE || failure.code === UNKNOWN_DATABASE) && this.cfg.createSchema) await this.recreateSchema();
        },
        fields: () => ({ rows: block.offsets.length }),
      },
    );
    return { result, unit: block };
  }

  /** Shutdown cut a delivery: with storage memory the rows are lost (counted); with storage wal they stay in the log. */
  private interrupted(block: InsertBlock): void {
    if (!this.wal) this.markFailed(block.offsets.length, 'shutdown');
  }

  /** The table vanished (dropped by hand?) while create_schema is on: make it again before the next attempt. */
  private async recreateSchema(): Promise<void> {
    const store = this.store!;
    try {
      await store.command(createDatabaseSql(this.tableOptions));
      await this.templateStore?.createSchema(this.tableOptions.body === 'rendered');
      for (const sql of logsTableSql(selectLogsSchema(store.capabilities), store.capabilities, this.tableOptions)) await store.command(sql);
      this.logger.warn('logs table was missing; created it again', { exporter: this.labels.exporter, table: this.tableName });
    } catch (err) {
      this.warnings.warn('recreate', 'could not create the missing logs table', { error: errorMessage(err) });
    }
  }

  /**
   * Writes the template dictionary entries changed since the last insert. Never
   * throws and never holds rows back: rows rely on a template only once it is
   * stored (rawBodyOf above). A retryable failure leaves the entries dirty for a
   * later insert (warned, rate-limited; readiness() reports a lasting one); entries
   * the table rejects as data are dropped, counted and logged once each
   * (TemplateStore.flush does not send them again).
   */
  private flushTemplates(): Promise<void> {
    // One write at a time: a caller that finds one running waits for it, then writes what is
    // dirty after it (an append waiting for its template must see that template stored).
    const run = this.templateFlush.then(() => this.flushTemplatesNow());
    this.templateFlush = run;
    return run;
  }

  private async flushTemplatesNow(): Promise<void> {
    const templates = this.templateStore;
    const host = this.host;
    if (!templates || !host) return;
    try {
      const result = await templates.flush(host.templates);
      this.templatesFailingSince = undefined;
      if (result.written > 0) this.templatesWrittenCounter.inc(this.labels, result.written);
      if (result.rejected.length > 0) {
        this.templatesDroppedCounter.inc({ ...this.labels, reason: 'rejected' }, result.rejected.length);
        for (const { entry, error } of result.rejected) {
          this.logger.error('ClickHouse rejected a template dictionary entry; dropped (rows using it keep their Body)', {
            exporter: this.labels.exporter,
            table: templates.tableName,
            service: entry.service,
            templateId: BigInt.asUintN(64, entry.id).toString(),
            text: entry.text.slice(0, 200),
            error,
          });
        }
      }
    } catch (err) {
      this.templatesFailingSince ??= Date.now();
      this.warnings.warn('templates', 'writing the template dictionary failed; it is written with a later insert', {
        table: templates.tableName,
        error: errorMessage(err),
      });
    }
  }

  private subBlock(block: InsertBlock, keep: (k: number) => boolean): InsertBlock {
    if (block.native) return nativeSubBlock(block, keep);
    const sub: InsertBlock = { ...block, batches: [], indexes: [], offsets: [] };
    for (let k = 0; k < block.offsets.length; k++) {
      if (keep(k)) {
        sub.batches.push(block.batches[k]);
        sub.indexes.push(block.indexes[k]);
        sub.offsets.push(block.offsets[k]);
      }
    }
    return sub;
  }

  /**
   * The INSERT body of a block: Native blocks (pieces sent one after another, the
   * entries' bytes not copied), or one text row per record.
   */
  private encodeBody(block: InsertBlock): InsertBody {
    const native = block.native;
    if (native?.insertIds) {
      // Each part with the InsertId column added: base + the row's offset in the block formed.
      // Kept across retries; the parts themselves are sent as they are.
      const pieces: Buffer[] = [];
      let at = 0;
      for (let p = 0; p < native.parts.length; p++) {
        pieces.push(...withUInt64Column(native.parts[p], 'InsertId', block.base, block.offsets, at));
        at += native.partRows[p];
      }
      return pieces;
    }
    if (native) return native.parts.length === 1 ? native.parts[0] : native.parts;
    if (this.nativeEncoder) {
      // Copied out of the reused writer: the body is kept across retries while other blocks encode.
      this.nativeEncoder.encode({ batches: block.batches, indexes: block.indexes, offsets: block.offsets, base: block.base }, this.nativeWriter);
      return this.nativeWriter.copyOut();
    }
    const encoder = this.encoder!;
    const ctx = new EncodeContext();
    let text = '';
    for (let k = 0; k < block.indexes.length; k++) text += encoder.encodeRow(block.batches[k], block.indexes[k], ctx, block.base + BigInt(block.offsets[k]))!;
    return Buffer.from(text, 'utf8');
  }

  private async insert(block: InsertBlock, body: InsertBody): Promise<void> {
    const store = this.store!;
    // The process nonce keeps a restarted collector's query ids apart from the previous process's.
    const queryId = `logfun-${block.id}-${PROCESS_NONCE}${++this.attemptSeq}`;
    block.queryIds.push(queryId);
    const settings: Record<string, string | number> = {};
    if (this.dedupMode === 'token') {
      // Fixed by the block and the rows it holds, so every retry of these rows carries the same token.
      const first = block.offsets[0];
      const last = block.offsets[block.offsets.length - 1];
      settings.insert_deduplication_token = `logfun-${block.id}-${first}-${last}-${block.offsets.length}`;
    }
    const startedAt = performance.now();
    await store.insertFormatted({
      // Plain db.table: both names are validated identifiers, and chDB's raw insert takes no quoting.
      table: `${this.cfg.database}.${this.cfg.table}`,
      columns: block.native ? insertColumnsOf(block.native) : (this.nativeEncoder?.columns ?? this.encoder!.columns),
      format: block.native ? 'Native' : (this.nativeEncoder?.format ?? this.encoder!.format),
      body,
      settings,
      queryId,
      signal: this.abort.signal,
    });
    this.exportLatency.observe(this.labels, (performance.now() - startedAt) / 1000);
  }

  /**
   * Offsets of the block's rows already in the table (insert-id deduplication).
   * First makes sure no earlier attempt is still running, so what we read is final.
   */
  private async storedOffsets(block: InsertBlock): Promise<Set<number>> {
    const store = this.store!;
    // By prefix: an attempt of the previous process (the block was sent again after a restart) counts too.
    const running = await store.query<{ query_id: string }>('SELECT query_id FROM system.processes WHERE query_id LIKE {prefix:String}', {
      prefix: `logfun-${block.id}-%`,
    });
    if (running.length > 0) throw new RetryableError('an earlier attempt of this insert is still running on the server');
    const lo = block.base + BigInt(block.offsets[0]);
    const hi = block.base + BigInt(block.offsets[block.offsets.length - 1]);
    if (block.native && block.minTs < 0n) {
      // A block of Native entries learns its time range only here, from its bytes (a retry is rare).
      for (const part of block.native.parts) {
        const range = nativeTimeRange(part, 'Timestamp');
        if (!range) continue;
        if (block.minTs < 0n || range.min < block.minTs) block.minTs = range.min;
        if (range.max > block.maxTs) block.maxTs = range.max;
      }
    }
    const rows = await store.query<{ InsertId: string }>(
      `SELECT InsertId FROM ${this.tableName} WHERE Timestamp >= toDateTime({lo:UInt32}) AND Timestamp < toDateTime({hi:UInt32}) ` +
        'AND InsertId >= {a:UInt64} AND InsertId <= {b:UInt64}',
      {
        lo: (block.minTs / 1_000_000_000n).toString(),
        hi: (block.maxTs / 1_000_000_000n + 1n).toString(),
        a: lo.toString(),
        b: hi.toString(),
      },
    );
    const wanted = new Set(block.offsets);
    const stored = new Set<number>();
    for (const r of rows) {
      const offset = Number(BigInt(r.InsertId) - block.base);
      if (wanted.has(offset)) stored.add(offset);
    }
    return stored;
  }

  // ---------------------------------------------------------------------------
  // Accounting, waiting, warnings.

  private markSent(n: number): void {
    if (this.finalized) return;
    this.sentCounter.inc(this.labels, n);
    this.settle(n);
  }

  private markFailed(n: number, reason: string): void {
    if (this.finalized) return;
    this.failedCounter.inc({ ...this.labels, reason }, n);
    this.settle(n);
  }

  private settle(n: number): void {
    this.pending = Math.max(0, this.pending - n);
    this.queueGauge.set(this.labels, this.pending);
    // storage wal: idle once the log is acknowledged too (the loop calls notifyIdle after that).
    if (this.pending === 0 && !this.wal) this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.pending !== 0) return;
    for (const w of [...this.idleWaiters]) w();
  }

  private hasRoom(bytes: number): boolean {
    if (this.wal) return this.wal.hasRoom(bytes);
    if (this.queue.length === 0) return true;
    if (this.cfg.queueMaxBatches > 0 && this.queue.length >= this.cfg.queueMaxBatches) return false;
    if (this.cfg.queueMaxBytes > 0 && this.queuedBytes + bytes > this.cfg.queueMaxBytes) return false;
    return true;
  }

  private notifyRoom(): void {
    for (const w of [...this.roomWaiters]) w();
  }

  private waitForRoom(bytes: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.hasRoom(bytes) || this.closing) done();
      };
      const done = () => {
        clearTimeout(timer);
        this.roomWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.roomWaiters.add(check);
    });
  }

  private wake(): void {
    this.idle.wake();
  }

  /** Resolves on wake() or after timeoutMs (undefined: only on wake()). */
  private waitForWork(timeoutMs: number | undefined): Promise<void> {
    return this.idle.sleep(timeoutMs ?? IDLE_MS);
  }

  /** A backoff sleep, cut short when shutdown has to stop now. */
  private async sleep(ms: number): Promise<void> {
    if (!this.stopNow) await this.backoff.sleep(ms);
  }
}

/** Failures that mean "the server is not there yet" rather than "this configuration cannot work". */
function isConnectivityFailure(err: unknown): boolean {
  const f = classifyClickHouseError(err);
  if (f.code !== undefined) return false;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string' && /timeout|socket hang up|network|ECONN/i.test(msg)) return true;
  }
  return false;
}

/** [0, 1, ..., n - 1], shared by every Native entry of at most that many rows (read only). */
let identity: number[] = [];
/** Writers of log entries kept for reuse (appends in flight at once use one each). */
const MAX_FREE_WAL_WRITERS = 4;
/**
 * Repeated runs of a Native entry's block shorter than this stay in its bytes: each run
 * costs the entry a few bytes of run table and the log's write a buffer (writev).
 */
const MIN_LOGGED_RUN_BYTES = 64;
/** A writer grown past this (by a huge entry) is not kept. */
const MAX_KEPT_WAL_WRITER_BYTES = 8 * 1024 * 1024;

/**
 * `batch`'s records as one Native block appended to `w`. The rows (batches[k],
 * indexes[k] for k below indexes.length; offsets = indexes) come from shared arrays
 * instead of two new arrays of n entries per log entry (16 bytes per record of garbage):
 * `indexes` an identity array of exactly batch.length entries, kept per length (few
 * lengths recur: the senders' batch sizes), read-only; `batches` a scratch at least that
 * long, filled with `batch` up to there (entries beyond are never read) and emptied
 * again after (the batch is garbage once encoded). Encoding is synchronous: the scratch
 * is never in use twice.
 */
function encodeOneBatch(encoder: LogsNativeEncoder, batch: LogBatch, w: NativeWriter): void {
  const n = batch.length;
  let indexes = identityByLength.get(n);
  if (indexes === undefined) {
    indexes = identityIndexes(n).slice();
    if (n <= MAX_KEPT_IDENTITY_LENGTH) {
      if (identityByLength.size >= MAX_IDENTITY_LENGTHS) identityByLength.delete(identityByLength.keys().next().value as number);
      identityByLength.set(n, indexes);
    }
  }
  if (batchScratch.length < n) batchScratch = new Array<LogBatch | undefined>(Math.max(n, 2 * batchScratch.length));
  batchScratch.fill(batch, 0, n);
  try {
    encoder.encodeInto({ batches: batchScratch as LogBatch[], indexes, offsets: indexes, base: 0n }, w);
  } finally {
    batchScratch.fill(undefined, 0, n);
  }
}

/** encodeOneBatch's identity arrays by length (the oldest dropped beyond MAX_IDENTITY_LENGTHS). */
const identityByLength = new Map<number, number[]>();
const MAX_IDENTITY_LENGTHS = 16;
/** Longer arrays are made per entry (they would keep up to 16 x 8 bytes x length). */
const MAX_KEPT_IDENTITY_LENGTH = 16_384;
let batchScratch: (LogBatch | undefined)[] = [];

function identityIndexes(n: number): number[] {
  if (identity.length < n) identity = Array.from({ length: Math.max(n, 2 * identity.length) }, (_, i) => i);
  return n === identity.length ? identity : identity.slice(0, n);
}

/** identityIndexes(n) as an array the caller owns (copied once: a shorter one is a slice already). */
function ownIdentityIndexes(n: number): number[] {
  const ids = identityIndexes(n);
  return ids === identity ? ids.slice() : ids;
}

/** A log entry's payload as a queue entry: a Native block kept as bytes, or a decoded LogBatch. Throws when malformed. */
function queueEntryOf(payload: Buffer, next: number, appendedAt: number, seq: number, allocate: (size: number) => Buffer): QueueEntry {
  if (isNativeEntry(payload)) {
    const e = decodeNativeEntry(payload, allocate);
    const native: QueuedNative = { block: e.block, rows: e.rows, columns: e.columns, columnsKey: e.columns.join('\0') };
    return { batch: undefined, native, next, bytes: e.block.length, enqueuedAt: appendedAt, seq };
  }
  const batch = decodeLogBatch(payload);
  const bytes = estimatedBytes(batch);
  return { batch, next, bytes, enqueuedAt: appendedAt, seq };
}

/** The INSERT column list of a block of Native entries (InsertId last when each insert adds it). */
function insertColumnsOf(native: NonNullable<InsertBlock['native']>): readonly string[] {
  return native.insertIds ? [...native.columns, 'InsertId'] : native.columns;
}

/**
 * The rows of a block of Native entries that `keep` selects (the half that isolates a
 * rejected row, or the rows a retry finds not stored): each part cut to its selected runs
 * of rows (native-slice.ts). The rows keep their offsets, hence their InsertIds.
 */
function nativeSubBlock(block: InsertBlock, keep: (k: number) => boolean): InsertBlock {
  const native = block.native!;
  const sub: InsertBlock = { ...block, batches: [], indexes: [], offsets: [], native: { ...native, parts: [], partRows: [] } };
  let at = 0;
  for (let p = 0; p < native.parts.length; p++) {
    const rows = native.partRows[p];
    const runs: RowRun[] = [];
    let selected = 0;
    for (let r = 0; r < rows; r++) {
      if (!keep(at + r)) continue;
      sub.offsets.push(block.offsets[at + r]);
      selected++;
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === r) runs[runs.length - 1] = [last[0], r + 1];
      else runs.push([r, r + 1]);
    }
    if (selected > 0) {
      const part = native.parts[p];
      sub.native!.parts.push(selected === rows ? part : selectNativeRows(part, runs, nativeBlockLayout(part)));
      sub.native!.partRows.push(selected);
    }
    at += rows;
  }
  return sub;
}
