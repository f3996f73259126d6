/**
 * bench/soak: does the collector's memory stay flat under steady load?
 *
 *   npm run build && node dist/bench/soak.js [--minutes 30] [--rate R] [--capacity-seconds 20] [--sample-seconds 10]
 *                                            [--store http://host:8123] [--max-old-space-mib M]
 *
 * Starts `logfun collector` (the built CLI, a child process) with the default
 * pipeline (otlp -> template, spam, control -> clickhouse on chDB in a temp folder,
 * through the write-ahead log queue), and
 * a sender child process logging through our SDK (compact stream, createLogger).
 *   1. Capacity (skipped with --rate): the sender logs as fast as the pipeline takes
 *      it (keeping its buffer from overflowing) for --capacity-seconds; capacity =
 *      records stored per second after the first quarter of that window.
 *   2. Soak: the sender logs at half the capacity (or --rate) for --minutes, while
 *      the collector's RSS and V8 heap (its /metrics: logfun_process_resident_memory_bytes,
 *      logfun_process_heap_used_bytes; /proc/<pid>/status VmRSS as a fallback) and the
 *      records sent/stored are sampled every --sample-seconds and printed as a table.
 *   3. Growth after warm-up: the first 20 % of samples are discarded; growth = mean of
 *      the last quarter of the samples vs mean of the first quarter of what remains
 *      (the warm-up end), in %. PASS when RSS growth <= 10 %. Also checks that every
 *      record the sender saw acknowledged is stored (exit code 1 on FAIL).
 *      Reported beside it, because V8's heap saw-tooths (garbage piles up to an adaptive
 *      limit between major collections) and the window means depend on where the teeth
 *      fall: the least-squares trend over the kept samples (growth over the run, in % of
 *      the mean) and the floors (minimum of the first and last third of the kept samples:
 *      what is live after a major collection).
 *
 * --store: a ClickHouse server instead of the embedded chDB (database soak_<pid>), so
 * the collector's RSS holds only the collector, not the ClickHouse engine.
 *
 * --max-old-space-mib: the collector runs with node --max-old-space-size=M, as README.md
 * advises for a memory bound (V8 otherwise lets garbage pile up toward its own limit,
 * a quarter of the machine's memory, before a major collection).
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { printTable, startCollectorProcess, type CollectorProcess } from './lib';
import { parseExposition, sampleValue } from '../collector/telemetry/exposition';

const MIB = 1024 * 1024;
const GROWTH_LIMIT_PERCENT = 10;
const WARMUP_FRACTION = 0.2;

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// The sender (child process): one SDK logger, driven by messages from the parent.

interface SenderStats {
  emitted: number;
  exported: number;
  dropped: number;
  buffered: number;
  failedExports: number;
}

type SenderCommand = { cmd: 'max' } | { cmd: 'rate'; rate: number } | { cmd: 'stop' };

async function runSender(endpoint: string): Promise<void> {
  const { createLogger } = await import('../sdk');
  const log = createLogger({
    service: 'soak',
    endpoint,
    transport: 'logfun',
    exitHooks: false,
    buffer: { maxRecords: 65_536, maxBytes: 64 * MIB },
    batch: { maxRecords: 2048, delayMs: 50 },
    diagnostics: (m) => process.stderr.write(`sender: ${m}\n`),
  });
  let n = 0;
  const emit = (count: number) => {
    for (let i = 0; i < count; i++, n++) log.info`user u${n % 977} paid ${n % 10007} cents for order ${n}`;
  };
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  const stopLoad = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    pumping = false;
  };
  const stats = (): SenderStats => {
    const s = log.stats();
    return { emitted: s.emitted, exported: s.exported, dropped: s.dropped, buffered: s.buffered, failedExports: s.failedExports };
  };
  const report = setInterval(() => process.send!({ stats: stats() }), 1000);
  process.on('message', async (m: SenderCommand) => {
    if (m.cmd === 'max') {
      stopLoad();
      pumping = true;
      // As fast as the pipeline acknowledges: keep at most half the buffer outstanding (no drops).
      const pump = () => {
        if (!pumping) return;
        const room = 32_768 - log.stats().buffered;
        if (room > 0) emit(Math.min(room, 2000));
        setImmediate(pump);
      };
      pump();
    } else if (m.cmd === 'rate') {
      stopLoad();
      const tickMs = 50;
      let owed = 0;
      timer = setInterval(() => {
        owed += (m.rate * tickMs) / 1000;
        const now = Math.floor(owed);
        owed -= now;
        emit(now);
      }, tickMs);
    } else if (m.cmd === 'stop') {
      stopLoad();
      await log.flush(60_000);
      await log.shutdown();
      clearInterval(report);
      process.send!({ stats: stats(), final: true }, () => process.exit(0));
    }
  });
  process.send!({ ready: true });
}

class Sender {
  latest: SenderStats = { emitted: 0, exported: 0, dropped: 0, buffered: 0, failedExports: 0 };
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private finalStats: ((s: SenderStats) => void) | undefined;

  constructor(endpoint: string) {
    this.child = fork(__filename, ['--sender', endpoint], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`sender exited with ${code}`)));
      this.child.on('message', (m: { ready?: boolean; stats?: SenderStats; final?: boolean }) => {
        if (m.ready) resolve();
        if (m.stats) this.latest = m.stats;
        if (m.final && this.finalStats) this.finalStats(m.stats!);
      });
    });
  }

  async command(c: SenderCommand): Promise<void> {
    await this.ready;
    this.child.send(c);
  }

  async stop(): Promise<SenderStats> {
    const done = new Promise<SenderStats>((resolve) => (this.finalStats = resolve));
    await this.command({ cmd: 'stop' });
    return done;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------
// The parent: collector, capacity, soak, report.

/** The store's database: otel on chDB, soak_<pid> on a server (--store). */
let database = 'otel';

