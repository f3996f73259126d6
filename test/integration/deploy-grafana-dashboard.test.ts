/**
 * deploy/grafana/dashboards/logfun-logs-overview.json against real data: rows go
 * through the clickhouse exporter into embedded chDB (the exporter creates the
 * schema), then the SQL of every panel and template variable is expanded the way
 * Grafana and the ClickHouse plugin expand it, run, and checked for the shape and
 * values Grafana will chart.
 *
 * Grafana is not available here, so `expandGrafanaQuery` below follows the
 * plugin's documented expansions:
 *  - frontend (CHDatasource.applyTemplateVariables): `$__conditionalAll(cond, $var)`
 *    becomes `1=1` when the variable is All (or empty), else `cond`; then Grafana's
 *    template service replaces `$var` / `${var}` / `${var:format}` / `[[var]]`.
 *    All on a multi-value variable without a custom all value stands for every
 *    option; `:singlequote` quotes each value with ' (escaping ' as \') joined by
 *    commas; with no format the plugin joins arrays as 'a','b' and leaves scalars raw.
 *  - backend (pkg/macros): $__timeFilter(c) = `c >= toDateTime(from_s) AND c <= toDateTime(to_s)`,
 *    $__timeFilter_ms(c) with fromUnixTimestamp64Milli(ms), $__fromTime / $__toTime =
 *    toDateTime(s), $__fromTime_ms / $__toTime_ms, $__dateFilter(c), $__dateTimeFilter(d, t)
 *    (alias $__dt), $__timeInterval(c) = `toStartOfInterval(toDateTime(c), INTERVAL n second)`,
 *    $__timeInterval_ms(c), $__interval_s = n, n = max(1, interval seconds), truncated.
 * Any other `$__` macro makes the expansion fail, so the dashboard cannot use one
 * this test does not understand.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogBatchBuilder, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { clickhouseExporterFactory } from '../../collector/exporters/clickhouse/factory';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { templatesTableSql } from '../../collector/storage/template-store';
import { newEventId, SuppressionStore, type SuppressionRow } from '../../collector/storage/suppression-store';
import { HttpStatsStore, latencyQuantileSql, newFlushId } from '../../collector/storage/httpstats-store';
import type { IntervalStatsRow } from '../../processors/httpstats/aggregator';
import type { AlertEvent } from '../../processors/httpstats/alerts';
import { latencyBucketOf, quantileFromBuckets } from '../../processors/httpstats/quantiles';

type Obj = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Grafana + ClickHouse plugin query expansion
// ---------------------------------------------------------------------------------------------

const ALL = '$__all';

interface DashboardVariable {
  /** The selection: one value, several, or ALL. */
  current: string | string[];
  /** Every option the variable query returned (what All stands for). */
  options: string[];
}

interface QueryContext {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  variables: Record<string, DashboardVariable>;
}

