/**
 * Template mining benchmark on the Loghub-2k samples (Loghub 2.0 corrected
 * ground truth): grouping accuracy (GA) and parsing accuracy (PA) per data set
 * against Drain's published figures, throughput, and the exact round-trip check.
 *
 *   npm run build && node dist/bench/template-mining.js [loghub-2k dir] [--details]
 *
 * Default directory: ../shared/data/loghub-2k relative to the repository root.
 *
 * Scoring, one configuration for every data set (DEFAULT_MINER_OPTIONS):
 * - every `Content` line goes through TemplateMiner.add in file order (online);
 *   a line's predicted group is the template its id resolves to at the end
 *   (following supersededBy), as Drain's output assigns each line its cluster's
 *   final template;
 * - GA: share of lines whose predicted group holds exactly the lines of their
 *   true group (same `EventTemplate`);
 * - PA: share of lines whose predicted template equals `EventTemplate` after the
 *   one normalisation both sides get: whitespace runs collapsed to one space and
 *   trimmed (the ground truth removed double spaces; our templates keep the
 *   original whitespace so that rendering is exact). Variables are `<*>` on both sides;
 * - GA@add / PA@add (for information): the same scores using the id and
 *   template returned by add() for each line, before later generalisations —
 *   what a consumer sees at the moment the record is emitted;
 * - round trip: renderTemplate(template, args) must equal the line for every
 *   line (the count of failures must be 0);
 * - lines/s: passes over all 14k lines, fresh miner per data set, after a
 *   warm-up, one core: best and median pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TemplateMiner, renderTemplate } from '../processors/template/miner';

const DATASETS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'OpenSSH', 'Apache', 'HealthApp'] as const;

/** Drain as published for the corrected Loghub-2k ground truth (GA, PA). */
const DRAIN: Record<(typeof DATASETS)[number], { ga: number; pa: number }> = {
  HDFS: { ga: 0.998, pa: 0.5 },
  Hadoop: { ga: 0.948, pa: 0.269 },
  Spark: { ga: 0.922, pa: 0.362 },
  Zookeeper: { ga: 0.967, pa: 0.497 },
  OpenSSH: { ga: 0.789, pa: 0.508 },
  Apache: { ga: 1.0, pa: 0.694 },
  HealthApp: { ga: 0.78, pa: 0.231 },
};

const REPETITIONS = 20;

