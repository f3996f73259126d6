/**
 * The web console, mounted on the collector's admin HTTP server:
 *
 *   GET /, /explorer, /control, /httpstats, /decode   the single-page console (HTML shell)
 *   GET /assets/<file>                   console.css and the compiled front end (main.js, ...)
 *   GET /api/v1/console/overview[?since=ms]  {startedAt, uptimeMs, totals, samples, services, control, store,
 *                                        balancer, drops, suppressions} (balancer-view.ts)
 *   GET /api/v1/console/logs?service=&severity=&template=&text=&from=&to=&limit=&cursor=
 *                                        {rows: LogRow[], nextCursor?: string}; 400 on bad input
 *   GET /api/v1/console/logs/export?...  the same search as NDJSON, streamed page by page
 *   GET /api/v1/console/logs/export.csv?...  the same search as CSV (RFC 4180, csv.ts), streamed page by page
 *                                        (searches also take function= and arg=, see logs-query.ts)
 *   GET /api/v1/console/httpstats?from=&to=&step=&service=&host=&top=
 *                                        HTTP statistics over a range (httpstats-api.ts); 404 when none stored
 *   PUT /api/v1/console/balancer         {strategy, processor?} switches the spam balancer's strategy
 *                                        (every spam processor, or the one with that component id)
 *   POST /api/v1/console/decode[?format=json]  body = a logfun log file (at most 8 MiB); NDJSON
 *                                        events with the decoded lines (decode-upload.ts)
 *   GET /api/v1/console/tail?since=&service=&severity=&text=   live tail as Server-Sent Events: replay
 *                                        from the store since `since`, then live (collector/tail/sse.ts)
 *   GET /api/v1/console/tree             {services: ServiceNode[], controlEnabled, rulesVersion}
 *   PUT /api/v1/console/rules            {service, function?, templateId?, state: on|off|auto|inherit}
 *                                        (inherit clears the manual rule) -> {ok, state}
 *
 *   POST /api/v1/console/logout          ends the console session (clears its cookie)
 *
 * Auth (see auth.ts and the admin server): nothing here answers without the admin
 * token or a console session (pages: a sign-in form with 401; API: 401 JSON), and
 * nothing answers a request from another site. Queries are the fixed,
 * parameterised SELECTs of logs-query.ts with time bounds and row limits, never
 * user SQL, and they run on a read-only reader of the store
 * (storage/clickhouse-reader.ts), never on the exporter's connection.
 */
import { requestPrincipal } from '../security/principal';
import * as fs from 'fs';
import * as path from 'path';
import type * as http from 'http';
import type { AdminServer, RouteOptions } from '../service/admin-server';
import type { CollectorConfig } from '../config/config';
import type { DiagLogger } from '../pipeline/component';
import type { Metrics } from '../telemetry/metrics';
import type { TemplateDictionary } from '../templates/dictionary';
import type { ControlPlane } from '../control/store';
import { RuleValidationError, parseTemplateId, type RuleTarget } from '../control/rules';
import { ControlStoreUnavailableError, RuleLimitError } from '../control/store';
import type { ClickHouseStore } from '../storage/clickhouse-client';
import { firstClickHouseExporter, type LazyReader } from '../service/sql-handler';
import { AdminSessions, CONSOLE_TOKEN_ENV, consoleTokenMatches } from './auth';
import { CONSOLE_CSP, CONSOLE_CSS, CONSOLE_PAGES, loginHtml, shellHtml } from './page';
import { ThroughputSampler } from './throughput';
import { buildControlTree } from './control-tree';
import { csvLogHeader, csvLogLine } from './csv';
import { parseHttpStatsRequest, queryHttpStats } from './httpstats-api';
import { activeSuppressions, balancerInfo, dropsByReason, findSpamProcessors, BALANCER_STRATEGIES } from './balancer-view';
import { DECODE_MAX_UPLOAD_BYTES, DecodeInputError, streamDecodedFile, waitDrain } from './decode-upload';
import { HttpStatsStore } from '../storage/httpstats-store';
import type { Component } from '../pipeline/component';
import type { LiveTailHub } from '../tail/hub';
import { ClickHouseReplay } from '../tail/replay';
import { TailEndpoint } from '../tail/sse';
import { SearchParamError, buildLogSearchQuery, formatCursor, nextCursor, parseLogSearch, toLogRows, type LogRow, type LogSearch, type LogsTableRef } from './logs-query';