/** The arguments of the macro whose '(' is at `open`: split on top-level commas; end = index after ')'. */
function macroArgs(sql: string, open: number): { args: string[]; end: number } {
  let depth = 0;
  let start = open + 1;
  const args: string[] = [];
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") {
      // Skip a string literal (\' and '' escapes).
      for (i++; i < sql.length && sql[i] !== "'"; i++) if (sql[i] === '\\') i++;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) {
        args.push(sql.slice(start, i));
        return { args, end: i + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  throw new Error(`unbalanced parentheses after position ${open} in: ${sql}`);
}

function isAll(v: DashboardVariable): boolean {
  return v.current === ALL || (Array.isArray(v.current) && v.current.includes(ALL));
}

/** The plugin's `$__conditionalAll(condition, $var)`, innermost-last as the plugin does it. */
function applyConditionalAll(sql: string, variables: Record<string, DashboardVariable>): string {
  const macro = '$__conditionalAll(';
  for (let at = sql.lastIndexOf(macro); at !== -1; at = sql.lastIndexOf(macro)) {
    const { args, end } = macroArgs(sql, at + macro.length - 1);
    if (args.length !== 2) throw new Error(`$__conditionalAll takes 2 arguments, got ${args.length}`);
    const name = /\$\{?(\w+)/.exec(args[1].trim())?.[1];
    const v = name ? variables[name] : undefined;
    if (!v) throw new Error(`$__conditionalAll refers to an unknown variable: ${args[1]}`);
    const phrase = isAll(v) || v.current === '' ? '1=1' : args[0];
    sql = sql.slice(0, at) + phrase + sql.slice(end);
  }
  return sql;
}

function formatVariable(value: string | string[], format: string | undefined): string {
  const values = Array.isArray(value) ? value : [value];
  switch (format) {
    case undefined: // the plugin's default formatter
      return Array.isArray(value) ? `'${value.join("','")}'` : value;
    case 'singlequote':
      return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return values.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',');
    case 'csv':
      return values.join(',');
    case 'raw':
      return values.join(',');
    case 'sqlstring': // Grafana: each value quoted with ', a ' inside doubled
      return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    default:
      throw new Error(`variable format ${format} is not implemented by this test`);
  }
}

/** Grafana's template service: replaces known dashboard variables, leaves everything else (macros) alone. */
function replaceVariables(sql: string, variables: Record<string, DashboardVariable>): string {
  return sql.replace(/\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g, (match, plain, bracket, bracketFormat, braced, bracedFormat) => {
    const name: string = plain ?? bracket ?? braced;
    const v = variables[name];
    if (!v) return match;
    const value = isAll(v) ? v.options : v.current;
    return formatVariable(value, bracketFormat ?? bracedFormat);
  });
}

const toDateTime = (ms: number) => `toDateTime(${Math.floor(ms / 1000)})`;
const toDateTime64Ms = (ms: number) => `fromUnixTimestamp64Milli(${Math.floor(ms)})`;
const toDate = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;

type BackendMacro = (ctx: QueryContext, args: string[]) => string;

function arity(n: number, name: string, args: string[]): void {
  if (args.length !== n) throw new Error(`$__${name} expects ${n} argument(s), got ${args.length}`);
}

/** The ClickHouse plugin's backend macros (pkg/macros/macros.go). */
const BACKEND_MACROS: Record<string, BackendMacro> = {
  fromTime: (c) => toDateTime(c.fromMs),
  toTime: (c) => toDateTime(c.toMs),
  fromTime_ms: (c) => toDateTime64Ms(c.fromMs),
  toTime_ms: (c) => toDateTime64Ms(c.toMs),
  timeFilter: (c, a) => (arity(1, 'timeFilter', a), `${a[0]} >= ${toDateTime(c.fromMs)} AND ${a[0]} <= ${toDateTime(c.toMs)}`),
  timeFilter_ms: (c, a) => (arity(1, 'timeFilter_ms', a), `${a[0]} >= ${toDateTime64Ms(c.fromMs)} AND ${a[0]} <= ${toDateTime64Ms(c.toMs)}`),
  dateFilter: (c, a) => (arity(1, 'dateFilter', a), `${a[0]} >= ${toDate(c.fromMs)} AND ${a[0]} <= ${toDate(c.toMs)}`),
  dateTimeFilter: (c, a) => (
    arity(2, 'dateTimeFilter', a),
    `(${a[0]} >= ${toDate(c.fromMs)} AND ${a[0]} <= ${toDate(c.toMs)}) AND (${a[1]} >= ${toDateTime(c.fromMs)} AND ${a[1]} <= ${toDateTime(c.toMs)})`
  ),
  dt: (c, a) => BACKEND_MACROS.dateTimeFilter(c, a),
  timeInterval: (c, a) => (arity(1, 'timeInterval', a), `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${intervalSeconds(c)} second)`),
  timeInterval_ms: (c, a) => (arity(1, 'timeInterval_ms', a), `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${Math.max(Math.trunc(c.intervalMs), 1)} millisecond)`),
  interval_s: (c) => String(intervalSeconds(c)),
};

function intervalSeconds(c: QueryContext): number {
  return Math.max(Math.trunc(c.intervalMs / 1000), 1);
}

function applyBackendMacros(sql: string, ctx: QueryContext): string {
  let out = '';
  let i = 0;
  for (let at = sql.indexOf('$__', i); at !== -1; at = sql.indexOf('$__', i)) {
    const name = /^\$__(\w+)/.exec(sql.slice(at))![1];
    const macro = BACKEND_MACROS[name];
    if (!macro) throw new Error(`unknown macro $__${name}`);
    let end = at + 3 + name.length;
    let args: string[] = [];
    if (sql[end] === '(') {
      const parsed = macroArgs(sql, end);
      args = parsed.args.map((a) => a.trim());
      end = parsed.end;
    }
    out += sql.slice(i, at) + macro(ctx, args);
    i = end;
  }
  return out + sql.slice(i);
}

/** A dashboard query as the ClickHouse server receives it. */
function expandGrafanaQuery(rawSql: string, ctx: QueryContext): string {
  const frontend = replaceVariables(applyConditionalAll(rawSql, ctx.variables), ctx.variables);
  return applyBackendMacros(frontend, ctx);
}

// ---------------------------------------------------------------------------------------------
// The dashboard and the data
// ---------------------------------------------------------------------------------------------

const dashboard = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../deploy/grafana/dashboards/logfun-logs-overview.json'), 'utf8'),
) as Obj;

function panel(title: string): { rawSql: string; format: number } {
  const p = (dashboard.panels as Obj[]).find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}"`);
  return p.targets[0];
}

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0); // 2024-05-01 12:00:00 UTC
const S = 1000;
const RANGE = { fromMs: T0, toMs: T0 + 600 * S - 1, intervalMs: 60 * S }; // 10 minutes, 1-minute buckets

const TEMPLATE_PAID = 18446744073709551557n; // > 2^63: must survive as text
const TEMPLATE_FAILED = 12345678901234567890n;
const TEMPLATE_CHARGE = 42n;
const TEMPLATE_LEDGER = 7n;

interface Row {
  service: string;
  atMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  templateId?: bigint;
  attributes?: KeyValue[];
  traceId?: string;
}

