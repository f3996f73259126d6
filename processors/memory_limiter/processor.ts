/**
 * The memory_limiter processor: refuses batches while the collector uses too
 * much memory, so that senders back off (and retry) instead of the process
 * growing until the OS or V8 kills it and loses everything queued.
 *
 * Put it FIRST in every pipeline's processors: refusing is only cheap before
 * any other stage has spent work (template mining, spam state) on the batch,
 * and only a refusal at the head reaches the receiver as a retryable status.
 *
 *   processors: [memory_limiter, template, control]
 *
 * Every check_interval it measures memory (heap used + external, see
 * managedMemoryBytes: RSS is not used because it does not fall when the
 * collector frees batches — V8 and malloc keep the pages — so a limiter on RSS
 * could refuse for ever, and because chDB's native memory in the same process
 * is not something refusing log batches can release). Then:
 *   - at or above the soft limit (limit - spike) consumeLogs() rejects with
 *     RetryableError(reason 'exhausted', retry_delay): receivers answer gRPC
 *     RESOURCE_EXHAUSTED with a RetryInfo delay, the compact stream an Ack with that
 *     code and delay, OTLP/HTTP 429 with Retry-After; SDKs and OTLP exporters retry;
 *   - it forces a garbage collection above the hard limit at most every
 *     min_gc_interval_when_hard_limited, and at or above the soft limit at most every
 *     min_gc_interval_when_soft_limited (as otelcol does), with gc() obtained at run
 *     time when Node was not started with --expose-gc (runtime-gc.ts): memory nothing
 *     references (large buffers of a finished read) is returned only by a collection,
 *     and a limiter that refuses every batch makes no garbage to trigger one;
 *   - while at or above the soft limit it also evicts least recently seen entries
 *     of the collector's template dictionary (Host.templates; its bytes are part
 *     of the heap measured here), about the overshoot each check: the dictionary is
 *     the one long-lived store clients fill, and without shedding it a dictionary
 *     grown past the limit kept the limiter refusing every client for ever
 *     (issue 12). Evicted templates are re-admitted at their next use;
 *   - below the soft limit it accepts again (logged, with the time spent refusing).
 *
 * Metrics (label processor=<id>):
 *   logfun_processor_refused_records_total{reason="memory"}   records refused
 *   logfun_memory_limiter_memory_bytes                         last measurement
 *   logfun_memory_limiter_limit_bytes{limit="soft"|"hard"}     the limits
 *   logfun_memory_limiter_refusing                             1 while refusing
 *   logfun_memory_limiter_forced_gc_total                      GCs forced above the hard limit
 *   logfun_memory_limiter_template_bytes_shed_total            dictionary bytes evicted under pressure
 */
import { runtimeGc } from './runtime-gc';
import * as v8 from 'v8';
import type { LogBatch } from '../../collector/pipeline/batch';
import { templateAttributesNeeded, type CreateSettings, type DiagLogger, type Host, type LogsConsumer, type Processor } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import type { Counter } from '../../collector/telemetry/metrics';
import { managedMemoryBytes } from '../../collector/telemetry/process-metrics';
import type { ResolvedMemoryLimiterConfig } from './config';
import type { TemplateDictionary } from '../../collector/templates/dictionary';

export interface MemoryLimiterOptions {
  /** Bytes in use now; default managedMemoryBytes (heap used + external). */
  readMemory?: () => number;
  /** Forces a garbage collection; default globalThis.gc when the process exposes it. */
  gc?: () => void;
  now?: () => number;
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;

export class MemoryLimiterProcessor implements Processor {
  private readonly logger: DiagLogger;
  private readonly id: string;
  private readonly readMemory: () => number;
  private readonly gc: (() => void) | undefined;
  private readonly now: () => number;
  private readonly refused: Counter;
  private readonly memoryGauge: Counter;
  private readonly refusingGauge: Counter;
  private readonly gcCounter: Counter;
  private timer: NodeJS.Timeout | undefined;
  private refusing = false;
  private refusingSince = 0;
  private lastGcAt = -Infinity;
  private lastMeasured = 0;
  private templates: TemplateDictionary | undefined;
  private readonly shedCounter: Counter;

