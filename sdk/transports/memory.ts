/**
 * In-memory transport for tests: keeps every exported record materialized
 * (typed values, the template object), and can be paused (exports wait) or told
 * to fail, to exercise buffering, retries and drops without a network.
 */
import { materializeRecord, type ExportedRecord } from '../record-view';
import type { ExportBatch, ExportResult, Transport, TransportBatchDefaults } from '../transport';

export interface MemoryBatchInfo {
  sequence: number;
  length: number;
  droppedSinceLast: number;
}

export class MemoryTransport implements Transport {
  readonly name = 'memory';
  readonly batchDefaults: TransportBatchDefaults = { delayMs: 10 };
  readonly records: ExportedRecord[] = [];
  /** Every accepted batch, in order. */
  readonly batches: MemoryBatchInfo[] = [];
  /** Export attempts, failed ones included. */
  attempts = 0;
  isShutdown = false;
  private failure: Error | undefined;
  private rejectNext = 0;
  private paused: Promise<void> | undefined;
  private resumePaused: (() => void) | undefined;

  /** Every export fails with this error until cleared with undefined (use ExportError to choose retryable). */
  setFailure(error: Error | undefined): void {
    this.failure = error;
  }

  /** The next accepted batch reports this many records rejected (OTLP partial success). */
  rejectInNextBatch(count: number): void {
    this.rejectNext = count;
  }

  /** Exports wait (records stay buffered and in flight) until resume(). */
  pause(): void {
    if (this.paused) return;
    this.paused = new Promise((resolve) => {
      this.resumePaused = resolve;
    });
  }

  resume(): void {
    const resume = this.resumePaused;
    this.paused = undefined;
    this.resumePaused = undefined;
    resume?.();
  }

  async export(batch: ExportBatch): Promise<ExportResult> {
    this.attempts++;
    while (this.paused) await this.paused;
    if (this.isShutdown) throw new Error('MemoryTransport is shut down');
    if (this.failure) throw this.failure;
    for (let i = 0; i < batch.length; i++) this.records.push(materializeRecord(batch, i));
    this.batches.push({ sequence: batch.sequence, length: batch.length, droppedSinceLast: batch.droppedSinceLast });
    const rejected = this.rejectNext;
    this.rejectNext = 0;
    return { rejected, message: rejected ? 'rejected by MemoryTransport.rejectInNextBatch' : undefined };
  }

  /** Bodies of the records received so far (handy in assertions). */
  bodies(): unknown[] {
    return this.records.map((r) => r.body);
  }

  clear(): void {
    this.records.length = 0;
    this.batches.length = 0;
  }

  async shutdown(): Promise<void> {
    this.isShutdown = true;
    this.resume();
  }
}