function sampleRows(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 120; i++) {
    rows.push({
      service: 'checkout',
      atMs: T0 + i * 5 * S,
      severityNumber: 9,
      severityText: 'INFO',
      body: `user u${i} paid ${i}.50`,
      templateId: TEMPLATE_PAID,
      attributes: [
        { key: 'http.route', value: '/pay' },
        { key: 'user.id', value: `u${i}` },
      ],
      traceId: i === 119 ? '0123456789abcdef0123456789abcdef' : '',
    });
  }
  for (let k = 0; k < 6; k++) {
    rows.push({ service: 'checkout', atMs: T0 + k * 100 * S, severityNumber: 17, severityText: 'ERROR', body: `payment failed for o${k}`, templateId: TEMPLATE_FAILED });
  }
  for (let i = 0; i < 60; i++) {
    rows.push({ service: 'payments', atMs: T0 + i * 10 * S, severityNumber: 9, severityText: 'INFO', body: `charge c${i} ok`, templateId: TEMPLATE_CHARGE });
  }
  for (let k = 0; k < 3; k++) rows.push({ service: 'payments', atMs: T0 + (200 + k) * S, severityNumber: 13, severityText: 'WARN', body: 'slow downstream' });
  rows.push({ service: 'payments', atMs: T0 + 590 * S, severityNumber: 21, severityText: 'FATAL', body: 'ledger unavailable', templateId: TEMPLATE_LEDGER });
  // A file-tail style record: severity only as text.
  rows.push({ service: "o'reilly", atMs: T0 + 30 * S, severityNumber: 0, severityText: 'error', body: 'disk full' });
  rows.push({ service: "o'reilly", atMs: T0 + 90 * S, severityNumber: 0, severityText: 'error', body: 'disk still full' });
  // Outside the time range.
  rows.push({ service: 'batch-job', atMs: T0 - 2 * 3600 * S, severityNumber: 17, severityText: 'ERROR', body: 'old failure', templateId: TEMPLATE_FAILED });
  return rows;
}

function toBatch(rows: Row[]): LogBatch {
  const b = new LogBatchBuilder();
  const resources = new Map<string, number>();
  const scope = b.addScope({ name: 'deploy-test', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (const r of rows) {
    let res = resources.get(r.service);
    if (res === undefined) {
      res = b.addResource({ attributes: [{ key: 'service.name', value: r.service }], droppedAttributesCount: 0, schemaUrl: '' });
      resources.set(r.service, res);
    }
    b.add(res, scope, {
      timeUnixNano: BigInt(r.atMs) * 1_000_000n + 123n,
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      body: r.body,
      attributes: r.attributes ?? [],
      traceId: r.traceId ?? '',
      templateId: r.templateId ?? 0n,
    });
  }
  return b.batch;
}

const IN_RANGE = sampleRows().filter((r) => r.atMs >= RANGE.fromMs && r.atMs <= RANGE.toMs);
const SERVICES = [...new Set(IN_RANGE.map((r) => r.service))].sort();

// ---------------------------------------------------------------------------------------------

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-deploy-grafana-'));
let store: ClickHouseStore;

beforeAll(async () => {
  const metrics = new Metrics();
  const config = { ...clickhouseExporterFactory.createDefaultConfig(), endpoint: `chdb://${folder}`, database: 'otel', logs_table_name: 'otel_logs' };
  expect(clickhouseExporterFactory.validate!(config)).toEqual([]);
  const exporter = clickhouseExporterFactory.create({ id: 'clickhouse', metrics, logger: createMemoryLogger() }, config, undefined);
  try {
    await exporter.start({ metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() });
    await (exporter as unknown as { consumeLogs(b: LogBatch): Promise<void> }).consumeLogs(toBatch(sampleRows()));
  } finally {
    await exporter.shutdown(); // drains the queue into the table
  }
  expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'clickhouse' })).toBe(sampleRows().length);
  store = await openClickHouse({ endpoint: `chdb://${folder}` });
});

