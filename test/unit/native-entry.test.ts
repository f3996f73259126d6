/**
 * Write-ahead-log Native entries without their repeated runs (queue/native-entry.ts):
 * the block made again from an entry is the block written, byte for byte, for both
 * logs tables and every kind of run; an entry whose runs and bytes disagree is refused
 * rather than made into a block of other bytes.
 */
import { LogBatchBuilder, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { decodeNativeEntry, nativeRunsEntryParts, NATIVE_RUNS_ENTRY_TAG } from '../../collector/queue/native-entry';
import { LogsNativeEncoder } from '../../collector/storage/clickhouse-logs-native';
import { NativeWriter, RepeatedRuns } from '../../collector/storage/native-block';
import { LOGS_COLUMNS_18_16, LOGS_COLUMNS_CONTRIB } from '../kit/logs-table-columns';

function attrs(prefix: string, n: number): KeyValue[] {
  return Array.from({ length: n }, (_, k) => ({ key: `${prefix}.${k}`, value: `${prefix} value ${k} ${'x'.repeat(k * 7)}` }));
}

/** Runs of resources and scopes, severities and shared attribute lists of several lengths, rows of their own in between. */
function mixedBatch(): LogBatch {
  const b = new LogBatchBuilder();
  const resources = [0, 1, 2].map((k) => b.addResource({ attributes: [{ key: 'service.name', value: `svc-${k}` }, ...attrs(`r${k}`, 3 + 4 * k)], droppedAttributesCount: 0, schemaUrl: k === 1 ? 'https://r' : '' }));
  const scopes = [0, 1].map((k) => b.addScope({ name: `scope-${k}`, version: `${k}.0`, attributes: attrs(`s${k}`, 2 * k), droppedAttributesCount: 0, schemaUrl: '' }));
  const site = attrs('site', 3);
  for (let i = 0; i < 1500; i++) {
    const r = resources[Math.floor(i / 400) % 3];
    const s = scopes[i % 700 < 350 ? 0 : 1];
    const own = i % 17 === 0 ? attrs(`own${i}`, 2) : i % 200 < 120 ? site : [];
    b.add(r, s, { timeUnixNano: 1700000000000000000n + BigInt(i) * 1000n, severityNumber: i % 90 < 60 ? 9 : 13, severityText: i % 90 < 60 ? 'INFO' : 'WARN', body: `record ${i}`, attributes: own }, 100);
  }
  return b.batch;
}

/** The block `encode` writes, and the 'R' entry of it (its parts joined) with runs of at least `minBytes`. */
function blockAndEntry(encode: (w: NativeWriter) => void, rows: number, columns: readonly string[], minBytes: number): { block: Buffer; entry: Buffer; runs: number } {
  const w = new NativeWriter(64);
  const runs = new RepeatedRuns(0, minBytes);
  w.runs = runs;
  encode(w);
  w.runs = undefined;
  return { block: w.copyOut(), entry: Buffer.concat(nativeRunsEntryParts(w.view(), rows, columns, runs)), runs: runs.count };
}

describe('Native log entries without their repeated runs', () => {
  test.each([
    ['18.16', LOGS_COLUMNS_18_16],
    ['contrib', LOGS_COLUMNS_CONTRIB],
  ])('a logs block of the %s table is made again byte for byte, for several run lengths', (_table, columns) => {
    const encoder = LogsNativeEncoder.create(columns, { typeConversion: true })!;
    const batch = mixedBatch();
    const indexes = Array.from({ length: batch.length }, (_, i) => i);
    const encode = (w: NativeWriter) => encoder.encodeInto({ batches: indexes.map(() => batch), indexes, offsets: indexes, base: 0n }, w);
    for (const minBytes of [1, 64, 1 << 30]) {
      const { block, entry, runs } = blockAndEntry(encode, batch.length, encoder.columns, minBytes);
      if (minBytes === 1 << 30) expect(runs).toBe(0);
      else expect(runs).toBeGreaterThan(10);
      expect(entry[0]).toBe(NATIVE_RUNS_ENTRY_TAG);
      const decoded = decodeNativeEntry(entry);
      expect(decoded.rows).toBe(batch.length);
      expect(decoded.columns).toEqual(encoder.columns);
      expect(decoded.block.equals(block)).toBe(true);
      if (minBytes === 64) expect(entry.length).toBeLessThan(block.length / 3);
    }
  });

  test('steps past 2^32, copies of earlier bytes and repeats are made again; the block goes where allocate says', () => {
    const encode = (w: NativeWriter) => {
      w.varint(1); // a block header: 1 column, 300 rows
      w.varint(300);
      w.column('c', 'Array(UInt64)');
      w.uint64Steps(0xffff_ff00, 3, 300);
      const start = w.pos;
      w.string('abc');
      w.repeatLast(4, 50);
      w.copyWritten(start, w.pos);
      w.u8(7);
    };
    const { block, entry, runs } = blockAndEntry(encode, 300, ['c'], 8);
    expect(runs).toBe(3);
    const into = Buffer.alloc(block.length + 100, 0xee);
    const decoded = decodeNativeEntry(entry, () => into);
    expect(decoded.block.equals(block)).toBe(true);
    expect(decoded.block.buffer).toBe(into.buffer);
  });

  test('an entry whose runs and bytes disagree is refused', () => {
    const encode = (w: NativeWriter) => {
      w.varint(1);
      w.varint(100);
      w.column('s', 'String');
      w.string('value');
      w.repeatLast(6, 99);
    };
    const { entry } = blockAndEntry(encode, 100, ['s'], 8);
    expect(decodeNativeEntry(entry).block.length).toBeGreaterThan(600);
    // one literal byte missing, one too many
    expect(() => decodeNativeEntry(entry.subarray(0, entry.length - 1))).toThrow(/disagree/);
    expect(() => decodeNativeEntry(Buffer.concat([entry, Buffer.from([0])]))).toThrow(/disagree/);
    // the run's repeat count (its last varint before the literal tail): 99 -> 100 writes past the block
    const more = Buffer.from(entry);
    const at = more.lastIndexOf(99);
    more[at] = 100;
    expect(() => decodeNativeEntry(more)).toThrow(/bad run/);
  });
});
