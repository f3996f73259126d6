/**
 * The console's HTTP statistics: one JSON document for a time range (and an
 * optional service / host), read from the httpstats tables through
 * HttpStatsStore (collector/storage/httpstats-store.ts):
 *
 *   series   one point per step: requests/s, 5xx/s, status classes, p50/p90/p99
 *   totals   the whole range: hits, bytes, status classes, quantiles; requests/s
 *            over rateSpanMs (the span with data)
 *   sections / paths / statusCodes   the top keys over the range
 *   alerts   raised / recovered events in the range, oldest first
 *
 * Every query is one of the store's fixed, parameterised SELECTs (values bound
 * as parameters, never spliced), bounded in time (at most MAX_WINDOW_MS), in
 * points (at most MAX_POINTS steps; the step is chosen from STEPS) and in rows
 * (top keys at most MAX_TOP, alerts at most MAX_ALERTS).
 */
import { quantileFromBuckets } from '../../processors/httpstats/quantiles';
import { sumRows, type IntervalStatsRow, type KeyCount, type StatusClasses } from '../../processors/httpstats/aggregator';
import { pickHttpStatsSource, type HttpStatsStore } from '../storage/httpstats-store';
import { SearchParamError, MAX_WINDOW_MS, DEFAULT_WINDOW_MS } from './logs-query';

/** Steps the chart may use, smallest first (every one a multiple of 10 s, the default interval). */
export const STEPS_MS = [10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000];
export const MAX_POINTS = 360;
export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;
export const MAX_ALERTS = 500;

export interface HttpStatsRequest {
  fromMs: number;
  toMs: number;
  stepMs: number;
  service?: string;
  host?: string;
  top: number;
  /** The step was chosen here (no `step` parameter): it may be widened to the data's interval. */
  autoStep?: boolean;
}

export interface HttpStatsPoint {
  t: number;
  hits: number;
  requestsPerSec: number;
  errors5xxPerSec: number;
  bytes: number;
  status: StatusClasses;
  /** Milliseconds; null where no request carried a duration. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface HttpStatsAlert {
  time: string;
  timeMs: number;
  sinceMs: number;
  rule: string;
  state: string;
  service: string;
  host: string;
  value: number;
  limit: number;
  message: string;
}

export interface HttpStatsResponse {
  from: string;
  to: string;
  stepMs: number;
  source: string;
  service: string | null;
  host: string | null;
  series: HttpStatsPoint[];
  /**
   * Per-second figures of `totals` are averages over the span that has data (start of
   * the first step with data to the end of the last), not the whole range: a collector
   * that ran 14 minutes of the last hour shows its rate, not a quarter of it. 0: no data.
   */
  rateSpanMs: number;
  totals: Omit<HttpStatsPoint, 't'> & { maxMs: number | null };
  sections: KeyCount[];
  paths: KeyCount[];
  statusCodes: KeyCount[];
  alerts: HttpStatsAlert[];
}

function parseTime(v: string, name: string): number {
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new SearchParamError(`${name}: expected milliseconds since the epoch or an ISO time, got ${JSON.stringify(v)}`);
  return t;
}

/** Reads the request from URL parameters (from, to, step in ms or "30s"/"5m"/"1h", service, host, top); throws SearchParamError. */
export function parseHttpStatsRequest(q: URLSearchParams, nowMs = Date.now()): HttpStatsRequest {
  const get = (k: string) => {
    const v = q.get(k);
    return v === null || v.trim() === '' ? undefined : v;
  };
  let toMs = get('to') !== undefined ? parseTime(get('to')!, 'to') : nowMs;
  let fromMs = get('from') !== undefined ? parseTime(get('from')!, 'from') : toMs - DEFAULT_WINDOW_MS;
  if (fromMs >= toMs) throw new SearchParamError('from: must be before to');
  if (toMs - fromMs > MAX_WINDOW_MS) throw new SearchParamError(`time range: at most ${MAX_WINDOW_MS / 86_400_000} days`);
  let stepMs: number;
  const step = get('step');
  const autoStep = step === undefined;
  if (step !== undefined) {
    const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(step.trim());
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m?.[2] ?? 'ms') as 'ms'];
    stepMs = m ? Number(m[1]) * unit : NaN;
    if (!(stepMs >= 10_000) || stepMs % 10_000 !== 0) throw new SearchParamError('step: expected a multiple of 10s (e.g. 10s, 1m, 1h)');
    if ((toMs - fromMs) / stepMs > MAX_POINTS) throw new SearchParamError(`step: at most ${MAX_POINTS} points per range; choose a larger step`);
  } else {
    stepMs = autoStepMs(toMs - fromMs, 0);
  }
  ({ fromMs, toMs } = alignRange(fromMs, toMs, stepMs));
  let top = DEFAULT_TOP;
  if (get('top') !== undefined) {
    top = Number(get('top'));
    if (!Number.isInteger(top) || top < 1) throw new SearchParamError('top: expected a positive integer');
    top = Math.min(top, MAX_TOP);
  }
  const service = get('service');
  const host = get('host');
  for (const [k, v] of [['service', service], ['host', host]] as const) if (v !== undefined && v.length > 1000) throw new SearchParamError(`${k}: at most 1000 characters`);
  return { fromMs, toMs, stepMs, service, host, top, autoStep };
}

