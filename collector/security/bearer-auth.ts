/**
 * Bearer-token authentication shared by the collector's servers (otlp receiver,
 * and the helpers the console and control API use).
 *
 * Receiver config, per protocol (the fields of otelcol's bearertokenauth
 * extension, written inline):
 *
 *   auth:
 *     token: ${env:LOGFUN_INGEST_TOKEN}   # or:
 *     filename: /run/secrets/ingest-token # read once at start, surrounding whitespace trimmed
 *
 * Clients send `authorization: Bearer <token>` (gRPC metadata or HTTP header).
 * Tokens are compared in constant time: both sides are hashed first, so neither
 * the content nor the length of the expected token leaks through timing.
 */
import { createHash, timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import { isPlainObject } from '../config/merge';

export interface BearerAuthConfig {
  /** The expected token. */
  token?: string;
  /** A file holding the token (read at start; whitespace around it trimmed). */
  filename?: string;
}

const AUTH_KEYS = ['token', 'filename'];

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time equality of a presented token with the expected one ('' or undefined never matches). */
export function tokensMatch(given: string | undefined, expected: string): boolean {
  const g = given ?? '';
  const ok = timingSafeEqual(digest(g), digest(expected));
  return ok && g.length > 0 && expected.length > 0;
}

/** The token of an `Authorization: Bearer <token>` value (scheme case-insensitive), else undefined. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return m ? m[1].trim() : undefined;
}

/** Parses an `auth` mapping (null/absent = no auth); problems go to `errors` with `path` as prefix. */
export function unmarshalBearerAuth(raw: unknown, path: string, errors: string[]): BearerAuthConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping with token or filename`);
    return undefined;
  }
  const out: BearerAuthConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!AUTH_KEYS.includes(key)) {
      errors.push(`${path}.${key}: unknown key (valid keys: ${AUTH_KEYS.join(', ')})`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number') errors.push(`${path}.${key}: expected a string, got ${JSON.stringify(value)}`);
    else out[key as keyof BearerAuthConfig] = String(value);
  }
  return out;
}

/** Every problem with an auth config (paths prefixed with `path`); reads the token file to check it. */
export function validateBearerAuth(config: BearerAuthConfig | undefined, path: string): string[] {
  if (!config) return [];
  try {
    resolveBearerToken(config, path);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** The expected token of a config: the file's content (trimmed) when a filename is given, else `token`. Throws with a clear message. */
export function resolveBearerToken(config: BearerAuthConfig, path: string): string {
  const hasToken = typeof config.token === 'string' && config.token !== '';
  const hasFile = typeof config.filename === 'string' && config.filename !== '';
  if (hasToken && hasFile) throw new Error(`${path}: set token or filename, not both`);
  if (!hasToken && !hasFile) throw new Error(`${path}: needs a token or a filename (an empty token would let everyone in; remove auth to disable it)`);
  if (hasToken) return config.token!;
  let text: string;
  try {
    text = fs.readFileSync(config.filename!, 'utf8');
  } catch (e) {
    throw new Error(`${path}.filename: cannot read ${config.filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`${path}.filename: ${config.filename} is empty`);
  return token;
}
