/**
 * A JSON parser that keeps numbers as their source text (JsonNumber), so that
 * int64 values written as JSON numbers beyond 2^53 survive exactly.
 *
 * JSON.parse is much faster and exact for everything else, so the OTLP/JSON
 * decoder uses this parser only as a fallback when JSON.parse produced an
 * integer it could not represent exactly.
 */
export class JsonNumber {
  constructor(readonly raw: string) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 512;

export function parseJsonLossless(text: string): unknown {
  let pos = 0;

  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos}`);
  };
  const skipWhitespace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const parseString = (): string => {
    // pos is at the opening quote
    const start = pos;
    pos++;
    let escaped = false;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        const slice = text.slice(start, pos);
        // JSON.parse validates escapes and rejects raw control characters.
        return escaped ? (JSON.parse(slice) as string) : controlFree(slice, start);
      }
      if (c === 0x5c) {
        escaped = true;
        pos += 2;
      } else pos++;
    }
    return fail('unterminated string');
  };
  const controlFree = (slice: string, start: number): string => {
    for (let i = 0; i < slice.length; i++) {
      if (slice.charCodeAt(i) < 0x20) {
        pos = start + i;
        fail('control character in string');
      }
    }
    return slice.slice(1, -1);
  };
  const parseValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skipWhitespace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      skipWhitespace();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipWhitespace();
        if (text[pos] !== '"') fail('expected a string key');
        const key = parseString();
        skipWhitespace();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        // defineProperty: a "__proto__" key must become data, not a prototype.
        Object.defineProperty(obj, key, { value: parseValue(depth + 1), enumerable: true, writable: true, configurable: true });
        skipWhitespace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const arr: unknown[] = [];
      skipWhitespace();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipWhitespace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return new JsonNumber(m[0]);
    }
    return fail('unexpected character');
  };

  const value = parseValue(0);
  skipWhitespace();
  if (pos !== text.length) fail('unexpected data after the JSON value');
  return value;
}
