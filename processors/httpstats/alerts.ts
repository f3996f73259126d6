/**
 * Traffic alerts: pure functions of the per-interval hit counts fed in — no
 * clock, no timers, no I/O — so tests drive them with simulated time.
 *
 * Two rules, evaluated per key (service, host — the caller decides the
 * grouping) at the end of every interval, in time order:
 *
 * - traffic_spike: the short moving average of requests/s (default 2 min) is
 *   above the long one (default 20 min, which includes the short window) times
 *   `ratio` (default 1.5), and at least `minRate` req/s (so 1 -> 3 hits on a
 *   quiet service is not a spike). Both averages are taken over the time the key
 *   has been observed when that is shorter than the window, so a key that just
 *   appeared has short == long and does not alert.
 * - high_traffic: the average requests/s over `rateWindow` (default 2 min, a
 *   full window: missing intervals count as zero) is above `rateThreshold`.
 *
 * Hysteresis (no flapping): a raised alert recovers only when its figure falls
 * to `recoveryRatio` (default 0.9) times the raising limit or below; between the
 * two limits the state does not change. Each raise gives one 'alert' event and
 * each recovery one 'recovery' event, carrying the figures and the times.
 *
 * Input contract: `record()` adds the hits of one closed interval (several
 * calls for the same interval and key add up); `advance(untilMs)` evaluates every
 * interval ending at or before untilMs that was not evaluated yet, with
 * intervals without records counting as zero hits. Hits recorded for an interval
 * already evaluated still count in later averages (they are not re-evaluated).
 * Keys with no hits in the longest window and no active alert are forgotten.
 *
 * Cost: window sums are kept as running sums (O(1) per key and interval), and a
 * key that cannot raise anything before its next hits (no active alert, empty
 * short window) is not evaluated until then; when no key can change, quiet
 * stretches are skipped, so quiet periods cost next to nothing. The unit tests
 * check the events against a brute-force model of the rules.
 */

export type AlertRule = 'traffic_spike' | 'high_traffic';
export type AlertState = 'alert' | 'recovery';

export interface AlertEvent {
  rule: AlertRule;
  state: AlertState;
  service: string;
  host: string;
  /** End of the interval whose evaluation raised or recovered the alert (epoch ms). */
  timeMs: number;
  /** When the alert was raised (= timeMs for an 'alert' event). */
  sinceMs: number;
  /** Requests per second: the short average (traffic_spike) or the window average (high_traffic). */
  value: number;
  /** The raising limit in requests per second: long average × ratio, or the threshold. */
  limit: number;
  /** traffic_spike: the long average (req/s); high_traffic: the threshold. */
  baseline: number;
  /** Hits in the window behind `value`. */
  hits: number;
  /** Length of the window behind `value`. */
  windowMs: number;
  /** A one-line human description. */
  message: string;
}

export interface TrafficAlertOptions {
  intervalMs: number;
  spike: { enabled: boolean; shortWindowMs: number; longWindowMs: number; ratio: number; minRate: number };
  rate: { enabled: boolean; windowMs: number; threshold: number };
  /** In (0, 1]: a figure must fall to limit × recoveryRatio to recover. */
  recoveryRatio: number;
}

export function defaultTrafficAlertOptions(intervalMs = 10_000): TrafficAlertOptions {
  return {
    intervalMs,
    spike: { enabled: true, shortWindowMs: 120_000, longWindowMs: 1_200_000, ratio: 1.5, minRate: 1 },
    rate: { enabled: true, windowMs: 120_000, threshold: 10 },
    recoveryRatio: 0.9,
  };
}

interface KeyState {
  service: string;
  host: string;
  /** Interval index of the first hits seen (start of the observed span). */
  firstIndex: number;
  lastDataIndex: number;
  counts: Float64Array;
  /** Interval index each ring slot currently holds. */
  slotIndex: Float64Array;
  /** Running hit sums of the windows ending with interval sumsAt: short, long, rate. */
  sums: Float64Array;
  /** The interval the sums end with: the last evaluated one (where a dormant key fell asleep). */
  sumsAt: number;
  /** Late hits were added to the ring while dormant (not to the sums): recompute them on waking. */
  sumsStale: boolean;
  /**
   * No active alert and nothing that could raise one before new hits arrive (see cannotRaise):
   * not evaluated, sums not kept, until its next hits.
   */
  dormant: boolean;
  spike: ActiveAlert | undefined;
  rate: ActiveAlert | undefined;
}

/** Hits recorded for one key of an interval not evaluated yet (a short list per interval). */
interface PendingHits {
  key: string;
  service: string;
  host: string;
  hits: number;
}

interface ActiveAlert {
  sinceMs: number;
  limit: number;
}

