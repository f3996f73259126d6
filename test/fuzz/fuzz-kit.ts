/**
 * Fuzz kit: a seeded PRNG (so every failure reproduces: the seed is printed and
 * LOGFUN_FUZZ_SEED=<seed> replays it), generators of well-formed OTLP requests,
 * and mutators that turn them into bad input: truncation, byte flips, wrong wire
 * types / JSON types, huge length prefixes, deep nesting, invalid UTF-8, lone
 * surrogates, many attributes, huge values.
 */
import { KeyValueList, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { encodeExportRequest, encodeExportRequestJson } from '../../collector/otlp/convert';

/** The run's seed: LOGFUN_FUZZ_SEED when set, else fresh; always printed by the tests. */
export function fuzzSeed(): number {
  const fromEnv = process.env.LOGFUN_FUZZ_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for fuzzing, fully determined by the seed. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  string(max: number): string {
    const n = this.int(max + 1);
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = this.int(20);
      // Mostly ASCII, some multi-byte, some astral (surrogate pairs), some control characters.
      s += r < 14 ? String.fromCharCode(32 + this.int(95)) : r < 17 ? String.fromCharCode(0xa0 + this.int(0x2000)) : r < 19 ? '\u{1F600}' : String.fromCharCode(this.int(32));
    }
    return s;
  }
}

// ---------------------------------------------------------------- valid input

export function randomAnyValue(rng: Rng, depth: number): AnyValue {
  const k = rng.int(depth > 3 ? 6 : 8);
  switch (k) {
    case 0:
      return rng.string(30);
    case 1:
      return rng.chance(0.5);
    case 2:
      return BigInt.asIntN(64, BigInt(rng.int(2 ** 31)) * BigInt(rng.int(2 ** 31)) * (rng.chance(0.5) ? -1n : 1n));
    case 3:
      return rng.pick([0, -0.5, 1e300, Number.NaN, Infinity, -Infinity, rng.next() * 1e6]);
    case 4:
      return new Uint8Array(rng.bytes(rng.int(12)));
    case 5:
      return undefined;
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomAnyValue(rng, depth + 1));
    default:
      return new KeyValueList(randomAttributes(rng, rng.int(4), depth + 1));
  }
}

export function randomAttributes(rng: Rng, n: number, depth = 0): KeyValue[] {
  return Array.from({ length: n }, () => ({ key: rng.string(12), value: randomAnyValue(rng, depth) }));
}

const HEX = '0123456789abcdef';
function hex(rng: Rng, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes * 2; i++) s += HEX[rng.int(16)];
  return s;
}

/** A small well-formed batch (1-3 resources, 1-2 scopes each, 1-4 records each). */
export function randomBatch(rng: Rng): LogBatch {
  const b = new LogBatchBuilder();
  for (let r = 0, nr = 1 + rng.int(2); r < nr; r++) {
    const ri = b.addResource({ attributes: [{ key: 'service.name', value: `svc-${rng.int(5)}` }, ...randomAttributes(rng, rng.int(3))], droppedAttributesCount: rng.int(3), schemaUrl: rng.chance(0.3) ? 'https://opentelemetry.io/schemas/1.26.0' : '' });
    for (let s = 0, ns = 1 + rng.int(2); s < ns; s++) {
      const si = b.addScope({ name: rng.string(10), version: rng.chance(0.5) ? '1.0.0' : '', attributes: randomAttributes(rng, rng.int(2)), droppedAttributesCount: 0, schemaUrl: '' });
      for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
        b.add(ri, si, {
          timeUnixNano: BigInt(1_700_000_000_000_000_000 + rng.int(1e9)),
          observedTimeUnixNano: rng.chance(0.5) ? BigInt(1_700_000_000_000_000_000 + rng.int(1e9)) : 0n,
          severityNumber: rng.int(25),
          severityText: rng.pick(['', 'INFO', 'WARN', 'ERROR']),
          body: rng.chance(0.7) ? rng.string(60) : randomAnyValue(rng, 0),
          attributes: randomAttributes(rng, rng.int(6)),
          droppedAttributesCount: rng.int(2),
          flags: rng.chance(0.5) ? 1 : 0,
          traceId: rng.chance(0.5) ? hex(rng, 16) : '',
          spanId: rng.chance(0.5) ? hex(rng, 8) : '',
          eventName: rng.chance(0.2) ? 'ev' : '',
        });
      }
    }
  }
  return b.batch;
}

export function randomProtobufRequest(rng: Rng): Buffer {
  return Buffer.from(encodeExportRequest(randomBatch(rng)));
}

export function randomJsonRequest(rng: Rng): string {
  return encodeExportRequestJson(randomBatch(rng));
}

// ---------------------------------------------------------------- protobuf wire helpers

export function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  if (v < 0n) v = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

