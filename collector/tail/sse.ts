/**
 * The tail over HTTP: `GET /api/v1/console/tail?since=&service=&severity=&text=`
 * answers a Server-Sent Events stream (text/event-stream).
 *
 * Why SSE rather than chunked NDJSON: the browser's EventSource reconnects by
 * itself and sends the last event id back (Last-Event-ID), the id/event/data
 * framing gives records, phase changes and drop notices one format, comment
 * lines are a free heartbeat through proxies, and a client is a line reader
 * (the CLI parses it in a few lines). The session cookie carries console auth
 * for EventSource (it cannot set headers); the CLI sends Authorization: Bearer.
 *
 * Events (data is one JSON object per event, one line):
 *   start    {session, since, until, resumed}   first event of a connection
 *   record   TailRecordJson                     one record (phase replay|live)
 *   live     {replayed, seamDuplicates}         the replay is done; live from here
 *   dropped  {count, total}                     records this client lost (too slow)
 *   notice   {message}                          e.g. a resume that could not be exact
 *   error    {error}                            the tail failed (e.g. the store is down)
 * Every event has `id: <session>:<seq>:<watermarkNs>`.
 *
 * Resume: a request with Last-Event-ID (header, or `lastEventId` parameter) of a
 * session that is still kept — sessions survive a disconnect for `resumeGraceMs`
 * (default 30 s) and keep the last `resendEvents` events — continues exactly
 * after that event: nothing lost, nothing repeated. Otherwise a new tail starts
 * just after the watermark (the newest record time sent) and a notice says the
 * resume was approximate.
 */
import { randomBytes } from 'crypto';
import type * as http from 'http';
import type { DiagLogger } from '../pipeline/component';
import type { Counter } from '../telemetry/metrics';
import { SEVERITY_NUMBER, type LevelName } from '../../protocol/severity';
import { SearchParamError } from '../console/logs-query';
import type { LiveTailHub } from './hub';
import type { ReplaySource } from './replay';
import { isoTimeOfNs, tailRecordJson, type TailFilter } from './record';
import { TailSession, type TailEvent } from './session';

export const DEFAULT_SINCE_MS = 5 * 60_000;
/** The furthest back a tail may start. */
export const MAX_TAIL_WINDOW_MS = 31 * 24 * 3_600_000;

/** A bad tail parameter (answered 400: it is a SearchParamError to the console's error mapping). */
export class TailParamError extends SearchParamError {
  constructor(message: string) {
    super(message);
    this.name = 'TailParamError';
  }
}

export interface TailRequest {
  sinceNs: bigint;
  filter: TailFilter;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `since`: a duration back from now ("5m", "90s", "2h", "1d"), milliseconds since the epoch, or an ISO time. */
export function parseSince(v: string | undefined, nowMs: number): number {
  if (v === undefined || v.trim() === '') return nowMs - DEFAULT_SINCE_MS;
  const s = v.trim();
  const d = DURATION.exec(s);
  if (d) return nowMs - Number(d[1]) * UNIT_MS[d[2]];
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new TailParamError(`since: expected a duration back from now (5m, 90s, 2h), milliseconds since the epoch or an ISO time, got ${JSON.stringify(v)}`);
  return t;
}

export function parseSeverityFloor(v: string): number {
  const s = v.trim().toLowerCase();
  if (s in SEVERITY_NUMBER) return SEVERITY_NUMBER[s as LevelName];
  if (/^\d+$/.test(s) && Number(s) <= 24) return Number(s);
  throw new TailParamError(`severity: expected a level name (trace, debug, info, warn, error, fatal) or 0..24, got ${JSON.stringify(v)}`);
}

export function parseTailRequest(q: URLSearchParams, nowMs = Date.now()): TailRequest {
  const get = (k: string) => {
    const v = q.get(k);
    return v === null || v.trim() === '' ? undefined : v;
  };
  const sinceMs = parseSince(get('since'), nowMs);
  if (nowMs - sinceMs > MAX_TAIL_WINDOW_MS) throw new TailParamError(`since: at most ${MAX_TAIL_WINDOW_MS / 86_400_000} days back`);
  const text = get('text');
  if (text !== undefined && text.length > 1000) throw new TailParamError('text: at most 1000 characters');
  const filter: TailFilter = {};
  const service = get('service');
  if (service !== undefined) filter.service = service;
  const severity = get('severity');
  if (severity !== undefined) filter.minSeverity = parseSeverityFloor(severity);
  if (text !== undefined) filter.text = text;
  return { sinceNs: BigInt(Math.max(0, Math.floor(sinceMs))) * 1_000_000n, filter };
}

export interface TailEndpointOptions {
  hub: LiveTailHub;
  /** Undefined when the collector has no store: live only. */
  replay?: ReplaySource;
  logger: DiagLogger;
  resumeGraceMs?: number;
  resendEvents?: number;
  heartbeatMs?: number;
  maxSessions?: number;
  /** Queue per session (see session.ts). */
  maxQueue?: number;
}

interface SentEvent {
  seq: number;
  text: string;
}

/** A tail and its stream state, kept across reconnects for the grace period. */
class StreamSession {
  seq = 0;
  watermarkNs: bigint;
  readonly sent: SentEvent[] = [];
  /** The connection currently writing this session (a resume takes it over). */
  owner: object | undefined;
  expiry: NodeJS.Timeout | undefined;
  pendingNext: Promise<IteratorResult<TailEvent>> | undefined;
  done = false;
  readonly iterator: AsyncGenerator<TailEvent, void, undefined>;

