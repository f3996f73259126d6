/**
 * The global template id: a stable 64-bit hash of a template's text.
 *
 * Contract (shared by every SDK process and every collector, with no
 * coordination): id = FNV-1a 64 over the UTF-8 bytes of the text, as an
 * unsigned 64-bit bigint. Lone surrogates are encoded as U+FFFD, exactly as
 * TextEncoder does, so the bytes are those any UTF-8 encoder produces.
 *
 * Why FNV-1a 64: it is tiny, byte-at-a-time (no block tail handling), well
 * distributed for short texts, and trivially re-implementable in any language
 * (ClickHouse, Go, SQL) should another component need it. The id is computed
 * once per template (callers cache it), so speed beyond "no BigInt in the loop"
 * does not matter; the loop works on two 32-bit halves with exact float math.
 *
 * 0 is a valid hash value in principle (probability 2^-64); it is not special-cased.
 */

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
/** FNV 64-bit prime = 2^40 + 0x1b3. */
const PRIME_LO = 0x1b3;
const TWO_POW_32 = 4294967296;

/** FNV-1a 64 state as two unsigned 32-bit halves. */
class Fnv64 {
  hi = OFFSET_HI;
  lo = OFFSET_LO;

  /** Mixes one byte: h ^= b; h *= prime (mod 2^64). */
  byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    // lo * 0x1b3 < 2^41: exact as a double, so the carry into hi is exact.
    const productLo = lo * PRIME_LO;
    const carry = Math.floor(productLo / TWO_POW_32);
    // h * 2^40 contributes (lo << 8) to the high half (mod 2^32).
    this.hi = (Math.imul(this.hi, PRIME_LO) + carry + (lo << 8)) >>> 0;
    this.lo = productLo >>> 0;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** Stable 64-bit id of a template text (FNV-1a 64 of its UTF-8 bytes), unsigned. */
export function templateIdOf(text: string): bigint {
  const h = new Fnv64();
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h.byte(c);
      continue;
    }
    if (c < 0x800) {
      h.byte(0xc0 | (c >> 6));
      h.byte(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        h.byte(0xf0 | (c >> 18));
        h.byte(0x80 | ((c >> 12) & 0x3f));
        h.byte(0x80 | ((c >> 6) & 0x3f));
        h.byte(0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd; // lone surrogate, as TextEncoder does
    }
    h.byte(0xe0 | (c >> 12));
    h.byte(0x80 | ((c >> 6) & 0x3f));
    h.byte(0x80 | (c & 0x3f));
  }
  return h.value();
}

/** The id as the decimal string used in the `log.record.template.id` attribute. */
export function templateIdToString(id: bigint): string {
  return BigInt.asUintN(64, id).toString(10);
}
