/**
 * Reads one request out of a log record into an HttpSample:
 *
 * 1. Records carrying HTTP semantic-convention attributes (the filelog
 *    receiver's access-log parsers, OTel-instrumented servers):
 *    `http.response.status_code` or `http.request.method` make a record an HTTP
 *    request; `url.path`, `http.response.body.size`,
 *    `http.server.request.duration` (seconds, as the convention's metric),
 *    `user_agent.original`, `server.address` are read when present. The older
 *    names (`http.status_code`, `http.method`, `http.target`,
 *    `http.response_content_length`, `http.user_agent`, `http.host`) are
 *    accepted too.
 * 2. Otherwise, when enabled, a string body that is an access-log line (Common
 *    or Combined Log Format, or the CSV format) is scanned.
 *
 * Service = the resource's service.name; host = `server.address` of the record,
 * else of the resource, else the resource's host.name ('' when none). Time = the
 * record's time, else its observed time, else the caller's clock; for an access
 * line in the body, the line's own date. A time the aggregation policy
 * (collector/pipeline/time-policy.ts) refuses — past what the tables hold, or more
 * than a day ahead of the clock (its interval would stay open until then) — is
 * replaced by the record's time, or the clock when that one is refused too, and
 * counted in `replacedTimes`.
 */
import { bodyOf, type AnyValue, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { newAccessLogFields, scanAccessLog, scanCsvAccessLog, type AccessLogFields } from '../../collector/receivers/filelog/parsers';
import type { HttpSample } from './aggregator';
import { aggregationTimeProblemMs } from '../../collector/pipeline/time-policy';

export type ReadOutcome = 'http' | 'not_http' | 'unparsed';

function numberOf(v: AnyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v !== '') return Number(v);
  return NaN;
}

function stringOf(v: AnyValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length > 0 && typeof v[0] === 'string' ? v[0] : '';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return '';
}

function pathOfTarget(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.substring(0, q);
}

function hostOfAttributes(attrs: KeyValue[]): string {
  let hostName = '';
  for (const kv of attrs) {
    if (kv.key === 'server.address') return stringOf(kv.value);
    if (kv.key === 'host.name') hostName = stringOf(kv.value);
  }
  return hostName;
}

/** The record's time in ms: its time, else its observed time, else `nowMs`. */
function recordTimeMs(batch: LogBatch, i: number, nowMs: number): number {
  const t = batch.timeUnixNano[i];
  const observed = batch.observedTimeUnixNano[i];
  return t > 0n ? Number(t / 1_000_000n) : observed > 0n ? Number(observed / 1_000_000n) : nowMs;
}

/**
 * The record carries an HTTP request's semantic-convention attributes (a status code or
 * a method, current or older names): what makes it an HTTP request for HttpRecordReader.
 * The spam balancer leaves such records unjudged (their count is the HTTP statistics').
 */
export function carriesHttpRequest(attrs: readonly KeyValue[]): boolean {
  for (let k = 0; k < attrs.length; k++) {
    const key = attrs[k].key;
    if (key.charCodeAt(0) !== 104 /* h */) continue;
    if (key === 'http.response.status_code' || key === 'http.status_code' || key === 'http.request.method' || key === 'http.method') return true;
  }
  return false;
}

export class HttpRecordReader {
  private readonly fields: AccessLogFields = newAccessLogFields();
  private readonly csvFields: string[] = [];
  private resourceHosts: string[] = [];
  private resourceHostsOf: LogBatch | undefined;
  /** Request times refused by the aggregation policy (replaced) since the caller last reset it. */
  replacedTimes = 0;

  constructor(private readonly parseBody: boolean) {}