  constructor(
    settings: CreateSettings,
    private readonly config: ResolvedMemoryLimiterConfig,
    private readonly next: LogsConsumer,
    options: MemoryLimiterOptions = {},
  ) {
    this.logger = settings.logger;
    this.id = settings.id;
    this.readMemory = options.readMemory ?? (() => managedMemoryBytes());
    this.gc = options.gc ?? runtimeGc();
    this.now = options.now ?? Date.now;
    const m = settings.metrics;
    this.refused = m.counter('logfun_processor_refused_records_total', 'Records a processor refused with a retryable error, by processor and reason (memory).');
    this.memoryGauge = m.gauge('logfun_memory_limiter_memory_bytes', 'Memory in use (V8 heap used + external) at the last check of the memory_limiter.');
    this.refusingGauge = m.gauge('logfun_memory_limiter_refusing', '1 while the memory_limiter refuses batches, else 0.');
    this.gcCounter = m.counter('logfun_memory_limiter_forced_gc_total', 'Garbage collections the memory_limiter forced (above the hard limit, or the soft one less often).');
    this.shedCounter = m.counter('logfun_memory_limiter_template_bytes_shed_total', 'Approximate bytes of template dictionary entries the memory_limiter evicted while above the soft limit.');
    const limits = m.gauge('logfun_memory_limiter_limit_bytes', 'Limits of the memory_limiter in bytes (soft: refuse at or above; hard: also force a GC).');
    limits.set({ processor: this.id, limit: 'soft' }, config.softLimitBytes);
    limits.set({ processor: this.id, limit: 'hard' }, config.hardLimitBytes);
    this.refused.inc({ processor: this.id, reason: 'memory' }, 0);
    this.refusingGauge.set({ processor: this.id }, 0);
  }

  /** True while batches are refused (as of the last check). */
  get isRefusing(): boolean {
    return this.refusing;
  }

  /** Bytes measured at the last check. */
  get memoryInUse(): number {
    return this.lastMeasured;
  }

  async start(host: Host): Promise<void> {
    this.templates = host.templates;
    if (this.timer) return;
    const heapLimit = v8.getHeapStatistics().heap_size_limit;
    if (this.config.softLimitBytes > heapLimit) {
      this.logger.warn('memory_limiter: the soft limit is above the V8 heap limit; a heap-bound process may run out of heap before the limiter refuses (raise --max-old-space-size or lower the limit)', {
        processor: this.id,
        soft_limit_mib: mib(this.config.softLimitBytes),
        heap_size_limit_mib: mib(heapLimit),
      });
    }
    this.check();
    this.timer = setInterval(() => this.check(), this.config.checkIntervalMs);
    this.timer.unref();
  }

  /** Reads no template attributes itself: as the consumers after it. */
  templateAttributesNeeded(): boolean {
    return templateAttributesNeeded(this.next);
  }

  consumeLogs(batch: LogBatch): Promise<void> {
    if (this.refusing && batch.length > 0) {
      this.refused.inc({ processor: this.id, reason: 'memory' }, batch.length);
      return Promise.reject(
        new RetryableError(
          `${this.id}: memory use ${mib(this.lastMeasured)} MiB is above the soft limit ${mib(this.config.softLimitBytes)} MiB; retry later`,
          this.config.retryDelayMs,
          'exhausted',
        ),
      );
    }
    return this.next.consumeLogs(batch);
  }

  /** Measures memory and decides whether to refuse; run every check_interval (public for tests that drive time). */
  check(): void {
    let used = this.readMemory();
    // As otelcol's: a GC above the hard limit, and (less often) at or above the soft one, so
    // memory nothing references any more comes back even while every batch is refused.
    const gcInterval = used > this.config.hardLimitBytes ? this.config.minGcIntervalMs : used >= this.config.softLimitBytes ? this.config.minSoftGcIntervalMs : Infinity;
    if (this.gc && this.now() - this.lastGcAt >= gcInterval) {
      this.lastGcAt = this.now();
      try {
        this.gc();
        this.gcCounter.inc({ processor: this.id });
        used = this.readMemory();
      } catch (e) {
        this.logger.warn('memory_limiter: forced GC failed', { processor: this.id, error: (e as Error).message });
      }
    }
    this.lastMeasured = used;
    this.memoryGauge.set({ processor: this.id }, used);
    const refuse = used >= this.config.softLimitBytes;
    if (refuse) this.shedTemplates(used);
    if (refuse === this.refusing) return;
    this.refusing = refuse;
    this.refusingGauge.set({ processor: this.id }, refuse ? 1 : 0);
    if (refuse) {
      this.refusingSince = this.now();
      this.logger.warn('memory_limiter: memory above the soft limit, refusing batches', {
        processor: this.id,
        memory_mib: mib(used),
        soft_limit_mib: mib(this.config.softLimitBytes),
        hard_limit_mib: mib(this.config.hardLimitBytes),
      });
    } else {
      this.logger.info('memory_limiter: memory below the soft limit again, accepting batches', {
        processor: this.id,
        memory_mib: mib(used),
        refused_for_ms: this.now() - this.refusingSince,
      });
    }
  }

  /** Evicts about the overshoot (at least a tenth of the dictionary) from the template dictionary. */
  private shedTemplates(used: number): void {
    const dictionary = this.templates;
    if (dictionary === undefined || dictionary.size === 0) return;
    const before = dictionary.bytes;
    const want = Math.max(used - this.config.softLimitBytes, before / 10);
    const freed = dictionary.shed(want);
    if (freed <= 0) return;
    this.shedCounter.inc({ processor: this.id }, freed);
    this.logger.warn('memory_limiter: evicted template dictionary entries to relieve memory', {
      processor: this.id,
      freed_mib: mib(freed),
      dictionary_mib: mib(dictionary.bytes),
    });
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
