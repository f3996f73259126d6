/**
 * The record pipeline behind every logger (and the OTel LoggerProvider) of one
 * createLogger() call: the bounded buffer, batching by count/bytes/time, the
 * export loop with retries, counters, drop reports, shutdown and exit flushes.
 *
 * Hot path (`write`): a few typed-array stores and one array push; never a
 * formatted string, never a promise, never a timer per record.
 *
 * Export loop: one batch in flight at a time (records stay in the buffer
 * until the transport acknowledges them). A retryable failure keeps the same
 * batch and retries it with exponential backoff and jitter for as long as the
 * pipeline runs; while it waits, new records accumulate and, once the buffer
 * is full, are dropped and counted. A permanent failure drops the batch and
 * counts it. Every drop is reported (diagnostics callback + an in-band WARN
 * record), at most once per report interval, never silently.
 *
 * Muted counts (mute-counts.ts): records a control rule muted at the call site are
 * counted per (template id, code.function, reason) and drained into the next batch
 * (ExportBatch.mutedCounts) when the transport carries them (the compact stream);
 * when only counts are pending, a batch with no records goes out after batchDelayMs,
 * so a site muted for good still reports within one batch delay. Counts leave the
 * counter only into a batch and ride with it (same sequence on every retry); they
 * go back to the counter when that batch is split or refused permanently with
 * records (those records go out again or are counted as dropped; the counts go
 * with the next batch).
 *
 * Awaited work keeps the process alive (keep-alive.ts): transports' sockets and
 * timers are unref'd, so `shutdown()` holds a ref'd handle until it settles and
 * `flush()` waits on a ref'd timer; both are bounded. shutdown() returns within
 * shutdownTimeoutMs (the flush; what is still buffered then is counted as dropped
 * at shutdown and reported) plus TRANSPORT_CLOSE_TIMEOUT_MS (closing the transport),
 * whether the receiver is up, down or goes away meanwhile.
 *
 * Process exit: on 'beforeExit' (the event loop ran dry) the pipeline flushes
 * with ref'd timers, bounded by shutdownTimeoutMs. 'exit' (process.exit(), an
 * uncaught exception, or the end after beforeExit) only allows synchronous code
 * and gRPC is asynchronous, so records still buffered then are lost: the pipeline
 * reports how many, and why (the exit flush could not deliver them, or the process
 * ended before they were sent). Call `await logger.shutdown()` before
 * process.exit() / in signal handlers.
 */
import { context as otelContext, trace, isSpanContextValid, ROOT_CONTEXT } from '@opentelemetry/api';
import { nowMs, resyncClock } from './clock';
import { RecordBuffer, type RecordExtra } from './record-buffer';
import type { InstrumentationScope, Resource } from './resource';
import { Template } from './templates';
import { ExportBatch, ExportError, type ExportResult, type RecordMuteDecider, type Transport } from './transport';
import { MutedCounter, type MutedCount } from './mute-counts';
import { boundedWait, keepAliveWhile } from './keep-alive';
import type { ArgumentValue, AttributeList } from '../protocol/values';

export interface PipelineOptions {
  transport: Transport;
  resource: Resource;
  /** Buffer bound: records and estimated bytes held (pending + unacknowledged). */
  maxBufferedRecords: number;
  maxBufferedBytes: number;
  /** Batch bounds and the longest a record waits before its batch is sent. */
  maxBatchRecords: number;
  maxBatchBytes: number;
  batchDelayMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Bound on flushing at shutdown and at process exit. */
  shutdownTimeoutMs: number;
  /** Least time between two drop reports. */
  dropReportIntervalMs: number;
  /** Where SDK problems (drops, failing exports, loss at exit) are reported. */
  diagnostics: (message: string) => void;
  /** Attach the active OpenTelemetry span's trace/span id to records. */
  traceContext: boolean;
  /** Install beforeExit/exit hooks. */
  exitHooks: boolean;
}