  constructor(readonly id: string, readonly tail: TailSession) {
    this.watermarkNs = tail.sinceNs - 1n;
    this.iterator = tail.events();
  }
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

function parseEventId(v: string | undefined): { session: string; seq: number; watermarkNs: bigint } | undefined {
  const m = /^([0-9a-f]{8,64}):(\d{1,15}):(\d{1,20})$/.exec((v ?? '').trim());
  if (!m) return undefined;
  return { session: m[1], seq: Number(m[2]), watermarkNs: BigInt(m[3]) };
}

export class TailEndpoint {
  private readonly sessions = new Map<string, StreamSession>();
  private readonly resumeGraceMs: number;
  private readonly resendEvents: number;
  private readonly heartbeatMs: number;
  private readonly maxSessions: number;
  private readonly resumedCounter: Counter;
  private closed = false;

  constructor(private readonly options: TailEndpointOptions) {
    this.resumeGraceMs = options.resumeGraceMs ?? 30_000;
    this.resendEvents = options.resendEvents ?? 2000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxSessions = options.maxSessions ?? 64;
    this.resumedCounter = options.hub.metrics.counter('logfun_tail_resumes_total', 'Live tail reconnects, by outcome (exact: same session continued; approximate: a new tail from the watermark).');
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Serves one request; throws TailParamError on bad parameters (before anything is written). */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (this.closed) {
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'the console is shutting down' }));
      return;
    }
    const lastId = parseEventId((req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('lastEventId') ?? undefined);
    let s = lastId ? this.sessions.get(lastId.session) : undefined;
    let resendFrom = 0;
    let notice: string | undefined;
    if (s && lastId) {
      const oldest = s.sent.length ? s.sent[0].seq : s.seq;
      if (lastId.seq + 1 < oldest || lastId.seq >= s.seq) {
        // The events after the client's last one are no longer kept: start over from the watermark.
        this.drop(s);
        s = undefined;
      } else {
        resendFrom = lastId.seq + 1;
      }
    }
    if (s) {
      this.resumedCounter.inc({ outcome: 'exact' });
    } else {
      const request = parseTailRequest(url.searchParams);
      if (lastId) {
        request.sinceNs = lastId.watermarkNs + 1n;
        notice = `resumed from ${isoTimeOfNs(request.sinceNs)}: the previous tail session had expired, so records received live around the break may be missing`;
        this.resumedCounter.inc({ outcome: 'approximate' });
      }
      if (this.sessions.size >= this.maxSessions) {
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
        res.end(JSON.stringify({ error: `too many live tails (${this.maxSessions}); try again later` }));
        return;
      }
      const tail = new TailSession({ hub: this.options.hub, replay: this.options.replay, sinceNs: request.sinceNs, filter: request.filter, maxQueue: this.options.maxQueue });
      tail.start();
      s = new StreamSession(randomBytes(8).toString('hex'), tail);
      this.sessions.set(s.id, s);
    }
    await this.stream(s, req, res, resendFrom, lastId !== undefined && resendFrom > 0, notice);
  }

