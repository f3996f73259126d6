/**
 * Character-bigram models of a service's own words, for telling a program's
 * closed set of words (link up/down, mode read/write, moved to
 * foreground/background) from a small set of names (pool toglezal/tokragloul,
 * user alice/bob) when a position has taken only two values.
 *
 * No word list: the miner learns two models from the service it mines — the
 * constant words of its live templates (the program's own vocabulary) and the
 * words it has seen as values of variables (its names). A word is scored by
 * which of the two spells it more likely. Program text in one service is
 * written in one natural language; names of one service share their own
 * style (invented, generated, abbreviated), so the spelling of a word says
 * which side it is on even when the exact word was never seen.
 *
 * Counts are over distinct words (types), letters only, lower-cased; every
 * other character is a word boundary (com.acme.app is three runs).
 */

/** 26 letters and one boundary class. */
const CLASSES = 27;
const BIGRAMS = CLASSES * CLASSES;
/** Add-alpha smoothing of the bigram probabilities. */
const ALPHA = 0.5;

function classOf(c: number): number {
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 65 && c <= 90) return c - 64;
  return 0;
}

/** Calls `visit(bigram index)` for each bigram of `w` (boundaries included, runs of non-letters collapsed). */
function forEachBigram(w: string, visit: (bigram: number) => void): void {
  let prev = 0;
  for (let i = 0; i < w.length; i++) {
    const c = classOf(w.charCodeAt(i));
    if (c === 0 && prev === 0) continue;
    visit(prev * CLASSES + c);
    prev = c;
  }
  if (prev !== 0) visit(prev * CLASSES);
}

/** Bigram counts of a multiset of words (add with +1, remove with -1). */
export class BigramModel {
  private readonly counts = new Float64Array(BIGRAMS);
  private readonly fromClass = new Float64Array(CLASSES);
  /** Words in the model (added minus removed). */
  words = 0;

  update(w: string, delta: 1 | -1): void {
    this.words += delta;
    forEachBigram(w, (b) => {
      this.counts[b] += delta;
      this.fromClass[Math.floor(b / CLASSES)] += delta;
    });
  }

  /**
   * Log-probability of `w`'s bigrams, each conditioned on its first character
   * (smoothed); `without` words are taken out of the counts first (a word
   * must not vouch for itself).
   */
  logProbability(w: string, without: readonly string[] = []): number {
    for (const x of without) this.update(x, -1);
    let sum = 0;
    forEachBigram(w, (b) => {
      const from = Math.floor(b / CLASSES);
      sum += Math.log((Math.max(0, this.counts[b]) + ALPHA) / (Math.max(0, this.fromClass[from]) + ALPHA * CLASSES));
    });
    for (const x of without) this.update(x, 1);
    return sum;
  }
}

/**
 * Log-likelihood ratio of `w` under the program's-words model against the
 * names model: > 0 when it is spelled more like the program's constants.
 * `without`: words to leave out of the constants model (the candidates
 * themselves, which are still constants of their templates).
 */
export function programWordScore(w: string, constants: BigramModel, values: BigramModel, without: readonly string[]): number {
  return constants.logProbability(w, without) - values.logProbability(w);
}
