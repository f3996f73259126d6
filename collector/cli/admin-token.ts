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

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:13133';
export const TOKEN_FILE_OPTION_HELP = `file holding the admin token (default ${DEFAULT_TOKEN_FILE}, written by the collector)`;
export const ADMIN_OPTION_HELP = `the collector's admin endpoint (default: the one recorded in ${path.join(path.dirname(DEFAULT_TOKEN_FILE), ADMIN_URL_FILE)} by a collector started in this folder, else ${DEFAULT_ADMIN_URL})`;

export interface AdminTarget {
  admin: string;
  token: string | undefined;
}

export function cliAdminTarget(o: { admin?: string; token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv = process.env, extraEnv: readonly string[] = []): AdminTarget {
  const tokenFile = path.resolve(o.tokenFile ?? DEFAULT_TOKEN_FILE);
  const recorded = readTokenFile(path.join(path.dirname(tokenFile), ADMIN_URL_FILE));
  const admin = o.admin ?? recorded ?? DEFAULT_ADMIN_URL;
  if (o.token) return { admin, token: o.token };
  for (const name of [...extraEnv, CONSOLE_TOKEN_ENV]) if (env[name]) return { admin, token: env[name] };
  const fileToken = recorded !== undefined && sameOrigin(admin, recorded) ? readTokenFile(tokenFile) : undefined;
  return { admin, token: fileToken };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
