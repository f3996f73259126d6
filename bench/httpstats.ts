/**
 * httpstats end to end, beside GoAccess, on the same access log:
 *
 *   npm run build && node dist/bench/httpstats.js <file> [--lines N] [--micro] [--keep]
 *
 * From <file> (Combined Log Format) two inputs of about N lines (default 1,000,000)
 * are written to a temporary folder:
 *
 *   - sparse: the file again and again, each pass shifted in time to follow the
 *     previous one (the file's own rate: a quiet site, a new interval almost
 *     every line — the aggregator's worst case);
 *   - dense: every line repeated N / lines times in place (the same times: a busy
 *     site, many requests per interval).
 *
 * On each, `logfun httpstats --once --json` (the built CLI, a child process) and,
 * when installed, `goaccess --log-format=COMBINED -o report.json` are run once;
 * the table shows lines per CPU second (user + system: one core whatever else
 * runs on the machine), CPU seconds, wall seconds, peak RSS and the requests each
 * counted. logfun's CPU and peak RSS are measured by the child itself at exit
 * (test/kit/peak-rss-preload.js), GoAccess's by /usr/bin/time.
 *
 * Before that, the aggregator's totals over the file are checked against an
 * independent count (a plain split of each line on unescaped quotes and spaces):
 * hits, bytes, status codes, sections, paths, user agents and unreadable lines
 * must match exactly, or the bench exits non-zero.
 *
 * --micro also runs the in-memory variants (one process, the file's text scanned
 * repeatedly): line split only (the floor); the CLF scanner; scanner +
 * HttpStatsAggregator, sparse and dense; the filelog parser's OTel records through
 * HttpStatsProcessor.consumeLogs. Best of several interleaved rounds.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../test/kit/cli-run';
import { newAccessLogFields, scanAccessLog, createAccessLogParser } from '../collector/receivers/filelog/parsers';
import { LogBatchBuilder, type LogBatch } from '../collector/pipeline/batch';
import { Metrics } from '../collector/telemetry/metrics';
import { createMemoryLogger } from '../collector/telemetry/diag';
import { TemplateDictionary } from '../collector/templates/dictionary';
import { HttpStatsAggregator, newHttpSample, sumRows, type IntervalStatsRow } from '../processors/httpstats/aggregator';
import { HttpStatsProcessor } from '../processors/httpstats/processor';
import { createDefaultHttpStatsConfig } from '../processors/httpstats/config';
import { benchInputPath, printTable } from './lib';

const INTERVAL_MS = 10_000;
const LATENESS_MS = 2_000;

function forEachLine(text: string, repeats: number, onLine: (line: string) => void): void {
  for (let r = 0; r < repeats; r++) {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (start < text.length) onLine(text.substring(start));
        break;
      }
      if (nl > start) onLine(text.substring(start, nl));
      start = nl + 1;
    }
  }
}

/**
 * Scanner + aggregator over `repeats` passes; each pass's intervals are closed as its time advances
 * (the file is sparse — about one request per 10 s interval — so this includes the per-interval cost
 * almost once per line: the aggregator's worst case). `dense` keeps every pass in the same intervals
 * (as if `repeats` servers logged the same traffic), closing them only at the end.
 */
