/**
 * Throughput for the console overview: samples the collector's own counters
 * (telemetry/metrics.ts) and the per-service use counts of the template
 * dictionary once per interval into a fixed-size ring, so a page opened at any
 * time gets the recent history at once and then polls for new samples.
 *
 * Rates are taken over a sliding window (default 5 s), not between consecutive
 * samples: senders deliver in batches (the SDK every ~1 s, not in step with the
 * sampler), and a 1 s difference then aliases — a steady 50 records/s in batches
 * every 1.07 s reads as 0 whenever no batch landed inside one sample's second
 * (issue 13). Over a window of several batch intervals a steady stream reads
 * steady (within one batch per window). A counter that goes backwards (a
 * registry swapped) counts as a reset (rate 0).
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
  /** Rates are averaged over the last this many ms (default 5000; at least intervalMs). */
  rateWindowMs?: number;
  now?: () => number;
}

export const DEFAULT_RATE_WINDOW_MS = 5000;

interface Reading {
  t: number;
  totals: CounterTotals;
  services: Map<string, { templates: number; records: number }>;
}

export class ThroughputSampler {
  private readonly ring: ThroughputSample[] = [];
  private readonly capacity: number;
  private readonly intervalMs: number;
  private readonly rateWindowMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Counter readings of the last rate window, oldest first (the first one at or before the window's start). */
  private readings: Reading[];
  private serviceRates: ServiceRate[] = [];

  constructor(private readonly options: ThroughputOptions) {
    this.capacity = Math.max(2, options.capacity ?? 300);
    this.intervalMs = Math.max(10, options.intervalMs ?? 1000);
    this.rateWindowMs = Math.max(this.intervalMs, options.rateWindowMs ?? DEFAULT_RATE_WINDOW_MS);
    this.now = options.now ?? Date.now;
    this.readings = [{ t: this.now(), totals: readTotals(options.metrics), services: perServiceCounts(options.templates) }];
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
    // The window's base: the newest reading at least rateWindowMs old (or the oldest there is, at start-up).
    while (this.readings.length > 1 && this.readings[1].t <= t - this.rateWindowMs) this.readings.shift();
    const base = this.readings[0];
    const ms = t - base.t;
    const s: ThroughputSample = {
      t,
      receivedPerSec: ratePerSec(totals.received, base.totals.received, ms),
      exportedPerSec: ratePerSec(totals.exported, base.totals.exported, ms),
    };
    this.serviceRates = [...services].map(([service, c]) => ({
      service,
      templates: c.templates,
      records: c.records,
      recordsPerSec: ratePerSec(c.records, base.services.get(service)?.records ?? 0, ms),
    }));
    this.serviceRates.sort((a, b) => b.recordsPerSec - a.recordsPerSec || a.service.localeCompare(b.service));
    this.ring.push(s);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    this.readings.push({ t, totals, services });
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
