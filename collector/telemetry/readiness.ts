/**
 * What /readyz answers (liveness stays /healthz): whether this collector should get traffic.
 *
 * Ready (200) when the admin server's owner marked the collector running (every
 * component started, not shutting down) and none of these holds:
 *   - a component that implements `readiness()` says it is not ready;
 *   - an exporter that has a store (`getStore()`, e.g. clickhouse) has not reached it yet;
 *   - an exporter has records pending (logfun_exporter_queue_size > 0) and has written none
 *     (logfun_exporter_sent_records_total unchanged) for `stallAfterMs` (default 30 s): it is
 *     failing continuously (store down, every insert refused).
 * Not ready (503) otherwise, with one reason per line. A not-ready collector keeps
 * accepting what reaches it (its queue and the memory_limiter bound that); readiness only
 * tells a load balancer or Kubernetes to send new traffic elsewhere.
 */
import type { Component } from '../pipeline/component';
import type { Metrics } from './metrics';

export interface ReadinessReport {
  ready: boolean;
  /** Why not ready, one line each ([] when ready). */
  reasons: string[];
}

/**
 * Optional on any component: its own readiness verdict, which replaces the generic
 * exporter checks above (e.g. an exporter with a write-ahead log accepts records while
 * its store is down, so it is ready until the log is full). Undefined = use the generic checks.
 */
export interface ReadinessAware {
  readiness(): { ready: boolean; reason?: string } | undefined;
}

const QUEUE_SIZE = 'logfun_exporter_queue_size';
const SENT = 'logfun_exporter_sent_records_total';
export const DEFAULT_STALL_AFTER_MS = 30_000;

interface ExporterProgress {
  sent: number;
  /** Last time the exporter wrote something or had nothing pending. */
  progressAt: number;
  pending: number;
}

export class ReadinessTracker {
  private components: ReadonlyMap<string, Component> | undefined;
  private readonly exporters = new Map<string, ExporterProgress>();
  readonly stallAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly metrics: Metrics, options: { stallAfterMs?: number; now?: () => number } = {}) {
    this.stallAfterMs = options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
    this.now = options.now ?? Date.now;
  }

  /** The running components to consult (the pipeline graph's map). */
  watch(components: ReadonlyMap<string, Component>): void {
    this.components = components;
  }

  /** Updates each exporter's progress from the metrics; run periodically (and by check()). */
  sample(): void {
    const now = this.now();
    for (const { labels, value } of this.metrics.series(QUEUE_SIZE)) {
      const id = labels.exporter;
      if (id === undefined) continue;
      const sent = this.metrics.value(SENT, { exporter: id });
      const prev = this.exporters.get(id);
      if (!prev || sent !== prev.sent || value <= 0) this.exporters.set(id, { sent, progressAt: now, pending: value });
      else prev.pending = value;
    }
  }

  check(): ReadinessReport {
    this.sample();
    const reasons: string[] = [];
    /** Component keys that judged themselves (no generic checks for them). */
    const selfJudged = new Set<string>();
    for (const [key, c] of this.components ?? []) {
      const own = (c as Partial<ReadinessAware>).readiness;
      const r = typeof own === 'function' ? own.call(c) : undefined;
      if (r !== undefined) {
        selfJudged.add(key);
        if (!r.ready) reasons.push(`${key}: ${r.reason ?? 'not ready'}`);
        continue;
      }
      const getStore = (c as { getStore?: unknown }).getStore;
      if (key.startsWith('exporter:') && typeof getStore === 'function' && getStore.call(c) === undefined) {
        reasons.push(`${key}: store not reachable yet`);
      }
    }
    const now = this.now();
    for (const [id, p] of this.exporters) {
      if (selfJudged.has(`exporter:${id}`)) continue;
      const stalled = now - p.progressAt;
      if (p.pending > 0 && stalled >= this.stallAfterMs) {
        reasons.push(`exporter:${id}: no records written for ${Math.round(stalled / 1000)} s with ${p.pending} pending`);
      }
    }
    return { ready: reasons.length === 0, reasons };
  }
}
