/** DistinctCounter: exact while small, a HyperLogLog estimate beyond, mergeable into the union. */
import { DistinctCounter } from '../../processors/httpstats/distinct';
import { HttpStatsAggregator, newHttpSample, RowTotals } from '../../processors/httpstats/aggregator';

const T0 = Date.UTC(2026, 0, 1);

const addresses = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `10.${((from + i) >> 16) & 255}.${((from + i) >> 8) & 255}.${(from + i) & 255}`);

describe('DistinctCounter', () => {
  test('exact up to 2048 distinct values, repeats counted once', () => {
    const c = new DistinctCounter();
    for (const a of [...addresses(0, 2000), ...addresses(0, 2000)]) c.add(a);
    expect(c.count()).toBe(2000);
    expect(c.exact).toBe(true);
  });

  test.each([5000, 50_000, 500_000])('estimates %i distinct values within 5 %', (n) => {
    const c = new DistinctCounter();
    for (const a of addresses(0, n)) c.add(a);
    expect(c.exact).toBe(false);
    expect(Math.abs(c.count() - n) / n).toBeLessThan(0.05);
  });

  test('merging counts the union, not the sum (exact and estimated)', () => {
    const a = new DistinctCounter();
    const b = new DistinctCounter();
    for (const x of addresses(0, 10)) a.add(x);
    for (const x of addresses(5, 20)) b.add(x);
    a.merge(b);
    expect(a.count()).toBe(20);

    const big1 = new DistinctCounter();
    const big2 = new DistinctCounter();
    for (const x of addresses(0, 30_000)) big1.add(x);
    for (const x of addresses(20_000, 50_000)) big2.add(x);
    const small = new DistinctCounter();
    for (const x of addresses(0, 100)) small.add(x);
    small.merge(big1);
    small.merge(big2);
    expect(Math.abs(small.count() - 50_000) / 50_000).toBeLessThan(0.05);
  });
});

describe('DistinctCounter never shows more clients than possible (newcomer: "~5378" of at most 5334 addresses)', () => {
  test('an estimate is never above the number of values added, for any count past the exact limit', () => {
    const over: number[] = [];
    for (let n = 2049; n <= 8000; n += 37) {
      const c = new DistinctCounter();
      for (const a of addresses(0, n)) c.add(a);
      if (c.count() > n) over.push(n);
    }
    expect(over).toEqual([]);
  });

  test('the totals of a run count a small site exactly: 5334 addresses seen many times each', () => {
    const agg = new HttpStatsAggregator({ intervalMs: 10_000 });
    const all = addresses(0, 5334);
    for (let i = 0; i < 4 * all.length; i++) agg.add({ ...newHttpSample(), timeMs: T0 + i * 100, path: '/', status: 200, client: all[(i * 5) % all.length] });
    const totals = new RowTotals();
    for (const r of agg.closeAll()) totals.add(r);
    expect(totals.clients.exact).toBe(true);
    expect(totals.clients.count()).toBe(5334);
  });
});
