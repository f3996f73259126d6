/**
 * Template miner on adversarial input (what an untrusted client can send a collector):
 * lines/s, the slowest line, live templates and exact round-trip failures per set of
 * generated lines, for this build and, side by side, another build's miner.
 *
 *   npm run build && node dist/bench/miner-adversarial.js [--compare <other build's dist dir>] [--lines N] [--rounds R] [--only <text>]
 *
 * --only runs the sets whose name holds <text> (one set again, to see through the machine's noise).
 *
 * Rounds alternate the two builds (the machine's noise hits both); the table shows
 * the median lines/s of the rounds.
 */
import { benchInputPath, printTable } from './lib';
import { prng } from '../test/kit/prng';
import * as path from 'node:path';

interface Miner {
  add(line: string): { template: string; args: string[] };
  readonly size: number;
}
interface MinerModule {
  TemplateMiner: new () => Miner;
  renderTemplate(template: string, args: readonly string[]): string;
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const GREEK = ['alpha', 'beta', 'gamma', 'delta', 'omicron', 'sigma', 'tau', 'omega'];
const words = (r: Rng, n: number, from = GREEK): string => Array.from({ length: n }, () => pick(r, from)).join(' ');
const LEADS = Array.from({ length: 40 }, (_, k) => `Lead${k} of`);

/** Each set: one line from the generator. */
const SETS: Record<string, (r: Rng) => string> = {
  // '+' chains of values: every value a word (tokenizer)
  'plus chains': (r) => `paused ${Array.from({ length: int(r, 1, 1000) }, () => int(r, 0, 999) + pick(r, ['', 'ms'])).join('+')} total`,
  // texts from a small vocabulary under 40 frames: the free-text and recurrence rules at their busiest
  'recurring texts': (r) => `${pick(r, LEADS)} ${words(r, int(r, 2, 120), GREEK.slice(0, 6))}${pick(r, ['...', '.', ''])}`,
  'frames sharing words': (r) => `${pick(r, ['Starting', 'Reached target', 'Stopped', 'Created slice'])} ${words(r, int(r, 1, 8))}${pick(r, ['...', '.', ''])}`,
  'key=value records': (r) =>
    Array.from({ length: int(r, 2, 60) }, () => `${pick(r, GREEK)}${int(r, 0, 99)}=${pick(r, [String(int(r, 0, 1e6)), pick(r, GREEK), `"${words(r, 2)}"`, 'ALLOWED'])}`).join(' '),
  'Key: value records': (r) =>
    Array.from({ length: int(r, 2, 40) }, () => `${pick(r, ['VersionComp', 'BuildComp', 'Name', 'Package'])}: ${pick(r, [pick(r, GREEK), String(int(r, 0, 99)), 'EQ', 'LE'])}`).join(', '),
  'only delimiters': (r) => Array.from({ length: int(r, 1, 300) }, () => pick(r, [' ', ',', ';', ':', '=', '[', ']', '{', '}', '"', '+', '/', '.', '\t'])).join(''),
  'unicode, NUL, lone surrogates': (r) =>
    Array.from({ length: int(r, 1, 40) }, () => {
      const k = r();
      return k < 0.3 ? String.fromCharCode(int(r, 0, 0xffff)) : k < 0.5 ? '\u0000' : k < 0.6 ? ' ' : pick(r, GREEK);
    }).join(''),
  'long lines': (r) => words(r, int(r, 100, 3000)),
  // durations of many parts, the last glued to a letter (no duration ends there): each number may start one (tokenizer)
  'unit chains': (r) => {
    const unit = `${r() < 0.5 ? '' : ' '}${pick(r, ['s', 'h', 'd', 'ms', 'min'])}`; // 58min 46min, or 58 min 46 min
    return Array.from({ length: int(r, 100, 2700) }, () => `${int(r, 0, 99)}${unit}`).join(' ') + 'x';
  },
  // a long first word, then key="…" values: is the line's first word the key (a logfmt line opening with msg="…")?
  'quoted values after a long first word': (r) => `${syllables(r, int(r, 500, 1500))}${Array.from({ length: int(r, 100, 1000) }, () => `="${pick(r, GREEK)}`).join('')}`,
  // one bucket (whitespace collapses in the skeleton) of templates that differ in their spacing and words: the scans
  // of a bucket's newest templates (generaliseCrowd, generaliseRecordFields) must count those of other spacing too
  'whitespace variants in one bucket': (r) => {
    const gap = (): string => ' '.repeat(int(r, 1, 100));
    return `${syllables(r, 3)}${gap()}${syllables(r, 3)}${gap()}${syllables(r, 3)} ${syllables(r, 3)} done now`;
  },
  // many templates of closed-shaped words in one bucket, and a general template learning a new name on most of its
  // lines: what it held apart is looked at again per name (recheckHeldApart), not the whole bucket
  'new names beside held-apart words': (r) =>
    r() < 0.6 ? `${syllables(r, 3)}_${syllables(r, 3)} ${syllables(r, 3)}_${syllables(r, 3)}.` : `${syllables(r, 4)} resumed.`,
  // value shapes read past a word's start (tokenizer): host range lists left open (cn01[1-1-1-…), code locations
  // chained (x+0x1/0x1+0x1/…), angle brackets around hex of every length; each is read once, not once per piece
  'open host ranges and code location chains': (r) =>
    Array.from({ length: int(r, 1, 4) }, () =>
      pick(r, [
        () => `${pick(r, ['cn01', 'x=gn', 'node-7'])}[${Array.from({ length: int(r, 1, 200) }, () => `${int(r, 0, 99)}${pick(r, ['-', ','])}`).join('')}${pick(r, [']', '', ' '])}`,
        () => `${pick(r, ['do_exit', 'x', '_'])}${Array.from({ length: int(r, 1, 100) }, () => `+0x${int(r, 0, 9)}/0x${pick(r, ['1', '', 'f'])}`).join('')}`,
        () => `${'<'.repeat(int(r, 1, 50))}${'f'.repeat(int(r, 0, 40))}${'>'.repeat(int(r, 0, 3))}`,
      ])(),
    ).join(pick(r, [' ', '', '] [', ' ['])),
  // list literals (tokenizer listLiteralEnd): '[' after a space opening quotes left open, escapes, nesting, lists that
  // fail at their end; a failed scan must end every later start before where it stopped (linear, not one scan per '[')
  'list literals left open, nested or escaped': (r) =>
    Array.from({ length: int(r, 1, 400) }, () =>
      pick(r, [" ['", ' [(', ' [{"', " [u'", "'", '"', '\\', ', ', ': ', '(', ')', '[', ']', ' ', 'a', "('x', 'y')", ']x']),
    ).join(''),
  'list literals, many and long': (r) =>
    `${pick(r, ['Alternates:', 'hosts', 'Filter results:'])}${Array.from({ length: int(r, 1, 60) }, () => ` [${Array.from({ length: int(r, 1, 40) }, () => pick(r, [`('${syllables(r, 2)}', ${int(r, 0, 99)})`, `u'${syllables(r, 3)}'`, `{"id": ${int(r, 0, 9)}, "k": ["a", "b"]}`])).join(', ')}]`).join(pick(r, ['', ' and']))}`,
  // six to 32 hex pairs joined by ':' (tokenizer HEX_PAIRS): runs longer than 32 pairs, ending in ':' or a lone digit
  'hex pairs joined by colons': (r) =>
    Array.from({ length: int(r, 1, 20) }, () => Array.from({ length: int(r, 1, 200) }, () => pick(r, ['aa', 'F0', '00', 'e', '1'])).join(':') + pick(r, ['', ':', '.', ':1'])).join(' '),
  // quotes, slashes and parentheses around paths ('/' alone in quotes, a path in parentheses after a path)
  'quoted slashes and paths in parentheses': (r) => Array.from({ length: int(r, 1, 300) }, () => pick(r, ["'/'", '"/"', '/a', ' (', '(/b', ')', "'", '"', ' ', 'A', '/'])).join(''),
};

const SYLLABLES = ['ka', 'lo', 'mir', 'zu', 'tes', 'pra', 'vin', 'dol', 'sa', 'rek', 'bo', 'gli', 'fa', 'nu', 'tor'];
/** An invented word of `n` syllables. */
function syllables(r: Rng, n: number): string {
  let w = '';
  for (let k = 0; k < n; k++) w += pick(r, SYLLABLES);
  return w;
}

function runSet(mod: MinerModule, lines: readonly string[]): { perSecond: number; worstMs: number; live: number; roundTripFailures: number } {
  const miner = new mod.TemplateMiner();
  let worst = 0;
  let failures = 0;
  const start = process.hrtime.bigint();
  for (const line of lines) {
    const t = process.hrtime.bigint();
    const r = miner.add(line);
    worst = Math.max(worst, Number(process.hrtime.bigint() - t) / 1e6);
    if (mod.renderTemplate(r.template, r.args) !== line) failures++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: lines.length / seconds, worstMs: worst, live: miner.size, roundTripFailures: failures };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const count = Number(option('--lines') ?? 5000);
  const rounds = Number(option('--rounds') ?? 3);
  const compare = option('--compare');
  const only = option('--only');
  const builds: [string, MinerModule][] = [['this build', require('../processors/template/miner') as MinerModule]];
  if (compare !== undefined) {
    const dist = benchInputPath(compare, undefined, "--compare <dist dir>: another build's dist folder");
    builds.push([compare, require(path.join(dist, 'processors', 'template', 'miner')) as MinerModule]);
  }
  const header = ['set'];
  for (const [name] of builds) header.push(`${name} lines/s`, 'slowest ms', 'live', 'rt-fail');
  const rows: (string | number)[][] = [];
  for (const [set, line] of Object.entries(SETS)) {
    if (only !== undefined && !set.includes(only)) continue;
    const r = prng(1);
    const lines = Array.from({ length: count }, () => line(r));
    const results = builds.map(() => [] as ReturnType<typeof runSet>[]);
    for (let round = 0; round < rounds; round++) builds.forEach(([, mod], b) => results[b].push(runSet(mod, lines)));
    const row: (string | number)[] = [set];
    for (const runs of results) {
      const rates = runs.map((x) => x.perSecond).sort((a, b) => a - b);
      row.push(Math.round(rates[rates.length >> 1]), Math.max(...runs.map((x) => x.worstMs)), runs[0].live, runs[0].roundTripFailures);
    }
    rows.push(row);
  }
  printTable(`Template miner on adversarial lines (${count} lines a set, median of ${rounds} alternating rounds, fresh miner each)`, header, rows);
}

main();
