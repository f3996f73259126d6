/**
 * The fifteenth invented-system generator (bench/unseen-systems-v15.ts),
 * checked on its own: replayable, well formed, its reported seeds and
 * stream offset chosen as its header says, and showing in its truth every
 * convention its header states (measured on the corrected Loghub-2.0
 * templates) and every failure kind of the held-out judges' account. The
 * miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V15, FAMILIES_V15, REPORTED_SEEDS_V15, unseenSystemV15, v15Generator } from '../../bench/unseen-systems-v15';
import { closedSetsOfTwoOrMore, differingWords, testBlindSeedRules, testGeneratorBasics, testJudgesAccount, testRareEvents, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v15 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV15,
    reported: REPORTED_SEEDS_V15,
    expectedReported: [1901, 1902, 1903, 1904, 1905, 1906, 1907, 1908, 1909, 1910, 1911, 1912],
    development: DEVELOPMENT_SEEDS_V15,
    families: FAMILIES_V15,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v15', reported: REPORTED_SEEDS_V15, development: DEVELOPMENT_SEEDS_V15 }, samples, truth, occurrences);

  testBlindSeedRules(
    { label: 'v15', make: unseenSystemV15, withOffset: v15Generator, reported: REPORTED_SEEDS_V15, development: DEVELOPMENT_SEEDS_V15, families: FAMILIES_V15, streamOffset: 1, developmentFrom: 14001, developmentFamilies: 9 },
    samples,
  );

  test('no standalone number is constant; digits stay constant only inside names', () => {
    for (const t of truth.templates) expect(t.split('<*>').join(' ')).not.toMatch(/(^|[^A-Za-z0-9_])\d+([^A-Za-z0-9_]|$)/);
    expect(hasTemplate(/ wl0: /) && hasTemplate(/enable_2G:<\*>/)).toBe(true);
    // numbers a program always prints alike are still variables (`uid=0`, `{l:32 …}`)
    expect(hasTemplate(/by \(uid=<\*>\)$/) || hasTemplate(/Found: \{l:<\*> b:<\*>\}/)).toBe(true);
  });

  test('a prefix glued to its number is inside the variable; `-` and `#` keep the word', () => {
    // nothing is glued to a variable in any template (a glued prefix or unit belongs to the value)
    for (const t of truth.templates) expect(t).not.toMatch(/[A-Za-z0-9_]<\*>|<\*>[A-Za-z0-9_]/);
    const glued = [/^u\d+$/, /^t\d+$/, /^ttyS\d$/, /^ide\d$/, /^tty\d$/, /^fd\d$/, /^eth\d$/, /^\d+(\.\d+)?[MK]$/, /^\d+s$/, /^[a-z]+_[a-z]+\+0x[0-9a-f]+\/0x[0-9a-f]+$/, /^Package_\d+_for_KB\d+~/];
    expect(glued.filter(hasValue).length).toBeGreaterThanOrEqual(9);
    const joined = [/node-<\*>/, /node-\[<\*>\]/, /\[#<\*>\]/, /\/<\*>#<\*> /].filter(hasTemplate);
    expect(joined.length).toBe(4);
  });

  test("closed sets of the program's own words are separate events, several members each", () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(40);
    expect(sets.some((set) => set.length >= 3)).toBe(true);
    const member = (shape: RegExp): boolean => sets.some((set) => set.some((t) => shape.test(t)));
    const known = [/^requestAudioFocus\(\) /, /^ciod: Z coordinate /, /^Can not get assembly information for link card$/, /power cycle requested by <\*>$/, /^Bluetooth: RFCOMM ver <\*>$/, /MDNS: IPV6 Addr: <\*>$/, /^Quota exceeded for ram: /, /marked as available$/, /^Lock: Lock removed: /, /be staged$/];
    expect(known.filter(member).length).toBeGreaterThanOrEqual(6);
    // members of one word count sharing all words but the program's own ones
    const sameShape = sets.filter((set) => differingWords(set).length > 0);
    expect(sameShape.length).toBeGreaterThanOrEqual(25);
    // an optional trailing field present or absent is two events
    expect(hasTemplate(/^Did not receive identification string from <\*>$/) && hasTemplate(/^Did not receive identification string from <\*> port <\*>$/)).toBe(true);
  });

  test('variables: key=value values even when always alike, booleans and states read from data, users and hosts', () => {
    expect(hasTemplate(/contentView=<\*> vibrate=<\*>/) && hasTemplate(/total lock:<\*>$/)).toBe(true);
    expect(hasTemplate(/mIsPowered=<\*>/) || hasTemplate(/allDrawn= <\*>/)).toBe(true);
    expect(values.includes('true') && values.includes('false')).toBe(true);
    expect(hasTemplate(/<\*>@<\*>/) && hasTemplate(/<\*>:<\*>/)).toBe(true); // user@host, ip:port
  });

  test('empty and non-empty fields are one template (after `=`): a notification channel', () => {
    const notifications = occurrences.filter(({ t }) => t.startsWith('enqueueNotificationInternal: '));
    expect(new Set(notifications.map((o) => o.t)).size).toBe(1);
    const channelAt = notifications[0].t.split('<*>').findIndex((constant) => constant.endsWith('(channel='));
    const channels = notifications.map(({ values: vs }) => vs[channelAt]);
    expect(channels.some((c) => c === '') && channels.some((c) => c !== '')).toBe(true);
  });

  test('free text, lists and values with spaces are one variable; punctuation around them is constant', () => {
    expect(hasValue(/^[A-Z][a-z]+( [a-z]+){3,}/)).toBe(true); // an errno text, a reason or a failure message
    expect(hasValue(/^[a-z_]+( [a-z_]+){2,}$/)).toBe(true); // features or modules, space separated
    expect(hasValue(/^set\(\[u'[^']+'(, u'[^']+')+\]\)$/) || hasValue(/^\d+(-\d+)?(,\d+(-\d+)?){2,}$/)).toBe(true); // a Python set, node ranges
    expect(hasTemplate(/^ciod: failed to read message prefix on control stream \(CioStream socket to <\*>:<\*>$/) || hasTemplate(/\|<\*>\|$/) || hasTemplate(/\[l:<\*>\{<\*>\}\]"<\*>"/)).toBe(true);
    // the program's own double spaces stay in the constant text
    for (const t of truth.templates) if (t.includes('  ')) expect(t.split('<*>').some((c) => c.includes('  '))).toBe(true);
  });

  testRareEvents(samples);
});
