/**
 * Value checks for resolving a component's config into units: each records its problem
 * (with the given path) in `errors` and returns a usable fallback, so one pass reports
 * every problem. Used by processors whose configs have many numeric knobs.
 */
import { parseDuration } from './units';

export interface ConfigChecks {
  /** Milliseconds of a duration ("5s", 500); with `positive`, 0 is refused too. Fallback 0. */
  duration(v: string | number, path: string, positive: boolean): number;
  /** An integer >= min. Fallback `min`. */
  integer(v: unknown, path: string, min: number): number;
  /** A finite number accepted by `ok` (`what` describes it in the message). Fallback 0. */
  number(v: unknown, path: string, ok: (n: number) => boolean, what: string): number;
  /** true or false. Fallback false. */
  bool(v: unknown, path: string): boolean;
}

export function configChecks(errors: string[]): ConfigChecks {
  return {
    duration(v, path, positive) {
      try {
        const ms = parseDuration(v, path);
        if (positive && !(ms > 0)) errors.push(`${path}: must be greater than 0`);
        return ms;
      } catch (e) {
        errors.push((e as Error).message);
        return 0;
      }
    },
    integer(v, path, min) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
        errors.push(`${path}: must be an integer >= ${min}, got ${JSON.stringify(v)}`);
        return min;
      }
      return v;
    },
    number(v, path, ok, what) {
      if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
        errors.push(`${path}: must be ${what}, got ${JSON.stringify(v)}`);
        return 0;
      }
      return v;
    },
    bool(v, path) {
      if (typeof v !== 'boolean') errors.push(`${path}: must be true or false, got ${JSON.stringify(v)}`);
      return v === true;
    },
  };
}
