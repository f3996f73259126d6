/**
 * The Native block encoder (collector/storage/clickhouse-logs-native.ts) stores
 * exactly what the text encoder stores: the same records, inserted once as a
 * Native block and once as text rows into two tables of the same schema, read
 * back equal, on chDB (full schema: Map, DateTime64, LowCardinality) and on the
 * ClickHouse server when one is reachable (18.16 here: legacy schema, Nested,
 * DateTime + TimestampNanos, no type conversion).
 *
 * The records are chosen where binary encodings go wrong: string lengths around
 * the one-byte varint limit (127/128 bytes) in one- to four-byte UTF-8, a lone
 * surrogate, NUL and control characters, empty and many attributes, non-string
 * attribute values, template arguments (integers kept as numbers among them),
 * timestamps at 0 and with nanoseconds,
 * severities out of UInt8 range.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KeyValueList, LogBatchBuilder, sharedAttributeList, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { EncodeContext, LogsRowEncoder, type TableColumn } from '../../collector/storage/clickhouse-logs-encoder';
import { LogsNativeEncoder } from '../../collector/storage/clickhouse-logs-native';
import { logsTableSql, selectLogsSchema } from '../../collector/storage/clickhouse-schema';
import { nativeBlockLayout, nativeTimeRange, selectNativeRows, sliceNativeBlock, writeWithUInt64Column } from '../../collector/storage/native-slice';
import { NativeWriter } from '../../collector/storage/native-block';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

/** A string of `bytes` UTF-8 bytes made of `unit` (1-4 bytes each) and ASCII padding. */
function stringOfBytes(bytes: number, unit: string): string {
  const unitBytes = Buffer.byteLength(unit);
  const n = Math.floor(bytes / unitBytes);
  return unit.repeat(n) + 'x'.repeat(bytes - n * unitBytes);
}

