/**
 * Drawing the lines of an invented system (bench/unseen-systems-v2.ts …
 * -v7.ts): each line picks one event by weight, renders it as pieces, and
 * its true template is the pieces with every variable read as `<*>`.
 */
import { pickWeighted } from '../test/kit/prng';

/** A whole number in [lo, hi] (one draw of `q`). */
export const int = (q: () => number, lo: number, hi: number): number => lo + Math.floor(q() * (hi - lo + 1));
/** One of `xs`, uniformly (one draw of `q`). */
export const pick = <T>(q: () => number, xs: readonly T[]): T => xs[Math.floor(q() * xs.length)];
/** `n` lowercase hex digits (n draws of `q`). */
export const hexDigits = (q: () => number, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(q, 0, 15)]).join('');
/** `n` in decimal, zero-padded to `w` digits. */
export const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Letter tables of invented words: each generator keeps its own, so its systems stay as they were drawn. */
export interface Syllables {
  readonly onsets: readonly string[];
  readonly vowels: readonly string[];
  readonly codas: readonly string[];
}

/** A pronounceable invented word: `syllables` onset+vowel pairs, then a coda (lowercase letters only). */
export function pronounceableWord(q: () => number, tables: Syllables, syllables: number): string {
  let w = '';
  for (let k = 0; k < syllables; k++) w += pick(q, tables.onsets) + pick(q, tables.vowels);
  return w + pick(q, tables.codas);
}

/** A piece of a rendered line: text, and whether the program printed a variable there. */
export interface Piece {
  readonly text: string;
  readonly variable: boolean;
}

/** An event of a system: how to render one line, its closed set (index) if any, its weight. */
export interface WeightedEvent {
  readonly render: (rng: () => number) => Piece[];
  readonly closedSet: number | undefined;
  readonly weight: number;
}

export interface DrawnLines {
  readonly content: string[];
  readonly truth: string[];
  /** Per closed set that had lines: the distinct true templates its members produced. */
  readonly closedSets: string[][];
}

/**
 * `lines` lines drawn independently (each consumes one number of `rng` for the
 * pick, then what its event's render consumes); `closedSetCount` is the number
 * of closed-set indexes the events use. A closed set none of whose members was
 * drawn is left out of `closedSets`.
 */
export function drawLines(rng: () => number, events: readonly WeightedEvent[], closedSetCount: number, lines: number): DrawnLines {
  const total = events.reduce((n, e) => n + e.weight, 0);
  const content: string[] = [];
  const truth: string[] = [];
  const setTemplates: Array<Set<string>> = Array.from({ length: closedSetCount }, () => new Set());
  for (let i = 0; i < lines; i++) {
    const e = pickWeighted(rng, events, total);
    const pieces = e.render(rng);
    content.push(pieces.map((p) => p.text).join(''));
    const template = pieces.map((p) => (p.variable ? '<*>' : p.text)).join('');
    truth.push(template);
    if (e.closedSet !== undefined) setTemplates[e.closedSet].add(template);
  }
  return { content, truth, closedSets: setTemplates.filter((s) => s.size > 0).map((s) => [...s]) };
}

/** Renders one line of an event. */
export type Render = (rng: () => number) => Piece[];

/** What a family contributes: plain events, and closed sets (one event per program constant). */
export interface FamilyEvents {
  readonly plain: readonly Render[];
  readonly closed: ReadonlyArray<readonly Render[]>;
}

/** The events of one system, before weighting (every weight 0). */
export interface ChosenEvents {
  readonly families: string[];
  readonly events: Array<{ readonly render: Render; readonly closedSet: number | undefined; weight: number }>;
  readonly closedSetCount: number;
}

/** How families and their events are drawn. */
export interface Choice {
  /** Families wanted (more are added while the system has fewer than minEvents events). */
  readonly families: number;
  readonly minEvents: number;
  /** Probability of keeping each plain event. */
  readonly keepPlain: number;
  /** Probability of keeping the family's k-th closed set (all its members); 1 keeps it without drawing. */
  readonly keepClosed: (k: number) => number;
}

/**
 * Families picked uniformly (`make(name)` builds one; no family twice) until
 * `choice.families` are chosen and there are `choice.minEvents` events, or
 * every family is used; of each, the plain events and closed sets kept by the
 * choice's probabilities (one draw of `rng` each, in order).
 */
export function chooseEvents(rng: () => number, names: readonly string[], make: (name: string) => FamilyEvents, choice: Choice): ChosenEvents {
  const families: string[] = [];
  const events: ChosenEvents['events'] = [];
  let closedSetCount = 0;
  while ((families.length < choice.families || events.length < choice.minEvents) && families.length < names.length) {
    const name = names[Math.floor(rng() * names.length)];
    if (families.includes(name)) continue;
    families.push(name);
    const fam = make(name);
    for (const render of fam.plain) if (rng() < choice.keepPlain) events.push({ render, closedSet: undefined, weight: 0 });
    fam.closed.forEach((set, k) => {
      const p = choice.keepClosed(k);
      if (p < 1 && !(rng() < p)) return;
      for (const render of set) events.push({ render, closedSet: closedSetCount, weight: 0 });
      closedSetCount++;
    });
  }
  return { families, events, closedSetCount };
}

/**
 * Zipf weights over a random ranking of `events`: the k-th of the ranking
 * (1-based) weighs k^-exponent. Consumes one number of `rng` per event.
 */
export function assignZipfWeights(rng: () => number, events: ChosenEvents['events'], exponent: number): void {
  const order = events.map((_, k) => ({ k, key: rng() })).sort((a, b) => a.key - b.key);
  order.forEach(({ k }, rank) => (events[k].weight = Math.pow(rank + 1, -exponent)));
}

/**
 * One invented system of `lines` lines, named `<label>:<family>+<family>…`:
 * one to three families wanted (one draw of `r`; more while `choice.minEvents`
 * is not reached), Zipf weights with an exponent of 0.7-1.5 (one draw) over a
 * random ranking of all events, then the lines, all from `r` in that order.
 */
export function inventSystem(
  r: () => number,
  label: string,
  names: readonly string[],
  make: (name: string) => FamilyEvents,
  choice: Omit<Choice, 'families'>,
  lines: number,
): DrawnLines & { name: string } {
  const { families, events, closedSetCount } = chooseEvents(r, names, make, { families: int(r, 1, 3), ...choice });
  assignZipfWeights(r, events, 0.7 + r() * 0.8);
  return { name: `${label}:${families.join('+')}`, ...drawLines(r, events, closedSetCount, lines) };
}
