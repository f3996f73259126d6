/**
 * The shared delivery loop (collector/delivery/delivery.ts) with real timers kept
 * short: a receiver written here (an in-memory "table" that can fail, reject, or
 * apply a write and lose its answer) stands for the store. Every test checks the
 * accounting: each item added ends exactly once in sent, failed or dropped.
 */
import { Delivery, PermanentError, retryDelay, type DeliveryBatch, type DeliveryOptions } from '../../collector/delivery/delivery';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';

interface Batch extends DeliveryBatch<number> {
  /** The batch's identity, fixed when it is formed (as a writer's WriteId / EventIds). */
  id: number;
}

/** Errors as the receiver raises them: a lost answer (retryable, ambiguous) and a data error (ClickHouse code 53). */
function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
function typeMismatch(): Error {
  return new Error('Code: 53, e.displayText() = DB::Exception: Type mismatch');
}

/**
 * An in-memory table that keeps each batch id once (as a table collapsing a repeated
 * WriteId), plus every attempt it saw. `fail(batch, attempt)` decides each attempt:
 * undefined = accept; 'lost' = apply, then lose the answer; an Error = throw it unapplied.
 */
class Receiver {
  readonly stored = new Map<number, number[]>();
  readonly attempts: { id: number; items: number[] }[] = [];
  fail: (b: Batch, attempt: number) => Error | 'lost' | undefined = () => undefined;
  /** While set, a send waits for it (a slow or hung store). */
  gate: Promise<void> | undefined;

  async send(b: Batch, signal: AbortSignal): Promise<void> {
    const attempt = this.attempts.filter((a) => a.id === b.id).length + 1;
    this.attempts.push({ id: b.id, items: [...b.items] });
    if (this.gate) await Promise.race([this.gate, new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))]);
    const f = this.fail(b, attempt);
    if (f instanceof Error) throw f;
    if (!this.stored.has(b.id)) this.stored.set(b.id, [...b.items]);
    if (f === 'lost') throw connectionReset();
  }

  get items(): number[] {
    return [...this.stored.values()].flat();
  }
}