export const CONSOLE_API = '/api/v1/console';
/** Rows per query while exporting, and the most one export returns. */
const EXPORT_PAGE_ROWS = 5000;
const MAX_EXPORT_ROWS = 1_000_000;

export interface ConsoleOptions {
  /** The admin token a sign-in (?token=) must present; '' / undefined = no auth (tests' own servers). */
  token?: string;
  /** Where the collector keeps the token it made (the sign-in page names it); undefined when configured. */
  tokenFile?: string;
  metrics: Metrics;
  logger: DiagLogger;
  templates?: TemplateDictionary;
  control?: ControlPlane;
  startedAt: Date;
  /** The first clickhouse exporter of this config is the store the explorer reads. */
  config: CollectorConfig;
  /** Folder of the compiled front end (main.js ...); default: found next to the build (see findAssetsDir). */
  assetsDir?: string;
  /** Throughput sample interval; default 1 s. */
  sampleIntervalMs?: number;
  /** The running components (Host.components): the console finds the spam and httpstats processors there. */
  components?: ReadonlyMap<string, Component>;
  /** The read-only reader of the store (shared with the SQL API; the collector closes it). */
  reader?: LazyReader;
  /** The live tail's source (collector/tail/hub.ts); without it there is no /tail API. */
  liveTail?: LiveTailHub;
}

export interface MountedConsole {
  readonly sampler: ThroughputSampler;
  close(): Promise<void>;
}

/** The configured admin token: service.telemetry.admin.console_token, else $LOGFUN_CONSOLE_TOKEN; '' = none configured (the collector then makes one, auth.ts). */
export function consoleTokenOf(config: CollectorConfig, env: NodeJS.ProcessEnv = process.env): string {
  return config.telemetry.admin.console_token || env[CONSOLE_TOKEN_ENV] || '';
}

/**
 * The compiled front end: `dist/console` (built by `tsc -p console/tsconfig.json`).
 * From dist/collector/console that is ../../console; from the sources (tests via
 * ts-jest) it is ../../dist/console.
 */
