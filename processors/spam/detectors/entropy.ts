/**
 * The entropy detector: do a key's recent records repeat the same argument values?
 * Low-entropy repetition is spam; a high-entropy burst of real work is not.
 *
 * Sample: per key, a ring of the last `size` records' argument arrays and, for
 * function keys, their template id. Records arrive in order, so the records of the
 * rate window are the newest `count` samples (count = the window's record count from
 * the rate history): no time is stored per sample.
 *
 * Memory: a sample outlives its batch, so what it keeps is bounded by itself, not by
 * what a client sends (sampledArgs): at most `maxPositions` arguments a record (the
 * score reads no more), each a string of at most MAX_SAMPLED_ARG_LENGTH characters
 * that holds nothing else alive. A longer argument is kept as a digest of its text
 * (equal texts, equal digests: the entropy is the same up to hash collisions); a
 * string that may be a slice of a larger one (a mined argument is a slice of its
 * body, which V8 keeps whole) is copied. Before this, 64 sampled records of 60 KB
 * arguments kept 3.75 MB alive per key, and a key per code.function let one client
 * grow the collector without bound. The common record (a few short arguments) is
 * kept by reference: O(1), no allocation.
 *
 * Score (computed only when a key is a candidate, over the newest `count` sampled
 * records — those of the rate window — oldest first):
 *   - per argument position p (up to maxPositions): the Shannon entropy H_p of the
 *     values at p, normalised by log2(n) (n samples) to [0, 1]: 0 = one value
 *     repeated, 1 = every value different. A missing argument is a value of its own.
 *   - numeric positions (every sampled value parses as a finite number): also the
 *     normalised entropy of consecutive differences, and the lower of the two is
 *     kept — a loop counter or a clock varies without carrying information, its
 *     differences repeat. Except numbers that differ on every sampled record: they
 *     are identifiers ("order 1001, 1002, 1003 confirmed": an auto-increment id is
 *     information), unless every other argument position of the record is constant
 *     ("retry 17, 18, 19 of db-1": a counter beside a fixed subject), or the caller
 *     says the volume is beyond what identifiers can explain (`idsTrusted` false:
 *     the balancer's judgement of the key's rate against its service's other lines).
 *     Within that volume a lone incrementing argument ("order {} confirmed") reads
 *     as an id, not as repetition.
 *   - function keys: when the sampled records come from several templates, a value
 *     at position p is the pair (template id, argument) — a function cycling through
 *     the same few messages repeats, one doing real work in many messages does not;
 *     when they all come from one template, exactly as for that template's key (so a
 *     function key never judges a template's records differently from its own key).
 *   - the score is the weighted power mean over positions,
 *       (Σ w_p·Ĥ_p^q / Σ w_p)^(1/q),  w_p = positionWeights[p] (the last weight for
 *     positions past the list), q = meanExponent (default 4). q = 1 is the plain
 *     weighted mean; a larger q lets one position that differs on every record (an
 *     order id, a path among many) show that the records are about different things,
 *     where a plain mean would let constant positions (method, status, level)
 *     outvote it. Measured on the cases in test/unit/spam-detectors.test.ts: an
 *     access-log burst over 20 paths scores about 0.39 as a mean but 0.64 with q = 4; an
 *     error loop with a constant host and a duration jittering over 10 values scores
 *     about 0.44 with q = 4 (still repetition). Known limit: a constant subject with a
 *     measurement varying widely on every record scores high (not repetition by
 *     this measure); the zscore strategy catches such bursts by rate alone.
 *   - a record with no arguments carries nothing: a key whose records have no
 *     argument scores 0 (a function's only position is then its template id).
 * Pure: the caller passes how many of the newest samples to use.
 */

import { argText, type TemplateArg } from '../../../collector/pipeline/batch';
import { MIN_SLICE_LENGTH, ownCopy } from '../../../collector/pipeline/own-string';

export interface EntropyParams {
  maxPositions: number;
  positionWeights: readonly number[];
  /** q of the weighted power mean (>= 1). */
  meanExponent: number;
  numericDeltas: boolean;
}

export interface EntropyScore {
  /** Weighted normalised entropy in [0, 1]. */
  entropy: number;
  /** Records the score is based on. */
  samples: number;
  /** Per position normalised entropy, for reasons and tests. */
  positions: number[];
}

const EMPTY: readonly TemplateArg[] = [];
const MISSING = '\u0000missing';

/**
 * Longest argument text a sample keeps as it is; longer ones are kept as a digest.
 * 32: toNumber reads no longer text as a number, so a digest never hides a number.
 */
export const MAX_SAMPLED_ARG_LENGTH = 32;

/** Whether a sample can keep the record's own array: few enough arguments, none that may hold more than itself. */
function keepsAsIs(args: readonly TemplateArg[], maxPositions: number): boolean {
  if (args.length > maxPositions) return false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'string' && a.length >= MIN_SLICE_LENGTH) return false;
  }
  return true;
}

