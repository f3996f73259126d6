/**
 * LogBatch's typed columns (times, severity, dropped counts, flags, resource and scope
 * indexes): a builder grows them past any capacity it was given, keeps every value
 * (a severity is any number, the others uint32; a dropped count past 2^32 - 1 is
 * clamped, not wrapped), and trim() leaves every column exactly `length` long;
 * mergeBatches gives a trimmed batch.
 */
import { LogBatchBuilder, mergeBatches, type LogBatch } from '../../collector/pipeline/batch';

function build(capacity: number, n: number, from = 0): LogBatch {
  const b = new LogBatchBuilder(capacity);
  const r = b.addResource({ attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = from; i < from + n; i++) {
    b.add(r, s, {
      timeUnixNano: (1n << 63n) + BigInt(i),
      observedTimeUnixNano: BigInt(i),
      severityNumber: i % 3 === 0 ? 9.5 : -i,
      droppedAttributesCount: i === from ? 2 ** 33 : i,
      flags: 0xffff_ffff - i,
      body: `r${i}`,
    });
  }
  b.trim();
  return b.batch;
}

const TYPED = ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'droppedAttributesCount', 'flags', 'resourceIndex', 'scopeIndex'] as const;

test('typed columns grow past the capacity given, keep their values, and are cut to length by trim', () => {
  for (const [capacity, n] of [[0, 1], [0, 100], [4, 37], [100, 3], [100, 0]]) {
    const b = build(capacity, n);
    for (const c of TYPED) expect(b[c].length).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(b.timeUnixNano[i]).toBe((1n << 63n) + BigInt(i));
      expect(b.observedTimeUnixNano[i]).toBe(BigInt(i));
      expect(b.severityNumber[i]).toBe(i % 3 === 0 ? 9.5 : -i);
      expect(b.droppedAttributesCount[i]).toBe(i === 0 ? 0xffff_ffff : i);
      expect(b.flags[i]).toBe(0xffff_ffff - i);
      expect(b.body[i]).toBe(`r${i}`);
    }
  }
});

test('mergeBatches: every column of the merged batch is exactly its length', () => {
  const merged = mergeBatches([build(0, 20), build(0, 13, 20)]);
  expect(merged.length).toBe(33);
  for (const c of TYPED) expect(merged[c].length).toBe(33);
  expect([...merged.observedTimeUnixNano]).toEqual(Array.from({ length: 33 }, (_, i) => BigInt(i)));
  expect(merged.body).toEqual(Array.from({ length: 33 }, (_, i) => `r${i}`));
});
