/**
 * A way to force a garbage collection without starting Node with --expose-gc:
 * the V8 flag is turned on at run time and `gc` is taken from a fresh context
 * (the approach jest's leak detector uses). Needed because memory the process no
 * longer references (large result buffers, decoded requests) is only returned when
 * V8 collects, and a collector that refuses every batch makes no new garbage to
 * trigger one: without a forced GC it can stay above its soft limit for minutes.
 */
import * as v8 from 'v8';
import * as vm from 'vm';

let cached: (() => void) | null | undefined;

/** globalThis.gc when exposed, else one obtained at run time; undefined when neither works. */
export function runtimeGc(): (() => void) | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') {
    cached = () => (exposed as () => void)();
    return cached;
  }
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    cached = typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