async function storedCount(c: CollectorProcess): Promise<number> {
  const rows = await c.sql(`SELECT count() AS n FROM ${database}.otel_logs WHERE ServiceName = 'soak'`);
  return Number(rows[0].n);
}

async function memoryOf(c: CollectorProcess): Promise<{ rss: number; heap: number }> {
  try {
    const f = parseExposition(await c.metrics());
    const rss = sampleValue(f, 'logfun_process_resident_memory_bytes');
    const heap = sampleValue(f, 'logfun_process_heap_used_bytes');
    if (rss > 0) return { rss, heap };
  } catch {
    /* fall back to /proc */
  }
  const status = fs.readFileSync(`/proc/${c.proc.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return { rss: kb * 1024, heap: NaN };
}

async function measureCapacity(c: CollectorProcess, sender: Sender, seconds: number): Promise<number> {
  await sender.command({ cmd: 'max' });
  const skipMs = (seconds * 1000) / 4;
  await sleep(skipMs);
  const t0 = Date.now();
  const s0 = await storedCount(c);
  await sleep(seconds * 1000 - skipMs);
  const s1 = await storedCount(c);
  const t1 = Date.now();
  await sender.command({ cmd: 'rate', rate: 1 });
  // Let the backlog of the capacity run drain before the soak starts.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && (await storedCount(c)) < sender.latest.exported) await sleep(500);
  return (s1 - s0) / ((t1 - t0) / 1000);
}

interface Sample {
  t: number;
  sent: number;
  stored: number;
  rss: number;
  heap: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Least-squares trend of the kept samples: growth over their span in % of their mean; and the floors of the first and last third. */
export function trendAfterWarmup(values: number[]): { trendPercent: number; firstFloor: number; lastFloor: number } {
  const kept = values.slice(Math.floor(values.length * WARMUP_FRACTION));
  const n = kept.length;
  const mx = (n - 1) / 2;
  const my = mean(kept);
  let sxy = 0;
  let sxx = 0;
  kept.forEach((y, x) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  const third = Math.max(1, Math.floor(n / 3));
  return { trendPercent: ((slope * (n - 1)) / my) * 100, firstFloor: Math.min(...kept.slice(0, third)), lastFloor: Math.min(...kept.slice(-third)) };
}

/** Growth in % of the last quarter's mean over the warm-up end's mean, after discarding the first 20 %. */
export function growthAfterWarmup(values: number[]): { warmupEnd: number; lastQuarter: number; percent: number } {
  const kept = values.slice(Math.floor(values.length * WARMUP_FRACTION));
  const q = Math.max(1, Math.ceil(kept.length / 4));
  const warmupEnd = mean(kept.slice(0, q));
  const lastQuarter = mean(kept.slice(-q));
  return { warmupEnd, lastQuarter, percent: ((lastQuarter - warmupEnd) / warmupEnd) * 100 };
}

async function main(): Promise<void> {
  const minutes = argValue('--minutes') ?? 30;
  const fixedRate = argValue('--rate');
  const capacitySeconds = argValue('--capacity-seconds') ?? 20;
  const sampleSeconds = argValue('--sample-seconds') ?? 10;
  const maxOldSpaceMib = argValue('--max-old-space-mib');
  const storeArg = process.argv.indexOf('--store');
  const serverUrl = storeArg >= 0 ? process.argv[storeArg + 1] : undefined;
  const storeYaml = serverUrl ? `endpoint: ${JSON.stringify(serverUrl)}, database: soak_${process.pid}` : 'endpoint: "chdb://./data"';
  database = serverUrl ? `soak_${process.pid}` : 'otel';

  // The default config's pipeline and queue (collector/config/default.ts), in a temp folder.
  const collector = await startCollectorProcess({
    processorsYaml: '  template: { state_directory: ./templates }\n  spam: {}\n  control: {}',
    pipelineProcessors: ['template', 'spam', 'control'],
    exportersYaml: `  clickhouse: { ${storeYaml}, queue: { storage: wal, directory: ./queue, max_bytes: 1GiB } }`,
    nodeArgs: maxOldSpaceMib !== undefined ? [`--max-old-space-size=${maxOldSpaceMib}`] : [],
  });
  const sender = new Sender(`127.0.0.1:${collector.grpcPort}`);
  let exitCode = 0;
  try {
    let rate: number;
    if (fixedRate !== undefined) {
      rate = fixedRate;
      console.log(`soak: fixed rate ${rate} records/s for ${minutes} min (collector pid ${collector.proc.pid})`);
    } else {
      console.log(`soak: measuring capacity for ${capacitySeconds} s (collector pid ${collector.proc.pid}) ...`);
      const capacity = await measureCapacity(collector, sender, capacitySeconds);
      rate = Math.max(1, Math.round(capacity / 2));
      console.log(`soak: capacity ${Math.round(capacity)} records/s stored; soaking at half: ${rate} records/s for ${minutes} min`);
    }

    await sender.command({ cmd: 'rate', rate });
    const sentAtStart = sender.latest.emitted;
    const storedAtStart = await storedCount(collector);
    const samples: Sample[] = [];
    const start = Date.now();
    const end = start + minutes * 60_000;
    console.log('time s | records sent | stored | rss MiB | heap MiB');
    while (Date.now() < end) {
      await sleep(Math.min(sampleSeconds * 1000, Math.max(0, end - Date.now())));
      const mem = await memoryOf(collector);
      const s: Sample = {
        t: Math.round((Date.now() - start) / 1000),
        sent: sender.latest.emitted - sentAtStart,
        stored: (await storedCount(collector)) - storedAtStart,
        rss: mem.rss / MIB,
        heap: mem.heap / MIB,
      };
      samples.push(s);
      console.log(`${s.t} | ${s.sent} | ${s.stored} | ${s.rss.toFixed(1)} | ${s.heap.toFixed(1)}`);
    }

    const final = await sender.stop();
    const deadline = Date.now() + 120_000;
    let stored = await storedCount(collector);
    while (stored < final.exported && Date.now() < deadline) {
      await sleep(500);
      stored = await storedCount(collector);
    }

    printTable(
      `Soak: ${minutes} min at ${rate} records/s (SDK compact stream -> template, spam, control -> write-ahead log -> ${serverUrl ? 'ClickHouse server' : 'chDB'})`,
      ['time s', 'records sent', 'stored', 'rss MiB', 'heap MiB'],
      samples.map((s) => [s.t, s.sent, s.stored, s.rss.toFixed(1), Number.isNaN(s.heap) ? '-' : s.heap.toFixed(1)]),
    );
    const rss = growthAfterWarmup(samples.map((s) => s.rss));
    const heap = growthAfterWarmup(samples.map((s) => s.heap));
    const rssTrend = trendAfterWarmup(samples.map((s) => s.rss));
    const heapTrend = trendAfterWarmup(samples.map((s) => s.heap));
    const pass = rss.percent <= GROWTH_LIMIT_PERCENT;
    const complete = stored === final.exported && final.dropped === 0;
    printTable(
      `Memory growth after warm-up (first ${WARMUP_FRACTION * 100} % of ${samples.length} samples discarded; last quarter vs warm-up end)`,
      ['metric', 'warm-up end MiB', 'last quarter MiB', 'growth %', `limit ${GROWTH_LIMIT_PERCENT} %`, 'trend %', 'floor first third MiB', 'floor last third MiB'],
      [
        ['rss', rss.warmupEnd.toFixed(1), rss.lastQuarter.toFixed(1), rss.percent.toFixed(1), pass ? 'PASS' : 'FAIL', rssTrend.trendPercent.toFixed(1), rssTrend.firstFloor.toFixed(1), rssTrend.lastFloor.toFixed(1)],
        ['heap used', heap.warmupEnd.toFixed(1), heap.lastQuarter.toFixed(1), heap.percent.toFixed(1), '(reported)', heapTrend.trendPercent.toFixed(1), heapTrend.firstFloor.toFixed(1), heapTrend.lastFloor.toFixed(1)],
      ],
    );
    console.log(
      `\nrecords: emitted ${final.emitted}, acknowledged ${final.exported}, dropped by the SDK ${final.dropped}, stored ${stored} -> ${complete ? 'complete' : 'INCOMPLETE'}`,
    );
    console.log(`soak: ${pass && complete ? 'PASS' : 'FAIL'}`);
    if (!pass || !complete) exitCode = 1;
  } finally {
    sender.kill();
    await collector.stop();
    if (serverUrl) await fetch(`${serverUrl}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
  }
  process.exit(exitCode);
}

if (process.argv[2] === '--sender') {
  runSender(process.argv[3]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
