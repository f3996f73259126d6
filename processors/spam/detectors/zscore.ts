/**
 * The Z-score detector: is a key's current rate anomalous against its own history?
 *
 * Per key, records are counted in time buckets (bucketMs wide, absolute bucket
 * number = floor(timeMs / bucketMs)). Two rings:
 *   recent    the last `windowBuckets` buckets, the newest one still filling: the
 *             current rate;
 *   baseline  the last `historyBuckets` bucket counts that left the recent window
 *             while the key was normal (not muted, not taken over by a manual rule):
 *             the history the current rate is judged against. Buckets of a muted or
 *             manually pinned period are left out, so a spam burst never becomes the
 *             new normal. (Periods with strategy off are kept: traffic keeps being
 *             learnt while nothing is judged, so switching back on does not judge
 *             today's traffic against last week's.)
 * Running sum and sum of squares over the baseline are integers (exact in a
 * double up to 2^53, so they never drift). A record costs one increment; moving to
 * a new bucket costs one push per elapsed bucket, at most windowBuckets +
 * historyBuckets for any gap: O(1) amortised.
 *
 * z = (count - expected) / sqrt(k · max(var, mean, 1))
 *   count     records in the recent window;
 *   k         the window's span in buckets: windowBuckets - 1 full ones plus the
 *             elapsed part of the current one (so a window that has just begun is
 *             not judged as if it were full);
 *   mean, var per-bucket mean and (population) variance of the baseline;
 *   expected  k · mean.
 * The variance floor: counts of independent events vary at least like a Poisson
 * count (var >= mean), and at least one record per bucket, so a perfectly regular
 * or empty history does not make every extra record infinitely anomalous.
 * Pure: time comes in as arguments (simulated time in tests).
 */

export interface RateAssessment {
  /** Records in the recent window. */
  count: number;
  /** The window's span in ms (see the module comment). */
  spanMs: number;
  /** count / span, records per second. */
  rate: number;
  /** Baseline mean, records per second. */
  baselineRate: number;
  /** Baseline buckets available. */
  historyBuckets: number;
  z: number;
}

export interface ZScoreParams {
  zThreshold: number;
  zMinRatio: number;
  minHistoryBuckets: number;
}

/** Whether an assessment is a rate anomaly (min_rate / min_samples gates are the caller's). */
export function zscoreFires(a: RateAssessment, p: ZScoreParams): boolean {
  return a.historyBuckets >= p.minHistoryBuckets && a.z >= p.zThreshold && a.rate >= p.zMinRatio * a.baselineRate;
}

export class RateHistory {
  private readonly recent: Uint32Array;
  /** Index in `recent` of the current (newest) bucket. */
  private head = 0;
  /** Absolute bucket number of recent[head]. */
  currentBucket: number;
  private windowSum = 0;

  private readonly baseline: Uint32Array;
  private basePos = 0;
  private baseFilled = 0;
  private baseSum = 0;
  private baseSumSq = 0;
  /** Records in the newest windowBuckets buckets pushed to the baseline. */
  private pushedWindowSum = 0;
  /**
   * The highest pushedWindowSum of a burst that has receded (decayed: see
   * peakCount), and the bucket it was seen in. A rate counts as a peak once the
   * traffic fell to half of it or less afterwards: a burst that ended by itself (a
   * periodic job's round, a service before it went quiet), never a ramp still
   * climbing.
   */
  private peakWindowCount = 0;
  private peakBucket = 0;
  /** The highest pushedWindowSum since the last recession (not a peak yet), and its bucket. */
  private candidateCount = 0;
  private candidateBucket = 0;
  /** Pushes since the last one that was not to be learnt (a window holding one is no peak). */
  private learntPushes = Infinity;
  /** The peak halves every this many buckets (Infinity = never). */
  peakHalfLifeBuckets = Infinity;

  /**
   * @param nowBucket the bucket the key is first seen in
   * @param knownZeroBuckets buckets before `nowBucket` known to have had no record
   *   (the time the detector has been watching without seeing this key), credited
   *   to the baseline as zeros (capped at historyBuckets)
   */
  /** Window slots before the key's first bucket that were never observed (not pushed to the baseline). */
  private unobservedSlots: number;