afterAll(async () => {
  await store?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

function context(service: string | string[] = ALL, extra: Record<string, DashboardVariable> = {}): QueryContext {
  return {
    ...RANGE,
    variables: {
      service: { current: service, options: SERVICES },
      search: { current: '', options: [] },
      topn: { current: '10', options: ['5', '10', '20', '50'] },
      ...extra,
    },
  };
}

/** Runs a dashboard query; DateTime columns come back as unix seconds (independent of the engine's time zone). */
async function run<T = Obj>(rawSql: string, ctx: QueryContext): Promise<T[]> {
  return store.query<T>(expandGrafanaQuery(rawSql, ctx), undefined, { settings: { date_time_output_format: 'unix_timestamp' } });
}

describe('the macro expander follows the plugin', () => {
  const ctx: QueryContext = { fromMs: 1714564800123, toMs: 1714568400999, intervalMs: 30_500, variables: { service: { current: ["a'b", 'c'], options: [] } } };

  test('time macros', () => {
    expect(expandGrafanaQuery('WHERE $__timeFilter(TimestampTime)', ctx)).toBe('WHERE TimestampTime >= toDateTime(1714564800) AND TimestampTime <= toDateTime(1714568400)');
    expect(expandGrafanaQuery('$__timeInterval(Timestamp) $__interval_s', ctx)).toBe('toStartOfInterval(toDateTime(Timestamp), INTERVAL 30 second) 30');
    expect(expandGrafanaQuery('$__fromTime $__toTime $__fromTime_ms', ctx)).toBe('toDateTime(1714564800) toDateTime(1714568400) fromUnixTimestamp64Milli(1714564800123)');
    expect(expandGrafanaQuery('$__dt(d, t)', ctx)).toBe(
      "(d >= toDate('2024-05-01') AND d <= toDate('2024-05-01')) AND (t >= toDateTime(1714564800) AND t <= toDateTime(1714568400))",
    );
    expect(() => expandGrafanaQuery('$__timeGroup(t, 1m)', ctx)).toThrow(/unknown macro/);
  });

  test('variables and $__conditionalAll', () => {
    const sql = "$__conditionalAll(ServiceName IN (${service:singlequote}), $service) AND x = '$service'";
    expect(expandGrafanaQuery(sql, ctx)).toBe("ServiceName IN ('a\\'b','c') AND x = ''a'b','c''");
    const all = { ...ctx, variables: { service: { current: ALL, options: ['a', 'b'] } } };
    expect(expandGrafanaQuery(sql, all)).toBe("1=1 AND x = ''a','b''");
    expect(expandGrafanaQuery('ServiceName IN (${service:singlequote})', all)).toBe("ServiceName IN ('a','b')");
  });
});

describe('logfun — logs overview on chDB', () => {
  test('every query of the dashboard expands with known macros and runs', async () => {
    const queries = [
      ...(dashboard.panels as Obj[]).flatMap((p) => (p.targets as Obj[]).map((t) => t.rawSql as string)),
      ...(dashboard.templating.list as Obj[]).filter((v) => v.type === 'query').map((v) => v.query.rawSql as string),
    ];
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const sql of queries) {
      for (const selection of [ALL, ['checkout'], ["o'reilly", 'payments']]) {
        await expect(run(sql, context(selection))).resolves.toBeInstanceOf(Array);
      }
    }
  });

  test('the service variable lists the services with records in the time range', async () => {
    const v = (dashboard.templating.list as Obj[]).find((x) => x.name === 'service')!;
    expect(v).toMatchObject({ type: 'query', multi: true, includeAll: true, refresh: 2 });
    const rows = await run<{ ServiceName: string }>(v.query.rawSql, context());
    expect(rows.map((r) => r.ServiceName)).toEqual(['checkout', "o'reilly", 'payments']);
  });

  test('records/s by service and severity: one row per interval and series, the rate times the interval is the count', async () => {
    const p = panel('Records/s by service and severity');
    expect(p.format).toBe(0);
    const rows = await run<{ time: number; ServiceName: string; SeverityText: string; records_per_s: number }>(p.rawSql, context());
    expect(Object.keys(rows[0])).toEqual(['time', 'ServiceName', 'SeverityText', 'records_per_s']);
    const times = rows.map((r) => Number(r.time));
    expect(times).toEqual([...times].sort((a, b) => a - b)); // long format must be sorted by time
    expect(new Set(times)).toEqual(new Set(Array.from({ length: 10 }, (_, i) => T0 / 1000 + i * 60)));
    const totals = new Map<string, number>();
    for (const r of rows) totals.set(`${r.ServiceName}/${r.SeverityText}`, (totals.get(`${r.ServiceName}/${r.SeverityText}`) ?? 0) + r.records_per_s * 60);
    const expected = new Map<string, number>();
    for (const r of IN_RANGE) expected.set(`${r.service}/${r.severityText}`, (expected.get(`${r.service}/${r.severityText}`) ?? 0) + 1);
    expect([...totals.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, n] of expected) expect(totals.get(k)).toBeCloseTo(n, 6);
    // checkout logs INFO every 5 s: 0.2 records/s in every minute.
    for (const r of rows.filter((x) => x.ServiceName === 'checkout' && x.SeverityText === 'INFO')) expect(r.records_per_s).toBeCloseTo(0.2, 9);

    const onlyCheckout = await run<{ ServiceName: string }>(p.rawSql, context(['checkout']));
    expect(new Set(onlyCheckout.map((r) => r.ServiceName))).toEqual(new Set(['checkout']));
  });

  test('errors by service: ERROR and above, and error severity texts without a number', async () => {
    const p = panel('Errors by service');
    expect(p.format).toBe(0);
    const rows = await run<{ time: number; ServiceName: string; errors: string }>(p.rawSql, context());
    expect(Object.keys(rows[0])).toEqual(['time', 'ServiceName', 'errors']);
    const totals: Record<string, number> = {};
    for (const r of rows) totals[r.ServiceName] = (totals[r.ServiceName] ?? 0) + Number(r.errors);
    expect(totals).toEqual({ checkout: 6, payments: 1, "o'reilly": 2 });

    // A service name with a quote goes through ${service:singlequote} intact.
    const quoted = await run<{ ServiceName: string; errors: string }>(p.rawSql, context(["o'reilly"]));
    expect(quoted.map((r) => [r.ServiceName, Number(r.errors)])).toEqual([
      ["o'reilly", 1],
      ["o'reilly", 1],
    ]);
  });

  test('top templates: exact 64-bit ids as text, counts, rate, services and an example body', async () => {
    const p = panel('Top templates');
    expect(p.format).toBe(1);
    const rows = await run<{ template_id: string; records: string; records_per_s: number; services: string; example_body: string }>(p.rawSql, context());
    expect(Object.keys(rows[0])).toEqual(['template_id', 'records', 'records_per_s', 'services', 'example_body']);
    expect(rows.map((r) => [r.template_id, Number(r.records), r.services])).toEqual([
      [TEMPLATE_PAID.toString(), 120, 'checkout'],
      [TEMPLATE_CHARGE.toString(), 60, 'payments'],
      [TEMPLATE_FAILED.toString(), 6, 'checkout'], // the out-of-range batch-job record is not counted
      [TEMPLATE_LEDGER.toString(), 1, 'payments'],
    ]);
    expect(rows[0].example_body).toMatch(/^user u\d+ paid \d+\.50$/);
    expect(rows[1].example_body).toMatch(/^charge c\d+ ok$/);
    expect(rows[2].example_body).toMatch(/^payment failed for o\d$/);
    expect(rows[0].records_per_s).toBeCloseTo(120 / 599, 9); // the range is 12:00:00 .. 12:09:59
  });

  test('logs: newest first, with the columns the logs panel reads', async () => {
    const p = panel('Logs');
    expect(p.format).toBe(2);
    const rows = await run<{ timestamp: string; body: string; level: string; ServiceName: string; labels: Record<string, string>; traceID: string }>(p.rawSql, context());
    expect(rows).toHaveLength(IN_RANGE.length);
    expect(Object.keys(rows[0])).toEqual(['timestamp', 'body', 'level', 'ServiceName', 'labels', 'traceID']);
    const ns = rows.map((r) => BigInt(String(r.timestamp).replace('.', '')));
    for (let i = 1; i < ns.length; i++) expect(ns[i - 1] >= ns[i]).toBe(true);
    expect(ns[0]).toBe(BigInt(T0 + 595 * S) * 1_000_000n + 123n); // exact to the nanosecond
    const newestCheckout = rows.find((r) => r.ServiceName === 'checkout' && r.level === 'INFO')!;
    expect(newestCheckout).toEqual({
      timestamp: expect.any(String),
      body: 'user u119 paid 119.50',
      level: 'INFO',
      ServiceName: 'checkout',
      labels: { 'http.route': '/pay', 'user.id': 'u119' },
      traceID: '0123456789abcdef0123456789abcdef',
    });
    expect(rows.some((r) => r.body === 'old failure')).toBe(false);

    const payments = await run<{ ServiceName: string; level: string }>(p.rawSql, context(['payments']));
    expect(payments).toHaveLength(IN_RANGE.filter((r) => r.service === 'payments').length);
    expect(payments[0]).toMatchObject({ ServiceName: 'payments', level: 'FATAL' });
  });
});

// ---------------------------------------------------------------------------------------------
// The other dashboards: templates and spam (log_templates, log_suppression), HTTP statistics
// (http_stats, http_stats_keys, http_alerts). Their tables are created with the collector's own
// DDL functions and filled through the stores the processors write with.
// ---------------------------------------------------------------------------------------------

const DASHBOARD_DIR = path.join(__dirname, '../../deploy/grafana/dashboards');
const dashboards = fs
  .readdirSync(DASHBOARD_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, json: JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, f), 'utf8')) as Obj }));