/**
 * A short stand-in for a long text: equal texts give equal stand-ins, different ones
 * (64-bit hash) practically never; never read as a number (nor equal to MISSING). One flat
 * string of 7 characters (a template literal of numbers would be a tree of several strings).
 */
export function argumentDigest(s: string): string {
  // cyrb53's two 32-bit multiplicative hashes, both kept.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // 15-bit pieces from U+4000 up: no surrogate halves.
  return String.fromCharCode(
    0,
    35,
    0x4000 + (h1 & 0x7fff),
    0x4000 + ((h1 >>> 15) & 0x7fff),
    0x4000 + (h2 & 0x7fff),
    0x4000 + ((h2 >>> 15) & 0x7fff),
    0x4000 + ((h1 >>> 30) << 2) + (h2 >>> 30),
  );
}

/** How many of the first `n` arguments are longer than MAX_SAMPLED_ARG_LENGTH (kept as a digest). */
function countLong(n: number, args: readonly TemplateArg[]): number {
  let long = 0;
  for (let k = 0; k < n; k++) {
    const a = args[k];
    if (typeof a === 'string' && a.length > MAX_SAMPLED_ARG_LENGTH) long++;
  }
  return long;
}

/** One argument as a sample keeps it (see the module comment). */
function sampledArg(a: TemplateArg): TemplateArg {
  if (typeof a !== 'string' || a.length < MIN_SLICE_LENGTH) return a;
  return a.length <= MAX_SAMPLED_ARG_LENGTH ? ownCopy(a) : argumentDigest(a);
}

/**
 * The last arguments sampledArgs made, by their input: a record's template key and its
 * function key sample the same array one after the other, and a digest reads the
 * whole text. Holds one record's arguments at most.
 */
let lastSampled: { input: readonly TemplateArg[]; maxPositions: number; output: readonly TemplateArg[] } | undefined;

/** What a sample keeps of a record's arguments that keepsAsIs refused: a new, bounded array (shared by the keys sampling the same record). */
function sampledArgs(args: readonly TemplateArg[], maxPositions: number): readonly TemplateArg[] {
  if (lastSampled !== undefined && lastSampled.input === args && lastSampled.maxPositions === maxPositions) return lastSampled.output;
  const n = Math.min(args.length, maxPositions);
  const output = new Array<TemplateArg>(n);
  for (let k = 0; k < n; k++) output[k] = sampledArg(args[k]);
  lastSampled = { input: args, maxPositions, output };
  return output;
}

/** Records' template arguments by record index (a batch's templateArgs column). */
export type ArgsColumn = readonly (readonly TemplateArg[] | undefined)[];

/** How many of a record's arguments add() keeps as a digest (what it returns). */
function digestedArgs(args: readonly TemplateArg[] | undefined, maxPositions: number): number {
  if (args === undefined || keepsAsIs(args, maxPositions)) return 0;
  return countLong(Math.min(args.length, maxPositions), args);
}

export class ArgumentSample {
  private readonly args: (readonly TemplateArg[])[];
  private readonly templates: bigint[] | undefined;
  private cursor = 0;
  private filled = 0;

  /** `maxPositions`: arguments of a record the score reads (entropy.max_positions); no more are kept. */
  constructor(
    readonly size: number,
    withTemplates: boolean,
    private readonly maxPositions = Infinity,
  ) {
    this.args = new Array<readonly TemplateArg[]>(size).fill(EMPTY);
    this.templates = withTemplates ? new Array<bigint>(size).fill(0n) : undefined;
  }

  /** Samples a record; returns how many of its arguments were kept as a digest (longer than MAX_SAMPLED_ARG_LENGTH). */
  add(args: readonly TemplateArg[] | undefined, templateId = 0n): number {
    const i = this.cursor;
    let digested = 0;
    if (args === undefined) this.args[i] = EMPTY;
    else if (keepsAsIs(args, this.maxPositions)) this.args[i] = args;
    else {
      const kept = sampledArgs(args, this.maxPositions);
      this.args[i] = kept;
      digested = countLong(kept.length, args);
    }
    if (this.templates) this.templates[i] = templateId;
    this.cursor = i + 1 === this.size ? 0 : i + 1;
    if (this.filled < this.size) this.filled++;
    return digested;
  }

  /**
   * add() for the records from..to-1 of `args` (arguments by record index), in order: only
   * the last `size` are kept, so the ones before them are only counted, not sampled (the
   * last `size` overwrite the whole ring, so where the cursor stood does not matter).
   * Returns how many arguments add() would have digested.
   */
  addRun(args: ArgsColumn, from: number, to: number, templateId = 0n): number {
    let digested = 0;
    const kept = Math.max(from, to - this.size);
    for (let r = from; r < kept; r++) digested += digestedArgs(args[r], this.maxPositions);
    for (let r = kept; r < to; r++) digested += this.add(args[r], templateId);
    return digested;
  }

