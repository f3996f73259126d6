/**
 * bench/sdk-cost: CPU per log record of call + encode + send, for the logfun
 * SDK's transports and for the usual alternatives, side by side in one run.
 *
 *   npm run build && node dist/bench/sdk-cost.js [--records 200000] [--rounds 3] [--rate records/s] [--only name,name]
 *
 * Every record has 3 arguments: `user ${id} paid ${amount} for ${item}` (an
 * integer, a decimal, a short string from a small set). Each arm runs in its
 * own child process (no JIT or heap state shared between arms; `--rounds`
 * passes over all arms, median per arm, so load from other processes spreads
 * over every arm); the receivers
 * run in another child process, so their CPU is not counted. An arm warms up,
 * then logs `--records` records per round in chunks of 500, yielding to the
 * event loop between chunks so exports run (as in a busy service), and waits
 * until everything was exported (acknowledged by the sink, or written to the file);
 * CPU = process.cpuUsage() user + system over the round, all threads (gRPC,
 * zlib and fs work on the libuv pool included). The median round is reported.
 * Every arm must deliver every record: counts are checked at the sink, and
 * SDK-side drops are printed. Backpressure: a logfun arm whose buffer holds
 * more than half its capacity waits for a flush instead of dropping (the SDK
 * never blocks the caller by itself); pino buffers in memory; the OTel arm gets a
 * queue large enough to never drop. `--rate N` paces every arm to N records/s
 * instead (timer wakeups then add a floor: see the "pacing loop alone" row).
 *
 * Arms:
 *   logfun otlp          logfun SDK, OTLP/gRPC to a local sink (rendered Body + template attributes)
 *   logfun compact       logfun SDK, compact logfun.v1 stream to a local sink (acks per batch)
 *   logfun file          logfun SDK, `transport: 'file'` (default: brotli quality 1)
 *   pino file            pino 10, JSON lines via pino.destination({ dest, sync: false })
 *   otel sdk otlp        @opentelemetry/sdk-logs BatchLogRecordProcessor + exporter-logs-otlp-grpc to the
 *                        same sink; body = the template literal (the natural OTel-API equivalent)
 * Reference rows: the compact stream with 4096-record batches (the default
 * batch is 512 records), the pacing loop alone, the logfun call alone (a
 * transport that discards), a muted function (records dropped at the call), a
 * muted template (dropped at the call and counted per site for the collector,
 * with the counts sent as by the compact stream),
 * and file compression variants with their bytes per record.
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { performance } from 'perf_hooks';
import { printTable } from './lib';

const CHUNK = 500;
/** Half of the logfun SDK's default buffer (8192 records). */
const BACKLOG_LIMIT = 4096;
const ITEMS = ['book', 'pen', 'lamp', 'desk', 'chair', 'mug', 'cable', 'phone'];

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------------------
// sink (child process): OTLP LogsService/Export and logfun.v1.Ingest/Stream, counting records

function readVarint(b: Buffer, pos: number): [number, number] {
  let v = 0;
  let f = 1;
  for (;;) {
    const x = b[pos++];
    v += (x & 127) * f;
    if (x < 128) return [v, pos];
    f *= 128;
  }
}

/** Calls `visit(field, wire, start, end)` for each top-level field of a message slice. */
function fields(b: Buffer, start: number, end: number, visit: (field: number, wire: number, s: number, e: number) => void): void {
  let pos = start;
  while (pos < end) {
    let tag: number;
    [tag, pos] = readVarint(b, pos);
    const wire = tag & 7;
    const field = tag >>> 3;
    if (wire === 0) {
      const s = pos;
      [, pos] = readVarint(b, pos);
      visit(field, wire, s, pos);
    } else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(b, pos);
      visit(field, wire, pos, pos + len);
      pos += len;
    } else if (wire === 1) {
      visit(field, wire, pos, pos + 8);
      pos += 8;
    } else if (wire === 5) {
      visit(field, wire, pos, pos + 4);
      pos += 4;
    } else throw new Error(`wire type ${wire}`);
  }
}

