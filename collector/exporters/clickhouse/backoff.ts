/** Exponential backoff with jitter, as in the OpenTelemetry Collector's retry_on_failure. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Each delay is drawn uniformly from [d·(1−f), d·(1+f)]. */
  randomization: number;
}

/** Delay before retry number `attempt` (1 = first retry). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.multiplier, Math.max(0, attempt - 1)));
  const f = policy.randomization;
  return Math.max(0, Math.round(base * (1 - f + 2 * f * random())));
}
