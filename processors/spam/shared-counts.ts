/**
 * One key's share of the whole rate across collectors (shared_rates; pure, no I/O).
 *
 * Per key, a ring of the last few buckets with three columns:
 *   LOCAL   records this collector counted for the key in the bucket;
 *   SENT    how many of them were already handed out for writing (the next write
 *           carries LOCAL - SENT: partials of one bucket add up in the store);
 *   REMOTE  records the other collectors reported for the key in the bucket.
 * A bucket is "final" once it is `lag` buckets old: by then every collector's
 * counts for it have arrived (written every interval, read every interval). Final
 * buckets enter `combined`, a RateHistory of the whole rate (this collector's +
 * the others'), which the balancer judges like a key's own history, `lag` buckets
 * behind. Counts arriving later still go into combined's recent window when it
 * holds their bucket (RateHistory.addAt), else they are too late (counted).
 *
 * Offered records of a muted key (SDK reports + collector drops, for the release
 * decision), in a second ring allocated on first use: OFFERED_LOCAL /
 * OFFERED_SENT as above, OFFERED_REMOTE what the others reported.
 */
import { BucketRing, RateHistory } from './detectors/zscore';

export const LOCAL = 0;
export const SENT = 1;
export const REMOTE = 2;
export const OFFERED_LOCAL = 0;
export const OFFERED_SENT = 1;
export const OFFERED_REMOTE = 2;

/** Where a remote count went. */
export type RemoteResult = 'pending' | 'window' | 'late';

export class SharedCounts {
  readonly counts: BucketRing;
  readonly combined: RateHistory;
  /** The newest bucket pushed into `combined`. */
  finalThrough: number;
  /** The local bucket at which remote counts last arrived for the key. */
  remoteSeenBucket = -Infinity;
  offered: BucketRing | undefined;
  /** In the balancer's list of keys with counts to write. */
  dirty = false;
  /** Function keys: not judged on the whole rate before this bucket (one of their templates was muted). */
  blockedUntilBucket = -Infinity;

  constructor(
    windowBuckets: number,
    historyBuckets: number,
    ringSize: number,
    readonly offeredRingSize: number,
    /** The first bucket `combined` holds (the key's first bucket minus the lag). */
    firstBucket: number,
    knownZeroBuckets: number,
  ) {
    this.counts = new BucketRing(ringSize, 3);
    this.combined = new RateHistory(windowBuckets, historyBuckets, firstBucket, knownZeroBuckets);
    this.finalThrough = firstBucket - 1;
  }

  /** Pushes the buckets up to `bucket` into `combined` (admit: the key is normal, see RateHistory.advance). */
  finalize(bucket: number, admit: boolean): void {
    if (bucket <= this.finalThrough) return;
    const from = Math.max(this.finalThrough + 1, bucket - this.counts.size + 1);
    for (let b = from; b <= bucket; b++) {
      this.combined.advance(b, admit);
      const n = this.counts.get(LOCAL, b) + this.counts.get(REMOTE, b);
      if (n > 0) this.combined.add(n);
    }
    // A gap longer than the ring: advance() above has credited the empty buckets in between.
    this.combined.advance(bucket, admit);
    this.finalThrough = bucket;
  }

  addRemote(bucket: number, n: number): RemoteResult {
    if (bucket > this.finalThrough) return this.counts.add(REMOTE, bucket, n) ? 'pending' : 'late';
    return this.combined.addAt(this.finalThrough - bucket, n) ? 'window' : 'late';
  }

  addOffered(column: number, bucket: number, n: number): void {
    (this.offered ??= new BucketRing(this.offeredRingSize, 3)).add(column, bucket, n);
  }

  /**
   * The counts not handed out yet, per bucket (up to `bucket`), marked as handed out:
   * [bucket, count, offered][].
   */
  takeUnsent(bucket: number): [number, number, number][] {
    const out = new Map<number, [number, number, number]>();
    for (const b of this.counts.held()) {
      if (b > bucket) continue;
      const d = this.counts.get(LOCAL, b) - this.counts.get(SENT, b);
      if (d > 0) {
        out.set(b, [b, d, 0]);
        this.counts.set(SENT, b, this.counts.get(LOCAL, b));
      }
    }
    const o = this.offered;
    if (o) {
      for (const b of o.held()) {
        if (b > bucket) continue;
        const d = o.get(OFFERED_LOCAL, b) - o.get(OFFERED_SENT, b);
        if (d > 0) {
          const row = out.get(b);
          if (row) row[2] = d;
          else out.set(b, [b, 0, d]);
          o.set(OFFERED_SENT, b, o.get(OFFERED_LOCAL, b));
        }
      }
    }
    return [...out.values()].sort((a, b) => a[0] - b[0]);
  }

  /** Whether counts wait to be handed out (buckets up to `bucket`). */
  hasUnsent(bucket: number): boolean {
    for (const b of this.counts.held()) if (b <= bucket && this.counts.get(LOCAL, b) > this.counts.get(SENT, b)) return true;
    const o = this.offered;
    if (o) for (const b of o.held()) if (b <= bucket && o.get(OFFERED_LOCAL, b) > o.get(OFFERED_SENT, b)) return true;
    return false;
  }
}
