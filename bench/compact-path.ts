/**
 * bench/compact-path: the collector's per-record work between a compact RecordBatch's
 * bytes and the Native block that goes to ClickHouse, in one process without network,
 * write-ahead log or processors: message decode (collector/compact/messages.ts), the
 * stream decoder (collector/compact/decoder.ts), the time guard, and the Native
 * encoder for the 18.16 server's table. Steadier than bench/ingest (no child
 * processes, no server), so it shows changes to these steps that the end-to-end
 * figure drowns in noise; bench/ingest stays the measure of the whole.
 *
 *   npm run build && node dist/bench/compact-path.js [--records 400000] [--passes 8] [--table 18.16|contrib] [--wal runs|whole]
 *
 * --table: the 18.16 server's table (default) or the contrib one (chDB, current servers).
 * --wal: each block also goes into a write-ahead log (queue/wal.ts, fsync 'interval', every
 * entry acknowledged once written) as the clickhouse exporter appends it: 'runs' as it does
 * now (the block without its repeated runs, queue/native-entry.ts), 'whole' as it did before
 * (the block as it is); the table then also shows the entries' bytes per record.
 *
 * Records as bench/ingest's compact sender makes them: our SDK (stream encoding,
 * 4096-record batches), `user u${n % 977} paid ${n % 10007} cents for order ${n}`.
 * CPU is this process's utime+stime (all threads: garbage collection helpers too),
 * per record, over the passes after a warm-up pass.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance, PerformanceObserver } from 'perf_hooks';
import { createLogger, type ExportBatch, type Transport } from '../sdk';
import { CompactEncoder, encodeHello, encodeStringDefinitions, encodeTemplateDefinitions, STREAM_ENCODING } from '../sdk/wire/compact-encode';
import { LOGFUN_SCOPE } from '../sdk/resource';
import { CompactStreamDecoder } from '../collector/compact/decoder';
import { decodeClientMessage } from '../collector/compact/messages';
import { guardBatchTimes } from '../collector/pipeline/time-guard';
import { LogsNativeEncoder } from '../collector/storage/clickhouse-logs-native';
import { NativeWriter, RepeatedRuns } from '../collector/storage/native-block';
import { nativeRunsEntryParts, writeNativeEntryHeader } from '../collector/queue/native-entry';
import { WriteAheadLog } from '../collector/queue/wal';
import { LOGS_COLUMNS_18_16, LOGS_COLUMNS_CONTRIB } from '../test/kit/logs-table-columns';
import { printTable } from './lib';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function argText(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const TABLE = argText('--table', '18.16');
const WAL_ENTRY = argText('--wal', '');

/** Repeated runs shorter than this stay in an entry's bytes (the exporter's MIN_LOGGED_RUN_BYTES). */
const MIN_LOGGED_RUN_BYTES = 64;

/** A write-ahead log the blocks go into (--wal), each entry acknowledged once written. */
class WalStep {
  private constructor(
    private readonly wal: WriteAheadLog,
    readonly directory: string,
  ) {}
  bytes = 0;

  static async open(): Promise<WalStep> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-compact-wal-'));
    return new WalStep(await WriteAheadLog.open({ directory, maxBytes: 0, fsync: 'interval' }), directory);
  }

  /** Encodes the batch's entry in `w` as the exporter does (--wal runs) or did (whole), appends and acknowledges it. */
  async append(native: LogsNativeEncoder, rows: number, encode: (w: NativeWriter) => void, w: NativeWriter): Promise<void> {
    let payload: Buffer[];
    w.reset();
    if (WAL_ENTRY === 'whole') {
      writeNativeEntryHeader(w, rows, native.columns);
      encode(w);
      payload = [w.view()];
    } else {
      const runs = new RepeatedRuns(0, MIN_LOGGED_RUN_BYTES);
      w.runs = runs;
      encode(w);
      w.runs = undefined;
      payload = nativeRunsEntryParts(w.view(), rows, native.columns, runs);
    }
    for (const p of payload) this.bytes += p.length;
    const seq = await this.wal.append(payload, rows);
    await this.wal.acknowledge({ seq: seq + 1, record: 0 });
  }

  async close(): Promise<void> {
    await this.wal.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}

