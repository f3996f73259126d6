/**
 * bench/native-encode: what encoding one logs-table row costs the collector, in the
 * Native block it inserts (collector/storage/clickhouse-logs-native.ts) beside the
 * JSONCompactEachRow text row the text encoder writes for tables Native cannot fill
 * (collector/storage/clickhouse-logs-encoder.ts), for the same rows in the same run.
 *
 *   npm run build && node dist/bench/native-encode.js [--rows 4000] [--passes 100]
 *
 * Rows as the compact stream delivers them: a tagged template with three arguments,
 * the body left to its parts (rendered only by whoever reads it), the template's
 * call-site attributes one list shared by its records. Two table shapes: the full
 * schema (DateTime64, Map columns; chDB and new servers) and the 18.16 one
 * (DateTime + TimestampNanos, Nested attributes, InsertId added per insert).
 */
import { LogBatchBuilder, sharedAttributeList, type LogBatch } from '../collector/pipeline/batch';
import { EncodeContext, LogsRowEncoder, type TableColumn } from '../collector/storage/clickhouse-logs-encoder';
import { LogsNativeEncoder } from '../collector/storage/clickhouse-logs-native';
import { NativeWriter } from '../collector/storage/native-block';
import { printTable } from './lib';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const columns = (spec: string): TableColumn[] =>
  spec.split(';').map((c) => {
    const [name, type] = c.split(':');
    return { name, type, defaultKind: '' };
  });

const SCHEMAS: { name: string; columns: TableColumn[] }[] = [
  {
    name: 'full (chDB, new servers)',
    columns: columns(
      'Timestamp:DateTime64(9);TraceId:String;SpanId:String;TraceFlags:UInt8;SeverityText:String;SeverityNumber:UInt8;ServiceName:String;Body:String;ResourceSchemaUrl:String;ResourceAttributes:Map(String, String);ScopeSchemaUrl:String;ScopeName:String;ScopeVersion:String;ScopeAttributes:Map(String, String);LogAttributes:Map(String, String);EventName:String;TemplateId:UInt64;TemplateArgs:Array(String)',
    ),
  },
  {
    name: '18.16 server',
    columns: columns(
      'Timestamp:DateTime;TimestampNanos:UInt32;TraceId:String;SpanId:String;TraceFlags:UInt8;SeverityText:String;SeverityNumber:UInt8;ServiceName:String;Body:String;ResourceSchemaUrl:String;ResourceAttributes.keys:Array(String);ResourceAttributes.values:Array(String);ScopeSchemaUrl:String;ScopeName:String;ScopeVersion:String;ScopeAttributes.keys:Array(String);ScopeAttributes.values:Array(String);LogAttributes.keys:Array(String);LogAttributes.values:Array(String);EventName:String;TemplateId:UInt64;TemplateArgs:Array(String)',
    ),
  },
];

const PARTS = ['request from ', ' id ', ' method ', ' done'];

/** `rows` compact-like records of four templates (bodies in parts, shared site attributes). */
function compactLikeBatch(rows: number): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'checkout' }, { key: 'host.name', value: 'node-17' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'logfun', version: '0.1.0', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const sites = [0, 1, 2, 3].map((k) =>
    sharedAttributeList([
      { key: 'code.function', value: `handle${k}` },
      { key: 'code.filepath', value: `src/server/handler${k}.ts` },
      { key: 'code.lineno', value: BigInt(10 + k) },
    ]),
  );
  const t0 = 1_700_000_000_123_456_789n;
  for (let i = 0; i < rows; i++) {
    b.add(r, s, {
      timeUnixNano: t0 + BigInt(i) * 1000n,
      severityNumber: 9,
      severityText: 'INFO',
      attributes: sites[i % 4],
      templateId: 1_234_567n + BigInt(i % 4),
      templateArgs: [`user-${i % 100}`, String(i), 'GET'],
      bodyParts: PARTS,
    });
  }
  return b.batch;
}

/** ns per row of `encode`, over `passes` passes after a warm-up; the batch's lazy bodies restored before each pass. */
function timePerRow(batch: LogBatch, passes: number, encode: () => number): number {
  const restore = () => {
    for (let i = 0; i < batch.length; i++) batch.bodyParts![i] = PARTS;
  };
  for (let k = 0; k < 10; k++) {
    restore();
    encode();
  }
  let ns = 0;
  for (let k = 0; k < passes; k++) {
    restore();
    const t = process.hrtime.bigint();
    encode();
    ns += Number(process.hrtime.bigint() - t);
  }
  return ns / (passes * batch.length);
}

function main(): void {
  const rows = argValue('--rows', 4000);
  const passes = argValue('--passes', 100);
  const batch = compactLikeBatch(rows);
  const indexes = Array.from({ length: rows }, (_, i) => i);
  const block = { batches: indexes.map(() => batch), indexes, offsets: indexes, base: 0n };
  const table: (string | number)[][] = [];
  for (const schema of SCHEMAS) {
    const native = LogsNativeEncoder.create(schema.columns, { typeConversion: true })!;
    const text = new LogsRowEncoder(schema.columns, 'JSONCompactEachRow');
    const w = new NativeWriter();
    let nativeBytes = 0;
    let textBytes = 0;
    const nativeNs = timePerRow(batch, passes, () => {
      w.reset();
      native.encodeInto(block, w);
      return (nativeBytes = w.pos);
    });
    const textNs = timePerRow(batch, passes, () => {
      const ctx = new EncodeContext();
      let out = '';
      for (let i = 0; i < rows; i++) out += text.encodeRow(batch, i, ctx, BigInt(i))!;
      return (textBytes = Buffer.byteLength(out));
    });
    table.push([schema.name, Math.round(nativeNs), Math.round(textNs), (textNs / nativeNs).toFixed(1) + 'x', (nativeBytes / rows).toFixed(0), (textBytes / rows).toFixed(0)]);
  }
  printTable(`native-encode: ${rows} compact-like rows a block, ${passes} passes (one core)`, ['table', 'Native ns/row', 'JSONCompactEachRow ns/row', 'text / Native', 'Native bytes/row', 'text bytes/row'], table);
}

main();
