/**
 * The fourteenth invented-system generator (bench/unseen-systems-v14.ts),
 * checked on its own: replayable, well formed, and showing in its truth every
 * convention its header states (measured on the corrected Loghub-2.0
 * templates) and every failure kind of the held-out judges' account. The
 * miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V14, FAMILIES_V14, REPORTED_SEEDS_V14, unseenSystemV14 } from '../../bench/unseen-systems-v14';
import { closedSetsOfTwoOrMore, testGeneratorBasics, testJudgesAccount, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v14 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV14,
    reported: REPORTED_SEEDS_V14,
    expectedReported: [1801, 1802, 1803, 1804, 1805, 1806, 1807, 1808, 1809, 1810, 1811, 1812],
    development: DEVELOPMENT_SEEDS_V14,
    families: FAMILIES_V14,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v14', reported: REPORTED_SEEDS_V14, development: DEVELOPMENT_SEEDS_V14 }, samples, truth, occurrences);

  test('only the nine held-out kinds, all used by the reported seeds', () => {
    expect([...FAMILIES_V14].sort()).toEqual(['bgl', 'cbs', 'hpc', 'linux', 'logcat', 'macos', 'nova', 'proxifier', 'tbird']);
    const reported = samples.filter((s) => REPORTED_SEEDS_V14.some((seed) => s.name.startsWith(`v14-${seed}:`)));
    const used = new Set(reported.flatMap((s) => s.name.slice(s.name.indexOf(':') + 1).split('+')));
    expect([...used].sort()).toEqual([...FAMILIES_V14].sort());
  });

  test('no standalone number is constant; digits stay constant only inside names', () => {
    for (const t of truth.templates) expect(t.split('<*>').join(' ')).not.toMatch(/(^|[^A-Za-z0-9_])\d+([^A-Za-z0-9_]|$)/);
    expect(hasTemplate(/^wlan0: /) && hasTemplate(/serio: i8042 /) && hasTemplate(/smcReadData8/)).toBe(true);
    // numbers a program always prints alike are still variables (a fixed port, a fixed limit)
    expect(hasTemplate(/^error: Bind to port <\*> on <\*> failed/) || hasTemplate(/Maximum permitted wakeups rate \(per sec\): <\*>;/) || hasTemplate(/on <\*>:<\*> is unreachable/)).toBe(true);
  });

  test('a prefix glued to its number is inside the variable; `-` and `#` keep the word', () => {
    // nothing is glued to a variable in any template (a glued prefix or unit belongs to the value)
    for (const t of truth.templates) expect(t).not.toMatch(/[A-Za-z0-9_]<\*>|<\*>[A-Za-z0-9_]/);
    const glued = [/^u\d+$/, /^J\d\d$/, /^CPU\d$/, /^alt\d$/, /^\d+Kbytes$/, /^\d+M$/, /^\d+k$/, /^\d+ms$/, /^\+\d+(m\d+)?s\d+ms$|^\+\d+m\d+s\d+ms$/, /^\d+kB$/, /^\d+K$/];
    expect(glued.filter(hasValue).length).toBeGreaterThanOrEqual(6);
    const joined = [/node-<\*>/, /node-\[<\*>\]/, /\[req-<\*> /, /CPU#<\*>/, /reason #<\*>/].filter(hasTemplate);
    expect(joined.length).toBeGreaterThanOrEqual(3);
  });

  test("closed sets of the program's own words are separate events, several members each", () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(40);
    expect(sets.some((set) => set.length >= 3)).toBe(true);
    const member = (shape: RegExp): boolean => sets.some((set) => set.some((t) => shape.test(t)));
    const known = [/^Bluetooth state change: STATE_/, /^BIOS-e820: <\*> - <\*> \(ACPI NVS\)$/, /^NIFF: node node-<\*> detected a failed/, /^\(<\*>\) OUT: /, /^Node <\*> HighMem per-cpu:$/, /^TI: --- Initializing/, /Took <\*> seconds to build instance\.$/, /^L3 ecc control register: <\*>$/];
    expect(known.filter(member).length).toBeGreaterThanOrEqual(5);
    // an optional trailing field present or absent is two events (as OpenSSH's `user=<*>`)
    expect(hasTemplate(/reason=<\*>$/) && hasTemplate(/reason=<\*> locally_generated=<\*>$/)).toBe(true);
  });

  test('variables: key=value values even when always alike, booleans read from data, users and hosts', () => {
    expect(hasTemplate(/attribute=<\*>, token = /) || hasTemplate(/locally_generated=<\*>/) || hasTemplate(/path:<\*> Socket:<\*>/)).toBe(true);
    expect(hasTemplate(/startFg\?=<\*>$/) || hasTemplate(/interactive=<\*> keyguardActive=<\*>/)).toBe(true);
    expect(values.includes('true') && values.includes('false')).toBe(true);
    expect(hasTemplate(/<\*>@<\*>/) && hasTemplate(/<\*>:<\*>/)).toBe(true); // user@host, ip:port
  });

  test('empty and non-empty fields are one template (after `=`, between double quotes)', () => {
    const empty = occurrences.filter(({ values: vs }) => vs.includes(''));
    expect(empty.some(({ t }) => / id_str=<\*>\]$/.test(t)) || empty.some(({ t }) => /\(user "<\*>"\)$/.test(t))).toBe(true);
  });

  test('free text, lists and values with spaces are one variable; punctuation around them is constant', () => {
    expect(hasValue(/ \(HTTP 404\)$/) || hasValue(/^[A-Za-z-]+ \([A-Za-z]+\)$/)).toBe(true); // an exception or a previous state with its parenthesised part
    expect(hasValue(/^\/[\d.]+(, \/[\d.]+){2,}$/) || hasValue(/^\[\(u'/)).toBe(true); // DNS servers, alternates
    expect(hasValue(/^\.\/\w+ --useDatabase /) || hasValue(/^node-\d+ 0x[0-9a-f]+ <(ok|bad)>/) || hasValue(/^[A-Z][a-z]+( [a-z]+)+$/)).toBe(true);
    // a written-out date: weekday, month, day, time and year a variable each, the zone constant
    expect(hasTemplate(/status=<\*> <\*> <\*> <\*> <\*> PDT <\*>$/) || hasTemplate(/^\[<<\*>>\] <\*>$/) || hasTemplate(/^<\*>@<\*> Beginning NT transaction commit\.\.\.$/)).toBe(true);
    // the program's own double spaces stay in the constant text
    for (const t of truth.templates) if (t.includes('  ')) expect(t.split('<*>').some((c) => c.includes('  '))).toBe(true);
  });
});
