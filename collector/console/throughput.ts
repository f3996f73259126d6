/**
 * Throughput for the console overview: samples the collector's own counters
 * (telemetry/metrics.ts) and the per-service use counts of the template
 * dictionary once per interval into a fixed-size ring, so a page opened at any
 * time gets the recent history at once and then polls for new samples.
 *
 * Rates are differences between consecutive samples divided by the elapsed time;
 * a counter that goes backwards (a registry swapped) counts as a reset (rate 0).
 */
import type { Metrics } from '../telemetry/metrics';
import type { TemplateDictionary } from '../templates/dictionary';

/** Counter totals at one instant. */
export interface CounterTotals {
  /** Records receivers handed to their pipelines. */
  received: number;
  /** Records exporters delivered (ClickHouse rows written). */
  exported: number;
  /** Records exporters gave up on (queue full, permanent errors, retries exhausted). */
  dropped: number;
  /** Records the spam balancer suppressed. */
  suppressed: number;
  /** Records dropped by control rules (OFF / AUTO mutes) in this collector. */
  muted: number;
}

export interface ThroughputSample {
  /** Milliseconds since the epoch. */
  t: number;
  receivedPerSec: number;
  exportedPerSec: number;
}

export interface ServiceRate {
  service: string;
  templates: number;
  /** Records seen by the template dictionary since the collector started. */
  records: number;
  recordsPerSec: number;
}

export function readTotals(metrics: Metrics): CounterTotals {
  return {
    received: metrics.value('logfun_receiver_accepted_records_total'),
    exported: metrics.value('logfun_exporter_sent_records_total'),
    dropped: metrics.value('logfun_exporter_dropped_records_total') + metrics.value('logfun_exporter_failed_records_total'),
    suppressed: metrics.value('logfun_spam_suppressed_records_total'),
    muted: metrics.value('logfun_control_dropped_records_total'),
  };
}

function perServiceCounts(templates: TemplateDictionary | undefined): Map<string, { templates: number; records: number }> {
  const out = new Map<string, { templates: number; records: number }>();
  for (const t of templates?.all() ?? []) {
    const s = out.get(t.service) ?? { templates: 0, records: 0 };
    s.templates++;
    s.records += t.count;
    out.set(t.service, s);
  }
  return out;
}

function ratePerSec(now: number, before: number, ms: number): number {
  return ms > 0 && now >= before ? ((now - before) * 1000) / ms : 0;
}

export interface ThroughputOptions {
  metrics: Metrics;
  templates?: TemplateDictionary;
  /** Default 1000 ms. */
  intervalMs?: number;
  /** Samples kept (default 300: five minutes at 1 s). */
  capacity?: number;
  now?: () => number;
}

export class ThroughputSampler {
  private readonly ring: ThroughputSample[] = [];
  private readonly capacity: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private last: { t: number; totals: CounterTotals; services: Map<string, { templates: number; records: number }> };
  private serviceRates: ServiceRate[] = [];

  constructor(private readonly options: ThroughputOptions) {
    this.capacity = Math.max(2, options.capacity ?? 300);
    this.intervalMs = Math.max(10, options.intervalMs ?? 1000);
    this.now = options.now ?? Date.now;
    this.last = { t: this.now(), totals: readTotals(options.metrics), services: perServiceCounts(options.templates) };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one sample now (the timer calls this; tests may too). */
  sample(): ThroughputSample {
    const t = this.now();
    const totals = readTotals(this.options.metrics);
    const services = perServiceCounts(this.options.templates);
    const ms = t - this.last.t;
    const s: ThroughputSample = {
      t,
      receivedPerSec: ratePerSec(totals.received, this.last.totals.received, ms),
      exportedPerSec: ratePerSec(totals.exported, this.last.totals.exported, ms),
    };
    this.serviceRates = [...services].map(([service, c]) => ({
      service,
      templates: c.templates,
      records: c.records,
      recordsPerSec: ratePerSec(c.records, this.last.services.get(service)?.records ?? 0, ms),
    }));
    this.serviceRates.sort((a, b) => b.recordsPerSec - a.recordsPerSec || a.service.localeCompare(b.service));
    this.ring.push(s);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    this.last = { t, totals, services };
    return s;
  }

  /** Samples newer than `sinceMs` (all when omitted), oldest first. */
  samples(sinceMs = 0): ThroughputSample[] {
    return this.ring.filter((s) => s.t > sinceMs);
  }

  totals(): CounterTotals {
    return readTotals(this.options.metrics);
  }

  services(): ServiceRate[] {
    if (this.serviceRates.length === 0) {
      return [...perServiceCounts(this.options.templates)].map(([service, c]) => ({ service, templates: c.templates, records: c.records, recordsPerSec: 0 }));
    }
    return this.serviceRates;
  }
}
