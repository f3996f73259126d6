/**
 * Latency quantiles from fixed logarithmic buckets (the DDSketch / HDR idea):
 * a value v > 0 (milliseconds) falls in bucket i = ceil(log_γ(v)), γ = (1+α)/(1−α),
 * and a bucket is represented by 2γ^i/(γ+1), which is within a relative error α
 * of every value in it. α = 1 %.
 *
 * Why this sketch: partial sketches merge by adding counts per bucket, so the
 * merge is exact, associative and order-independent — aggregates from several
 * collectors, or 10 s rows rolled up to 1 h, give the same quantiles as one
 * process that saw every request. In ClickHouse a sketch is two parallel
 * arrays (bucket Int16, count UInt64) merged with `sumMap`, which every server
 * version we support has (18.16 included); a t-digest would merge only
 * approximately and depend on merge order.
 *
 * Bucket indices for 1 µs .. 1 h are about −346 .. 756; values at or below 1 µs
 * (including 0) share the lowest bucket, values above ~10^140 ms the highest.
 */

export const LATENCY_RELATIVE_ACCURACY = 0.01;
export const LATENCY_GAMMA = (1 + LATENCY_RELATIVE_ACCURACY) / (1 - LATENCY_RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(LATENCY_GAMMA);
/** Values at or below this many milliseconds share the lowest bucket. */
export const LATENCY_MIN_MS = 0.001;
export const LATENCY_MIN_BUCKET = Math.ceil(Math.log(LATENCY_MIN_MS) / LN_GAMMA);
/** Fits ClickHouse Int16. */
export const LATENCY_MAX_BUCKET = 32767;

/** The bucket of a latency in milliseconds (NaN and negatives go to the lowest bucket). */
export function latencyBucketOf(ms: number): number {
  if (!(ms > LATENCY_MIN_MS)) return LATENCY_MIN_BUCKET;
  const i = Math.ceil(Math.log(ms) / LN_GAMMA);
  return i > LATENCY_MAX_BUCKET ? LATENCY_MAX_BUCKET : i;
}

/** The value that represents bucket i (within α of every value in it). */
export function latencyBucketValue(i: number): number {
  if (i <= LATENCY_MIN_BUCKET) return LATENCY_MIN_MS;
  return (2 * Math.pow(LATENCY_GAMMA, i)) / (LATENCY_GAMMA + 1);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of a bucket histogram: the representative value of
 * the first bucket (in index order) whose cumulative count reaches
 * max(1, ceil(q · total)). NaN when the histogram is empty. `buckets` and
 * `counts` are parallel; they need not be sorted.
 */
export function quantileFromBuckets(buckets: ArrayLike<number>, counts: ArrayLike<number>, q: number): number {
  const n = buckets.length;
  if (n === 0) return NaN;
  let order: number[] | undefined;
  for (let k = 1; k < n; k++) {
    if (buckets[k] < buckets[k - 1]) {
      order = Array.from({ length: n }, (_, j) => j).sort((a, b) => buckets[a] - buckets[b]);
      break;
    }
  }
  let total = 0;
  for (let k = 0; k < n; k++) total += counts[k];
  if (total <= 0) return NaN;
  const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * total));
  let seen = 0;
  for (let k = 0; k < n; k++) {
    const j = order ? order[k] : k;
    seen += counts[j];
    if (seen >= rank) return latencyBucketValue(buckets[j]);
  }
  return latencyBucketValue(buckets[order ? order[n - 1] : n - 1]);
}

/** A mergeable latency histogram (counts per bucket) with count, sum and max. */
export class LatencySketch {
  /** bucket index -> count */
  readonly counts = new Map<number, number>();
  count = 0;
  sumMs = 0;
  maxMs = 0;

  add(ms: number): void {
    const i = latencyBucketOf(ms);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.count++;
    if (ms > 0) {
      this.sumMs += ms;
      if (ms > this.maxMs) this.maxMs = ms;
    }
  }

  /** Adds a serialized histogram (parallel arrays) with its totals. */
  addBuckets(buckets: ArrayLike<number>, counts: ArrayLike<number>, sumMs: number, maxMs: number): void {
    for (let k = 0; k < buckets.length; k++) {
      const c = counts[k];
      if (c <= 0) continue;
      this.counts.set(buckets[k], (this.counts.get(buckets[k]) ?? 0) + c);
      this.count += c;
    }
    this.sumMs += sumMs;
    if (maxMs > this.maxMs) this.maxMs = maxMs;
  }

  merge(other: LatencySketch): void {
    for (const [i, c] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + c);
    this.count += other.count;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  /** Parallel arrays sorted by bucket index (the stored form). */
  toBuckets(): { buckets: number[]; counts: number[] } {
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    return { buckets, counts: buckets.map((b) => this.counts.get(b)!) };
  }

  quantile(q: number): number {
    const { buckets, counts } = this.toBuckets();
    return quantileFromBuckets(buckets, counts, q);
  }
}