function dashboardNamed(file: string): Obj {
  const d = dashboards.find((x) => x.file === file);
  if (!d) throw new Error(`no dashboard ${file}`);
  return d.json;
}

function panelOf(d: Obj, title: string): { rawSql: string; format: number } {
  const p = (d.panels as Obj[]).find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}" in ${d.title}`);
  return p.targets[0];
}

const HTTP_SERVICES = ['checkout', 'payments'];
const LATENCIES_MS = [3, 7, 12, 25, 40, 80, 150, 300, 600, 1200];

function histogramOf(latencies: number[]): { buckets: number[]; counts: number[] } {
  const m = new Map<number, number>();
  for (const ms of latencies) m.set(latencyBucketOf(ms), (m.get(latencyBucketOf(ms)) ?? 0) + 1);
  const buckets = [...m.keys()].sort((a, b) => a - b);
  return { buckets, counts: buckets.map((b) => m.get(b)!) };
}

/** What the HTTP stats seed wrote, for the assertions. */
const HTTP_SEED = { hits: 0, errors5xx: 0, perService: new Map<string, number>(), sections: new Map<string, number>() };

async function seedTemplatesAndSpam(s: ClickHouseStore): Promise<void> {
  for (const sql of templatesTableSql('full', { database: 'otel' })) await s.command(sql);
  const writerRow = (id: bigint, text: string, service: string, writer: string, count: number) =>
    `('${service}', ${id}, '${text}', [], 'sdk', 9, 'INFO', '', '', ${T0 / 1000}, ${T0 / 1000 + 60}, ${count}, 0, '${writer}', 1)`;
  await s.command(
    `INSERT INTO otel.log_templates (ServiceName, TemplateId, Text, Parts, Source, SeverityNumber, SeverityText, Function, Location, FirstSeen, LastSeen, Count, SupersededBy, WriterId, Version) VALUES ` +
      [
        writerRow(TEMPLATE_PAID, 'user {} paid {}', 'checkout', 'collector-a', 70),
        writerRow(TEMPLATE_PAID, 'user {} paid {}', 'checkout', 'collector-b', 50),
        writerRow(TEMPLATE_CHARGE, 'charge {} ok', 'payments', 'collector-a', 60),
        writerRow(TEMPLATE_FAILED, 'payment failed for {}', 'checkout', 'collector-b', 6),
      ].join(', '),
  );
  const suppression = new SuppressionStore(s, 'otel');
  await suppression.createSchema();
  const base = {
    kind: 'template' as const,
    templateText: 'user {} paid {}',
    function: '',
    reason: 'rate z=9.2, entropy 0.1',
    strategy: 'zscore_entropy',
    sdkDropped: 0,
    collectorDropped: 0,
    rate: 120,
    baselineRate: 2,
    zScore: 9.2,
    entropy: 0.1,
    collectorId: 'collector-a',
  };
  const row = (over: Partial<SuppressionRow> & Pick<SuppressionRow, 'timeMs' | 'action'>): SuppressionRow => ({
    ...base,
    service: 'checkout',
    templateId: TEMPLATE_PAID,
    suppressed: 0,
    windowStartMs: over.timeMs,
    mutedSinceMs: T0 + 60 * S,
    eventId: newEventId(),
    ...over,
  });
  const rows: SuppressionRow[] = [
    row({ timeMs: T0 + 60 * S, action: 'mute' }),
    row({ timeMs: T0 + 120 * S, action: 'summary', suppressed: 30, sdkDropped: 25, collectorDropped: 5 }),
    row({ timeMs: T0 + 180 * S, action: 'summary', suppressed: 12, sdkDropped: 12 }),
    row({ timeMs: T0 + 240 * S, action: 'unmute', reason: 'rate fell back' }),
    row({ timeMs: T0 + 300 * S, action: 'summary', service: 'payments', kind: 'function', templateId: 0n, templateText: '', function: 'Ledger.sync', suppressed: 7, collectorDropped: 7 }),
    row({ timeMs: T0 - 2 * 3600 * S, action: 'summary', suppressed: 1000 }), // outside the range
  ];
  await suppression.insert(rows);
  await suppression.insert(rows.slice(1, 2)); // a retried write: collapses under FINAL
}

