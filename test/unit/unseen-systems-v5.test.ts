/**
 * The fifth held-out generator (bench/unseen-systems-v5.ts) checked on its
 * own: replayable per seed, one true template per line, every line rendered
 * from its template, every family used, closed sets reported consistently,
 * and the ground-truth conventions it documents visible in its templates. No
 * miner is run here (its scores are the bench's business).
 */
import { DEVELOPMENT_SEEDS_V5, REPORTED_SEEDS_V5, unseenSystemV5 } from '../../bench/unseen-systems-v5';
import { testGeneratorBasics } from '../kit/synthetic-system-checks';
import { templatePattern } from '../kit/template-match';

describe('unseen-systems-v5 generator', () => {
  const all = testGeneratorBasics({
    make: unseenSystemV5,
    reported: REPORTED_SEEDS_V5,
    expectedReported: [601, 602, 603, 604, 605, 606, 607, 608, 609, 610, 611, 612],
    development: DEVELOPMENT_SEEDS_V5,
    families: ['ras', 'hpc', 'desktop', 'syslog', 'servicing', 'logcat', 'compute', 'proxy', 'cluster'],
  });
  const templates = [...new Set(all.flatMap((s) => s.truth))];

  test('across the reported and development seeds: traps of both kinds present', () => {
    // first-position variables followed by constant text, and such values without digits in the lines
    expect(templates.some((t) => /^<\*>:? [a-z]/.test(t))).toBe(true);
    expect(all.some((s) => s.content.some((line, k) => s.truth[k].startsWith('<*>') && /^[^\d\s:]+[\s:]/.test(line)))).toBe(true);
    // digit-bearing constants stay in templates
    for (const constant of [/\beth[01]\b/, /\ben0\b/, /\bssh2\b/, /HTTP\/1\.1/, /\bu0\b/, /\/v2\//, /\bSOCKS5\b/]) {
      expect(templates.some((t) => constant.test(t))).toBe(true);
    }
    // closed sets with several members seen
    expect(all.flatMap((s) => s.closedSets).filter((set) => set.length >= 2).length).toBeGreaterThanOrEqual(10);
    // some value pools are tiny (1-3 values) yet their slots are variables: a `<*>` slot of an
    // event seen 20+ times shows at most 3 distinct values
    const tinySlots = all.flatMap((s) => {
      const byTemplate = new Map<string, string[]>();
      s.truth.forEach((t, k) => byTemplate.set(t, [...(byTemplate.get(t) ?? []), s.content[k]]));
      return [...byTemplate].filter(([t, lines]) => {
        if (lines.length < 20 || !t.includes('<*>')) return false;
        const firstSlot = new Set(lines.map((line) => templatePattern(t).exec(line)![1]));
        return firstSlot.size <= 3;
      });
    });
    expect(tinySlots.length).toBeGreaterThanOrEqual(3);
  });

  test('ground-truth conventions of the corrected Loghub-2k templates are followed', () => {
    // ip:port is two variables; a URL keeps its scheme; `req-` keeps its word
    expect(templates.some((t) => t.includes(' <*>:<*>'))).toBe(true);
    expect(templates.some((t) => t.includes('http://<*>'))).toBe(true);
    expect(templates.some((t) => t.includes('[req-<*> <*> <*>]'))).toBe(true);
    // a unit glued to its value is inside the variable, a unit after a space is constant
    expect(templates.some((t) => /<\*>(ms|%)/.test(t))).toBe(false);
    expect(templates.some((t) => t.includes('<*> MB'))).toBe(true);
    // an empty field keeps its key as constant text; empty vs filled are separate templates
    expect(templates.some((t) => t.includes('logname= uid=0') && t.includes('ruser= rhost=<*>'))).toBe(true);
    // a constant word or letters glued before a number keep the word, `#` before a number too
    expect(templates.some((t) => /\bv<\*> |u0a<\*>|MC<\*>/.test(t))).toBe(true);
    expect(templates.some((t) => t.includes('#<*>'))).toBe(true);
    // an optional constant form is its own template
    expect(templates.some((t) => t.includes('bytes (<*> KB)'))).toBe(true);
    expect(templates.some((t) => t.includes('lifetime <1 sec'))).toBe(true);
    // booleans printed from data are variables
    expect(all.some((s) => s.content.some((line, k) => /=(true|false)\b/.test(line) && !/\b(true|false)\b/.test(s.truth[k])))).toBe(true);
  });
});
