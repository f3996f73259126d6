/**
 * The ninth invented-system generator (bench/unseen-systems-v9.ts), checked
 * on its own: replayable, well formed, and showing in its truth every
 * convention it states (learned from the corrected Loghub-2.0 templates) and
 * every failure kind of the held-out judges' account. The miner is never run
 * here.
 */
import { DEVELOPMENT_SEEDS_V9, FAMILIES_V9, REPORTED_SEEDS_V9, unseenSystemV9 } from '../../bench/unseen-systems-v9';
import { closedSetsOfTwoOrMore, differingWords, testGeneratorBasics, testJudgesAccount, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v9 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV9,
    reported: REPORTED_SEEDS_V9,
    expectedReported: [1301, 1302, 1303, 1304, 1305, 1306, 1307, 1308, 1309, 1310, 1311, 1312],
    development: DEVELOPMENT_SEEDS_V9,
    families: FAMILIES_V9,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v9', reported: REPORTED_SEEDS_V9, development: DEVELOPMENT_SEEDS_V9 }, samples, truth, occurrences);

  test('a query string is one variable', () => {
    expect(hasValue(/\?[a-z_-]+=[^&]*&/)).toBe(true);
  });

  test('punctuation inside a value does not split it: durations, paths with spaces, a value glued to the text after it', () => {
    expect(hasValue(/^\d\d:\d\d$/)).toBe(true); // mm:ss
    expect(hasValue(/^\d\d:\d\d:\d\d$/)).toBe(true); // hh:mm:ss
    expect(hasValue(/^<1 sec$/) || hasValue(/^\d+min \d+\.\d+s$/)).toBe(true); // in words
    expect(hasValue(/[/\\]/) && values.some((v) => /^([A-Z]:\\|\/)/.test(v) && / [A-Z]/.test(v))).toBe(true); // a path with a space
    expect(hasTemplate(/<\*>[a-z]+: /)).toBe(true); // `reason <*>rts: bad message header`
  });

  test('separate events: closed word sets, digit-bearing constants, code-path booleans, a specific beside a general event', () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(25);
    expect(sets.some((set) => differingWords(set).some((w) => /[a-z]/i.test(w) && /\d/.test(w)))).toBe(true); // eth1, en0, eno1, SOCKS5
    expect(sets.some((set) => set.some((t) => /\b(true|false|False)\b/.test(t)))).toBe(true);
    const specific = /LOCAL\(0\)|'Default'|Opts: \(null\)|default partition/;
    expect(sets.some((set) => set.some((t) => specific.test(t)) && set.some((t) => !specific.test(t)))).toBe(true);
    // a boolean read from data is a variable
    expect(values.includes('true') && values.includes('false')).toBe(true);
  });

  test('variable boundaries follow the corrected Loghub templates', () => {
    // a word joined by `-` or glued before a number stays constant
    expect(hasTemplate(/(req|Interconnect|__consumer_offsets|KafkaApi)-<\*>/)).toBe(true);
    expect(hasTemplate(/(core\.|u0a|fpr|mthca|#)<\*>/)).toBe(true);
    // an identifier joined by `_` is one variable, as is `0x` hex
    expect(hasValue(/^\d+_\d+$/)).toBe(true);
    expect(hasValue(/^0x[0-9a-fA-F]+$/)).toBe(true);
    // ip:port is two variables; host/ip:port three; a Java address keeps its leading `/`
    expect(hasTemplate(/<\*>:<\*>/)).toBe(true);
    expect(hasTemplate(/<\*>\/<\*>:<\*>/)).toBe(true);
    // (a rare event: looked for over 40 more seeds)
    const more = Array.from({ length: 40 }, (_, k) => unseenSystemV9(9100 + k));
    const javaAddress = more.flatMap((m) => m.content.map((line, i) => ({ line, t: m.truth[i] }))).filter(({ line }) => / with \/\d+\.\d+\.\d+\.\d+ \(/.test(line));
    expect(javaAddress.length).toBeGreaterThan(0);
    for (const { t } of javaAddress) expect(t).toContain(' with <*> (');
    // a fixed unit after a space is constant; a glued unit, or a humanised size with its unit, is inside
    expect(hasTemplate(/<\*> (MB|GB|ms|KB|seconds|secs) /)).toBe(true);
    expect(hasValue(/^\d+(\.\d+)?(ms|kB|MB|GB|k|%|C)$/)).toBe(true);
    expect(hasValue(/^\d+\.\d (B|KB|MB|GB)$/)).toBe(true);
    // a UUID and an ISO date are one variable; a written-out date a variable per piece
    expect(hasValue(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/)).toBe(true);
    expect(hasValue(/^\d{4}-\d\d-\d\d$/)).toBe(true);
    expect(hasTemplate(/ at <\*> <\*> <\*> <\*> <\*>$/)).toBe(true);
  });
});
