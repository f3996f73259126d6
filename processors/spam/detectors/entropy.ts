/**
 * The entropy detector: do a key's recent records repeat the same argument values?
 * Low-entropy repetition is spam; a high-entropy burst of real work is not.
 *
 * Sample: per key, a ring of the last `size` records' argument arrays (references
 * to the batch's argument arrays, never copied: arguments are immutable and stages do not
 * mutate templateArgs) and, for function keys, their template id. Adding a record
 * is one or two array writes: O(1), no allocation. Records arrive in order, so the
 * records of the rate window are the newest `count` samples (count = the window's
 * record count from the rate history): no time is stored per sample.
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

export class ArgumentSample {
  private readonly args: (readonly TemplateArg[])[];
  private readonly templates: bigint[] | undefined;
  private cursor = 0;
  private filled = 0;

  constructor(readonly size: number, withTemplates: boolean) {
    this.args = new Array<readonly TemplateArg[]>(size).fill(EMPTY);
    this.templates = withTemplates ? new Array<bigint>(size).fill(0n) : undefined;
  }

  add(args: readonly TemplateArg[] | undefined, templateId = 0n): void {
    const i = this.cursor;
    this.args[i] = args ?? EMPTY;
    if (this.templates) this.templates[i] = templateId;
    this.cursor = i + 1 === this.size ? 0 : i + 1;
    if (this.filled < this.size) this.filled++;
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
