/**
 * Which collector a CLI command talks to, and with which admin token:
 *   - the admin URL: --admin, else the one the collector recorded when it started
 *     (./.logfun/admin-url, beside its token file), else http://127.0.0.1:13133;
 *   - the token: --token, else $LOGFUN_CONSOLE_TOKEN (or the command's own variable),
 *     else the token the collector keeps in its token file (./.logfun/admin-token,
 *     only its owner can read it), sent only to the URL that same collector recorded,
 *     so whatever else listens on the default port never receives it.
 */
import * as path from 'path';
import { ADMIN_URL_FILE, CONSOLE_TOKEN_ENV, DEFAULT_TOKEN_FILE, readTokenFile } from '../console/auth';
import { readableFile } from './flags';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:13133';
export const TOKEN_FILE_OPTION_HELP = `file holding the admin token (default ${DEFAULT_TOKEN_FILE}, written by the collector)`;
export const ADMIN_OPTION_HELP = `the collector's admin endpoint (default: the one recorded in ${path.join(path.dirname(DEFAULT_TOKEN_FILE), ADMIN_URL_FILE)} by a collector started in this folder, else ${DEFAULT_ADMIN_URL})`;

export interface AdminTarget {
  admin: string;
  token: string | undefined;
  /** Where `token` came from ("--token", "$LOGFUN_CONSOLE_TOKEN", "<token file>"); undefined when no token is sent. */
  tokenSource?: string;
  /** The token file looked at, and the admin URL recorded beside it (for the 401 message). */
  tokenFile?: string;
  recordedAdmin?: string;
}

export function cliAdminTarget(o: { admin?: string; token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv = process.env, extraEnv: readonly string[] = []): AdminTarget {
  // A --token-file given that cannot be read is the user's mistake to hear about (InputFileError), not "no token sent".
  if (o.tokenFile !== undefined) readableFile(o.tokenFile);
  const tokenFile = path.resolve(o.tokenFile ?? DEFAULT_TOKEN_FILE);
  const recorded = readTokenFile(path.join(path.dirname(tokenFile), ADMIN_URL_FILE));
  const admin = o.admin ?? recorded ?? DEFAULT_ADMIN_URL;
  const where = { admin, tokenFile, recordedAdmin: recorded };
  if (o.token) return { ...where, token: o.token, tokenSource: '--token' };
  for (const name of [...extraEnv, CONSOLE_TOKEN_ENV]) if (env[name]) return { ...where, token: env[name], tokenSource: `$${name}` };
  const fileToken = recorded !== undefined && sameOrigin(admin, recorded) ? readTokenFile(tokenFile) : undefined;
  return { ...where, token: fileToken, tokenSource: fileToken === undefined ? undefined : tokenFile };
}

/**
 * What to say when the collector answers 401: either no token was sent at all
 * (none given, none in the environment, none in this folder's token file for that
 * collector), or the one sent, named by its source, was refused. `envNames`: the
 * variables the command reads its token from, first to last (the default: the admin
 * token's); `note`: what else the command's API may take (control: its own token).
 */
export function refusedTokenMessage(target: AdminTarget, envNames: readonly string[] = [CONSOLE_TOKEN_ENV], note = ''): string {
  const fix = `pass --token <token> or set $${CONSOLE_TOKEN_ENV}, or run from the folder the collector runs in${note}`;
  if (target.token !== undefined) {
    return `the collector at ${target.admin} refused the admin token sent (from ${target.tokenSource ?? 'the command line'}) (401): it is not this collector's token; ${fix}`;
  }
  const file = target.tokenFile ?? path.resolve(DEFAULT_TOKEN_FILE);
  return (
    `the collector at ${target.admin} requires the admin token, and no token was sent (${whyNoTokenSent(target, file, envNames)}) (401). ` +
    `A collector without a configured token made one at its first start: ${DEFAULT_TOKEN_FILE} in the folder it runs in (it printed the path); ${fix}`
  );
}

/** Why cliAdminTarget found no token to send to `target.admin`, `file` being the token file it looked at. */
function whyNoTokenSent(target: AdminTarget, file: string, envNames: readonly string[]): string {
  const record = path.join(path.dirname(file), ADMIN_URL_FILE);
  if (target.recordedAdmin !== undefined && !sameOrigin(target.admin, target.recordedAdmin)) {
    return `the token in ${file} belongs to the collector recorded in ${record} (${target.recordedAdmin}) and is sent only there`;
  }
  // A collector records its URL while it runs and removes it at its stop: a token file without
  // that record is an earlier collector's, not known to be this one's, so it is not sent.
  if (target.recordedAdmin === undefined && readTokenFile(file) !== undefined) {
    return `the token in ${file} is not sent: no collector started in that folder runs now (a running one records its admin URL in ${record}), so it belongs to an earlier collector, not to this one`;
  }
  return `none in ${file} or ${envNames.map((n) => `$${n}`).join(' or ')}`;
}

/**
 * Why a fetch of a collector's admin API failed: `nobodyListens` when nothing answers there (a
 * refused connection, an unknown or unassigned address), and `reason` in words either way: the
 * error's code, else its cause's message (fetch's own message is only "fetch failed").
 */
export function adminFetchFailure(e: unknown): { nobodyListens: boolean; reason: string } {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  return {
    nobodyListens: code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL',
    reason: code ?? cause?.message ?? (e as Error).message,
  };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