  /**
   * @param nowBucket the bucket the key is first seen in
   * @param knownZeroBuckets buckets before `nowBucket` known to have had no record
   *   (the time the detector has been watching without seeing this key): the
   *   window's earlier slots, then (up to historyBuckets) the baseline, are zeros
   */
  constructor(
    readonly windowBuckets: number,
    readonly historyBuckets: number,
    nowBucket: number,
    knownZeroBuckets = 0,
  ) {
    this.recent = new Uint32Array(windowBuckets);
    this.baseline = new Uint32Array(historyBuckets);
    this.currentBucket = nowBucket;
    const known = Math.max(0, Math.floor(knownZeroBuckets));
    // The window's windowBuckets - 1 earlier slots come first; older known zeros are baseline.
    this.unobservedSlots = Math.max(0, windowBuckets - 1 - known);
    const zeros = Math.min(historyBuckets, Math.max(0, known - (windowBuckets - 1)));
    this.baseFilled = zeros;
    this.basePos = zeros % historyBuckets;
  }

  /**
   * Moves the current bucket forward to `bucket` (earlier buckets are ignored).
   * Buckets leaving the recent window enter the baseline when `admit` (the key is
   * normal), else they are discarded; they count toward the peak (peakCount) only
   * when also `learnPeak` (the key is not on its way to a mute).
   */
  advance(bucket: number, admit: boolean, learnPeak = admit): void {
    const steps = bucket - this.currentBucket;
    if (steps <= 0) return;
    const w = this.windowBuckets;
    // Buckets that leave the window: the oldest `min(steps, w)` ones, then (for
    // longer gaps) empty buckets that passed through the window unseen.
    const leaving = Math.min(steps, w);
    for (let i = 1; i <= leaving; i++) {
      const idx = (this.head + i) % w;
      const c = this.recent[idx];
      if (this.unobservedSlots > 0) this.unobservedSlots--;
      else if (admit) this.push(c, learnPeak);
      this.windowSum -= c;
      this.recent[idx] = 0;
    }
    if (admit && steps > w) {
      const zeros = Math.min(steps - w, this.historyBuckets);
      for (let i = 0; i < zeros; i++) this.push(0, learnPeak);
    }
    this.head = (this.head + steps) % w;
    this.currentBucket = bucket;
  }

  private push(c: number, learnPeak: boolean): void {
    const h = this.historyBuckets;
    // The newest windowBuckets pushed counts: the busiest rate window of the baseline.
    if (this.windowBuckets < h) {
      if (this.baseFilled >= this.windowBuckets) this.pushedWindowSum -= this.baseline[(this.basePos - this.windowBuckets + h) % h];
      this.pushedWindowSum += c;
      this.learntPushes = learnPeak ? this.learntPushes + 1 : 0;
      if (this.learntPushes >= this.windowBuckets && this.pushedWindowSum >= this.candidateCount) {
        this.candidateCount = this.pushedWindowSum;
        this.candidateBucket = this.currentBucket;
      }
      if (this.candidateCount > 0 && 2 * this.pushedWindowSum <= this.candidateCount) {
        // Receded: the candidate is a peak the key had.
        if (this.candidateCount >= this.peakCount(this.currentBucket)) {
          this.peakWindowCount = this.candidateCount;
          this.peakBucket = this.candidateBucket;
        }
        this.candidateCount = this.pushedWindowSum;
        this.candidateBucket = this.currentBucket;
      }
    }
    if (this.baseFilled === h) {
      const old = this.baseline[this.basePos];
      this.baseSum -= old;
      this.baseSumSq -= old * old;
    } else {
      this.baseFilled++;
    }
    this.baseline[this.basePos] = c;
    this.baseSum += c;
    this.baseSumSq += c * c;
    this.basePos = (this.basePos + 1) % h;
  }

  /** Counts `n` records in the current bucket (call advance() first). */
  add(n = 1): void {
    this.recent[this.head] += n;
    this.windowSum += n;
  }

