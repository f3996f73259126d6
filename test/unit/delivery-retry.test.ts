/**
 * The collector's one retry loop (collector/delivery/retry.ts, sendWithRetry), which
 * both the small writers' Delivery and the ClickHouse logs exporter send through,
 * and its rate-limited warnings (collector/delivery/warnings.ts). Real timers, kept
 * short; the attempts are plain functions standing for a store. Also the shared
 * shutdown (collector/delivery/drain.ts, drainThenStop).
 */
import { PermanentError, sendSplitting, sendWithRetry, type RetryLoop } from '../../collector/delivery/retry';
import { RateLimitedWarnings } from '../../collector/delivery/warnings';
import { drainThenStop } from '../../collector/delivery/drain';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { WakeableSleep } from '../../collector/pipeline/wakeable-sleep';

function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

function setup(maxElapsedMs = 0) {
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const idle = new WakeableSleep();
  const state = { stopped: false };
  const loop: RetryLoop = {
    retry: { initialMs: 5, maxMs: 20, multiplier: 2, randomization: 0.5, maxElapsedMs },
    labels: { writer: 'w1' },
    retries: metrics.counter('test_retries_total', ''),
    warnings: new RateLimitedWarnings(logger, { writer: 'w1' }),
    retryMessage: 'test write failed; retrying',
    stopped: () => state.stopped,
    sleep: (ms) => idle.sleep(ms),
  };
  const retries = () => metrics.value('test_retries_total', { writer: 'w1' });
  return { loop, logger, idle, state, retries };
}

describe('sendWithRetry', () => {
  test('retries retryable failures (repair hook first, one warning) until the attempt succeeds', async () => {
    const { loop, logger, retries } = setup();
    let attempts = 0;
    const repaired: string[] = [];
    const result = await sendWithRetry(
      loop,
      async () => {
        if (++attempts <= 3) throw connectionReset();
      },
      { onRetryable: (err) => void repaired.push((err as Error).message), fields: () => ({ rows: 7 }) },
    );
    expect(result).toEqual({ outcome: 'sent' });
    expect(attempts).toBe(4);
    expect(repaired).toEqual(['socket hang up', 'socket hang up', 'socket hang up']);
    expect(retries()).toBe(3);
    const warnings = logger.messages.filter((m) => m.msg === 'test write failed; retrying');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].fields).toMatchObject({ writer: 'w1', rows: 7, attempts: 1, error: 'socket hang up' });
  });

  test('a permanent failure is returned at once for the caller to drop or split', async () => {
    const { loop, retries } = setup();
    let attempts = 0;
    let repairs = 0;
    const rejected = new Error('Code: 53, e.displayText() = DB::Exception: Type mismatch');
    const result = await sendWithRetry(
      loop,
      async () => {
        attempts++;
        throw rejected;
      },
      { onRetryable: () => void repairs++ },
    );
    expect(result).toEqual({ outcome: 'permanent', error: rejected });
    expect(attempts).toBe(1);
    expect(repairs).toBe(0);
    expect(retries()).toBe(0);
    // The writer's own classification decides (a PermanentError by default).
    const own = await sendWithRetry({ ...loop, classify: () => 'retryable' }, async () => {
      if (attempts++ < 2) throw new PermanentError('retryable for this writer');
    });
    expect(own).toEqual({ outcome: 'sent' });
  });

  test('a unit failing past maxElapsedMs is returned as timeout with its last error', async () => {
    const { loop, retries } = setup(60);
    let attempts = 0;
    const result = await sendWithRetry(loop, async () => {
      attempts++;
      throw connectionReset();
    });
    expect(result.outcome).toBe('timeout');
    expect((result as { error: Error }).error.message).toBe('socket hang up');
    // Every failure but the last was retried.
    expect(retries()).toBe(attempts - 1);
    expect(attempts).toBeGreaterThan(2);
  });

  test('stopping during the backoff ends the loop without another attempt', async () => {
    const { loop, idle, state } = setup();
    let attempts = 0;
    const run = sendWithRetry({ ...loop, retry: { ...loop.retry, initialMs: 60_000, maxMs: 60_000 } }, async () => {
      attempts++;
      throw connectionReset();
    });
    await new Promise((r) => setTimeout(r, 20));
    state.stopped = true;
    idle.wake();
    expect(await run).toEqual({ outcome: 'stopped' });
    expect(attempts).toBe(1);
  });
});

