/** mulberry32: a small deterministic PRNG (uniform in [0, 1)), so a generated case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One item drawn with probability proportional to its weight (`total`: the
 * sum of the weights); consumes one number of `rng`.
 */
export function pickWeighted<T extends { readonly weight: number }>(rng: () => number, items: readonly T[], total: number): T {
  let x = rng() * total;
  for (const candidate of items) {
    x -= candidate.weight;
    if (x < 0) return candidate;
  }
  return items[items.length - 1];
}
