/**
 * Bodies left to their template parts (LogBatch.bodyParts: compact-stream records
 * whose body is built only when read) read the same as built bodies everywhere a
 * batch goes: bodyOf, merged batches, the write-ahead log's batch codec, the OTLP
 * encoder, and a record whose template arguments are dropped after its body is built.
 */
import { bodyOf, lazyBodyParts, LogBatchBuilder, mergeBatches, renderBody, type LogBatch } from '../../collector/pipeline/batch';
import { encodeLogBatch, decodeLogBatch } from '../../collector/queue/batch-codec';
import { BinaryWriter } from '../../collector/bytes/binary-writer';
import { encodeExportRequest } from '../../collector/otlp/wire-encode';
import { decodeExportRequest } from '../../collector/otlp/wire-decode';

const PARTS = ['user ', ' paid ', ' cents'];

function lazyBatch(n: number): LogBatch {
  const b = new LogBatchBuilder(n);
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'shop' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'logfun', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) {
    if (i % 3 === 2) b.add(r, s, { timeUnixNano: BigInt(i + 1), body: `plain ${i}` });
    else b.add(r, s, { timeUnixNano: BigInt(i + 1), templateId: 7n, templateArgs: [`u${i}`, String(i * 10)], bodyParts: PARTS });
  }
  b.trim();
  return b.batch;
}

const expected = (i: number): string => (i % 3 === 2 ? `plain ${i}` : `user u${i} paid ${i * 10} cents`);

describe('bodies left to their template parts', () => {
  test('bodyOf builds each once and keeps it; built and plain bodies read alike', () => {
    const b = lazyBatch(6);
    expect(b.body[0]).toBeUndefined();
    expect(lazyBodyParts(b, 0)).toBe(PARTS);
    expect(bodyOf(b, 0)).toBe('user u0 paid 0 cents');
    expect(b.body[0]).toBe('user u0 paid 0 cents');
    expect(lazyBodyParts(b, 0)).toBeUndefined();
    for (let i = 0; i < 6; i++) expect(bodyOf(b, i)).toBe(expected(i));
    expect(renderBody(['a'], [])).toBe('a');
  });

  test('merged batches, the write-ahead log codec and the OTLP encoder carry them', () => {
    const merged = mergeBatches([lazyBatch(4), lazyBatch(5)]);
    expect(merged.length).toBe(9);
    expect(Array.from({ length: 9 }, (_, i) => bodyOf(merged, i))).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 4].map(expected));

    const w = new BinaryWriter();
    encodeLogBatch(lazyBatch(5), w);
    const back = decodeLogBatch(Buffer.from(w.view()));
    expect(Array.from({ length: 5 }, (_, i) => bodyOf(back, i))).toEqual([0, 1, 2, 3, 4].map(expected));

    const viaOtlp = decodeExportRequest(encodeExportRequest(lazyBatch(5)));
    expect(viaOtlp.body).toEqual([0, 1, 2, 3, 4].map(expected));
  });
});