export function lenField(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

/** request{resource_logs{scope_logs{log_records{...record fields}}}} */
export function wrapRecord(recordFields: Buffer): Buffer {
  return lenField(1, lenField(2, lenField(2, recordFields)));
}

/** Builds once per argument: the big inputs are costly to make and are reused many times. */
function memoize<A, R>(make: (a: A) => R): (a: A) => R {
  const cache = new Map<A, R>();
  return (a) => {
    let r = cache.get(a);
    if (r === undefined) cache.set(a, (r = make(a)));
    return r;
  };
}

/** An AnyValue nested `depth` array levels deep around a string leaf. */
export const deepAnyValue = memoize((depth: number): Buffer => {
  const inner: Buffer[] = [];
  // Built inside out with lengths computed up front: concatenating level by level is quadratic.
  let v = lenField(1, Buffer.from('leaf'));
  // array_value{values{...}} per level: prefixes from the innermost out, then one concat.
  let size = v.length;
  for (let i = 0; i < depth; i++) {
    const values = Buffer.concat([varint((1 << 3) | 2), varint(size)]);
    size += values.length;
    const array = Buffer.concat([varint((5 << 3) | 2), varint(size)]);
    size += array.length;
    inner.push(values, array); // reversed below into array, values
  }
  inner.reverse();
  inner.push(v);
  v = Buffer.concat(inner);
  return v;
});

/** A record with `n` attributes. */
export const manyAttributesRecord = memoize((n: number): Buffer => {
  const parts: Buffer[] = [lenField(5, lenField(1, Buffer.from('body')))];
  for (let i = 0; i < n; i++) parts.push(lenField(6, Buffer.concat([lenField(1, Buffer.from(`k${i}`)), lenField(2, lenField(1, Buffer.from('v')))])));
  return wrapRecord(Buffer.concat(parts));
});

const deepRecord = memoize((depth: number): Buffer => wrapRecord(lenField(5, deepAnyValue(depth))));

// ---------------------------------------------------------------- protobuf mutators

const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xe2, 0x28, 0xa1])];

export type ProtobufMutation =
  | 'truncate'
  | 'flip'
  | 'insert'
  | 'delete'
  | 'wire_type'
  | 'huge_length'
  | 'long_varint'
  | 'duplicate'
  | 'splice_deep'
  | 'invalid_utf8'
  | 'many_attributes'
  | 'long_value'
  | 'random';

export const PROTOBUF_MUTATIONS: readonly ProtobufMutation[] = [
  'truncate',
  'flip',
  'insert',
  'delete',
  'wire_type',
  'huge_length',
  'long_varint',
  'duplicate',
  'splice_deep',
  'invalid_utf8',
  'many_attributes',
  'long_value',
  'random',
];

/** A record with a 100 KB string attribute value. */
const longValueRecord = memoize((n: number): Buffer => wrapRecord(lenField(6, Buffer.concat([lenField(1, Buffer.from('long')), lenField(2, lenField(1, Buffer.alloc(n, 0x61)))]))));
const longValueJson = memoize((n: number): string => jsonWithRecord(`{"attributes":[{"key":"long","value":{"stringValue":"${'b'.repeat(n)}"}}]}`));

/** One mutated protobuf body and which mutation made it. */
export function mutateProtobuf(rng: Rng, good: Buffer, mutation: ProtobufMutation = rng.pick(PROTOBUF_MUTATIONS)): Buffer {
  const at = (n = good.length) => rng.int(Math.max(1, n));
  switch (mutation) {
    case 'truncate':
      return good.subarray(0, at());
    case 'flip': {
      const b = Buffer.from(good);
      for (let k = 0, n = 1 + rng.int(4); k < n && b.length > 0; k++) b[at(b.length)] ^= 1 << rng.int(8);
      return b;
    }
    case 'insert': {
      const p = at();
      return Buffer.concat([good.subarray(0, p), rng.bytes(1 + rng.int(8)), good.subarray(p)]);
    }
    case 'delete': {
      const p = at();
      return Buffer.concat([good.subarray(0, p), good.subarray(p + 1 + rng.int(8))]);
    }
    case 'wire_type': {
      // Tags are small bytes: rewrite the low 3 bits of a random byte that looks like one.
      const b = Buffer.from(good);
      const p = at(b.length);
      if (b.length > 0) b[p] = (b[p] & ~7) | rng.int(8);
      return b;
    }
    case 'huge_length': {
      const p = at();
      const len = rng.pick([0xffffffff, 0x7fffffff, 2 ** 40, good.length * 1000, 1 << 28]);
      return Buffer.concat([good.subarray(0, p), varint((rng.int(16) << 3) | 2), varint(len), good.subarray(p)]);
    }
    case 'long_varint': {
      const p = at();
      return Buffer.concat([good.subarray(0, p), Buffer.alloc(1 + rng.int(14), 0xff), good.subarray(p)]);
    }
    case 'duplicate': {
      const p = at();
      const q = p + rng.int(good.length - p + 1);
      return Buffer.concat([good.subarray(0, q), good.subarray(p, q), good.subarray(q)]);
    }
    case 'splice_deep': {
      const depth = rng.pick([10, 31, 32, 33, 34, 64, 200, 3000]);
      return Buffer.concat([good, deepRecord(depth)]);
    }
    case 'invalid_utf8': {
      const bad = rng.pick(INVALID_UTF8);
      const s = Buffer.concat([Buffer.from('ok '), bad, Buffer.from(' ok')]);
      const field = rng.pick([
        () => lenField(3, s), // severity_text
        () => lenField(5, lenField(1, s)), // body string_value
        () => lenField(6, Buffer.concat([lenField(1, s), lenField(2, lenField(1, s))])), // attribute key and value
      ])();
      return Buffer.concat([good, wrapRecord(field)]);
    }
    case 'many_attributes':
      return Buffer.concat([good, manyAttributesRecord(rng.pick([999, 1000, 1001, 10_000]))]);
    case 'long_value':
      return Buffer.concat([good, longValueRecord(100_000)]);
    case 'random':
      return rng.bytes(rng.int(200));
  }
}

