/**
 * The collector's admin HTTP endpoint (default 127.0.0.1:13133):
 *   GET  /healthz        liveness: 200 "ok" while running (503 while starting/stopping)
 *   GET  /readyz         readiness: 200 "ready" while running and every exporter can write;
 *                        503 with one reason per line while starting, shutting down, while a
 *                        store is not reachable, or when an exporter has written nothing for 30 s
 *                        with records pending (see telemetry/readiness.ts)
 *   GET  /metrics        the collector's own metrics (and process memory/CPU), Prometheus text format
 *   POST /api/v1/sql     body = one read-only SQL query; answers JSON {columns?, rows}
 *                        (used by `logfun sql` while a collector holds the embedded store);
 *                        with a console token set (sqlToken) it answers 401 without it: the
 *                        query API reads every stored record, like the console
 * Extra routes can be mounted by later components (console, control API).
 * Request bodies are read up to 1 MiB (413 beyond), or a route's own bound.
 * With service.telemetry.admin.tls it serves HTTPS only (adminTlsOf).
 */
import * as http from 'http';
import * as https from 'https';
import type { CollectorConfig } from '../config/config';
import { loadServerTls, secureServerOptions, type ServerTlsMaterial } from '../security/server-tls';
import type { Metrics } from '../telemetry/metrics';
import { registerProcessMetrics } from '../telemetry/process-metrics';
import { ReadinessTracker } from '../telemetry/readiness';
import { tokensMatch } from '../security/bearer-auth';
import { presentedToken } from '../console/auth';

export type SqlHandler = (sql: string) => Promise<Record<string, unknown>[]>;
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<void> | void;

/** Default bound of a request body (the SQL API, console JSON); routes may set their own. */
const MAX_BODY_BYTES = 1 << 20;

export interface RouteOptions {
  /** Largest body this route accepts; larger requests get 413 before the handler runs. */
  maxBodyBytes?: number;
}
/** How often exporter progress is sampled for /readyz. */
const READINESS_SAMPLE_MS = 1000;

export class AdminServer {
  private server: http.Server | https.Server | undefined;
  private readonly routes = new Map<string, { handler: RouteHandler; maxBodyBytes: number }>();
  healthy = false;
  sqlHandler: SqlHandler | undefined;
  /** Token /api/v1/sql requires (Bearer header or the console's session cookie); '' = none. */
  sqlToken = '';
  /** Decides /readyz beyond `healthy`; the owner passes it the components to watch. */
  readonly readiness: ReadinessTracker;
  private readinessTimer: NodeJS.Timeout | undefined;

  constructor(private readonly metrics: Metrics) {
    registerProcessMetrics(metrics);
    this.readiness = new ReadinessTracker(metrics);
  }

  /** Mounts a handler for "METHOD /path" (exact match). */
  route(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    this.routes.set(`${method} ${path}`, { handler, maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES });
  }

  get port(): number {
    const addr = this.server?.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** Listens on host:port; with `tls`, HTTPS only. */
  async listen(endpoint: string, tls?: ServerTlsMaterial): Promise<void> {
    const { host, port } = splitEndpoint(endpoint);
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.handle(req, res);
    this.server = tls ? https.createServer(secureServerOptions(tls), onRequest) : http.createServer(onRequest);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.readinessTimer = setInterval(() => this.readiness.sample(), READINESS_SAMPLE_MS);
    this.readinessTimer.unref();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const custom = this.routes.get(`${req.method} ${url.pathname}`);
    const maxBodyBytes = custom?.maxBodyBytes ?? MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxBodyBytes) {
        res.setHeader('connection', 'close');
        return send(res, 413, { error: `request body larger than ${maxBodyBytes} bytes` });
      }
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks);
    try {
      if (custom) return await custom.handler(req, res, body);
      if (url.pathname === '/healthz') {
        res.writeHead(this.healthy ? 200 : 503, { 'content-type': 'text/plain' });
        return void res.end(this.healthy ? 'ok\n' : 'unavailable\n');
      }
      if (url.pathname === '/readyz') {
        const report = this.healthy ? this.readiness.check() : { ready: false, reasons: ['collector is starting or shutting down'] };
        res.writeHead(report.ready ? 200 : 503, { 'content-type': 'text/plain' });
        return void res.end(report.ready ? 'ready\n' : `not ready\n${report.reasons.join('\n')}\n`);
      }
      if (url.pathname === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return void res.end(this.metrics.render());
      }
      if (url.pathname === '/api/v1/sql') {
        if (req.method !== 'POST') return send(res, 405, { error: 'use POST with the query as the body' });
        if (this.sqlToken !== '' && !this.sqlAuthorized(req)) {
          res.setHeader('www-authenticate', 'Bearer');
          return send(res, 401, { error: 'the SQL API needs the console token (Authorization: Bearer <token>; `logfun sql --token` or $LOGFUN_CONSOLE_TOKEN)' });
        }
        if (!this.sqlHandler) return send(res, 503, { error: 'no ClickHouse store in this collector' });
        const rows = await this.sqlHandler(body.toString('utf8'));
        return send(res, 200, { rows });
      }
      send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (e) {
      send(res, 400, { error: (e as Error).message });
    }
  }

  private sqlAuthorized(req: http.IncomingMessage): boolean {
    return tokensMatch(presentedToken(req), this.sqlToken);
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
