/**
 * The third held-out generator (bench/unseen-systems-v3.ts) checked on its
 * own: replayable per seed, one true template per line, every line rendered
 * from its template, every family used, closed sets reported consistently.
 * No miner is run here (its scores are the bench's business).
 */
import { DEVELOPMENT_SEEDS_V3, REPORTED_SEEDS_V3, unseenSystemV3 } from '../../bench/unseen-systems-v3';
import { expectConsistentClosedSets, expectWellFormedSystem } from '../kit/synthetic-system-checks';


const seeds = [...REPORTED_SEEDS_V3, ...DEVELOPMENT_SEEDS_V3];
const systems = new Map(seeds.map((seed) => [seed, unseenSystemV3(seed)]));
const FAMILIES = ['ras', 'desktop', 'syslog', 'servicing', 'logcat', 'cloud', 'proxy', 'cluster'];

describe('unseen-systems-v3 generator', () => {
  test('the same seed gives the same system; another seed another one', () => {
    expect(unseenSystemV3(401)).toEqual(systems.get(401));
    expect(unseenSystemV3(402).content).not.toEqual(systems.get(401)!.content);
  });

  test.each(seeds)('seed %i: 2,000 lines, one true template per line, each line rendered from its template', (seed) => {
    expectWellFormedSystem(systems.get(seed)!);
  });

  test.each(seeds)('seed %i: closed sets list true templates seen in the lines, each member its own template', (seed) => {
    expectConsistentClosedSets(systems.get(seed)!);
  });

  test('across the reported and development seeds: every family, traps of both kinds present', () => {
    const all = [...systems.values()];
    const used = new Set(all.flatMap((s) => s.name.slice(s.name.indexOf(':') + 1).split('+')));
    expect([...used].sort()).toEqual([...FAMILIES].sort());
    const templates = [...new Set(all.flatMap((s) => s.truth))];
    // first-position variables, and one followed by a constant without digits
    expect(templates.some((t) => /^<\*> [a-z]/.test(t))).toBe(true);
    // digit-bearing constants stay in templates
    expect(templates.some((t) => /\b(eth0|eth1|ib0|ssh2|u0|SOCKS5)\b|HTTP\/1\.1/.test(t))).toBe(true);
    // closed sets with several members seen
    expect(all.flatMap((s) => s.closedSets).filter((set) => set.length >= 2).length).toBeGreaterThanOrEqual(10);
    // empty key=value fields are constant text, booleans variables
    expect(templates.some((t) => t.includes('logname= uid=<*>'))).toBe(true);
    expect(all.some((s) => s.content.some((line, k) => /\b(true|false|True|False)\b/.test(line) && !/\b(true|false|True|False)\b/.test(s.truth[k])))).toBe(true);
  });
});
