/**
 * The collector's own counters, gauges and histograms, exposed in Prometheus text
 * format (0.0.4) on the HTTP `/metrics` endpoint and readable in-process (tests,
 * console, readiness).
 * Names follow `logfun_<component>_<what>_total` (counters), `logfun_<component>_<what>`
 * (gauges), `logfun_<component>_<what>_seconds` (histograms); labels are a flat string map.
 *
 * Label cardinality: some label values are chosen by clients (a `service` label
 * carries the service.name an SDK claims), and every distinct value is a series
 * kept for the process's life and rendered on every scrape. So each metric keeps
 * at most MAX_CLIENT_LABEL_VALUES distinct values of such a label; later new
 * values are counted under OTHER_LABEL_VALUE ("_other"). The cap lives here,
 * once, so no caller can forget it.
 */
export type Labels = Record<string, string>;

/** Labels whose values come from clients (see the file comment). */
export const CLIENT_CHOSEN_LABELS: readonly string[] = ['service'];
/** Distinct values of a client-chosen label one metric keeps; later new values become OTHER_LABEL_VALUE. */
export const MAX_CLIENT_LABEL_VALUES = 200;
export const OTHER_LABEL_VALUE = '_other';

/**
 * The per-metric cap on client-chosen label values: the first
 * MAX_CLIENT_LABEL_VALUES distinct values of each such label keep their series,
 * later ones are folded into `_other` (the counts stay, only the name is lost).
 */
class ClientLabelCap {
  private readonly seen = new Map<string, Set<string>>();

  apply(labels: Labels): Labels {
    let out = labels;
    for (const name of CLIENT_CHOSEN_LABELS) {
      const value = labels[name];
      if (value === undefined) continue;
      let values = this.seen.get(name);
      if (values === undefined) this.seen.set(name, (values = new Set()));
      if (values.has(value)) continue;
      if (values.size < MAX_CLIENT_LABEL_VALUES) {
        values.add(value);
        continue;
      }
      if (out === labels) out = { ...labels };
      out[name] = OTHER_LABEL_VALUE;
    }
    return out;
  }

  /** The label set a lookup must use: the value as stored (a folded value reads `_other`). */
  lookup(labels: Labels): Labels {
    let out = labels;
    for (const name of CLIENT_CHOSEN_LABELS) {
      const value = labels[name];
      if (value === undefined || value === OTHER_LABEL_VALUE || this.seen.get(name)?.has(value)) continue;
      if (out === labels) out = { ...labels };
      out[name] = OTHER_LABEL_VALUE;
    }
    return out;
  }
}