export interface LoggerStats {
  /**
   * Records that passed the level check and mute rules (then accepted into the
   * buffer or dropped), the SDK's own drop reports included.
   */
  emitted: number;
  /** Records lost: droppedBufferFull + droppedRejected + droppedAtShutdown. */
  dropped: number;
  /** Records the receiver acknowledged. */
  exported: number;
  /** Failed export attempts (each retry counts). */
  failedExports: number;
  /** Records in the buffer now (pending + awaiting acknowledgement). */
  buffered: number;
  droppedBufferFull: number;
  /** Refused permanently by the receiver (permanent errors, partial success). */
  droppedRejected: number;
  /** Still buffered when shutdown (or exit) gave up, or logged after shutdown. */
  droppedAtShutdown: number;
  /**
   * Records not recorded because their template or function scope was muted by
   * a control rule (not counted in emitted or dropped: muting is intended).
   */
  muted: number;
}

const MAX_UNEXPECTED_FAILURES_PER_BATCH = 5;

/**
 * Bound on Transport.shutdown() (after the flush): a transport that does not close
 * within it is left behind (its handles are unref'd) so shutdown() still returns.
 */
export const TRANSPORT_CLOSE_TIMEOUT_MS = 2000;

/**
 * Where @opentelemetry/api 1.x keeps its registered globals (internal/global-utils.js:
 * `Symbol.for('opentelemetry.js.api.' + major)`). Without a `context` entry there,
 * context.active() can only return ROOT_CONTEXT: checking the entry (~2 ns) saves
 * the API call (~25 ns) per record in services that do not use OTel tracing.
 */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

function contextManagerRegistered(): boolean {
  const api = (globalThis as { [key: symbol]: { context?: unknown } | undefined })[OTEL_API_GLOBAL];
  return api !== undefined && api.context !== undefined;
}

const DROP_REPORT_TEMPLATE = new Template(
  'tagged',
  'logfun SDK dropped {} log records ({} buffer full, {} rejected by the receiver, {} at shutdown) in the last {} ms',
  ['logfun SDK dropped ', ' log records (', ' buffer full, ', ' rejected by the receiver, ', ' at shutdown) in the last ', ' ms'],
  undefined,
  undefined,
  false,
);

/** Pipelines with exit hooks; one pair of process listeners serves them all. */
const liveForExit = new Set<Pipeline>();
let exitListenersInstalled = false;

function onBeforeExit(): void {
  for (const p of liveForExit) p.flushBeforeExit();
}

function onExit(): void {
  for (const p of liveForExit) p.reportLossAtExit();
}

function registerForExit(p: Pipeline): void {
  liveForExit.add(p);
  if (!exitListenersInstalled) {
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
    exitListenersInstalled = true;
  }
}

function unregisterForExit(p: Pipeline): void {
  liveForExit.delete(p);
  if (liveForExit.size === 0 && exitListenersInstalled) {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    exitListenersInstalled = false;
  }
}

export class Pipeline {
  readonly buffer: RecordBuffer;
  readonly transport: Transport;
  readonly resource: Resource;
  private readonly options: PipelineOptions;

  private emitted = 0;
  /** Muted calls, counted for the collector (the logger's hot path increments these). */
  readonly mutes: MutedCounter;
  private exported = 0;
  private failedExports = 0;
  private consecutiveFailures = 0;
  /** Consecutive non-ExportError failures of the current batch. */
  private unexpectedFailures = 0;
  private droppedBufferFull = 0;
  private droppedRejected = 0;
  private droppedAtShutdown = 0;

  private batchSequence = 0;
  private droppedSinceBatch = 0;
  /** Batch size limit while resending a batch the receiver refused as too large. */
  private splitBatchRecords: number | undefined;
  /** The batch in flight or waiting for a retry. */
  private current: ExportBatch | undefined;

  private draining: Promise<void> | undefined;
  /** Export everything pending (timer fired, flush, shutdown), not just full batches. */
  private flushAll = false;
  private batchTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  private wakeSleep: (() => void) | undefined;
  /** Retries stop (and shutdown gives up) after this time; Infinity while running. */
  private deadline = Infinity;
  /** During exit flushes timers must keep the process alive. */
  private refTimers = false;
  private exitFlushRunning = false;
  private emittedAtLastExitFlush = 0;
  private closed = false;
  /** Set when shutdown gave up: the drain loop must not touch the buffer any more. */
  private abandoned = false;
  private shutdownPromise: Promise<void> | undefined;
  /** shutdown() has finished (flushed or given up, transport closed or left behind). */
  private shutdownDone = false;

