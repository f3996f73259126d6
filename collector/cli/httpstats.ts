/**
 * `logfun httpstats <glob...>`: HTTP access statistics in the terminal, for
 * people without a server. Tails access logs (CLF/Combined, CSV, or JSON/OTel
 * records with HTTP attributes) with the filelog receiver, runs the httpstats
 * processor in process (no ClickHouse), prints a summary every interval and
 * every alert / recovery as it happens.
 *
 * Intervals are by the requests' own time, so a replayed old file
 * (--from-beginning, --once) gives the summaries and alerts it would have given
 * live; each printed summary covers the intervals closed since the previous one.
 *
 * --once (batch): the inputs are checked first (a missing file, a pattern
 * matching nothing, a directory, a binary file: an error, non-zero status), then
 * every file is read to its end however long that takes (the receiver's
 * readToEnd: one file after the other, oldest modification first, gzip'd
 * rotations decompressed), and the run says how far it got (files, lines, bytes,
 * malformed lines). Intervals close as the requests' time advances, BATCH_LATENESS
 * behind the newest request read: memory stays bounded by that window, not by the
 * length of the log. Requests older than that when read (files overlapping in
 * time) still count in every total, and the run says how many alerts did not see.
 *
 * Memory: printed intervals are not kept; the run keeps one running total
 * (RowTotals), hits per hour (batch only) and the alerts' own windows.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DiagLogger, Host, LogsConsumer } from '../pipeline/component';
import { Metrics } from '../telemetry/metrics';
import { TemplateDictionary } from '../templates/dictionary';
import { filelogReceiverFactory } from '../receivers/filelog/factory';
import type { FileLogReceiver, ReadProgress } from '../receivers/filelog/receiver';
import { checkBatchInputs, findStreamInput, openTextStream } from './httpstats-inputs';
import type { ParserName } from '../receivers/filelog/parsers/types';
import { HttpStatsProcessor } from '../../processors/httpstats/processor';
import { createDefaultHttpStatsConfig, type AlertGrouping } from '../../processors/httpstats/config';
import { RowTotals, sumRows, type IntervalStatsRow, type KeyCount } from '../../processors/httpstats/aggregator';
import { formatDuration, type ActiveAlertView, type AlertEvent } from '../../processors/httpstats/alerts';
import { quantileFromBuckets } from '../../processors/httpstats/quantiles';
import { DistinctCounter, TOTALS_EXACT_LIMIT } from '../../processors/httpstats/distinct';

export interface HttpStatsConsoleOptions {
  /** Files to tail (glob patterns). */
  globs: string[];
  /** Aggregation interval and summary period, e.g. "10s". */
  interval: string;
  /** high_traffic alert: average req/s over `window`; 0 disables. */
  threshold: number;
  /** Window of the high_traffic alert, e.g. "2m". */
  window: string;
  /** traffic_spike alert: short average above the long one times this. */
  ratio: number;
  shortWindow: string;
  longWindow: string;
  /** Which key alerts are about (default all: the whole traffic). */
  groupBy: AlertGrouping;
  parser: ParserName;
  /** Read files found at start from their beginning (default: only new lines, like tail -f). */
  fromBeginning: boolean;
  /** Read the files to their end, print the summary and exit. */
  once: boolean;
  /** A raised alert recovers when its figure falls to its limit times this (hysteresis). */
  recoveryRatio: number;
  /** Machine-readable output: one JSON document (--once) or one JSON line per summary and alert. */
  json: boolean;
  /** service.name of the records (summaries and alerts per service). */
  service?: string;
  webhook?: string;
  /** Where lines are printed (default stdout). */
  out?: (line: string) => void;
  /** Where notes for the person at the terminal go (default stderr): following from the end, batch progress. */
  note?: (line: string) => void;
  /** Stops a live run (the CLI stops on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Wall clock for tests. */
  clock?: () => number;
}