async function seedHttpStats(s: ClickHouseStore): Promise<void> {
  const stats = new HttpStatsStore(s, 'otel');
  await stats.createSchema();
  const histogram = histogramOf(LATENCIES_MS);
  const rows: IntervalStatsRow[] = [];
  const perCollector = new Map<string, IntervalStatsRow[]>([['collector-a', []], ['collector-b', []]]);
  for (let minute = 0; minute < 10; minute++) {
    for (const [collector, list] of perCollector) {
      for (const service of HTTP_SERVICES) {
        const hits = collector === 'collector-a' ? 60 : 30;
        const errors = service === 'checkout' && collector === 'collector-a' ? 6 : 0;
        const r: IntervalStatsRow = {
          timeStartMs: T0 + minute * 60 * S,
          intervalMs: 10 * S,
          service,
          host: `${service}-host`,
          hits,
          bytes: hits * 100,
          statusClasses: { '1xx': 0, '2xx': hits - errors, '3xx': 0, '4xx': 0, '5xx': errors, other: 0 },
          statusCodes: [{ key: '200', hits: hits - errors }, ...(errors ? [{ key: '503', hits: errors }] : [])],
          sections: [
            { key: '/api', hits: hits - 10 },
            { key: '/static', hits: 10 },
          ],
          paths: [{ key: '/api/orders', hits }],
          browsers: [{ key: 'Chrome', hits }],
          os: [{ key: 'Linux', hits }],
          latency: { count: LATENCIES_MS.length, sumMs: LATENCIES_MS.reduce((a, b) => a + b, 0), maxMs: Math.max(...LATENCIES_MS), ...histogram },
        };
        list.push(r);
        rows.push(r);
        HTTP_SEED.hits += hits;
        HTTP_SEED.errors5xx += errors;
        HTTP_SEED.perService.set(service, (HTTP_SEED.perService.get(service) ?? 0) + hits);
        for (const k of r.sections) HTTP_SEED.sections.set(k.key, (HTTP_SEED.sections.get(k.key) ?? 0) + k.hits);
      }
    }
  }
  for (const [collector, list] of perCollector) {
    await stats.insertStats(list, collector, newFlushId());
    await stats.insertKeys(list, collector, newFlushId());
  }
  const alert = (state: 'alert' | 'recovery', atS: number): AlertEvent => ({
    rule: 'high_traffic',
    state,
    service: 'checkout',
    host: 'checkout-host',
    timeMs: T0 + atS * S,
    sinceMs: T0 + 120 * S,
    value: state === 'alert' ? 12.5 : 3,
    limit: 10,
    baseline: 10,
    hits: 1500,
    windowMs: 120 * S,
    message: state === 'alert' ? 'High traffic generated an alert - hits = 12.5/s' : 'High traffic recovered',
  });
  await stats.insertAlerts([alert('alert', 120), alert('recovery', 360)], 'collector-a', newFlushId());
}

describe('every dashboard in deploy/grafana/dashboards', () => {
  beforeAll(async () => {
    await seedTemplatesAndSpam(store);
    await seedHttpStats(store);
  });

  test('there are dashboards for logs, templates and spam, and HTTP statistics', () => {
    expect(dashboards.map((d) => d.json.title)).toEqual(
      expect.arrayContaining(['logfun — logs overview', 'logfun — templates and spam', 'logfun — HTTP statistics']),
    );
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
  });

  test('every panel and variable query expands with known macros, runs with every selection, and returns rows with All', async () => {
    for (const { file, json } of dashboards) {
      const queries = [
        ...(json.panels as Obj[]).flatMap((p) => (p.targets as Obj[]).map((t) => ({ name: `${file}: ${p.title}`, sql: t.rawSql as string }))),
        ...(json.templating.list as Obj[]).filter((v) => v.type === 'query').map((v) => ({ name: `${file}: $${v.name}`, sql: v.query.rawSql as string })),
      ];
      for (const q of queries) {
        for (const selection of [ALL, ['checkout'], ["o'reilly", 'payments']]) {
          await expect(run(q.sql, context(selection))).resolves.toBeInstanceOf(Array);
        }
        const rows = await run(q.sql, context());
        if (rows.length === 0) throw new Error(`${q.name} returned no rows`);
      }
    }
  });

  test('custom variables hold the values the queries use', () => {
    const topn = (dashboardNamed('logfun-templates-spam.json').templating.list as Obj[]).find((v) => v.name === 'topn')!;
    expect(topn.type).toBe('custom');
    expect(String(topn.query).split(',')).toEqual(expect.arrayContaining(['10']));
  });
});