  private droppedSinceReport = { bufferFull: 0, rejected: 0, atShutdown: 0 };
  /** -Infinity: the first drop is reported at once; later ones at most once per interval. */
  private lastReportAt = -Infinity;
  private reportWindowStart = nowMs();
  /** A drop report that did not fit in the full buffer; appended once space frees. */
  private pendingReportArgs: ArgumentValue[] | undefined;
  private reportTimer: NodeJS.Timeout | undefined;

  /** The transport's control rules, checked per record while they cannot be told by template flags alone (Transport.attach). */
  private recordMutes: RecordMuteDecider | undefined;

  private readonly traceContext: boolean;
  private readonly maxBatchRecords: number;
  private readonly maxBatchBytes: number;

  constructor(options: PipelineOptions) {
    this.options = options;
    this.transport = options.transport;
    this.resource = options.resource;
    this.buffer = new RecordBuffer(options.maxBufferedRecords, options.maxBufferedBytes);
    this.traceContext = options.traceContext;
    this.maxBatchRecords = options.maxBatchRecords;
    this.maxBatchBytes = options.maxBatchBytes;
    this.mutes = new MutedCounter(() => this.onMutedPending());
    if (options.exitHooks) registerForExit(this);
  }

  get isShutdown(): boolean {
    return this.closed;
  }

  // ---- hot path ----

  /** Sets (undefined: clears) the decider every record is checked against (TransportContext.setRecordMutes). */
  setRecordMutes(decider: RecordMuteDecider | undefined): void {
    this.recordMutes = decider;
  }

  /** Counts a muted record without a site (stats only; sites are counted through `mutes`). */
  noteMuted(): void {
    this.mutes.siteless++;
  }

  /** Whether the transport sends muted counts (then count-only batches are worth sending). */
  private carriesCounts(): boolean {
    return this.transport.carriesMutedCounts === true;
  }

  /** Counts became pending: make sure a batch goes out within batchDelayMs. */
  private onMutedPending(): void {
    if (this.closed || !this.carriesCounts()) return;
    if (this.draining !== undefined || this.immediate !== undefined) return;
    this.armBatchTimer();
  }

  /** A batch with no records is due: an export-everything pass with only muted counts pending. */
  private countsDue(): boolean {
    return this.flushAll && this.mutes.hasPending && this.carriesCounts();
  }

  /** Nothing buffered, nothing in flight, no muted counts waiting to be sent. */
  private settled(): boolean {
    return this.buffer.count === 0 && this.current === undefined && !(this.mutes.hasPending && this.carriesCounts());
  }

  /**
   * Buffers one record logged through the logfun API, unless the transport's
   * record mutes mute it (counted as muted). `template` is the one the record uses
   * (inside a traced() scope the scope's variant: its code.function is the scope's
   * name). `args` must already be captured (owned by the record); `bytes` is the
   * estimated encoded size.
   */
  write(
    severity: number,
    template: Template,
    args: ArgumentValue[] | undefined,
    bound: AttributeList | undefined,
    attrs: AttributeList | undefined,
    bytes: number,
  ): void {
    const mutes = this.recordMutes;
    if (mutes !== undefined) {
      const reason = mutes.muteReason(template.site?.function ?? '', template.id);
      if (reason !== 0) {
        this.mutes.countTemplateFor(template, reason);
        return;
      }
    }
    this.append(severity, template, args, bound, attrs, bytes);
  }

  /** Buffers one record (write's contract), muted or not: the SDK's own records (drop reports) use it directly. */
  private append(severity: number, template: Template, args: ArgumentValue[] | undefined, bound: AttributeList | undefined, attrs: AttributeList | undefined, bytes: number): void {
    this.emitted++;
    if (this.closed) {
      this.noteDropped('atShutdown', 1);
      return;
    }
    const buf = this.buffer;
    const slot = buf.append(bytes);
    if (slot < 0) {
      this.noteDropped('bufferFull', 1);
      return;
    }
    const ms = nowMs();
    const sec = Math.floor(ms / 1000);
    const nano = Math.round((ms - sec * 1000) * 1e6);
    // A free slot's other columns are already undefined / 0 (RecordBuffer's slot contract).
    buf.template[slot] = template;
    buf.severity[slot] = severity;
    buf.timeSec[slot] = sec;
    buf.timeNano[slot] = nano > 999_999_999 ? 999_999_999 : nano;
    if (args !== undefined) buf.args[slot] = args;
    if (bound !== undefined) buf.bound[slot] = bound;
    if (attrs !== undefined) buf.attrs[slot] = attrs;
    if (this.traceContext && contextManagerRegistered()) {
      const ctx = otelContext.active();
      if (ctx !== ROOT_CONTEXT) this.setSpanContext(slot, ctx);
    }
    this.afterAppend();
  }