/** Characters a label value escapes; most values have none (tested first: labelKey runs on every counter update). */
const LABEL_ESCAPED = /[\\"\n]/;

function escapeLabelValue(v: string): string {
  if (!LABEL_ESCAPED.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${escapeLabelValue(String(labels[k]))}"`).join(',');
}

/** A sample value as Prometheus writes it (+Inf, -Inf, NaN spelled its way). */
function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** One time series of a counter or gauge. */
export interface Series {
  labels: Labels;
  value: number;
}

/** A counter or a gauge (same storage; `type` decides how it is exposed). */
export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  private readonly cap = new ClientLabelCap();
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge' = 'counter') {}

  inc(labels: Labels = {}, by = 1): void {
    labels = this.cap.apply(labels);
    const key = labelKey(labels);
    const v = this.values.get(key);
    if (v) v.value += by;
    else this.values.set(key, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    labels = this.cap.apply(labels);
    this.values.set(labelKey(labels), { labels, value });
  }

  /** Value for exactly these labels; with no labels given, the sum over all label sets. */
  get(labels?: Labels): number {
    if (!labels) {
      let sum = 0;
      for (const v of this.values.values()) sum += v.value;
      return sum;
    }
    return this.values.get(labelKey(this.cap.lookup(labels)))?.value ?? 0;
  }

  /** Every label set with its value (copies). */
  series(): Series[] {
    return [...this.values.values()].map((v) => ({ labels: { ...v.labels }, value: v.value }));
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const [key, v] of this.values) lines.push(key ? `${this.name}{${key}} ${formatValue(v.value)}` : `${this.name} ${formatValue(v.value)}`);
    return lines.join('\n');
  }
}

/** Upper bounds (seconds) for latencies from a millisecond to a minute. */
export const DEFAULT_LATENCY_BUCKETS_SECONDS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface HistogramSeries {
  labels: Labels;
  /** Non-cumulative count per bucket; the last slot is the +Inf bucket. */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram: `observe(labels, value)` counts the value into the first
 * bucket whose upper bound is >= value; exposed as cumulative `<name>_bucket{le}`,
 * `<name>_sum`, `<name>_count`. Values are in the unit the name says (seconds for
 * latencies, as Prometheus recommends).
 */
export class Histogram {
  readonly type = 'histogram' as const;
  readonly buckets: readonly number[];
  private readonly values = new Map<string, HistogramSeries>();
  private readonly cap = new ClientLabelCap();

  constructor(readonly name: string, readonly help: string, buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS_SECONDS) {
    const sorted = [...buckets].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => i > 0 && b === sorted[i - 1])) {
      throw new Error(`histogram ${name}: buckets must be distinct finite numbers`);
    }
    this.buckets = sorted;
  }

  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    labels = this.cap.apply(labels);
    const key = labelKey(labels);
    let s = this.values.get(key);
    if (!s) {
      s = { labels, buckets: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.values.set(key, s);
    }
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]) i++;
    s.buckets[i]++;
    s.sum += value;
    s.count++;
  }

  /** Observations for exactly these labels; with no labels given, over all label sets. */
  get(labels?: Labels): number {
    return this.stats(labels).count;
  }

  /** Count and sum for exactly these labels, or over all label sets. */
  stats(labels?: Labels): { count: number; sum: number } {
    if (labels) {
      const s = this.values.get(labelKey(this.cap.lookup(labels)));
      return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
    }
    let count = 0;
    let sum = 0;
    for (const s of this.values.values()) {
      count += s.count;
      sum += s.sum;
    }
    return { count, sum };
  }

  /**
   * An estimate of the q-quantile (0..1) from the buckets, by linear interpolation inside
   * the bucket that holds it (as PromQL's histogram_quantile); undefined with no observations.
   */
  quantile(q: number, labels?: Labels): number | undefined {
    const counts = new Array<number>(this.buckets.length + 1).fill(0);
    for (const s of labels ? [this.values.get(labelKey(this.cap.lookup(labels)))].filter((x): x is HistogramSeries => !!x) : this.values.values()) {
      s.buckets.forEach((c, i) => (counts[i] += c));
    }
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return undefined;
    const rank = Math.min(Math.max(q, 0), 1) * total;
    let cum = 0;
    for (let i = 0; i < counts.length; i++) {
      if (cum + counts[i] >= rank && counts[i] > 0) {
        if (i === this.buckets.length) return this.buckets[this.buckets.length - 1];
        const lower = i === 0 ? 0 : this.buckets[i - 1];
        return lower + (this.buckets[i] - lower) * ((rank - cum) / counts[i]);
      }
      cum += counts[i];
    }
    return this.buckets[this.buckets.length - 1];
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.values) {
      const prefix = key ? `${key},` : '';
      let cum = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cum += s.buckets[i];
        const le = i < this.buckets.length ? formatValue(this.buckets[i]) : '+Inf';
        lines.push(`${this.name}_bucket{${prefix}le="${le}"} ${cum}`);
      }
      const labels = key ? `{${key}}` : '';
      lines.push(`${this.name}_sum${labels} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${labels} ${s.count}`);
    }
    return lines.join('\n');
  }
}

type Metric = Counter | Histogram;

export class Metrics {
  private readonly counters = new Map<string, Metric>();
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string): Counter {
    return this.getOrCreate(name, help, 'counter');
  }

  gauge(name: string, help: string): Counter {
    return this.getOrCreate(name, help, 'gauge');
  }

  /**
   * A histogram (created on first use; later calls with the same name return it and
   * ignore `help`/`buckets`). Buckets are upper bounds in the metric's unit; the
   * default suits latencies in seconds (1 ms .. 60 s).
   */
  histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS_SECONDS): Histogram {
    const existing = this.counters.get(name);
    if (existing) {
      if (!(existing instanceof Histogram)) throw new Error(`metric ${name} exists as a ${existing.type}, not a histogram`);
      return existing;
    }
    const h = new Histogram(name, help, buckets);
    this.counters.set(name, h);
    return h;
  }

  /** Current value of a metric (sum over labels when none given; a histogram's observation count); 0 if it was never touched. */
  value(name: string, labels?: Labels): number {
    return this.counters.get(name)?.get(labels) ?? 0;
  }

  /** Every label set of a counter or gauge with its value; [] for an unknown name or a histogram. */
  series(name: string): Series[] {
    const m = this.counters.get(name);
    return m instanceof Counter ? m.series() : [];
  }

  /** The histogram of that name, if one was created. */
  getHistogram(name: string): Histogram | undefined {
    const m = this.counters.get(name);
    return m instanceof Histogram ? m : undefined;
  }

  /** Registers a function run before every render (to refresh gauges sampled on demand, e.g. process memory). */
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }

  render(): string {
    for (const fn of this.collectors) {
      try {
        fn();
      } catch {
        /* a failing sampler must not break the scrape; its gauges keep their last values */
      }
    }
    return [...this.counters.values()].map((c) => c.render()).join('\n') + '\n';
  }

  private getOrCreate(name: string, help: string, type: 'counter' | 'gauge'): Counter {
    const existing = this.counters.get(name);
    if (existing instanceof Histogram) throw new Error(`metric ${name} exists as a histogram, not a ${type}`);
    if (existing) return existing;
    const c = new Counter(name, help, type);
    this.counters.set(name, c);
    return c;
  }
}