/**
 * The chart step for a range: the finest of STEPS_MS giving at most MAX_POINTS
 * points that is a whole number of the data's aggregation interval (`intervalMs`,
 * 0 = unknown). A step that is not a multiple of the interval alternates between
 * buckets holding an interval start and empty ones: a sawtooth on a steady log.
 */
export function autoStepMs(rangeMs: number, intervalMs: number): number {
  const fits = (s: number) => Math.ceil(rangeMs / s) <= MAX_POINTS && (intervalMs <= 0 || s % intervalMs === 0);
  const step = STEPS_MS.find(fits);
  if (step !== undefined) return step;
  // An interval none of the steps is a multiple of: whole intervals, enough of them.
  const base = STEPS_MS.find((s) => Math.ceil(rangeMs / s) <= MAX_POINTS) ?? STEPS_MS[STEPS_MS.length - 1];
  return intervalMs > 0 ? Math.ceil(base / intervalMs) * intervalMs : base;
}

/** Whole steps from an epoch-aligned start (the store groups by intDiv(time, step) * step, so chart buckets and query buckets are the same). */
export function alignRange(fromMs: number, toMs: number, stepMs: number): { fromMs: number; toMs: number } {
  return { fromMs: Math.floor(fromMs / stepMs) * stepMs, toMs: Math.ceil(toMs / stepMs) * stepMs };
}

/** The request with its automatic step widened to a multiple of the stored data's interval (unchanged when it already is one). */
export async function alignToData(store: HttpStatsStore, r: HttpStatsRequest, signal?: AbortSignal): Promise<HttpStatsRequest> {
  if (!r.autoStep) return r;
  // From a day earlier: an interval that started before the range and reaches into it counts too.
  const intervalMs = await store.queryIntervalMs({ fromMs: r.fromMs - 86_400_000, toMs: r.toMs, service: r.service, host: r.host, signal });
  if (intervalMs <= 0 || r.stepMs % intervalMs === 0) return r;
  const stepMs = autoStepMs(r.toMs - r.fromMs, intervalMs);
  return { ...r, stepMs, ...alignRange(r.fromMs, r.toMs, stepMs) };
}

const nullIfNaN = (v: number): number | null => (Number.isFinite(v) ? v : null);

function pointOf(r: IntervalStatsRow, stepMs: number): Omit<HttpStatsPoint, 't'> {
  const q = (p: number) => nullIfNaN(quantileFromBuckets(r.latency.buckets, r.latency.counts, p));
  return {
    hits: r.hits,
    requestsPerSec: (r.hits * 1000) / stepMs,
    errors5xxPerSec: (r.statusClasses['5xx'] * 1000) / stepMs,
    bytes: r.bytes,
    status: { ...r.statusClasses },
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
  };
}

/** Runs the queries and shapes the answer (missing steps are zero points, so the chart's time axis is even). */
export async function queryHttpStats(store: HttpStatsStore, request: HttpStatsRequest, signal?: AbortSignal): Promise<HttpStatsResponse> {
  const r = await alignToData(store, request, signal);
  const base = { fromMs: r.fromMs, toMs: r.toMs, service: r.service, host: r.host, signal };
  const [rows, sections, paths, statusCodes, alerts] = await Promise.all([
    store.queryRows({ ...base, stepMs: r.stepMs, byHost: false, topKeys: 1 }),
    store.queryTopKeys('section', { ...base, limit: r.top }),
    store.queryTopKeys('path', { ...base, limit: r.top }),
    store.queryTopKeys('status', { ...base, limit: r.top }),
    store.queryAlerts({ fromMs: r.fromMs, toMs: r.toMs, service: r.service, limit: MAX_ALERTS, signal }),
  ]);
  // queryRows keeps services apart: add them up per step.
  const byStep = new Map<number, IntervalStatsRow[]>();
  for (const row of rows) {
    const list = byStep.get(row.timeStartMs) ?? [];
    list.push(row);
    byStep.set(row.timeStartMs, list);
  }
  const series: HttpStatsPoint[] = [];
  for (let t = r.fromMs; t < r.toMs; t += r.stepMs) {
    const list = byStep.get(t);
    if (list) series.push({ t, ...pointOf(sumRows(list), r.stepMs) });
    else series.push({ t, hits: 0, requestsPerSec: 0, errors5xxPerSec: 0, bytes: 0, status: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 }, p50: null, p90: null, p99: null });
  }
  const all = sumRows(rows);
  const withData = series.filter((p) => p.hits > 0);
  const rateSpanMs = withData.length ? withData[withData.length - 1].t + r.stepMs - withData[0].t : 0;
  return {
    from: new Date(r.fromMs).toISOString(),
    to: new Date(r.toMs).toISOString(),
    stepMs: r.stepMs,
    source: pickHttpStatsSource(r.fromMs, r.toMs, r.stepMs),
    service: r.service ?? null,
    host: r.host ?? null,
    series,
    rateSpanMs,
    totals: { ...pointOf(all, rateSpanMs || r.toMs - r.fromMs), maxMs: all.latency.count > 0 ? all.latency.maxMs : null },
    sections,
    paths,
    statusCodes,
    alerts: alerts
      .filter((a) => r.host === undefined || a.host === r.host)
      .map((a) => ({
        time: new Date(a.timeMs).toISOString(),
        timeMs: a.timeMs,
        sinceMs: a.sinceMs,
        rule: a.rule,
        state: a.state,
        service: a.service,
        host: a.host,
        value: a.value,
        limit: a.limit,
        message: a.message,
      })),
  };
}
