/**
 * A mergeable count of distinct strings (client addresses: "unique visitors")
 * in bounded memory: exact up to EXACT_LIMIT distinct values (their 32-bit
 * hashes, so two values colliding count once: about one in 2^32 per pair), then
 * a HyperLogLog sketch of 2^12 one-byte registers (4 KiB, standard error about
 * 1.6 %). Counters of several intervals merge into the count of their union,
 * which sums of per-interval counts cannot give.
 *
 * An estimate never exceeds what is possible: the counter also keeps an upper
 * bound (the exact count when it switched to the sketch, plus every value added
 * since), and an estimate within three standard errors of that bound is taken as
 * the bound (every value added was most likely distinct: "~5378" of at most 5334
 * addresses read as more clients than exist).
 */

export const EXACT_LIMIT = 2048;
/** The exact limit of the few counters a run keeps for its whole span (totals, per day): a small site's visitors stay exact. */
export const TOTALS_EXACT_LIMIT = 16_384;
/** Three standard errors of the sketch (1.04 / sqrt(M)). */
const ERROR_MARGIN = 3 * (1.04 / 64);
/** Up to this many hashes are kept in a plain array (most intervals of a quiet site hold one or two). */
const SMALL_LIMIT = 16;
const P = 12;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

/** FNV-1a over UTF-16 code units, then murmur3's finaliser for well-spread bits. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class DistinctCounter {
  private small: number[] | undefined = [];
  private set: Set<number> | undefined;
  private registers: Uint8Array | undefined;
  /** Sketch mode: at most this many distinct values were added. */
  private bound = 0;

  /** `exactLimit`: distinct values counted exactly before the sketch (a few per run, such as totals, may afford more). */
  constructor(private readonly exactLimit = EXACT_LIMIT) {}

  add(value: string): void {
    this.addHash(hashString(value));
  }

  addHash(h: number): void {
    const small = this.small;
    if (small !== undefined) {
      for (let i = 0; i < small.length; i++) if (small[i] === h) return;
      if (small.length < SMALL_LIMIT) {
        small.push(h);
        return;
      }
      this.set = new Set(small);
      this.small = undefined;
    }
    const set = this.set;
    if (set !== undefined) {
      set.add(h);
      if (set.size > this.exactLimit) this.toSketch();
      return;
    }
    this.bound++;
    this.addToRegisters(h);
  }

  private addToRegisters(h: number): void {
    const r = this.registers!;
    const index = h >>> (32 - P);
    // Rank of the first 1 bit among the remaining 32 - P bits (32 - P + 1 when they are all 0).
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > r[index]) r[index] = rank;
  }

  private toSketch(): void {
    const hashes = this.set ?? new Set(this.small);
    this.registers = new Uint8Array(M);
    this.bound = hashes.size;
    this.small = undefined;
    this.set = undefined;
    for (const h of hashes) this.addToRegisters(h);
  }

  /** Adds every value counted by `other`. */
  merge(other: DistinctCounter): void {
    if (other.registers !== undefined) {
      if (this.registers === undefined) this.toSketch();
      const r = this.registers!;
      const o = other.registers;
      for (let i = 0; i < M; i++) if (o[i] > r[i]) r[i] = o[i];
      this.bound += other.bound;
      return;
    }
    if (other.small !== undefined) for (const h of other.small) this.addHash(h);
    else if (other.set !== undefined) for (const h of other.set) this.addHash(h);
  }

  /** True while the count is exact. */
  get exact(): boolean {
    return this.registers === undefined;
  }

  count(): number {
    if (this.small !== undefined) return this.small.length;
    if (this.set !== undefined) return this.set.size;
    const r = this.registers!;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -r[i];
      if (r[i] === 0) zeros++;
    }
    const raw = (ALPHA * M * M) / sum;
    // Small range: linear counting is the better estimate.
    const estimate = Math.round(raw <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : raw);
    return estimate >= this.bound * (1 - ERROR_MARGIN) ? this.bound : estimate;
  }
}