describe('logfun — logs overview: the logs explorer', () => {
  test('the search box filters Body case-insensitively; a quote in it stays a literal', async () => {
    const p = panel('Logs');
    const rows = await run<{ body: string }>(p.rawSql, context(ALL, { search: { current: 'DISK', options: [] } }));
    expect(rows.map((r) => r.body).sort()).toEqual(['disk full', 'disk still full']);
    const quoted = await run<{ body: string }>(p.rawSql, context(ALL, { search: { current: "it's", options: [] } }));
    expect(quoted).toEqual([]);
  });

  test("works with the plugin's OTel mode: otel_logs has the columns of its column map, and the logs builder's query runs", async () => {
    // grafana-clickhouse-datasource, src/otel.ts (OTel 1.2.9 / latest): Time = Timestamp,
    // LogMessage = Body, LogLevel = SeverityText, LogLabels = LogAttributes, TraceId = TraceId.
    const columns = await store.query<{ name: string; type: string }>(
      "SELECT name, type FROM system.columns WHERE database = 'otel' AND table = 'otel_logs'",
    );
    const types = new Map(columns.map((c) => [c.name, c.type]));
    expect(types.get('Timestamp')).toMatch(/^DateTime64\(9/);
    expect(types.get('Body')).toBe('String');
    expect(types.get('SeverityText')).toMatch(/String/);
    expect(types.get('LogAttributes')).toMatch(/^Map\(/);
    expect(types.get('TraceId')).toMatch(/String/);
    expect(types.get('ServiceName')).toMatch(/String/);
    // The shape of the query the plugin's logs builder generates in OTel mode.
    const builder =
      'SELECT Timestamp as "timestamp", Body as "body", SeverityText as "level", LogAttributes as "labels", TraceId as "traceID" ' +
      'FROM "otel"."otel_logs" WHERE ( timestamp >= $__fromTime AND timestamp <= $__toTime ) ORDER BY timestamp DESC LIMIT 1000';
    const rows = await run<{ timestamp: string; body: string; level: string; labels: Record<string, string> }>(builder, context());
    expect(rows).toHaveLength(IN_RANGE.length);
    expect(rows[0]).toMatchObject({ body: 'user u119 paid 119.50', level: 'INFO', labels: { 'http.route': '/pay', 'user.id': 'u119' } });
  });
});

describe('logfun — templates and spam on chDB', () => {
  const d = dashboardNamed('logfun-templates-spam.json');

  test('top templates: ids as text, the text from the stored dictionary, else an example body', async () => {
    const p = panelOf(d, 'Top templates');
    expect(p.format).toBe(1);
    const rows = await run<{ template_id: string; records: string; records_per_s: number; services: string; template: string }>(p.rawSql, context());
    expect(rows.map((r) => [r.template_id, Number(r.records), r.services])).toEqual([
      [TEMPLATE_PAID.toString(), 120, 'checkout'],
      [TEMPLATE_CHARGE.toString(), 60, 'payments'],
      [TEMPLATE_FAILED.toString(), 6, 'checkout'],
      [TEMPLATE_LEDGER.toString(), 1, 'payments'],
    ]);
    expect(rows.map((r) => r.template)).toEqual(['user {} paid {}', 'charge {} ok', 'payment failed for {}', 'ledger unavailable']);
    const top2 = await run<{ template_id: string }>(p.rawSql, context(ALL, { topn: { current: '2', options: [] } }));
    expect(top2.map((r) => r.template_id)).toEqual([TEMPLATE_PAID.toString(), TEMPLATE_CHARGE.toString()]);
  });

  test('top templates over time: the rates of the top N add up to their counts', async () => {
    const p = panelOf(d, 'Top templates over time');
    expect(p.format).toBe(0);
    const rows = await run<{ time: number; template_id: string; records_per_s: number }>(p.rawSql, context(ALL, { topn: { current: '2', options: [] } }));
    const totals = new Map<string, number>();
    for (const r of rows) totals.set(r.template_id, (totals.get(r.template_id) ?? 0) + r.records_per_s * 60);
    expect([...totals.keys()].sort()).toEqual([TEMPLATE_CHARGE.toString(), TEMPLATE_PAID.toString()].sort());
    expect(totals.get(TEMPLATE_PAID.toString())).toBeCloseTo(120, 6);
    expect(totals.get(TEMPLATE_CHARGE.toString())).toBeCloseTo(60, 6);
    const times = rows.map((r) => Number(r.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('suppressed records by service: summary events in the range, a retried write counted once', async () => {
    const p = panelOf(d, 'Suppressed records by service');
    const rows = await run<{ time: number; ServiceName: string; suppressed: string }>(p.rawSql, context());
    const totals: Record<string, number> = {};
    for (const r of rows) totals[r.ServiceName] = (totals[r.ServiceName] ?? 0) + Number(r.suppressed);
    expect(totals).toEqual({ checkout: 42, payments: 7 });
    const onlyPayments = await run<{ ServiceName: string }>(p.rawSql, context(['payments']));
    expect(new Set(onlyPayments.map((r) => r.ServiceName))).toEqual(new Set(['payments']));
  });

  test('most suppressed keys, and the mute / unmute history with its figures', async () => {
    const most = await run<{ ServiceName: string; kind: string; template_id: string; function: string; template: string; suppressed: string; in_sdk: string; in_collector: string }>(
      panelOf(d, 'Most suppressed templates and functions').rawSql,
      context(),
    );
    expect(most.map((r) => [r.ServiceName, r.kind, r.template_id, r.function, r.template, Number(r.suppressed), Number(r.in_sdk), Number(r.in_collector)])).toEqual([
      ['checkout', 'template', TEMPLATE_PAID.toString(), '', 'user {} paid {}', 42, 37, 5],
      ['payments', 'function', '0', 'Ledger.sync', '', 7, 0, 7],
    ]);
    const events = await run<{ time_ms: string; action: string; target: string; z_score: number; collector: string }>(panelOf(d, 'Mutes, unmutes and overrides').rawSql, context());
    expect(events.map((e) => [Number(e.time_ms), e.action, e.target])).toEqual([
      [T0 + 240 * S, 'unmute', 'user {} paid {}'],
      [T0 + 60 * S, 'mute', 'user {} paid {}'],
    ]);
    expect(events[1]).toMatchObject({ z_score: 9.2, collector: 'collector-a' });
  });
});

describe('logfun — HTTP statistics on chDB', () => {
  const d = dashboardNamed('logfun-http.json');

  test('requests/s: partial rows of both collectors add up per service', async () => {
    const p = panelOf(d, 'Requests/s');
    const rows = await run<{ time: number; ServiceName: string; requests_per_s: number }>(p.rawSql, context());
    const totals = new Map<string, number>();
    for (const r of rows) totals.set(r.ServiceName, (totals.get(r.ServiceName) ?? 0) + r.requests_per_s * 60);
    for (const [service, hits] of HTTP_SEED.perService) expect(totals.get(service)).toBeCloseTo(hits, 6);
    // Each minute: 60 + 30 hits per service from the two collectors = 1.5 req/s.
    for (const r of rows) expect(r.requests_per_s).toBeCloseTo(1.5, 9);
  });

  test('5xx/s and the error ratio', async () => {
    const rows = await run<{ ServiceName: string; errors_5xx_per_s: number; error_ratio: number }>(panelOf(d, '5xx/s and error ratio').rawSql, context(['checkout']));
    expect(rows).toHaveLength(10);
    for (const r of rows) {
      expect(r.errors_5xx_per_s).toBeCloseTo(6 / 60, 9);
      expect(r.error_ratio).toBeCloseTo(6 / 90, 9);
    }
    const statuses = await run<Record<string, number>>(panelOf(d, 'Status classes').rawSql, context());
    let fiveXx = 0;
    for (const r of statuses) fiveXx += r['5xx'] * 60;
    expect(fiveXx).toBeCloseTo(HTTP_SEED.errors5xx, 6);
  });

  test('latency quantiles equal quantileFromBuckets over the merged histograms', async () => {
    const p = panelOf(d, 'Latency quantiles (ms)');
    // The dashboard's expressions are the store's own (latencyQuantileSql), so they stay in step.
    for (const q of [0.5, 0.95, 0.99]) expect(p.rawSql).toContain(latencyQuantileSql(q, 'h'));
    const rows = await run<{ ServiceName: string; p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number }>(p.rawSql, context());
    expect(rows).toHaveLength(20);
    // Every minute of every service merges two copies (one per collector) of the same histogram: same quantiles.
    const h = histogramOf(LATENCIES_MS);
    for (const r of rows) {
      expect(r.p50_ms).toBeCloseTo(quantileFromBuckets(h.buckets, h.counts, 0.5), 6);
      expect(r.p95_ms).toBeCloseTo(quantileFromBuckets(h.buckets, h.counts, 0.95), 6);
      expect(r.p99_ms).toBeCloseTo(quantileFromBuckets(h.buckets, h.counts, 0.99), 6);
      expect(r.max_ms).toBe(1200);
    }
    // Within the sketch's 1 % relative accuracy of the true values.
    expect(rows[0].p50_ms).toBeGreaterThan(40 * 0.98);
    expect(rows[0].p50_ms).toBeLessThan(40 * 1.02);
  });

  test('top sections and status codes over the range; alerts newest first', async () => {
    const sections = await run<{ section: string; hits: string }>(panelOf(d, 'Top sections').rawSql, context());
    expect(sections.map((r) => [r.section, Number(r.hits)])).toEqual([...HTTP_SEED.sections.entries()].sort((a, b) => b[1] - a[1]));
    const codes = await run<{ status: string; hits: string }>(panelOf(d, 'Status codes').rawSql, context());
    expect(codes.map((r) => [r.status, Number(r.hits)])).toEqual([
      ['200', HTTP_SEED.hits - HTTP_SEED.errors5xx],
      ['503', HTTP_SEED.errors5xx],
    ]);
    const alerts = await run<{ time_ms: string; rule: string; state: string; value_rps: number }>(panelOf(d, 'Alerts').rawSql, context());
    expect(alerts.map((a) => [Number(a.time_ms), a.rule, a.state, a.value_rps])).toEqual([
      [T0 + 360 * S, 'high_traffic', 'recovery', 3],
      [T0 + 120 * S, 'high_traffic', 'alert', 12.5],
    ]);
    expect(await run(panelOf(d, 'Alerts').rawSql, context(['payments']))).toEqual([]);
  });
});
