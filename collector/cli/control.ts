/**
 * `logfun control list|set|clear`: reads and changes control rules through a
 * running collector's admin API (/api/v1/rules, see collector/control/api.ts).
 *
 *   logfun control list  [--service s] [--source manual|auto] [-f table|json]
 *   logfun control set   --service s [--instance i] [--function f] [--template id]
 *                        --state on|off|auto [--sample 0.1] [--min-severity warn] [--reason text]
 *   logfun control clear --service s [--instance i] [--function f] [--template id] [--auto]
 *   logfun control clear --id <rule id from list>
 * Every subcommand takes --admin <url> (default: the collector started in this folder, else
 * http://127.0.0.1:13133) and --token <t> (default $LOGFUN_CONTROL_TOKEN, else
 * $LOGFUN_CONSOLE_TOKEN, else the token file of the collector started in this folder).
 */
import { ADMIN_OPTION_HELP, adminFetchFailure, cliAdminTarget, refusedTokenMessage, TOKEN_FILE_OPTION_HELP, type AdminTarget } from './admin-token';
import { CONSOLE_TOKEN_ENV } from '../console/auth';
import { Command, Option } from 'commander';
import type { RuleJson, RuleListJson } from '../control/json';
import { CONTROL_TOKEN_ENV } from '../control/setup';
import { formatRows } from './sql';
import { numberFlag } from './flags';

export { DEFAULT_ADMIN_URL } from './admin-token';

export interface ControlClientOptions extends Partial<Pick<AdminTarget, 'tokenSource' | 'tokenFile' | 'recordedAdmin'>> {
  /** The collector's admin endpoint, e.g. http://127.0.0.1:13133. */
  admin: string;
  /** Bearer token ('' / undefined = none). */
  token?: string;
}

/** The 401 of the control API: what was (not) sent, and every token that works there. */
function controlUnauthorized(opts: ControlClientOptions): Error {
  const note = ` (a collector with service.control.token takes that token here instead: --token or $${CONTROL_TOKEN_ENV})`;
  return new Error(`unauthorized: ${refusedTokenMessage({ ...opts, token: opts.token || undefined }, [CONTROL_TOKEN_ENV, CONSOLE_TOKEN_ENV], note)}`);
}

export interface TargetArgs {
  service: string;
  instance?: string;
  function?: string;
  template?: string;
}

export interface SetArgs extends TargetArgs {
  state: string;
  sample?: string;
  minSeverity?: string;
  reason?: string;
}

async function call(opts: ControlClientOptions, method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(pathAndQuery, opts.admin);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    const failure = adminFetchFailure(e);
    if (failure.nobodyListens) throw new Error(`no collector answers at ${opts.admin} (is it running? use --admin <url>)`);
    throw new Error(`cannot reach the collector at ${opts.admin} (${failure.reason})`);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { error: text.slice(0, 200) };
  }
  if (res.status === 401) throw controlUnauthorized(opts);
  if (res.status === 404 && json.error === undefined) throw new Error(`${opts.admin} has no control API (is service.control enabled?)`);
  if (res.status === 404 && typeof json.error === 'string' && json.error.startsWith('no route')) {
    throw new Error(`${opts.admin} has no control API (service.control is disabled or there is no clickhouse exporter)`);
  }
  return { status: res.status, json };
}

function failed(status: number, json: Record<string, unknown>): Error {
  return new Error(typeof json.error === 'string' ? json.error : `admin API answered ${status}`);
}

export async function listRules(opts: ControlClientOptions, filter: { service?: string; source?: string } = {}): Promise<RuleListJson> {
  const q = new URLSearchParams();
  if (filter.service) q.set('service', filter.service);
  if (filter.source) q.set('source', filter.source);
  const qs = q.toString();
  const { status, json } = await call(opts, 'GET', `/api/v1/rules${qs ? `?${qs}` : ''}`);
  if (status !== 200) throw failed(status, json);
  return json as unknown as RuleListJson;
}

function targetOf(a: TargetArgs): Record<string, string> {
  const t: Record<string, string> = { service: a.service };
  if (a.instance) t.instance = a.instance;
  if (a.function) t.function = a.function;
  if (a.template) t.templateId = a.template;
  return t;
}

export async function setRuleVia(opts: ControlClientOptions, a: SetArgs): Promise<RuleJson> {
  // No updatedBy: the collector records who authenticated the request, not a name the client claims.
  const body: Record<string, unknown> = { target: targetOf(a), state: a.state };
  if (a.sample !== undefined) body.sampleRate = numberFlag('--sample', a.sample, { above: 0, max: 1 });
  if (a.minSeverity !== undefined) body.minSeverity = a.minSeverity;
  if (a.reason !== undefined) body.reason = a.reason;
  const { status, json } = await call(opts, 'PUT', '/api/v1/rules', body);
  if (status !== 200) throw failed(status, json);
  return json.rule as RuleJson;
}