/** How far a batch run (--once) got. */
export interface BatchReport {
  /** False when stopped (SIGINT/SIGTERM) before every file's end. */
  complete: boolean;
  files: ReadProgress['files'];
  /** Lines read (records), malformed ones included. */
  lines: number;
  /** Bytes of the files read (compressed size for gzip files). */
  bytes: number;
  /** Lines not counted as requests: not in an access-log format (nor records with HTTP attributes). */
  malformed: number;
  /** Last lines without a newline, counted as they are. */
  partialLines: number;
  /** Requests read after their interval had closed (files overlapping in time): in the totals, not in alerts. */
  lateRequests: number;
  /** Lines longer than the receiver's max_line_size (1 MiB): each counted once, as its first piece reads. */
  longLines: number;
  /** Requests whose time was refused (more than a day ahead of the clock, or before 1970): counted at the time they were read. */
  timesReplaced: number;
  /** NUL bytes skipped at line starts (the hole a writer without O_APPEND leaves in a truncated file). */
  nulBytes: number;
  /** Set when the input was a stream (standard input: '-', or a named pipe) rather than files. */
  stream?: string;
  /** Files that could not be read to their end (a damaged gzip file), with why: the run fails (exit status 1). */
  damaged: { path: string; error: string }[];
  /** Matched files that could not be opened (e.g. EMFILE: more than the open-file limit), with why: not read; the run fails. */
  unread: { path: string; error: string }[];
}

export interface HttpStatsConsoleResult {
  requests: number;
  /** The sum of every interval the run closed. */
  total: IntervalStatsRow;
  /** Interval rows closed. */
  intervals: number;
  /**
   * Alert and recovery events: with --once the first MAX_BATCH_ALERTS (all of them in practice;
   * alertsTotal says when not), else the last MAX_LIVE_ALERTS (a live run prints them as they come).
   */
  alerts: AlertEvent[];
  alertsTotal: number;
  /** Hits per hour (start of the hour, epoch ms), --once only. */
  hourly: Map<number, number>;
  /** Distinct clients per day (start of the UTC day), --once only. */
  dailyClients: Map<number, DistinctCounter>;
  /** --once only. */
  batch?: BatchReport;
}

/** How far behind the newest request read a batch run closes intervals (see the header). */
const BATCH_LATENESS = '1h';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_LIVE_ALERTS = 1000;
const MAX_BATCH_ALERTS = 100_000;
/** Paths (and sections) a run's total keeps by name, the rarest beyond that summed under "(other)". */
const MAX_TOTAL_KEYS = 10_000;
/** Lines read with not one request among them before the run warns that the input may not be an access log. */
export const NOT_AN_ACCESS_LOG_LINES = 20;

const PARSER_FORMATS: Record<ParserName, string> = {
  auto: 'Common/Combined Log Format, CSV or JSON records with HTTP attributes',
  clf: 'Common Log Format',
  combined: 'Combined Log Format',
  csv: 'CSV',
  json: 'JSON records with HTTP attributes',
  text: 'access-log text',
};

/** The warning when `lines` lines were read and none was a request (undefined while that is not so); `nulBytes` skipped say binary data. */
export function notAnAccessLogWarning(lines: number, requests: number, parser: ParserName, nulBytes = 0): string | undefined {
  if (requests > 0 || lines < NOT_AN_ACCESS_LOG_LINES) return undefined;
  return (
    `httpstats: warning: none of the ${plural(lines, 'line')} read is an access-log request (${PARSER_FORMATS[parser]}): ` +
    `is this an access log?${nulBytes ? ` It holds NUL bytes: binary data?` : ''} They are counted as malformed lines` +
    (parser === 'auto' ? '' : '; --parser auto tries every format')
  );
}

