/**
 * The collector process's own memory and CPU, as gauges sampled at every scrape:
 *   logfun_process_resident_memory_bytes    RSS (what the OS charges the process)
 *   logfun_process_heap_used_bytes          V8 heap in use
 *   logfun_process_heap_total_bytes         V8 heap reserved
 *   logfun_process_external_memory_bytes    memory of C++ objects bound to JS (Buffers, ArrayBuffers)
 *   logfun_process_cpu_seconds_total        user + system CPU time
 *   logfun_process_start_time_seconds       Unix time the process started
 * The memory_limiter measures heap used + external (see processors/memory_limiter).
 */
import * as fs from 'fs';
import * as os from 'os';
import type { Metrics } from './metrics';

export interface ProcessMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export function readProcessMemory(): ProcessMemory {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

/**
 * Memory the process's JavaScript holds: V8 heap in use plus external memory
 * (Node counts every Buffer/ArrayBuffer in `external`; `arrayBuffers` is a part of it,
 * so it is not added again). This is the memory that refusing batches can bring
 * down; unlike RSS it falls when the garbage collector frees batches.
 */
export function managedMemoryBytes(m: ProcessMemory = readProcessMemory()): number {
  return m.heapUsed + m.external;
}

/**
 * Memory available to the process: the cgroup limit when one is set (v2 memory.max,
 * v1 memory.limit_in_bytes), else the machine's total memory.
 */
export function totalMemoryBytes(): number {
  const total = os.totalmem();
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = fs.readFileSync(file, 'utf8').trim();
      const n = Number(text);
      if (text !== 'max' && Number.isFinite(n) && n > 0 && n < total) return n;
    } catch {
      /* no such cgroup file */
    }
  }
  return total;
}

const registered = new WeakSet<Metrics>();

/** Adds the process gauges to `metrics` (once per Metrics), refreshed before each render. */
export function registerProcessMetrics(metrics: Metrics): void {
  if (registered.has(metrics)) return;
  registered.add(metrics);
  const rss = metrics.gauge('logfun_process_resident_memory_bytes', 'Resident set size of the collector process in bytes.');
  const heapUsed = metrics.gauge('logfun_process_heap_used_bytes', 'V8 heap in use in bytes.');
  const heapTotal = metrics.gauge('logfun_process_heap_total_bytes', 'V8 heap reserved in bytes.');
  const external = metrics.gauge('logfun_process_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects (Buffers included) in bytes.');
  const cpu = metrics.counter('logfun_process_cpu_seconds_total', 'User and system CPU time of the collector process in seconds.');
  const start = metrics.gauge('logfun_process_start_time_seconds', 'Start time of the collector process since the Unix epoch in seconds.');
  const startedAt = Math.round(Date.now() / 1000 - process.uptime());
  const sample = () => {
    const m = readProcessMemory();
    rss.set({}, m.rss);
    heapUsed.set({}, m.heapUsed);
    heapTotal.set({}, m.heapTotal);
    external.set({}, m.external);
    const c = process.cpuUsage();
    cpu.set({}, (c.user + c.system) / 1e6);
    start.set({}, startedAt);
  };
  sample();
  metrics.onCollect(sample);
}
