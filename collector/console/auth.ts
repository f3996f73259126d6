/**
 * Admin credentials: the admin token, and console sessions made from it.
 *
 * The admin endpoint always has a token. When none is configured
 * (service.telemetry.admin.console_token or $LOGFUN_CONSOLE_TOKEN), one is made at
 * the first start and kept in a file only its owner can read (0600, beside the
 * default data folder: see defaultTokenFile), the way Jupyter does; later starts and the `logfun` CLI
 * on the same machine read it from there.
 *
 * A person signs in to the console once with `?token=<token>` (the demo's banner
 * prints that URL); the answer sets a session cookie holding a random session id,
 * never the token (HttpOnly, SameSite=Strict, Secure under TLS, 12 h), and
 * redirects to the same URL without the token so it does not stay in history.
 * Programs send `Authorization: Bearer <token>`. Tokens are compared in constant
 * time (security/bearer-auth.ts).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as http from 'http';
import { tokensMatch } from '../security/bearer-auth';

export const CONSOLE_TOKEN_ENV = 'LOGFUN_CONSOLE_TOKEN';
export const CONSOLE_COOKIE = 'logfun_session';
/** Where the token is kept when the data is in the default embedded folder (./.logfun/data). */
export const DEFAULT_TOKEN_FILE = path.join('.logfun', 'admin-token');
/** Beside the token file: the admin URL of the collector that made the token (the CLI sends the token only there). */
export const ADMIN_URL_FILE = 'admin-url';
const SESSION_TTL_MS = 12 * 3600_000;
/** Sessions kept at once; the oldest goes first beyond this (a sign-in flood cannot grow memory). */
const MAX_SESSIONS = 1024;

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

/** The Bearer token of a request, or undefined. */
export function bearerOf(req: http.IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1].trim() : undefined;
}

/** Console sessions: random ids with an expiry, at most MAX_SESSIONS. */
export class AdminSessions {
  private readonly expiry = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session id (256 random bits, base64url). */
  create(): string {
    const id = crypto.randomBytes(32).toString('base64url');
    while (this.expiry.size >= MAX_SESSIONS) this.expiry.delete(this.expiry.keys().next().value as string);
    this.expiry.set(id, this.now() + SESSION_TTL_MS);
    return id;
  }

  /** True while `id` names a live session. */
  valid(id: string | undefined): boolean {
    if (!id) return false;
    const until = this.expiry.get(id);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.expiry.delete(id);
      return false;
    }
    return true;
  }

  end(id: string | undefined): void {
    if (id) this.expiry.delete(id);
  }

  /** The request's session id from its cookie, or undefined. */
  idOf(req: http.IncomingMessage): string | undefined {
    return cookieValue(req.headers.cookie, CONSOLE_COOKIE);
  }

  /** The Set-Cookie value for a new session. */
  static cookie(id: string, secure: boolean): string {
    return `${CONSOLE_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  /** The Set-Cookie value that ends a session in the browser. */
  static clearedCookie(secure: boolean): string {
    return `${CONSOLE_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
  }
}

/**
 * The default token file: ./.logfun/admin-token in the collector's working directory,
 * beside the default embedded store (./.logfun/data), and where `logfun sql`, `tail`
 * and `control` look when run from the same folder.
 */
export function defaultTokenFile(): string {
  return path.resolve(DEFAULT_TOKEN_FILE);
}

/** The token kept in `file`, or undefined when there is none (or it cannot be read). */
export function readTokenFile(file: string): string | undefined {
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

/**
 * The token in `file`, made and written (0600, folder 0700) when there is none.
 * @returns the token and whether it was made now (the caller prints it once)
 */
export function loadOrCreateTokenFile(file: string): { token: string; created: boolean } {
  const existing = readTokenFile(file);
  if (existing) return { token: existing, created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = crypto.randomBytes(24).toString('base64url');
  try {
    // 'wx': two collectors starting at once must not both write; the loser reads the winner's.
    fs.writeFileSync(file, token + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readTokenFile(file);
      if (raced) return { token: raced, created: false };
    }
    throw new Error(`cannot write the admin token to ${file}: ${(e as Error).message} (set service.telemetry.admin.console_token or $${CONSOLE_TOKEN_ENV})`);
  }
  return { token, created: true };
}

/** The admin URL recorded beside the token file (by writeAdminUrlFile), or undefined. */
export function readAdminUrlFile(tokenFile: string): string | undefined {
  return readTokenFile(path.join(path.dirname(tokenFile), ADMIN_URL_FILE));
}

/**
 * Records `url` beside the token file (0600), for the CLI; best effort.
 * @returns whether it was written (the caller then owns the record and removes it at stop)
 */
export function writeAdminUrlFile(tokenFile: string, url: string): boolean {
  try {
    fs.writeFileSync(path.join(path.dirname(tokenFile), ADMIN_URL_FILE), url + '\n', { mode: 0o600 });
    return true;
  } catch {
    return false; // the CLI then uses its default address, without the file's token
  }
}

/** Removes the record of writeAdminUrlFile when it still names `url`. */
export function removeAdminUrlFile(tokenFile: string, url: string): void {
  const file = path.join(path.dirname(tokenFile), ADMIN_URL_FILE);
  if (readTokenFile(file) === url) fs.rmSync(file, { force: true });
}