export function findAssetsDir(): string | undefined {
  const candidates = [path.resolve(__dirname, '../../console'), path.resolve(__dirname, '../../dist/console')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'main.js')));
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers });
  res.end(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

function sendText(res: http.ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, ...SECURITY_HEADERS, 'content-security-policy': CONSOLE_CSP, ...headers });
  res.end(text);
}

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function mountConsole(admin: AdminServer, options: ConsoleOptions): Promise<MountedConsole> {
  const token = options.token ?? '';
  const sampler = new ThroughputSampler({ metrics: options.metrics, templates: options.templates, intervalMs: options.sampleIntervalMs });
  sampler.start();

  const ex = firstClickHouseExporter(options.config);
  // Every console read goes through a read-only reader with limits, opened at the first use.
  const reader = ex ? options.reader : undefined;
  let closed = false;
  const store = async (): Promise<ClickHouseStore> => {
    if (!reader) throw new HttpError(503, 'this collector has no clickhouse exporter: nothing to search');
    if (closed) throw new HttpError(503, 'the console is shutting down');
    return reader.get();
  };
  const tableRef = (s: ClickHouseStore): LogsTableRef => ({ database: ex?.database || 'otel', table: ex?.logs_table_name || 'otel_logs', capabilities: s.capabilities });

  const authorized = (req: http.IncomingMessage): boolean => token === '' || admin.authenticated(req);

  type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) => Promise<void> | void;
  const api = (method: string, p: string, handler: Handler, routeOptions?: RouteOptions): void =>
    admin.route(method, p, async (req, res, body) => {
      // The admin server has checked the token or session, and the origin, before the body was read.
      try {
        await handler(req, res, new URL(req.url ?? '/', 'http://console'), body);
      } catch (e) {
        if (res.headersSent) {
          res.destroy(e as Error);
          return;
        }
        if (e instanceof SearchParamError || e instanceof RuleValidationError) return sendJson(res, 400, { error: e.message });
        if (e instanceof RuleLimitError) return sendJson(res, 413, { error: e.message });
        if (e instanceof HttpError) return sendJson(res, e.status, { error: e.message });
        if (e instanceof ControlStoreUnavailableError) return sendJson(res, 503, { error: e.message });
        options.logger.warn('console request failed', { path: req.url, error: (e as Error).message });
        sendJson(res, 500, { error: (e as Error).message });
      }
    }, routeOptions);

  // Pages: the sign-in by ?token= starts a session (a random id in the cookie, never the
  // token) and redirects to the clean URL. Another site may link to a page, nothing more.
  for (const page of Object.keys(CONSOLE_PAGES)) {
    admin.route('GET', page, (req, res) => {
      const url = new URL(req.url ?? '/', 'http://console');
      const given = url.searchParams.get('token');
      if (token !== '' && given !== null) {
        if (!consoleTokenMatches(given, token)) return sendText(res, 401, 'text/html', loginHtml({ rejected: true, tokenFile: options.tokenFile }));
        url.searchParams.delete('token');
        const cookie = AdminSessions.cookie(admin.sessions.create(), admin.isSecure);
        res.writeHead(303, { location: url.pathname + url.search, 'set-cookie': cookie, ...SECURITY_HEADERS });
        return void res.end();
      }
      if (!authorized(req)) return sendText(res, 401, 'text/html', loginHtml({ tokenFile: options.tokenFile }));
      sendText(res, 200, 'text/html', shellHtml());
    }, { access: 'public', navigable: true });
  }
  api('POST', `${CONSOLE_API}/logout`, (req, res) => {
    admin.sessions.end(admin.sessions.idOf(req));
    sendJson(res, 200, { ok: true }, { 'set-cookie': AdminSessions.clearedCookie(admin.isSecure) });
  });

  // The stylesheet is public (the sign-in form uses it; it holds no data); scripts need the token.
  admin.route('GET', '/assets/console.css', (_req, res) => sendText(res, 200, 'text/css', CONSOLE_CSS), { access: 'public' });
  const assetsDir = options.assetsDir ?? findAssetsDir();
  if (!assetsDir) options.logger.warn('console front end not built (run `npm run build`); pages will load without script');
  for (const file of assetsDir && fs.existsSync(assetsDir) ? fs.readdirSync(assetsDir) : []) {
    const type = CONTENT_TYPES[path.extname(file)];
    if (!type) continue;
    const full = path.join(assetsDir!, file);
    admin.route('GET', `/assets/${file}`, (_req, res) => sendText(res, 200, type, fs.readFileSync(full, 'utf8')));
  }

  api('GET', `${CONSOLE_API}/overview`, (_req, res, url) => {
    const since = Number(url.searchParams.get('since') ?? 0);
    const now = Date.now();
    sendJson(res, 200, {
      now,
      startedAt: options.startedAt.toISOString(),
      uptimeMs: now - options.startedAt.getTime(),
      totals: sampler.totals(),
      samples: sampler.samples(Number.isFinite(since) ? since : 0),
      services: sampler.services(),
      templates: options.templates?.size ?? 0,
      control: options.control ? { enabled: true, ready: options.control.ready, rules: options.control.rules.length } : { enabled: false },
      store: ex ? ex.endpoint.replace(/\/\/[^/@]*@/, '//') : null,
      balancer: balancerInfo(options.components),
      drops: dropsByReason(options.metrics),
      suppressions: activeSuppressions(options.components, options.control?.rules ?? [], options.templates),
    });
  });

  const searchOf = (url: URL, maxRows?: number): LogSearch => parseLogSearch(url.searchParams, Date.now(), maxRows);

  api('GET', `${CONSOLE_API}/logs`, async (_req, res, url) => {
    const search = searchOf(url);
    const s = await store();
    const q = buildLogSearchQuery(tableRef(s), search);
    const rows = toLogRows(await s.query(q.sql, q.params));
    const next = nextCursor(rows, search.limit, search.cursor);
    sendJson(res, 200, { rows, ...(next ? { nextCursor: formatCursor(next) } : {}), from: new Date(search.fromMs).toISOString(), to: new Date(search.toMs).toISOString() });
  });

  /** Streams a search page by page (never the whole result in memory), each row through `line`. */
  const exportSearch = async (res: http.ServerResponse, url: URL, contentType: string, filename: string, line: (r: LogRow) => string, header = ''): Promise<void> => {
    const search = searchOf(url, EXPORT_PAGE_ROWS);
    search.limit = EXPORT_PAGE_ROWS;
    const maxRows = Math.min(Number(url.searchParams.get('max') ?? MAX_EXPORT_ROWS) || MAX_EXPORT_ROWS, MAX_EXPORT_ROWS);
    const s = await store();
    // Validate the first page before committing to a 200.
    let q = buildLogSearchQuery(tableRef(s), search);
    let rows = toLogRows(await s.query(q.sql, q.params));
    res.writeHead(200, {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${filename}"`,
      ...SECURITY_HEADERS,
    });
    if (header) res.write(header);
    let sent = 0;
    for (;;) {
      for (const r of rows) {
        if (sent >= maxRows) break;
        // The request stream is already consumed (and so destroyed); only the response tells of a gone client.
        if (res.destroyed) return;
        if (!res.write(line(r))) await waitDrain(res);
        sent++;
      }
      const next = nextCursor(rows, search.limit, search.cursor);
      if (!next || sent >= maxRows) break;
      search.cursor = next;
      q = buildLogSearchQuery(tableRef(s), search);
      rows = toLogRows(await s.query(q.sql, q.params));
    }
    res.end();
  };

  api('GET', `${CONSOLE_API}/logs/export`, (_req, res, url) => exportSearch(res, url, 'application/x-ndjson; charset=utf-8', 'logs.ndjson', (r) => JSON.stringify(r) + '\n'));
  api('GET', `${CONSOLE_API}/logs/export.csv`, (_req, res, url) => exportSearch(res, url, 'text/csv; charset=utf-8; header=present', 'logs.csv', csvLogLine, csvLogHeader()));

  // HTTP statistics: the httpstats processor's tables when one runs here, else the tables next
  // to the logs. Read through the read-only reader when they are in the same store (always so
  // for chDB: one folder per process); a processor's own ClickHouse server is read over its own
  // HTTP client, where every request is separate (no session a read could change).
  const httpStatsStore = async (): Promise<HttpStatsStore> => {
    for (const c of options.components?.values() ?? []) {
      const get = (c as { getStatsStore?: () => Promise<HttpStatsStore | undefined> }).getStatsStore;
      if (typeof get !== 'function') continue;
      const found = await get.call(c);
      if (!found) continue;
      if (!reader || found.store.endpoint !== (await store()).endpoint) return found;
      return new HttpStatsStore(await store(), found.database);
    }
    return new HttpStatsStore(await store(), ex?.database || 'otel');
  };

  api('GET', `${CONSOLE_API}/httpstats`, async (_req, res, url) => {
    const request = parseHttpStatsRequest(url.searchParams);
    const stats = await httpStatsStore();
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      sendJson(res, 200, await queryHttpStats(stats, request, abort.signal));
    } catch (e) {
      if (/UNKNOWN_TABLE|Unknown table|doesn't exist|does not exist/i.test((e as Error).message)) {
        throw new HttpError(404, 'no HTTP statistics stored yet: add the httpstats processor to a pipeline (processors: [httpstats])');
      }
      throw e;
    }
  });

  api('PUT', `${CONSOLE_API}/balancer`, (req, res, _url, body) => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send {"strategy": ...} as application/json');
    let input: { strategy?: unknown; processor?: unknown };
    try {
      input = JSON.parse(body.toString('utf8')) as typeof input;
    } catch (e) {
      throw new HttpError(400, `body: not JSON (${(e as Error).message})`);
    }
    const strategy = input?.strategy;
    if (typeof strategy !== 'string' || !(BALANCER_STRATEGIES as readonly string[]).includes(strategy)) {
      throw new HttpError(400, `strategy: expected one of ${BALANCER_STRATEGIES.join(', ')}`);
    }
    const targets = findSpamProcessors(options.components).filter(([id]) => input.processor === undefined || input.processor === id);
    if (targets.length === 0) throw new HttpError(404, input.processor === undefined ? 'no spam processor runs in this collector' : `no spam processor ${JSON.stringify(input.processor)}`);
    for (const [, p] of targets) p.setStrategy(strategy);
    options.logger.info('console: balancer strategy switched', { strategy, processors: targets.map(([id]) => id), by: req.socket.remoteAddress ?? 'unknown' });
    sendJson(res, 200, { ok: true, ...balancerInfo(options.components) });
  });

  api('POST', `${CONSOLE_API}/decode`, async (_req, res, url, body) => {
    const format = url.searchParams.get('format') === 'json' ? 'json' : 'text';
    try {
      await streamDecodedFile(body, res, format, SECURITY_HEADERS, options.metrics);
    } catch (e) {
      if (e instanceof DecodeInputError) throw new HttpError(e.status, e.message);
      throw e;
    }
  }, { maxBodyBytes: DECODE_MAX_UPLOAD_BYTES });

  // Live tail: replay from the store, then the records the store's exporter accepts (collector/tail).
  const tail = options.liveTail
    ? new TailEndpoint({
        hub: options.liveTail,
        replay: ex ? new ClickHouseReplay(store, { database: ex.database || 'otel', table: ex.logs_table_name || 'otel_logs' }) : undefined,
        logger: options.logger,
      })
    : undefined;
  if (tail) api('GET', `${CONSOLE_API}/tail`, (req, res, url) => tail.handle(req, res, url));

  api('GET', `${CONSOLE_API}/tree`, (_req, res) => {
    const plane = options.control;
    sendJson(res, 200, {
      controlEnabled: plane !== undefined,
      rulesVersion: plane ? plane.version.toString() : '0',
      services: buildControlTree(options.templates, plane?.rules ?? []),
    });
  });

  api('PUT', `${CONSOLE_API}/rules`, async (req, res, _url, body) => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send the rule as application/json');
    const plane = options.control;
    if (!plane) throw new HttpError(503, 'the control plane is off in this collector (service.control)');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new RuleValidationError(`body: not JSON (${(e as Error).message})`);
    }
    if (input === null || typeof input !== 'object') throw new RuleValidationError('body: expected an object');
    if (typeof input.service !== 'string' || input.service === '') throw new RuleValidationError('service: required');
    const target: RuleTarget = { service: input.service };
    if (typeof input.function === 'string' && input.function !== '') target.function = input.function;
    if (input.templateId !== undefined && input.templateId !== '' && input.templateId !== null) target.templateId = parseTemplateId(input.templateId);
    const who = requestPrincipal(req) ?? `console@${req.socket.remoteAddress ?? 'unknown'}`;
    const state = input.state;
    if (state === 'inherit') {
      await plane.clearRule(target, { updatedBy: who });
    } else if (state === 'on' || state === 'off' || state === 'auto') {
      await plane.setRule({ target, state, reason: typeof input.reason === 'string' ? input.reason : 'set in the console', updatedBy: who });
    } else {
      throw new RuleValidationError('state: expected on, off, auto or inherit');
    }
    sendJson(res, 200, { ok: true, state, rulesVersion: plane.version.toString() });
  });

  return {
    sampler,
    async close() {
      tail?.close();
      sampler.stop();
      closed = true;
    },
  };
}
