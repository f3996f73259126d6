/**
 * Console authentication. With a token configured, every console page and
 * /api/v1/console request must carry it, either as `Authorization: Bearer <token>`
 * or as the session cookie set by a `?token=<token>` login (the login answers with
 * a redirect to the same URL without the token, so it does not stay in history).
 * Tokens are compared in constant time (both sides hashed first, so lengths do
 * not leak either).
 */
import type * as http from 'http';
import { tokensMatch } from '../security/bearer-auth';

export const CONSOLE_TOKEN_ENV = 'LOGFUN_CONSOLE_TOKEN';
export const CONSOLE_COOKIE = 'logfun_console';

/** Constant-time equality of a presented token with the configured one ('' never matches); see security/bearer-auth.ts. */
export function consoleTokenMatches(given: string | undefined, token: string): boolean {
  return tokensMatch(given, token);
}

/** The value of one cookie from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The token a request presents: the Bearer header first, else the session cookie. */
export function presentedToken(req: http.IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (m) return m[1].trim();
  return cookieValue(req.headers.cookie, CONSOLE_COOKIE);
}

/** The session cookie for a successful login (HttpOnly, SameSite=Strict, path /). */
export function sessionCookie(token: string): string {
  return `${CONSOLE_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
