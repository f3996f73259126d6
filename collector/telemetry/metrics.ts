/**
 * The collector's own counters and gauges, exposed in Prometheus text format on
 * the HTTP `/metrics` endpoint and readable in-process (tests, console).
 * Names follow `logfun_<component>_<what>_total`; labels are a flat string map.
 */
export type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge' = 'counter') {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const v = this.values.get(key);
    if (v) v.value += by;
    else this.values.set(key, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), { labels, value });
  }

  /** Value for exactly these labels; with no labels given, the sum over all label sets. */
  get(labels?: Labels): number {
    if (!labels) {
      let sum = 0;
      for (const v of this.values.values()) sum += v.value;
      return sum;
    }
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [key, v] of this.values) lines.push(key ? `${this.name}{${key}} ${v.value}` : `${this.name} ${v.value}`);
    return lines.join('\n');
  }
}

export class Metrics {
  private readonly counters = new Map<string, Counter>();

  counter(name: string, help: string): Counter {
    return this.getOrCreate(name, help, 'counter');
  }

  gauge(name: string, help: string): Counter {
    return this.getOrCreate(name, help, 'gauge');
  }

  /** Current value of a metric (sum over labels when none given); 0 if it was never touched. */
  value(name: string, labels?: Labels): number {
    return this.counters.get(name)?.get(labels) ?? 0;
  }

  render(): string {
    return [...this.counters.values()].map((c) => c.render()).join('\n') + '\n';
  }

  private getOrCreate(name: string, help: string, type: 'counter' | 'gauge'): Counter {
    let c = this.counters.get(name);
    if (!c) {
      c = new Counter(name, help, type);
      this.counters.set(name, c);
    }
    return c;
  }
}
