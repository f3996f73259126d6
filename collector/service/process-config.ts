/**
 * `service.process` in the collector config: how `logfun collector` ends when
 * something goes wrong, so that a supervisor (systemd, Kubernetes) restarts it
 * instead of it hanging (see process-guard.ts):
 *
 *   service:
 *     process:
 *       shutdown_timeout: 40s    # after SIGTERM/SIGINT, exit (code 1) if the graceful
 *                                # shutdown has not finished by then; a second signal exits at once.
 *                                # Above the clickhouse exporter's default shutdown_timeout (30s,
 *                                # its drain), below systemd's TimeoutStopSec (45s, deploy/systemd)
 *       watchdog_timeout: 60s    # the main thread answering no heartbeat for this long
 *                                # (stuck in native code, in a GC death spiral, or in an abort
 *                                # that a native library's signal handler keeps from finishing)
 *                                # kills the process; 0 turns the watchdog off
 *       heap_exit_ratio: 0.95    # V8 old generation above this share of its limit on 3 checks
 *                                # in a row (1 s apart): log and exit (code 71) before V8 aborts
 */
import { isPlainObject } from '../config/merge';
import { parseDuration } from '../config/units';

export interface ProcessConfig {
  shutdownTimeoutMs: number;
  /** 0 = no watchdog. */
  watchdogTimeoutMs: number;
  heapExitRatio: number;
}

export function createDefaultProcessConfig(): ProcessConfig {
  return { shutdownTimeoutMs: 40_000, watchdogTimeoutMs: 60_000, heapExitRatio: 0.95 };
}

/** Parses `service.process` (absent = defaults), reporting every problem into `errors`. */
export function parseProcessConfig(raw: unknown, path: string, errors: string[]): ProcessConfig {
  const config = createDefaultProcessConfig();
  if (raw === undefined || raw === null) return config;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping`);
    return config;
  }
  const duration = (key: string, value: unknown, min: number): number | undefined => {
    try {
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`${path}.${key}: expected a duration like 30s, got ${JSON.stringify(value)}`);
      const ms = parseDuration(value, `${path}.${key}`);
      if (ms < min && ms !== 0) throw new Error(`${path}.${key}: must be 0 or at least ${min} ms, got ${JSON.stringify(value)}`);
      return ms;
    } catch (e) {
      errors.push((e as Error).message);
      return undefined;
    }
  };
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'shutdown_timeout': {
        const ms = duration(key, value, 100);
        if (ms === 0) errors.push(`${path}.shutdown_timeout: must be positive`);
        else if (ms !== undefined) config.shutdownTimeoutMs = ms;
        break;
      }
      case 'watchdog_timeout': {
        const ms = duration(key, value, 1000);
        if (ms !== undefined) config.watchdogTimeoutMs = ms;
        break;
      }
      case 'heap_exit_ratio':
        if (typeof value !== 'number' || !(value > 0.5 && value <= 1)) errors.push(`${path}.heap_exit_ratio: must be a number above 0.5 and at most 1, got ${JSON.stringify(value)}`);
        else config.heapExitRatio = value;
        break;
      default:
        errors.push(`${path}.${key}: unknown key (valid keys: shutdown_timeout, watchdog_timeout, heap_exit_ratio)`);
    }
  }
  return config;
}
