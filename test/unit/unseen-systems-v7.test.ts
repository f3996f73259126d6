/**
 * The seventh held-out generator (bench/unseen-systems-v7.ts) checked on its
 * own: replayable per seed, 2,000 lines each rendered from its true template,
 * variables empty only in the sometimes-empty fields, templates neither all
 * constant nor all variable, the reported seeds spread over the families, and
 * every failure kind of the judges' account present in the truth. No miner is
 * run here: this generator's first miner run is to be its reported figure.
 */
import { DEVELOPMENT_SEEDS_V7, FAMILY_NAMES_V7, REPORTED_SEEDS_V7, unseenSystemV7 } from '../../bench/unseen-systems-v7';
import { indexTruth, testGeneratorBasics } from '../kit/synthetic-system-checks';
import { linesNotMatchingTruth, templatePattern } from '../kit/template-match';

const familiesOf = (name: string): string[] => name.slice(name.indexOf(':') + 1).split('+');

describe('unseen-systems-v7 generator', () => {
  const all = testGeneratorBasics({
    make: unseenSystemV7,
    reported: REPORTED_SEEDS_V7,
    expectedReported: [801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812],
    development: DEVELOPMENT_SEEDS_V7,
    families: ['ras', 'hpc', 'tbird', 'cbs', 'syslog', 'logcat', 'macos', 'nova', 'proxy', 'kube', 'pg', 'nginx', 'jee'],
    emptyVariables: true,
  });
  const reported = all.filter((s) => REPORTED_SEEDS_V7.some((seed) => s.name.startsWith(`v7-${seed}:`)));
  const { linesOf, templates, eventLines } = indexTruth(all);
  /** The values of variable `k` (0-based) of the templates matching `shape`. */
  const slot = (shape: RegExp, k: number): string[] =>
    templates.filter((t) => shape.test(t)).flatMap((t) => linesOf.get(t)!.map((line) => templatePattern(t, true).exec(line)![k + 1]));

  /** The values of the last variable of the templates matching `shape`. */
  const lastSlot = (shape: RegExp): string[] =>
    templates.filter((t) => shape.test(t)).flatMap((t) => linesOf.get(t)!.map((line) => templatePattern(t, true).exec(line)!.slice(-1)[0]));

  test('a variable is empty only in the sometimes-empty fields, and each of those is both empty and filled', () => {
    const sometimesEmpty = /user=$|\(\) at |Removable base files: , |reason: message:|reason:\S* message:"$|path \[\] threw|context path ''$/;
    for (const s of all) for (const line of linesNotMatchingTruth(s.content, s.truth)) expect(line).toMatch(sometimesEmpty);
    const emptyAndFilled = (shape: RegExp, k: number): void => {
      const values = slot(shape, k);
      expect(values).toContain('');
      expect(values.some((x) => x !== '')).toBe(true);
    };
    emptyAndFilled(/^authentication failure; .* user=<\*>$/, 2);
    emptyAndFilled(/^connection from <\*> \(<\*>\) at/, 1);
    emptyAndFilled(/^Removable base files: <\*>, unknown/, 0);
    emptyAndFilled(/reason:<\*> message:<\*>"$/, 0);
    emptyAndFilled(/in context with path \[<\*>\] threw/, 1);
    // an always-empty field is constant text
    expect(templates.some((t) => t.includes('logname= uid=0 euid=0'))).toBe(true);
  });

  test('templates are neither trivially all constant nor all variable', () => {
    for (const s of all) {
      const own = [...new Set(s.truth)];
      // every template has constant words (a letter outside its variables)
      for (const t of own) expect(t.replace(/<\*>/g, '')).toMatch(/[A-Za-z]/);
      const withVariables = own.filter((t) => t.includes('<*>')).length;
      expect(withVariables / own.length).toBeGreaterThan(0.5);
      expect(withVariables).toBeLessThan(own.length);
    }
  });

  test('the reported seeds spread over the families: every family, several combinations and sizes', () => {
    const used = reported.map((s) => familiesOf(s.name));
    expect([...new Set(used.flat())].sort()).toEqual([...FAMILY_NAMES_V7].sort());
    expect(new Set(used.map((f) => f.join('+'))).size).toBe(reported.length);
    expect(new Set(used.map((f) => f.length)).size).toBeGreaterThanOrEqual(3);
    // no family dominates the reported figure
    for (const family of FAMILY_NAMES_V7) expect(used.filter((f) => f.includes(family)).length).toBeLessThanOrEqual(reported.length / 2);
  });

  test('first-position variables without digits lead messages', () => {
    const leading = templates.filter((t) => /^(\(|\*)?<\*>[ :)]/.test(t));
    expect(leading.length).toBeGreaterThanOrEqual(10);
    const digitFree = leading.flatMap((t) => linesOf.get(t)!).filter((line) => /^\(?[A-Za-z][A-Za-z.]*[ :)]/.test(line));
    expect(digitFree.length).toBeGreaterThan(100);
  });

  test('word count varies inside one event: optional parenthesised part, empty field, lists, query strings, name lists', () => {
    const wordCounts = (lines: string[]): number => new Set(lines.map((l) => l.split(' ').length)).size;
    // an optional parenthesised part belongs to the number before it
    const sent = slot(/ close, <\*> bytes sent, <\*> bytes received, lifetime <\*>$/, 3);
    expect(sent.some((x) => /^\d+ \(\d+\.\d\d [KMG]B\)$/.test(x)) && sent.some((x) => /^\d+$/.test(x))).toBe(true);
    // comma-joined lists of varying length, space-joined lists of names, query strings
    expect(slot(/pods=\[<\*>\]$/, 0).some((x) => x.includes(','))).toBe(true);
    expect(wordCounts(eventLines(/^step <\*> of <\*> launched on <\*>$/))).toBeGreaterThan(1);
    expect(eventLines(/"GET <\*> HTTP\/1\.1"/).some((l) => /\?[^ "]+&/.test(l))).toBe(true);
    // free text printed from data: command lines, SQL, reasons
    expect(wordCounts(eventLines(/COMMAND=<\*>$|CMD \(<\*>\)$|ms {2}statement: <\*>$|output="<\*>"$|\): <\*>$/))).toBeGreaterThan(1);
    expect(templates.filter((t) => wordCounts(linesOf.get(t)!) > 1).length).toBeGreaterThanOrEqual(25);
  });

  test('small value sets are variables: one or two months, a few weekdays', () => {
    for (const s of all) {
      // within one system, a month variable takes at most two values
      const perSystem = new Set<string>();
      s.truth.forEach((t, k) => {
        const m = / at <\*> <\*> <\*> <\*> <\*>$/.test(t) ? templatePattern(t, true).exec(s.content[k]) : null;
        if (m !== null) perSystem.add(m[m.length - 4]);
      });
      expect(perSystem.size).toBeLessThanOrEqual(2);
    }
    expect(templates.some((t) => /<\*> <\*> <\*> <\*>(:? <\*>)?$/.test(t) && linesOf.get(t)!.some((l) => /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d+ \d\d:\d\d:\d\d/.test(l)))).toBe(true);
  });

  test('punctuation inside a value does not split it: durations, paths with spaces, glued keys', () => {
    const durations = lastSlot(/ (lifetime|after|waiting) <\*>$/);
    expect(durations.some((d) => /^\d\d:\d\d$/.test(d))).toBe(true);
    expect(durations.some((d) => /^\d\d:\d\d:\d\d$/.test(d))).toBe(true);
    expect(durations.some((d) => / (min|sec|seconds|minutes|hours)$/.test(d))).toBe(true);
    const spacedPath = /\/(Mobile Documents|Saved Application State|Group Containers)\/|\\Program Files( \(x86\))?\\/;
    const pathSlots = templates.flatMap((t) => linesOf.get(t)!.flatMap((line) => templatePattern(t, true).exec(line)!.slice(1)));
    expect(pathSlots.filter((x) => spacedPath.test(x)).length).toBeGreaterThan(20);
    expect(templates.some((t) => t.includes('level=<*>plugged=<*> ') || t.includes('cput=<*>mem=<*>vmem=<*>'))).toBe(true);
  });

  test('over-generalisation traps are separate events: plain-word closed sets, digit-bearing constants, booleans, specific beside general', () => {
    const closed = all.flatMap((s) => s.closedSets);
    const hasSet = (member: RegExp, size = 2): boolean => closed.some((set) => set.length >= size && set.some((t) => member.test(t)));
    expect(hasSet(/VM (Started|Stopped|Paused|Resumed) \(Lifecycle Event\)/, 3)).toBe(true);
    expect(hasSet(/^(Created|Started|Killing) container <\*>$/)).toBe(true);
    expect(hasSet(/^received (fast|smart|immediate) shutdown request$/)).toBe(true);
    expect(hasSet(/^(eth0|eth1|myri0): link up/) || hasSet(/^(en0|en1|awdl0): link state/) || hasSet(/^(ib0|ib1) port/)).toBe(true);
    expect(hasSet(/HTTP\/(1\.0|1\.1|2\.0)"$/) || hasSet(/protocol=TLSv1\.[23] /) || hasSet(/ (HTTPS|SOCKS5|SOCKS4)$/)).toBe(true);
    expect(hasSet(/\((true|false)\)$|: (true|false|TRUE|FALSE)$| to (true|false)$/)).toBe(true);
    // a specific event beside the general one
    expect(closed.some((set) => set.some((t) => !t.includes('<*>') || /(default|Default|system|root)/.test(t)) && set.some((t) => t.includes('<*>')))).toBe(true);
    // booleans printed from data stay variables
    expect(slot(/isLowPowerMode=<\*>|mScreenOn=<\*>|exclusive=<\*>|hostNetwork=<\*>/, 0).length).toBeGreaterThan(0);
  });

  test('variable boundaries: a prefix glued to a number keeps the prefix, glued units stay inside, UUIDs and dates in one piece each', () => {
    expect(templates.some((t) => /(core\.|u0a|req-|\*|#|HikariPool-|http-nio-|pgsql_tmp)<\*>/.test(t))).toBe(true);
    expect(templates.filter((t) => /(core\.|u0a|req-|^\*|#|HikariPool-|http-nio-|pgsql_tmp|15G)<\*>/.test(t)).length).toBeGreaterThanOrEqual(4);
    expect(templates.some((t) => /<\*> (ms|MB|s|kB|bytes)\b/.test(t))).toBe(true);
    // UUID values are whole
    expect(slot(/^\[instance: <\*>\]/, 0).every((x) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(x))).toBe(true);
  });
});