/** false when the collector had no such rule. */
export async function clearRuleVia(opts: ControlClientOptions, a: Partial<TargetArgs> & { id?: string; auto?: boolean }): Promise<boolean> {
  const q = new URLSearchParams();
  if (a.id) q.set('target', a.id);
  else {
    if (!a.service) throw new Error('give --service (and --instance/--function/--template) or --id');
    for (const [k, v] of Object.entries({ service: a.service, instance: a.instance, function: a.function, template: a.template })) if (v) q.set(k, v);
  }
  if (a.auto) q.set('source', 'auto');
  const { status, json } = await call(opts, 'DELETE', `/api/v1/rules?${q}`);
  if (status === 404) return false;
  if (status !== 200) throw failed(status, json);
  return true;
}

export function formatRules(rules: readonly RuleJson[], format: 'table' | 'json'): string {
  if (format === 'json') return JSON.stringify(rules, null, 2);
  if (rules.length === 0) return '(no rules)';
  return formatRows(
    rules.map((r) => ({
      service: r.target.service,
      instance: r.target.instance ?? '*',
      function: r.target.function ?? '*',
      template: r.target.templateId ?? '*',
      state: r.state.toUpperCase(),
      source: r.source,
      sample: r.sampleRate,
      min_severity: r.minSeverityText || '-',
      dropped: r.dropped ?? 0,
      updated: `${r.updatedAt} ${r.updatedBy}`,
      reason: r.reason,
      id: r.id,
    })),
    'table',
  );
}

function describeTarget(t: RuleJson['target']): string {
  return [`service=${t.service}`, t.instance && `instance=${t.instance}`, t.function && `function=${t.function}`, t.templateId && `template=${t.templateId}`]
    .filter(Boolean)
    .join(' ');
}

export interface CliOutput {
  out(text: string): void;
}

const consoleOutput: CliOutput = { out: (t) => console.log(t) };

/** Adds `control` with list/set/clear to the program. */
export function registerControlCommand(program: Command, io: CliOutput = consoleOutput): Command {
  const control = program.command('control').description('list and change control rules (mute / sample / severity floor) through a running collector');
  const withConnection = (cmd: Command) =>
    cmd
      .option('--admin <url>', ADMIN_OPTION_HELP)
      .option('--token <token>', `bearer token for the control API (default $${CONTROL_TOKEN_ENV}, else the admin token)`)
      .option('--token-file <file>', TOKEN_FILE_OPTION_HELP);
  const connection = (o: { admin?: string; token?: string; tokenFile?: string }): ControlClientOptions => cliAdminTarget(o, process.env, [CONTROL_TOKEN_ENV]);
  const withTarget = (cmd: Command, required: boolean) =>
    (required ? cmd.requiredOption('--service <name>', 'service.name the rule targets') : cmd.option('--service <name>', 'service.name the rule targets'))
      .option('--instance <id>', 'only this service.instance.id')
      .option('--function <name>', 'only records logged in this function (code.function)')
      .option('--template <id>', 'only this template id (decimal, or 0x hex)');

  withConnection(control.command('list').description('print the rules in force'))
    .option('--service <name>', 'only rules of this service')
    .addOption(new Option('--source <source>', 'only manual or automatic (spam balancer) rules').choices(['manual', 'auto']))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { admin?: string; token?: string; service?: string; source?: string; format: 'table' | 'json' }) => {
      const list = await listRules(connection(o), { service: o.service, source: o.source });
      io.out(formatRules(list.rules, o.format));
    });

  withConnection(withTarget(control.command('set').description('set the manual rule of a target (replaces the previous one)'), true))
    .addOption(new Option('--state <state>', 'on (pinned on), off (muted), auto (the spam balancer decides)').choices(['on', 'off', 'auto']).makeOptionMandatory())
    .option('--sample <rate>', 'keep this fraction of the records, in (0, 1]')
    .option('--min-severity <level>', 'drop records below this level (trace, debug, info, warn, error, fatal or 1..24)')
    .option('--reason <text>', 'why (shown in listings and sent to the SDKs)')
    .action(async (o: SetArgs & { admin?: string; token?: string }) => {
      const rule = await setRuleVia(connection(o), o);
      const extras = [rule.sampleRate < 1 ? `sample ${rule.sampleRate}` : '', rule.minSeverityText ? `min severity ${rule.minSeverityText}` : ''].filter(Boolean).join(', ');
      io.out(`set ${rule.state.toUpperCase()} on ${describeTarget(rule.target)}${extras ? ` (${extras})` : ''}, version ${rule.version}`);
    });

  withConnection(withTarget(control.command('clear').description('remove the manual rule of a target (or the automatic one with --auto)'), false))
    .option('--id <id>', 'the rule id shown by `logfun control list`')
    .option('--auto', "clear the spam balancer's decision instead of the manual rule")
    .action(async (o: Partial<TargetArgs> & { id?: string; auto?: boolean; admin?: string; token?: string }) => {
      const cleared = await clearRuleVia(connection(o), o);
      const what = o.id ?? describeTarget({ service: o.service ?? '', instance: o.instance, function: o.function, templateId: o.template });
      if (!cleared) {
        io.out(`no ${o.auto ? 'automatic' : 'manual'} rule for ${what}`);
        process.exitCode = 1;
        return;
      }
      io.out(`cleared ${o.auto ? 'automatic' : 'manual'} rule for ${what}`);
    });
  return control;
}
