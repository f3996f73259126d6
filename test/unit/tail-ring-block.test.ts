/**
 * The live tail's ring keeps a batch the clickhouse exporter put into its write-ahead log
 * as a copy of the entry's Native block (collector/tail/ring-block.ts). Read back, it must
 * give the records the batch itself gives (tailRecordsOf), as the table stores them, on
 * each table shape the exporter writes: the full schema with Body, the full schema with
 * rendered bodies (RawBody '' where the template renders the body), and the 18.16 one
 * (DateTime + TimestampNanos, Nested attributes).
 */
import { KeyValueList, LogBatchBuilder, sharedAttributeList, type LogBatch } from '../../collector/pipeline/batch';
import { tailRecordsOf, type TailRecord } from '../../collector/tail/record';
import { BlockRingRecords, tailColumnsOf } from '../../collector/tail/ring-block';
import { LogsNativeEncoder } from '../../collector/storage/clickhouse-logs-native';
import type { TableColumn } from '../../collector/storage/clickhouse-logs-encoder';
import { renderLikeClickHouse } from '../../collector/storage/template-store';
import { LOGS_COLUMNS_18_16, LOGS_COLUMNS_CONTRIB } from '../kit/logs-table-columns';

const site = sharedAttributeList([
  { key: 'code.filepath', value: '/srv/app.js' },
  { key: 'code.lineno', value: 42n },
]);
const PAID = ['user ', ' paid ', ' cents'];

