/** Latency log buckets: bounded relative error, exact and order-independent merges. */
import {
  LATENCY_MIN_BUCKET,
  LATENCY_RELATIVE_ACCURACY,
  LatencySketch,
  latencyBucketOf,
  latencyBucketValue,
  quantileFromBuckets,
} from '../../processors/httpstats/quantiles';
import { seededRandom } from './httpstats-fixtures';

function exactQuantile(sorted: number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

describe('latency buckets', () => {
  it('represent every value within the relative accuracy', () => {
    const rnd = seededRandom(3);
    for (let i = 0; i < 20_000; i++) {
      const v = Math.exp(rnd() * 20 - 5); // ~0.007 ms .. ~3.3e6 ms
      const rep = latencyBucketValue(latencyBucketOf(v));
      expect(Math.abs(rep - v) / v).toBeLessThanOrEqual(LATENCY_RELATIVE_ACCURACY + 1e-12);
    }
  });

  it('puts zero, negative and NaN durations in the lowest bucket', () => {
    expect(latencyBucketOf(0)).toBe(LATENCY_MIN_BUCKET);
    expect(latencyBucketOf(-5)).toBe(LATENCY_MIN_BUCKET);
    expect(latencyBucketOf(NaN)).toBe(LATENCY_MIN_BUCKET);
  });

  it('gives quantiles within 1% of the exact ones', () => {
    const rnd = seededRandom(5);
    const values: number[] = [];
    const sketch = new LatencySketch();
    for (let i = 0; i < 10_000; i++) {
      const v = -Math.log(1 - rnd()) * 80 + 2; // exponential latencies around 80 ms
      values.push(v);
      sketch.add(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(LATENCY_RELATIVE_ACCURACY + 1e-12);
    }
    expect(sketch.count).toBe(10_000);
    expect(sketch.maxMs).toBe(values[values.length - 1]);
  });

  it('merges exactly: the union sketch equals merged parts in any order', () => {
    const rnd = seededRandom(9);
    const whole = new LatencySketch();
    const parts = [new LatencySketch(), new LatencySketch(), new LatencySketch()];
    for (let i = 0; i < 3000; i++) {
      const v = rnd() * 500;
      whole.add(v);
      parts[i % 3].add(v);
    }
    const a = new LatencySketch();
    for (const p of parts) a.merge(p);
    const b = new LatencySketch();
    for (const p of [...parts].reverse()) {
      const { buckets, counts } = p.toBuckets();
      b.addBuckets(buckets, counts, p.sumMs, p.maxMs);
    }
    expect(a.toBuckets()).toEqual(whole.toBuckets());
    expect(b.toBuckets()).toEqual(whole.toBuckets());
    expect(a.count).toBe(whole.count);
    expect(a.maxMs).toBe(whole.maxMs);
    expect(b.sumMs).toBeCloseTo(whole.sumMs, 6);
  });

  it('computes quantiles from unsorted parallel arrays; empty histograms give NaN', () => {
    expect(quantileFromBuckets([], [], 0.5)).toBeNaN();
    const b = [300, 100, 200];
    const c = [1, 1, 1];
    expect(quantileFromBuckets(b, c, 0)).toBe(latencyBucketValue(100));
    expect(quantileFromBuckets(b, c, 0.5)).toBe(latencyBucketValue(200));
    expect(quantileFromBuckets(b, c, 1)).toBe(latencyBucketValue(300));
  });
});
