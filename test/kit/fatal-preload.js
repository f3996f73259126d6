/**
 * Test kit: preloaded into a collector child process (node -r) to hit it with a
 * fatal condition on demand. On SIGUSR2 it does what LOGFUN_TEST_FATAL says:
 *   throw  - an uncaught exception
 *   reject - an unhandled promise rejection
 *   block  - blocks the main thread (sleeps in Atomics.wait, no CPU), as a call
 *            stuck in native code does: no JavaScript signal handler can run
 *   heap   - fills the V8 heap to ~97 % of its limit with live data and keeps it
 *            there (what an unbounded in-memory store does), retrying allocations
 *            as the collector frees memory
 * Not loaded anywhere but in tests.
 */
'use strict';
const v8 = require('v8');

const retained = [];
function fillHeap() {
  // The old generation's limit: heap_size_limit less the young generation's 3 x 16 MiB.
  const limit = v8.getHeapStatistics().heap_size_limit - 48 * 1024 * 1024;
  const timer = setInterval(() => {
    for (let i = 0; i < 64 && v8.getHeapStatistics().used_heap_size < 0.97 * limit; i++) retained.push(new Array(32 * 1024).fill(i + 0.5));
  }, 20);
  timer.unref();
}

process.on('SIGUSR2', () => {
  switch (process.env.LOGFUN_TEST_FATAL) {
    case 'throw':
      setImmediate(() => {
        throw new Error('injected fatal error');
      });
      break;
    case 'reject':
      void Promise.reject(new Error('injected unhandled rejection'));
      break;
    case 'block':
      setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
      break;
    case 'heap':
      fillHeap();
      break;
  }
});
