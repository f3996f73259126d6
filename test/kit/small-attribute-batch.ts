/**
 * Records of many small attributes (`k<a>` = a number's text): about 15 KB a record on
 * the wire, the receiver's byteSize, but about 91 KB of objects and strings once decoded.
 * For tests of memory bounds that must count what records keep, not their wire size.
 */
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';

/** Batch number `k` of `records` records with `attributes` attributes each (values differ between records). */
export function smallAttributeBatch(k: number, records = 10, attributes = 1000): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < records; i++) {
    const list = Array.from({ length: attributes }, (_, a) => ({ key: `k${a}`, value: `${(k * records + i + a) % 1000}` }));
    b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(k * records + i), body: 'b', attributes: list }, 15 * attributes);
  }
  return b.batch;
}
