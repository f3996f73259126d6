/**
 * The eighth invented-system generator (bench/unseen-systems-v8.ts), checked
 * on its own: replayable, well formed, and showing every failure kind of the
 * held-out judges' account in its truth. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V8, FAMILIES_V8, REPORTED_SEEDS_V8, unseenSystemV8 } from '../../bench/unseen-systems-v8';
import { expectEmptiesOnlyAfterEqualsOrInQuotes, indexTruth, occurrencesOf, smallValueSetTemplates, testGeneratorBasics } from '../kit/synthetic-system-checks';

const words = (line: string): number => line.split(' ').length;

describe('unseen systems v8 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV8,
    reported: REPORTED_SEEDS_V8,
    expectedReported: [901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912],
    development: DEVELOPMENT_SEEDS_V8,
    families: FAMILIES_V8,
    emptyVariables: true,
  });
  const truth = indexTruth(samples);
  const occurrences = occurrencesOf(truth);

  test('the reported seeds spread over the families (at least 8 of 12, none reported twice as the same mix)', () => {
    const reported = samples.filter((s) => REPORTED_SEEDS_V8.some((seed) => s.name.startsWith(`v8-${seed}:`)));
    const families = new Set(reported.flatMap((s) => s.name.slice(s.name.indexOf(':') + 1).split('+')));
    expect(families.size).toBeGreaterThanOrEqual(8);
    expect(new Set(reported.map((s) => s.name.slice(s.name.indexOf(':') + 1))).size).toBe(reported.length);
  });

  test('a variable is empty only right after `=` or between double quotes', () => {
    expectEmptiesOnlyAfterEqualsOrInQuotes(occurrences);
  });

  test('variables lead messages without a digit (host, job, user, queue names)', () => {
    const leading = occurrences.filter(({ t, values }) => t.startsWith('<*> ') && /^[a-z_-]+$/.test(values[0]));
    expect(new Set(leading.map((o) => o.t)).size).toBeGreaterThanOrEqual(5);
  });

  test('word count varies inside one event: optional parts, empty fields, lists, query strings are ONE template', () => {
    const varying = truth.templates.filter((t) => new Set(truth.linesOf.get(t)!.map(words)).size > 1);
    expect(varying.length).toBeGreaterThanOrEqual(15);
    // each kind is there: an optional parenthesised part, a comma-joined list, a query string
    expect(occurrences.some(({ values }) => values.some((v) => / \([A-Za-z]+\)$/.test(v)))).toBe(true);
    expect(occurrences.some(({ values }) => values.some((v) => /^[^ ,]+(, [^ ,]+){2,}$/.test(v)))).toBe(true);
    expect(occurrences.some(({ values }) => values.some((v) => /\?[a-z-]+=[^&]*&/.test(v)))).toBe(true);
  });

  test('small value sets are still variables (a template position with 2-3 values over many lines)', () => {
    const small = smallValueSetTemplates(truth, (v) => !/\d/.test(v));
    expect(small.length).toBeGreaterThanOrEqual(3);
  });

  test('punctuation inside a value does not split it: durations, paths with spaces, a value glued to the next key', () => {
    const values = occurrences.flatMap((o) => o.values);
    expect(values.some((v) => /^\d\d:\d\d$/.test(v))).toBe(true); // mm:ss
    expect(values.some((v) => /^\d\d:\d\d:\d\d$/.test(v))).toBe(true); // hh:mm:ss
    expect(values.some((v) => /^\d+ min \d+ sec$/.test(v) || /^\d+ hours, \d+ minutes$/.test(v))).toBe(true); // words
    expect(values.some((v) => /[/\\]/.test(v) && / [A-Z]/.test(v) && !v.startsWith('/v2'))).toBe(true); // a path with a space
    expect(truth.templates.some((t) => /<\*>[a-zA-Z]+=/.test(t))).toBe(true); // `pid=<*>uid=<*>`
  });

  test('over-generalisation traps are separate events: closed word sets, digit-bearing constants, booleans, a specific beside a general event', () => {
    const sets = samples.flatMap((s) => s.closedSets).filter((set) => set.length >= 2);
    expect(sets.length).toBeGreaterThanOrEqual(20);
    const differing = (set: string[]): string[] => {
      // the words where the members differ
      const split = set.map((t) => t.split(' '));
      return split[0].length === split[1].length ? split[0].filter((w, i) => w !== split[1][i]) : [];
    };
    expect(sets.some((set) => differing(set).some((w) => /[a-z]/i.test(w) && /\d/.test(w)))).toBe(true); // eth1, en0, SOCKS5
    expect(sets.some((set) => set.some((t) => /\b(true|false|True|False)\b/.test(t)))).toBe(true);
    expect(sets.some((set) => set.some((t) => /default|Default|null|LOCAL\(0\)/.test(t)) && set.some((t) => t.includes('<*>')))).toBe(true);
    // a boolean printed from data is a variable
    expect(occurrences.some(({ values }) => values.includes('true')) && occurrences.some(({ values }) => values.includes('false'))).toBe(true);
  });

  test('variable boundaries: a prefix glued to a number is constant, a unit after a space constant, a UUID one variable, a date a variable per piece', () => {
    expect(truth.templates.some((t) => /(core\.|u0a|vty|Vlan|conn|container_|#)<\*>/.test(t))).toBe(true);
    expect(truth.templates.some((t) => /<\*> (MB|ms|sec|seconds) /.test(t))).toBe(true);
    const values = occurrences.flatMap((o) => o.values);
    expect(values.some((v) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(v))).toBe(true);
    expect(values.some((v) => /^\d+(\.\d+)?(MB|GB|ms|s|%)$/.test(v))).toBe(true); // a glued unit is inside
    expect(truth.templates.some((t) => t.includes('<*> UTC <*> <*> <*> <*>') || /at <*> <*> <*> <*> <*>$/.test(t))).toBe(true);
  });
});
