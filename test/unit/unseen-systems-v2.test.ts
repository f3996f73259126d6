/**
 * The second held-out generator (bench/unseen-systems-v2.ts) checked on its
 * own: replayable per seed, one true template per line, every line renderable
 * from its template, closed sets present with each member seen many times.
 * No miner is run here (its scores are the bench's business).
 */
import { REPORTED_SEEDS_V2, unseenSystemV2 } from '../../bench/unseen-systems-v2';
import { linesNotMatchingTruth } from '../kit/template-match';


const seeds = [...REPORTED_SEEDS_V2, 901, 902, 903];

describe('unseen-systems-v2 generator', () => {
  test('the same seed gives the same system; another seed another one', () => {
    const a = unseenSystemV2(201);
    const b = unseenSystemV2(201);
    expect(b).toEqual(a);
    expect(unseenSystemV2(202).content).not.toEqual(a.content);
  });

  test.each(seeds)('seed %i: 2,000 lines, one true template per line, each line rendered from its template', (seed) => {
    const s = unseenSystemV2(seed);
    expect(s.content).toHaveLength(2000);
    expect(s.truth).toHaveLength(2000);
    expect(linesNotMatchingTruth(s.content, s.truth)).toEqual([]);
    // whitespace is single spaces (the bench normalises it on both sides; a generator bug would hide there)
    for (const line of s.content) expect(line).toBe(line.replace(/\s+/g, ' ').trim());
    expect(new Set(s.truth).size).toBeGreaterThanOrEqual(15);
  });

  test.each(seeds)('seed %i: closed sets are separate events, each member seen many times', (seed) => {
    const s = unseenSystemV2(seed);
    expect(s.closedSets.length).toBeGreaterThanOrEqual(2);
    const count = new Map<string, number>();
    for (const t of s.truth) count.set(t, (count.get(t) ?? 0) + 1);
    for (const set of s.closedSets) {
      expect(set.length).toBeGreaterThanOrEqual(2);
      expect(new Set(set).size).toBe(set.length);
      for (const member of set) expect(count.get(member) ?? 0).toBeGreaterThanOrEqual(10);
    }
  });

  test('across the reported seeds: pairs of lower-case words, digit-bearing constants, first-position variables', () => {
    const templates = new Set(REPORTED_SEEDS_V2.flatMap((seed) => unseenSystemV2(seed).truth));
    const all = [...templates];
    const pairs = REPORTED_SEEDS_V2.flatMap((seed) => unseenSystemV2(seed).closedSets).filter((set) => set.length === 2);
    // a pair whose members differ in one lower-case word
    const lowerPair = pairs.some(([a, b]) => {
      const wa = a.split(' ');
      const wb = b.split(' ');
      const diff = wa.map((w, k) => (w !== wb[k] ? [w, wb[k]] : undefined)).filter((d) => d !== undefined);
      return wa.length === wb.length && diff.length === 1 && diff.every((d) => /^[a-z]+$/.test(d![0]) && /^[a-z]+$/.test(d![1]));
    });
    expect(lowerPair).toBe(true);
    expect(all.some((t) => /\b(eth0|eno1|ens3|wlan0|HTTP\/1\.1|sha256|tls1\.3|v2|v3)\b/.test(t))).toBe(true);
    expect(all.some((t) => t.startsWith('<*> '))).toBe(true);
  });
});