  /**
   * Counts `n` records in the bucket `ago` buckets before the current one (0 = the
   * current one): counts that arrive late (other collectors' partials). Returns
   * false, counting nothing, when that bucket is no longer in the recent window.
   */
  addAt(ago: number, n: number): boolean {
    if (!(ago >= 0 && ago < this.windowBuckets) || n <= 0) return false;
    const idx = (this.head - ago + this.windowBuckets) % this.windowBuckets;
    this.recent[idx] += n;
    this.windowSum += n;
    return true;
  }

  /** Records in the recent window. */
  get count(): number {
    return this.windowSum;
  }

  /** Count of the bucket `ago` buckets before the current one (0 = current), 0 outside the window. */
  bucketCount(ago: number): number {
    if (ago < 0 || ago >= this.windowBuckets) return 0;
    return this.recent[(this.head - ago + this.windowBuckets) % this.windowBuckets];
  }

  /** Takes away records counted in the recent window, bucket by bucket (clamped at 0): `counts[ago]`. */
  subtract(counts: (ago: number) => number): void {
    for (let ago = 0; ago < this.windowBuckets; ago++) {
      const idx = (this.head - ago + this.windowBuckets) % this.windowBuckets;
      const take = Math.min(this.recent[idx], counts(ago));
      this.recent[idx] -= take;
      this.windowSum -= take;
    }
  }

  /**
   * The busiest rate window (records) among the buckets that entered the baseline
   * of a burst that receded, halving every peakHalfLifeBuckets since it was seen:
   * the highest rate the key had while normal and then left. With
   * `includeRising`, also the busiest window since (the key's current level).
   */
  peakCount(bucket: number, includeRising = false): number {
    const decay = (count: number, at: number) => (count === 0 ? 0 : count * Math.pow(0.5, Math.max(0, bucket - at) / this.peakHalfLifeBuckets));
    const peak = decay(this.peakWindowCount, this.peakBucket);
    return includeRising ? Math.max(peak, decay(this.candidateCount, this.candidateBucket)) : peak;
  }

  /** Starts the peak at `count` records per window (another history's, e.g. the same key of another sender). */
  seedPeak(count: number, bucket: number): void {
    if (count > this.peakCount(bucket)) {
      this.peakWindowCount = count;
      this.peakBucket = bucket;
    }
  }

  get baselineBuckets(): number {
    return this.baseFilled;
  }

  /** The assessment at `nowMs` (the history must have been advanced to nowMs's bucket). */
  assess(nowMs: number, bucketMs: number): RateAssessment {
    const elapsed = Math.min(bucketMs, Math.max(0, nowMs - this.currentBucket * bucketMs));
    const spanMs = (this.windowBuckets - 1) * bucketMs + elapsed;
    return this.assessCount(this.windowSum, spanMs, bucketMs);
  }

  /**
   * The assessment of a full window at `rate` records/s instead of the window's own
   * count (a muted key's offered rate: the records it would log unmuted).
   */
  assessRate(rate: number, bucketMs: number): RateAssessment {
    const spanMs = this.windowBuckets * bucketMs;
    return this.assessCount(Math.round((rate * spanMs) / 1000), spanMs, bucketMs);
  }

  private assessCount(count: number, spanMs: number, bucketMs: number): RateAssessment {
    const k = spanMs / bucketMs;
    const n = this.baseFilled;
    const mean = n > 0 ? this.baseSum / n : 0;
    const variance = n > 0 ? Math.max(0, this.baseSumSq / n - mean * mean) : 0;
    const expected = k * mean;
    const z = (count - expected) / Math.sqrt(k * Math.max(variance, mean, 1));
    return {
      count,
      spanMs,
      rate: spanMs > 0 ? (count * 1000) / spanMs : 0,
      baselineRate: (mean * 1000) / bucketMs,
      historyBuckets: n,
      z,
    };
  }

