/**
 * The eleventh invented-system generator (bench/unseen-systems-v11.ts),
 * checked on its own: replayable, well formed, and showing in its truth every
 * convention it states and every failure kind of the held-out judges'
 * account. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V11, FAMILIES_V11, REPORTED_SEEDS_V11, unseenSystemV11 } from '../../bench/unseen-systems-v11';
import { closedSetsOfTwoOrMore, differingWords, testGeneratorBasics, testJudgesAccount, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v11 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV11,
    reported: REPORTED_SEEDS_V11,
    expectedReported: [1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509, 1510, 1511, 1512],
    development: DEVELOPMENT_SEEDS_V11,
    families: FAMILIES_V11,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v11', reported: REPORTED_SEEDS_V11, development: DEVELOPMENT_SEEDS_V11 }, samples, truth, occurrences);

  test('free text, comma lists and space lists of varying length are one variable', () => {
    expect(hasValue(/^[^ ,]+(, [^ ,]+){2,}$/) && hasValue(/^[^ ,]+(,[^ ,]+){2,}$/)).toBe(true); // a wait queue, a node list
    expect(hasTemplate(/pods=\[<\*>\]/) && values.some((v) => /^[a-z-]+\/\S+( [a-z-]+\/\S+)+$/.test(v))).toBe(true); // a kubelet pod list
    expect(values.some((v) => /^(SELECT|UPDATE|INSERT) /.test(v))).toBe(true); // an SQL statement
    expect(hasValue(/^[A-Z][A-Za-z.]+ \([A-Za-z ]+\)$/)).toBe(true); // an optional parenthesised part: `DOWN (Not responding)`, `RTC (Alarm)`
  });

  test('punctuation inside a value does not split it: durations, paths with spaces', () => {
    expect(hasValue(/^\d\d:\d\d$/) && hasValue(/^\d\d:\d\d:\d\d$/) && hasValue(/^<1 sec$/)).toBe(true); // Proxifier lifetimes
    expect(hasValue(/^\d:\d\d:\d\d\.\d{3}$/)).toBe(true); // a PostgreSQL session time
    expect(values.some((v) => /^(C:|\\\?\?)\\/.test(v) && / /.test(v))).toBe(true); // a Windows path with a space
    expect(values.some((v) => v.startsWith('/Users/') && / /.test(v))).toBe(true); // a macOS path with a space
  });

  test('separate events: closed word sets, digit-bearing constants, code-path booleans, a specific beside a general event', () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(25);
    expect(sets.some((set) => differingWords(set).some((w) => /[a-z]/i.test(w) && /\d/.test(w)))).toBe(true); // eth0 / eth1, tun0 / ipsec0, IPv4 / IPv6
    expect(sets.some((set) => set.some((t) => /\((true|false)\)/.test(t)))).toBe(true); // setOccluded(true)
    expect(hasTemplate(/, SSL encryption$/) && hasTemplate(/, no encryption$/)).toBe(true);
    const specific = /host=\[local\]|\[::\]|\*64 |task_state: None/;
    expect(sets.some((set) => set.some((t) => specific.test(t)) && set.some((t) => !specific.test(t)))).toBe(true);
    expect(hasTemplate(/^connection received: host=\[local\]$/) && hasTemplate(/^connection received: host=<\*> port=<\*>$/)).toBe(true);
    expect(hasTemplate(/^<\*> \*64 - <\*>:<\*> /) && hasTemplate(/^<\*> - <\*>:<\*> /)).toBe(true);
    expect(hasTemplate(/^bind\(\) to \[::\]:<\*> /) && hasTemplate(/^bind\(\) to <\*>:<\*> /)).toBe(true);
    // a boolean read from data is a variable
    expect(values.includes('true') && values.includes('false')).toBe(true);
  });

  test('variable boundaries follow the corrected Loghub templates', () => {
    // a word joined by `-` or glued before a number stays constant, as does a scheme before an id
    // (which of these events a system keeps is drawn: at least two of them appear over the seeds)
    const glued = [/ instance-<\*> /, /^\*<\*> /, / --<\*> /, /"containerd:\/\/<\*>"/].filter(hasTemplate);
    expect(glued.length).toBeGreaterThanOrEqual(2);
    // an identifier joined by `_` is one variable, as is `0x` hex
    expect(hasValue(/^\d+_\d+$/) && hasValue(/^Package_\d+_for_KB\d+~/) && hasValue(/^amd64_microsoft-windows-[a-z-]+_31bf3856ad364e35_/)).toBe(true);
    expect(hasValue(/^0x[0-9a-f]+$/)).toBe(true);
    // ip:port is two variables
    expect(hasTemplate(/<\*>:<\*>/) && hasTemplate(/\[<\*>\]:<\*>/)).toBe(true);
    // a fixed unit after a space is constant; a glued unit, or a humanised size with its unit, is inside
    expect(hasTemplate(/<\*> ms /) && hasTemplate(/<\*> kB/) && hasTemplate(/<\*> sec$/) && hasTemplate(/<\*> C /)).toBe(true);
    expect(hasValue(/^\d+(ms|Mbps|MHz)$/) && hasValue(/^\d+(\.\d+)?%$/) && hasValue(/^(\d+m)?\d+\.\d+s$/)).toBe(true);
    expect(hasValue(/^\d+\.\d\d (KB|MB|GB)$/)).toBe(true);
    // a negative number keeps its sign; a UUID and an ISO date are one variable each
    expect(hasValue(/^-\d+(\.\d+)?$/)).toBe(true);
    expect(hasValue(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/)).toBe(true);
    expect(hasValue(/^\d{4}-\d\d-\d\d$/)).toBe(true);
  });
});
