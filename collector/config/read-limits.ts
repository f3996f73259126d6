/** service.telemetry.admin.read_limits -> the reader's limits (storage/clickhouse-reader.ts), every problem reported. */
import type { ReadLimitsConfig } from './config';
import type { ReadLimits } from '../storage/clickhouse-reader';
import { parseDuration, parseSize } from './units';

const PATH = 'service.telemetry.admin.read_limits';
/** Reads waiting for a session before a new one is refused with 503. */
const MAX_WAITING = 32;

export function readLimitsFromConfig(c: ReadLimitsConfig, errors: string[] = []): ReadLimits {
  const positive = (n: number, key: string): number => {
    if (!Number.isFinite(n) || n <= 0) errors.push(`${PATH}.${key}: must be greater than 0, got ${JSON.stringify(n)}`);
    return n;
  };
  const integer = (n: unknown, key: string): number => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) errors.push(`${PATH}.${key}: must be an integer >= 1, got ${JSON.stringify(n)}`);
    return Number(n);
  };
  const guard = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      errors.push((e as Error).message);
      return fallback;
    }
  };
  const ms = guard(() => parseDuration(c.max_execution_time, `${PATH}.max_execution_time`), 30_000);
  return {
    // The engine counts whole seconds; anything below one second is one second.
    maxExecutionSeconds: Math.max(1, Math.ceil(positive(ms, 'max_execution_time') / 1000)),
    maxResultRows: integer(c.max_result_rows, 'max_result_rows'),
    maxResultBytes: positive(guard(() => parseSize(c.max_result_bytes, `${PATH}.max_result_bytes`), 1), 'max_result_bytes'),
    maxMemoryBytes: positive(guard(() => parseSize(c.max_memory_usage, `${PATH}.max_memory_usage`), 1), 'max_memory_usage'),
    maxThreads: integer(c.max_threads, 'max_threads'),
    sessions: integer(c.max_concurrent, 'max_concurrent'),
    maxWaiting: MAX_WAITING,
  };
}