  /**
   * Records in the newest `segments` runs of `segmentBuckets` buckets each, newest
   * first: the recent window's buckets, then the baseline's newest first (so time
   * in which the key was muted is skipped). Undefined when window + baseline hold
   * fewer buckets than that.
   */
  segmentCounts(segmentBuckets: number, segments: number): number[] | undefined {
    const need = segmentBuckets * segments;
    if (this.windowBuckets + this.baseFilled < need) return undefined;
    const out = new Array<number>(segments).fill(0);
    for (let i = 0; i < need; i++) {
      let c: number;
      if (i < this.windowBuckets) c = this.recent[(this.head - i + this.windowBuckets) % this.windowBuckets];
      else {
        const j = i - this.windowBuckets;
        c = this.baseline[(this.basePos - 1 - j + 2 * this.historyBuckets) % this.historyBuckets];
      }
      out[Math.floor(i / segmentBuckets)] += c;
    }
    return out;
  }
}

/**
 * A ring of per-bucket counts with a running sum (the offered rate of a muted key:
 * records the SDKs reported dropped plus records dropped in the collector).
 */
export class BucketCounter {
  private readonly counts: Uint32Array;
  private head = 0;
  currentBucket: number;
  private sum = 0;

  constructor(readonly buckets: number, nowBucket: number) {
    this.counts = new Uint32Array(buckets);
    this.currentBucket = nowBucket;
  }

  advance(bucket: number): void {
    const steps = bucket - this.currentBucket;
    if (steps <= 0) return;
    const n = Math.min(steps, this.buckets);
    for (let i = 1; i <= n; i++) {
      const idx = (this.head + i) % this.buckets;
      this.sum -= this.counts[idx];
      this.counts[idx] = 0;
    }
    this.head = (this.head + steps) % this.buckets;
    this.currentBucket = bucket;
  }

  add(bucket: number, n: number): void {
    this.advance(bucket);
    // Uint32 saturates rather than wraps: a count beyond 4e9 in one bucket is "a lot" either way.
    const v = Math.min(0xffffffff, this.counts[this.head] + n);
    this.sum += v - this.counts[this.head];
    this.counts[this.head] = v;
  }

  get total(): number {
    return this.sum;
  }
}

/**
 * Per-bucket counts of the last `size` buckets in a few columns, indexed by
 * absolute bucket number (a slot is reused by a newer bucket, its columns cleared).
 * Reads of a bucket no longer (or not yet) held are 0; writes to a bucket older
 * than the one its slot holds are refused. Used for what other collectors report
 * (their counts arrive late, bucket by bucket).
 */
export class BucketRing {
  private readonly slots: Float64Array;
  private readonly columns: Uint32Array[];

  constructor(readonly size: number, columns: number) {
    this.slots = new Float64Array(size).fill(-Infinity);
    this.columns = [];
    for (let c = 0; c < columns; c++) this.columns.push(new Uint32Array(size));
  }

  private index(bucket: number): number {
    return ((bucket % this.size) + this.size) % this.size;
  }

  /** Adds `n` to a column of `bucket`; false when the bucket is older than its slot's. */
  add(column: number, bucket: number, n: number): boolean {
    const i = this.index(bucket);
    const held = this.slots[i];
    if (held > bucket) return false;
    if (held < bucket) {
      for (const col of this.columns) col[i] = 0;
      this.slots[i] = bucket;
    }
    const col = this.columns[column];
    col[i] = Math.min(0xffffffff, col[i] + n);
    return true;
  }

  get(column: number, bucket: number): number {
    const i = this.index(bucket);
    return this.slots[i] === bucket ? this.columns[column][i] : 0;
  }

  /** Sets a column of a held bucket (no-op when the bucket is not held). */
  set(column: number, bucket: number, v: number): void {
    const i = this.index(bucket);
    if (this.slots[i] === bucket) this.columns[column][i] = v;
  }

  /** Sum of a column over buckets from..to (inclusive). */
  sum(column: number, from: number, to: number): number {
    let s = 0;
    for (let b = Math.max(from, to - this.size + 1); b <= to; b++) s += this.get(column, b);
    return s;
  }

  /** The buckets held, oldest first. */
  held(): number[] {
    const out: number[] = [];
    for (const b of this.slots) if (b !== -Infinity) out.push(b);
    return out.sort((a, b) => a - b);
  }
}
