/**
 * Access-log parsing throughput, one core, one run, one table:
 *
 *   npm run build && node dist/bench/access-log-parse.js [file] [--lines N]
 *
 * The file (default: ../shared/data/access-logs/hackers-access.log relative to
 * the repository root) is read once and its text is scanned repeatedly in
 * memory until about N lines (default 2,000,000) have been processed. Every
 * variant splits lines the same way, so the differences are the parsing:
 *
 *   - line split only: the floor (substring per line, nothing parsed);
 *   - scanner: our hand-written CLF/Combined scanner into a reused struct, plus a
 *     small aggregation (hits per status class, bytes, last time) so the work
 *     cannot be optimised away — the httpstats hot path;
 *   - scanner + OTel record: the same plus building the record's semantic-convention
 *     attributes, as the filelog receiver does;
 *   - regex: a straightforward regular-expression parser producing the same
 *     fields, with the same aggregation.
 *
 * Each variant runs several rounds interleaved; the best round is reported.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  createAccessLogParser,
  newAccessLogFields,
  scanAccessLog,
  type AccessLogFields,
} from '../collector/receivers/filelog/parsers';
import { benchInputPath, printTable, REPO_ROOT } from './lib';

interface Aggregate {
  lines: number;
  failed: number;
  statusClass: number[];
  bytes: number;
  lastTimeMs: number;
}

function newAggregate(): Aggregate {
  return { lines: 0, failed: 0, statusClass: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], bytes: 0, lastTimeMs: 0 };
}

function aggregate(agg: Aggregate, f: AccessLogFields): void {
  agg.statusClass[(f.status / 100) | 0]++;
  agg.bytes += f.bytes;
  if (f.timeMs > agg.lastTimeMs) agg.lastTimeMs = f.timeMs;
}

/** Calls `onLine` for every line of `text`, `repeats` times. */
function forEachLine(text: string, repeats: number, onLine: (line: string) => void): void {
  for (let r = 0; r < repeats; r++) {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (start < text.length) onLine(text.substring(start));
        break;
      }
      onLine(text.substring(start, nl));
      start = nl + 1;
    }
  }
}

// --- the straightforward regex parser the scanner is measured against --------------------------