  /** Buffers one record from the OpenTelemetry API (exact timestamps, any body, its own scope). */
  writeApiRecord(
    severity: number,
    timeSec: number,
    timeNano: number,
    extra: RecordExtra,
    attrs: AttributeList,
    scope: InstrumentationScope,
    spanContext: { traceId: string; spanId: string; traceFlags: number } | undefined,
    bytes: number,
  ): void {
    this.emitted++;
    if (this.closed) {
      this.noteDropped('atShutdown', 1);
      return;
    }
    const buf = this.buffer;
    const slot = buf.append(bytes);
    if (slot < 0) {
      this.noteDropped('bufferFull', 1);
      return;
    }
    buf.severity[slot] = severity;
    buf.timeSec[slot] = timeSec;
    buf.timeNano[slot] = timeNano;
    if (attrs.keys.length > 0 || attrs.dropped > 0) buf.attrs[slot] = attrs;
    buf.scope[slot] = scope;
    buf.extra[slot] = extra;
    if (spanContext) {
      buf.traceId[slot] = spanContext.traceId;
      buf.spanId[slot] = spanContext.spanId;
      buf.traceFlags[slot] = spanContext.traceFlags;
    }
    this.afterAppend();
  }

  /** Sets the slot's trace columns from the context's span, when it has a valid one (else they stay free). */
  private setSpanContext(slot: number, ctx: ReturnType<typeof otelContext.active>): void {
    const sc = trace.getSpanContext(ctx);
    if (sc !== undefined && isSpanContextValid(sc)) {
      const buf = this.buffer;
      buf.traceId[slot] = sc.traceId;
      buf.spanId[slot] = sc.spanId;
      buf.traceFlags[slot] = sc.traceFlags;
    }
  }