export interface ActiveAlertView {
  rule: AlertRule;
  service: string;
  host: string;
  sinceMs: number;
  limit: number;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
}

function rate(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function where(service: string, host: string): string {
  const parts: string[] = [];
  if (service && service !== '*') parts.push(`service ${JSON.stringify(service)}`);
  if (host && host !== '*') parts.push(`host ${JSON.stringify(host)}`);
  return parts.length ? ` on ${parts.join(' ')}` : '';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function describe(e: Omit<AlertEvent, 'message'>): string {
  const w = formatDuration(e.windowMs);
  const at = where(e.service, e.host);
  if (e.rule === 'high_traffic') {
    return e.state === 'alert'
      ? `High traffic generated an alert${at} - hits = ${e.hits} (${rate(e.value)} req/s over ${w}, threshold ${rate(e.limit)} req/s), triggered at ${iso(e.timeMs)}`
      : `High traffic recovered${at} - hits = ${e.hits} (${rate(e.value)} req/s over ${w}), recovered at ${iso(e.timeMs)} after ${formatDuration(e.timeMs - e.sinceMs)}`;
  }
  return e.state === 'alert'
    ? `Traffic spike generated an alert${at} - ${rate(e.value)} req/s over ${w} is above ${rate(e.limit)} req/s ` +
        `(long average ${rate(e.baseline)} req/s), hits = ${e.hits}, triggered at ${iso(e.timeMs)}`
    : `Traffic spike recovered${at} - ${rate(e.value)} req/s over ${w} (long average ${rate(e.baseline)} req/s), hits = ${e.hits}, ` +
        `recovered at ${iso(e.timeMs)} after ${formatDuration(e.timeMs - e.sinceMs)}`;
}

export class TrafficAlerts {
  private readonly intervalMs: number;
  private readonly intervalSeconds: number;
  private readonly shortN: number;
  private readonly longN: number;
  private readonly rateN: number;
  /** Longest window + 1, so the interval leaving a window is still in the ring when the next one enters. */
  private readonly ringSize: number;
  /** Window lengths in intervals: short, long, rate (matching KeyState.sums). */
  private readonly windows: number[];
  private readonly keys = new Map<string, KeyState>();
  /** Hits recorded for intervals not evaluated yet, by interval index. */
  private readonly pending = new Map<number, PendingHits[]>();
  /** The keys of `pending`, ascending, from pendingHead on (entries already evaluated are skipped lazily). */
  private readonly pendingIndices: number[] = [];
  private pendingHead = 0;
  /** The next interval index to evaluate; undefined until the first record. */
  private next: number | undefined;

  constructor(private readonly options: TrafficAlertOptions) {
    const o = options;
    if (!(o.intervalMs > 0)) throw new Error('intervalMs must be positive');
    if (!(o.recoveryRatio > 0 && o.recoveryRatio <= 1)) throw new Error('recoveryRatio must be in (0, 1]');
    this.intervalMs = o.intervalMs;
    this.intervalSeconds = o.intervalMs / 1000;
    const n = (ms: number) => Math.max(1, Math.round(ms / o.intervalMs));
    this.shortN = n(o.spike.shortWindowMs);
    this.longN = Math.max(this.shortN, n(o.spike.longWindowMs));
    this.rateN = n(o.rate.windowMs);
    this.windows = [this.shortN, this.longN, this.rateN];
    this.ringSize = Math.max(o.spike.enabled ? this.longN : 1, o.rate.enabled ? this.rateN : 1) + 1;
  }

  /** End (epoch ms) of the last evaluated interval; NaN before any evaluation. */
  get evaluatedUntilMs(): number {
    return this.next === undefined ? NaN : this.next * this.intervalMs;
  }

  /** Adds the hits of one interval (identified by its start) for a key. */
  record(service: string, host: string, intervalStartMs: number, hits: number): void {
    if (!(hits > 0)) return;
    const index = Math.floor(intervalStartMs / this.intervalMs);
    const key = `${service}\u0001${host}`;
    if (this.next !== undefined && index < this.next) {
      // Late: counts in the windows it still falls in (and so in later averages), never re-evaluated.
      const st = this.keys.get(key);
      const last = this.next - 1;
      if (st && index > last - this.ringSize + 1 && this.addToRing(st, index, hits)) {
        if (st.dormant) st.sumsStale = true;
        else for (let w = 0; w < 3; w++) if (index > last - this.windows[w]) st.sums[w] += hits;
      }
      return;
    }
    let perKey = this.pending.get(index);
    if (!perKey) {
      perKey = [];
      this.pending.set(index, perKey);
      this.addPendingIndex(index);
    }
    for (const p of perKey) {
      if (p.key === key) {
        p.hits += hits;
        return;
      }
    }
    perKey.push({ key, service, host, hits });
  }

  /** Evaluates every interval ending at or before untilMs; returns the events raised, in time order. */
  advance(untilMs: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    const until = Math.floor(untilMs / this.intervalMs); // intervals with index < until have ended
    if (this.next === undefined) {
      const first = this.minPending();
      if (first === undefined) return events;
      this.next = first;
    }
    let j: number = this.next;
    const longest = this.ringSize - 1;
    while (j < until) {
      const perKey = this.pending.get(j);
      if (perKey) {
        this.pending.delete(j);
        for (const p of perKey) {
          const key = p.key;
          let st = this.keys.get(key);
          if (st && st.dormant && st.lastDataIndex <= j - longest) st = undefined; // silent for every window: starts afresh
          if (!st) {
            st = {
              service: p.service,
              host: p.host,
              firstIndex: j,
              lastDataIndex: j,
              counts: new Float64Array(this.ringSize),
              slotIndex: new Float64Array(this.ringSize).fill(-Infinity),
              sums: new Float64Array(3),
              sumsAt: j - 1,
              sumsStale: false,
              dormant: false,
              spike: undefined,
              rate: undefined,
            };
            this.keys.set(key, st);
          } else if (st.dormant) {
            st.dormant = false;
            this.wakeSums(st, j - 1);
          }
          this.addToRing(st, j, p.hits);
        }
      }
      let awake = 0;
      for (const [key, st] of this.keys) {
        if (st.dormant) continue;
        this.evaluate(st, j, events);
        if (st.spike || st.rate) awake++;
        else if (st.lastDataIndex <= j - longest) this.keys.delete(key);
        else if (this.cannotRaise(st, j)) st.dormant = true;
        else awake++;
      }
      j++;
      if (awake === 0) {
        // Nothing can change before the next recorded hits: skip the quiet stretch.
        const nextData = this.minPending();
        j = nextData === undefined ? Math.max(j, until) : Math.max(j, Math.min(nextData, until));
        if (this.keys.size > 1000) for (const [key, st] of this.keys) if (st.lastDataIndex <= j - longest) this.keys.delete(key);
      }
      this.next = j;
    }
    return events;
  }

  /**
   * True when no alert can be raised for a key without an active one before its next hits, so its
   * quiet intervals need no evaluation (a sparse log's intervals are mostly such: evaluating each
   * was most of the per-interval cost). Without new hits every window sum only falls and the
   * spans' lengths only grow: the high-traffic figure, at or below its threshold now, stays so; the
   * short rate only falls, so once below the spike's minimum rate (or zero) it stays below.
   */
  private cannotRaise(st: KeyState, j: number): boolean {
    const spike = this.options.spike;
    if (!spike.enabled || st.sums[0] === 0) return true;
    if (!(spike.minRate > 0)) return false;
    const observed = j - st.firstIndex + 1;
    const sn = observed < this.shortN ? observed : this.shortN;
    return st.sums[0] / (sn * this.intervalSeconds) < spike.minRate;
  }

  /** Alerts raised and not recovered. */
  activeAlerts(): ActiveAlertView[] {
    const out: ActiveAlertView[] = [];
    for (const st of this.keys.values()) {
      if (st.spike) out.push({ rule: 'traffic_spike', service: st.service, host: st.host, ...st.spike });
      if (st.rate) out.push({ rule: 'high_traffic', service: st.service, host: st.host, ...st.rate });
    }
    return out;
  }

  /** Keeps pendingIndices sorted; intervals are nearly always recorded in order, so this is an append. */
  private addPendingIndex(index: number): void {
    const a = this.pendingIndices;
    if (a.length === this.pendingHead || a[a.length - 1] < index) {
      a.push(index);
      return;
    }
    let lo = this.pendingHead;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    a.splice(lo, 0, index);
  }

  /** The earliest interval with recorded hits not yet evaluated. */
  private minPending(): number | undefined {
    const a = this.pendingIndices;
    while (this.pendingHead < a.length && !this.pending.has(a[this.pendingHead])) this.pendingHead++;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > a.length) {
      a.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    return this.pendingHead < a.length ? a[this.pendingHead] : undefined;
  }

  /** Adds hits to the ring slot of `index`; false when the slot already holds a later interval (too old to count). */
  private addToRing(st: KeyState, index: number, hits: number): boolean {
    const slot = index % this.ringSize;
    if (st.slotIndex[slot] !== index) {
      if (st.slotIndex[slot] > index) return false;
      st.slotIndex[slot] = index;
      st.counts[slot] = 0;
    }
    st.counts[slot] += hits;
    if (index > st.lastDataIndex) st.lastDataIndex = index;
    return true;
  }

  private hitsAt(st: KeyState, index: number): number {
    if (index < 0) return 0;
    const slot = index % this.ringSize;
    return st.slotIndex[slot] === index ? st.counts[slot] : 0;
  }

  /**
   * Brings a waking key's sums to the windows ending with interval j: slid from where it fell
   * asleep when that is near (no hits entered since, only old ones left: a few ring lookups per
   * interval slept), else recomputed from the whole ring.
   */
  private wakeSums(st: KeyState, j: number): void {
    const gap = j - st.sumsAt;
    if (st.sumsStale || !(gap >= 0 && 4 * gap < this.ringSize)) this.recomputeSums(st, j);
    else for (let i = st.sumsAt + 1; i <= j; i++) this.slideWindows(st, i);
    st.sumsAt = j;
    st.sumsStale = false;
  }

  /** Sets the window sums to those of the windows ending with interval j, from the ring. */
  private recomputeSums(st: KeyState, j: number): void {
    // One pass over the ring's slots (a key waking from dormancy does this at each of its hits
    // in a sparse log: one pass, not one ring lookup per interval of every window).
    const sums = st.sums;
    const [shortN, longN, rateN] = this.windows;
    let short = 0;
    let long = 0;
    let rate = 0;
    for (let slot = 0; slot < this.ringSize; slot++) {
      const age = j - st.slotIndex[slot];
      if (!(age >= 0)) continue; // (an empty slot holds -Infinity: age Infinity, in no window)
      const hits = st.counts[slot];
      if (age < shortN) short += hits;
      if (age < longN) long += hits;
      if (age < rateN) rate += hits;
    }
    sums[0] = short;
    sums[1] = long;
    sums[2] = rate;
  }

  /** Moves the running window sums to end with interval j (evaluated in order, one interval at a time). */
  private slideWindows(st: KeyState, j: number): void {
    const entering = this.hitsAt(st, j);
    for (let w = 0; w < 3; w++) st.sums[w] += entering - this.hitsAt(st, j - this.windows[w]);
    st.sumsAt = j;
  }

  /** Evaluates both rules for one key at the end of interval j (allocates only when an event is raised). */
  private evaluate(st: KeyState, j: number, events: AlertEvent[]): void {
    const o = this.options;
    const timeMs = (j + 1) * this.intervalMs;
    this.slideWindows(st, j);
    if (o.spike.enabled) {
      const observed = j - st.firstIndex + 1;
      const sn = observed < this.shortN ? observed : this.shortN;
      const ln = observed < this.longN ? observed : this.longN;
      // Nothing precedes the key's first interval, so the full windows' sums are the observed spans' sums.
      const shortHits = st.sums[0];
      const shortRate = shortHits / (sn * this.intervalSeconds);
      const longRate = st.sums[1] / (ln * this.intervalSeconds);
      const limit = longRate * o.spike.ratio;
      if (!st.spike) {
        if (shortRate > limit && shortRate >= o.spike.minRate) {
          st.spike = { sinceMs: timeMs, limit };
          events.push(this.event(st, 'traffic_spike', 'alert', timeMs, timeMs, shortRate, limit, longRate, shortHits, sn));
        }
      } else if (shortRate <= limit * o.recoveryRatio) {
        events.push(this.event(st, 'traffic_spike', 'recovery', timeMs, st.spike.sinceMs, shortRate, limit, longRate, shortHits, sn));
        st.spike = undefined;
      }
    }
    if (o.rate.enabled) {
      const hits = st.sums[2];
      const value = hits / (this.rateN * this.intervalSeconds);
      const limit = o.rate.threshold;
      if (!st.rate) {
        if (value > limit) {
          st.rate = { sinceMs: timeMs, limit };
          events.push(this.event(st, 'high_traffic', 'alert', timeMs, timeMs, value, limit, limit, hits, this.rateN));
        }
      } else if (value <= limit * o.recoveryRatio) {
        events.push(this.event(st, 'high_traffic', 'recovery', timeMs, st.rate.sinceMs, value, limit, limit, hits, this.rateN));
        st.rate = undefined;
      }
    }
  }

  private event(
    st: KeyState,
    rule: AlertRule,
    state: AlertState,
    timeMs: number,
    sinceMs: number,
    value: number,
    limit: number,
    baseline: number,
    hits: number,
    windowIntervals: number,
  ): AlertEvent {
    const e = { rule, state, service: st.service, host: st.host, timeMs, sinceMs, value, limit, baseline, hits, windowMs: windowIntervals * this.intervalMs };
    return { ...e, message: describe(e) };
  }
}
