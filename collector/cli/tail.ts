/**
 * `logfun tail`: the live tail of a running collector on the command line.
 * Replays the stored records since --since (default 5m), then follows live until
 * Ctrl-C, through the console API's Server-Sent Events stream
 * (GET /api/v1/console/tail, collector/tail/sse.ts). One line per record:
 *
 *   <ISO time with ns> <SEVERITY> <service> <body>
 *
 * (control characters in the body are escaped, so a record is one line and
 * cannot drive the terminal), or the record's JSON with --json. Drops and
 * notices go to stderr. A broken stream is resumed with its last event id.
 * Exit codes: 0 after Ctrl-C, 1 when the collector is unreachable, refuses the
 * token (401) or the parameters (400).
 */
import { ADMIN_OPTION_HELP, adminFetchFailure, cliAdminTarget, refusedTokenMessage, TOKEN_FILE_OPTION_HELP, type AdminTarget } from './admin-token';
import { InputFileError } from './flags';
import type { Command } from 'commander';
import { readSse } from '../tail/sse-client';
import { CONSOLE_TOKEN_ENV } from '../console/auth';
import type { TailRecordJson } from '../tail/record';
import { untilSignal } from './signals';

export interface TailCliOptions extends Partial<Omit<AdminTarget, 'admin' | 'token'>> {
  admin: string;
  token?: string;
  since?: string;
  service?: string;
  severity?: string;
  grep?: string;
  json?: boolean;
  /** Stops following (tests; the command uses Ctrl-C). */
  signal?: AbortSignal;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** How long to keep trying to resume a broken stream; default 10 s. */
  reconnectForMs?: number;
}

export class TailCliError extends Error {}

/** Escapes C0/C1 controls and DEL (keeps tab): one record per line, no terminal escape sequences. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

export function formatTailLine(r: TailRecordJson): string {
  return `${r.time} ${(r.severityText || '-').padEnd(5)} ${printable(r.service || '-')} ${printable(r.body)}`;
}

function tailUrl(o: TailCliOptions, lastEventId?: string): URL {
  const url = new URL('/api/v1/console/tail', o.admin);
  if (o.since) url.searchParams.set('since', o.since);
  if (o.service) url.searchParams.set('service', o.service);
  if (o.severity) url.searchParams.set('severity', o.severity);
  if (o.grep) url.searchParams.set('text', o.grep);
  if (lastEventId) url.searchParams.set('lastEventId', lastEventId);
  return url;
}

async function connect(o: TailCliOptions, lastEventId: string | undefined, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let res: Response;
  try {
    res = await fetch(tailUrl(o, lastEventId), { headers, signal });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new TailCliError(`cannot reach the collector at ${o.admin} (${adminFetchFailure(e).reason}); is it running? use --admin <url>`);
  }
  if (res.status === 401) throw new TailCliError(refusedTokenMessage({ ...o, token: o.token }));
  if (res.status === 404) throw new TailCliError(`the collector at ${o.admin} has no live tail (404): it needs a console (service.telemetry.admin) and a newer logfun`);
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      /* not JSON */
    }
    throw new TailCliError(`the collector answered ${res.status}: ${message.trim()}`);
  }
  if (!res.body) throw new TailCliError('the collector sent no stream');
  return res;
}

/** Follows the tail until the signal aborts; throws TailCliError on a failure to report. */
export async function runTail(o: TailCliOptions): Promise<void> {
  const out = o.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = o.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  let lastEventId: string | undefined;
  let brokenSince = 0;
  try {
    while (!stop.signal.aborted) {
      let res: Response;
      try {
        res = await connect(o, lastEventId, stop.signal);
      } catch (e) {
        if (stop.signal.aborted) return;
        // A resume may fail for a while (the collector restarting); a first connect fails at once.
        if (lastEventId === undefined || !(e instanceof TailCliError) || Date.now() - brokenSince > (o.reconnectForMs ?? 10_000)) throw e;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      try {
        for await (const ev of readSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
          if (ev.id) lastEventId = ev.id;
          const data = JSON.parse(ev.data) as Record<string, unknown>;
          if (ev.event === 'record') out(o.json ? ev.data : formatTailLine(data as unknown as TailRecordJson));
          else if (ev.event === 'dropped') err(`logfun tail: ${data.count} records dropped (this client fell behind; ${data.total} so far)`);
          else if (ev.event === 'notice') err(`logfun tail: ${String(data.message)}`);
          else if (ev.event === 'error') throw new TailCliError(`the tail failed: ${String(data.error)}`);
          else if (ev.event === 'live' && o.json) err(`logfun tail: replayed ${data.replayed} records; following live`);
        }
      } catch (e) {
        if (stop.signal.aborted) return;
        if (e instanceof TailCliError) throw e;
      }
      if (stop.signal.aborted) return;
      brokenSince = Date.now();
      err('logfun tail: stream interrupted, resuming');
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('replay the stored records since a time, then follow new ones live (through a running collector)')
    .option('--since <when>', 'start: a duration back from now (5m, 90s, 2h) or an ISO time', '5m')
    .option('--service <name>', 'only this service')
    .option('--severity <level>', 'only records at or above this level (trace, debug, info, warn, error, fatal)')
    .option('--grep <text>', 'only records whose body contains this text (ASCII case-insensitive)')
    .option('--admin <url>', ADMIN_OPTION_HELP)
    .option('--token <token>', `admin token (default $${CONSOLE_TOKEN_ENV}, else the token file)`)
    .option('--token-file <file>', TOKEN_FILE_OPTION_HELP)
    .option('--json', 'print each record as a JSON line')
    .action(async (opts: { since: string; service?: string; severity?: string; grep?: string; admin?: string; token?: string; tokenFile?: string; json?: boolean }) => {
      const stop = new AbortController();
      void untilSignal().then(() => stop.abort());
      try {
        await runTail({ ...opts, ...cliAdminTarget(opts), signal: stop.signal });
      } catch (e) {
        console.error(`logfun tail: ${(e as Error).message}`);
        process.exit(e instanceof InputFileError ? e.exitCode : 1);
      }
      process.exit(0);
    });
}