export function defaultHttpStatsConsoleOptions(globs: string[]): HttpStatsConsoleOptions {
  return {
    globs,
    interval: '10s',
    threshold: 10,
    window: '2m',
    ratio: 1.5,
    shortWindow: '2m',
    longWindow: '20m',
    groupBy: 'all',
    parser: 'auto',
    fromBeginning: false,
    once: false,
    recoveryRatio: 0.9,
    json: false,
  };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

function top(list: KeyCount[], n: number, total: number, percent = false): string {
  if (list.length === 0) return '-';
  return list
    .slice(0, n)
    .map((k) => `${k.key} ${percent && total > 0 ? `${((100 * k.hits) / total).toFixed(0)}%` : k.hits}`)
    .join('  |  ');
}

/** A distinct count, marked approximate (~) once it is estimated. */
function formatClients(c: DistinctCounter): string {
  return `${c.exact ? '' : '~'}${c.count()}`;
}

/** The printed summary of some closed intervals (rows of one or several intervals and keys). */
export function formatSummary(rows: readonly IntervalStatsRow[], active: readonly ActiveAlertView[] = []): string {
  const totals = new RowTotals();
  for (const r of rows) totals.add(r);
  return formatTotals(totals, active);
}

/** The printed summary of the intervals summed in `totals`. */
export function formatTotals(totals: RowTotals, active: readonly ActiveAlertView[] = []): string {
  if (totals.rows === 0) return 'httpstats: no requests in this period';
  const s = totals.toRow();
  const seconds = s.intervalMs / 1000;
  const sc = s.statusClasses;
  const lines = [
    `── httpstats ${isoSeconds(s.timeStartMs)} .. ${isoSeconds(s.timeStartMs + s.intervalMs)} (${formatDuration(s.intervalMs)}) ──`,
    `  requests   ${s.hits} (${(s.hits / seconds).toFixed(2)} req/s)   bytes ${formatBytes(s.bytes)}`,
    `  status     2xx ${sc['2xx']}  |  3xx ${sc['3xx']}  |  4xx ${sc['4xx']}  |  5xx ${sc['5xx']}${sc['1xx'] ? `  |  1xx ${sc['1xx']}` : ''}${sc.other ? `  |  other ${sc.other}` : ''}`,
    `  codes      ${top(s.statusCodes, 8, s.hits)}`,
    `  sections   ${top(s.sections, 5, s.hits)}`,
    `  top paths  ${top(s.paths, 5, s.hits)}`,
  ];
  if (s.latency.count > 0) {
    const q = (p: number) => formatMs(quantileFromBuckets(s.latency.buckets, s.latency.counts, p));
    lines.push(`  latency    p50 ${q(0.5)}  |  p90 ${q(0.9)}  |  p99 ${q(0.99)}  |  max ${formatMs(s.latency.maxMs)}  (${s.latency.count} timed)`);
  }
  lines.push(`  browsers   ${top(s.browsers, 4, s.hits, true)}`, `  os         ${top(s.os, 4, s.hits, true)}`);
  if (s.clients) lines.push(`  clients    ${formatClients(s.clients)} distinct addresses (unique visitors)`);
  if (totals.services.size > 1) {
    lines.push(`  services   ${top([...totals.services].map(([key, hits]) => ({ key, hits })).sort((a, b) => b.hits - a.hits), 5, s.hits)}`);
  }
  for (const a of active) lines.push(`  ALERT ACTIVE  ${a.rule === 'high_traffic' ? 'high traffic' : 'traffic spike'} since ${isoSeconds(a.sinceMs)}`);
  return lines.join('\n');
}

export function formatAlert(e: AlertEvent): string {
  return `${e.state === 'alert' ? '[ALERT]' : '[RECOVERED]'} ${e.message}`;
}

/** A diagnostic logger for the console: errors and warnings to stderr, except alert messages (printed as alert lines). */
function consoleLogger(): DiagLogger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (fields && 'rule' in fields) return;
    process.stderr.write(`logfun httpstats ${level}: ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
  };
  return { info: () => undefined, warn: (m, f) => write('warning', m, f), error: (m, f) => write('error', m, f) };
}

/** Thrown when --once is given input it cannot read: the CLI prints it and exits non-zero. */
export class HttpStatsInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`httpstats: cannot read the input:\n  ${problems.join('\n  ')}`);
  }
}

/** The --json document of a run that failed: `error` always, `problems` (one per input) for unreadable input. */
export function httpStatsErrorJson(e: unknown): Record<string, unknown> {
  const message = e instanceof Error ? e.message : String(e);
  return e instanceof HttpStatsInputError ? { error: message, problems: e.problems } : { error: message };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** The batch run's account of how far it got (printed after the summary). */
export function formatBatchReport(b: BatchReport): string {
  const gz = b.files.filter((f) => f.gzip).length;
  const input = b.stream ? (b.stream === '-' ? 'standard input' : b.stream) : undefined;
  // Stopped: how much was read of how much there is (a stream's total is not known); the files' size is not what was read.
  const read = b.files.reduce((n, f) => n + Math.min(f.offset, f.size), 0);
  const head = b.complete
    ? `read ${input ?? plural(b.files.length, 'file')} ${b.damaged.length ? `(${b.damaged.length} DAMAGED: read up to the damage)` : 'to the end'}${b.unread.length ? ` (${b.unread.length} more NOT READ)` : ''}`
    : `INCOMPLETE: stopped ${input ? `after ${formatBytes(read)} of ${input}` : `at ${formatBytes(read)} of ${formatBytes(b.bytes)}`}`;
  const amount = b.complete ? `${plural(b.lines, 'line')}, ${formatBytes(b.bytes)}` : `${plural(b.lines, 'line')} read`;
  const lines = [
    `httpstats: ${head}${gz ? ` (${gz} gzip-compressed)` : ''}: ${amount}; ` +
      `${plural(b.malformed, 'malformed line')} (not in the log format, not counted as requests)` +
      (b.partialLines ? `; ${plural(b.partialLines, 'last line')} without a newline read as is` : ''),
  ];
  if (b.longLines) {
    lines.push(`httpstats: ${plural(b.longLines, 'line')} longer than 1 MiB, each counted once (as malformed unless its first MiB is a request)`);
  }
  if (b.timesReplaced) {
    lines.push(
      `httpstats: ${plural(b.timesReplaced, 'request')} had a time more than a day ahead of this computer's clock (or before 1970): ` +
        'counted at the time they were read, not at their own',
    );
  }
  if (b.nulBytes) {
    lines.push(`httpstats: ${plural(b.nulBytes, 'NUL byte')} skipped at line starts (a hole left by a writer without O_APPEND when its log was truncated?)`);
  }
  for (const d of b.damaged) lines.push(`httpstats: DAMAGED: ${d.path}: ${d.error}`);
  if (b.unread.length) {
    const why = [...new Set(b.unread.map((u) => u.error))].join(', ');
    lines.push(
      `httpstats: NOT READ: ${plural(b.unread.length, 'matched file')} could not be opened (${why})` +
        (why.includes('EMFILE') ? '; more files than the open-file limit: raise it (ulimit -n) or read fewer at a time' : '') +
        `: ${b.unread.slice(0, 5).map((u) => u.path).join(', ')}${b.unread.length > 5 ? ', ...' : ''}`,
    );
  }
  if (b.lateRequests) {
    lines.push(
      `httpstats: ${plural(b.lateRequests, 'request')} came more than ${BATCH_LATENESS} behind requests already read (files overlapping in time): ` +
        'counted in every total, but the alerts did not see them',
    );
  }
  return lines.join('\n');
}

