/**
 * RecordBatch numeric columns as typed arrays (collector/compact/messages.ts, ProtoReader's
 * *Column readers): a field sent unpacked (one tag per value), packed in several chunks or
 * mixed decodes to the same values as one packed chunk; sint64 values beyond 2^53 stay exact
 * bigints; bad packed fields throw Malformed. Batches are written by hand with ProtoWriter,
 * as a client other than our SDK may encode them (protobuf allows every one of these forms).
 */
import { ProtoWriter } from '../../protocol/proto-writer';
import { decodeClientMessage, type RecordBatchMessage } from '../../collector/compact/messages';
import { CompactStreamDecoder } from '../../collector/compact/decoder';
import { Int64Column, Malformed } from '../../collector/protobuf/reader';
import { templateIdOf } from '../../protocol/template-id';
import { ArgumentKind } from '../../protocol/argument-kind';

const WT_VARINT = 0;
const WT_I64 = 1;
const BIG = (1n << 60n) + 3n;

/** A ClientMessage { batch } whose body `write` fills (sequence 1, base time 1000 ns written first). */
function batchMessage(write: (w: ProtoWriter) => void): Buffer {
  const w = new ProtoWriter(64);
  w.fork(3);
  w.tag(1, WT_VARINT).uint32(1);
  w.tag(2, WT_I64).fixed64Big(1000n);
  write(w);
  w.ldelim();
  return w.finish();
}

function batchOf(bytes: Buffer): RecordBatchMessage {
  const m = decodeClientMessage(bytes);
  if (m.kind !== 'batch') throw new Error(`not a batch: ${m.kind}`);
  return m.batch;
}

/** Three records of template 1 ('n {} {}', Int and Number arguments): fields packed in one chunk. */
function packed(w: ProtoWriter): void {
  w.fork(3).uint32(1).uint32(1).uint32(1).ldelim(); // template_index
  w.fork(4).sint64(0).sint64(-5).sint64Big(BIG).ldelim(); // time_delta_nano
  w.fork(8).sint64(7).sint64Big(-BIG).sint64(2 ** 40).ldelim(); // int_values
  w.fork(15).sint64(16 * 3).sint64(16 * -4).sint64(16 * 5).ldelim(); // number_values (scale 0)
}

/** The same values: template_index in two packed chunks, the sint64 fields one tag per value. */
function unpackedAndSplit(w: ProtoWriter): void {
  w.fork(3).uint32(1).uint32(1).ldelim();
  w.tag(3, WT_VARINT).uint32(1);
  w.tag(4, WT_VARINT).sint64(0);
  w.tag(8, WT_VARINT).sint64(7);
  w.tag(4, WT_VARINT).sint64(-5);
  w.tag(8, WT_VARINT).sint64Big(-BIG);
  w.tag(4, WT_VARINT).sint64Big(BIG);
  w.tag(8, WT_VARINT).sint64(2 ** 40);
  for (const v of [3, -4, 5]) w.tag(15, WT_VARINT).sint64(16 * v);
}

function streamDecoder(): CompactStreamDecoder {
  const d = new CompactStreamDecoder();
  d.setHello({ resource: [{ key: 'service.name', value: 'columns' }], scopeName: '', scopeVersion: '', sdkVersion: '', lastAckedSequence: 0, sessionId: Buffer.alloc(0) });
  const text = 'n {} {}';
  d.define(
    [{ index: 1, templateId: templateIdOf(text), text, severityNumber: 9, severityText: '', function: '', codeLocation: '', codeFilepath: '', codeLineno: 0n, argumentKinds: [ArgumentKind.Int, ArgumentKind.Number] }],
    false,
  );
  return d;
}

describe('RecordBatch numeric columns', () => {
  it('packed, split and unpacked fields give the same typed columns, bigints beyond 2^53 exact', () => {
    for (const write of [packed, unpackedAndSplit]) {
      const b = batchOf(batchMessage(write));
      expect(b.templateIndex).toBeInstanceOf(Uint32Array);
      expect([...b.templateIndex]).toEqual([1, 1, 1]);
      expect(b.timeDelta.toArray()).toEqual([0, -5, BIG]);
      expect(b.intValues.toArray()).toEqual([7, -BIG, 2 ** 40]);
      expect(b.numberValues.toArray()).toEqual([48, -64, 80]);
      expect(b.argumentCount.length).toBe(0);
    }
  });

  it('records decoded from unpacked fields are those of packed ones', () => {
    const records = (write: (w: ProtoWriter) => void) => {
      const { batch } = streamDecoder().decode(batchOf(batchMessage(write)), false);
      return { times: [...batch.timeUnixNano.subarray(0, batch.length)], args: batch.templateArgs };
    };
    const expected = { times: [1000n, 995n, 995n + BIG], args: [[7, 3], [String(-BIG), -4], [2 ** 40, 5]] };
    expect(records(packed)).toEqual(expected);
    expect(records(unpackedAndSplit)).toEqual(expected);
  });

  it('doubles and string numbers: packed, unpacked and mixed', () => {
    const b = batchOf(
      batchMessage((w) => {
        w.fork(9).double(1.5).double(-0).ldelim();
        w.tag(9, WT_I64).double(Math.PI);
        w.tag(29, WT_VARINT).uint53(2 ** 53 - 1);
        w.fork(29).uint53(0).uint53(12345).ldelim();
      }),
    );
    expect(b.doubleValues).toBeInstanceOf(Float64Array);
    expect([...b.doubleValues]).toEqual([1.5, -0, Math.PI]);
    expect([...b.stringNumbers]).toEqual([2 ** 53 - 1, 0, 12345]);
  });

  it('many values sent one tag each grow the column (by doubling) to all of them', () => {
    const n = 50_000;
    const b = batchOf(
      batchMessage((w) => {
        for (let k = 0; k < n; k++) w.tag(3, WT_VARINT).uint32(k);
        for (let k = 0; k < n; k++) w.tag(8, WT_VARINT).sint64(-k);
      }),
    );
    expect(b.templateIndex.length).toBe(n);
    expect(b.templateIndex[n - 1]).toBe(n - 1);
    expect(b.intValues.length).toBe(n);
    expect(b.intValues.valueAt(n - 1)).toBe(-(n - 1));
  });

  it('bad numeric fields throw Malformed', () => {
    const bad = (write: (w: ProtoWriter) => void) => () => batchOf(batchMessage(write));
    expect(bad((w) => w.fork(9).raw(Buffer.alloc(12)).ldelim())).toThrow(/packed double_values length is not a multiple of 8/);
    expect(bad((w) => w.tag(9, WT_VARINT).uint32(1))).toThrow(/double_values with wire type 0/);
    expect(bad((w) => w.tag(29, WT_VARINT).uint64Big(1n << 60n))).toThrow(/string_numbers entry exceeds 2\^53/);
    expect(bad((w) => w.fork(3).raw(Buffer.from([0x81, 0x80])).ldelim())).toThrow(/truncated varint/);
    expect(bad((w) => w.fork(4).raw(Buffer.from([0x02, 0xff])).ldelim())).toThrow(Malformed);
    expect(bad((w) => w.tag(3, 5).fixed32(1))).toThrow(/repeated varint field with wire type 5/);
  });

  it('Int64Column.of keeps safe integers as numbers and bigints beyond 2^53', () => {
    const c = Int64Column.of([1, -2n, BIG, -BIG, 2 ** 53 - 1]);
    expect(c.toArray()).toEqual([1, -2, BIG, -BIG, 2 ** 53 - 1]);
    expect(c.big?.size).toBe(2);
  });
});
