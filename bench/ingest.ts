/**
 * bench/ingest: what one record costs the collector, beside what it costs the
 * ClickHouse engine alone, measured in the same run.
 *
 *   npm run build && node dist/bench/ingest.js [--records 200000] [--store http://127.0.0.1:8123] [--paths compact,otlp]
 *                                              [--cpu-prof-dir DIR] [--node-args "--single-threaded-gc"] [--warmup 200000]
 *                                              [--server-only] [--repeat 3]
 *
 * A real `logfun collector` child process runs the default pipeline (template,
 * spam, control -> clickhouse through the write-ahead log queue). Two senders:
 *   - compact: our SDK (a child process, createLogger, transport 'logfun': the compact
 *     stream), a tagged template with three arguments, as fast as it acknowledges;
 *   - otlp: plain OTLP/gRPC requests encoded beforehand by the official
 *     @opentelemetry/otlp-transformer (1000 records per request, 8 in flight).
 * Each into the embedded chDB and, with --store, into that ClickHouse server
 * (a database of its own, dropped afterwards); --server-only skips chDB.
 *
 * A run counts from the first send until count() in the table reaches the total.
 * "collector CPU-s" is utime+stime of the collector process, all threads
 * (/proc/<pid>/stat) over that span: with chDB it includes the embedded engine,
 * with a server it is the collector alone.
 *
 * Engine only: the same rows, taken back out of the table as a file in each format
 * (JSONCompactEachRow, RowBinary, Native), inserted into an empty copy of the table;
 * CPU of the engine doing only that (chDB: this process's CPU around the INSERT ...
 * SELECT FROM file(); a server on this machine: its process CPU around the
 * HTTP INSERT). "collector / engine" divides the collector's CPU per record by the
 * engine's with Native.
 *
 * --node-args: options for the collector's node, e.g. --single-threaded-gc (garbage
 * collection on the main thread only: 5-10 % less collector CPU per record with a
 * ClickHouse server on this machine, as much more with chDB, whose threads it competes with).
 *
 * --cpu-prof-dir: the collector runs with `node --cpu-prof` and writes one
 * .cpuprofile per path there (open in Chrome DevTools, or summarise by function).
 *
 * --repeat N: each path N times (a new collector each time, the paths taking turns), the
 * table showing the median run by records per collector CPU-second and the range of the
 * N runs: on a shared 2-core machine runs of one build differ by up to 25 %, so one run
 * cannot show a 10 % change.
 *
 * --warmup N: first N records through the same sender (service `<service>-warmup`),
 * waited for in the table, before counting starts: the figures are then the steady
 * state. Without it a run of a few seconds also counts V8 compiling the hot code
 * (on its own threads: a third of the collector's CPU of a 400k-record compact run
 * into a server), which a long-running collector pays once.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { LOGS_SERVICE_EXPORT_PATH } from '../protocol/protos';
import { printTable, startCollectorProcess, type CollectorProcess } from './lib';

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const PROFILE_DIR = argValue('--cpu-prof-dir', '') ? path.resolve(argValue('--cpu-prof-dir', '')) : '';
/** --node-args "…": options for the collector's node. */
const NODE_ARGS = argValue('--node-args', '').split(' ').filter((a) => a !== '');
/** --warmup N: records sent and stored before counting starts (0: counting starts with the collector idle). */
const WARMUP = Number(argValue('--warmup', '0'));
/** --repeat N: runs per path; the table shows the median and the range. */
const REPEAT = Number(argValue('--repeat', '1'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/** utime+stime in seconds from a /proc stat line (of a process: all its threads; of a task: that thread). */
function statCpuSeconds(stat: string): number {
  // Fields after the command name (which may hold spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** utime+stime of a process (all its threads), in seconds; NaN when /proc has no such process. */
function processCpuSeconds(pid: number): number {
  try {
    return statCpuSeconds(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds by thread of a process: the main (JavaScript) thread as 'main', the
 * others summed by their thread name (V8's GC helpers, libuv's pool and the engine's
 * own threads with chDB): where the collector's CPU goes besides the profile's thread.
 */
function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(name, (out.get(name) ?? 0) + statCpuSeconds(stat));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** `after - before` per thread name, largest first, as "name 1.23 s" items. */
function threadCpuDelta(before: Map<string, number>, after: Map<string, number>): string {
  const rows = [...after].map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const).filter(([, s]) => s >= 0.01);
  return rows
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(2)} s`)
    .join(', ');
}

interface Store {
  label: string;
  /** The clickhouse exporter's YAML. */
  exporterYaml(dir: string): string;
  /** Fully qualified logs table. */
  table: string;
  /** Rows of a query against the store (not through the collector, so its CPU is not counted). */
  count(c: CollectorProcess, where: string): Promise<number>;
  /** Engine-only CPU-seconds for inserting the rows of `where` again, per format; after the collector stopped. */
  engineOnly(c: CollectorProcess, where: string): Promise<Record<string, { cpuS: number; rows: number }>>;
  cleanup(): Promise<void>;
}

const FORMATS = ['JSONCompactEachRow', 'RowBinary', 'Native'] as const;

function chdbStore(): Store {
  return {
    label: 'chDB (embedded)',
    table: 'otel.otel_logs',
    exporterYaml: (dir) => `  clickhouse:\n    endpoint: "chdb://${dir}/data"\n    queue: { storage: wal, directory: ${dir}/queue, max_bytes: 1GiB }`,
    async count(c, where) {
      const rows = await c.sql(`SELECT count() AS n FROM otel.otel_logs WHERE ${where}`);
      return Number(rows[0].n);
    },
    async engineOnly(c, where) {
      // The collector has exited: this process opens its folder with the same engine.
      const { Session } = await import('chdb');
      const session = new Session(path.join(c.dir, 'data'));
      const out: Record<string, { cpuS: number; rows: number }> = {};
      try {
        const { cols, structure } = insertableColumns(session.query(`SELECT name, type, default_kind FROM system.columns WHERE database = 'otel' AND table = 'otel_logs' FORMAT TSV`));
        session.query('CREATE TABLE otel.engine_only AS otel.otel_logs');
        for (const format of FORMATS) {
          const file = path.join(c.dir, `rows.${format}`);
          session.query(`SELECT ${cols} FROM otel.otel_logs WHERE ${where} INTO OUTFILE '${file}' TRUNCATE FORMAT ${format}`);
          session.query('TRUNCATE TABLE otel.engine_only');
          const before = process.cpuUsage();
          session.query(`INSERT INTO otel.engine_only (${cols}) SELECT * FROM file('${file}', ${format}, '${structure}')`);
          const used = process.cpuUsage(before);
          const rows = Number(session.query('SELECT count() FROM otel.engine_only', 'TSV').trim());
          out[format] = { cpuS: (used.user + used.system) / 1e6, rows };
          fs.rmSync(file, { force: true });
        }
      } finally {
        session.close();
      }
      return out;
    },
    async cleanup() {},
  };
}

/**
 * The columns an INSERT writes (no DEFAULT/MATERIALIZED/ALIAS), from `name\ttype\tdefault_kind`
 * lines: as a column list and as a file() structure.
 */
function insertableColumns(tsv: string): { cols: string; structure: string } {
  const rows = tsv
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([, , kind]) => !kind);
  return { cols: rows.map(([name]) => '`' + name + '`').join(', '), structure: rows.map(([name, type]) => `${name} ${type}`).join(', ') };
}

function serverStore(url: string): Store {
  const database = `bench_ingest_${process.pid}`;
  const query = async (sql: string, body?: Buffer): Promise<Buffer> => {
    const res = await fetch(`${url}/?query=${encodeURIComponent(sql)}`, { method: 'POST', body });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw new Error(`${sql.slice(0, 80)}: ${bytes.toString().slice(0, 300)}`);
    return bytes;
  };
  const serverPid = (): number => {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim().startsWith('clickhouse')) return Number(d);
      } catch {
        /* gone */
      }
    }
    return NaN;
  };
  return {
    label: `server ${url}`,
    table: `${database}.otel_logs`,
    exporterYaml: (dir) => `  clickhouse:\n    endpoint: "${url}"\n    database: ${database}\n    queue: { storage: wal, directory: ${dir}/queue, max_bytes: 1GiB }`,
    async count(_c, where) {
      return Number((await query(`SELECT count() FROM ${database}.otel_logs WHERE ${where}`)).toString().trim());
    },
    async engineOnly(_c, where) {
      const pid = serverPid();
      const { cols } = insertableColumns(
        (await query(`SELECT name, type, default_kind FROM system.columns WHERE database = '${database}' AND table = 'otel_logs' FORMAT TSV`)).toString(),
      );
      await query(`CREATE TABLE IF NOT EXISTS ${database}.engine_only AS ${database}.otel_logs`);
      const out: Record<string, { cpuS: number; rows: number }> = {};
      for (const format of FORMATS) {
        let body: Buffer;
        try {
          body = await query(`SELECT ${cols} FROM ${database}.otel_logs WHERE ${where} FORMAT ${format}`);
        } catch {
          continue; // a format this server does not have
        }
        await query(`TRUNCATE TABLE ${database}.engine_only`);
        const before = processCpuSeconds(pid);
        await query(`INSERT INTO ${database}.engine_only (${cols}) FORMAT ${format}`, body);
        const cpuS = processCpuSeconds(pid) - before;
        const rows = Number((await query(`SELECT count() FROM ${database}.engine_only`)).toString().trim());
        out[format] = { cpuS, rows };
      }
      return out;
    },
    async cleanup() {
      await query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------
// Senders

/** The compact-stream sender (child process): `total` records through our SDK, as fast as acknowledged. */
async function runCompactSender(endpoint: string, service: string, total: number): Promise<void> {
  const { createLogger } = await import('../sdk');
  const log = createLogger({
    service,
    endpoint,
    transport: 'logfun',
    exitHooks: false,
    buffer: { maxRecords: 65_536, maxBytes: 64 * 1024 * 1024 },
    diagnostics: (m) => process.stderr.write(`sender: ${m}\n`),
  });
  let n = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const room = Math.min(32_768 - log.stats().buffered, total - n);
      for (let i = 0; i < room; i++, n++) log.info`user u${n % 977} paid ${n % 10007} cents for order ${n}`;
      if (n >= total) resolve();
      else setTimeout(pump, room > 0 ? 0 : 1);
    };
    pump();
  });
  await log.flush(120_000);
  const s = log.stats();
  await log.shutdown();
  process.send!({ emitted: s.emitted, dropped: s.dropped }, () => process.exit(0));
}

function compactSend(c: CollectorProcess, service: string, total: number): Promise<void> {
  const child = fork(__filename, ['--compact-sender', `127.0.0.1:${c.grpcPort}`, service, String(total)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { emitted: number; dropped: number }) => {
      if (m.dropped > 0) reject(new Error(`the SDK dropped ${m.dropped} records`));
      else resolve();
    });
    child.once('exit', (code) => (code ? reject(new Error(`compact sender exited with ${code}`)) : undefined));
  });
}

/** OTLP requests of 1000 records, encoded by the official @opentelemetry/otlp-transformer. */
async function officialOtlpRequests(service: string, total: number, perRequest = 1000): Promise<Uint8Array[]> {
  const { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } = await import('@opentelemetry/sdk-logs');
  const { ProtobufLogsSerializer } = await import('@opentelemetry/otlp-transformer');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': 'bench-1' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('bench');
  const requests: Uint8Array[] = [];
  for (let n = 0; n < total; n++) {
    logger.emit({
      severityNumber: 9,
      severityText: 'INFO',
      body: `user u${n % 977} paid ${n % 10007} cents for order ${n}`,
      attributes: { 'user.id': `u${n % 977}`, amount: n % 10007, order: n },
    });
    if ((n + 1) % perRequest === 0 || n === total - 1) {
      requests.push(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
      exporter.reset();
    }
  }
  await provider.shutdown();
  return requests;
}

async function otlpSend(c: CollectorProcess, requests: Uint8Array[], concurrency = 8): Promise<void> {
  const client = new grpc.Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure());
  const send = (buf: Uint8Array) =>
    new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength), (b: Buffer) => b, buf, (err) => (err ? reject(err) : resolve())),
    );
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const req = requests[next++];
        for (let attempt = 0; ; attempt++) {
          try {
            await send(req);
            break;
          } catch (e) {
            if (attempt > 100) throw e;
            await sleep(50); // refused with back-pressure: try again
          }
        }
      }
    }),
  );
  client.close();
}

// ---------------------------------------------------------------------------

interface PathResult {
  store: string;
  path: string;
  records: number;
  seconds: number;
  cpuS: number;
  engine: Record<string, { cpuS: number; rows: number }>;
  /** Collector CPU by thread over the same window (threadCpuDelta). */
  threads: string;
}

/** --warmup: `total` records of `<service>-warmup` through the path's sender, until all are in the table. */
async function warmUp(store: Store, c: CollectorProcess, kind: 'compact' | 'otlp', service: string, total: number): Promise<void> {
  const warmService = `${service}-warmup`;
  await (kind === 'compact' ? compactSend(c, warmService, total) : otlpSend(c, await officialOtlpRequests(warmService, total)));
  await waitForStored(store, c, `ServiceName = '${warmService}'`, total);
}

/** Stalled this long with the sender done: the records will not all arrive. */
const STALL_MS = 30_000;

/**
 * Polls count() until `total` rows match `where`. Throws when `failed()` reports the
 * sender's error, or when the count has not moved for STALL_MS after `sent()` (the
 * sender is done): the spam processor may have muted the bench's flood of one template
 * (it did once in ~30 runs), and the run would otherwise wait for ever.
 */
async function waitForStored(store: Store, c: CollectorProcess, where: string, total: number, failed = (): unknown => undefined, sent = () => true): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const err = failed();
    if (err) throw err;
    const n = await store.count(c, where);
    if (n >= total) return;
    if (n !== last || !sent()) {
      last = n;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALL_MS) {
      const lines = (await c.metrics()).split('\n').filter((l) => /^logfun_(spam_(dropped|suppressed)|ingest_sdk_muted|exporter_(sent|failed|dropped))/.test(l));
      throw new Error(`${n} of ${total} records stored (${where}) and no more for ${STALL_MS / 1000} s after the sender finished:\n${lines.join('\n')}`);
    }
    await sleep(200);
  }
}

/** One run of a path; `run` (from 0) names its service, so the rows of earlier runs in the same table are not counted. */
async function runPath(store: Store, kind: 'compact' | 'otlp', total: number, run = 0): Promise<PathResult> {
  const service = run === 0 ? `bench-${kind}` : `bench-${kind}-${run + 1}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-ingest-'));
  const requests = kind === 'otlp' ? await officialOtlpRequests(service, total) : [];
  const c = await startCollectorProcess({
    dir,
    exportersYaml: store.exporterYaml(dir),
    processorsYaml: `  template: { state_directory: ${dir}/templates }\n  spam:\n  control:`,
    pipelineProcessors: ['template', 'spam', 'control'],
    nodeArgs: [...NODE_ARGS, ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
  });
  const where = `ServiceName = '${service}'`;
  try {
    if (WARMUP > 0) await warmUp(store, c, kind, service, WARMUP);
    await sleep(1000); // let start-up work (schema, first flushes) settle before counting CPU
    const cpu0 = processCpuSeconds(c.proc.pid!);
    const threads0 = threadCpuSeconds(c.proc.pid!);
    const t0 = performance.now();
    const sending = kind === 'compact' ? compactSend(c, service, total) : otlpSend(c, requests);
    let failed: unknown;
    let sent = false;
    sending.then(
      () => (sent = true),
      (e) => (failed = e),
    );
    await waitForStored(store, c, where, total, () => failed, () => sent);
    const seconds = (performance.now() - t0) / 1000;
    const cpuS = processCpuSeconds(c.proc.pid!) - cpu0;
    const threads = threadCpuDelta(threads0, threadCpuSeconds(c.proc.pid!));
    await sending;
    await c.stop();
    const engine = await store.engineOnly(c, where);
    return { store: store.label, path: kind === 'compact' ? 'SDK compact stream' : 'plain OTLP (official encoder)', records: total, seconds, cpuS, engine, threads };
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const total = Number(argValue('--records', '200000'));
  const storeUrl = argValue('--store', '');
  const paths = argValue('--paths', 'compact,otlp').split(',') as ('compact' | 'otlp')[];
  const embedded = !process.argv.includes('--server-only');
  if (!embedded && !storeUrl) throw new Error('--server-only needs --store <url>');
  const stores = [...(embedded ? [chdbStore()] : []), ...(storeUrl ? [serverStore(storeUrl)] : [])];
  if (!Number.isSafeInteger(REPEAT) || REPEAT < 1) throw new Error('--repeat needs a positive integer');
  const results: PathResult[] = [];
  /** records per collector CPU-second of every run of a result's path, by result */
  const ranges = new Map<PathResult, number[]>();
  for (const store of stores) {
    try {
      const runs = paths.map((): PathResult[] => []);
      for (let rep = 0; rep < REPEAT; rep++) for (let p = 0; p < paths.length; p++) runs[p].push(await runPath(store, paths[p], total, rep));
      for (const list of runs) {
        const perCpu = list.map((r) => r.records / r.cpuS);
        const median = [...list].sort((a, b) => a.records / a.cpuS - b.records / b.cpuS)[Math.floor((list.length - 1) / 2)];
        results.push(median);
        ranges.set(median, perCpu);
      }
    } finally {
      await store.cleanup();
    }
  }
  const k = (v: number) => (v / 1000).toFixed(0) + 'k';
  const rangeOf = (r: PathResult) => {
    const all = ranges.get(r) ?? [];
    return `${k(Math.min(...all))} - ${k(Math.max(...all))}`;
  };
  printTable(
    `ingest: ${total.toLocaleString('en-US')} records per path, default pipeline (template, spam, control, WAL) until counted in the table${WARMUP > 0 ? `, after ${WARMUP.toLocaleString('en-US')} warm-up records` : ''}${NODE_ARGS.length > 0 ? `; collector node ${NODE_ARGS.join(' ')}` : ''}${REPEAT > 1 ? `; median of ${REPEAT} runs per path` : ''}`,
    ['store', 'sender', 'records/s', 'collector CPU-s', 'records/collector CPU-s', ...(REPEAT > 1 ? [`records/collector CPU-s, ${REPEAT} runs`] : []), 'engine only records/CPU-s (JSON / RowBinary / Native)', 'collector / engine (Native)'],
    results.map((r) => {
      const perCpu = r.records / r.cpuS;
      const engine = FORMATS.map((f) => (r.engine[f] && r.engine[f].rows === r.records && r.engine[f].cpuS > 0 ? k(r.records / r.engine[f].cpuS) : 'n/a'));
      const native = r.engine.Native;
      const ratio = native && native.cpuS > 0 ? (r.cpuS / native.cpuS).toFixed(1) + 'x' : 'n/a';
      return [r.store, r.path, k(r.records / r.seconds), r.cpuS.toFixed(2), k(perCpu), ...(REPEAT > 1 ? [rangeOf(r)] : []), engine.join(' / '), ratio];
    }),
  );
  console.log('\ncollector CPU by thread (main = the JavaScript thread; the rest: GC helpers, libuv pool, the engine with chDB):');
  for (const r of results) console.log(`  ${r.store} / ${r.path}: ${r.threads}`);
}

if (process.argv[2] === '--compact-sender') {
  runCompactSender(process.argv[3], process.argv[4], Number(process.argv[5])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