/** What a stream carries, in order: definitions (templates, strings) and record batches, as bytes. */
class CapturingTransport implements Transport {
  readonly name = 'capture';
  readonly batchDefaults = { maxRecords: 4096 };
  readonly encoder = new CompactEncoder(STREAM_ENCODING);
  readonly messages: Buffer[] = [];
  hello: Buffer | undefined;
  private defined = 0;
  async export(batch: ExportBatch) {
    this.hello ??= encodeHello({ resource: batch.resource, scope: LOGFUN_SCOPE, sdkVersion: '', lastAckedSequence: 0, sessionId: Buffer.alloc(16) });
    const compact = this.encoder.encodeBatch(batch);
    if (compact.templates.length > 0) this.messages.push(encodeTemplateDefinitions(compact.templates, false));
    if (compact.dictionarySize > this.defined) {
      for (const m of encodeStringDefinitions(this.defined + 1, this.encoder.dictionaryEntries(this.defined + 1, compact.dictionarySize))) this.messages.push(m);
      this.defined = compact.dictionarySize;
    }
    this.messages.push(compact.message);
  }
  async shutdown() {}
}

async function capture(total: number): Promise<CapturingTransport> {
  const transport = new CapturingTransport();
  const log = createLogger({ service: 'bench-compact', transport, exitHooks: false, diagnostics: () => undefined });
  for (let n = 0; n < total; n++) {
    log.info`user u${n % 977} paid ${n % 10007} cents for order ${n}`;
    if (n % 4096 === 4095) await log.flush();
  }
  await log.shutdown();
  return transport;
}

/** One pass over the stream: every batch decoded, guarded and encoded into a Native block (and appended to `wal`). Returns the records. */
async function pass(t: CapturingTransport, native: LogsNativeEncoder, w: NativeWriter, wal: WalStep | undefined): Promise<number> {
  const decoder = new CompactStreamDecoder();
  const hello = decodeClientMessage(t.hello!);
  if (hello.kind !== 'hello') throw new Error('not a hello');
  decoder.setHello(hello.hello);
  let records = 0;
  for (const bytes of t.messages) {
    const m = decodeClientMessage(bytes);
    if (m.kind === 'templates') decoder.define(m.templates, m.reset);
    else if (m.kind === 'strings') decoder.defineStrings(m.firstIndex, m.values);
    else if (m.kind === 'batch') {
      const { batch } = decoder.decode(m.batch, false);
      guardBatchTimes(batch);
      const n = batch.length;
      const indexes = new Array<number>(n);
      for (let i = 0; i < n; i++) indexes[i] = i;
      const encode = (into: NativeWriter) => native.encodeInto({ batches: new Array(n).fill(batch), indexes, offsets: indexes, base: 0n }, into);
      if (wal) await wal.append(native, n, encode, w);
      else {
        w.reset();
        encode(w);
      }
      records += n;
    }
  }
  return records;
}

async function main(): Promise<void> {
  const total = argValue('--records', 400_000);
  const passes = argValue('--passes', 8);
  const t = await capture(total);
  const native = LogsNativeEncoder.create(TABLE === 'contrib' ? LOGS_COLUMNS_CONTRIB : LOGS_COLUMNS_18_16, { typeConversion: TABLE === 'contrib' })!;
  const w = new NativeWriter();
  const wal = WAL_ENTRY ? await WalStep.open() : undefined;
  await pass(t, native, w, wal); // warm-up
  if (wal) wal.bytes = 0;
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let records = 0;
  for (let p = 0; p < passes; p++) records += await pass(t, native, w, wal);
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 100)); // let the observer report
  gc.disconnect();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await wal?.close();
  const steps = `SDK stream encoding -> decode -> time guard -> Native (${TABLE} table)${wal ? ` -> write-ahead log (${WAL_ENTRY === 'whole' ? 'whole blocks' : 'blocks without their repeated runs'})` : ''}`;
  printTable(
    `compact-path: ${total} records x ${passes} passes, ${steps}`,
    ['ns/record (CPU, all threads)', 'ns/record (wall)', 'GC pauses ms/pass', 'records per CPU-s', ...(wal ? ['log entry bytes/record'] : [])],
    [
      [
        Math.round((cpuMs * 1e6) / records),
        Math.round((wallMs * 1e6) / records),
        (gcMs / passes).toFixed(0),
        `${Math.round(records / (cpuMs / 1000) / 1000)}k`,
        ...(wal ? [(wal.bytes / records).toFixed(0)] : []),
      ],
    ],
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
