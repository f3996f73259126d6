/**
 * The batch processor: groups incoming batches into larger ones by record count
 * or time, so that downstream stages (ClickHouse inserts above all) see few,
 * large batches.
 *
 * Unlike otelcol's batch processor, a caller's consumeLogs() resolves only once
 * the batch holding its records has been accepted downstream (and rejects with
 * the downstream error), so receivers acknowledge senders only for delivered data
 * and backpressure reaches the sender.
 */
import { appendRecord, LogBatchBuilder, mergeBatches, type LogBatch } from '../../collector/pipeline/batch';
import { templateAttributesNeeded, type CreateSettings, type Host, type LogsConsumer, type Processor } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import { parseDuration } from '../../collector/config/units';
import type { BatchProcessorConfig } from './config';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class BatchProcessor implements Processor {
  private pending: LogBatch[] = [];
  private pendingRecords = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;
  private stopped = false;

  constructor(private readonly settings: CreateSettings, private readonly config: BatchProcessorConfig, private readonly next: LogsConsumer) {
    this.timeoutMs = parseDuration(config.timeout);
  }

  async start(_host: Host): Promise<void> {
    this.stopped = false;
  }

  /** Reads no template attributes itself: as the consumers after it. */
  templateAttributesNeeded(): boolean {
    return templateAttributesNeeded(this.next);
  }

  consumeLogs(batch: LogBatch): Promise<void> {
    if (this.stopped) return Promise.reject(new RetryableError('batch processor is shut down'));
    if (batch.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push(batch);
      this.pendingRecords += batch.length;
      this.waiters.push({ resolve, reject });
      if (this.pendingRecords >= this.config.send_batch_size) void this.flush();
      else if (!this.timer) {
        this.timer = setTimeout(() => void this.flush(), this.timeoutMs);
        this.timer.unref();
      }
    });
  }

  /** Sends everything pending as one or more batches; settles the waiters of those records. */
  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    const batches = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.pendingRecords = 0;
    try {
      const merged = mergeBatches(batches);
      for (const part of this.split(merged)) await this.next.consumeLogs(part);
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }

  private split(batch: LogBatch): LogBatch[] {
    const max = this.config.send_batch_max_size;
    if (max <= 0 || batch.length <= max) return [batch];
    const parts: LogBatch[] = [];
    for (let start = 0; start < batch.length; start += max) {
      const b = new LogBatchBuilder();
      const rm = new Map<number, number>();
      const sm = new Map<number, number>();
      const end = Math.min(batch.length, start + max);
      for (let i = start; i < end; i++) appendRecord(b, batch, i, rm, sm);
      b.batch.byteSize = Math.round((batch.byteSize * (end - start)) / batch.length);
      parts.push(b.batch);
    }
    return parts;
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.flush();
  }
}
