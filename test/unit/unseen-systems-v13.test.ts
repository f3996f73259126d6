/**
 * The thirteenth invented-system generator (bench/unseen-systems-v13.ts),
 * checked on its own: replayable, well formed, and showing in its truth every
 * convention it states and every failure kind of the held-out judges'
 * account. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V13, FAMILIES_V13, REPORTED_SEEDS_V13, unseenSystemV13 } from '../../bench/unseen-systems-v13';
import { closedSetsOfTwoOrMore, differingWords, testGeneratorBasics, testJudgesAccount, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v13 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV13,
    reported: REPORTED_SEEDS_V13,
    expectedReported: [1701, 1702, 1703, 1704, 1705, 1706, 1707, 1708, 1709, 1710, 1711, 1712],
    development: DEVELOPMENT_SEEDS_V13,
    families: FAMILIES_V13,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v13', reported: REPORTED_SEEDS_V13, development: DEVELOPMENT_SEEDS_V13 }, samples, truth, occurrences);

  test('the reported seeds together use all twelve families', () => {
    const reported = samples.filter((s) => REPORTED_SEEDS_V13.some((seed) => s.name.startsWith(`v13-${seed}:`)));
    const used = new Set(reported.flatMap((s) => s.name.slice(s.name.indexOf(':') + 1).split('+')));
    expect([...used].sort()).toEqual([...FAMILIES_V13].sort());
  });

  test('the new families are there: Postfix, RabbitMQ, MongoDB', () => {
    expect(FAMILIES_V13).toEqual(expect.arrayContaining(['postfix', 'rabbitmq', 'mongodb']));
    // Postfix: relay=host[ip]:port, delays=a/b/c/d one variable, dsn, status with the remote reply as free text
    expect(hasTemplate(/relay=<\*>\[<\*>\]:<\*>, delay=<\*>, delays=<\*>, dsn=<\*>, status=(sent|deferred|bounced) \(<\*>\)$/)).toBe(true);
    expect(hasValue(/^\d+\.\d+\/\d+\.\d+\/\d+\.\d+\/\d+\.\d+$/)).toBe(true);
    expect(hasTemplate(/^<\*>: from=<>, size=/) && hasTemplate(/^<\*>: from=<<\*>>, size=/)).toBe(true); // the bounce sender beside a sender
    // RabbitMQ: ip:port -> ip:port, Erlang pids in angle brackets, vhosts
    expect(hasTemplate(/^accepting AMQP connection <<\*>> \(<\*>:<\*> -> <\*>:<\*>\)$/)).toBe(true);
    expect(hasValue(/^0\.\d+\.\d$/) && hasTemplate(/vhost '<\*>'/)).toBe(true);
    // MongoDB: a slow command with the document and the plan as free text, connections, replica states
    expect(hasTemplate(/^\[conn<\*>\] command <\*> appName: "<\*>" command: <\*> <\*> planSummary: <\*> keysExamined:<\*> /)).toBe(true);
    expect(hasValue(/^IXSCAN \{ \S+: 1( , \S+: -1)? \}$|^IXSCAN \{ \S+: 1, \S+: -1 \}$/)).toBe(true);
    expect(hasTemplate(/^\[listener\] connection accepted from <\*>:<\*> #<\*> \(<\*> connections now open\)$/)).toBe(true);
  });

  test('free text and lists of varying length are one variable; first-position names have no digit', () => {
    expect(hasValue(/^[A-Z]+(,[A-Z]+){2,}$/)).toBe(true); // parport modes
    // a Mongo command document (read from the line: `command: <*> <*>` leaves the split of its two variables to the space)
    expect(truth.eventLines(/ command: <\*> <\*> planSummary: /).some((l) => / command: (find|aggregate|count|distinct) \{ \1: ".*", filter: \{ .* \}, .*\$db: ".*" \} planSummary: /.test(l))).toBe(true);
    expect(hasValue(/^250 2\.\d\.\d .* /)).toBe(true); // a remote SMTP reply
    expect(hasValue(/^(no queue|inequivalent arg|access to exchange|cannot obtain) .* /)).toBe(true); // a channel exception reason
    expect(hasValue(/^[A-Z][a-z]+( [a-z]+)+$/)).toBe(true); // a signal name or resolver text with spaces
    const leading = occurrences.filter(({ t, values: vs }) => t.startsWith('<*>') && /^[A-Za-z][A-Za-z._-]*$/.test(vs[0]));
    expect(new Set(leading.map((o) => o.t.split(' ')[1])).size).toBeGreaterThanOrEqual(3); // programs, resources, mechanisms, daemons
  });

  test('empty and non-empty fields are one template (after `=`, between double quotes)', () => {
    expect(hasTemplate(/ sasl_username=<\*>$/) && hasTemplate(/appName: "<\*>"/)).toBe(true);
    const empty = occurrences.filter(({ t, values: vs }) => vs.includes(''));
    expect(empty.some(({ t }) => / sasl_username=<\*>$/.test(t)) && empty.some(({ t }) => /appName: "<\*>"/.test(t))).toBe(true);
  });

  test('punctuation inside a value does not split it: rates, paths, package ids, upper-case UUIDs', () => {
    expect(hasValue(/^\d+\/60s$/)).toBe(true); // an anvil rate
    expect(values.some((v) => v.startsWith('\\\\?\\C:\\Windows\\'))).toBe(true); // a Windows `\\?\` path
    expect(hasValue(/^Package_for_KB\d+~[0-9a-f]+~(amd64|x86)~~[\d.]+$/)).toBe(true);
    expect(hasValue(/^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/)).toBe(true);
    expect(hasValue(/^\d+\.\d+s$/) && hasValue(/^\d+ms$/) && hasValue(/^\d+kB$/) && hasValue(/^\d+%$/)).toBe(true); // glued units
  });

  test('separate events: closed word sets, the own transition beside a state read from data', () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(25);
    expect(sets.some((set) => set.every((t) => /^\[ReplicationExecutor\] transition to [A-Z]+$/.test(t)))).toBe(true);
    expect(sets.some((set) => differingWords(set).some((w) => /^(cold|live|plugged|unplugged|set|cleared|up|down)$/.test(w)))).toBe(true);
    expect(hasTemplate(/^\[ReplicationExecutor\] Member <\*>:<\*> is now in state <\*>$/)).toBe(true);
    expect(hasTemplate(/status=sent \(<\*>\)$/) && hasTemplate(/status=deferred \(<\*>\)$/)).toBe(true);
    expect(hasTemplate(/^Trusted TLS connection/) && hasTemplate(/^Anonymous TLS connection/)).toBe(true);
    expect(hasTemplate(/^<\*> resource limit alarm set on node <\*>@<\*>\.$/) && hasTemplate(/^<\*> resource limit alarm cleared on node <\*>@<\*>\.$/)).toBe(true);
    // a boolean read from data is a variable
    expect(values.includes('true') && values.includes('false')).toBe(true);
    expect(hasTemplate(/durable: <\*>, auto_delete: <\*>/)).toBe(true);
  });

  test('variable boundaries follow the corrected Loghub templates', () => {
    // a word joined by `-` or glued before a number stays constant
    const glued = [/Interconnect-<\*>/, /<\*>-OST<\*>/, /\[conn<\*>\]/, / <\*>-bit /, / v<\*>/, /UDMA\(<\*>\)/, /UID:<\*>/, /generating core\.<\*>/, /Memory used:<\*>/].filter(hasTemplate);
    expect(glued.length).toBeGreaterThanOrEqual(5);
    // an identifier joined by `_` is one variable, as is `0x` hex
    expect(hasValue(/^dquot_[\d.]+$/) || hasValue(/^__tcp_connection_\w+\.\d+$/) || hasValue(/^TLS_\w+$/)).toBe(true);
    expect(hasValue(/^0x[0-9a-f]+$/)).toBe(true);
    // ip:port and host[ip] are two variables each
    expect(hasTemplate(/<\*>:<\*>/) && hasTemplate(/<\*>\[<\*>\]/)).toBe(true);
    // a fixed unit after a space is constant
    expect(hasTemplate(/<\*> seconds/) && hasTemplate(/<\*> bytes/)).toBe(true);
    // a negative number keeps its sign; a UUID is one variable
    expect(hasValue(/^-\d+$/)).toBe(true);
    expect(hasValue(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/)).toBe(true);
    // no constant standalone number anywhere (every number of the corrected Loghub templates is `<*>`)
    for (const t of truth.templates) expect(t.split('<*>').join(' ')).not.toMatch(/(^|[^A-Za-z0-9_])\d+([^A-Za-z0-9_]|$)/);
  });
});
