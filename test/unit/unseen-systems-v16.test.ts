/**
 * The sixteenth invented-system generator (bench/unseen-systems-v16.ts),
 * checked on its own: replayable, well formed, its reported seeds and
 * stream offset chosen as its header says, and showing in its truth the
 * ground-truth convention its header states (v14's, measured on the
 * corrected Loghub-2.0 templates) and every failure kind of the held-out
 * judges' account. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V16, FAMILIES_V16, REPORTED_SEEDS_V16, unseenSystemV16, v16Generator } from '../../bench/unseen-systems-v16';
import { closedSetsOfTwoOrMore, differingWords, testBlindSeedRules, testGeneratorBasics, testJudgesAccount, testRareEvents, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v16 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV16,
    reported: REPORTED_SEEDS_V16,
    expectedReported: [2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011, 2012],
    development: DEVELOPMENT_SEEDS_V16,
    families: FAMILIES_V16,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  testJudgesAccount({ label: 'v16', reported: REPORTED_SEEDS_V16, development: DEVELOPMENT_SEEDS_V16 }, samples, truth, occurrences);

  testBlindSeedRules(
    { label: 'v16', make: unseenSystemV16, withOffset: v16Generator, reported: REPORTED_SEEDS_V16, development: DEVELOPMENT_SEEDS_V16, families: FAMILIES_V16, streamOffset: 0, developmentFrom: 15001, developmentFamilies: 8 },
    samples,
  );

  test('no standalone number is constant; digits stay constant only inside names', () => {
    for (const t of truth.templates) expect(t.split('<*>').join(' ')).not.toMatch(/(^|[^A-Za-z0-9_])\d+([^A-Za-z0-9_]|$)/);
    // numbers a program always prints alike are still variables (`launch(3)`, `!= 1`, `lun 0`)
    expect(hasTemplate(/legacy launch\(<\*>\) APIs/) || hasTemplate(/sigio_handler_active != <\*>$/) || hasTemplate(/, lun <\*>$/) || hasTemplate(/Self-destruct in <\*> seconds\.  Have/)).toBe(true);
    expect(hasTemplate(/AirPort_Brcm43xx::/) || hasTemplate(/^spurious 8259A interrupt/) || hasTemplate(/AF_INET\(/) || hasTemplate(/evaluateCrazyIvan46/)).toBe(true);
  });

  test('a prefix or unit glued to its number is inside the variable; `-` and `#` keep the word', () => {
    for (const t of truth.templates) expect(t).not.toMatch(/[A-Za-z0-9_]<\*>|<\*>[A-Za-z0-9_]/);
    const glued = [/^u\d+$/, /^t\d+$/, /^tc\d+$/, /^IRQ\d+$/, /^lp\d$/, /^parport\d$/, /^eth\d$/, /^scsi\d$/, /^elan\d$/, /^-?\d+ms$/, /^\d+KiB$/, /^\d+k$/, /^\d+MHz$/, /^\d+GB$/, /^v\d+\.\d+/, /^\d+\.\d+s$/, /^\d+(\.\d)?%$/];
    expect(glued.filter(hasValue).length).toBeGreaterThanOrEqual(10);
    const joined = [/node-<\*>/, /node-\[<\*>\]/, /\[req-<\*> /, /instance-<\*>:/, /<\*>#<\*>$/, /<\*>-byte /].filter(hasTemplate);
    expect(joined.length).toBeGreaterThanOrEqual(4);
  });

  test("closed sets of the program's own words are separate events, several members each", () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(30);
    expect(sets.some((set) => set.length >= 3)).toBe(true);
    const member = (shape: RegExp): boolean => sets.some((set) => set.some((t) => shape.test(t)));
    const known = [/^ViewRoot's Touch Event : ACTION_UP$/, /^ciod: Error reading message prefix after LOAD_MESSAGE /, /^Quorum lost /, /^SELinux: {2}Starting in enforcing mode$/, /BTLE scanner Powered Off$/, /Error from libvirt during destroy\./, / write error: <\*>$/, /^kernel time sync disabled <\*>$/, /^PkgMgr: Uninstalling /, /^Repair failed: Missing replacement manifest\.$/];
    expect(known.filter(member).length).toBeGreaterThanOrEqual(6);
    // members of one word count sharing all words but the program's own ones
    expect(sets.filter((set) => differingWords(set).length > 0).length).toBeGreaterThanOrEqual(20);
  });

  test('variables: key=value and key: value values even when always alike, booleans and states read from data, users and hosts', () => {
    expect(hasTemplate(/idebus=<\*>$/) || hasTemplate(/type = <\*>, path = <\*>/) || hasTemplate(/coldpatching=<\*> applyflags=<\*>$/)).toBe(true);
    expect(hasTemplate(/^Smart installer: <\*>$/) || hasTemplate(/Flow control is <\*> for TX and <\*> for RX\.$/) || hasTemplate(/removed=<\*> visible=<\*>/)).toBe(true);
    expect(values.includes('true') || values.includes('on') || values.includes('false')).toBe(true);
    expect(hasTemplate(/<\*>:<\*>/)).toBe(true); // ip:port
  });

  test('empty and non-empty fields are one template (between quotes): a CSI old component', () => {
    const old = occurrences.filter(({ t }) => t.startsWith('Old component: '));
    expect(new Set(old.map((o) => o.t)).size).toBe(1);
    const names = old.map(({ values: vs }) => vs[1]);
    expect(names.some((c) => c === '') && names.some((c) => c !== '')).toBe(true);
  });

  test('free text, lists and values with spaces are one variable; punctuation around them is constant', () => {
    expect(hasValue(/^[A-Z][a-z]+( [a-z]+){2,}/)).toBe(true); // an errno text, a reason or a failure message
    expect(hasValue(/^hd[a-d]\d( hd[a-d]\d)+/) || hasValue(/^\d+( \d+){2,}$/) || hasValue(/^com\.android\.server\.\S+( com\.android\.server\.\S+)+$/)).toBe(true); // partitions, IRQs, callers
    expect(hasTemplate(/\(this is expected for daemons without bundle ID$/) || hasTemplate(/\]"<\*>"$/) || hasTemplate(/ \| <\*> \| <\*>$/)).toBe(true);
    // the program's own double spaces stay in the constant text
    for (const t of truth.templates) if (t.includes('  ')) expect(t.split('<*>').some((constant) => constant.includes('  '))).toBe(true);
  });

  testRareEvents(samples);
});