/** log_records in an ExportLogsServiceRequest, without decoding them. */
function countOtlpRecords(b: Buffer): number {
  let n = 0;
  fields(b, 0, b.length, (f, w, s, e) => {
    if (f !== 1 || w !== 2) return; // resource_logs
    fields(b, s, e, (f2, w2, s2, e2) => {
      if (f2 !== 2 || w2 !== 2) return; // scope_logs
      fields(b, s2, e2, (f3, w3) => {
        if (f3 === 2 && w3 === 2) n++; // log_records
      });
    });
  });
  return n;
}

async function runSink(): Promise<void> {
  const { protoType } = await import('../protocol/protos');
  const ServerMessage = protoType('logfun.v1.ServerMessage');
  let otlpRecords = 0;
  let compactRecords = 0;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1 });
  const identity = (x: Buffer) => x;
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
      Stream: {
        path: '/logfun.v1.Ingest/Stream',
        requestStream: true,
        responseStream: true,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    } as grpc.ServiceDefinition,
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        otlpRecords += countOtlpRecords(call.request);
        cb(null, Buffer.alloc(0));
      },
      Stream: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        call.on('data', (m: Buffer) => {
          fields(m, 0, m.length, (f, w, s, e) => {
            if (w !== 2) return;
            if (f === 1) {
              call.write(Buffer.from(ServerMessage.encode({ helloAck: { collectorId: 'bench-sink' } }).finish()));
            } else if (f === 3) {
              let sequence = 0;
              fields(m, s, e, (bf, bw, bs, be) => {
                if (bf === 1 && bw === 0) sequence = readVarint(m, bs)[0];
                else if (bf === 3 && bw === 2) {
                  let p = bs;
                  while (p < be) {
                    [, p] = readVarint(m, p);
                    compactRecords++;
                  }
                } else if (bf === 3 && bw === 0) compactRecords++;
              });
              call.write(Buffer.from(ServerMessage.encode({ ack: { sequence } }).finish()));
            }
          });
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'counts') process.send!({ type: 'counts', otlp: otlpRecords, compact: compactRecords });
    if (msg.type === 'stop') server.tryShutdown(() => process.exit(0));
  });
  process.send!({ type: 'ready', port });
}

// ---------------------------------------------------------------------------
// arms (child processes)

interface ArmResult {
  arm: string;
  rounds: number[];
  records: number;
  dropped: number;
  note: string;
  storedBytes?: number;
}

/** One logging call of the arm for record i. */
type LogOne = (i: number) => void;

interface ArmSetup {
  logOne: LogOne;
  /** Records the SDK holds that are not exported yet (logfun: its bounded buffer). */
  backlog?(): number;
  /** Resolves when every record logged so far was exported. */
  flush(): Promise<void>;
  close(): Promise<void>;
  dropped(): number;
  note?(): string;
  storedBytes?(): number;
}

function amountOf(i: number): number {
  return (i % 1000) * 0.25 + 0.5;
}

