/**
 * Test kit: a LogsConsumer that records every batch it accepts.
 *
 * It can be told to refuse (failWith(err, times)) to test error mapping and
 * retries, and to hold batches unacknowledged (hold()/release()) to test that a
 * sender is acknowledged only after the consumer accepted.
 */
import { argTexts, bodyOf, type AnyValue, type KeyValue, type LogBatch, type ResourceInfo, type ScopeInfo } from '../../collector/pipeline/batch';
import type { LogsConsumer } from '../../collector/pipeline/component';

/** One record of a batch as a plain object, for assertions. */
export interface RecordView {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
  templateId: bigint;
  templateArgs: string[];
  resource: ResourceInfo;
  scope: ScopeInfo;
}

export function recordsOf(batch: LogBatch): RecordView[] {
  const out: RecordView[] = [];
  for (let i = 0; i < batch.length; i++) {
    out.push({
      timeUnixNano: batch.timeUnixNano[i],
      observedTimeUnixNano: batch.observedTimeUnixNano[i],
      severityNumber: batch.severityNumber[i],
      severityText: batch.severityText[i],
      body: bodyOf(batch, i),
      attributes: batch.attributes[i],
      droppedAttributesCount: batch.droppedAttributesCount[i],
      flags: batch.flags[i],
      traceId: batch.traceId[i],
      spanId: batch.spanId[i],
      eventName: batch.eventName[i],
      templateId: batch.templateId[i],
      templateArgs: argTexts(batch.templateArgs[i]),
      resource: batch.resources[batch.resourceIndex[i]],
      scope: batch.scopes[batch.scopeIndex[i]],
    });
  }
  return out;
}

/** Attribute list as a key -> value object (last one wins). */
export function attributeMap(list: KeyValue[]): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const kv of list) out[kv.key] = kv.value;
  return out;
}

export class RecordingConsumer implements LogsConsumer {
  /** Accepted batches, in order. */
  readonly batches: LogBatch[] = [];
  /** consumeLogs calls, accepted or not. */
  calls = 0;
  private failure: { error: unknown; remaining: number } | undefined;
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];

  /** Refuse the next `times` batches (default: until succeed()) by throwing `error`. */
  failWith(error: unknown, times = Infinity): this {
    this.failure = { error, remaining: times };
    return this;
  }

  /** Accept batches again. */
  succeed(): this {
    this.failure = undefined;
    return this;
  }

  /** Keep consumeLogs pending (not acknowledged) until release(). */
  hold(): this {
    if (!this.gate) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      this.gate = { promise, open };
    }
    return this;
  }

  release(): this {
    this.gate?.open();
    this.gate = undefined;
    return this;
  }

  async consumeLogs(batch: LogBatch): Promise<void> {
    this.calls++;
    if (this.gate) await this.gate.promise;
    if (this.failure && this.failure.remaining > 0) {
      this.failure.remaining--;
      throw this.failure.error;
    }
    this.batches.push(batch);
    this.waiters = this.waiters.filter((w) => {
      if (this.recordCount < w.count) return true;
      w.resolve();
      return false;
    });
  }

  get recordCount(): number {
    let n = 0;
    for (const b of this.batches) n += b.length;
    return n;
  }

  /** Every accepted record, flattened across batches. */
  records(): RecordView[] {
    return this.batches.flatMap(recordsOf);
  }

  /** Resolves once at least `count` records were accepted; rejects after `timeoutMs`. */
  waitForRecords(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.recordCount >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} records (have ${this.recordCount})`));
      }, timeoutMs);
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.batches.length = 0;
    this.calls = 0;
  }
}