// ---------------------------------------------------------------- JSON mutators

export type JsonMutation = 'truncate' | 'char' | 'wrong_type' | 'deep' | 'lone_surrogate' | 'huge_number' | 'many_attributes' | 'long_value' | 'random';

export const JSON_MUTATIONS: readonly JsonMutation[] = ['truncate', 'char', 'wrong_type', 'deep', 'lone_surrogate', 'huge_number', 'many_attributes', 'long_value', 'random'];

const JSON_REPLACEMENTS: readonly (() => unknown)[] = [
  () => null,
  () => true,
  () => 0,
  () => -1,
  () => 1.5,
  () => 1e300,
  () => 12345678901234567890,
  () => '',
  () => 'x',
  () => '-9223372036854775809',
  () => '18446744073709551616',
  () => 'NaN',
  () => '@@not-base64@@',
  () => [],
  () => [1, 'a', null],
  () => ({}),
  () => ({ stringValue: 'a', intValue: '1' }),
  () => ({ arrayValue: { values: 'nope' } }),
  () => ({ kvlistValue: { values: [{ key: 1 }] } }),
];

/** Replaces one random node of the parsed document with a value of another type. */
function replaceRandomNode(rng: Rng, doc: unknown): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (nodes.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) nodes.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(doc);
  if (nodes.length === 0) return rng.pick(JSON_REPLACEMENTS)();
  const { parent, key } = rng.pick(nodes);
  (parent as Record<string | number, unknown>)[key] = rng.pick(JSON_REPLACEMENTS)();
  return doc;
}

/** Arrays and kvlists alternating, `depth` levels around a string leaf. */
const deepJsonRecord = memoize((depth: number): string => {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    if (i % 3 !== 0) open.push('{"arrayValue":{"values":['), close.push(']}}');
    else open.push('{"kvlistValue":{"values":[{"key":"k","value":'), close.push('}]}}');
  }
  return jsonWithRecord(`{"body":${open.join('')}{"stringValue":"leaf"}${close.reverse().join('')}}`);
});

export function jsonWithRecord(recordJson: string): string {
  return `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"fuzz"}}]},"scopeLogs":[{"logRecords":[${recordJson}]}]}]}`;
}

export const manyAttributesJson = memoize((n: number): string => {
  const attrs: string[] = [];
  for (let i = 0; i < n; i++) attrs.push(`{"key":"k${i}","value":{"stringValue":"v"}}`);
  return jsonWithRecord(`{"body":{"stringValue":"many"},"attributes":[${attrs.join(',')}]}`);
});

export function mutateJson(rng: Rng, good: string, mutation: JsonMutation = rng.pick(JSON_MUTATIONS)): string {
  switch (mutation) {
    case 'truncate':
      return good.slice(0, rng.int(good.length));
    case 'char': {
      const p = rng.int(good.length);
      return good.slice(0, p) + rng.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'x', '9', ' ', '\\u']) + good.slice(p + rng.int(3));
    }
    case 'wrong_type':
      return JSON.stringify(replaceRandomNode(rng, JSON.parse(good)));
    case 'deep':
      return deepJsonRecord(rng.pick([10, 31, 32, 33, 100, 600, 5000]));
    case 'lone_surrogate':
      return jsonWithRecord(`{"body":{"stringValue":"a\\ud800b"},"attributes":[{"key":"\\udc00","value":{"stringValue":"x\\ud83d"}}]}`);
    case 'huge_number':
      return jsonWithRecord(
        `{"timeUnixNano":${rng.pick(['18446744073709551616', '1e400', '-1', '9007199254740993', '1.5', '"0x10"'])},"body":{"intValue":${rng.pick(['9223372036854775807', '9223372036854775808', '-9223372036854775808', '1e19', '123456789012345678901234567890'])}}}`,
      );
    case 'many_attributes':
      return manyAttributesJson(rng.pick([1000, 1001, 10_000]));
    case 'long_value':
      return longValueJson(100_000);
    case 'random': {
      const n = rng.int(80);
      let s = '';
      for (let i = 0; i < n; i++) s += rng.pick(['{', '}', '[', ']', '"a"', ':', ',', '1', 'null', 'true', '"resourceLogs"', ' ']);
      return s;
    }
  }
}
