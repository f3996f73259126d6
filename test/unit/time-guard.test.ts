/**
 * The record-time policy (collector/pipeline/time-policy.ts) and its guard
 * (collector/pipeline/time-guard.ts) on explicit batches and an explicit receive time.
 */
import { LogBatchBuilder, type KeyValue, type LogRecordInput } from '../../collector/pipeline/batch';
import { guardBatchTimes, ORIGINAL_OBSERVED_TIME_ATTRIBUTE, ORIGINAL_TIME_ATTRIBUTE } from '../../collector/pipeline/time-guard';
import { latestAcceptableNs, MAX_FUTURE_SKEW_MS, receiveTimeNs, timeProblem, timeProblemMs } from '../../collector/pipeline/time-policy';
import { MAX_STORABLE_NS, storableMs, storableSeconds, MAX_STORABLE_MS } from '../../collector/storage/time-bounds';

const NOW_MS = 1_800_000_000_000;
const NOW = BigInt(NOW_MS) * 1_000_000n;
const DAY_NS = 86_400_000_000_000n;
const MAX_U64 = (1n << 64n) - 1n;

function batchOf(records: LogRecordInput[], shared: KeyValue[] = []) {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 's' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (const rec of records) b.add(r, s, { attributes: shared, ...rec });
  return b.batch;
}

const attr = (attrs: KeyValue[], key: string) => attrs.find((a) => a.key === key)?.value;

describe('time policy', () => {
  test('acceptable: set, not past the table range, at most a day ahead', () => {
    const latest = latestAcceptableNs(NOW);
    expect(latest).toBe(NOW + DAY_NS);
    expect(timeProblem(1n, latest)).toBeUndefined();
    expect(timeProblem(NOW, latest)).toBeUndefined();
    expect(timeProblem(NOW + DAY_NS, latest)).toBeUndefined();
    expect(timeProblem(NOW + DAY_NS + 1n, latest)).toBe('future');
    expect(timeProblem(MAX_STORABLE_NS + 1n, latest)).toBe('out_of_range');
    expect(timeProblem(MAX_U64, latest)).toBe('out_of_range');
    expect(timeProblem(-5n, latest)).toBe('out_of_range');
    // A collector clock near the end of the range never lets a time past it through.
    expect(latestAcceptableNs(MAX_STORABLE_NS - 5n)).toBe(MAX_STORABLE_NS);
    expect(receiveTimeNs(Number.MAX_SAFE_INTEGER)).toBe(MAX_STORABLE_NS);
  });

  test('milliseconds (times read from a Body)', () => {
    expect(timeProblemMs(NOW_MS - 1000, NOW_MS)).toBeUndefined();
    expect(timeProblemMs(NOW_MS + MAX_FUTURE_SKEW_MS + 1, NOW_MS)).toBe('future');
    expect(timeProblemMs(Date.UTC(2400, 0, 1), NOW_MS)).toBe('out_of_range');
    expect(timeProblemMs(NaN, NOW_MS)).toBe('out_of_range');
    expect(timeProblemMs(0, NOW_MS)).toBe('out_of_range');
  });

  test('store clamps', () => {
    expect(storableMs(NaN)).toBe(0);
    expect(storableMs(-1)).toBe(0);
    expect(storableMs(1.7)).toBe(1);
    expect(storableMs(Date.UTC(2400, 0, 1))).toBe(MAX_STORABLE_MS);
    expect(storableSeconds(Date.UTC(2400, 0, 1))).toBe(4_294_967_295);
  });
});

describe('guardBatchTimes', () => {
  test('acceptable times are left alone and nothing is counted', () => {
    const b = batchOf([{ timeUnixNano: NOW - 5n }, { observedTimeUnixNano: NOW }, { timeUnixNano: 1n, observedTimeUnixNano: NOW + DAY_NS }]);
    const attrs = b.attributes.slice();
    expect(guardBatchTimes(b, NOW).size).toBe(0);
    expect(b.timeUnixNano).toEqual([NOW - 5n, 0n, 1n]);
    expect(b.observedTimeUnixNano).toEqual([0n, NOW, NOW + DAY_NS]);
    expect(b.attributes).toEqual(attrs);
  });

  test('poison times are replaced, the originals kept as attributes, each counted', () => {
    const shared: KeyValue[] = [{ key: 'k', value: 'v' }];
    const b = batchOf(
      [
        { timeUnixNano: MAX_U64 },
        { timeUnixNano: MAX_U64, observedTimeUnixNano: NOW - 7n },
        { observedTimeUnixNano: MAX_U64 },
        { timeUnixNano: NOW, observedTimeUnixNano: NOW + 2n * DAY_NS },
        {},
      ],
      shared,
    );
    const replaced = guardBatchTimes(b, NOW);
    expect(Object.fromEntries(replaced)).toEqual({ 'time:out_of_range': 2, 'observed:out_of_range': 1, 'observed:future': 1, 'observed:unset': 1 });
    expect(b.timeUnixNano).toEqual([NOW, NOW - 7n, 0n, NOW, 0n]);
    expect(b.observedTimeUnixNano).toEqual([0n, NOW - 7n, NOW, NOW, NOW]);
    expect(attr(b.attributes[0], ORIGINAL_TIME_ATTRIBUTE)).toBe(MAX_U64.toString());
    expect(attr(b.attributes[2], ORIGINAL_OBSERVED_TIME_ATTRIBUTE)).toBe(MAX_U64.toString());
    expect(attr(b.attributes[3], ORIGINAL_OBSERVED_TIME_ATTRIBUTE)).toBe((NOW + 2n * DAY_NS).toString());
    expect(attr(b.attributes[3], ORIGINAL_TIME_ATTRIBUTE)).toBeUndefined();
    expect(b.attributes[4]).toBe(shared); // only "unset": nothing to keep
    // The shared attribute list was copied, not appended to.
    expect(shared).toEqual([{ key: 'k', value: 'v' }]);
    // A second pass finds nothing to do.
    expect(guardBatchTimes(b, NOW).size).toBe(0);
  });
});
