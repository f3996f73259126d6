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
 * With --once every interval is held until all files are read (they are read
 * one after the other and may overlap in time), then closed in time order.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DiagLogger, Host, LogsConsumer } from '../pipeline/component';
import { Metrics } from '../telemetry/metrics';
import { TemplateDictionary } from '../templates/dictionary';
import { filelogReceiverFactory } from '../receivers/filelog/factory';
import type { ParserName } from '../receivers/filelog/parsers/types';
import { HttpStatsProcessor } from '../../processors/httpstats/processor';
import { createDefaultHttpStatsConfig, type AlertGrouping } from '../../processors/httpstats/config';
import { sumRows, type IntervalStatsRow, type KeyCount } from '../../processors/httpstats/aggregator';
import { formatDuration, type ActiveAlertView, type AlertEvent } from '../../processors/httpstats/alerts';
import { quantileFromBuckets } from '../../processors/httpstats/quantiles';

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
  /** service.name of the records (summaries and alerts per service). */
  service?: string;
  webhook?: string;
  /** Where lines are printed (default stdout). */
  out?: (line: string) => void;
  /** Stops a live run (the CLI stops on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Wall clock for tests. */
  clock?: () => number;
}

export interface HttpStatsConsoleResult {
  requests: number;
  /** Every interval row the run closed. */
  rows: IntervalStatsRow[];
  alerts: AlertEvent[];
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

/** The printed summary of some closed intervals (rows of one or several intervals and keys). */
export function formatSummary(rows: readonly IntervalStatsRow[], active: readonly ActiveAlertView[] = []): string {
  if (rows.length === 0) return 'httpstats: no requests in this period';
  const s = sumRows(rows);
  const seconds = s.intervalMs / 1000;
  const sc = s.statusClasses;
  const lines = [
    `── httpstats ${isoSeconds(s.timeStartMs)} .. ${isoSeconds(s.timeStartMs + s.intervalMs)} (${formatDuration(s.intervalMs)}) ──`,
    `  requests   ${s.hits} (${(s.hits / seconds).toFixed(2)} req/s)   bytes ${formatBytes(s.bytes)}`,
    `  status     2xx ${sc['2xx']}  |  3xx ${sc['3xx']}  |  4xx ${sc['4xx']}  |  5xx ${sc['5xx']}${sc['1xx'] ? `  |  1xx ${sc['1xx']}` : ''}${sc.other ? `  |  other ${sc.other}` : ''}`,
    `  sections   ${top(s.sections, 5, s.hits)}`,
    `  top paths  ${top(s.paths, 5, s.hits)}`,
  ];
  if (s.latency.count > 0) {
    const q = (p: number) => formatMs(quantileFromBuckets(s.latency.buckets, s.latency.counts, p));
    lines.push(`  latency    p50 ${q(0.5)}  |  p90 ${q(0.9)}  |  p99 ${q(0.99)}  |  max ${formatMs(s.latency.maxMs)}  (${s.latency.count} timed)`);
  }
  lines.push(`  browsers   ${top(s.browsers, 4, s.hits, true)}`, `  os         ${top(s.os, 4, s.hits, true)}`);
  const services = new Set(rows.map((r) => r.service));
  if (services.size > 1) {
    const per = new Map<string, number>();
    for (const r of rows) per.set(r.service || '-', (per.get(r.service || '-') ?? 0) + r.hits);
    lines.push(`  services   ${top([...per].map(([key, hits]) => ({ key, hits })).sort((a, b) => b.hits - a.hits), 5, s.hits)}`);
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

export async function runHttpStatsConsole(options: HttpStatsConsoleOptions): Promise<HttpStatsConsoleResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const metrics = new Metrics();
  const logger = consoleLogger();
  const result: HttpStatsConsoleResult = { requests: 0, rows: [], alerts: [] };
  let sincePrint: IntervalStatsRow[] = [];

  const cfg = createDefaultHttpStatsConfig();
  cfg.interval = options.interval;
  cfg.store = false;
  // --once reads the files one after the other, so a later file may hold earlier requests: every
  // interval stays open until the end, then all close in time order and alerts see complete figures.
  cfg.lateness = options.once ? '87600h' : '1s';
  cfg.alerts = {
    ...cfg.alerts,
    group_by: options.groupBy,
    rate_threshold: options.threshold,
    rate_window: options.window,
    ratio: options.ratio,
    short_window: options.shortWindow,
    long_window: options.longWindow,
    webhook: { ...cfg.alerts.webhook, url: options.webhook ?? '' },
  };
  const discard: LogsConsumer = { consumeLogs: async () => undefined };
  const processor = new HttpStatsProcessor({ id: 'httpstats', metrics, logger }, cfg, discard, {
    clock: options.clock,
    listeners: [
      {
        onIntervals: (rows) => {
          for (const r of rows) {
            result.rows.push(r);
            sincePrint.push(r);
          }
        },
        onAlert: (e) => {
          result.alerts.push(e);
          out(formatAlert(e));
        },
      },
    ],
  });
  // Checkpoints live only as long as the run: each run starts afresh (start_at decides where).
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-'));
  const receiverCfg = filelogReceiverFactory.createDefaultConfig();
  receiverCfg.include = options.globs;
  receiverCfg.start_at = options.fromBeginning || options.once ? 'beginning' : 'end';
  receiverCfg.parser = options.parser;
  receiverCfg.storage = storage;
  receiverCfg.poll_interval = '250ms';
  receiverCfg.include_file_path = false;
  if (options.service) receiverCfg.resource = { attributes: { 'service.name': options.service } };
  const problems = filelogReceiverFactory.validate!(receiverCfg);
  if (problems.length) {
    fs.rmSync(storage, { recursive: true, force: true });
    throw new Error(problems.join('; '));
  }
  const receiver = filelogReceiverFactory.create({ id: 'filelog', metrics, logger }, receiverCfg, processor);
  const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };

  const printSummary = () => {
    const rows = sincePrint;
    sincePrint = [];
    out(formatSummary(rows, processor.activeAlerts()));
  };

  let printer: NodeJS.Timeout | undefined;
  try {
    await processor.start(host);
    await receiver.start(host);
    if (!options.once) {
      const intervalMs = processor.config.intervalMs;
      printer = setInterval(printSummary, intervalMs);
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted) return resolve();
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  } finally {
    if (printer) clearInterval(printer);
    // Reads every file to its end and delivers it, then closes the last intervals.
    await receiver.shutdown();
    await processor.flush();
    result.requests = metrics.value('logfun_httpstats_requests_total');
    if (options.once) out(formatSummary(result.rows, processor.activeAlerts()));
    else if (sincePrint.length) printSummary();
    await processor.shutdown();
    fs.rmSync(storage, { recursive: true, force: true });
  }
  return result;
}