function setup(over: Partial<DeliveryOptions<number, Batch>> = {}) {
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const receiver = new Receiver();
  const settled: { id: number; outcome: string }[] = [];
  let nextId = 1;
  const m = {
    sent: metrics.counter('test_sent_total', ''),
    failed: metrics.counter('test_failed_total', ''),
    dropped: metrics.counter('test_dropped_total', ''),
    retries: metrics.counter('test_retries_total', ''),
    queueSize: metrics.gauge('test_queue_size', ''),
  };
  const d = new Delivery<number, Batch>({
    what: 'test',
    labels: { writer: 'w1' },
    metrics: m,
    logger,
    makeBatch: (items) => ({ items, id: nextId++ }),
    send: (b, signal) => receiver.send(b, signal),
    maxQueueItems: 1000,
    maxBatchItems: 100,
    flushIntervalMs: 0,
    retry: { initialMs: 5, maxMs: 20, multiplier: 2, randomization: 0.5, maxElapsedMs: 0 },
    shutdownTimeoutMs: 1000,
    onSettled: (b, outcome) => settled.push({ id: b.id, outcome }),
    ...over,
  });
  const count = (name: string, reason?: string) => metrics.value(name, reason ? { writer: 'w1', reason } : { writer: 'w1' });
  return { d, receiver, metrics, logger, settled, count };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('Delivery', () => {
  test('retries a failing batch with backoff until it is sent, re-sending the same items', async () => {
    const { d, receiver, count, logger } = setup();
    receiver.fail = (_b, attempt) => (attempt <= 3 ? connectionReset() : undefined);
    d.add(range(0, 10));
    await d.flush();
    expect(receiver.items).toEqual(range(0, 10));
    expect(receiver.attempts).toHaveLength(4);
    for (const a of receiver.attempts) expect(a).toEqual({ id: receiver.attempts[0].id, items: range(0, 10) });
    expect(count('test_retries_total')).toBe(3);
    expect(count('test_sent_total')).toBe(10);
    expect(count('test_failed_total')).toBe(0);
    expect(d.pending).toBe(0);
    // One warning, not one per attempt.
    expect(logger.messages.filter((m) => m.msg === 'test write failed; retrying')).toHaveLength(1);
    await d.shutdown();
  });

  test('an applied write whose answer was lost is retried identically: no item lost or stored twice', async () => {
    const { d, receiver, count } = setup({ maxBatchItems: 7 });
    // Every batch's first attempt is applied and its answer lost; every second one fails unapplied.
    receiver.fail = (_b, attempt) => (attempt === 1 ? 'lost' : attempt === 2 ? connectionReset() : undefined);
    for (let i = 0; i < 5; i++) d.add(range(i * 10, 10));
    await d.flush();
    expect(receiver.items.sort((a, b) => a - b)).toEqual(range(0, 50));
    // Each batch kept its items across its three attempts.
    const byId = new Map<number, number[][]>();
    for (const a of receiver.attempts) byId.set(a.id, [...(byId.get(a.id) ?? []), a.items]);
    for (const tries of byId.values()) {
      expect(tries).toHaveLength(3);
      expect(new Set(tries.map((t) => t.join(','))).size).toBe(1);
      expect(tries[0].length).toBeLessThanOrEqual(7);
    }
    expect(count('test_sent_total')).toBe(50);
    expect(count('test_retries_total')).toBe(2 * byId.size);
    await d.shutdown();
  });

  test('a permanent error drops the batch and counts it; later batches still go', async () => {
    const { d, receiver, count, logger, settled } = setup({ maxBatchItems: 5 });
    receiver.fail = (b) => (b.items.includes(7) ? typeMismatch() : b.items.includes(12) ? new PermanentError('refused') : undefined);
    d.add(range(0, 15));
    await d.flush();
    expect(receiver.items).toEqual([...range(0, 5)]);
    expect(count('test_failed_total', 'rejected')).toBe(10);
    expect(count('test_sent_total')).toBe(5);
    expect(count('test_retries_total')).toBe(0);
    expect(settled.map((s) => s.outcome)).toEqual(['sent', 'rejected', 'rejected']);
    expect(logger.messages.filter((m) => m.level === 'error' && m.msg === 'test rows rejected; they are dropped')).toHaveLength(2);
    await d.shutdown();
  });

  test('a batch failing past maxElapsedMs is given up and counted as timeout', async () => {
    const { d, receiver, count, settled } = setup({ retry: { initialMs: 5, maxMs: 10, multiplier: 2, randomization: 0, maxElapsedMs: 60 } });
    receiver.fail = () => connectionReset();
    d.add(range(0, 3));
    await d.flush();
    expect(count('test_failed_total', 'timeout')).toBe(3);
    expect(count('test_retries_total')).toBeGreaterThanOrEqual(2);
    expect(settled).toEqual([{ id: 1, outcome: 'timeout' }]);
    expect(d.pending).toBe(0);
    await d.shutdown();
  });

  test('shutdown sends what is queued at once, even inside the flush interval', async () => {
    const { d, receiver, count } = setup({ flushIntervalMs: 60_000 });
    d.add([1]);
    await d.flush();
    d.add([2, 3]);
    await new Promise((r) => setTimeout(r, 20));
    // Still waiting for the interval.
    expect(receiver.items).toEqual([1]);
    await d.shutdown();
    expect(receiver.items).toEqual([1, 2, 3]);
    expect(count('test_sent_total')).toBe(3);
    expect(count('test_failed_total')).toBe(0);
  });

  test('shutdown gives up after its timeout and counts what is left as failed{shutdown}', async () => {
    const { d, receiver, count, logger } = setup({ maxBatchItems: 4, shutdownTimeoutMs: 50 });
    d.add(range(0, 4));
    await d.flush();
    receiver.gate = new Promise(() => undefined); // the store hangs
    d.add(range(4, 10));
    await new Promise((r) => setTimeout(r, 10));
    await d.shutdown();
    expect(receiver.items).toEqual(range(0, 4));
    expect(count('test_sent_total')).toBe(4);
    expect(count('test_failed_total', 'shutdown')).toBe(10);
    expect(d.pending).toBe(0);
    expect(logger.messages.some((m) => m.msg === 'test shut down with rows unwritten' && m.fields?.rows === 10)).toBe(true);
    // After shutdown, items are refused and counted.
    d.add([99]);
    expect(count('test_dropped_total', 'shutdown')).toBe(1);
    await d.shutdown();
  });

  test('flush with a timeout returns while the store hangs; the items stay pending and are sent later', async () => {
    const { d, receiver, count } = setup();
    let open!: () => void;
    receiver.gate = new Promise<void>((r) => (open = r));
    d.add([1, 2]);
    await d.flush(30);
    expect(d.pending).toBe(2);
    expect(count('test_failed_total')).toBe(0);
    receiver.gate = undefined;
    open();
    await d.flush();
    expect(receiver.items).toEqual([1, 2]);
    await d.shutdown();
  });

  test('the queue bound drops the oldest queued items and counts them; the batch in flight is kept', async () => {
    const { d, receiver, count, metrics } = setup({ maxQueueItems: 5, maxBatchItems: 3 });
    let open!: () => void;
    receiver.gate = new Promise<void>((r) => (open = r));
    d.add([0, 1, 2]);
    await new Promise((r) => setTimeout(r, 10));
    d.add(range(3, 8)); // 8 queued behind the batch in flight, bound 5
    expect(count('test_dropped_total', 'queue_full')).toBe(3);
    expect(d.pending).toBe(8);
    expect(metrics.value('test_queue_size', { writer: 'w1' })).toBe(8);
    receiver.gate = undefined;
    open();
    await d.flush();
    expect(receiver.items).toEqual([0, 1, 2, ...range(6, 5)]);
    expect(count('test_sent_total')).toBe(8);
    expect(metrics.value('test_queue_size', { writer: 'w1' })).toBe(0);
    await d.shutdown();
  });

  test('batches are bounded by items and bytes; a burst inside the interval becomes one batch', async () => {
    const { d, receiver } = setup({ maxBatchItems: 4, maxBatchBytes: 25, sizeOf: (n) => n, flushIntervalMs: 30 });
    d.add([1]); // first item after a quiet time: sent at once
    await new Promise((r) => setTimeout(r, 5));
    d.add([2]);
    d.add([3]); // a burst: waits for the interval, one batch
    await new Promise((r) => setTimeout(r, 60));
    expect(receiver.attempts.map((a) => a.items)).toEqual([[1], [2, 3]]);
    d.add([20, 10, 1, 1, 1, 1, 1, 1, 30]);
    await d.flush();
    expect(receiver.attempts.map((a) => a.items).slice(2)).toEqual([[20], [10, 1, 1, 1], [1, 1, 1], [30]]);
    await d.shutdown();
  });

  test('retry delays grow exponentially with jitter and never exceed maxMs', () => {
    const policy = { initialMs: 100, maxMs: 1000, multiplier: 2, randomization: 0.5 };
    for (let i = 0; i < 200; i++) {
      const first = retryDelay(policy, 1);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(150);
      expect(retryDelay(policy, 30)).toBeLessThanOrEqual(1000);
      expect(retryDelay(policy, 30)).toBeGreaterThanOrEqual(500);
    }
  });
});
