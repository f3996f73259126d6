/**
 * bench/compact-path: the collector's per-record work between a compact RecordBatch's
 * bytes and the Native block that goes to ClickHouse, in one process without network,
 * write-ahead log or processors: message decode (collector/compact/messages.ts), the
 * stream decoder (collector/compact/decoder.ts), the time guard, and the Native
 * encoder for the 18.16 server's table. Steadier than bench/ingest (no child
 * processes, no server), so it shows changes to these steps that the end-to-end
 * figure drowns in noise; bench/ingest stays the measure of the whole.
 *
 *   npm run build && node dist/bench/compact-path.js [--records 400000] [--passes 8]
 *
 * Records as bench/ingest's compact sender makes them: our SDK (stream encoding,
 * 4096-record batches), `user u${n % 977} paid ${n % 10007} cents for order ${n}`.
 * CPU is this process's utime+stime (all threads: garbage collection helpers too),
 * per record, over the passes after a warm-up pass.
 */
import { performance, PerformanceObserver } from 'perf_hooks';
import { createLogger, type ExportBatch, type Transport } from '../sdk';
import { CompactEncoder, encodeHello, encodeStringDefinitions, encodeTemplateDefinitions, STREAM_ENCODING } from '../sdk/wire/compact-encode';
import { LOGFUN_SCOPE } from '../sdk/resource';
import { CompactStreamDecoder } from '../collector/compact/decoder';
import { decodeClientMessage } from '../collector/compact/messages';
import { guardBatchTimes } from '../collector/pipeline/time-guard';
import { LogsNativeEncoder } from '../collector/storage/clickhouse-logs-native';
import { NativeWriter } from '../collector/storage/native-block';
import type { TableColumn } from '../collector/storage/clickhouse-logs-encoder';
import { printTable } from './lib';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The 18.16 server's logs table (collector/storage/clickhouse-schema.ts). */
const COLUMNS: TableColumn[] = (
  'Timestamp:DateTime;TimestampNanos:UInt32;TraceId:String;SpanId:String;TraceFlags:UInt8;SeverityText:String;SeverityNumber:UInt8;ServiceName:String;Body:String;' +
  'ResourceSchemaUrl:String;ResourceAttributes.keys:Array(String);ResourceAttributes.values:Array(String);ScopeSchemaUrl:String;ScopeName:String;ScopeVersion:String;' +
  'ScopeAttributes.keys:Array(String);ScopeAttributes.values:Array(String);LogAttributes.keys:Array(String);LogAttributes.values:Array(String);EventName:String;TemplateId:UInt64;TemplateArgs:Array(String)'
)
  .split(';')
  .map((c) => {
    const [name, type] = c.split(':');
    return { name, type, defaultKind: '' };
  });

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

/** One pass over the stream: every batch decoded, guarded and encoded into a Native block. Returns the records. */
function pass(t: CapturingTransport, native: LogsNativeEncoder, w: NativeWriter): number {
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
      w.reset();
      native.encodeInto({ batches: new Array(n).fill(batch), indexes, offsets: indexes, base: 0n }, w);
      records += n;
    }
  }
  return records;
}

async function main(): Promise<void> {
  const total = argValue('--records', 400_000);
  const passes = argValue('--passes', 8);
  const t = await capture(total);
  const native = LogsNativeEncoder.create(COLUMNS, { typeConversion: false })!;
  const w = new NativeWriter();
  pass(t, native, w); // warm-up
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let records = 0;
  for (let p = 0; p < passes; p++) records += pass(t, native, w);
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 100)); // let the observer report
  gc.disconnect();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  printTable(`compact-path: ${total} records x ${passes} passes, SDK stream encoding -> decode -> time guard -> Native (18.16 table)`, ['ns/record (CPU, all threads)', 'ns/record (wall)', 'GC pauses ms/pass', 'records per CPU-s'], [
    [Math.round((cpuMs * 1e6) / records), Math.round((wallMs * 1e6) / records), (gcMs / passes).toFixed(0), `${Math.round(records / (cpuMs / 1000) / 1000)}k`],
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
