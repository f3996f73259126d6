/**
 * Attribute keys (and severity texts) through ProtoReader.recurringString (the per-request cache of decoded keys): every
 * record gets exactly the key its bytes spell, however many distinct keys a request has
 * (more than the cache holds, same lengths, same prefixes), and a key that is not valid
 * UTF-8 is counted in invalidUtf8 each time it comes, as when every key was decoded afresh.
 */
import { LogBatchBuilder, type KeyValue } from '../../collector/pipeline/batch';
import { decodeExportRequest, encodeExportRequest } from '../../collector/otlp/convert';
import { referenceDecodeExportRequest } from '../../collector/otlp/reference';
import { newDecodeStats } from '../../collector/otlp/limits';
import { recordsOf } from '../kit/recording-consumer';

/** A protobuf length-delimited field (lengths below 128 only: enough for these messages). */
function field(number: number, body: Buffer): Buffer {
  if (body.length >= 128) throw new Error('test helper: body too long');
  return Buffer.concat([Buffer.from([(number << 3) | 2, body.length]), body]);
}

/** An ExportLogsServiceRequest of one resource and scope whose records each hold the given raw key bytes (string values). */
function requestWithKeys(recordKeys: Buffer[][]): Buffer {
  const records = recordKeys.map((keys) => field(2, Buffer.concat(keys.map((k) => field(6, Buffer.concat([field(1, k), field(2, field(1, Buffer.from('v')))]))))));
  return field(1, field(2, Buffer.concat(records)));
}

describe('attribute keys decoded through the key cache', () => {
  test('more distinct keys than the cache holds, same length, shuffled per record: each record keeps its own keys and severity text', () => {
    const keys = Array.from({ length: 40 }, (_, k) => `key.${String(k).padStart(2, '0')}`);
    const builder = new LogBatchBuilder();
    const resource = builder.addResource({ attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const scope = builder.addScope({ name: 's', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const expected: string[][] = [];
    for (let i = 0; i < 60; i++) {
      // a different rotation and count of keys per record: hits, misses and evictions interleave
      const mine = Array.from({ length: 1 + (i % 7) }, (_, j) => keys[(i * 13 + j * 17) % keys.length]);
      expected.push(mine);
      const attributes: KeyValue[] = mine.map((key, j) => ({ key, value: `${i}/${j}` }));
      // severity texts go through the same cache: few that recur, and some of one record only
      const severityText = i % 5 === 0 ? `LVL${i}` : ['INFO', 'WARN', 'ERROR', 'DEBUG'][i % 4];
      builder.add(resource, scope, { body: `r${i}`, attributes, severityText });
    }
    const wire = encodeExportRequest(builder.batch);
    const decoded = decodeExportRequest(wire);
    expect(decoded.attributes.map((list) => list.map((kv) => kv.key))).toEqual(expected);
    expect(decoded.severityText.slice(0, 6)).toEqual(['LVL0', 'WARN', 'ERROR', 'DEBUG', 'INFO', 'LVL5']);
    expect(recordsOf(decoded)).toEqual(recordsOf(referenceDecodeExportRequest(wire)));
  });

  test('an invalid UTF-8 key is replaced and counted every time; a key sent as U+FFFD is not counted', () => {
    const invalid = Buffer.from([0x6b, 0xff]); // 'k' then a byte that never starts a UTF-8 sequence
    const sentReplacement = Buffer.from('k\uFFFD', 'utf8');
    const plain = Buffer.from('k1');
    const wire = requestWithKeys([
      [invalid, plain],
      [plain, invalid, sentReplacement],
      [invalid, sentReplacement],
    ]);
    const stats = newDecodeStats();
    const decoded = decodeExportRequest(wire, { stats });
    expect(decoded.attributes.map((list) => list.map((kv) => kv.key))).toEqual([
      ['k\uFFFD', 'k1'],
      ['k1', 'k\uFFFD', 'k\uFFFD'],
      ['k\uFFFD', 'k\uFFFD'],
    ]);
    expect(stats.invalidUtf8).toBe(3);
  });
});
