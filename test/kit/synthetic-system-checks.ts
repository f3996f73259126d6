/**
 * Checks every invented-system generator (bench/unseen-systems-v3.ts … -v9.ts)
 * must pass on each of its samples, shared by their unit tests.
 */
import type { BlindGenerator } from '../../bench/synthetic-pieces';
import { blindSystem } from '../../bench/synthetic-pieces';
import type { SyntheticSampleV2 } from '../../bench/unseen-systems-v2';
import { linesNotMatchingTruth, templatePattern } from './template-match';

/**
 * 2,000 lines, one true template per line, each line rendered from its
 * template, no empty variable (unless `emptyVariables`: a generator whose
 * truth has sometimes-empty fields; `<*><*>` stays forbidden), the program's
 * own whitespace, and a plausible number of events (12-150: real services
 * print dozens, not a handful or hundreds).
 */
export function expectWellFormedSystem(s: SyntheticSampleV2, emptyVariables = false): void {
  expect(s.content).toHaveLength(2000);
  expect(s.truth).toHaveLength(2000);
  expect(linesNotMatchingTruth(s.content, s.truth, emptyVariables)).toEqual([]);
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

/** An invented-system generator as its unit test sees it. */
export interface GeneratorUnderTest {
  readonly make: (seed: number) => SyntheticSampleV2;
  /** The reported seeds as fixed before any miner run (the test pins them). */
  readonly reported: readonly number[];
  readonly expectedReported: readonly number[];
  readonly development: readonly number[];
  /** Every family name the generator has (all must appear across the seeds, via `name` = `vN-seed:a+b`). */
  readonly families: readonly string[];
  /** The generator's truth has fields that are sometimes empty (their lines match with the variable empty). */
  readonly emptyVariables?: boolean;
}

/**
 * Declares (inside the caller's `describe`) the tests every generator passes:
 * replayable per seed, the reported seeds pinned and apart from development
 * ones, every sample well formed with consistent closed sets, every family
 * used. Returns the samples of all seeds (made once) for further checks.
 */
export function testGeneratorBasics(g: GeneratorUnderTest): SyntheticSampleV2[] {
  const seeds = [...g.reported, ...g.development];
  const systems = new Map(seeds.map((seed) => [seed, g.make(seed)]));
  const [first, second] = g.reported;

  test('the same seed gives the same system; another seed another one', () => {
    expect(g.make(first)).toEqual(systems.get(first));
    expect(g.make(second).content).not.toEqual(systems.get(first)!.content);
  });

  test('the reported seeds are the ones fixed before any miner run', () => {
    expect(g.reported).toEqual(g.expectedReported);
    for (const seed of g.development) expect(g.reported).not.toContain(seed);
  });

  test.each(seeds)('seed %i: 2,000 lines, one true template per line, each line rendered from its template', (seed) => {
    expectWellFormedSystem(systems.get(seed)!, g.emptyVariables === true);
  });

  test.each(seeds)('seed %i: closed sets list true templates seen in the lines, each member its own template', (seed) => {
    expectConsistentClosedSets(systems.get(seed)!);
  });

  test('every family is used across the reported and development seeds', () => {
    const used = new Set([...systems.values()].flatMap((s) => s.name.slice(s.name.indexOf(':') + 1).split('+')));
    expect([...used].sort()).toEqual([...g.families].sort());
  });

  return [...systems.values()];
}

/** The true templates of some samples, with the lines each covers, for checks on particular events. */
export interface TruthIndex {
  /** Every true template of the samples, with the lines it covers (in sample order). */
  readonly linesOf: ReadonlyMap<string, string[]>;
  readonly templates: readonly string[];
  /** The lines of the templates matching `shape`; expects at least one template to match. */
  readonly eventLines: (shape: RegExp) => string[];
}

export function indexTruth(samples: readonly SyntheticSampleV2[]): TruthIndex {
  const linesOf = new Map<string, string[]>();
  for (const s of samples) s.truth.forEach((t, k) => linesOf.set(t, [...(linesOf.get(t) ?? []), s.content[k]]));
  const templates = [...linesOf.keys()];
  const eventLines = (shape: RegExp): string[] => {
    const matching = templates.filter((t) => shape.test(t));
    expect(matching.length).toBeGreaterThanOrEqual(1);
    return matching.flatMap((t) => linesOf.get(t)!);
  };
  return { linesOf, templates, eventLines };
}

/** The values of a line's variables, read against its true template (variables may be empty). */
export function variableValues(template: string, line: string): string[] {
  const m = templatePattern(template, true).exec(line);
  expect(m).not.toBeNull();
  return m!.slice(1);
}

/** One line of the samples with its true template and the values of its variables. */
export interface Occurrence {
  readonly t: string;
  readonly line: string;
  readonly values: string[];
}

/** Every (template, line, values) of the samples indexed by `truth`. */
export function occurrencesOf(truth: TruthIndex): Occurrence[] {
  return truth.templates.flatMap((t) => truth.linesOf.get(t)!.map((line) => ({ t, line, values: variableValues(t, line) })));
}

/** Expects some empty variables, each right after `=` or between double quotes (`rhost=`, `tag=""`). */
export function expectEmptiesOnlyAfterEqualsOrInQuotes(occurrences: readonly Occurrence[]): void {
  let empties = 0;
  for (const { t, values } of occurrences) {
    const constants = t.split('<*>');
    values.forEach((value, i) => {
      if (value !== '') return;
      empties++;
      const before = constants[i];
      const after = constants[i + 1];
      expect(before.endsWith('=') || (before.endsWith('"') && after.startsWith('"'))).toBe(true);
    });
  }
  expect(empties).toBeGreaterThan(0);
}

/**
 * The templates of 30 lines or more with a variable position that holds only
 * 2-3 distinct values, each accepted by `plain` (a small value set that is
 * still a variable).
 */
export function smallValueSetTemplates(truth: TruthIndex, plain: (value: string) => boolean): string[] {
  return truth.templates.filter((t) => {
    const lines = truth.linesOf.get(t)!;
    if (lines.length < 30) return false;
    const columns = lines.map((line) => variableValues(t, line));
    return columns[0].some((_, i) => {
      const distinct = new Set(columns.map((c) => c[i]));
      return distinct.size >= 2 && distinct.size <= 3 && [...distinct].every(plain);
    });
  });
}

/** What the judges' account checks need to know of a generator (`label`: the `vN` its sample names start with). */
export interface JudgesAccountSubject {
  readonly label: string;
  readonly reported: readonly number[];
  readonly development: readonly number[];
  /**
   * How many families the development seeds cover at least (8 unless stated: a generator whose
   * header rule for development seeds gives fewer states what it gives, rather than re-drawing).
   */
  readonly developmentFamiliesAtLeast?: number;
}

const wordCount = (line: string): number => line.split(' ').length;

/**
 * Declares (inside the caller's `describe`) the checks of the held-out judges'
 * account every blind generator's truth shows: development seeds spread over
 * families, reported seeds all different mixes, empties only after `=` or in
 * quotes, variables leading messages without a digit, word count varying
 * inside one event (an optional parenthesised part, a comma list), small
 * value sets still variables.
 */
export function testJudgesAccount(g: JudgesAccountSubject, samples: readonly SyntheticSampleV2[], truth: TruthIndex, occurrences: readonly Occurrence[]): void {
  const values = occurrences.flatMap((o) => o.values);
  const hasValue = (shape: RegExp): boolean => values.some((v) => shape.test(v));
  const of = (seeds: readonly number[]): SyntheticSampleV2[] => samples.filter((s) => seeds.some((seed) => s.name.startsWith(`${g.label}-${seed}:`)));

  const atLeast = g.developmentFamiliesAtLeast ?? 8;
  test(`the development seeds cover at least ${atLeast} families; no two reported seeds are the same mix`, () => {
    const mix = (name: string): string => name.slice(name.indexOf(':') + 1);
    expect(new Set(of(g.development).flatMap((s) => mix(s.name).split('+'))).size).toBeGreaterThanOrEqual(atLeast);
    const reported = of(g.reported);
    expect(new Set(reported.map((s) => mix(s.name))).size).toBe(reported.length);
  });

  test('a variable is empty only right after `=` or between double quotes', () => {
    expectEmptiesOnlyAfterEqualsOrInQuotes(occurrences);
  });

  test('variables lead messages without a digit (services, programs, jobs, users)', () => {
    const leading = occurrences.filter(({ t, values: vs }) => t.startsWith('<*>') && vs[0] !== '' && !/\d/.test(vs[0]));
    expect(new Set(leading.map((o) => o.t)).size).toBeGreaterThanOrEqual(5);
  });

  test('word count varies inside one event: optional parts, empty fields, comma lists are ONE template', () => {
    const varying = truth.templates.filter((t) => new Set(truth.linesOf.get(t)!.map(wordCount)).size > 1);
    expect(varying.length).toBeGreaterThanOrEqual(15);
    expect(hasValue(/ \([^()]+\)$/)).toBe(true); // an optional parenthesised part inside the variable it follows
    expect(hasValue(/^[^ ,]+(, [^ ,]+){2,}$/) || hasValue(/^[^ ,]+(,[^ ,]+){2,}$/)).toBe(true); // a comma list
  });

  test('small value sets are still variables (a template position with 2-3 plain-word values over many lines)', () => {
    const small = smallValueSetTemplates(truth, (v) => /^[A-Za-z]+$/.test(v));
    expect(small.length).toBeGreaterThanOrEqual(3);
  });
}

/** The closed sets of two members or more of the samples. */
export function closedSetsOfTwoOrMore(samples: readonly SyntheticSampleV2[]): string[][] {
  return samples.flatMap((s) => s.closedSets).filter((set) => set.length >= 2);
}

/** The words of a closed set's first member that differ from its second's (none when their word counts differ). */
export function differingWords(set: readonly string[]): string[] {
  const split = set.map((t) => t.split(' '));
  return split[0].length === split[1].length ? split[0].filter((w, i) => w !== split[1][i]) : [];
}

/** The truth of some samples indexed, with every variable value, and questions a generator's test asks of them. */
export interface TruthQueries {
  readonly truth: TruthIndex;
  readonly occurrences: Occurrence[];
  readonly values: string[];
  readonly hasTemplate: (shape: RegExp) => boolean;
  readonly hasValue: (shape: RegExp) => boolean;
}

export function truthQueries(samples: readonly SyntheticSampleV2[]): TruthQueries {
  const truth = indexTruth(samples);
  const occurrences = occurrencesOf(truth);
  const values = occurrences.flatMap((o) => o.values);
  return {
    truth,
    occurrences,
    values,
    hasTemplate: (shape) => truth.templates.some((t) => shape.test(t)),
    hasValue: (shape) => values.some((v) => shape.test(v)),
  };
}

/** The nine kinds of system the held-out judges hold out (the families of v14 on). */
export const HELD_OUT_KINDS = ['bgl', 'cbs', 'hpc', 'linux', 'logcat', 'macos', 'nova', 'proxifier', 'tbird'] as const;

/** A blind generator of the nine held-out kinds, with the seed rules its header states. */
export interface BlindSeedRules {
  /** The `vN` its sample names start with. */
  readonly label: string;
  readonly make: (seed: number, lines?: number) => SyntheticSampleV2;
  /** The generator with another stream offset (to replay how its offset was chosen). */
  readonly withOffset: (streamOffset: number) => BlindGenerator;
  readonly reported: readonly number[];
  readonly development: readonly number[];
  readonly families: readonly string[];
  /** The stream offset its header states: the first from 0 giving twelve reported mixes over all nine kinds. */
  readonly streamOffset: number;
  /** The development seeds are the first five from this one on that each add a family. */
  readonly developmentFrom: number;
  /** How many families those five development seeds cover. */
  readonly developmentFamilies: number;
}

/** The families of a sample, from its name `vN-<seed>:<family>+…`. */
const familiesOf = (name: string): string[] => name.slice(name.indexOf(':') + 1).split('+');

/**
 * Declares (inside the caller's `describe`) the checks of a blind generator's
 * seeds: only the nine held-out kinds, all used by the reported seeds in
 * twelve different mixes; the stream offset the first (from 0) giving that;
 * the development seeds the first five from `developmentFrom` on that each add
 * a family. Mixes are drawn without lines (the miner is never run).
 */
export function testBlindSeedRules(g: BlindSeedRules, samples: readonly SyntheticSampleV2[]): void {
  const mixOf = (offset: number, seed: number): string => blindSystem(g.withOffset(offset), seed, 0).name.slice(`${g.label}-${seed}:`.length);
  const passesOffsetRule = (offset: number): boolean => {
    const mixes = g.reported.map((seed) => mixOf(offset, seed));
    return new Set(mixes).size === 12 && new Set(mixes.flatMap((m) => m.split('+'))).size === HELD_OUT_KINDS.length;
  };

  test('only the nine held-out kinds, all used by the reported seeds in twelve different mixes', () => {
    expect([...g.families].sort()).toEqual([...HELD_OUT_KINDS]);
    const reported = samples.filter((s) => g.reported.some((seed) => s.name.startsWith(`${g.label}-${seed}:`)));
    expect(new Set(reported.map((s) => s.name.slice(s.name.indexOf(':') + 1))).size).toBe(12);
    expect([...new Set(reported.flatMap((s) => familiesOf(s.name)))].sort()).toEqual([...HELD_OUT_KINDS]);
  });

  test('the stream offset is the first giving twelve different reported mixes over all nine families', () => {
    const offset = Array.from({ length: g.streamOffset + 3 }, (_, k) => k).find(passesOffsetRule);
    expect(offset).toBe(g.streamOffset);
    // the systems made are the ones of that offset (the reported mixes as they were fixed, before any miner run)
    expect(g.reported.map((seed) => familiesOf(g.make(seed, 0).name).join('+'))).toEqual(g.reported.map((seed) => mixOf(g.streamOffset, seed)));
  });

  test(`the development seeds are the first five from ${g.developmentFrom} on that each add a family`, () => {
    const seen = new Set<string>();
    const chosen: number[] = [];
    for (let seed = g.developmentFrom; chosen.length < 5; seed++) {
      const families = familiesOf(g.make(seed, 0).name);
      if (families.some((f) => !seen.has(f))) chosen.push(seed);
      families.forEach((f) => seen.add(f));
    }
    expect(g.development).toEqual(chosen);
    expect(seen.size).toBe(g.developmentFamilies);
  });
}

/** Declares (inside the caller's `describe`) the check that rare events show: five systems or more hold an event of 1-3 lines. */
export function testRareEvents(samples: readonly SyntheticSampleV2[]): void {
  test('rare events: some systems hold events of 1-3 lines', () => {
    const rare = samples.filter((s) => {
      const counts = new Map<string, number>();
      for (const t of s.truth) counts.set(t, (counts.get(t) ?? 0) + 1);
      return [...counts.values()].some((n) => n <= 3);
    });
    expect(rare.length).toBeGreaterThanOrEqual(5);
  });
}
