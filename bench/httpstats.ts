/**
 * httpstats throughput, one core, one run, one table:
 *
 *   npm run build && node dist/bench/httpstats.js [file] [--lines N]
 *
 * The file (default: ../shared/data/access-logs/hackers-access.log relative to
 * the repository root, Combined Log Format) is read once and scanned repeatedly
 * in memory until about N lines (default 2,000,000) have been processed. Every
 * variant splits lines the same way:
 *
 *   - line split only: the floor (substring per line, nothing parsed);
 *   - parse only: the CLF/Combined scanner into a reused struct;
 *   - parse + aggregate: the scanner plus HttpStatsAggregator.add (hits, bytes,
 *     status classes and codes, sections, paths, browsers, operating systems per
 *     10 s interval), intervals closed as the log's time advances — the figure
 *     the issue asks for (>= 500k lines/s). This file has about one request per
 *     interval, so the per-interval work (creating and closing an accumulator)
 *     is paid almost once per line: the aggregator's worst case;
 *   - parse + aggregate, dense intervals: the same, with every pass falling in the
 *     same intervals (as if many servers logged this traffic), the busy-site case;
 *   - pipeline: the filelog receiver's parser (OTel record with semantic-convention
 *     attributes) into LogBatches of 1000, through HttpStatsProcessor.consumeLogs
 *     (reading attributes back, staging, aggregating), as `logfun httpstats` runs.
 *
 * Before timing, the aggregator's totals over one pass are checked against an
 * independent count (a plain split of each line on quotes and spaces): hits,
 * bytes, status codes, sections, paths and user agents must match exactly, or
 * the bench exits non-zero. Each variant runs several interleaved rounds; the
 * best is reported. Throughput is per CPU second of this process (user + system,
 * which includes the garbage collector's threads): "one core" even when other
 * work shares the machine; wall-clock throughput is shown beside it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { newAccessLogFields, scanAccessLog, createAccessLogParser } from '../collector/receivers/filelog/parsers';
import { LogBatchBuilder, type LogBatch } from '../collector/pipeline/batch';
import { Metrics } from '../collector/telemetry/metrics';
import { createMemoryLogger } from '../collector/telemetry/diag';
import { TemplateDictionary } from '../collector/templates/dictionary';
import { HttpStatsAggregator, newHttpSample, sumRows, type IntervalStatsRow } from '../processors/httpstats/aggregator';
import { HttpStatsProcessor } from '../processors/httpstats/processor';
import { createDefaultHttpStatsConfig } from '../processors/httpstats/config';
import { printTable, REPO_ROOT } from './lib';

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

/** The independent count: a plain split of each line, no shared code with the scanner or aggregator. */
function independentCount(text: string) {
  const out = { hits: 0, bytes: 0, status: new Map<string, number>(), sections: new Map<string, number>(), paths: new Map<string, number>(), agents: 0 };
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const quoted = line.split('"');
    const [, target] = quoted[1].split(' ');
    const [status, bytes] = quoted[2].trim().split(' ');
    // Absolute-form targets (proxy requests, "GET http://host/path"): the path follows the authority.
    const beforeQuery = target.split('?')[0];
    const schemeAndRest = beforeQuery.split('://');
    const p = beforeQuery.startsWith('/') || schemeAndRest.length < 2 ? beforeQuery : '/' + schemeAndRest[1].split('/').slice(1).join('/');
    out.hits++;
    out.bytes += bytes === '-' ? 0 : Number(bytes);
    inc(out.status, status);
    inc(out.sections, '/' + p.split('/')[1]);
    inc(out.paths, p);
    if (quoted.length > 5 && quoted[5] !== '' && quoted[5] !== '-') out.agents++;
  }
  return out;
}

function checkAgainstIndependentCount(text: string): string[] {
  const expected = independentCount(text);
  const got = sumRows(parseAndAggregate(text, 1, true).rows);
  const problems: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${what}: aggregator ${JSON.stringify(a).slice(0, 200)} != independent ${JSON.stringify(b).slice(0, 200)}`);
  };
  const asObject = (list: { key: string; hits: number }[]) => Object.fromEntries([...list].sort((a, b) => (a.key < b.key ? -1 : 1)).map((k) => [k.key, k.hits]));
  const mapObject = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  same('hits', got.hits, expected.hits);
  same('bytes', got.bytes, expected.bytes);
  same('status codes', asObject(got.statusCodes), mapObject(expected.status));
  same('sections', asObject(got.sections), mapObject(expected.sections));
  // Paths beyond the top 50 of an interval are summed as "(other)"; compare where both are exact.
  if (!got.paths.some((k) => k.key === '(other)')) same('paths', asObject(got.paths), mapObject(expected.paths));
  same('requests with a user agent', got.hits - (got.browsers.find((b) => b.key === 'Unknown')?.hits ?? 0), expected.agents);
  return problems;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let targetLines = 2_000_000;
  const li = args.indexOf('--lines');
  if (li >= 0) {
    targetLines = Number(args[li + 1]);
    args.splice(li, 2);
  }
  const file = args[0] ? path.resolve(args[0]) : path.resolve(REPO_ROOT, '..', 'shared', 'data', 'access-logs', 'hackers-access.log');
  const text = fs.readFileSync(file, 'utf8');
  let linesPerPass = 0;
  forEachLine(text, 1, () => linesPerPass++);
  if (linesPerPass === 0) throw new Error(`${file} has no lines`);
  const repeats = Math.max(1, Math.round(targetLines / linesPerPass));
  const totalLines = repeats * linesPerPass;

  const problems = checkAgainstIndependentCount(text);

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
  const figure = totalLines / bestCpu.get('parse + aggregate (httpstats)')!;
  console.log(`\nparse + aggregate: ${Math.round(figure).toLocaleString('en-US')} lines/s (target >= 500,000): ${figure >= 500_000 ? 'OK' : 'BELOW TARGET'}`);
  if (problems.length) {
    console.log(`independent count check FAILED on ${path.basename(file)}:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`independent count check on ${path.basename(file)} (${linesPerPass} lines): hits, bytes, status codes, sections, paths, user agents match exactly`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
