/**
 * Process lifecycle of `logfun collector`: end promptly, and non-zero, when the
 * process can no longer do its job, so that a supervisor restarts it.
 *
 * Why this is needed beyond Node's defaults: the embedded ClickHouse engine (chDB)
 * installs its own handlers for SIGABRT, SIGSEGV and other fault signals. When V8
 * runs out of heap it calls abort(); that handler then kept the process alive for
 * minutes with the main thread stopped, and SIGTERM (whose JavaScript handler needs
 * the main thread) did nothing. So:
 *
 *   - uncaughtException / unhandledRejection: logged, exit code 70 at once (no
 *     graceful shutdown: the state is unknown; the WAL keeps what was accepted);
 *   - heap: V8's old generation above heap_exit_ratio of its limit on 3 checks in a row
 *     (1 s apart): logged, exit code 71, before V8 reaches its fatal abort;
 *   - watchdog: a worker thread (its own event loop and heap) expects a heartbeat
 *     from the main thread every 500 ms; none for watchdog_timeout, or the shutdown
 *     deadline passed while the main thread is stuck, and it writes a line to stderr
 *     and sends the process SIGKILL (the one signal no handler can hold up);
 *   - SIGTERM / SIGINT: graceful shutdown, bounded by shutdown_timeout (then exit
 *     code 1); a second signal exits at once (code 1).
 *
 * Exit codes: 0 clean shutdown, 1 shutdown timed out or cut by a second signal,
 * 70 fatal JavaScript error, 71 heap exhausted, SIGKILL by the watchdog.
 */
import * as fs from 'fs';
import * as v8 from 'v8';
import { Worker } from 'worker_threads';
import type { DiagLogger } from '../pipeline/component';
import type { ProcessConfig } from './process-config';

export const EXIT_SHUTDOWN_TIMEOUT = 1;
export const EXIT_FATAL_ERROR = 70;
export const EXIT_HEAP_EXHAUSTED = 71;

const HEARTBEAT_MS = 500;
const HEAP_CHECK_MS = 1000;
const HEAP_CHECKS_IN_A_ROW = 3;
/** How long after the shutdown deadline the watchdog waits for the main thread's own exit. */
const DEADLINE_GRACE_MS = 2000;