/** Hits per day and per hour of the day (UTC), for a batch spanning more than a day. */
export function formatHourly(hourly: ReadonlyMap<number, number>, dailyClients: ReadonlyMap<number, DistinctCounter> = new Map()): string {
  const hours = [...hourly.keys()].sort((a, b) => a - b);
  if (hours.length === 0 || hours[hours.length - 1] - hours[0] < DAY_MS) return '';
  const perDay = new Map<number, number>();
  const ofDay = new Array<number>(24).fill(0);
  for (const h of hours) {
    const hits = hourly.get(h)!;
    const day = Math.floor(h / DAY_MS) * DAY_MS;
    perDay.set(day, (perDay.get(day) ?? 0) + hits);
    ofDay[new Date(h).getUTCHours()] += hits;
  }
  const lines = ['── per day (UTC) ──'];
  for (const [day, hits] of perDay) {
    let busiest = day;
    for (let h = day; h < day + DAY_MS; h += HOUR_MS) if ((hourly.get(h) ?? 0) > (hourly.get(busiest) ?? 0)) busiest = h;
    const clients = dailyClients.get(day);
    lines.push(
      `  ${new Date(day).toISOString().slice(0, 10)}  ${String(hits).padStart(9)} requests   ${clients ? `${formatClients(clients).padStart(7)} clients   ` : ''}` +
        `busiest hour ${new Date(busiest).toISOString().slice(11, 13)}:00 (${hourly.get(busiest) ?? 0})`,
    );
  }
  lines.push('── per hour of the day (UTC, all days) ──');
  const max = Math.max(...ofDay);
  for (let h = 0; h < 24; h++) lines.push(`  ${String(h).padStart(2, '0')}:00  ${String(ofDay[h]).padStart(9)}  ${'#'.repeat(max > 0 ? Math.round((40 * ofDay[h]) / max) : 0)}`);
  return lines.join('\n');
}