function parseAndAggregate(text: string, repeats: number, keepRows: boolean, dense = false): { requests: number; failed: number; rows: IntervalStatsRow[] } {
  const f = newAccessLogFields();
  const s = newHttpSample();
  let agg = new HttpStatsAggregator({ intervalMs: INTERVAL_MS });
  const rows: IntervalStatsRow[] = [];
  let requests = 0;
  let failed = 0;
  let maxTime = -Infinity;
  let sinceClose = 0;
  for (let r = 0; r < repeats; r++) {
    forEachLine(text, 1, (line) => {
      if (scanAccessLog(line, f) !== '') {
        failed++;
        return;
      }
      s.timeMs = f.timeMs;
      s.path = f.path;
      s.status = f.status;
      s.bytes = f.bytes;
      s.userAgent = f.userAgent;
      agg.add(s);
      requests++;
      if (f.timeMs > maxTime) maxTime = f.timeMs;
      if (!dense && ++sinceClose === 1000) {
        sinceClose = 0;
        const closed = agg.closeUntil(maxTime - LATENESS_MS);
        if (keepRows) rows.push(...closed);
      }
    });
    if (dense && r < repeats - 1) continue;
    const closed = agg.closeAll();
    if (keepRows) rows.push(...closed);
    maxTime = -Infinity;
    agg = new HttpStatsAggregator({ intervalMs: INTERVAL_MS });
  }
  return { requests, failed, rows };
}