describe('sendSplitting', () => {
  /** A receiver that rejects (ClickHouse code 53) any part holding a "bad" item, and stores the others. */
  function splitting(bad: Set<number>, budget = 64) {
    const { loop } = setup();
    const stored: number[] = [];
    const rejected: number[][] = [];
    const attempts: number[][] = [];
    const s = {
      send: async (part: number[]) => {
        const result = await sendWithRetry(loop, async () => {
          attempts.push(part);
          if (part.some((x) => bad.has(x))) throw new Error('Code: 53, e.displayText() = DB::Exception: Type mismatch');
          stored.push(...part);
        });
        return { result, unit: part };
      },
      size: (part: number[]) => part.length,
      halves: (part: number[]): [number[], number[]] => [part.slice(0, Math.ceil(part.length / 2)), part.slice(Math.ceil(part.length / 2))],
      budget,
      onRejected: (part: number[]) => void rejected.push(part),
      onTimeout: () => {
        throw new Error('no timeout expected');
      },
      onStopped: () => {
        throw new Error('no stop expected');
      },
    };
    return { s, stored, rejected, attempts };
  }

  test('a rejected unit is split until only the rejected items are given up; the others are stored once', async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const { s, stored, rejected } = splitting(new Set([3, 7]));
    expect(await sendSplitting(items, s)).toBe('settled');
    expect(rejected).toEqual([[3], [7]]);
    expect(stored.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
  });

  test('the budget bounds the splitting of a unit the receiver rejects entirely', async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const { s, stored, rejected, attempts } = splitting(new Set(items), 3);
    expect(await sendSplitting(items, s)).toBe('settled');
    expect(stored).toEqual([]);
    // Every item is given up exactly once, after at most budget + 1 rejected attempts (and one per part left).
    expect(rejected.flat().sort((a, b) => a - b)).toEqual(items);
    expect(attempts.length).toBeLessThanOrEqual(3 + 1 + rejected.length);
  });
});

describe('RateLimitedWarnings', () => {
  test('one warning per kind and interval; the next one reports how many were held back', async () => {
    const logger = createMemoryLogger();
    const w = new RateLimitedWarnings(logger, { exporter: 'e1' }, 40);
    for (let i = 0; i < 3; i++) w.warn('a', 'A failed', { i });
    w.warn('b', 'B failed');
    expect(logger.messages.map((m) => m.msg)).toEqual(['A failed', 'B failed']);
    await new Promise((r) => setTimeout(r, 60));
    w.warn('a', 'A failed', { i: 3 });
    expect(logger.messages[2].fields).toEqual({ exporter: 'e1', i: 3, suppressed: 2 });
  });
});

describe('drainThenStop', () => {
  test('a loop that ends within the timeout is woken first, then stopped; one that does not is stopped and awaited', async () => {
    const calls: string[] = [];
    let endLoop: () => void = () => undefined;
    const quick = new Promise<void>((r) => (endLoop = r));
    const inTime = drainThenStop(quick, { timeoutMs: 1000, wake: () => (calls.push('wake'), endLoop()), stop: () => void calls.push('stop') });
    expect(await inTime).toBe(true);
    expect(calls).toEqual(['wake', 'stop']);

    // A loop that only ends when stopped (its send aborted).
    let stop: () => void = () => undefined;
    const slow = new Promise<void>((r) => (stop = r));
    expect(await drainThenStop(slow, { timeoutMs: 30, wake: () => undefined, stop: () => stop() })).toBe(false);
  });

  test('a loop that ignores its stop holds the shutdown at most maxWaitAfterStopMs', async () => {
    const hung = new Promise<void>(() => undefined);
    // Resolves (false) although the loop never ends.
    expect(await drainThenStop(hung, { timeoutMs: 20, wake: () => undefined, stop: () => undefined, maxWaitAfterStopMs: 30 })).toBe(false);
  });
});
