/**
 * The collector's admin HTTP endpoint (default 127.0.0.1:13133):
 *   GET  /healthz        liveness: 200 "ok" while running (503 while starting/stopping)
 *   GET  /readyz         readiness: 200 "ready" while running and every exporter can write;
 *                        503 with one reason per line while starting, shutting down, while a
 *                        store is not reachable, or when an exporter has written nothing for 30 s
 *                        with records pending (see telemetry/readiness.ts)
 *   GET  /metrics        the collector's own metrics (and process memory/CPU), Prometheus text format
 *   POST /api/v1/sql     body = one read-only SQL statement (Content-Type application/sql, or
 *                        application/json {"query": "..."}); answers JSON {"rows": [...]} streamed
 *                        as the engine produces it; a failure after the first rows ends the
 *                        object with "error" (read-only and limits: storage/clickhouse-reader.ts)
 * Extra routes are mounted by the console and the control API.
 *
 * Before any route runs, and before its body is read (security/admin-access.ts):
 * the Host must be one this endpoint answers to, a browser request must come from
 * our own origin, and every route but the probes, /metrics and the console's pages
 * needs the admin token (Bearer) or a console session (console/auth.ts). Bodies are
 * read up to 1 MiB (413 beyond) or a route's own bound. Connections are capped (in
 * all and per client address) and slow clients cut off (header and request
 * timeouts), so a flood of half-open requests cannot take the descriptors the
 * collector needs, nor the probes' way in.
 * With service.telemetry.admin.tls it serves HTTPS only (adminTlsOf).
 */
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { CollectorConfig } from '../config/config';
import { loadServerTls, secureServerOptions, type ServerTlsMaterial } from '../security/server-tls';
import type { Metrics } from '../telemetry/metrics';
import { registerProcessMetrics } from '../telemetry/process-metrics';
import { ReadinessTracker } from '../telemetry/readiness';
import { tokensMatch } from '../security/bearer-auth';
import { crossSiteRefusal, hostAllowed } from '../security/admin-access';
import { AdminSessions, bearerOf } from '../console/auth';
import { setRequestPrincipal } from '../security/principal';
import type { SqlHandler } from './sql-handler';
import { ReaderBusyError } from '../storage/clickhouse-reader';
import { waitDrain } from '../console/decode-upload';

export type { SqlHandler } from './sql-handler';
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<void> | void;

/** Default bound of a request body (the SQL API, console JSON); routes may set their own. */
const MAX_BODY_BYTES = 1 << 20;
/** Open connections at once; more are closed on arrival. */
const MAX_CONNECTIONS = 256;
/**
 * Open connections from one address: one client cannot take the whole budget, so the
 * kubelet's probes (from the node's address) still get through a flood from a pod.
 */
const MAX_CONNECTIONS_PER_CLIENT = 32;
/** A client has this long to send its headers, and this long for the whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export interface RouteOptions {
  /** Largest body this route accepts; larger requests get 413 before the handler runs. */
  maxBodyBytes?: number;
  /** 'public': no credentials (the route answers for itself); default 'token'. */
  access?: 'token' | 'public';
  /** A page other sites may link to: a top-level GET navigation passes the same-origin check. */
  navigable?: boolean;
  /** Bearer tokens this route needs instead of the admin token or a session (the control API's own token). */
  tokens?: readonly string[];
  /** The principal name of a request that presents one of `tokens` (default "route-token"). */
  tokensPrincipal?: string;
}

interface Route {
  handler: RouteHandler;
  options: RouteOptions;
}

const PUBLIC_GET = new Set(['/healthz', '/readyz', '/metrics']);
/** Content types a browser cannot send cross-site without a CORS preflight (which we never answer). */
const SQL_CONTENT_TYPE = /^application\/(sql|json)\b/i;

/** How often exporter progress is sampled for /readyz. */
const READINESS_SAMPLE_MS = 1000;

export class AdminServer {
  private server: http.Server | https.Server | undefined;
  private readonly routes = new Map<string, Route>();
  private secure = false;
  healthy = false;
  sqlHandler: SqlHandler | undefined;
  /** The admin token every guarded route needs; '' = none (only for servers built by tests). */
  adminToken = '';
  /** Host names this endpoint answers to besides IP literals and localhost; "*" = any. */
  allowedHosts: readonly string[] = [];
  /** Console sessions (made by the console's sign-in). */
  readonly sessions = new AdminSessions();
  /** Decides /readyz beyond `healthy`; the owner passes it the components to watch. */
  readonly readiness: ReadinessTracker;
  private readinessTimer: NodeJS.Timeout | undefined;