interface Sample {
  content: string[];
  truth: string[];
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function loadSample(dir: string, name: string): Sample {
  const file = path.join(dir, name, `${name}_2k.log_structured_corrected.csv`);
  const rows = parseCsv(fs.readFileSync(file, 'utf8'));
  const header = rows[0];
  const contentAt = header.indexOf('Content');
  const templateAt = header.indexOf('EventTemplate');
  if (contentAt < 0 || templateAt < 0) throw new Error(`${file}: no Content/EventTemplate columns`);
  const data = rows.slice(1).filter((r) => r.length > Math.max(contentAt, templateAt));
  return { content: data.map((r) => r[contentAt]), truth: data.map((r) => r[templateAt]) };
}

const normalise = (t: string): string => t.replace(/\s+/g, ' ').trim();

interface Score {
  ga: number;
  pa: number;
  gaAtAdd: number;
  paAtAdd: number;
  templates: number;
  truthTemplates: number;
  roundTripFailures: number;
  details: string[];
}

/** GA and PA of one assignment of ids to lines; mismatches described when `details` is given. */
function accuracy(
  ids: readonly bigint[],
  textOf: ReadonlyMap<bigint, string>,
  truth: readonly string[],
  details?: string[],
): { ga: number; pa: number; groups: number } {
  const predicted = new Map<bigint, number[]>();
  const truthGroups = new Map<string, number[]>();
  ids.forEach((id, i) => {
    (predicted.get(id) ?? predicted.set(id, []).get(id)!).push(i);
    (truthGroups.get(truth[i]) ?? truthGroups.set(truth[i], []).get(truth[i])!).push(i);
  });
  let groupedRight = 0;
  for (const [id, lines] of predicted) {
    const truths = new Set(lines.map((i) => truth[i]));
    const only = truths.size === 1 ? [...truths][0] : undefined;
    if (only !== undefined && truthGroups.get(only)!.length === lines.length) groupedRight += lines.length;
    else if (details !== undefined) {
      details.push(`  GROUP ${lines.length} lines: ${textOf.get(id)}`);
      for (const t of truths) details.push(`      truth (${truthGroups.get(t)!.length}): ${t}`);
    }
  }
  let parsedRight = 0;
  const wrongTemplates = new Map<string, number>();
  ids.forEach((id, i) => {
    const ours = normalise(textOf.get(id)!);
    if (ours === normalise(truth[i])) parsedRight++;
    else if (details !== undefined) {
      const k = `  PA ours: ${ours}\n     truth: ${truth[i]}`;
      wrongTemplates.set(k, (wrongTemplates.get(k) ?? 0) + 1);
    }
  });
  if (details !== undefined) {
    for (const [k, n] of [...wrongTemplates].sort((a, b) => b[1] - a[1])) details.push(`${String(n).padStart(5)}${k}`);
  }
  return { ga: groupedRight / ids.length, pa: parsedRight / ids.length, groups: predicted.size };
}

function score(sample: Sample, withDetails: boolean): Score {
  const miner = new TemplateMiner();
  const ids: bigint[] = [];
  const textOf = new Map<bigint, string>();
  let roundTripFailures = 0;
  for (const line of sample.content) {
    const r = miner.add(line);
    ids.push(r.templateId);
    textOf.set(r.templateId, r.template);
    if (renderTemplate(r.template, r.args) !== line) roundTripFailures++;
  }
  for (const t of miner.templates()) textOf.set(t.id, t.template);
  const details: string[] = [];
  const final = accuracy(
    ids.map((id) => miner.resolve(id)),
    textOf,
    sample.truth,
    withDetails ? details : undefined,
  );
  const atAdd = accuracy(ids, textOf, sample.truth);
  return {
    ga: final.ga,
    pa: final.pa,
    gaAtAdd: atAdd.ga,
    paAtAdd: atAdd.pa,
    templates: final.groups,
    truthTemplates: new Set(sample.truth).size,
    roundTripFailures,
    details,
  };
}

/**
 * Lines per second of one pass over all 14k lines (fresh miner per data set),
 * REPETITIONS timed passes after a warm-up: the best pass (the figure least
 * disturbed by other processes on a shared machine, as timeit reports) and
 * the median. Wall clock, single thread.
 */
function throughput(samples: Sample[]): { best: number; median: number } {
  const run = (): void => {
    for (const s of samples) {
      const miner = new TemplateMiner();
      for (const line of s.content) miner.add(line);
    }
  };
  run(); // warm-up (JIT)
  run();
  const lines = samples.reduce((n, s) => n + s.content.length, 0);
  const rates: number[] = [];
  for (let k = 0; k < REPETITIONS; k++) {
    const start = process.hrtime.bigint();
    run();
    rates.push(lines / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  rates.sort((a, b) => b - a);
  return { best: rates[0], median: rates[Math.floor(rates.length / 2)] };
}

function repoRoot(): string {
  let dir = __dirname;
  for (let k = 0; k < 5; k++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

function main(): void {
  const args = process.argv.slice(2);
  const withDetails = args.includes('--details');
  const dirArg = args.find((a) => !a.startsWith('--'));
  const dir = path.resolve(dirArg ?? path.join(repoRoot(), '..', 'shared', 'data', 'loghub-2k'));
  if (!fs.existsSync(dir)) {
    process.stderr.write(`loghub-2k directory not found: ${dir}\n`);
    process.exit(2);
  }
  const samples = DATASETS.map((name) => loadSample(dir, name));
  const scores = samples.map((s) => score(s, withDetails));

  const f = (x: number): string => x.toFixed(3);
  const pad = (s: string, n: number): string => s.padEnd(n);
  const lines: string[] = [];
  lines.push(`Template mining on Loghub-2k (${dir})`);
  lines.push('');
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const row = (cells: string[]): string => cells.map((c, k) => pad(c, [11, 8, 9, 8, 9, 8, 8, 10][k] ?? 0)).join(' ');
  lines.push(row(['data set', 'GA ours', 'GA Drain', 'PA ours', 'PA Drain', 'GA@add', 'PA@add', 'templates', 'round-trip failures']));
  DATASETS.forEach((name, k) => {
    const s = scores[k];
    lines.push(
      row([
        name,
        f(s.ga),
        f(DRAIN[name].ga),
        f(s.pa),
        f(DRAIN[name].pa),
        f(s.gaAtAdd),
        f(s.paAtAdd),
        `${s.templates}/${s.truthTemplates}`,
        String(s.roundTripFailures),
      ]),
    );
  });
  lines.push(
    row([
      'average',
      f(avg(scores.map((s) => s.ga))),
      f(avg(DATASETS.map((d) => DRAIN[d].ga))),
      f(avg(scores.map((s) => s.pa))),
      f(avg(DATASETS.map((d) => DRAIN[d].pa))),
      f(avg(scores.map((s) => s.gaAtAdd))),
      f(avg(scores.map((s) => s.paAtAdd))),
      '',
      String(scores.reduce((n, s) => n + s.roundTripFailures, 0)),
    ]),
  );
  lines.push('');
  const rate = throughput(samples);
  const total = samples.reduce((n, s) => n + s.content.length, 0);
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  lines.push(
    `throughput: ${fmt(rate.best)} lines/s best pass, ${fmt(rate.median)} lines/s median (one core; ${REPETITIONS} passes over ${total} lines, fresh miner per data set)`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  if (withDetails) {
    DATASETS.forEach((name, k) => {
      if (scores[k].details.length === 0) return;
      process.stdout.write(`\n== ${name}\n${scores[k].details.join('\n')}\n`);
    });
  }
}

main();