  /** Fills `out` from record i of `batch`. `out` is meaningful only when 'http' is returned. */
  read(batch: LogBatch, i: number, nowMs: number, out: HttpSample): ReadOutcome {
    const attrs = batch.attributes[i];
    let isHttp = false;
    let status = NaN;
    let path = '';
    let target = '';
    let bytes = 0;
    let durationMs = NaN;
    let userAgent = '';
    let host = '';
    let client = '';
    for (let k = 0; k < attrs.length; k++) {
      const kv = attrs[k];
      const key = kv.key;
      if (key.charCodeAt(0) === 104 /* h */) {
        switch (key) {
          case 'http.response.status_code':
          case 'http.status_code':
            status = numberOf(kv.value);
            isHttp = true;
            break;
          case 'http.request.method':
          case 'http.method':
            isHttp = true;
            break;
          case 'http.response.body.size':
          case 'http.response_content_length': {
            const n = numberOf(kv.value);
            if (n > 0) bytes = n;
            break;
          }
          case 'http.server.request.duration': {
            const s = numberOf(kv.value);
            if (s >= 0) durationMs = s * 1000;
            break;
          }
          case 'http.target':
            target = stringOf(kv.value);
            break;
          case 'http.user_agent':
            if (!userAgent) userAgent = stringOf(kv.value);
            break;
          case 'http.host':
            if (!host) host = stringOf(kv.value);
            break;
          case 'http.client_ip':
            if (!client) client = stringOf(kv.value);
            break;
        }
      } else if (key === 'url.path') path = stringOf(kv.value);
      else if (key === 'user_agent.original') userAgent = stringOf(kv.value);
      else if (key === 'server.address') host = stringOf(kv.value);
      else if (key === 'client.address') client = stringOf(kv.value);
      else if (key === 'log.parse.error') return 'unparsed';
    }

    if (!isHttp) {
      if (!this.parseBody) return 'not_http';
      const body = bodyOf(batch, i);
      if (typeof body !== 'string' || body.length < 10) return 'not_http';
      const f = this.fields;
      const ok = body.charCodeAt(0) === 34 /* " */ ? scanCsvAccessLog(body, f, this.csvFields) === '' : scanAccessLog(body, f) === '';
      if (!ok) return 'not_http';
      out.timeMs = this.acceptable(f.timeMs, batch, i, nowMs);
      out.service = batch.resources[batch.resourceIndex[i]]?.serviceName ?? '';
      out.host = this.resourceHost(batch, i);
      out.path = f.path;
      out.status = f.status;
      out.bytes = f.bytes;
      out.durationMs = NaN;
      out.userAgent = f.userAgent;
      out.client = f.remoteHost;
      return 'http';
    }

    out.timeMs = this.acceptable(recordTimeMs(batch, i, nowMs), batch, i, nowMs);
    out.service = batch.resources[batch.resourceIndex[i]]?.serviceName ?? '';
    out.host = host || this.resourceHost(batch, i);
    out.path = path || (target ? pathOfTarget(target) : '');
    out.status = status === status && status >= 0 ? status : 0;
    out.bytes = bytes;
    out.durationMs = durationMs;
    out.userAgent = userAgent;
    out.client = client;
    return 'http';
  }

  /**
   * `ms` when the aggregation policy accepts it, else the record's time, else the clock
   * (counted). The policy's "now" is the later of the caller's clock (simulated in
   * tests) and the wall clock.
   */
  private acceptable(ms: number, batch: LogBatch, i: number, nowMs: number): number {
    const now = Math.max(nowMs, Date.now());
    if (aggregationTimeProblemMs(ms, now) === undefined) return ms;
    this.replacedTimes++;
    const record = recordTimeMs(batch, i, nowMs);
    return record !== ms && aggregationTimeProblemMs(record, now) === undefined ? record : nowMs;
  }

  /** Drops the per-batch cache (so the reader does not keep a batch alive). */
  forget(): void {
    this.resourceHostsOf = undefined;
    this.resourceHosts = [];
  }

  private resourceHost(batch: LogBatch, i: number): string {
    if (this.resourceHostsOf !== batch) {
      this.resourceHostsOf = batch;
      this.resourceHosts = batch.resources.map((r) => hostOfAttributes(r.attributes));
    }
    return this.resourceHosts[batch.resourceIndex[i]] ?? '';
  }
}