/** A logfun arm: `transport[:option...]`, e.g. `compact`, `compact:4096` (batch records), `file:deflate:6`. */
async function logfunArm(arm: string, endpoint: string, dir: string): Promise<ArmSetup> {
  const kind = arm.startsWith('compact:') ? 'compact' : arm;
  const batchRecords = arm.startsWith('compact:') ? Number(arm.split(':')[1]) : undefined;
  const sdk = await import('../sdk');
  const { traced, functionScopes } = await import('../sdk/traced');
  let transport: unknown;
  let fileTransport: { counters: { storedBytes: number; records: number } } | undefined;
  const common = { service: 'bench', exitHooks: false, diagnostics: (m: string) => process.stderr.write(m + '\n') } as const;
  if (kind === 'otlp') transport = 'otlp';
  else if (kind === 'compact') transport = 'logfun';
  else if (kind === 'call' || kind === 'muted') {
    transport = { name: 'discard', export: async () => undefined, shutdown: async () => undefined };
  } else if (kind === 'muted-template') {
    // Carries muted counts (as the compact stream does): the per-site counting and the count-only batches run.
    transport = { name: 'discard', carriesMutedCounts: true, export: async () => undefined, shutdown: async () => undefined };
  } else if (kind.startsWith('file')) {
    const [, compression, level] = kind.split(':');
    const { FileTransport } = await import('../sdk/transports/file');
    const t = new FileTransport({ path: path.join(dir, `bench-${kind.replace(/:/g, '-')}.lf`), compression: compression as 'deflate' | undefined, level: level ? Number(level) : undefined });
    fileTransport = t;
    transport = t;
  } else throw new Error(`unknown logfun arm ${kind}`);
  const log = sdk.createLogger({ ...common, transport: transport as 'otlp', endpoint, batch: batchRecords ? { maxRecords: batchRecords } : undefined });
  let logOne: LogOne = (i) => log.info`user ${i} paid ${amountOf(i)} for ${ITEMS[i & 7]}`;
  if (kind === 'muted') {
    const mutedName = 'bench.mutedFunction';
    functionScopes.muteFunction(mutedName);
    logOne = traced(mutedName, (i: number) => log.info`user ${i} paid ${amountOf(i)} for ${ITEMS[i & 7]}`);
  }
  if (kind === 'muted-template') {
    logOne(0);
    await log.flush();
    sdk.defaultTemplateRegistry.forEachTemplate((t) => {
      if (t.text === 'user {} paid {} for {}') t.muted = true;
    });
  }
  return {
    logOne,
    flush: async () => {
      if (!(await log.flush(60_000))) throw new Error(`logfun ${kind}: flush timed out (${JSON.stringify(log.stats())})`);
    },
    close: () => log.shutdown(),
    dropped: () => log.stats().dropped,
    backlog: () => log.stats().buffered,
    note: () => (kind === 'muted' || kind === 'muted-template' ? `${log.stats().muted} muted` : ''),
    storedBytes: fileTransport ? () => fileTransport!.counters.storedBytes : undefined,
  };
}

/** The part of pino's API used here (typed locally: pino is not a dependency of the package). */
interface PinoDestination {
  /** sonic-boom internals: a write is in progress ('drain' follows when its buffer is empty). */
  readonly _writing: boolean;
  once(event: 'drain', listener: () => void): void;
  end(): void;
  on(event: 'close', listener: () => void): void;
}
interface PinoModule {
  (options: object, destination: PinoDestination): { info(format: string, ...args: unknown[]): void };
  destination(options: { dest: string; sync: boolean }): PinoDestination;
}

async function pinoArm(dir: string): Promise<ArmSetup> {
  // pino is installed for the benchmark only (a devDependency).
  const pino = require('pino') as PinoModule;
  const file = path.join(dir, 'bench-pino.log');
  const dest = pino.destination({ dest: file, sync: false });
  const logger = pino({}, dest);
  return {
    logOne: (i) => logger.info('user %s paid %d for %s', i, amountOf(i), ITEMS[i & 7]),
    // sonic-boom's flush(cb) does not wait when minLength is 0 (pino's default): wait for 'drain'.
    flush: () => new Promise((resolve) => (dest._writing ? dest.once('drain', resolve) : resolve())),
    close: () =>
      new Promise((resolve) => {
        dest.on('close', () => resolve());
        dest.end();
      }),
    dropped: () => 0,
    storedBytes: () => fs.statSync(file).size,
  };
}

async function otelArm(endpoint: string): Promise<ArmSetup> {
  const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    // A queue large enough that nothing is dropped (the default 2048 drops silently under load).
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `http://${endpoint}` }), maxQueueSize: 1 << 21 })],
  } as ConstructorParameters<typeof LoggerProvider>[0]);
  const logger = provider.getLogger('bench');
  return {
    logOne: (i) => logger.emit({ severityNumber: 9, severityText: 'INFO', body: `user ${i} paid ${amountOf(i)} for ${ITEMS[i & 7]}` }),
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
    dropped: () => 0,
  };
}

/** No logging at all: the CPU the pacing loop itself costs per record (timers, event loop). */
function harnessArm(): ArmSetup {
  let sum = 0;
  return {
    logOne: (i) => {
      sum += amountOf(i) + ITEMS[i & 7].length;
    },
    flush: async () => undefined,
    close: async () => undefined,
    dropped: () => 0,
    note: () => (sum > 0 ? '' : '-'),
  };
}

