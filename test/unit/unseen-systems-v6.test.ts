/**
 * The sixth held-out generator (bench/unseen-systems-v6.ts) checked on its
 * own: replayable per seed, one true template per line, every line rendered
 * from its template, every family used, closed sets reported consistently,
 * and each shape of the judges' account of their truth present in the
 * templates. No miner is run here (its scores are the bench's business, and
 * this generator's first miner run is to be its reported figure).
 */
import { DEVELOPMENT_SEEDS_V6, REPORTED_SEEDS_V6, unseenSystemV6 } from '../../bench/unseen-systems-v6';
import { indexTruth, testGeneratorBasics } from '../kit/synthetic-system-checks';
import { linesNotMatchingTruth, templatePattern } from '../kit/template-match';

describe('unseen-systems-v6 generator', () => {
  const all = testGeneratorBasics({
    make: unseenSystemV6,
    reported: REPORTED_SEEDS_V6,
    expectedReported: [701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712],
    development: DEVELOPMENT_SEEDS_V6,
    families: ['ras', 'hpc', 'tbird', 'cbs', 'syslog', 'logcat', 'macos', 'nova', 'proxy'],
    emptyVariables: true,
  });
  const { linesOf, templates, eventLines } = indexTruth(all);
  /** The values of variable `k` (0-based) of `template` in its lines. */
  const slot = (template: string, k: number): string[] => linesOf.get(template)!.map((line) => templatePattern(template, true).exec(line)![k + 1]);

  test('a variable is empty only in the sometimes-empty fields, each of which stays one template', () => {
    for (const s of all) {
      for (const line of linesNotMatchingTruth(s.content, s.truth)) expect(line).toMatch(/ ruser= rhost=|, tag="", |Sleep assertion "" /);
    }
    const emptyAndFilled = (shape: RegExp, k: number): void => {
      const [t] = templates.filter((x) => shape.test(x));
      const values = slot(t, k);
      expect(values).toContain('');
      expect(values.some((u) => u !== '')).toBe(true);
    };
    emptyAndFilled(/ruser=<\*> rhost=<\*>/, 2);
    emptyAndFilled(/^acquire lock=<\*>, flags=<\*>, tag="<\*>"/, 2);
    emptyAndFilled(/Sleep assertion "<\*>"/, 1);
    // an always-empty field is constant text
    expect(templates.some((t) => t.includes('logname= uid=<*>'))).toBe(true);
  });

  test('first-position variables without digits lead messages', () => {
    const leading = templates.filter((t) => /^<\*>:? [a-z]/.test(t));
    expect(leading.length).toBeGreaterThanOrEqual(5);
    expect(leading.some((t) => linesOf.get(t)!.some((line) => /^[a-z]+[ :]/.test(line)))).toBe(true);
  });

  test('word count varies inside one event: optional parenthesised part, lists, query strings', () => {
    const wordCounts = (lines: string[]): Set<number> => new Set(lines.map((l) => l.split(' ').length));
    // an optional parenthesised part belongs to the variable before it
    const wake = eventLines(/^Wake reason: <\*>$/);
    expect(wake.some((l) => l.endsWith('(User)')) && wake.some((l) => !l.endsWith(')'))).toBe(true);
    expect(wordCounts(eventLines(/^connection from <\*>$/)).size).toBeGreaterThan(1);
    expect(eventLines(/cmp=<\*>\/<\*>\}/).some((l) => l.includes(' (has extras)}'))).toBe(true);
    // variable-length lists of names (space-joined) and comma-joined lists are one variable
    expect(wordCounts(eventLines(/allocated nodes <\*> to job/)).size).toBeGreaterThan(1);
    expect(eventLines(/ lanes <\*> retrained/).some((l) => /lanes \d+(,\d+)+ /.test(l))).toBe(true);
    // a query string is inside the request path's variable
    expect(eventLines(/"(GET|POST) <\*> HTTP\/1\.1"/).some((l) => /servers[^ "]*\?[^ "]+&/.test(l))).toBe(true);
    // templates whose lines differ in word count
    expect(templates.filter((t) => wordCounts(linesOf.get(t)!).size > 1).length).toBeGreaterThanOrEqual(10);
  });

  test('punctuation inside a value does not split it: durations, paths with spaces, glued keys', () => {
    const lifetimes = eventLines(/lifetime <\*>$/).map((l) => l.slice(l.indexOf('lifetime ') + 9));
    expect(lifetimes.some((d) => /^\d\d:\d\d$/.test(d))).toBe(true);
    expect(lifetimes.some((d) => /^\d\d:\d\d:\d\d$/.test(d))).toBe(true);
    expect(lifetimes.some((d) => / (min|sec|seconds|hours)\b/.test(d))).toBe(true);
    expect(eventLines(/^Cache file <\*> is <private>$/).every((l) => l.includes('Application Support/'))).toBe(true);
    expect(templates.some((t) => t.includes('pid=<*>uid=<*> '))).toBe(true);
    expect(templates.some((t) => t.includes('chan=<*>rssi=<*> '))).toBe(true);
  });

  test('traps: closed sets, digit-bearing constants, a specific event beside a general one, constant booleans', () => {
    expect(all.flatMap((s) => s.closedSets).filter((set) => set.length >= 2).length).toBeGreaterThanOrEqual(20);
    for (const constant of [/\beth1\b/, /\ben0\b/, /\bib0\b/, /\bssh2\b/, /HTTP\/1\.1/, /\bu0\b/, /\bioc0\b/, /\*64\b/]) {
      expect(templates.some((t) => constant.test(t))).toBe(true);
    }
    expect(templates).toContain('boot: loading image default');
    expect(templates).toContain('boot: loading image <*>');
    expect(templates).toContain('DNS resolving <*> via system resolver took <*> ms');
    expect(templates).toContain('DNS resolving <*> via <*> took <*> ms');
    expect(templates.some((t) => t.endsWith(' on default for <*> nodes'))).toBe(true);
    expect(templates.some((t) => t.endsWith(' on <*> for <*> nodes'))).toBe(true);
    // booleans: printed from data are variables; fixed by the code path are constant
    expect(eventLines(/^isPowerSaveMode=<\*>$/).some((l) => l.endsWith('false'))).toBe(true);
    expect(templates).toContain('setLightsOn(true)');
    expect(templates).toContain('SQM: Initializing online with Windows opt-in: False');
  });

  test('small value sets are still variables: tiny pools, months, weekdays', () => {
    const tinySlots = templates.filter((t) => {
      const lines = linesOf.get(t)!;
      return lines.length >= 20 && t.includes('<*>') && new Set(slot(t, 0)).size <= 3;
    });
    expect(tinySlots.length).toBeGreaterThanOrEqual(5);
    const dated = templates.filter((t) => t.startsWith('connection from <*> (<*>) at <*> <*>'));
    expect(dated.length).toBeGreaterThanOrEqual(1);
    for (const t of dated) expect(new Set(slot(t, 2)).size).toBeLessThanOrEqual(7);
  });

  test('variable boundaries follow the corrected convention', () => {
    expect(templates.some((t) => t.includes('[<*>]'))).toBe(true);
    expect(templates.some((t) => t.includes('"<*>"'))).toBe(true);
    expect(templates.some((t) => t.includes(' <*>:<*> '))).toBe(true);
    expect(templates.some((t) => t.includes('<*> ms'))).toBe(true);
    expect(templates.some((t) => t.includes('<*> MB'))).toBe(true);
    expect(templates.some((t) => t.includes('[req-<*> <*> <*> - - -]'))).toBe(true);
    // numbers are variables: no digit run stands alone as constant text in a template
    for (const t of templates) expect(t.split(' ').some((w) => /^\d+$/.test(w))).toBe(false);
  });
});
