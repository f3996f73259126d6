/**
 * The live tail's rows (console/src/tail-rows.ts): in time order although the
 * services' batches interleave on arrival, and a Time text that fits its column
 * (the newcomer saw "18:54:39.29273…" cut, and rows out of order across services).
 */
import { compareTimeNs, insertInTimeOrder, tailTimeText } from '../../console/src/tail-rows';

const rec = (timeNs: string, id: string) => ({ timeNs, id });

test('records of two services arriving batch by batch are drawn in time order, ties in arrival order', () => {
  const records = [rec('1000', 'web-1'), rec('3000', 'web-3')];
  insertInTimeOrder(records, [rec('2000', 'checkout-2'), rec('3000', 'checkout-3'), rec('4000', 'checkout-4'), rec('999', 'checkout-0')]);
  expect(records.map((r) => r.id)).toEqual(['checkout-0', 'web-1', 'checkout-2', 'web-3', 'checkout-3', 'checkout-4']);
});

test('nanosecond strings compare as numbers (a longer string is later)', () => {
  expect(compareTimeNs('999999999', '1000000000')).toBeLessThan(0);
  expect(compareTimeNs('1733511279292735123', '1733511279292735124')).toBeLessThan(0);
  expect(compareTimeNs('5', '5')).toBe(0);
});

test('the Time text is UTC to the millisecond', () => {
  expect(tailTimeText('2026-12-06T18:54:39.292735123Z')).toBe('2026-12-06 18:54:39.292');
  expect(tailTimeText('2026-12-06T18:54:39Z')).toBe('2026-12-06 18:54:39');
});
