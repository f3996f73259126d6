/**
 * The collector's one retry loop: send a unit until it is written, the receiver
 * rejects it for good, its retry time runs out, or the writer stops. Both the
 * small writers' Delivery (delivery.ts) and the ClickHouse logs exporter send
 * through sendWithRetry, so classification, backoff, the retries metric and the
 * rate-limited warning exist once.
 *
 *   attempt   attempt() writes the unit; it throws to fail. A unit that must be
 *             retried identically (exactly-once by ids or tokens) is fixed by the
 *             caller before the first attempt; attempt() may narrow it (e.g. to
 *             the rows a read-back found not stored yet).
 *   classify  A failure is classified (classify; default classifyDeliveryError).
 *             Permanent: returned as 'permanent' — the caller decides (drop and
 *             count, or split the unit and send the parts).
 *   retry     Retryable: when retry.maxElapsedMs (> 0) passed since the first
 *             attempt it is returned as 'timeout'; otherwise onRetryable(err) runs
 *             (a repair: recreate a table, remember the outcome is unknown), the
 *             retries counter is incremented, a warning is logged (kind 'retry',
 *             rate-limited) and the next attempt follows retryDelay(retry,
 *             attempts) later (the caller's sleep, which it may cut short to
 *             retry at once, or to stop).
 *   stop      stopped() is checked before each attempt and after a failure: when
 *             true the loop returns 'stopped' without classifying (the caller
 *             aborted the attempt in flight; its unit's outcome is the caller's).
 */
import type { Counter, Labels } from '../telemetry/metrics';
import { backoffDelay, type BackoffPolicy } from '../exporters/clickhouse/backoff';
import { classifyClickHouseError, errorMessage } from '../storage/clickhouse-errors';
import type { RateLimitedWarnings } from './warnings';

/** Thrown by a send() whose batch must never be retried (the receiver rejected its data). */
export class PermanentError extends Error {}

export type FailureKind = 'permanent' | 'retryable';

/** Default classification: PermanentError is permanent; otherwise as ClickHouse's errors. */
export function classifyDeliveryError(err: unknown): FailureKind {
  if (err instanceof PermanentError) return 'permanent';
  return classifyClickHouseError(err).kind;
}

export interface RetryPolicy extends BackoffPolicy {
  /** Give a unit up this long after its first attempt; 0 = retry for ever. */
  maxElapsedMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first): backoffDelay's exponential with
 * jitter (which spreads writers that failed together), but never over maxMs, so a
 * writer's "retries back off up to retry_max_interval" holds.
 */
export function retryDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, backoffDelay(policy, attempt));
}

/** What a writer's retries share across its units. */
export interface RetryLoop {
  retry: RetryPolicy;
  /** Labels of the retries counter. */
  labels: Labels;
  /** Failed attempts that were retried (omit for a loop whose retries are no metric, e.g. local disk state). */
  retries?: Counter;
  warnings: RateLimitedWarnings;
  /** Kind of the retry warning in `warnings` (default 'retry'): loops sharing one RateLimitedWarnings are limited apart. */
  warnKind?: string;
  /** The warning logged (rate-limited) when an attempt failed and is retried. */
  retryMessage: string;
  /** Default classifyDeliveryError. */
  classify?(err: unknown): FailureKind;
  /** True once the writer must stop now (shutdown): no further attempt. */
  stopped(): boolean;
  /** The wait between attempts; the writer may end it early (retry at once, or stop). */
  sleep(ms: number): Promise<void>;
}

export interface RetryHooks {
  /** Runs after a retryable failure, before the wait (awaited; should not throw). */
  onRetryable?(err: unknown): void | Promise<void>;
  /** Fields added to the retry warning (e.g. the unit's size). */
  fields?(): Record<string, unknown>;
}

export type RetryResult = { outcome: 'sent' } | { outcome: 'permanent' | 'timeout'; error: unknown } | { outcome: 'stopped' };

/** Attempts until written, rejected for good, out of retry time, or stopped (see the header). */
export async function sendWithRetry(loop: RetryLoop, attempt: () => Promise<void>, hooks: RetryHooks = {}): Promise<RetryResult> {
  const firstAttemptAt = Date.now();
  for (let failures = 0; ; ) {
    if (loop.stopped()) return { outcome: 'stopped' };
    try {
      await attempt();
      return { outcome: 'sent' };
    } catch (err) {
      if (loop.stopped()) return { outcome: 'stopped' };
      if ((loop.classify ?? classifyDeliveryError)(err) === 'permanent') return { outcome: 'permanent', error: err };
      failures++;
      if (loop.retry.maxElapsedMs > 0 && Date.now() - firstAttemptAt >= loop.retry.maxElapsedMs) return { outcome: 'timeout', error: err };
      await hooks.onRetryable?.(err);
      loop.retries?.inc(loop.labels);
      loop.warnings.warn(loop.warnKind ?? 'retry', loop.retryMessage, { ...hooks.fields?.(), attempts: failures, error: errorMessage(err) });
      await loop.sleep(retryDelay(loop.retry, failures));
    }
  }
}

/** How sendSplitting handles a unit's parts; see sendSplitting. */
export interface SplitOnRejection<U> {
  /** One unit (or part) through sendWithRetry; returns the result and the unit as last attempted (an attempt may narrow it). */
  send(unit: U): Promise<{ result: RetryResult; unit: U }>;
  /** Items in a unit (a unit of one item is not split). */
  size(unit: U): number;
  /** The unit's first and second half (each keeps its items' identity, so a retry of a half is still idempotent). */
  halves(unit: U): [U, U];
  /** Permanent failures spent isolating the rejected items of one unit before the rest of the part is given up. */
  budget: number;
  /** A part rejected for good: one item, or a larger part once the budget is spent. */
  onRejected(part: U, error: unknown): void;
  /** A part out of retry time (retry.maxElapsedMs). */
  onTimeout(part: U, error: unknown): void;
  /** The part the loop was sending when it stopped (the parts after it are not sent either). */
  onStopped(part: U): void;
}

/**
 * Sends a unit whose receiver may reject some of its items (a block of rows with one
 * value the table cannot hold): a permanent failure splits the part in halves, each
 * sent the same way, until the rejected items are isolated and only they are given up
 * (onRejected), so one bad row does not cost the rows around it. The budget bounds the
 * splitting: a receiver that rejects everything costs at most `budget` more attempts.
 * 'stopped' when the writer stopped before every part settled.
 */
export async function sendSplitting<U>(unit: U, s: SplitOnRejection<U>): Promise<'settled' | 'stopped'> {
  let permanentFailures = 0;
  const go = async (part: U): Promise<'settled' | 'stopped'> => {
    const { result, unit: sent } = await s.send(part);
    switch (result.outcome) {
      case 'sent':
        return 'settled';
      case 'stopped':
        s.onStopped(sent);
        return 'stopped';
      case 'timeout':
        s.onTimeout(sent, result.error);
        return 'settled';
      case 'permanent': {
        permanentFailures++;
        if (s.size(sent) <= 1 || permanentFailures > s.budget) {
          s.onRejected(sent, result.error);
          return 'settled';
        }
        const [first, second] = s.halves(sent);
        if ((await go(first)) === 'stopped') return 'stopped';
        return go(second);
      }
    }
  };
  return go(unit);
}