function mixedBatch(): LogBatch {
  const b = new LogBatchBuilder();
  const r0 = b.addResource({ attributes: [{ key: 'service.name', value: 'checkout' }], droppedAttributesCount: 0, schemaUrl: '' });
  const r1 = b.addResource({ attributes: [{ key: 'host', value: 'h1' }], droppedAttributesCount: 0, schemaUrl: '' });
  const r2 = b.addResource({ attributes: [{ key: 'service.name', value: 7n }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'scope', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const t0 = 1_700_000_000_123_456_789n;
  b.add(r0, s, { timeUnixNano: t0, severityNumber: 9, severityText: 'INFO', bodyParts: PAID, templateId: 0x8000_0000_0000_0001n, templateArgs: ['u1', 250], attributes: site });
  b.add(r0, s, { timeUnixNano: t0 + 1n, severityNumber: 9, severityText: 'INFO', bodyParts: PAID, templateId: 0x8000_0000_0000_0001n, templateArgs: ['', 'é€😀'], attributes: site });
  b.add(r1, s, { timeUnixNano: 0n, observedTimeUnixNano: t0 + 2n, severityNumber: 300, severityText: 'WEIRD', body: 'plain text' });
  b.add(r2, s, { timeUnixNano: t0 + 3n, severityNumber: -1, body: new KeyValueList([{ key: 'a', value: 1.5 }]), attributes: [{ key: 'k', value: 'v1' }, { key: 'k', value: 'v2' }, { key: 'b', value: true }, { key: 'n', value: -42n }] });
  b.add(r0, s, { timeUnixNano: t0 + 4n, severityNumber: 9.7, body: Buffer.from([1, 2, 3]), traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), flags: 1 });
  // a template the table does not know: its row keeps its whole body
  b.add(r0, s, { timeUnixNano: t0 + 5n, severityNumber: 9, bodyParts: ['a ', ' b ', ' c ', ' d ', ''], templateId: 13n, templateArgs: [0, -Number.MAX_SAFE_INTEGER, 'x', 2.5], attributes: site });
  b.add(r0, s, { timeUnixNano: t0 + 6n, severityNumber: 9, bodyParts: ['', ' ', ''], templateId: 14n, templateArgs: ['ж'.repeat(70_000), 2 ** 31], attributes: site });
  b.add(r1, s, { timeUnixNano: t0 + 7n, body: ['a', 2n], attributes: [{ key: 'ké', value: 'v€' }] });
  b.add(r1, s, { timeUnixNano: t0 + 8n, body: '' });
  return b.batch;
}

const col = (name: string, type: string): TableColumn => ({ name, type, defaultKind: '' });
const FULL = [...LOGS_COLUMNS_CONTRIB];
/** The contrib table with rendered bodies: RawBody written, Body an ALIAS (clickhouse-schema.ts, template-store.ts). */
const RENDERED = [...FULL.filter((c) => c.name !== 'Body'), col('RawBody', 'String'), { name: 'Body', type: 'String', defaultKind: 'ALIAS' }];
const LEGACY = [...LOGS_COLUMNS_18_16];

/** The template the rendered table has stored (id 0x8000...1); others it does not know. */
const storedParts = new Map<bigint, readonly string[]>([[0x8000_0000_0000_0001n, PAID]]);

function blockOf(columns: TableColumn[], typeConversion: boolean, batch: LogBatch): { block: Buffer; encoder: LogsNativeEncoder } {
  const encoder = LogsNativeEncoder.create(columns, { typeConversion }, {
    rawBodyOf: (body, _service, id, args) => {
      const parts = storedParts.get(id);
      return parts !== undefined && renderLikeClickHouse(parts, args) === body ? '' : body;
    },
    renderedBodyStored: (_service, id, parts) => storedParts.get(id) === parts,
  })!;
  expect(encoder).toBeDefined();
  const indexes = Array.from({ length: batch.length }, (_, i) => i);
  return { block: encoder.encode({ batches: indexes.map(() => batch), indexes, offsets: indexes, base: 0n }), encoder };
}

function ringRecords(columns: TableColumn[], typeConversion: boolean, batch: LogBatch): TailRecord[] {
  const { block, encoder } = blockOf(columns, typeConversion, batch);
  const tail = tailColumnsOf(encoder.columnTypes);
  expect(tail).toBeDefined();
  return new BlockRingRecords(Buffer.from(block), tail!, tail!.body === 'RawBody' ? storedParts : undefined).records();
}

test.each([
  ['full schema, Body stored', FULL, true],
  ['full schema, rendered Body (RawBody)', RENDERED, true],
  ['18.16 schema (DateTime + TimestampNanos, Nested)', LEGACY, false],
])('%s: the block gives the records tailRecordsOf gives for the batch', (_name, columns, typeConversion) => {
  expect(ringRecords(columns as TableColumn[], typeConversion as boolean, mixedBatch())).toEqual(tailRecordsOf(mixedBatch()));
});

test('rendered bodies: rows left to their stored template are rendered from its parts, others keep their RawBody', () => {
  const { block, encoder } = blockOf(RENDERED, true, mixedBatch());
  const tail = tailColumnsOf(encoder.columnTypes)!;
  expect(tail.body).toBe('RawBody');
  // the block itself holds '' for the first two rows (their template is stored)
  const records = new BlockRingRecords(Buffer.from(block), tail, storedParts).records();
  expect(records.slice(0, 2).map((r) => r.body)).toEqual(['user u1 paid 250 cents', 'user  paid é€😀 cents']);
  expect(records[5].body).toBe('a 0 b -9007199254740991 c x d 2.5');
  // without the parts the template's rows cannot be rendered: never another record's text
  expect(new BlockRingRecords(Buffer.from(block), tail, new Map()).records()[0].body).toBe('');
});

test('text the table cannot hold as it came is shown as stored (UTF-8: a lone surrogate is U+FFFD), as the replay reads it', () => {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  b.add(r, s, { timeUnixNano: 5n, body: 'lone \ud800 here', attributes: [{ key: 'k', value: '\udc00' }] });
  const [record] = ringRecords(FULL, true, b.batch);
  expect(record.body).toBe('lone \ufffd here');
  expect(record.attributes).toEqual([['k', '\ufffd']]);
});

test('tables whose blocks do not hold every field the tail shows are left to RingRecords', () => {
  const types = (cols: TableColumn[]) => LogsNativeEncoder.create(cols, { typeConversion: true })!.columnTypes;
  expect(tailColumnsOf(types(FULL))).toEqual({ time: 'DateTime64', body: 'Body', attributes: 'Map' });
  expect(tailColumnsOf(types(LEGACY))).toEqual({ time: 'DateTime+nanos', body: 'Body', attributes: 'Nested' });
  // milliseconds only, no TraceId, no attributes, DateTime without its nanoseconds
  expect(tailColumnsOf(types(FULL.map((c) => (c.name === 'Timestamp' ? col('Timestamp', 'DateTime64(3)') : c))))).toBeUndefined();
  expect(tailColumnsOf(types(FULL.filter((c) => c.name !== 'TraceId')))).toBeUndefined();
  expect(tailColumnsOf(types(FULL.filter((c) => c.name !== 'LogAttributes')))).toBeUndefined();
  expect(tailColumnsOf(types(LEGACY.filter((c) => c.name !== 'TimestampNanos')))).toBeUndefined();
});