  private afterAppend(): void {
    if (this.draining !== undefined || this.immediate !== undefined) return;
    const buf = this.buffer;
    if (buf.pendingCount >= this.maxBatchRecords || buf.pendingBytes >= this.maxBatchBytes) {
      // Not synchronously: the logging call must return at once.
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        void this.drain(false);
      });
      if (!this.refTimers) this.immediate.unref();
    } else if (this.batchTimer === undefined) {
      this.armBatchTimer();
    }
  }

  private armBatchTimer(): void {
    if (this.batchTimer !== undefined || this.closed) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      void this.drain(true);
    }, this.options.batchDelayMs);
    if (!this.refTimers) this.batchTimer.unref();
  }

  // ---- export loop ----

  /** Runs the export loop (one at a time); `all` exports every pending record, else full batches only. */
  private drain(all: boolean): Promise<void> {
    if (all) this.flushAll = true;
    if (this.draining !== undefined) return this.draining;
    if (this.batchTimer !== undefined && all) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    const run = this.runExportLoop().finally(() => {
      this.draining = undefined;
      this.flushAll = false;
      if (!this.closed && !this.abandoned && this.buffer.pendingCount > 0) {
        if (this.buffer.pendingCount >= this.maxBatchRecords || this.buffer.pendingBytes >= this.maxBatchBytes) void this.drain(false);
        else this.armBatchTimer();
      } else if (!this.closed && !this.abandoned && this.mutes.hasPending && this.carriesCounts()) {
        this.armBatchTimer();
      }
    });
    this.draining = run;
    return run;
  }

  private hasWork(): boolean {
    if (this.current !== undefined) return true;
    const buf = this.buffer;
    if (buf.pendingCount === 0) return this.countsDue();
    return this.flushAll || buf.pendingCount >= this.maxBatchRecords || buf.pendingBytes >= this.maxBatchBytes;
  }

  private async runExportLoop(): Promise<void> {
    resyncClock();
    let backoff = this.options.initialBackoffMs;
    while (!this.abandoned && this.hasWork()) {
      let batch = this.current;
      if (batch === undefined) {
        const window = this.buffer.take(this.splitBatchRecords ?? this.maxBatchRecords, this.maxBatchBytes) ?? (this.countsDue() ? this.buffer.emptyWindow() : undefined);
        if (window === undefined) break;
        batch = new ExportBatch(this.buffer, window, ++this.batchSequence, this.droppedSinceBatch, this.resource);
        // Transports that cannot carry counts get none (they are dropped here: stats().muted keeps the total).
        const counts = this.mutes.drain();
        if (this.carriesCounts()) batch.mutedCounts = counts;
        this.droppedSinceBatch = 0;
        this.current = batch;
      }
      let result: ExportResult | void;
      try {
        result = await this.transport.export(batch);
      } catch (err) {
        if (this.abandoned) return;
        this.failedExports++;
        if (err instanceof ExportError && err.tooLarge && batch.length > 1) {
          // Resend the same records in halves (the buffer window goes back to pending).
          this.current = undefined;
          this.buffer.rewind();
          this.mutes.restore(batch.mutedCounts);
          this.splitBatchRecords = Math.ceil(batch.length / 2);
          this.options.diagnostics(`logfun: ${this.transport.name} refused a batch of ${batch.length} records as too large; splitting it`);
          continue;
        }
        // An unexpected error (not an ExportError) may be a bug that fails this batch every
        // time: it gets a few attempts, so one poison batch cannot block the pipeline forever.
        this.unexpectedFailures = err instanceof ExportError ? 0 : this.unexpectedFailures + 1;
        const retryable =
          err instanceof ExportError ? err.retryable && !err.tooLarge : this.unexpectedFailures < MAX_UNEXPECTED_FAILURES_PER_BATCH;
        if (!retryable) {
          this.current = undefined;
          this.buffer.release(batch.window);
          this.splitBatchRecords = undefined;
          this.unexpectedFailures = 0;
          if (batch.length > 0) {
            // The counts were not delivered: they go with the next batch (records that are not dropped).
            this.mutes.restore(batch.mutedCounts);
            this.noteDropped('rejected', batch.length);
            this.options.diagnostics(`logfun: ${this.transport.name} export rejected ${batch.length} log records permanently: ${describe(err)}`);
          } else {
            // Only counts: sending them again would be refused again.
            this.options.diagnostics(
              `logfun: ${this.transport.name} refused a report of ${sumCounts(batch.mutedCounts)} muted log records permanently: ${describe(err)}`,
            );
          }
          continue;
        }
        const remaining = this.deadline - nowMs();
        if (remaining <= 0) return;
        const suggested = err instanceof ExportError && err.retryAfterMs !== undefined ? err.retryAfterMs : 0;
        const jittered = Math.max(suggested, backoff * (0.5 + Math.random() * 0.5));
        this.consecutiveFailures++;
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
          this.options.diagnostics(
            `logfun: ${this.transport.name} export failed ${this.consecutiveFailures} time(s) in a row (${describe(err)}); ` +
              `${this.buffer.count} records kept for retry`,
          );
        }
        await this.sleep(Math.min(jittered, remaining));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
        continue;
      }
      if (this.abandoned) return;
      if (this.consecutiveFailures > 0) {
        this.options.diagnostics(`logfun: ${this.transport.name} export recovered after ${this.consecutiveFailures} failed attempt(s)`);
        this.consecutiveFailures = 0;
      }
      this.current = undefined;
      this.buffer.release(batch.window);
      this.splitBatchRecords = undefined;
      this.unexpectedFailures = 0;
      this.appendPendingReport();
      const rejected = result ? Math.min(Math.max(0, result.rejected), batch.length) : 0;
      this.exported += batch.length - rejected;
      if (rejected > 0) {
        this.noteDropped('rejected', rejected);
        this.options.diagnostics(`logfun: ${this.transport.name} receiver rejected ${rejected} of ${batch.length} log records: ${result?.message ?? ''}`);
      }
      backoff = this.options.initialBackoffMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      if (!this.refTimers) timer.unref();
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeSleep === done) self.wakeSleep = undefined;
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  private wake(): void {
    this.wakeSleep?.();
  }

  // ---- flush / shutdown / exit ----

  /**
   * Exports everything buffered now. Resolves true when the buffer is empty,
   * false when `timeoutMs` passed first (the export loop keeps retrying).
   */
  async flush(timeoutMs = this.options.shutdownTimeoutMs): Promise<boolean> {
    if (this.abandoned) return this.buffer.count === 0;
    if (this.settled()) return true;
    // A ref'd timer: the caller awaits this, so the process stays alive until the buffer
    // emptied or the timeout passed (the transport's own handles are unref'd).
    await boundedWait(this.drainEverything(), timeoutMs, () => undefined);
    return this.settled();
  }

  /** Loops the export until nothing is buffered (and no muted counts wait) or the deadline passed. */
  private async drainEverything(): Promise<void> {
    while (!this.abandoned && !this.settled() && nowMs() < this.deadline) {
      await this.drain(true);
    }
  }

  /**
   * Flushes (bounded by shutdownTimeoutMs), counts what is left as dropped, closes the
   * transport (bounded by TRANSPORT_CLOSE_TIMEOUT_MS). Idempotent. The process stays
   * alive until it resolves, and it always resolves (never rejects).
   */
  shutdown(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    // Drops not reported yet go in-band now, while records are still accepted, so the final flush carries them.
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    this.reportDrops();
    this.closed = true;
    this.shutdownPromise = keepAliveWhile(this.runShutdown()).finally(() => {
      this.shutdownDone = true;
    });
    return this.shutdownPromise;
  }

  private async runShutdown(): Promise<void> {
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.deadline = Math.min(this.deadline, nowMs() + this.options.shutdownTimeoutMs);
    this.wake();
    await boundedWait(this.drainEverything(), this.deadline - nowMs(), () => undefined);
    this.giveUpOnBuffered();
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    this.reportDrops();
    unregisterForExit(this);
    const name = this.transport.name;
    const closing = Promise.resolve()
      .then(() => this.transport.shutdown())
      .then(
        () => undefined,
        (err: unknown) => this.options.diagnostics(`logfun: ${name} transport shutdown failed: ${describe(err)}`),
      );
    await boundedWait(closing, TRANSPORT_CLOSE_TIMEOUT_MS, () =>
      this.options.diagnostics(`logfun: ${name} transport did not close within ${TRANSPORT_CLOSE_TIMEOUT_MS} ms; shutdown continues without it`),
    );
  }

  private giveUpOnBuffered(): void {
    this.abandoned = true;
    this.wake();
    if (this.carriesCounts()) {
      const unsent = this.mutes.pendingTotal() + (this.current ? sumCounts(this.current.mutedCounts) : 0);
      if (unsent > 0) this.options.diagnostics(`logfun: counts of ${unsent} muted log records were not delivered to ${this.transport.name} before shutdown`);
    }
    this.current = undefined;
    const lost = this.buffer.clear();
    if (lost > 0) this.noteDropped('atShutdown', lost, false);
  }

  /** beforeExit: flush with ref'd timers so the event loop stays alive until done (bounded). */
  flushBeforeExit(): void {
    if (this.closed || this.settled()) return;
    // One attempt per burst of records: when the receiver stays down, a second
    // beforeExit finds no new records (or muted calls) and lets the process end.
    const calls = this.emitted + this.mutes.total;
    if (this.exitFlushRunning || calls === this.emittedAtLastExitFlush) return;
    this.exitFlushRunning = true;
    this.emittedAtLastExitFlush = calls;
    this.refTimers = true;
    this.deadline = Math.min(this.deadline, nowMs() + this.options.shutdownTimeoutMs);
    this.wake();
    // A ref'd handle for the duration: the transport's sockets may be unref'd.
    const keepAlive = setInterval(() => undefined, 1000);
    void this.drainEverything().finally(() => {
      clearInterval(keepAlive);
      this.exitFlushRunning = false;
      // The process may live on (another beforeExit listener scheduled work): back to normal operation.
      if (!this.closed) {
        this.refTimers = false;
        this.deadline = Infinity;
      }
    });
  }

  /** exit: only synchronous work is possible; report what is lost, and why. */
  reportLossAtExit(): void {
    if (this.shutdownDone) return;
    const lost = this.buffer.count;
    if (lost > 0) {
      this.options.diagnostics(`logfun: process exiting with ${lost} log records not delivered to ${this.transport.name}: ${this.whyLostAtExit()}`);
    }
    const d = this.droppedSinceReport;
    if (d.bufferFull + d.rejected > 0) this.reportDrops(false);
  }

  /** The reason given for records still buffered at 'exit' (it decides what the user should change). */
  private whyLostAtExit(): string {
    if (this.closed) return 'the process ended while logger.shutdown() was still running (await it before exiting)';
    // The flush at beforeExit covered every record logged so far: the receiver did not take them in time.
    if (this.emittedAtLastExitFlush > 0 && this.emittedAtLastExitFlush === this.emitted + this.mutes.total) {
      return `the flush at exit could not deliver them within ${this.options.shutdownTimeoutMs} ms (shutdownTimeoutMs)`;
    }
    return (
      'the process ended before they were sent (process.exit(), an uncaught exception or a signal); ' +
      'asynchronous export cannot run in an exit handler: await logger.shutdown() before process.exit()'
    );
  }

  // ---- drops ----

  private noteDropped(kind: 'bufferFull' | 'rejected' | 'atShutdown', n: number, schedule = true): void {
    if (kind === 'bufferFull') this.droppedBufferFull += n;
    else if (kind === 'rejected') this.droppedRejected += n;
    else this.droppedAtShutdown += n;
    this.droppedSinceReport[kind] += n;
    this.droppedSinceBatch += n;
    if (schedule && this.reportTimer === undefined && !this.closed) {
      const delay = Math.max(0, this.lastReportAt + this.options.dropReportIntervalMs - nowMs());
      this.reportTimer = setTimeout(() => {
        this.reportTimer = undefined;
        this.reportDrops();
      }, delay);
      this.reportTimer.unref();
    }
  }

  /** Reports drops since the last report: diagnostics, and an in-band WARN record when `inBand` and it fits. */
  private reportDrops(inBand = true): void {
    const d = this.droppedSinceReport;
    const total = d.bufferFull + d.rejected + d.atShutdown;
    if (total === 0) return;
    const now = nowMs();
    const sinceMs = Math.round(now - this.reportWindowStart);
    this.droppedSinceReport = { bufferFull: 0, rejected: 0, atShutdown: 0 };
    this.lastReportAt = now;
    this.reportWindowStart = now;
    const args: ArgumentValue[] = [total, d.bufferFull, d.rejected, d.atShutdown, sinceMs];
    this.options.diagnostics(`logfun: ${DROP_REPORT_TEMPLATE.render(args)} (service ${this.resource.serviceName})`);
    if (inBand && !this.closed) {
      if (this.pendingReportArgs) {
        // An older report never fitted: fold it into this one.
        const old = this.pendingReportArgs;
        for (let i = 0; i < 4; i++) (args[i] as number) += old[i] as number;
        args[4] = (args[4] as number) + (old[4] as number);
      }
      this.pendingReportArgs = args;
      this.appendPendingReport();
    }
  }

  /** Appends the pending in-band drop report when the buffer has room (never counted as a drop itself). */
  private appendPendingReport(): void {
    const args = this.pendingReportArgs;
    if (args === undefined || this.closed || this.buffer.count >= this.buffer.capacity || this.buffer.bytes + 64 > this.buffer.maxBytes) return;
    this.pendingReportArgs = undefined;
    this.append(13, DROP_REPORT_TEMPLATE, args, undefined, undefined, 64);
  }

  stats(): LoggerStats {
    return {
      emitted: this.emitted,
      dropped: this.droppedBufferFull + this.droppedRejected + this.droppedAtShutdown,
      exported: this.exported,
      failedExports: this.failedExports,
      buffered: this.buffer.count,
      droppedBufferFull: this.droppedBufferFull,
      droppedRejected: this.droppedRejected,
      droppedAtShutdown: this.droppedAtShutdown,
      muted: this.mutes.total,
    };
  }
}

function sumCounts(counts: readonly MutedCount[]): number {
  let n = 0;
  for (const c of counts) n += c.count;
  return n;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
