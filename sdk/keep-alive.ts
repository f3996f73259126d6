/**
 * Keeping the process alive while the SDK finishes work the user awaits.
 *
 * The SDK's sockets and timers are unref'd so that logging never keeps a
 * service alive on its own. The flip side: a promise the user awaits
 * (`await log.shutdown()`, `await log.flush()`) is not an event-loop handle, so
 * when nothing else keeps Node alive the loop runs dry while the work is still
 * waiting on unref'd I/O: a CommonJS script exits with code 0 without running the
 * code after the await, an ES module exits with code 13 (unsettled top-level await).
 * Work the user awaits therefore holds one ref'd handle until it settles, and is
 * always bounded, so the handle can never keep the process alive for long.
 */

/** Runs `work` with a ref'd handle held until it settles (then released); returns its result. */
export async function keepAliveWhile<T>(work: Promise<T>): Promise<T> {
  // An interval that never fires in practice: its only job is to be a ref'd handle.
  const handle = setInterval(noop, 1 << 30);
  try {
    return await work;
  } finally {
    clearInterval(handle);
  }
}

/**
 * Resolves with `work`'s result, or with `onTimeout()`'s after `ms` (whichever is
 * first). The timer is ref'd: waiting for `work` keeps the process alive, at most `ms`.
 */
export function boundedWait<T, U>(work: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  return new Promise<T | U>((resolve, reject) => {
    const timer = setTimeout(() => resolve(onTimeout()), Math.max(0, ms));
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function noop(): void {
  // a handle, nothing to do
}
