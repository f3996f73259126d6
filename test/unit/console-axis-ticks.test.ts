/**
 * Y-axis ticks of the console charts (console/src/ticks.ts): nice steps, an axis
 * top covering the data, and labels that are all distinct — the HTTP statistics
 * chart printed "0.1 0.1 0.1 0 0" for a maximum of 0.1 req/s (issue 13).
 */
import { axisTicks, niceStep } from '../../console/src/ticks';

describe('axisTicks', () => {
  test('small rates get enough decimals to tell the ticks apart', () => {
    expect(axisTicks(0.1).labels).toEqual(['0', '0.05', '0.10']);
    expect(axisTicks(0.1).max).toBe(0.1);
    expect(axisTicks(0.07).labels).toEqual(['0', '0.02', '0.04', '0.06', '0.08']);
    expect(axisTicks(0.003).labels).toEqual(['0', '0.001', '0.002', '0.003']);
  });

  test('large values: whole numbers, thousands separated, unit appended', () => {
    expect(axisTicks(50).labels).toEqual(['0', '20', '40', '60']);
    expect(axisTicks(12_345).labels).toEqual(['0', '5,000', '10,000', '15,000']);
    expect(axisTicks(230, 4, ' ms').labels).toEqual(['0 ms', '100 ms', '200 ms', '300 ms']);
  });

  test('no data or zeros: 0..1', () => {
    expect(axisTicks(0)).toEqual({ max: 1, values: [0, 0.5, 1], labels: ['0', '0.5', '1.0'] });
    expect(axisTicks(NaN).max).toBe(1);
  });

  test('for any maximum: covers it, at most 4 steps plus one, labels distinct, values evenly spaced', () => {
    for (let e = -4; e <= 7; e++) {
      for (const m of [1, 1.01, 1.5, 2, 2.4, 2.5, 3, 4.99, 5, 6, 7.5, 9.99]) {
        const v = m * 10 ** e;
        const t = axisTicks(v);
        expect(t.max).toBeGreaterThanOrEqual(v * (1 - 1e-9));
        expect(t.values.length).toBeLessThanOrEqual(6);
        expect(new Set(t.labels).size).toBe(t.labels.length);
        expect(t.values[0]).toBe(0);
      }
    }
  });

  test('niceStep', () => {
    expect([0.025, 0.03, 0.2, 0.21, 4, 7, 10].map(niceStep)).toEqual([0.05, 0.05, 0.2, 0.5, 5, 10, 10]);
  });
});
