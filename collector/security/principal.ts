/**
 * Who made a request, as the collector authenticated it: the name recorded as
 * `updatedBy` of the control rules the request writes (never a name the client put
 * in the body: that is a claim, and an audit field must not be forgeable).
 *
 * Whatever authenticates a request (the admin server's token check, the console's
 * session) calls setRequestPrincipal(req, name) before the route handler runs; a
 * route reads it with requestPrincipal(req). Unset = nobody authenticated a name:
 * routes fall back to a description of how the request got in (see
 * collector/control/api.ts).
 */
import type * as http from 'http';

const PRINCIPAL = Symbol('logfun.principal');

type WithPrincipal = http.IncomingMessage & { [PRINCIPAL]?: string };

/** Records the authenticated principal of a request (e.g. `console:alice`, `token:control`). */
export function setRequestPrincipal(req: http.IncomingMessage, name: string): void {
  (req as WithPrincipal)[PRINCIPAL] = name;
}

/** The authenticated principal of a request, undefined when none was recorded. */
export function requestPrincipal(req: http.IncomingMessage): string | undefined {
  const p = (req as WithPrincipal)[PRINCIPAL];
  return typeof p === 'string' && p !== '' ? p : undefined;
}
