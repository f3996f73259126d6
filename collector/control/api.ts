/**
 * The control HTTP API, mounted on the collector's admin server:
 *
 *   GET    /api/v1/rules[?service=s][&source=manual|auto]   → 200 {version, rules: [RuleJson]}
 *   PUT    /api/v1/rules   body {target, state, sampleRate?, minSeverity?, reason?}
 *                                                           → 200 {version, rule}; 400 invalid (a target field
 *                                                             over rules.ts MAX_TARGET_FIELD_LENGTH, ...);
 *                                                             413 past a ControlLimits bound (rules per service,
 *                                                             rules in all, size of the SDK update); 503 store down
 *   DELETE /api/v1/rules?id=<ruleId> | ?target=<id or ruleId> | ?service=..[&instance=][&function=][&template=]
 *                       [&source=auto], or with a JSON body {"id": ...} / {"target": "<id>" | {...}} [, "source"]
 *                       (for targets too long for a query string)
 *                                                           → 200 {version, cleared: true}; 404 no such rule
 *
 * With a token configured every request needs `Authorization: Bearer <token>`
 * (401 otherwise; compared in constant time). JSON shapes: json.ts.
 *
 * `updatedBy` of a write is the authenticated principal (options.principalOf, by
 * default collector/security/principal.ts requestPrincipal, set by whatever
 * authenticated the request), else `token@<address>` (the control token matched) or
 * `anonymous@<address>` (no token configured). An `updatedBy` in the body is a
 * client's claim and is ignored.
 */
import type * as http from 'http';
import { bearerTokenOf, tokensMatch } from '../security/bearer-auth';
import type { RouteHandler, RouteOptions } from '../service/admin-server';
import { RuleValidationError, targetKey } from './rules';
import { ControlStoreUnavailableError, RuleLimitError, type ControlPlane } from './store';
import { parseDeleteBody, parseDeleteQuery, parseRuleRequest, parseSourceParam, ruleToJson, type DeleteSelector, type RuleListJson } from './json';
import { requestPrincipal } from '../security/principal';
import type { RuleSource, Target } from './rules';

export const RULES_PATH = '/api/v1/rules';

export interface ControlApiOptions {
  /** Bearer token required on every request; '' or undefined = no auth. */
  token?: string;
  /** The authenticated principal of a request (recorded as updatedBy); default requestPrincipal. */
  principalOf?: (req: http.IncomingMessage) => string | undefined;
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
  const routeOptions: RouteOptions = token ? { tokens: [token], tokensPrincipal: 'control-token' } : {};
  const principalOf = options.principalOf ?? requestPrincipal;
  const who = (req: http.IncomingMessage): string =>
    principalOf(req) ?? `${token !== '' ? 'token' : 'anonymous'}@${req.socket.remoteAddress ?? 'unknown'}`;
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
        if (e instanceof RuleLimitError) return send(res, 413, { error: e.message });
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
      input.updatedBy = who(req);
      const rule = await plane.setRule(input);
      send(res, 200, { version: plane.version.toString(), rule: ruleToJson(rule) });
    }),
    routeOptions,
  );

  admin.route(
    'DELETE',
    RULES_PATH,
    guarded(async (req, res, body, url) => {
      let selector: DeleteSelector;
      let source: RuleSource;
      if (body.length > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch (e) {
          throw new RuleValidationError(`body: not JSON (${(e as Error).message})`);
        }
        const b = parseDeleteBody(parsed);
        selector = b.selector;
        source = b.source ?? parseSourceParam(url.searchParams.get('source'));
      } else {
        selector = parseDeleteQuery(url.searchParams);
        source = parseSourceParam(url.searchParams.get('source'));
      }
      let target: Target | undefined;
      if ('target' in selector) target = selector.target;
      else target = plane.targetOfShortId(selector.shortId, source);
      const cleared = target !== undefined && (await plane.clearRule(target, { source, updatedBy: who(req) }));
      if (!cleared) {
        const named = target !== undefined ? targetKey(target) : (selector as { shortId: string }).shortId;
        return send(res, 404, { error: `no ${source} rule ${named.length > 200 ? named.slice(0, 200) + '...' : named}` });
      }
      send(res, 200, { version: plane.version.toString(), cleared: true });
    }),
    routeOptions,
  );
}
