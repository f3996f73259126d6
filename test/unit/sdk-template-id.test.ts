import { templateIdOf, templateIdToString } from '../../protocol/template-id';

/** Straightforward BigInt FNV-1a 64 over TextEncoder bytes: the reference the fast version must match. */
function referenceFnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

function randomText(rng: () => number, length: number): string {
  const pools = ['abc {}%\\', 'é ß ü', '日本語', '😀🚀', '\ud800', '\udc00'];
  let s = '';
  for (let i = 0; i < length; i++) {
    const pool = pools[Math.floor(rng() * pools.length)];
    s += pool[Math.floor(rng() * pool.length)];
  }
  return s;
}

function seededRng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

describe('templateIdOf (FNV-1a 64 of UTF-8)', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(templateIdOf('')).toBe(0xcbf29ce484222325n);
    expect(templateIdOf('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(templateIdOf('foobar')).toBe(0x85944171f73967e8n);
  });

  it('equals a BigInt reference over UTF-8 for ASCII, multi-byte, astral and lone-surrogate texts', () => {
    const rng = seededRng(42);
    for (let i = 0; i < 2000; i++) {
      const text = randomText(rng, Math.floor(rng() * 40));
      expect(templateIdOf(text)).toBe(referenceFnv1a64(text));
    }
  });

  it('is stable, unsigned 64-bit, and distinguishes near texts', () => {
    const a = templateIdOf('user {} paid {}');
    expect(templateIdOf('user {} paid {}')).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0n);
    expect(a).toBeLessThan(1n << 64n);
    expect(templateIdOf('user {} paid {} ')).not.toBe(a);
    const ids = new Set<bigint>();
    for (let i = 0; i < 10000; i++) ids.add(templateIdOf(`template number ${i} {}`));
    expect(ids.size).toBe(10000);
  });

  it('renders as an unsigned decimal string', () => {
    expect(templateIdToString(0xffffffffffffffffn)).toBe('18446744073709551615');
    expect(templateIdToString(templateIdOf('a'))).toBe(BigInt('0xaf63dc4c8601ec8c').toString());
  });
});
