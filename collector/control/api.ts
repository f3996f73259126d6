/**
 * The control HTTP API, mounted on the collector's admin server:
 *
 *   GET    /api/v1/rules[?service=s][&source=manual|auto]   → 200 {version, rules: [RuleJson]}
 *   PUT    /api/v1/rules   body {target, state, sampleRate?, minSeverity?, reason?}
 *                                                           → 200 {version, rule}; 400 invalid; 503 store down
 *   DELETE /api/v1/rules?target=<id> | ?service=..[&instance=][&function=][&template=] [&source=auto]
 *                                                           → 200 {version, cleared: true}; 404 no such rule
 *
 * With a token configured every request needs `Authorization: Bearer <token>`
 * (401 otherwise; compared in constant time). JSON shapes: json.ts.
 */
import type * as http from 'http';
import { bearerTokenOf, tokensMatch } from '../security/bearer-auth';
import type { RouteHandler, RouteOptions } from '../service/admin-server';
import { RuleValidationError, targetKey } from './rules';
import { ControlStoreUnavailableError, type ControlPlane } from './store';
import { parseRuleRequest, parseSourceParam, parseTargetQuery, ruleToJson, type RuleListJson } from './json';

export const RULES_PATH = '/api/v1/rules';

export interface ControlApiOptions {
  /** Bearer token required on every request; '' or undefined = no auth. */
  token?: string;
  /** The admin token, accepted too (the admin server checks token or session before the body is read). */
  acceptAdminToken?: string;
}

/** Anything with the admin server's `route` (so tests can mount on their own server). */
export interface RouteTarget {
  route(method: string, path: string, handler: RouteHandler, options?: RouteOptions): void;
}

/** Constant-time check of an Authorization header against the token (security/bearer-auth.ts: hashing first evens out lengths). */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  return tokensMatch(bearerTokenOf(header), token);
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function mountControlApi(admin: RouteTarget, plane: ControlPlane, options: ControlApiOptions = {}): void {
  const token = options.token ?? '';
  // With its own token, the control API needs that token (checked by the admin server before the
  // body is read, and again here for servers that mount it without one); else the admin token.
  const routeOptions: RouteOptions = token ? { tokens: [token] } : {};
  const guarded =
    (handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, url: URL) => Promise<void> | void): RouteHandler =>
    async (req, res, body) => {
      if (token !== '' && !bearerTokenMatches(req.headers.authorization, token)) {
        return send(res, 401, { error: 'missing or invalid bearer token (Authorization: Bearer <token>)' }, { 'www-authenticate': 'Bearer realm="logfun"' });
      }
      try {
        await handler(req, res, body, new URL(req.url ?? '/', 'http://admin'));
      } catch (e) {
        if (e instanceof RuleValidationError) return send(res, 400, { error: e.message });
        if (e instanceof ControlStoreUnavailableError) return send(res, 503, { error: e.message });
        throw e;
      }
    };

  admin.route(
    'GET',
    RULES_PATH,
    guarded((_req, res, _body, url) => {
      const service = url.searchParams.get('service');
      const sourceParam = url.searchParams.get('source');
      const source = sourceParam === null ? undefined : parseSourceParam(sourceParam);
      const rules = plane.rules.filter((r) => (service === null || r.target.service === service) && (source === undefined || r.source === source));
      const out: RuleListJson = { version: plane.version.toString(), rules: rules.map((r) => ruleToJson(r, plane.droppedCount(r.target, r.source))) };
      send(res, 200, out);
    }),
    routeOptions,
  );

  admin.route(
    'PUT',
    RULES_PATH,
    guarded(async (req, res, body) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new RuleValidationError(`body: not JSON (${(e as Error).message})`);
      }
      const input = parseRuleRequest(parsed);
      if (!input.updatedBy) input.updatedBy = `api@${req.socket.remoteAddress ?? 'unknown'}`;
      const rule = await plane.setRule(input);
      send(res, 200, { version: plane.version.toString(), rule: ruleToJson(rule) });
    }),
    routeOptions,
  );

  admin.route(
    'DELETE',
    RULES_PATH,
    guarded(async (req, res, _body, url) => {
      const target = parseTargetQuery(url.searchParams);
      const source = parseSourceParam(url.searchParams.get('source'));
      const cleared = await plane.clearRule(target, { source, updatedBy: `api@${req.socket.remoteAddress ?? 'unknown'}` });
      if (!cleared) return send(res, 404, { error: `no ${source} rule for target ${targetKey(target)}` });
      send(res, 200, { version: plane.version.toString(), cleared: true });
    }),
    routeOptions,
  );
}