const LINE_RE = /^(\S+) (\S+) (.*?) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;
const DATE_RE = /^(\d{1,2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const ABSOLUTE_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

function regexParse(line: string, out: AccessLogFields): boolean {
  const m = LINE_RE.exec(line);
  if (!m) return false;
  const d = DATE_RE.exec(m[4]);
  if (!d) return false;
  const offsetMinutes = (d[7] === '-' ? -1 : 1) * (Number(d[8]) * 60 + Number(d[9]));
  out.remoteHost = m[1];
  out.ident = m[2] === '-' ? '' : m[2];
  out.authUser = m[3] === '-' ? '' : m[3];
  out.timeMs = Date.UTC(Number(d[3]), MONTHS[d[2]], Number(d[1]), Number(d[4]), Number(d[5]), Number(d[6])) - offsetMinutes * 60_000;
  out.request = m[5];
  const parts = m[5].split(' ');
  out.method = parts.length >= 2 ? parts[0] : '';
  out.target = parts.length >= 2 ? parts[1] : '';
  out.protocol = parts.length >= 3 ? parts[2] : '';
  // Absolute-form targets (proxy requests) carry scheme://authority before the path.
  const absolute = out.target.startsWith('/') ? null : ABSOLUTE_RE.exec(out.target);
  const pathAndQuery = absolute ? out.target.substring(absolute[0].length) : out.target;
  const q = pathAndQuery.indexOf('?');
  out.path = q < 0 ? (absolute ? pathAndQuery || '/' : pathAndQuery) : pathAndQuery.substring(0, q) || '/';
  out.query = q < 0 ? '' : pathAndQuery.substring(q + 1);
  out.status = Number(m[6]);
  out.bytes = m[7] === '-' ? 0 : Number(m[7]);
  out.referer = m[8] === undefined || m[8] === '-' ? '' : m[8];
  out.userAgent = m[9] === undefined || m[9] === '-' ? '' : m[9];
  return true;
}

// --- variants ------------------------------------------------------------------------------------

interface Variant {
  name: string;
  run(text: string, repeats: number): Aggregate;
}

const variants: Variant[] = [
  {
    name: 'line split only (floor)',
    run(text, repeats) {
      const agg = newAggregate();
      forEachLine(text, repeats, (line) => {
        agg.lines++;
        agg.bytes += line.length;
      });
      return agg;
    },
  },
  {
    name: 'scanner (ours) + aggregate',
    run(text, repeats) {
      const agg = newAggregate();
      const f = newAccessLogFields();
      forEachLine(text, repeats, (line) => {
        agg.lines++;
        if (scanAccessLog(line, f) === '') aggregate(agg, f);
        else agg.failed++;
      });
      return agg;
    },
  },
  {
    name: 'scanner + OTel record (receiver)',
    run(text, repeats) {
      const agg = newAggregate();
      const parse = createAccessLogParser();
      forEachLine(text, repeats, (line) => {
        agg.lines++;
        const r = parse(line);
        if (r.parseError) agg.failed++;
        else agg.bytes += r.attributes.length;
      });
      return agg;
    },
  },
  {
    name: 'regex parser + aggregate',
    run(text, repeats) {
      const agg = newAggregate();
      const f = newAccessLogFields();
      forEachLine(text, repeats, (line) => {
        agg.lines++;
        if (regexParse(line, f)) aggregate(agg, f);
        else agg.failed++;
      });
      return agg;
    },
  },
];

/** Both parsers must agree on every line of the input, or the comparison means nothing. */
function checkAgreement(text: string): number {
  const a = newAccessLogFields();
  const b = newAccessLogFields();
  let disagreements = 0;
  forEachLine(text, 1, (line) => {
    const okA = scanAccessLog(line, a) === '';
    const okB = regexParse(line, b);
    if (okA !== okB || (okA && JSON.stringify(a) !== JSON.stringify(b))) {
      if (disagreements++ < 3) console.error(`scanner and regex disagree on: ${line}\n  scanner: ${JSON.stringify(a)}\n  regex:   ${JSON.stringify(b)}`);
    }
  });
  return disagreements;
}

function main(): void {
  const args = process.argv.slice(2);
  let targetLines = 2_000_000;
  const li = args.indexOf('--lines');
  if (li >= 0) {
    targetLines = Number(args[li + 1]);
    args.splice(li, 2);
  }
  const file = benchInputPath(args[0], path.resolve(REPO_ROOT, '..', 'shared', 'data', 'access-logs', 'hackers-access.log'), '<file>: an access log to parse');
  const text = fs.readFileSync(file, 'utf8');
  let linesPerPass = 0;
  forEachLine(text, 1, () => linesPerPass++);
  if (linesPerPass === 0) throw new Error(`${file} has no lines`);
  const repeats = Math.max(1, Math.round(targetLines / linesPerPass));
  const disagreements = checkAgreement(text);

  // Warm up every variant (JIT), then interleave rounds so that machine noise hits all alike.
  for (const v of variants) v.run(text, Math.max(1, Math.round(repeats / 20)));
  const rounds = 3;
  const best = new Map<string, number>();
  const results = new Map<string, Aggregate>();
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const t0 = process.hrtime.bigint();
      const agg = v.run(text, repeats);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      best.set(v.name, Math.min(best.get(v.name) ?? Infinity, seconds));
      results.set(v.name, agg);
    }
  }

  const totalLines = repeats * linesPerPass;
  const floorSeconds = best.get(variants[0].name)!;
  const rows = variants.map((v) => {
    const s = best.get(v.name)!;
    const isFloor = v === variants[0];
    return [
      v.name,
      Math.round(totalLines / s),
      Math.round((s * 1e9) / totalLines),
      isFloor ? '-' : Math.round(((s - floorSeconds) * 1e9) / totalLines),
      isFloor ? '-' : results.get(v.name)!.failed,
    ];
  });
  printTable(
    `access-log parse: ${totalLines.toLocaleString('en-US')} lines (${path.basename(file)}, ${linesPerPass} lines x ${repeats}), ` +
      `node ${process.version}, best of ${rounds} rounds, one core`,
    ['variant', 'lines/s', 'ns/line', 'parse ns/line (minus floor)', 'failed lines'],
    rows,
  );
  if (disagreements > 0) console.log(`WARNING: scanner and regex parser disagree on ${disagreements} line(s) of the input`);
}

main();
