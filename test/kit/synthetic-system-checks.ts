/**
 * Checks every invented-system generator (bench/unseen-systems-v3.ts, -v4.ts)
 * must pass on each of its samples, shared by their unit tests.
 */
import type { SyntheticSampleV2 } from '../../bench/unseen-systems-v2';
import { linesNotMatchingTruth } from './template-match';

/**
 * 2,000 lines, one true template per line, each line rendered from its
 * template, no empty variable, the program's own whitespace, and a plausible
 * number of events (12-150: real services print dozens, not a handful or hundreds).
 */
export function expectWellFormedSystem(s: SyntheticSampleV2): void {
  expect(s.content).toHaveLength(2000);
  expect(s.truth).toHaveLength(2000);
  expect(linesNotMatchingTruth(s.content, s.truth)).toEqual([]);
  // no variable is empty: `<*>` never touches another `<*>` (two variables need a separator)
  for (const t of new Set(s.truth)) expect(t).not.toContain('<*><*>');
  // whitespace is the program's own (double spaces only inside constant text), never at the ends
  for (const line of s.content) expect(line).toBe(line.trim());
  for (const [k, line] of s.content.entries()) {
    if (line.includes('  ')) expect(s.truth[k]).toContain('  ');
  }
  const templates = new Set(s.truth).size;
  expect(templates).toBeGreaterThanOrEqual(12);
  expect(templates).toBeLessThanOrEqual(150);
}

/** Closed sets list true templates seen in the lines, each member its own template. */
export function expectConsistentClosedSets(s: SyntheticSampleV2): void {
  const seen = new Set(s.truth);
  for (const set of s.closedSets) {
    expect(set.length).toBeGreaterThanOrEqual(1);
    expect(new Set(set).size).toBe(set.length);
    for (const member of set) expect(seen.has(member)).toBe(true);
  }
}