async function pipeline(text: string, repeats: number): Promise<number> {
  const metrics = new Metrics();
  const cfg = createDefaultHttpStatsConfig();
  cfg.store = false;
  let closedHits = 0;
  const processor = new HttpStatsProcessor({ id: 'httpstats', metrics, logger: createMemoryLogger() }, cfg, { consumeLogs: async () => undefined }, {
    tickMs: 0,
    listeners: [{ onIntervals: (rows) => rows.forEach((r) => (closedHits += r.hits)) }],
  });
  await processor.start({ metrics, logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() });
  const parse = createAccessLogParser();
  let builder = new LogBatchBuilder();
  const resource = builder.addResource({ attributes: [{ key: 'service.name', value: 'bench' }], droppedAttributesCount: 0, schemaUrl: '' });
  const scope = builder.addScope({ name: 'filelog', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const batches: LogBatch[] = [];
  // Batches are built per pass and sent in order; building is part of the measured work.
  for (let r = 0; r < repeats; r++) {
    forEachLine(text, 1, (line) => {
      const p = parse(line);
      if (!p) return;
      builder.add(resource, scope, { timeUnixNano: p.timeUnixNano, body: p.body, attributes: p.attributes });
      if (builder.batch.length === 1000) {
        batches.push(builder.batch);
        builder = new LogBatchBuilder();
        builder.batch.resources.push(batches[0].resources[0]);
        builder.batch.scopes.push(batches[0].scopes[0]);
      }
    });
    if (builder.batch.length) {
      batches.push(builder.batch);
      builder = new LogBatchBuilder();
      builder.batch.resources.push(batches[0].resources[0]);
      builder.batch.scopes.push(batches[0].scopes[0]);
    }
    for (const b of batches.splice(0)) await processor.consumeLogs(b);
    await processor.flush();
  }
  await processor.shutdown();
  return closedHits;
}

/** A line's fields between unescaped double quotes (Apache writes a quote inside a field as \\"). */
function splitOnQuotes(line: string): string[] {
  return line.split(/(?<!\\)"/);
}

/**
 * The independent count: a plain split of each line, no shared code with the scanner or the
 * aggregator. A line is a request when it has the shape `... [date] "request" status bytes`;
 * other lines are counted as unreadable.
 */
function independentCount(text: string) {
  const out = { hits: 0, bytes: 0, unreadable: 0, status: new Map<string, number>(), sections: new Map<string, number>(), paths: new Map<string, number>(), agents: 0 };
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const quoted = splitOnQuotes(line);
    const after = quoted.length >= 3 ? quoted[2].trim().split(' ') : [];
    if (quoted.length < 3 || !quoted[0].trimEnd().endsWith(']') || !/^\d{3}$/.test(after[0] ?? '') || !/^(\d+|-)$/.test(after[1] ?? '')) {
      out.unreadable++;
      continue;
    }
    const [status, bytes] = after;
    const request = quoted[1].split(' ');
    // A request line without a target ("-", or bytes of a TLS handshake) has no path.
    const target = request.length >= 2 ? request[1].replace(/\\(["\\])/g, '$1') : '';
    const beforeQuery = target.split('?')[0];
    const schemeAndRest = beforeQuery.split('://');
    const p = beforeQuery.startsWith('/') || schemeAndRest.length < 2 ? beforeQuery : '/' + schemeAndRest[1].split('/').slice(1).join('/');
    out.hits++;
    out.bytes += bytes === '-' ? 0 : Number(bytes);
    inc(out.status, status);
    inc(out.sections, p === '' ? '(none)' : p.startsWith('/') ? '/' + p.split('/')[1] : p);
    inc(out.paths, p === '' ? '(none)' : p);
    if (quoted.length > 5 && quoted[5] !== '' && quoted[5] !== '-') out.agents++;
  }
  return out;
}

function checkAgainstIndependentCount(text: string): string[] {
  const expected = independentCount(text);
  const run = parseAndAggregate(text, 1, true);
  const got = sumRows(run.rows);
  const problems: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${what}: aggregator ${JSON.stringify(a).slice(0, 200)} != independent ${JSON.stringify(b).slice(0, 200)}`);
  };
  const asObject = (list: { key: string; hits: number }[]) => Object.fromEntries([...list].sort((a, b) => (a.key < b.key ? -1 : 1)).map((k) => [k.key, k.hits]));
  const mapObject = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  same('hits', got.hits, expected.hits);
  same('unreadable lines', run.failed, expected.unreadable);
  same('bytes', got.bytes, expected.bytes);
  same('status codes', asObject(got.statusCodes), mapObject(expected.status));
  same('sections', asObject(got.sections), mapObject(expected.sections));
  // Paths beyond the top 50 of an interval are summed as "(other)"; compare where both are exact.
  if (!got.paths.some((k) => k.key === '(other)')) same('paths', asObject(got.paths), mapObject(expected.paths));
  same('requests with a user agent', got.hits - (got.browsers.find((b) => b.key === 'Unknown')?.hits ?? 0), expected.agents);
  return problems;
}

const USAGE = `usage: node dist/bench/httpstats.js <access.log> [--lines N] [--micro] [--keep]

  <access.log>  a Combined Log Format file (e.g. a real server's log)
  --lines N     lines of each generated input (default 1,000,000)
  --micro       also run the in-memory variants (scanner, aggregator, processor)
  --keep        keep the generated inputs (their folder is printed)`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CLF_DATE = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]/;
const pad = (n: number) => String(n).padStart(2, '0');

/** The line with its `[date]` moved `shiftMs` later (same zone); lines without one unchanged. */
function shiftClfTime(line: string, shiftMs: number): string {
  const m = CLF_DATE.exec(line);
  if (!m) return line;
  const d = new Date(Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) + shiftMs);
  const date = `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${m[7]}]`;
  return line.substring(0, m.index) + date + line.substring(m.index + m[0].length);
}

function clfTimeMs(line: string): number | undefined {
  const m = CLF_DATE.exec(line);
  return m ? Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}

/** Writes the sparse and dense inputs (see the header); returns their paths and line counts. */
function writeInputs(lines: string[], targetLines: number, dir: string): { name: string; file: string; lines: number }[] {
  const repeats = Math.max(1, Math.round(targetLines / lines.length));
  const times = lines.map(clfTimeMs).filter((t): t is number => t !== undefined);
  const spanMs = times.length ? Math.max(...times) - Math.min(...times) + 1000 : 0;
  const write = (file: string, chunks: (pass: number) => string) => {
    const fd = fs.openSync(file, 'w');
    for (let pass = 0; pass < repeats; pass++) fs.writeSync(fd, chunks(pass));
    fs.closeSync(fd);
  };
  const sparse = path.join(dir, 'sparse.log');
  write(sparse, (pass) => lines.map((l) => shiftClfTime(l, pass * spanMs)).join('\n') + '\n');
  const dense = path.join(dir, 'dense.log');
  // Line by line, `repeats` copies each, written in slices so the text is never held whole.
  const fd = fs.openSync(dense, 'w');
  for (let i = 0; i < lines.length; i += 100) fs.writeSync(fd, lines.slice(i, i + 100).map((l) => (l + '\n').repeat(repeats)).join(''));
  fs.closeSync(fd);
  return [
    { name: 'sparse', file: sparse, lines: repeats * lines.length },
    { name: 'dense', file: dense, lines: repeats * lines.length },
  ];
}

interface ToolRun {
  tool: string;
  wallSeconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  requests: number;
  failed: number;
}

async function runLogfun(file: string): Promise<ToolRun> {
  const run = await runCli(['httpstats', '--once', '--json', '--parser', 'combined', file], { timeoutMs: 3_600_000 });
  if (run.code !== 0 || run.cpuSeconds === undefined) throw new Error(`logfun httpstats failed (${run.code}): ${run.stderr}`);
  const report = JSON.parse(run.stdout);
  return { tool: 'logfun httpstats --once', wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, maxRssBytes: run.maxRssBytes!, requests: report.summary.requests, failed: report.malformed_lines };
}

function goaccessInstalled(): boolean {
  return spawnSync('goaccess', ['--version'], { stdio: 'ignore' }).status === 0;
}

function runGoAccess(file: string, dir: string): ToolRun {
  const report = path.join(dir, 'goaccess.json');
  const t0 = process.hrtime.bigint();
  // /usr/bin/time writes "<user> <system> <max RSS KiB>" as the last line of stderr.
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', 'goaccess', file, '--log-format=COMBINED', '--no-global-config', '-o', report], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`goaccess failed (${r.status}): ${r.stderr.slice(-500)}`);
  const [user, system, rssKiB] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const general = JSON.parse(fs.readFileSync(report, 'utf8')).general;
  return { tool: 'goaccess 1.7', wallSeconds, cpuSeconds: user + system, maxRssBytes: rssKiB * 1024, requests: general.valid_requests, failed: general.failed_requests };
}

async function runMicro(text: string, targetLines: number, linesPerPass: number, file: string): Promise<void> {
  const repeats = Math.max(1, Math.round(targetLines / linesPerPass));
  const totalLines = repeats * linesPerPass;
  const variants: { name: string; run(r: number): Promise<number> | number }[] = [
    {
      name: 'line split only (floor)',
      run: (r) => {
        let n = 0;
        forEachLine(text, r, () => n++);
        return n;
      },
    },
    {
      name: 'parse only (scanner)',
      run: (r) => {
        const f = newAccessLogFields();
        let n = 0;
        forEachLine(text, r, (line) => {
          if (scanAccessLog(line, f) === '') n++;
        });
        return n;
      },
    },
    { name: 'parse + aggregate (httpstats)', run: (r) => parseAndAggregate(text, r, false).requests },
    { name: 'parse + aggregate, dense intervals', run: (r) => parseAndAggregate(text, r, false, true).requests },
    { name: 'pipeline: OTel records -> processor', run: (r) => pipeline(text, r) },
  ];

  for (const v of variants) await v.run(Math.max(1, Math.round(repeats / 20)));
  const rounds = 5;
  const bestCpu = new Map<string, number>();
  const bestWall = new Map<string, number>();
  const counted = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      const n = await v.run(repeats);
      const cpu = process.cpuUsage(c0);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      bestCpu.set(v.name, Math.min(bestCpu.get(v.name) ?? Infinity, (cpu.user + cpu.system) / 1e6));
      bestWall.set(v.name, Math.min(bestWall.get(v.name) ?? Infinity, wall));
      counted.set(v.name, n);
    }
  }
  const floor = bestCpu.get(variants[0].name)!;
  printTable(
    `httpstats: ${totalLines.toLocaleString('en-US')} lines (${path.basename(file)}, ${linesPerPass} lines x ${repeats}), node ${process.version}, ` +
      `best of ${rounds} rounds, one core (CPU time)`,
    ['variant', 'lines/s', 'ns/line', 'ns/line minus floor', 'lines/s (wall)', 'lines counted'],
    variants.map((v, i) => {
      const s = bestCpu.get(v.name)!;
      return [
        v.name,
        Math.round(totalLines / s),
        Math.round((s * 1e9) / totalLines),
        i === 0 ? '-' : Math.round(((s - floor) * 1e9) / totalLines),
        Math.round(totalLines / bestWall.get(v.name)!),
        counted.get(v.name)!,
      ];
    }),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.length === 0) {
    console.log(USAGE);
    process.exitCode = args.length === 0 ? 2 : 0;
    return;
  }
  let targetLines = 1_000_000;
  const li = args.indexOf('--lines');
  if (li >= 0) {
    targetLines = Number(args[li + 1]);
    args.splice(li, 2);
    if (!(targetLines > 0)) throw new Error('--lines: expected a positive number');
  }
  const flag = (name: string) => {
    const at = args.indexOf(name);
    if (at >= 0) args.splice(at, 1);
    return at >= 0;
  };
  const micro = flag('--micro');
  const keep = flag('--keep');
  if (args.length !== 1 || args[0].startsWith('-')) throw new Error(`expected one file argument\n${USAGE}`);
  const file = benchInputPath(args[0], undefined, '<access.log>');
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`${file} has no lines`);

  const problems = checkAgainstIndependentCount(text);
  if (problems.length) {
    console.log(`independent count check FAILED on ${path.basename(file)}:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`independent count check on ${path.basename(file)} (${lines.length} lines): hits, bytes, status codes, sections, paths, user agents, unreadable lines match exactly`);
  }
  if (micro) await runMicro(text, targetLines, lines.length, file);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-httpstats-'));
  try {
    const inputs = writeInputs(lines, targetLines, dir);
    const withGoAccess = goaccessInstalled();
    const rows: (string | number)[][] = [];
    const verdicts: string[] = [];
    for (const input of inputs) {
      const ours = await runLogfun(input.file);
      const runs = [ours];
      if (withGoAccess) runs.push(runGoAccess(input.file, dir));
      const theirs = runs[1];
      for (const r of runs) {
        const perCpu = input.lines / r.cpuSeconds;
        rows.push([
          input.name,
          r.tool,
          input.lines,
          Math.round(perCpu),
          Number(r.cpuSeconds.toFixed(2)),
          Number(r.wallSeconds.toFixed(2)),
          Math.round(r.maxRssBytes / (1024 * 1024)),
          r.requests,
          r.failed,
          theirs ? `${(theirs.cpuSeconds / r.cpuSeconds).toFixed(2)}x` : '-',
        ]);
      }
      if (theirs) {
        const ratio = theirs.cpuSeconds / ours.cpuSeconds;
        verdicts.push(`${input.name}: ${ratio.toFixed(2)}x GoAccess's lines per CPU second (target >= 3x): ${ratio >= 3 ? 'OK' : 'BELOW TARGET'}`);
        if (theirs.requests !== ours.requests) verdicts.push(`${input.name}: requests counted differ: logfun ${ours.requests}, GoAccess ${theirs.requests}`);
      }
    }
    printTable(
      `httpstats vs GoAccess on ${path.basename(file)} (${lines.length} lines) made into ~${targetLines.toLocaleString('en-US')}-line inputs; node ${process.version}; one run each`,
      ['input', 'tool', 'lines', 'lines/CPU-s', 'CPU s', 'wall s', 'peak RSS MiB', 'requests', 'failed lines', 'speed vs GoAccess'],
      rows,
    );
    if (!withGoAccess) console.log('\ngoaccess is not installed: logfun alone (apt-get install goaccess for the comparison)');
    for (const v of verdicts) console.log(v);
    if (keep) console.log(`inputs kept in ${dir}`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
