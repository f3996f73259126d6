/**
 * Configuration of the `memory_limiter` processor (keys as otelcol's memorylimiterprocessor).
 *
 *   check_interval: 1s          how often memory is measured
 *   limit_mib: 1500             hard limit (MiB); or limit_percentage of the memory available
 *   spike_limit_mib: 300        headroom for spikes between checks; soft limit = limit - spike
 *                               (default 20 % of the limit); or spike_limit_percentage
 *   limit_percentage: 0         percent of the memory available (cgroup limit, else total RAM),
 *   spike_limit_percentage: 0   used when limit_mib is 0
 *   retry_delay: 1s             delay suggested to refused senders (RetryInfo / Retry-After)
 *   min_gc_interval_when_soft_limited: 10s   least time between two forced GCs at or above the soft limit
 *   min_gc_interval_when_hard_limited: 10s   least time between two forced GCs above the hard limit
 *                                            (as otelcol's; the GC is forced without --expose-gc too: runtime-gc.ts)
 */
import { configChecks } from '../../collector/config/checks';
import { totalMemoryBytes } from '../../collector/telemetry/process-metrics';

export interface MemoryLimiterConfig {
  check_interval: string | number;
  limit_mib: number;
  spike_limit_mib: number;
  limit_percentage: number;
  spike_limit_percentage: number;
  retry_delay: string | number;
  min_gc_interval_when_hard_limited: string | number;
  min_gc_interval_when_soft_limited: string | number;
}

export function createDefaultMemoryLimiterConfig(): MemoryLimiterConfig {
  return {
    check_interval: '1s',
    limit_mib: 0,
    spike_limit_mib: 0,
    limit_percentage: 0,
    spike_limit_percentage: 0,
    retry_delay: '1s',
    min_gc_interval_when_hard_limited: '10s',
    min_gc_interval_when_soft_limited: '10s',
  };
}

export interface ResolvedMemoryLimiterConfig {
  checkIntervalMs: number;
  /** Above this (bytes) the processor forces a GC when it can. */
  hardLimitBytes: number;
  /** At or above this (bytes) the processor refuses batches. */
  softLimitBytes: number;
  retryDelayMs: number;
  minGcIntervalMs: number;
  /** Least time between two forced GCs while at or above the soft limit (and below the hard one). */
  minSoftGcIntervalMs: number;
}

const MIB = 1024 * 1024;

/**
 * Resolves units and limits; every problem goes into `errors` (the result is then
 * not usable). `totalBytes` is the memory available, for the percentage limits.
 */
export function resolveMemoryLimiterConfig(c: MemoryLimiterConfig, errors: string[] = [], totalBytes: () => number = totalMemoryBytes): ResolvedMemoryLimiterConfig {
  const check = configChecks(errors);
  const checkIntervalMs = check.duration(c.check_interval, 'check_interval', true);
  const retryDelayMs = check.duration(c.retry_delay, 'retry_delay', false);
  const minGcIntervalMs = check.duration(c.min_gc_interval_when_hard_limited, 'min_gc_interval_when_hard_limited', false);
  const minSoftGcIntervalMs = check.duration(c.min_gc_interval_when_soft_limited, 'min_gc_interval_when_soft_limited', false);
  const nonNegative = (n: number) => n >= 0;
  const limitMib = check.number(c.limit_mib, 'limit_mib', nonNegative, 'a number of MiB >= 0');
  const spikeMib = check.number(c.spike_limit_mib, 'spike_limit_mib', nonNegative, 'a number of MiB >= 0');
  const percent = (n: number) => n >= 0 && n <= 100;
  const limitPct = check.number(c.limit_percentage, 'limit_percentage', percent, 'a percentage in [0, 100]');
  const spikePct = check.number(c.spike_limit_percentage, 'spike_limit_percentage', percent, 'a percentage in [0, 100]');

  let hard = 0;
  let spike = 0;
  if (limitMib > 0) {
    hard = limitMib * MIB;
    spike = spikeMib > 0 ? spikeMib * MIB : hard * 0.2;
    if (spikeMib >= limitMib) errors.push(`spike_limit_mib: must be less than limit_mib (${limitMib}), got ${spikeMib}`);
  } else if (limitPct > 0) {
    const total = totalBytes();
    hard = (total * limitPct) / 100;
    spike = spikePct > 0 ? (total * spikePct) / 100 : hard * 0.2;
    if (spikePct >= limitPct) errors.push(`spike_limit_percentage: must be less than limit_percentage (${limitPct}), got ${spikePct}`);
  } else {
    errors.push('limit_mib or limit_percentage: one must be greater than 0 (e.g. limit_mib: 1024)');
  }
  return {
    checkIntervalMs,
    hardLimitBytes: Math.round(hard),
    softLimitBytes: Math.max(0, Math.round(hard - spike)),
    retryDelayMs,
    minGcIntervalMs,
    minSoftGcIntervalMs,
  };
}

export function validateMemoryLimiterConfig(c: MemoryLimiterConfig): string[] {
  const errors: string[] = [];
  resolveMemoryLimiterConfig(c, errors);
  return errors;
}
