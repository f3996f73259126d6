/**
 * The seventeenth invented-system generator (bench/unseen-systems-v17.ts),
 * checked on its own: replayable, well formed, its reported seeds and
 * stream offset chosen as its header says, and showing in its truth the
 * ground-truth convention its header states (v14's, measured on the
 * corrected Loghub-2.0 templates) and every failure kind of the held-out
 * judges' account. The miner is never run here.
 */
import { DEVELOPMENT_SEEDS_V17, FAMILIES_V17, REPORTED_SEEDS_V17, unseenSystemV17, v17Generator } from '../../bench/unseen-systems-v17';
import { closedSetsOfTwoOrMore, differingWords, testBlindSeedRules, testGeneratorBasics, testJudgesAccount, testRareEvents, truthQueries } from '../kit/synthetic-system-checks';

describe('unseen systems v17 (blind generator)', () => {
  const samples = testGeneratorBasics({
    make: unseenSystemV17,
    reported: REPORTED_SEEDS_V17,
    expectedReported: [2101, 2102, 2103, 2104, 2105, 2106, 2107, 2108, 2109, 2110, 2111, 2112],
    development: DEVELOPMENT_SEEDS_V17,
    families: FAMILIES_V17,
    emptyVariables: true,
  });
  const { truth, occurrences, values, hasTemplate, hasValue } = truthQueries(samples);

  // the header's development rule gives seven families here (no linux, no macos): stated, not re-drawn
  testJudgesAccount({ label: 'v17', reported: REPORTED_SEEDS_V17, development: DEVELOPMENT_SEEDS_V17, developmentFamiliesAtLeast: 7 }, samples, truth, occurrences);

  testBlindSeedRules(
    { label: 'v17', make: unseenSystemV17, withOffset: v17Generator, reported: REPORTED_SEEDS_V17, development: DEVELOPMENT_SEEDS_V17, families: FAMILIES_V17, streamOffset: 3, developmentFrom: 16001, developmentFamilies: 7 },
    samples,
  );

  test('no standalone number is constant; digits stay constant only inside names', () => {
    for (const t of truth.templates) expect(t.split('<*>').join(' ')).not.toMatch(/(^|[^A-Za-z0-9_])\d+([^A-Za-z0-9_]|$)/);
    // numbers a program always prints alike are still variables (copyright years, the grace period, ISO 9660, IA-32)
    const alike = [/^ip_tables: \(C\) <\*>-<\*> Netfilter core team$/, /^Installing knfsd \(copyright \(C\) <\*> /, /^NFSD: starting <\*>-second grace period$/, /^ISO <\*> Extensions: /, /^IA-<\*> Microcode Update Driver/, /of <\*> out of regulation/, /caught burning CPU! It used more than <\*> CPU over <\*> seconds$/];
    expect(alike.filter(hasTemplate).length).toBeGreaterThanOrEqual(3);
    // digit-bearing names stay constant
    const names = [/SOCKS4 request rejected/, /Unix98|NFSv4 state recovery/, /^e1000: <\*>: e1000_clean_tx_irq/, /^3w-9xxx: /, /RRIP_1991A$/, /^qla2xxx /, /to SG_IO$/];
    expect(names.filter(hasTemplate).length).toBeGreaterThanOrEqual(3);
  });

  test('a prefix or unit glued to its number is inside the variable; `-` and `#` keep the word', () => {
    for (const t of truth.templates) expect(t).not.toMatch(/[A-Za-z0-9_]<\*>|<\*>[A-Za-z0-9_]/);
    const glued = [/^u\d+$/, /^\d+ms$/, /^CPU\d$/, /^SUB\d$/, /^v\d+\.\d+/, /^0x[0-9a-f]+$/, /^\d+%$/, /^x[0-9a-f]$/, /^disk\d+s\d+$/, /^rack\d+$/, /^(eth|ib)\d$/, /^scsi\d$/, /^\d+Mbps$/, /^Lcom\//];
    expect(glued.filter(hasValue).length).toBeGreaterThanOrEqual(10);
    const joined = [/node-<\*>/, /node-\[<\*>\]/, /\[req-<\*> /, /network-vif-plugged-<\*>$/, /<\*>-second /, /^IA-<\*> /, /CPU#<\*>!$/, /IRQ #<\*>$/, /\(C\) <\*>-<\*> /];
    expect(joined.filter(hasTemplate).length).toBeGreaterThanOrEqual(5);
  });

  test("closed sets of the program's own words are separate events, several members each", () => {
    const sets = closedSetsOfTwoOrMore(samples);
    expect(sets.length).toBeGreaterThanOrEqual(25);
    expect(sets.some((set) => set.length >= 3)).toBe(true);
    const member = (shape: RegExp): boolean => sets.some((set) => set.some((t) => shape.test(t)));
    const known = [
      /^Display device removed: /,
      /^stopLeScan\(\)$/,
      /^AudioOn process message: /,
      /^diagnostic <\*> failed on <\*>$/,
      /^Queue <<\*>> is inactivated$/,
      /^device <\*> left promiscuous mode$/,
      /^ACPI: Lid Switch \[LID\]$/,
      /^Limiting icmp ping response from /,
      /^Failed to authorize right /,
      /^Checking Token: <\*>, <\*>$/,
      /: SSL\/TLS \(wss:\/\/\) WebSocket connection$/,
      /^Service mode disabled$/,
      /^aacraid: Host adapter reset request\. SCSI hang \?$/,
      /: LOOP DOWN detected \(<\*>\)\.$/,
      /^DPX Ended DPX phase: <\*>$/,
      /^Shtd: shutdown processing completed$/,
    ];
    expect(known.filter(member).length).toBeGreaterThanOrEqual(8);
    // members of one word count sharing all words but the program's own ones
    expect(sets.filter((set) => differingWords(set).length > 0).length).toBeGreaterThanOrEqual(15);
  });

  test('variables: key=value and key = value values even when always alike, booleans read from data, users and hosts', () => {
    const keyValue = [/SQLERRMC=<\*>$/, /is_accepting=<\*>$/, /receiver=<\*>, started/, /\(timeout=<\*>,uid=<\*>,gid=<\*>\)$/, /Errno=<\*>$/, /hard=<\*> soft=<\*>$/, /:unit=<\*>\.$/, /\(flags = <\*>, progress = <\*>, phase = <\*>/];
    expect(keyValue.filter(hasTemplate).length).toBeGreaterThanOrEqual(4);
    expect(values.includes('True') || values.includes('False') || values.includes('null')).toBe(true);
    expect(hasTemplate(/<\*>:<\*>/)).toBe(true); // ip:port
    expect(hasTemplate(/ by <\*>$/) || hasTemplate(/^Navigator: user <\*> logged in from <\*>$/)).toBe(true); // a user
  });

  test('empty and non-empty fields are one template (after `=` or between double quotes)', () => {
    const empties = occurrences.filter(({ values: vs }) => vs.includes(''));
    expect(empties.length).toBeGreaterThan(0);
    for (const { t } of empties) expect(occurrences.some((o) => o.t === t && !o.values.includes(''))).toBe(true);
  });

  test('free text, lists and values with spaces are one variable; punctuation around them is constant', () => {
    expect(hasValue(/^[A-Z][a-z]+( [a-z]+){2,}/)).toBe(true); // an errno text, a reason or a failure message
    expect(hasValue(/^[^ ,]+(,[^ ,]+){2,}$/) || hasValue(/^[^ ,]+(, [^ ,]+){2,}$/) || hasValue(/^C\d( C\d)+$/)).toBe(true); // addresses, C-states
    expect(hasValue(/ /) && hasTemplate(/"<\*>"/)).toBe(true); // a quoted value with spaces (a display, a realm, a PAC answer)
    // the program's own double spaces stay in the constant text
    for (const t of truth.templates) if (t.includes('  ')) expect(t.split('<*>').some((constant) => constant.includes('  '))).toBe(true);
  });

  testRareEvents(samples);
});
