/**
 * The tenth invented-system generator (bench/unseen-systems-v10.ts), checked
 * on its own: replayable, well formed, and showing in its truth every
 * convention it states and every failure kind of the held-out judges'
 * account. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V10, FAMILIES_V10, REPORTED_SEEDS_V10, unseenSystemV10 } from '../../bench/unseen-systems-v10';
import { closedSetsOfTwoOrMore, differingWords, testGeneratorBasics, testJudgesAccount, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v10 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV10,
    reported: REPORTED_SEEDS_V10,
    expectedReported: [1401, 1402, 1403, 1404, 1405, 1406, 1407, 1408, 1409, 1410, 1411, 1412],
    development: DEVELOPMENT_SEEDS_V10,
    families: FAMILIES_V10,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v10', reported: REPORTED_SEEDS_V10, development: DEVELOPMENT_SEEDS_V10 }, samples, truth, occurrences);

  test('query strings, free text and comma lists of both separators are one variable', () => {
    expect(hasValue(/^[a-z]+=[^&]*&[a-z]+=/)).toBe(true); // a query string after `?`
    expect(hasValue(/^[^ ,]+(, [^ ,]+){2,}$/) && hasValue(/^[^ ,]+(,[^ ,]+){2,}$/)).toBe(true);
  });

  test('punctuation inside a value does not split it: durations, paths with spaces', () => {
    expect(hasValue(/^\d\d:\d\d$/)).toBe(true); // mm:ss
    expect(hasValue(/^\d\d:\d\d:\d\d$/)).toBe(true); // hh:mm:ss
    expect(hasValue(/^<1 sec$/) && hasValue(/^\d+min \d+\.\d+s$/)).toBe(true); // in words
    expect(values.some((v) => /^C:\\/.test(v) && / [A-Z]/.test(v))).toBe(true); // a Windows path with a space
  });

  test('separate events: closed word sets, digit-bearing constants, code-path booleans, a specific beside a general event', () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(25);
    expect(sets.some((set) => differingWords(set).some((w) => /[a-z]/i.test(w) && /\d/.test(w)))).toBe(true); // wlan0, ib1, eth1, SOCKS5
    expect(sets.some((set) => set.some((t) => /\((true|false)\)/.test(t)))).toBe(true); // setLockScreenShown(true)
    const specific = /<NOSRV>|\[_all\]/;
    expect(sets.some((set) => set.some((t) => specific.test(t)) && set.some((t) => !specific.test(t)))).toBe(true);
    expect(hasTemplate(/directory: \(null\), external registry/) && hasTemplate(/directory: <\*>, external registry/)).toBe(true);
    // a boolean read from data is a variable
    expect(values.includes('true') && values.includes('false')).toBe(true);
  });

  test('variable boundaries follow the corrected Loghub templates', () => {
    // a word joined by `-` or glued before a number stays constant
    expect(hasTemplate(/(req|network-vif-plugged)-<\*>/)).toBe(true);
    expect(hasTemplate(/(u0a|veth|#)<\*>/) && hasTemplate(/ r<\*>=<\*> /)).toBe(true);
    // an identifier joined by `_` is one variable, as is `0x` hex
    expect(hasValue(/^\d+_\d+$/)).toBe(true);
    expect(hasValue(/^0x[0-9a-fA-F]+$/)).toBe(true);
    // ip:port is two variables; host/ip:port three
    expect(hasTemplate(/<\*>:<\*>/)).toBe(true);
    expect(hasTemplate(/<\*>\/<\*>:<\*>/)).toBe(true);
    // a fixed unit after a space is constant; a glued unit, or a humanised size with its unit, is inside
    expect(hasTemplate(/<\*> (MB|seconds|bytes|RPM) /)).toBe(true);
    expect(hasValue(/^\d+(ms|%|C)$/)).toBe(true);
    expect(hasValue(/^\d+(\.\d)?(kb|mb|gb)$/)).toBe(true);
    expect(hasValue(/^\d+\.\d\d (KB|MB|GB)$/)).toBe(true); // a humanised size with its unit after a space
    // a UUID and an ISO date are one variable; a written-out date a variable per piece
    expect(hasValue(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/)).toBe(true);
    expect(hasValue(/^\d{4}-\d\d-\d\d$/)).toBe(true);
    expect(hasTemplate(/ <\*> <\*> <\*> <\*> EST <\*>$/)).toBe(true);
  });
});
