/**
 * Pieces, values and vocabulary pools of the blind invented-system generators
 * (bench/unseen-systems-v12.ts, -v13.ts): a line is written as a tagged
 * template `L` whose interpolated Pieces are variables, and every kind of
 * entity (hosts, users, queue names…) has its own pool drawn from a stream of
 * the system's seed and the kind alone. Each generator keeps its own letter
 * table (Syllables) so its systems stay as they were drawn.
 */
import { prng } from '../test/kit/prng';
import type { FamilyEvents, Piece, Syllables } from './synthetic-draw';
import { hexDigits, int, inventSystem, pad, pick, pronounceableWord } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

export type Rng = () => number;
/** Draws one value of a kind of entity. */
export type Draw = (q: Rng) => string;

// ---------------------------------------------------------------------------
// Pieces and values

/** A variable the program printed. */
export const V = (x: string | number): Piece => ({ text: String(x), variable: true });

/**
 * A line as a tagged template: the literal text is constant, an interpolated
 * Piece is what it says, an interpolated string is constant text chosen by
 * the event (the member of a closed set); an array of pieces is spliced in.
 */
export function L(strings: TemplateStringsArray, ...values: Array<Piece | readonly Piece[] | string>): Piece[] {
  const pieces: Piece[] = [];
  strings.forEach((text, k) => {
    if (text !== '') pieces.push({ text, variable: false });
    if (k < values.length) {
      const v = values[k];
      if (typeof v === 'string') pieces.push({ text: v, variable: false });
      else if (Array.isArray(v)) pieces.push(...(v as readonly Piece[]));
      else pieces.push(v as Piece);
    }
  });
  return pieces;
}

/** A whole number in [lo, hi] as a variable. */
export const N = (q: Rng, lo: number, hi: number): Piece => V(int(q, lo, hi));
/** A decimal number with `d` digits after the point, as a string. */
export const dec = (q: Rng, lo: number, hi: number, d: number): string => (lo + q() * (hi - lo)).toFixed(d);
export const uuid = (q: Rng): string => `${hexDigits(q, 8)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 12)}`;
export const ipv4 = (q: Rng): string => `${pick(q, [10, 10, 172, 192])}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
export const port = (q: Rng): Piece => N(q, 1024, 65535);
export const pid = (q: Rng): Piece => N(q, 100, 32767);
export const bool = (q: Rng): Piece => V(q() < 0.5 ? 'true' : 'false');
export const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
export const chance = (q: Rng, p: number): boolean => q() < p;

/** `lo`..`hi` distinct values of `draw` (fewer when the pool has fewer), joined by `sep`. */
export function list(q: Rng, draw: Draw, lo: number, hi: number, sep: string): string {
  const want = int(q, lo, hi);
  const seen = new Set<string>();
  for (let tries = 0; seen.size < want && tries < want * 4; tries++) seen.add(draw(q));
  return [...seen].join(sep);
}

/** A size as a humaniser prints it: the unit changes with the size (one value with its unit). */
export function humanSize(q: Rng): string {
  const bytes = Math.floor(Math.pow(10, 2 + q() * 7));
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

// ---------------------------------------------------------------------------
// Vocabulary: one pool per kind of entity, made from its own seeded stream


/** A string's small hash, to give each kind of entity its own stream. */
function kindHash(kind: string): number {
  let h = 2166136261;
  for (const ch of kind) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * The pools of one system. `pool(kind, make)`: the values of that kind, made
 * on first use from a stream of the system's seed and the kind alone (so the
 * pools do not depend on the order events are built or drawn): a third of the
 * pools hold 1..3 values, the others 4..200 (`sizes` narrows that for kinds
 * with few real values); a value is drawn with a skew towards the first ones.
 */
export type Pools = (kind: string, make: Draw, sizes?: readonly [number, number]) => Draw;

export function poolsOf(seed: number): Pools {
  const made = new Map<string, string[]>();
  return (kind, make, sizes) => {
    let values = made.get(kind);
    if (values === undefined) {
      const s = prng((seed * 2654435761 + kindHash(kind)) >>> 0);
      const [lo, hi] = sizes ?? (s() < 1 / 3 ? [1, 3] : [4, 200]);
      const want = int(s, lo, hi);
      const distinct = new Set<string>();
      for (let tries = 0; distinct.size < want && tries < want * 6; tries++) distinct.add(make(s));
      values = [...distinct];
      made.set(kind, values);
    }
    const vs = values;
    return (q) => vs[Math.floor(Math.pow(q(), 1.6) * vs.length)];
  };
}

/** Entities several families name (the same pool wherever they appear). */
export interface Vocabulary {
  readonly pools: Pools;
  readonly word: Draw;
  readonly host: Draw;
  readonly user: Draw;
  readonly ip: Draw;
}

export function vocabularyOf(seed: number, syllables: Syllables): Vocabulary {
  const pools = poolsOf(seed);
  const w = (s: Rng): string => pronounceableWord(s, syllables, int(s, 1, 2));
  return {
    pools,
    word: pools('word', w, [30, 200]),
    host: pools('host', (s) => (chance(s, 0.5) ? `${w(s)}${int(s, 1, 64)}` : `${w(s)}-${pad(int(s, 1, 99), 2)}`)),
    user: pools('user', w),
    ip: pools('ip', ipv4),
  };
}

// ---------------------------------------------------------------------------
// Systems

/** What a blind generator is made of: its families, letter table and system stream. */
export interface BlindGenerator {
  /** The start of its sample names (`v13` names samples `v13-<seed>:<family>+…`). */
  readonly label: string;
  readonly families: Readonly<Record<string, (v: Vocabulary) => FamilyEvents>>;
  readonly syllables: Syllables;
  /** Offset of the system stream (`prng(seed * 7877 + offset)`), fixed per generator before any miner run. */
  readonly streamOffset: number;
  /** A system has at least this many events (more families are added until it does). */
  readonly minEvents: number;
}

/**
 * One invented system of `lines` lines: the vocabulary of the seed, then one
 * to three families (more while fewer than `minEvents` events), about 75% of
 * each family's plain shapes and of its closed sets after the first, Zipf
 * weights, the lines (inventSystem), all from the generator's system stream.
 */
export function blindSystem(g: BlindGenerator, seed: number, lines: number): SyntheticSampleV2 {
  const r = prng((seed * 7877 + g.streamOffset) >>> 0);
  const v = vocabularyOf(seed, g.syllables);
  const names = Object.keys(g.families);
  const drawn = inventSystem(r, `${g.label}-${seed}`, names, (name) => g.families[name](v), { minEvents: g.minEvents, keepPlain: 0.75, keepClosed: (k) => (k === 0 ? 1 : 0.75) }, lines);
  return { name: drawn.name, content: drawn.content, truth: drawn.truth, closedSets: drawn.closedSets };
}