  get length(): number {
    return this.filled;
  }

  /** Indexes of the newest `count` samples (whose template is not excluded), oldest first. */
  private window(count: number, exclude?: (templateId: bigint) => boolean): number[] {
    const out: number[] = [];
    const take = Math.min(Math.max(0, Math.floor(count)), this.filled);
    for (let k = take; k >= 1; k--) {
      const i = (this.cursor - k + this.size) % this.size;
      if (exclude && this.templates && exclude(this.templates[i])) continue;
      out.push(i);
    }
    return out;
  }

  /** The score over the newest `count` samples (see the module comment). */
  score(count: number, p: EntropyParams, exclude?: (templateId: bigint) => boolean, idsTrusted = true): EntropyScore {
    const idx = this.window(count, exclude);
    const n = idx.length;
    const positions: number[] = [];
    if (n < 2) return { entropy: 0, samples: n, positions };
    // Several templates in a function's sample: values are (template, argument) pairs.
    let prefixes: string[] | undefined;
    const tpl = this.templates;
    if (tpl) {
      const first = tpl[idx[0]];
      if (idx.some((i) => tpl[i] !== first)) prefixes = idx.map((i) => tpl[i].toString() + '\u0001');
    }
    let arity = 0;
    for (const i of idx) if (this.args[i].length > arity) arity = this.args[i].length;
    arity = Math.min(arity, p.maxPositions);
    if (arity === 0 && prefixes) arity = 1;
    let weighted = 0;
    let weights = 0;
    const values: string[] = new Array<string>(n);
    // Per position: the entropy of the values, and of their differences when all are numbers.
    const deltas: (number | undefined)[] = [];
    for (let pos = 0; pos < arity; pos++) {
      for (let k = 0; k < n; k++) {
        const a = this.args[idx[k]];
        const v = pos < a.length ? argText(a[pos]) : MISSING; // an integer argument counts as its text
        values[k] = prefixes ? prefixes[k] + v : v;
      }
      const h = normalizedEntropy(values);
      positions.push(h);
      deltas.push(p.numericDeltas && h > 0 && !prefixes ? deltaEntropy(values) : undefined);
    }
    for (let pos = 0; pos < arity; pos++) {
      let h = positions[pos];
      const d = deltas[pos];
      // Numbers that differ on every record are identifiers (information), even when they
      // increment; they count as a loop counter only beside a subject that never changes,
      // or when the caller does not trust them as identifiers at this volume.
      if (d !== undefined && d < h && !(idsTrusted && h >= DISTINCT && !othersConstant(positions, pos))) h = d;
      positions[pos] = h;
      const w = p.positionWeights.length === 0 ? 1 : p.positionWeights[Math.min(pos, p.positionWeights.length - 1)];
      weighted += w * Math.pow(h, p.meanExponent);
      weights += w;
    }
    return { entropy: weights > 0 ? Math.min(1, Math.pow(weighted / weights, 1 / p.meanExponent)) : 0, samples: n, positions };
  }
}

/** Normalised value entropy at or above which every sampled value differs (1 up to rounding). */
const DISTINCT = 1 - 1e-9;

/** Whether the record has other argument positions and every one of them is constant in the sample. */
function othersConstant(valueEntropy: readonly number[], pos: number): boolean {
  if (valueEntropy.length < 2) return false;
  for (let i = 0; i < valueEntropy.length; i++) if (i !== pos && valueEntropy[i] > 0) return false;
  return true;
}

/** Shannon entropy of the values' distribution divided by log2(count): [0, 1]. */
export function normalizedEntropy<T>(values: readonly T[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 1) return 0;
  let h = 0;
  for (const c of counts.values()) {
    const q = c / n;
    h -= q * Math.log2(q);
  }
  return Math.min(1, h / Math.log2(n));
}

/** Normalised entropy of consecutive differences when every value is a finite number; undefined otherwise. */
export function deltaEntropy(values: readonly string[]): number | undefined {
  const n = values.length;
  if (n < 3) return undefined;
  const deltas: number[] = new Array<number>(n - 1);
  let prev = toNumber(values[0]);
  if (prev === undefined) return undefined;
  for (let k = 1; k < n; k++) {
    const v = toNumber(values[k]);
    if (v === undefined) return undefined;
    deltas[k - 1] = v - prev;
    prev = v;
  }
  return normalizedEntropy(deltas);
}

function toNumber(s: string): number | undefined {
  if (s.length === 0 || s.length > 32) return undefined;
  const c = s.charCodeAt(0);
  // Cheap reject before Number(): numbers start with a digit, a sign or a dot.
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}