const WATCHDOG_SOURCE = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const beat = new Int32Array(workerData.beats);
const deadline = new Float64Array(workerData.deadline);
let last = Atomics.load(beat, 0);
let lastChange = Date.now();
const kill = (why) => {
  try { fs.writeSync(2, JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'watchdog: ' + why + '; killing the process' }) + '\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
};
setInterval(() => {
  const now = Date.now();
  const b = Atomics.load(beat, 0);
  if (b !== last) { last = b; lastChange = now; }
  else if (workerData.timeoutMs > 0 && now - lastChange > workerData.timeoutMs) kill('the main thread answered no heartbeat for ' + (now - lastChange) + ' ms');
  const d = deadline[0];
  if (d > 0 && now > d + workerData.graceMs) kill('shutdown did not end by its deadline');
}, 250);
`;

export interface OldGenerationUsage {
  used: number;
  limit: number;
}

/** Node 20+ on 64-bit: 16 MiB semi-spaces, the young generation reserving 3 of them within heap_size_limit. */
const DEFAULT_YOUNG_RESERVE = 3 * 16 * 2 ** 20;

/**
 * V8 runs out of heap when the old generation reaches its limit (--max-old-space-size),
 * which is heap_size_limit minus the young generation's reserve; the young spaces empty
 * at every scavenge, so only the old generation's use says how close the end is.
 */
export function oldGenerationUsage(): OldGenerationUsage {
  const stats = v8.getHeapStatistics();
  let young = 0;
  let newSpaceSize = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space' || s.space_name === 'new_large_object_space') young += s.space_used_size;
    if (s.space_name === 'new_space') newSpaceSize = s.space_size;
  }
  const reserve = Math.max(DEFAULT_YOUNG_RESERVE, 1.5 * newSpaceSize);
  return { used: stats.used_heap_size - young, limit: Math.max(1, stats.heap_size_limit - reserve) };
}

export class ProcessGuard {
  private readonly beats = new Int32Array(new SharedArrayBuffer(4));
  private readonly deadline = new Float64Array(new SharedArrayBuffer(8));
  private heartbeat: NodeJS.Timeout | undefined;
  private heapTimer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private heapHighChecks = 0;
  private exiting = false;

  constructor(
    private readonly config: ProcessConfig,
    private readonly logger: DiagLogger,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  /** Installs the fatal-error handlers, the heap check and the watchdog. */
  install(): void {
    process.on('uncaughtException', (err) => this.fatal(EXIT_FATAL_ERROR, 'uncaught exception', err));
    process.on('unhandledRejection', (reason) => this.fatal(EXIT_FATAL_ERROR, 'unhandled promise rejection', reason));
    this.heapTimer = setInterval(() => this.checkHeap(), HEAP_CHECK_MS);
    this.heapTimer.unref();
    if (this.config.watchdogTimeoutMs > 0) this.startWatchdog();
  }

  /**
   * Resolves on the first SIGTERM/SIGINT, after which it runs `shutdown` bounded by
   * shutdown_timeout; a second signal, or the deadline, exits with code 1.
   */
  async runUntilSignal(shutdown: () => Promise<void>): Promise<void> {
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const again = () => this.exitNow(EXIT_SHUTDOWN_TIMEOUT, `second signal during shutdown; exiting now`);
    process.once('SIGTERM', again);
    process.once('SIGINT', again);
    const deadlineMs = Date.now() + this.config.shutdownTimeoutMs;
    this.deadline[0] = deadlineMs;
    const timer = setTimeout(() => this.exitNow(EXIT_SHUTDOWN_TIMEOUT, `shutdown did not finish within ${this.config.shutdownTimeoutMs} ms after ${signal}; exiting`), this.config.shutdownTimeoutMs);
    try {
      await shutdown();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the timers and the watchdog (the process can then end on its own). */
  dispose(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.heapTimer) clearInterval(this.heapTimer);
    this.heartbeat = this.heapTimer = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /** One heap check (public for tests that drive it). */
  checkHeap(usage: OldGenerationUsage = oldGenerationUsage()): void {
    const ratio = usage.used / usage.limit;
    this.heapHighChecks = ratio > this.config.heapExitRatio ? this.heapHighChecks + 1 : 0;
    if (this.heapHighChecks >= HEAP_CHECKS_IN_A_ROW) {
      this.exitNow(EXIT_HEAP_EXHAUSTED, 'V8 heap nearly exhausted; exiting before V8 aborts', {
        old_generation_used_mib: Math.round(usage.used / 2 ** 20),
        old_generation_limit_mib: Math.round(usage.limit / 2 ** 20),
      });
    }
  }

  private startWatchdog(): void {
    this.heartbeat = setInterval(() => Atomics.add(this.beats, 0, 1), HEARTBEAT_MS);
    this.heartbeat.unref();
    try {
      this.worker = new Worker(WATCHDOG_SOURCE, {
        eval: true,
        workerData: { beats: this.beats.buffer, deadline: this.deadline.buffer, timeoutMs: this.config.watchdogTimeoutMs, graceMs: DEADLINE_GRACE_MS },
        // The watchdog needs a few MiB; it must keep running when the main heap is exhausted.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
      this.worker.unref();
      this.worker.on('error', (err) => this.logger.warn('process watchdog failed; running without it', { error: err.message }));
    } catch (err) {
      this.logger.warn('process watchdog could not start; running without it', { error: (err as Error).message });
    }
  }

  private fatal(code: number, what: string, err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.exitNow(code, `fatal: ${what}; exiting`, { error: e.message, stack: e.stack });
  }

  /** Writes the line synchronously (the process is about to end) and exits once. */
  private exitNow(code: number, msg: string, fields: Record<string, unknown> = {}): void {
    if (this.exiting) return;
    this.exiting = true;
    try {
      fs.writeSync(2, JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg, exit_code: code, ...fields }) + '\n');
    } catch {
      this.logger.error(msg, { exit_code: code, ...fields });
    }
    // If exit itself hangs (native teardown), the watchdog ends the process.
    this.deadline[0] = Date.now();
    this.exit(code);
  }
}
