/**
 * Who may talk to the admin endpoint (console, SQL API, control API), checked by
 * the admin server before a route runs and before a request body is read.
 *
 *   1. Host: the request's Host must be an IP literal, `localhost` (or a name under
 *      .localhost), or a configured name (service.telemetry.admin.allowed_hosts;
 *      "*" allows any). A DNS-rebinding page reaches us under its own name, which
 *      is none of these, so it is refused. An IP literal cannot be rebound: a page
 *      served from that address would be us.
 *   2. Same origin: a browser request from another site is refused: an `Origin`
 *      other than our own, or `Sec-Fetch-Site` other than same-origin / none
 *      (a user typing the URL). Only a top-level navigation to a page is let
 *      through from elsewhere (a link to the console); pages hold no data.
 *      Programs (curl, Prometheus, the kubelet, `logfun`) send neither header.
 *   3. Credentials: every route but the probes, metrics and pages needs the admin
 *      token as `Authorization: Bearer`, or a console session cookie (sessions.ts).
 */
import * as net from 'net';
import type * as http from 'http';

export interface AccessDecision {
  status: number;
  error: string;
}

/** True when `host` (a Host header, with or without port) may address this admin endpoint. */
export function hostAllowed(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (!hostHeader) return false;
  if (allowed.includes('*')) return true;
  const name = hostNameOf(hostHeader).toLowerCase();
  if (name === '') return false;
  if (net.isIP(name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((a) => a.toLowerCase() === name);
}

/** The name part of a Host header: "[::1]:80" -> "::1", "a.b:13133" -> "a.b". */
export function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : '';
  }
  const colon = h.indexOf(':');
  return (colon >= 0 ? h.slice(0, colon) : h).replace(/\.$/, '');
}

/**
 * Why a request must be refused as cross-site, or undefined when it may go on.
 * @param navigable the route is a page that another site may link to (GET navigation only)
 */
export function crossSiteRefusal(req: http.IncomingMessage, secure: boolean, navigable: boolean): AccessDecision | undefined {
  const site = header(req, 'sec-fetch-site');
  const isNavigation = req.method === 'GET' && header(req, 'sec-fetch-mode') === 'navigate';
  if (navigable && isNavigation) return undefined;
  const origin = header(req, 'origin');
  if (origin !== undefined) {
    const own = `${secure ? 'https' : 'http'}://${(req.headers.host ?? '').toLowerCase()}`;
    if (origin.toLowerCase() !== own) return { status: 403, error: `cross-origin request refused (Origin ${origin} is not ${own})` };
  }
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, error: `cross-site request refused (Sec-Fetch-Site: ${site})` };
  }
  return undefined;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
