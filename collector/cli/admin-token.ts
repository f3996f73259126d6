/**
 * The admin token a CLI command presents to a running collector: --token, else
 * $LOGFUN_CONSOLE_TOKEN (or the command's own variable), else the token the
 * collector keeps in its token file (console/auth.ts; default ./.logfun/admin-token,
 * beside the default embedded store), which only its owner can read.
 */
import * as path from 'path';
import { CONSOLE_TOKEN_ENV, DEFAULT_TOKEN_FILE, readTokenFile } from '../console/auth';

export const TOKEN_FILE_OPTION_HELP = `file holding the admin token (default ${DEFAULT_TOKEN_FILE}, written by the collector)`;

export function cliAdminToken(o: { token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv = process.env, extraEnv: readonly string[] = []): string | undefined {
  if (o.token) return o.token;
  for (const name of [...extraEnv, CONSOLE_TOKEN_ENV]) if (env[name]) return env[name];
  return readTokenFile(path.resolve(o.tokenFile ?? DEFAULT_TOKEN_FILE));
}