async function runArm(): Promise<void> {
  const arm = argValue('--arm')!;
  const endpoint = argValue('--endpoint')!;
  const records = Number(argValue('--records'));
  const rounds = Number(argValue('--rounds'));
  const rate = Number(argValue('--rate'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-sdk-cost-'));
  try {
    let setup: ArmSetup;
    if (arm.startsWith('logfun-')) setup = await logfunArm(arm.slice('logfun-'.length), endpoint, dir);
    else if (arm === 'pino') setup = await pinoArm(dir);
    else if (arm === 'otel') setup = await otelArm(endpoint);
    else if (arm === 'harness') setup = harnessArm();
    else throw new Error(`unknown arm ${arm}`);

    // SDK connections are unref'd: keep the process alive while a flush waits for them.
    const keepAlive = setInterval(() => undefined, 1000);
    let i = 0;
    const logRun = async (n: number) => {
      const end = i + n;
      const start = performance.now();
      const first = i;
      while (i < end) {
        const chunkEnd = Math.min(end, i + CHUNK);
        for (; i < chunkEnd; i++) setup.logOne(i);
        if (rate > 0) {
          // Offered load: `rate` records per second (sleep when ahead of it, else just yield).
          const aheadMs = ((i - first) * 1000) / rate - (performance.now() - start);
          if (aheadMs >= 1) await new Promise((resolve) => setTimeout(resolve, aheadMs));
          else await yieldToLoop();
        } else if (setup.backlog !== undefined && setup.backlog() > BACKLOG_LIMIT) {
          // Backpressure instead of drops: wait until the SDK exported what it holds.
          await setup.flush();
        } else await yieldToLoop();
      }
      await setup.flush();
    };
    await logRun(Math.max(50_000, records / 2)); // warm-up: JIT, connections, templates
    const storedBefore = setup.storedBytes?.() ?? 0;
    const result: ArmResult = { arm, rounds: [], records: 0, dropped: 0, note: '' };
    for (let r = 0; r < rounds; r++) {
      const before = process.cpuUsage();
      await logRun(records);
      const used = process.cpuUsage(before);
      result.rounds.push(((used.user + used.system) * 1000) / records);
    }
    result.records = i;
    result.dropped = setup.dropped();
    result.note = setup.note?.() ?? '';
    if (setup.storedBytes) result.storedBytes = (setup.storedBytes() - storedBefore) / (records * rounds);
    await setup.close();
    clearInterval(keepAlive);
    process.send!({ type: 'result', result });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// main

function startChild(args: string[]): ChildProcess {
  return fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} from child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before sending ${type}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function moduleAvailable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const records = Number(argValue('--records') ?? 200_000);
  const rounds = Number(argValue('--rounds') ?? 3);
  const rate = Number(argValue('--rate') ?? 0);
  const only = argValue('--only')?.split(',');
  const compactAvailable = fs.existsSync(path.join(__dirname, '..', 'sdk', 'transports', 'logfun-stream.js'));
  const pinoAvailable = moduleAvailable('pino');

  const sink = startChild(['--role', 'sink']);
  const { port } = await nextMessage<{ port: number }>(sink, 'ready', 30_000);
  const endpoint = `127.0.0.1:${port}`;
  const sinkCounts = async () => {
    sink.send({ type: 'counts' });
    return nextMessage<{ otlp: number; compact: number }>(sink, 'counts', 10_000);
  };

  const arms: { arm: string; label: string; available: boolean; why?: string; counted?: 'otlp' | 'compact' }[] = [
    { arm: 'logfun-compact', label: 'logfun compact stream (gRPC)', available: compactAvailable, why: 'sdk/transports/logfun-stream.ts not built', counted: 'compact' },
    { arm: 'logfun-file', label: 'logfun file (brotli 1)', available: true },
    { arm: 'logfun-otlp', label: 'logfun OTLP/gRPC', available: true, counted: 'otlp' },
    { arm: 'pino', label: 'pino -> file (sync: false)', available: pinoAvailable, why: 'pino not installed (npm install --no-save pino)' },
    { arm: 'otel', label: 'OTel sdk-logs + OTLP/gRPC exporter', available: true, counted: 'otlp' },
    { arm: 'logfun-compact:4096', label: 'ref: logfun compact, batch.maxRecords 4096', available: compactAvailable, why: 'sdk/transports/logfun-stream.ts not built', counted: 'compact' },
    { arm: 'harness', label: 'ref: pacing loop alone (no logging)', available: true },
    { arm: 'logfun-call', label: 'ref: logfun call + buffer only', available: true },
    { arm: 'logfun-muted', label: 'ref: logfun call in a muted function', available: true },
    { arm: 'logfun-muted-template', label: 'ref: logfun call to a muted template (counted)', available: true },
    { arm: 'logfun-file:deflate:6', label: 'ref: logfun file deflate 6', available: true },
    { arm: 'logfun-file:brotli:5', label: 'ref: logfun file brotli 5', available: true },
    { arm: 'logfun-file:none', label: 'ref: logfun file uncompressed', available: true },
  ];

  // Passes over all arms, one round per arm and pass: load from other processes on
  // the machine then spreads over every arm instead of hitting one.
  const results = new Map<string, ArmResult>();
  const problems: string[] = [];
  for (let pass = 0; pass < rounds; pass++) {
    for (const a of arms) {
      if (!a.available || (only && !only.includes(a.arm))) continue;
      const before = a.counted ? await sinkCounts() : undefined;
      const child = startChild(['--role', 'arm', '--arm', a.arm, '--endpoint', endpoint, '--records', String(records), '--rounds', '1', '--rate', String(rate)]);
      try {
        const { result } = await nextMessage<{ result: ArmResult }>(child, 'result', 20 * 60_000);
        const merged = results.get(a.arm);
        if (merged === undefined) results.set(a.arm, result);
        else {
          merged.rounds.push(...result.rounds);
          merged.records += result.records;
          merged.dropped += result.dropped;
          if (result.storedBytes !== undefined) merged.storedBytes = result.storedBytes;
          merged.note = result.note;
        }
        if (a.counted) {
          const after = await sinkCounts();
          const received = after[a.counted] - before![a.counted];
          if (received < result.records) problems.push(`${a.label}: the sink received ${received} of ${result.records} records`);
        }
        if (result.dropped > 0) problems.push(`${a.label}: the SDK dropped ${result.dropped} records`);
        process.stderr.write(`  pass ${pass + 1}/${rounds} ${a.label}: ${result.rounds.map((r) => r.toFixed(0)).join(' / ')} ns per record\n`);
      } catch (err) {
        problems.push(`${a.label}: ${(err as Error).message}`);
      }
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
  }
  sink.send({ type: 'stop' });

  const pinoNs = results.has('pino') ? median(results.get('pino')!.rounds) : undefined;
  const otelNs = results.has('otel') ? median(results.get('otel')!.rounds) : undefined;
  const rows: (string | number)[][] = [];
  for (const a of arms) {
    if (only && !only.includes(a.arm)) continue;
    const r = results.get(a.arm);
    if (!r) {
      rows.push([a.label, 'n/a', '', '', '', a.available ? 'failed (see below)' : (a.why ?? '')]);
      continue;
    }
    const ns = median(r.rounds);
    rows.push([
      a.label,
      Math.round(ns),
      pinoNs ? (ns / pinoNs).toFixed(3) : 'n/a',
      otelNs ? (ns / otelNs).toFixed(3) : 'n/a',
      r.storedBytes !== undefined ? r.storedBytes.toFixed(1) : '',
      r.note,
    ]);
  }
  printTable(
    `SDK cost: CPU per record (call + encode + send), 3 arguments, ${records.toLocaleString('en-US')} records per round (median of ${rounds} interleaved passes, a fresh process per arm and pass), ${rate > 0 ? `offered load ${rate.toLocaleString('en-US')} records/s` : 'as fast as each SDK takes them'}, node ${process.version}, ${os.cpus().length} cores`,
    ['arm', 'ns CPU / record', 'vs pino', 'vs OTel SDK', 'bytes / record', 'note'],
    rows,
  );
  if (problems.length > 0) {
    console.log('\nProblems:');
    for (const p of problems) console.log(`  - ${p}`);
    process.exitCode = 1;
  }
}

const role = argValue('--role') ?? 'main';
const run = role === 'sink' ? runSink : role === 'arm' ? runArm : main;
run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