  private eventText(s: StreamSession, event: string, data: unknown): string {
    const seq = s.seq++;
    const text = `id: ${s.id}:${seq}:${s.watermarkNs < 0n ? 0n : s.watermarkNs}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    s.sent.push({ seq, text });
    if (s.sent.length > this.resendEvents) s.sent.splice(0, s.sent.length - this.resendEvents);
    return text;
  }

  private format(s: StreamSession, ev: TailEvent): string {
    switch (ev.type) {
      case 'record':
        if (ev.record.timeNs > s.watermarkNs) s.watermarkNs = ev.record.timeNs;
        return this.eventText(s, 'record', tailRecordJson(ev.record, ev.phase));
      case 'live':
        return this.eventText(s, 'live', { replayed: ev.replayed, seamDuplicates: ev.seamDuplicates });
      case 'dropped':
        return this.eventText(s, 'dropped', { count: ev.count, total: ev.total });
    }
  }

  private async stream(s: StreamSession, req: http.IncomingMessage, res: http.ServerResponse, resendFrom: number, resumed: boolean, notice?: string): Promise<void> {
    const me = {};
    s.owner = me;
    if (s.expiry) clearTimeout(s.expiry);
    s.expiry = undefined;
    let alive = true;
    let drainWaiter: (() => void) | undefined;
    let onGone: () => void = () => undefined;
    const gone = new Promise<'gone'>((resolve) => (onGone = () => resolve('gone')));
    const onClose = () => {
      alive = false;
      drainWaiter?.();
      onGone();
    };
    res.on('close', onClose);
    req.socket.setNoDelay?.(true);
    const resend = resumed ? s.sent.filter((e) => e.seq >= resendFrom) : [];
    res.writeHead(200, SSE_HEADERS);
    res.write('retry: 2000\n\n');
    for (const e of resend) res.write(e.text);
    res.write(this.eventText(s, 'start', { session: s.id, since: isoTimeOfNs(s.tail.sinceNs < 0n ? 0n : s.tail.sinceNs), until: isoTimeOfNs(s.tail.untilNs), resumed }));
    if (notice) res.write(this.eventText(s, 'notice', { message: notice }));
    const heartbeat = setInterval(() => alive && res.write(': ping\n\n'), this.heartbeatMs);
    heartbeat.unref();
    try {
      while (alive && s.owner === me && !this.closed) {
        const next = (s.pendingNext ??= s.iterator.next());
        let r: IteratorResult<TailEvent> | 'gone';
        try {
          r = await Promise.race([next, gone]);
        } catch (e) {
          if (s.owner !== me) break;
          s.pendingNext = undefined;
          this.options.logger.warn('live tail failed', { error: (e as Error).message });
          if (alive) res.write(this.eventText(s, 'error', { error: (e as Error).message }));
          s.done = true;
          break;
        }
        // Gone while waiting: the pending event stays for whoever resumes the session.
        if (r === 'gone' || s.owner !== me) break;
        s.pendingNext = undefined;
        if (r.done) {
          s.done = true;
          break;
        }
        // Formatted (so kept for a resume) even when the connection just went away.
        const text = this.format(s, r.value);
        if (!alive) break;
        if (!res.write(text)) {
          await new Promise<void>((resolve) => {
            drainWaiter = resolve;
            res.once('drain', resolve);
          });
          drainWaiter = undefined;
        }
      }
    } finally {
      clearInterval(heartbeat);
      res.off('close', onClose);
      if (s.done || this.closed) {
        this.drop(s);
      } else if (s.owner === me) {
        s.owner = undefined;
        // Kept for a resume with Last-Event-ID; closed when nobody comes back in time.
        s.expiry = setTimeout(() => this.drop(s), this.resumeGraceMs);
        s.expiry.unref();
      }
      if (alive) res.end();
    }
  }

  private drop(s: StreamSession): void {
    if (s.expiry) clearTimeout(s.expiry);
    s.expiry = undefined;
    s.owner = undefined;
    this.sessions.delete(s.id);
    s.tail.close();
    void s.iterator.return(undefined).catch(() => undefined);
  }

  /** Ends every tail (collector shutdown). */
  close(): void {
    this.closed = true;
    for (const s of [...this.sessions.values()]) this.drop(s);
  }
}