/** A row as JSON (the figures as they are, latency as quantiles). */
function rowJson(r: IntervalStatsRow): Record<string, unknown> {
  const lat = r.latency;
  const q = (p: number) => (lat.count ? quantileFromBuckets(lat.buckets, lat.counts, p) : null);
  return {
    start: new Date(r.timeStartMs).toISOString(),
    end: new Date(r.timeStartMs + r.intervalMs).toISOString(),
    requests: r.hits,
    requests_per_second: r.intervalMs > 0 ? r.hits / (r.intervalMs / 1000) : 0,
    bytes: r.bytes,
    status_classes: r.statusClasses,
    status_codes: Object.fromEntries(r.statusCodes.map((k) => [k.key, k.hits])),
    sections: r.sections,
    paths: r.paths.slice(0, 50),
    browsers: r.browsers,
    os: r.os,
    latency_ms: lat.count ? { count: lat.count, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat.maxMs } : null,
    distinct_clients: r.clients?.count() ?? 0,
    distinct_clients_exact: r.clients?.exact ?? true,
  };
}

function alertJson(e: AlertEvent): Record<string, unknown> {
  return { state: e.state, rule: e.rule, time: new Date(e.timeMs).toISOString(), value: e.value, limit: e.limit, message: e.message };
}

export async function runHttpStatsConsole(options: HttpStatsConsoleOptions): Promise<HttpStatsConsoleResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const note = options.note ?? ((line: string) => process.stderr.write(line + '\n'));
  // Standard input or a named pipe: read once to its end (see findStreamInput), not tailed as a file.
  const found = await findStreamInput(options.globs);
  if (found.problems.length) throw new HttpStatsInputError(found.problems);
  const stream = found.stream;
  // Binary data on standard input is refused as a binary file is (its first chunk looked at).
  const opened = stream ? await openTextStream(stream, options.signal) : undefined;
  if (opened && 'problem' in opened) throw new HttpStatsInputError([opened.problem]);
  const streamInput = opened?.input;
  const inputs = stream ? undefined : await checkBatchInputs(options.globs);
  if (inputs && options.once && inputs.problems.length) throw new HttpStatsInputError(inputs.problems);
  // Live, a missing file may appear later (the receiver says it waits); a binary file there now is no access log.
  if (inputs?.binary.length) throw new HttpStatsInputError(inputs.binary);
  const metrics = new Metrics();
  const logger = consoleLogger();
  // The run's total: bounded in paths and sections (see RowTotals), a live run lasting for weeks.
  const totals = new RowTotals(MAX_TOTAL_KEYS);
  const hourly = new Map<number, number>();
  // Hits per hour number (a small integer: a cheap Map key, looked up for every interval closed), made `hourly` at the end.
  const hitsByHour = new Map<number, number>();
  const dailyClients = new Map<number, DistinctCounter>();
  const alerts: AlertEvent[] = [];
  // The intervals closed since the last summary, summed as they close (not kept: a replay closes many per second).
  let sincePrint = new RowTotals(MAX_TOTAL_KEYS);

  const cfg = createDefaultHttpStatsConfig();
  cfg.interval = options.interval;
  cfg.store = false;
  cfg.lateness = options.once ? BATCH_LATENESS : '1s';
  cfg.alerts = {
    ...cfg.alerts,
    group_by: options.groupBy,
    rate_threshold: options.threshold,
    rate_window: options.window,
    ratio: options.ratio,
    short_window: options.shortWindow,
    long_window: options.longWindow,
    recovery_ratio: options.recoveryRatio,
    webhook: { ...cfg.alerts.webhook, url: options.webhook ?? '' },
  };
  const discard: LogsConsumer = { consumeLogs: async () => undefined };
  const processor = new HttpStatsProcessor({ id: 'httpstats', metrics, logger }, cfg, discard, {
    clock: options.clock,
    listeners: [
      {
        onIntervals: (rows) => {
          for (const r of rows) {
            totals.add(r);
            if (options.once) {
              const hour = Math.floor(r.timeStartMs / HOUR_MS);
              hitsByHour.set(hour, (hitsByHour.get(hour) ?? 0) + r.hits);
              if (r.clients) {
                const day = Math.floor(r.timeStartMs / DAY_MS) * DAY_MS;
                let c = dailyClients.get(day);
                if (!c) dailyClients.set(day, (c = new DistinctCounter(TOTALS_EXACT_LIMIT)));
                c.merge(r.clients);
              }
            } else sincePrint.add(r);
          }
        },
        onAlert: (e) => {
          result.alertsTotal++;
          if (!options.once) {
            alerts.push(e);
            if (alerts.length > MAX_LIVE_ALERTS) alerts.shift();
          } else if (alerts.length < MAX_BATCH_ALERTS) alerts.push(e);
          // --once --json: one document, alerts included, at the end.
          if (!options.json) out(formatAlert(e));
          else if (!options.once) out(JSON.stringify({ type: 'alert', ...alertJson(e) }));
        },
      },
    ],
  });
  // Checkpoints live only as long as the run: each run starts afresh (start_at decides where).
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-'));
  const receiverCfg = filelogReceiverFactory.createDefaultConfig();
  // A stream is read by receiver.readStream; the receiver still wants a file to match: an empty one.
  const placeholder = path.join(storage, 'empty.log');
  if (stream) fs.writeFileSync(placeholder, '');
  receiverCfg.include = stream ? [placeholder] : options.globs;
  receiverCfg.start_at = options.fromBeginning || options.once ? 'beginning' : 'end';
  // Access-log lines of a known format go to the processor as plain text: its record reader scans
  // them straight into a request (as it does for access lines in a body), with no OTel attributes
  // built and read back — the same figures, at about twice the speed. 'auto', CSV and JSON lines
  // are parsed by the receiver.
  const bodyScan = options.parser === 'clf' || options.parser === 'combined';
  receiverCfg.parser = bodyScan ? 'text' : options.parser;
  receiverCfg.include_file_name = false;
  receiverCfg.storage = storage;
  receiverCfg.poll_interval = '250ms';
  receiverCfg.include_file_path = false;
  receiverCfg.gzip = 'read';
  if (options.service) receiverCfg.resource = { attributes: { 'service.name': options.service } };
  const problems = filelogReceiverFactory.validate!(receiverCfg);
  if (problems.length) {
    fs.rmSync(storage, { recursive: true, force: true });
    throw new Error(problems.join('; '));
  }
  const receiver = filelogReceiverFactory.create({ id: 'filelog', metrics, logger }, receiverCfg, processor) as FileLogReceiver;
  const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
  const counter = (name: string) => metrics.value(name, { receiver: 'filelog' });
  // Malformed: records the processor did not count as requests (not an access-log line, no HTTP attributes).
  // A line longer than max_line_size reaches the processor as several records: all but its last
  // (split pieces) are not lines of their own, and are taken off the line and malformed counts.
  const notRequests = () => Math.max(0, metrics.value('logfun_httpstats_records_skipped_total') - counter('logfun_filelog_split_lines_total'));
  let malformedSeen = 0;

  const printSummary = () => {
    const period = sincePrint;
    sincePrint = new RowTotals(MAX_TOTAL_KEYS);
    const malformed = notRequests() - malformedSeen;
    malformedSeen += malformed;
    if (options.json) {
      out(JSON.stringify({ type: 'summary', ...(period.rows ? rowJson(period.toRow()) : { requests: 0 }), malformed_lines: malformed }));
      return;
    }
    let text = formatTotals(period, processor.activeAlerts());
    if (malformed) text += `\n  malformed  ${plural(malformed, 'line')} not in the log format`;
    out(text);
  };

  // Lines that are not requests are counted (malformed), but a run reading only such lines says so early, once.
  let warnedNotALog = false;
  const warnIfNotAnAccessLog = () => {
    const warning = warnedNotALog ? undefined : notAnAccessLogWarning(notRequests(), metrics.value('logfun_httpstats_requests_total'), options.parser, counter('logfun_filelog_nul_bytes_skipped_total'));
    if (warning) note(warning);
    warnedNotALog ||= warning !== undefined;
  };
  const watcher = setInterval(warnIfNotAnAccessLog, 500);

  const result: HttpStatsConsoleResult = { requests: 0, total: totals.toRow(), intervals: 0, alerts, alertsTotal: 0, hourly, dailyClients };
  let printer: NodeJS.Timeout | undefined;
  let progress: ReadProgress | undefined;
  try {
    await processor.start(host);
    await receiver.start(host);
    if (stream && streamInput && options.once) {
      if (stream.stdin && process.stdin.isTTY) note('httpstats: reading standard input (the terminal): end it with Ctrl-D');
      progress = await receiver.readStream(stream.name, streamInput, { signal: options.signal });
    } else if (options.once) {
      progress = await receiver.readToEnd(options.signal);
    } else {
      if (!options.fromBeginning && inputs?.files.length) {
        note(
          `httpstats: following ${plural(inputs.files.length, 'file')} from ${inputs.files.length === 1 ? 'its' : 'their'} end (like tail -f): only lines written from now on count. ` +
            'Use --from-beginning to read what they already hold, or --once to read them to the end, summarise and exit.',
        );
      }
      const intervalMs = processor.config.intervalMs;
      printer = setInterval(printSummary, intervalMs);
      // Following a stream ends at its end (or a signal); files are followed until a signal.
      const read = stream && streamInput ? receiver.readStream(stream.name, streamInput, { signal: options.signal, emitPartialOnStop: true }) : new Promise<never>(() => undefined);
      await Promise.race([
        read,
        new Promise<void>((resolve) => {
          if (options.signal?.aborted) return resolve();
          options.signal?.addEventListener('abort', () => resolve(), { once: true });
        }),
      ]);
      // A signal stops the stream's read, which then emits its held line: wait for it.
      if (stream) await read;
    }
  } finally {
    if (printer) clearInterval(printer);
    clearInterval(watcher);
    // Reads what was written since, emits last lines without a newline, then closes the last intervals;
    // a batch stopped by the user (SIGINT) ends where it stopped.
    await receiver.shutdown({ finalRead: !(options.once && options.signal?.aborted && !progress?.complete) });
    await processor.flush();
    warnIfNotAnAccessLog();
    for (const [hour, hits] of hitsByHour) hourly.set(hour * HOUR_MS, hits);
    result.requests = metrics.value('logfun_httpstats_requests_total');
    result.total = totals.toRow();
    result.intervals = totals.rows;
    if (!options.once && sincePrint.rows) printSummary();
    await processor.shutdown();
    fs.rmSync(storage, { recursive: true, force: true });
  }
  if (options.once && progress) {
    const malformed = notRequests();
    const batch: BatchReport = {
      complete: progress.complete,
      files: progress.files,
      lines: counter('logfun_receiver_accepted_records_total') - counter('logfun_filelog_split_lines_total'),
      bytes: progress.files.reduce((n, f) => n + f.size, 0),
      malformed,
      partialLines: counter('logfun_filelog_partial_lines_total'),
      lateRequests: metrics.value('logfun_httpstats_late_requests_total', { processor: 'httpstats' }),
      longLines: counter('logfun_filelog_long_lines_total'),
      timesReplaced: metrics.value('logfun_httpstats_times_replaced_total'),
      damaged: progress.files.filter((f) => f.error).map((f) => ({ path: f.path, error: f.error! })),
      unread: progress.unopened,
      nulBytes: counter('logfun_filelog_nul_bytes_skipped_total'),
      ...(stream ? { stream: stream.name } : {}),
    };
    result.batch = batch;
    if (options.json) {
      out(
        JSON.stringify({
          complete: batch.complete,
          files: batch.files.map((f) => ({ path: f.path, bytes: f.size, read: Math.min(f.offset, f.size), gzip: f.gzip, ...(f.error ? { error: f.error } : {}) })),
          lines: batch.lines,
          bytes: batch.bytes,
          malformed_lines: batch.malformed,
          partial_lines: batch.partialLines,
          late_requests: batch.lateRequests,
          long_lines: batch.longLines,
          times_replaced: batch.timesReplaced,
          damaged_files: batch.damaged.length,
          nul_bytes_skipped: batch.nulBytes,
          unread_files: batch.unread,
          // No request read: no period either (not 1970-01-01).
          summary: { ...rowJson(result.total), ...(totals.rows ? {} : { start: null, end: null }) },
          hourly: [...hourly].sort((a, b) => a[0] - b[0]).map(([h, n]) => ({ hour: new Date(h).toISOString(), requests: n })),
          daily_distinct_clients: [...dailyClients].sort((a, b) => a[0] - b[0]).map(([d, c]) => ({ day: new Date(d).toISOString().slice(0, 10), distinct_clients: c.count() })),
          alerts_total: result.alertsTotal,
          alerts: alerts.map(alertJson),
        }),
      );
    } else {
      out(formatTotals(totals, processor.activeAlerts()));
      const perHour = formatHourly(hourly, dailyClients);
      if (perHour) out(perHour);
      out(formatBatchReport(batch));
    }
  }
  return result;
}
