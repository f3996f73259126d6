/**
 * The twelfth invented-system generator (bench/unseen-systems-v12.ts),
 * checked on its own: replayable, well formed, and showing in its truth every
 * convention it states and every failure kind of the held-out judges'
 * account. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V12, FAMILIES_V12, REPORTED_SEEDS_V12, unseenSystemV12 } from '../../bench/unseen-systems-v12';
import { closedSetsOfTwoOrMore, differingWords, testGeneratorBasics, testJudgesAccount, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v12 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV12,
    reported: REPORTED_SEEDS_V12,
    expectedReported: [1601, 1602, 1603, 1604, 1605, 1606, 1607, 1608, 1609, 1610, 1611, 1612],
    development: DEVELOPMENT_SEEDS_V12,
    families: FAMILIES_V12,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v12', reported: REPORTED_SEEDS_V12, development: DEVELOPMENT_SEEDS_V12 }, samples, truth, occurrences);

  test('the new families are there: Redis server, Cassandra, a Spring Boot service (Tomcat, Hibernate, HikariCP)', () => {
    expect(FAMILIES_V12).toEqual(expect.arrayContaining(['redis', 'cassandra', 'spring']));
    expect(hasTemplate(/^MASTER <-> REPLICA sync: /) && hasTemplate(/^Client id=<\*> addr=<\*>:<\*> /)).toBe(true);
    expect(hasTemplate(/^InetAddress <\*>:<\*> is now (UP|DOWN)$/) && hasTemplate(/^\[repair #<\*>\] Starting repair command #<\*> /)).toBe(true);
    expect(hasTemplate(/^HikariPool-<\*> - /) && hasTemplate(/^HHH000412: Hibernate ORM core version <\*>$/)).toBe(true);
  });

  test('free text and lists of varying length are one variable; first-position names have no digit', () => {
    expect(hasValue(/^[^ ,]+(, [^ ,]+){2,}$/) && hasValue(/^[^ ,]+(,[^ ,]+){2,}$/)).toBe(true); // repair tables, Spring profiles
    expect(values.some((v) => /^org\.springframework\.\S+Exception: .* .*/.test(v))).toBe(true); // a resolved exception with its message
    expect(values.some((v) => /^(sudo|env|mount) .* /.test(v))).toBe(true); // a nova command line
    expect(hasValue(/^[A-Z][A-Za-z ]+ \([a-z ]+\)$/)).toBe(true); // an optional parenthesised part: `Timed out (node not responding)`
    expect(hasValue(/^[A-Z][a-z]+( [A-Z][a-z]+)+$/)).toBe(true); // a collector or sense key with spaces (`G1 Young Generation`, `Medium Error`)
    const leading = occurrences.filter(({ t, values: vs }) => t.startsWith('<*>') && /^[A-Za-z][A-Za-z._-]*$/.test(vs[0]));
    expect(new Set(leading.map((o) => o.t.split(' ')[1])).size).toBeGreaterThanOrEqual(3); // programs, commands, drivers, message kinds
  });

  test('empty and non-empty fields are one template (after `=`, between double quotes)', () => {
    expect(hasTemplate(/ name=<\*> age=/) && values.includes('')).toBe(true); // a Redis client without a name
    expect(hasTemplate(/label "<\*>"/)).toBe(true); // an EDAC DIMM label
  });

  test('punctuation inside a value does not split it: durations, paths with spaces, decimals', () => {
    expect(hasValue(/^\d\d:\d\d$/)).toBe(true); // a Proxifier lifetime mm:ss
    expect(hasValue(/^\d+m\d+s\d+ms$/)).toBe(true); // a HikariCP housekeeper delta
    expect(values.some((v) => v.startsWith('/Applications/') && / /.test(v))).toBe(true); // a macOS path with a space
    expect(values.some((v) => /^C:\\Program Files\\/.test(v))).toBe(true); // a Windows path with spaces
    expect(hasValue(/^-0\.\d+$/)).toBe(true); // a negative decimal (ntp time reset)
  });

  test('separate events: closed word sets, digit-bearing constants, code-path booleans, a specific beside a general event', () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(25);
    expect(sets.some((set) => differingWords(set).some((w) => /[a-z]/i.test(w) && /\d/.test(w)))).toBe(true); // eth0 / eth1, U0 / U1
    expect(hasTemplate(/\(unencrypted\)\.\.\.$/) && hasTemplate(/\(encrypted\)\.\.\.$/)).toBe(true);
    expect(hasTemplate(/with context path ''$/) && hasTemplate(/with context path '<\*>'$/)).toBe(true);
    expect(hasTemplate(/^NetworkAgentInfo \[WIFI \(\) - <\*>\]/) && hasTemplate(/^NetworkAgentInfo \[MOBILE \(<\*>\) - <\*>\]/)).toBe(true);
    // digit-bearing constants that are not numbers: Hibernate message codes, interfaces
    expect(hasTemplate(/^HHH\d+: /) && hasTemplate(/wlan0|bond0/)).toBe(true);
    // a boolean read from data is a variable; one a code path prints stays constant
    expect(values.includes('true') && values.includes('false')).toBe(true);
    expect(hasTemplate(/force repair: false\)$/)).toBe(true);
  });

  test('variable boundaries follow the corrected Loghub templates', () => {
    // a word joined by `-` or glued before a number stays constant
    const glued = [/ instance-<\*>/, /HikariPool-<\*>/, /"http-nio-<\*>"/, /#u0a<\*>\//, /^scsi<\*>: /, /^EDAC MC<\*>: /, /\[req-<\*> /, / v<\*> using/].filter(hasTemplate);
    expect(glued.length).toBeGreaterThanOrEqual(5);
    // an identifier joined by `_` is one variable, as is `0x` hex and an HRESULT with its name
    expect(hasValue(/^Package_for_KB\d+~/) && hasValue(/^(amd64|x86|wow64)_microsoft-windows-/)).toBe(true);
    expect(hasValue(/^0x[0-9a-f]+$/) && hasValue(/^0x[0-9a-f]{8} - [A-Z_]+$/)).toBe(true);
    // ip:port is two variables; a Java address keeps its leading `/`
    expect(hasTemplate(/<\*>:<\*>/) && hasValue(/^\/\d+\.\d+\.\d+\.\d+$/)).toBe(true);
    // a fixed unit after a space is constant; a glued unit, or a humanised size with its unit, is inside
    expect(hasTemplate(/<\*> ms/) && hasTemplate(/<\*> MB/) && hasTemplate(/<\*> s$/)).toBe(true);
    expect(hasValue(/^\d+kB$/) && hasValue(/^\d+\.\d+MiB$/) && hasValue(/^\d+C$/) && hasValue(/^\d+%$/)).toBe(true);
    expect(hasValue(/^\d+(\.\d+)? (B|KB|MB|GB)$/)).toBe(true);
    // a negative number keeps its sign; a UUID is one variable
    expect(hasValue(/^-\d+$/)).toBe(true);
    expect(hasValue(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/)).toBe(true);
    // no constant standalone number anywhere (every number of the corrected Loghub templates is `<*>`)
    for (const t of truth.templates) expect(t.split('<*>').join(' ')).not.toMatch(/(^|[^A-Za-z0-9_])\d+([^A-Za-z0-9_]|$)/);
  });
});
