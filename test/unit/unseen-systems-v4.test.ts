/**
 * The fourth held-out generator (bench/unseen-systems-v4.ts) checked on its
 * own: replayable per seed, one true template per line, every line rendered
 * from its template, every family used, closed sets reported consistently,
 * and the ground-truth conventions it documents (taken from the corrected
 * Loghub-2k templates) visible in its templates. No miner is run here (its
 * scores are the bench's business).
 */
import { DEVELOPMENT_SEEDS_V4, REPORTED_SEEDS_V4, unseenSystemV4 } from '../../bench/unseen-systems-v4';
import { testGeneratorBasics } from '../kit/synthetic-system-checks';

describe('unseen-systems-v4 generator', () => {
  const all = testGeneratorBasics({
    make: unseenSystemV4,
    reported: REPORTED_SEEDS_V4,
    expectedReported: [501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512],
    development: DEVELOPMENT_SEEDS_V4,
    families: ['hpc', 'mac', 'linux', 'cbs', 'logcat', 'openstack', 'proxifier', 'tbird'],
  });
  const templates = [...new Set(all.flatMap((s) => s.truth))];

  test('across the reported and development seeds: traps of both kinds present', () => {
    // first-position variables followed by a constant word
    expect(templates.some((t) => /^<\*> [a-z]/.test(t))).toBe(true);
    // first-position values without digits exist in the lines (names, bundle ids, queue ids)
    expect(all.some((s) => s.content.some((line, k) => s.truth[k].startsWith('<*>') && /^[^\d\s:]+[\s:]/.test(line)))).toBe(true);
    // digit-bearing constants stay in templates
    for (const constant of [/\beth[01]\b/, /\bssh2\b/, /HTTP\/1\.1/, /\bu0\b/, /\bwl0\b/, /\bsr0=/, /\/v2\.1\//, /\bSOCKS5\b|\bHTTPS\b/]) {
      expect(templates.some((t) => constant.test(t))).toBe(true);
    }
    // closed sets with several members seen
    expect(all.flatMap((s) => s.closedSets).filter((set) => set.length >= 2).length).toBeGreaterThanOrEqual(10);
    // empty key=value fields are constant text, booleans variables
    expect(templates.some((t) => t.includes('logname= uid=<*>') && t.includes('ruser= rhost='))).toBe(true);
    expect(all.some((s) => s.content.some((line, k) => /\b(true|false)\b/.test(line) && !/\b(true|false)\b/.test(s.truth[k])))).toBe(true);
  });

  test('ground-truth conventions of the corrected Loghub-2k templates are followed', () => {
    const pairs = all.flatMap((s) => s.content.map((line, k) => ({ line, truth: s.truth[k] })));
    // ip:port is two variables
    expect(templates.some((t) => t.includes(' <*>:<*>'))).toBe(true);
    // a URL keeps its scheme
    expect(templates.some((t) => t.includes('http://<*>'))).toBe(true);
    // a constant word glued before a number by `-` or `#` or as letters keeps the word
    expect(templates.some((t) => t.includes('[req-<*>'))).toBe(true);
    expect(templates.some((t) => t.includes('#<*>'))).toBe(true);
    expect(templates.some((t) => /\b(mc|psu|cpu)<\*>/.test(t))).toBe(true);
    // a `_`-joined identifier is one variable with its prefix: no template keeps `Package_` or `_del`
    expect(pairs.some(({ line }) => line.includes('Package_'))).toBe(true);
    expect(templates.some((t) => /Package_|_del\b/.test(t))).toBe(false);
    // a unit glued to its value is inside the variable, a unit after a space is constant
    expect(templates.some((t) => /<\*>(ms|%)/.test(t))).toBe(false);
    expect(templates.some((t) => t.includes('<*> MB'))).toBe(true);
    // an optional part decided by the values is its own template
    expect(templates.some((t) => t.includes('bytes (<*> KB)'))).toBe(true);
    expect(templates.some((t) => t.includes('lifetime <1 sec'))).toBe(true);
  });
});