function edgeCaseBatch(): LogBatch {
  const b = new LogBatchBuilder();
  const attrs = (n: number): KeyValue[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
  const r1 = b.addResource({ attributes: [{ key: 'service.name', value: 'svc-ü' }, { key: 'host', value: 'h1' }], droppedAttributesCount: 0, schemaUrl: 'https://schema/1' });
  const r2 = b.addResource({ attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const s1 = b.addScope({ name: 'scope-a', version: '1.2.3', attributes: attrs(3), droppedAttributesCount: 0, schemaUrl: 's' });
  const s2 = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const bodies = [
    '',
    'plain',
    stringOfBytes(42, 'é'),
    stringOfBytes(127, 'x'),
    stringOfBytes(128, 'x'),
    stringOfBytes(127, '€'),
    stringOfBytes(129, '€'),
    stringOfBytes(200, '😀'),
    stringOfBytes(70_000, 'ж'),
    'nul\0tab\tnewline\nquote\'"back\\',
    'lone \ud800 surrogate',
  ];
  // one list many records share (a template's call site): the encoder writes its cached bytes
  const site = sharedAttributeList([{ key: 'code.filepath', value: 'src/é.ts' }, { key: 'code.lineno', value: 12n }]);
  let t = 1_700_000_000_123_456_789n;
  for (let k = 0; k < bodies.length; k++) {
    b.add(k % 2 ? r1 : r2, k % 3 ? s1 : s2, {
      timeUnixNano: k === 0 ? 0n : t,
      observedTimeUnixNano: k === 0 ? t + 7n : 0n,
      severityNumber: k === 1 ? 300 : k === 2 ? -4 : k,
      severityText: k % 2 ? 'INFO' : '',
      body: bodies[k],
      attributes: k >= 7 ? site : k === 3 ? attrs(40) : k === 4 ? [{ key: 'n', value: 5n }, { key: 'n0', value: 0n }, { key: 'nneg', value: -42n }, { key: 'nsafe', value: 9_007_199_254_740_991n }, { key: 'nsafeneg', value: -9_007_199_254_740_991n }, { key: 'nover', value: 9_007_199_254_740_992n }, { key: 'nmax', value: 2n ** 63n - 1n }, { key: 'nmin', value: -(2n ** 63n) }, { key: 'f', value: 1.5 }, { key: 'b', value: true }, { key: 'l', value: new KeyValueList([{ key: 'x', value: 'y' }]) }] : k % 2 ? [] : [{ key: 'é', value: bodies[k].slice(0, 300) }],
      flags: k === 5 ? 0x1ff : 1,
      traceId: k % 2 ? '5b8efff798038103d269b633813fc60c' : '',
      spanId: k % 2 ? 'eee19b7ec3c1b174' : '',
      eventName: k === 6 ? 'ev' : '',
      templateId: k % 2 ? BigInt(k) * 0x1234_5678_9abcn : -1n,
      // integer arguments as the compact decoder keeps them: numbers standing for their text
      templateArgs: k % 3 === 0 ? [] : [bodies[k].slice(0, 50), k % 2 ? k : -k * 1e12, ''],
    });
    t += 1_000_000_001n;
  }
  // bodies left to their parts (compact records): written from the parts, short and long
  for (const arg of ['ann', 'ж'.repeat(130)]) {
    b.add(r1, s1, { timeUnixNano: t, severityNumber: 9, severityText: 'INFO', attributes: site, flags: 0, traceId: '', spanId: '', eventName: '', templateId: 77n, templateArgs: [arg, '10.0.0.1', -Number.MAX_SAFE_INTEGER], bodyParts: ['user ', ' from ', ' n=', ' é'] });
  }
  return b.batch;
}

async function tableColumns(store: ClickHouseStore, db: string, table: string): Promise<TableColumn[]> {
  const rows = await store.query<{ name: string; type: string; default_kind: string }>(
    'SELECT name, type, default_kind FROM system.columns WHERE database = {db:String} AND table = {t:String}',
    { db, t: table },
  );
  return rows.map((c) => ({ name: c.name, type: c.type, defaultKind: c.default_kind }));
}

/** Creates `<db>.native` and `<db>.text` with the schema the exporter would create, inserts the batch into each, returns both tables' rows. */
async function storeBothWays(store: ClickHouseStore, db: string): Promise<{ native: unknown[]; text: unknown[]; format: string }> {
  await store.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
  const kind = selectLogsSchema(store.capabilities);
  for (const table of ['native', 'text']) {
    for (const sql of logsTableSql(kind, store.capabilities, { database: db, table, ttlSeconds: 0, body: 'stored' })) await store.command(sql);
  }
  const columns = await tableColumns(store, db, 'native');
  const batch = edgeCaseBatch();
  const indexes = Array.from({ length: batch.length }, (_, i) => i);
  const rows = { batches: indexes.map(() => batch), indexes, offsets: indexes, base: 1000n };
  const native = LogsNativeEncoder.create(columns, { typeConversion: store.capabilities.hasNativeTypeConversion });
  expect(native).toBeDefined();
  await store.insertFormatted({ table: `${db}.native`, columns: native!.columns, format: 'Native', body: Buffer.from(native!.encode(rows)) });
  const text = new LogsRowEncoder(columns, store.capabilities.hasJSONCompactEachRow ? 'JSONCompactEachRow' : 'TabSeparated');
  const ctx = new EncodeContext();
  const body = indexes.map((i) => text.encodeRow(batch, i, ctx, 1000n + BigInt(i))).join('');
  await store.insertFormatted({ table: `${db}.text`, columns: text.columns, format: text.format, body: Buffer.from(body) });
  const read = (table: string) => store.query(`SELECT * FROM ${db}.${table} ORDER BY Timestamp, SeverityNumber`);
  return { native: await read('native'), text: await read('text'), format: text.format };
}

interface SlicedRows {
  whole: unknown[];
  pieces: unknown[];
  middle: unknown[];
  /** Rows 0-1, 4 and 7-10 selected as one block. */
  runs: unknown[];
  /** The whole block encoded without InsertId, the column added afterwards (tables with InsertId only). */
  idsAdded?: unknown[];
}

/**
 * The same block cut by rows (native-slice.ts, how a block held as bytes is split to
 * isolate a rejected row, or to send the rows a retry finds missing): the pieces, sent
 * as several blocks in one body, store the same rows as the whole block; one piece, or
 * a selection of runs of rows, stores exactly its rows. On a table with InsertId, a block
 * encoded without it and given the column afterwards stores what the encoder writes.
 */
async function storeSliced(store: ClickHouseStore, db: string): Promise<SlicedRows> {
  const kind = selectLogsSchema(store.capabilities);
  for (const table of ['whole', 'pieces', 'middle', 'runs', 'ids_added']) {
    for (const sql of logsTableSql(kind, store.capabilities, { database: db, table, ttlSeconds: 0, body: 'stored' })) await store.command(sql);
  }
  const columns = await tableColumns(store, db, 'whole');
  const batch = edgeCaseBatch();
  const indexes = Array.from({ length: batch.length }, (_, i) => i);
  const native = LogsNativeEncoder.create(columns, { typeConversion: store.capabilities.hasNativeTypeConversion })!;
  const block = Buffer.from(native.encode({ batches: indexes.map(() => batch), indexes, offsets: indexes, base: 1000n }));
  const layout = nativeBlockLayout(block);
  expect(layout.rows).toBe(batch.length);
  const cuts = [0, 1, 4, 4, 9, batch.length];
  const pieces = cuts.slice(1).map((to, k) => sliceNativeBlock(block, cuts[k], to, layout));
  expect(sliceNativeBlock(block, 0, batch.length)).toBe(block);
  const insert = (table: string, body: Buffer) => store.insertFormatted({ table: `${db}.${table}`, columns: native.columns, format: 'Native', body });
  await insert('whole', block);
  await insert('pieces', Buffer.concat(pieces));
  await insert('middle', sliceNativeBlock(block, 3, 8, layout));
  await insert('runs', selectNativeRows(block, [[0, 2], [4, 5], [7, 11]], layout));
  const hasInsertId = native.columns.includes('InsertId');
  if (hasInsertId) {
    const withoutIds = LogsNativeEncoder.create(
      columns.filter((c) => c.name !== 'InsertId'),
      { typeConversion: store.capabilities.hasNativeTypeConversion },
    )!;
    const bare = Buffer.from(withoutIds.encode({ batches: indexes.map(() => batch), indexes, offsets: indexes, base: 0n }));
    // InsertIds are base + offset mod 2^64, across the carry into the high half and the wrap
    for (const base of [2n ** 32n - 3n, 2n ** 64n - 2n]) {
      const ids = new NativeWriter();
      writeWithUInt64Column(ids, bare, 'InsertId', base, indexes);
      const col = nativeBlockLayout(ids.view()).columns.find((c) => c.name === 'InsertId')!;
      const values = indexes.map((_, r) => ids.view().readBigUInt64LE(col.dataStart + 8 * r));
      expect(values).toEqual(indexes.map((i) => BigInt.asUintN(64, base + BigInt(i))));
    }
    const w = new NativeWriter();
    writeWithUInt64Column(w, bare, 'InsertId', 1000n, indexes);
    await store.insertFormatted({ table: `${db}.ids_added`, columns: [...withoutIds.columns, 'InsertId'], format: 'Native', body: Buffer.from(w.bytes()) });
  }
  // The time range read from the block's bytes: the records' timestamps (whole seconds in a DateTime column).
  const seconds = columns.find((c) => c.name === 'Timestamp')!.type.startsWith('DateTime64') ? 1n : 1_000_000_000n;
  const stamps = indexes.map((i) => (LogsRowEncoder.timestampOf(batch, i) / seconds) * seconds);
  const lowest = stamps.reduce((a, b) => (b < a ? b : a));
  const highest = stamps.reduce((a, b) => (b > a ? b : a));
  expect(nativeTimeRange(block, 'Timestamp', layout)).toEqual({ min: lowest, max: highest });
  expect(nativeTimeRange(sliceNativeBlock(block, 1, 2, layout), 'Timestamp')).toEqual({ min: stamps[1], max: stamps[1] });
  const read = (table: string) => store.query(`SELECT * FROM ${db}.${table} ORDER BY Timestamp, SeverityNumber`);
  return {
    whole: await read('whole'),
    pieces: await read('pieces'),
    middle: await read('middle'),
    runs: await read('runs'),
    idsAdded: hasInsertId ? await read('ids_added') : undefined,
  };
}

function expectSlicesStoreTheirRows(r: SlicedRows, withInsertId: boolean): void {
  expect(r.whole).toHaveLength(13);
  expect(r.pieces).toEqual(r.whole);
  // Rows 3..7 of the batch: compare by their bodies, which are distinct.
  const bodyOf = (row: unknown) => (row as { Body: string }).Body;
  const bodies = edgeCaseBatch().body.map((b) => String(b).replace(/\ud800/, '\ufffd'));
  expect(r.middle.map(bodyOf).sort()).toEqual(bodies.slice(3, 8).sort());
  expect(r.runs.map(bodyOf).sort()).toEqual([0, 1, 4, 7, 8, 9, 10].map((i) => bodies[i]).sort());
  // Whole rows, every column: the selected rows of the whole block, in block order.
  const wholeByBody = new Map(r.whole.map((row) => [bodyOf(row), row]));
  for (const row of r.runs) expect(row).toEqual(wholeByBody.get(bodyOf(row)));
  if (withInsertId) expect(r.idsAdded).toEqual(r.whole);
  else expect(r.idsAdded).toBeUndefined();
}

describe('Native blocks store what text rows store: chDB', () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-native-'));
    store = await openClickHouse({ endpoint: `chdb://${dir}` });
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every edge-case record reads back identical', async () => {
    const { native, text } = await storeBothWays(store, 'native_chdb');
    expect(native).toHaveLength(13);
    expect(native).toEqual(text);
    // The encodings really were exercised: long multi-byte bodies and the lone surrogate arrive.
    const bodies = native.map((r) => (r as { Body: string }).Body);
    expect(bodies).toContain(stringOfBytes(70_000, 'ж'));
    expect(bodies).toContain('lone \ufffd surrogate');
  });

  test('a block cut by rows stores the same rows (whole, in pieces, one piece, selected runs; InsertIds added afterwards)', async () => {
    await store.command('CREATE DATABASE IF NOT EXISTS native_slices');
    expectSlicesStoreTheirRows(await storeSliced(store, 'native_slices'), false);
  });

  test('a block that does not add up, or a type it cannot walk, is refused', () => {
    const batch = edgeCaseBatch();
    const indexes = [0, 1, 2];
    const cols: TableColumn[] = [
      { name: 'Timestamp', type: 'DateTime64(9)', defaultKind: '' },
      { name: 'Body', type: 'String', defaultKind: '' },
    ];
    const block = Buffer.from(LogsNativeEncoder.create(cols, { typeConversion: true })!.encode({ batches: indexes.map(() => batch), indexes, offsets: indexes, base: 0n }));
    expect(nativeBlockLayout(block).rows).toBe(3);
    expect(() => nativeBlockLayout(block.subarray(0, block.length - 1))).toThrow(/truncated/);
    expect(() => nativeBlockLayout(Buffer.concat([block, Buffer.from([0])]))).toThrow(/after the last column/);
    expect(() => sliceNativeBlock(block, 2, 4)).toThrow(RangeError);
  });

  test('a table with a column type the encoder does not write falls back (create returns undefined)', () => {
    const cols: TableColumn[] = [
      { name: 'Timestamp', type: 'DateTime64(9)', defaultKind: '' },
      { name: 'Body', type: 'Nullable(String)', defaultKind: '' },
    ];
    expect(LogsNativeEncoder.create(cols, { typeConversion: true })).toBeUndefined();
    // Columns that are not ours are left to their defaults, as with text rows.
    expect(LogsNativeEncoder.create([...cols.slice(0, 1), { name: 'Mine', type: 'Nullable(String)', defaultKind: '' }], { typeConversion: true })!.columns).toEqual(['Timestamp']);
  });
});

const serverUrl = testServerUrl();
describeWithServer('clickhouse-native-encoding.test.ts', serverUrl)('Native blocks store what text rows store: server', () => {
  let store: ClickHouseStore;
  const db = `native_${process.pid}`;
  beforeAll(async () => {
    store = await openClickHouse({ endpoint: serverUrl });
  });
  afterAll(async () => {
    await store?.command(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    await store?.close();
  });

  test('every edge-case record reads back identical', async () => {
    const { native, text } = await storeBothWays(store, db);
    expect(native).toHaveLength(13);
    expect(native).toEqual(text);
  });

  test('a block cut by rows stores the same rows (whole, in pieces, one piece, selected runs; InsertIds added afterwards)', async () => {
    await store.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
    expectSlicesStoreTheirRows(await storeSliced(store, db), store.capabilities.hasInsertDedupToken === false);
  });
});