  constructor(private readonly metrics: Metrics) {
    registerProcessMetrics(metrics);
    this.readiness = new ReadinessTracker(metrics);
  }

  /** Mounts a handler for "METHOD /path" (exact match). */
  route(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    this.routes.set(`${method} ${path}`, { handler, options });
  }

  get port(): number {
    const addr = this.server?.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** The address actually bound, as a URL base (http(s)://host:port), or undefined before listen. */
  get boundUrl(): string | undefined {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    if (!addr || typeof addr !== 'object') return undefined;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `${this.secure ? 'https' : 'http'}://${host}:${addr.port}`;
  }

  /** Listens on host:port; with `tls`, HTTPS only. */
  async listen(endpoint: string, tls?: ServerTlsMaterial): Promise<void> {
    const { host, port } = splitEndpoint(endpoint);
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.handle(req, res);
    // Node checks the two timeouts every connectionsCheckingInterval (30 s by default): check every second.
    const limits: http.ServerOptions = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connectionsCheckingInterval: 1000 };
    this.secure = tls !== undefined;
    this.server = tls ? https.createServer({ ...secureServerOptions(tls), ...limits }, onRequest) : http.createServer(limits, onRequest);
    this.server.maxConnections = MAX_CONNECTIONS;
    const perClient = new Map<string, number>();
    this.server.on('connection', (socket) => {
      const from = socket.remoteAddress ?? '';
      const open = (perClient.get(from) ?? 0) + 1;
      if (open > MAX_CONNECTIONS_PER_CLIENT) return void socket.destroy();
      perClient.set(from, open);
      socket.once('close', () => {
        const left = (perClient.get(from) ?? 1) - 1;
        if (left <= 0) perClient.delete(from);
        else perClient.set(from, left);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.readinessTimer = setInterval(() => this.readiness.sample(), READINESS_SAMPLE_MS);
    this.readinessTimer.unref();
  }

  /**
   * Who the request is, by its credentials: the admin token, a live console session,
   * or (with `routeTokens`) one of those Bearer tokens instead; undefined = nobody.
   */
  principalOf(req: http.IncomingMessage, routeTokens?: readonly string[], routeTokensPrincipal = 'route-token'): string | undefined {
    const at = `@${req.socket.remoteAddress ?? 'unknown'}`;
    const bearer = bearerOf(req);
    if (routeTokens && routeTokens.length) return bearer !== undefined && routeTokens.some((t) => tokensMatch(bearer, t)) ? `${routeTokensPrincipal}${at}` : undefined;
    if (this.adminToken === '') return `anonymous${at}`;
    if (bearer !== undefined) return tokensMatch(bearer, this.adminToken) ? `admin-token${at}` : undefined;
    const session = this.sessions.idOf(req);
    return this.sessions.valid(session) ? `console-session:${session!.slice(0, 8)}${at}` : undefined;
  }

  /** True when the request carries the admin token or a live console session. */
  authenticated(req: http.IncomingMessage): boolean {
    return this.principalOf(req) !== undefined;
  }

  /** True when this endpoint serves TLS (cookies get Secure). */
  get isSecure(): boolean {
    return this.secure;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (!hostAllowed(req.headers.host, this.allowedHosts)) {
      return refuse(res, 403, `host ${JSON.stringify(req.headers.host ?? '')} is not one this endpoint answers to (service.telemetry.admin.allowed_hosts)`);
    }
    const custom = this.routes.get(`${req.method} ${url.pathname}`);
    const isBuiltinPublic = !custom && (req.method === 'GET' || req.method === 'HEAD') && PUBLIC_GET.has(url.pathname);
    const options: RouteOptions = custom?.options ?? { access: isBuiltinPublic ? 'public' : 'token' };
    const crossSite = crossSiteRefusal(req, this.secure, options.navigable === true);
    if (crossSite) return refuse(res, crossSite.status, crossSite.error);
    const principal = options.access === 'public' ? undefined : this.principalOf(req, options.tokens, options.tokensPrincipal);
    if (principal !== undefined) setRequestPrincipal(req, principal);
    else if (options.access !== 'public') {
      res.setHeader('www-authenticate', 'Bearer realm="logfun"');
      return refuse(res, 401, 'missing or invalid admin token (Authorization: Bearer <token>; the token is in the file the collector printed at start, or service.telemetry.admin.console_token)');
    }
    const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return refuse(res, 413, `request body larger than ${maxBodyBytes} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > maxBodyBytes) return refuse(res, 413, `request body larger than ${maxBodyBytes} bytes`);
        chunks.push(c as Buffer);
      }
    } catch {
      return void res.destroy();
    }
    const body = Buffer.concat(chunks);
    try {
      if (custom) return await custom.handler(req, res, body);
      if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(this.healthy ? 200 : 503, { 'content-type': 'text/plain' });
        return void res.end(this.healthy ? 'ok\n' : 'unavailable\n');
      }
      if (url.pathname === '/readyz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const report = this.healthy ? this.readiness.check() : { ready: false, reasons: ['collector is starting or shutting down'] };
        res.writeHead(report.ready ? 200 : 503, { 'content-type': 'text/plain' });
        return void res.end(report.ready ? 'ready\n' : `not ready\n${report.reasons.join('\n')}\n`);
      }
      if (url.pathname === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return void res.end(this.metrics.render());
      }
      if (url.pathname === '/api/v1/sql') {
        if (req.method !== 'POST') return send(res, 405, { error: 'use POST with the query as the body' });
        return await this.serveSql(req, res, body);
      }
      send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      send(res, 400, { error: (e as Error).message });
    }
  }

  /** POST /api/v1/sql: the statement's rows, streamed as one JSON object {"rows": [...]}. */
  private async serveSql(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    if (!SQL_CONTENT_TYPE.test(type)) return send(res, 415, { error: 'send the query as Content-Type: application/sql (or application/json {"query": "..."})' });
    let sql = body.toString('utf8');
    if (/^application\/json/i.test(type)) {
      try {
        const parsed = JSON.parse(sql) as { query?: unknown };
        if (typeof parsed?.query !== 'string') throw new Error('expected {"query": "<sql>"}');
        sql = parsed.query;
      } catch (e) {
        return send(res, 400, { error: `body: ${(e as Error).message}` });
      }
    }
    if (!this.sqlHandler) return send(res, 503, { error: 'no ClickHouse store in this collector' });
    const abort = new AbortController();
    // The client going away cancels the query (between chunks, or by the server on HTTP).
    res.once('close', () => abort.abort());
    const chunks = this.sqlHandler(sql, abort.signal)[Symbol.asyncIterator]();
    let first: IteratorResult<Record<string, unknown>[]>;
    try {
      first = await chunks.next();
    } catch (e) {
      const status = e instanceof ReaderBusyError ? 503 : 400;
      return send(res, status, { error: (e as Error).message });
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.write('{"rows":[');
    let count = 0;
    const writeRows = async (rows: Record<string, unknown>[]): Promise<void> => {
      for (const row of rows) {
        if (!res.write((count++ === 0 ? '\n' : ',\n') + JSON.stringify(row))) await waitDrain(res);
        if (res.destroyed) return;
      }
    };
    try {
      for (let next = first; !next.done && !res.destroyed; next = await chunks.next()) await writeRows(next.value);
      res.end('\n]}\n');
    } catch (e) {
      if (!res.destroyed) res.end(`\n],"error":${JSON.stringify((e as Error).message)}}\n`);
    } finally {
      await chunks.return?.(undefined).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.readinessTimer) clearInterval(this.readinessTimer);
    this.readinessTimer = undefined;
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections?.();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Answers an error before the body was read, and closes the connection so the unread body goes with it. */
function refuse(res: http.ServerResponse, status: number, error: string): void {
  res.setHeader('connection', 'close');
  send(res, status, { error });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  if (i < 0) throw new Error(`endpoint "${endpoint}" must be host:port`);
  const host = endpoint.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(endpoint.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`endpoint "${endpoint}": invalid port`);
  return { host, port };
}

/** The admin endpoint's TLS material (service.telemetry.admin.tls), read now; undefined = plain HTTP. */
export function adminTlsOf(config: CollectorConfig): ServerTlsMaterial | undefined {
  const tls = config.telemetry.admin.tls;
  return tls ? loadServerTls(tls, 'service.telemetry.admin.tls') : undefined;
}
