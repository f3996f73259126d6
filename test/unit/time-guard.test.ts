/**
 * The record-time policy (collector/pipeline/time-policy.ts) and its guard
 * (collector/pipeline/time-guard.ts) on explicit batches and an explicit receive time.
 */
import { LogBatchBuilder, type KeyValue, type LogRecordInput } from '../../collector/pipeline/batch';
import { guardBatchTimes, ORIGINAL_OBSERVED_TIME_ATTRIBUTE, ORIGINAL_TIME_ATTRIBUTE } from '../../collector/pipeline/time-guard';
import { aggregationTimeProblemMs, isAcceptableRecordTime, MAX_FUTURE_SKEW_MS, receiveTimeNs } from '../../collector/pipeline/time-policy';
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
  b.trim(); // the time columns grow ahead of the records added
  return b.batch;
}

const attr = (attrs: KeyValue[], key: string) => attrs.find((a) => a.key === key)?.value;

describe('time policy', () => {
  test('record times: set and within what the tables hold', () => {
    expect(isAcceptableRecordTime(1n)).toBe(true);
    expect(isAcceptableRecordTime(NOW + 50n * 365n * DAY_NS)).toBe(true); // far ahead, but storable: kept as sent
    expect(isAcceptableRecordTime(MAX_STORABLE_NS)).toBe(true);
    expect(isAcceptableRecordTime(MAX_STORABLE_NS + 1n)).toBe(false);
    expect(isAcceptableRecordTime(1n << 63n)).toBe(false);
    expect(isAcceptableRecordTime(MAX_U64)).toBe(false);
    expect(isAcceptableRecordTime(-5n)).toBe(false);
    // A broken host clock never makes the replacement itself unstorable.
    expect(receiveTimeNs(Number.MAX_SAFE_INTEGER)).toBe(MAX_STORABLE_NS);
    expect(receiveTimeNs(-1)).toBe(1_000_000n);
  });

  test('aggregation times (httpstats): also at most a day ahead of the clock', () => {
    expect(aggregationTimeProblemMs(NOW_MS - 1000, NOW_MS)).toBeUndefined();
    expect(aggregationTimeProblemMs(NOW_MS + MAX_FUTURE_SKEW_MS, NOW_MS)).toBeUndefined();
    expect(aggregationTimeProblemMs(NOW_MS + MAX_FUTURE_SKEW_MS + 1, NOW_MS)).toBe('future');
    expect(aggregationTimeProblemMs(Date.UTC(2400, 0, 1), NOW_MS)).toBe('out_of_range');
    expect(aggregationTimeProblemMs(NaN, NOW_MS)).toBe('out_of_range');
    expect(aggregationTimeProblemMs(0, NOW_MS)).toBe('out_of_range');
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
    const b = batchOf([{ timeUnixNano: NOW - 5n }, { observedTimeUnixNano: NOW }, { timeUnixNano: 1n, observedTimeUnixNano: MAX_STORABLE_NS }]);
    const attrs = b.attributes.slice();
    expect(guardBatchTimes(b, NOW).size).toBe(0);
    expect([...b.timeUnixNano]).toEqual([NOW - 5n, 0n, 1n]);
    expect([...b.observedTimeUnixNano]).toEqual([0n, NOW, MAX_STORABLE_NS]);
    expect(b.attributes).toEqual(attrs);
  });

  test('poison times are replaced, the originals kept as attributes, each counted', () => {
    const shared: KeyValue[] = [{ key: 'k', value: 'v' }];
    const b = batchOf(
      [
        { timeUnixNano: MAX_U64 },
        { timeUnixNano: MAX_U64, observedTimeUnixNano: NOW - 7n },
        { observedTimeUnixNano: MAX_U64 },
        { timeUnixNano: NOW, observedTimeUnixNano: 1n << 63n },
        {},
      ],
      shared,
    );
    const replaced = guardBatchTimes(b, NOW);
    expect(Object.fromEntries(replaced)).toEqual({ 'time:out_of_range': 2, 'observed:out_of_range': 2, 'observed:unset': 1 });
    expect([...b.timeUnixNano]).toEqual([NOW, NOW - 7n, 0n, NOW, 0n]);
    expect([...b.observedTimeUnixNano]).toEqual([0n, NOW - 7n, NOW, NOW, NOW]);
    expect(attr(b.attributes[0], ORIGINAL_TIME_ATTRIBUTE)).toBe(MAX_U64.toString());
    expect(attr(b.attributes[2], ORIGINAL_OBSERVED_TIME_ATTRIBUTE)).toBe(MAX_U64.toString());
    expect(attr(b.attributes[3], ORIGINAL_OBSERVED_TIME_ATTRIBUTE)).toBe((1n << 63n).toString());
    expect(attr(b.attributes[3], ORIGINAL_TIME_ATTRIBUTE)).toBeUndefined();
    expect(b.attributes[4]).toBe(shared); // only "unset": nothing to keep
    // The shared attribute list was copied, not appended to.
    expect(shared).toEqual([{ key: 'k', value: 'v' }]);
    // A second pass finds nothing to do.
    expect(guardBatchTimes(b, NOW).size).toBe(0);
  });
});
