/**
 * Bad input, in process: well over 100k mutated OTLP protobuf and OTLP/JSON
 * bodies through the receivers' decoders. Every input must either decode into a
 * batch that respects the limits, or fail with PermanentError — never a
 * TypeError / RangeError / stack overflow, never a hang, with memory bounded.
 * Plus the exact semantics of each limit (collector/otlp/limits.ts).
 *
 * The seed is printed; LOGFUN_FUZZ_SEED=<seed> replays a run. LOGFUN_FUZZ_SCALE
 * multiplies the input counts (e.g. 10 for a long local run).
 */
import { decodeExportRequest, decodeExportRequestJson } from '../../collector/otlp/convert';
import { DEFAULT_DECODE_LIMITS, newDecodeStats, type DecodeLimits, type DecodeStats } from '../../collector/otlp/limits';
import { KeyValueList, type AnyValue, type LogBatch } from '../../collector/pipeline/batch';
import { PermanentError } from '../../collector/pipeline/errors';
import {
  deepAnyValue,
  fuzzSeed,
  jsonWithRecord,
  lenField,
  manyAttributesJson,
  manyAttributesRecord,
  mutateJson,
  mutateProtobuf,
  randomJsonRequest,
  randomProtobufRequest,
  Rng,
  varint,
  wrapRecord,
} from './fuzz-kit';

const SCALE = Number(process.env.LOGFUN_FUZZ_SCALE ?? '1') || 1;
const PROTOBUF_INPUTS = Math.round(65_000 * SCALE);
const JSON_INPUTS = Math.round(40_000 * SCALE);
/** One decode taking longer than this is a hang (inputs are at most a few hundred KiB). */
const MAX_DECODE_MS = 2_000;
const SEED = fuzzSeed();

/** Cheap mutations often, costly ones (10k attributes, thousands of levels) rarely: the run must stay fast. */
function weighted<T>(cheap: readonly T[], costly: readonly T[], cheapWeight: number): T[] {
  return [...cheap.flatMap((m) => Array<T>(cheapWeight).fill(m)), ...costly];
}
const PROTOBUF_MIX = weighted(
  ['truncate', 'flip', 'insert', 'delete', 'wire_type', 'huge_length', 'long_varint', 'duplicate', 'invalid_utf8', 'random'] as const,
  ['splice_deep', 'many_attributes', 'long_value'] as const,
  20,
);
const JSON_MIX = weighted(['truncate', 'char', 'wrong_type', 'wrong_type', 'wrong_type', 'lone_surrogate', 'huge_number', 'random'] as const, ['deep', 'many_attributes', 'long_value'] as const, 15);

interface Failure {
  mutation: string;
  error: string;
  input: string;
}

interface FuzzResult {
  decoded: number;
  rejected: number;
  failures: Failure[];
  slowestMs: number;
  decodeMs: number;
  stats: DecodeStats;
}

/** Runs `count` inputs; a failure is anything but a batch within limits or a PermanentError. */
function fuzz<T extends Buffer | string>(count: number, rng: Rng, make: (i: number) => { input: T; mutation: string }, decode: (input: T, stats: DecodeStats) => LogBatch): FuzzResult {
  const result: FuzzResult = { decoded: 0, rejected: 0, failures: [], slowestMs: 0, decodeMs: 0, stats: newDecodeStats() };
  for (let i = 0; i < count; i++) {
    const { input, mutation } = make(i);
    const started = performance.now();
    try {
      const batch = decode(input, result.stats);
      const problem = limitViolation(batch, DEFAULT_DECODE_LIMITS);
      if (problem) result.failures.push({ mutation, error: `limit not enforced: ${problem}`, input: preview(input) });
      result.decoded++;
    } catch (err) {
      if (err instanceof PermanentError) result.rejected++;
      else result.failures.push({ mutation, error: String((err as Error)?.stack ?? err).slice(0, 600), input: preview(input) });
    }
    const ms = performance.now() - started;
    result.decodeMs += ms;
    if (ms > result.slowestMs) result.slowestMs = ms;
    if (ms > MAX_DECODE_MS) result.failures.push({ mutation, error: `decode took ${ms.toFixed(0)} ms`, input: preview(input) });
  }
  return result;
}

function preview(input: Buffer | string): string {
  return typeof input === 'string' ? JSON.stringify(input.slice(0, 300)) : input.subarray(0, 200).toString('hex');
}

/** A description of the first limit the batch breaks, or undefined. */
function limitViolation(batch: LogBatch, limits: DecodeLimits): string | undefined {
  const lists = [...batch.attributes, ...batch.resources.map((r) => r.attributes), ...batch.scopes.map((s) => s.attributes)];
  for (const list of lists) {
    if (list.length > limits.maxAttributesPerRecord) return `${list.length} attributes`;
    for (const kv of list) {
      const long = longValue(kv.value, limits.maxAttributeValueLength);
      if (long) return `attribute ${JSON.stringify(kv.key.slice(0, 40))}: ${long}`;
    }
  }
  return undefined;
}

function longValue(v: AnyValue, max: number): string | undefined {
  if ((typeof v === 'string' || v instanceof Uint8Array) && v.length > max) return `value of length ${v.length}`;
  if (Array.isArray(v)) for (const x of v) return longValue(x, max);
  if (v instanceof KeyValueList) for (const kv of v.values) return longValue(kv.value, max);
  return undefined;
}

function report(name: string, r: FuzzResult, count: number): void {
  // eslint-disable-next-line no-console
  console.log(
    `${name}: seed ${SEED} (replay with LOGFUN_FUZZ_SEED=${SEED}): ${count} inputs, ${r.decoded} decoded, ${r.rejected} rejected with PermanentError, ` +
      `${r.failures.length} failures, decoding took ${(r.decodeMs / 1000).toFixed(1)} s, slowest ${r.slowestMs.toFixed(1)} ms; stats ${JSON.stringify(r.stats)}`,
  );
}

function expectNoFailures(r: FuzzResult): void {
  if (r.failures.length > 0) {
    throw new Error(`seed ${SEED}: ${r.failures.length} failures, first ones:\n${r.failures.slice(0, 5).map((f) => `[${f.mutation}] ${f.error}\n  input: ${f.input}`).join('\n')}`);
  }
}

function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  return process.memoryUsage().heapUsed;
}

describe(`decoder fuzz (seed ${SEED})`, () => {
  test(`${PROTOBUF_INPUTS} mutated protobuf bodies: a batch within limits or PermanentError, nothing else`, () => {
    const rng = new Rng(SEED);
    const pool = Array.from({ length: 300 }, () => randomProtobufRequest(rng));
    const heapBefore = heapUsedAfterGc();
    const rssBefore = process.memoryUsage().rss;
    const r = fuzz(
      PROTOBUF_INPUTS,
      rng,
      (i) => {
        // Every 10th input is a valid request: the decoder must keep accepting good input.
        if (i % 10 === 0) return { input: rng.pick(pool), mutation: 'none' };
        let input = rng.pick(pool);
        const mutations: string[] = [];
        for (let k = 0, n = 1 + rng.int(2); k < n; k++) {
          const m = rng.pick(PROTOBUF_MIX);
          input = mutateProtobuf(rng, input, m);
          mutations.push(m);
        }
        return { input, mutation: mutations.join('+') };
      },
      (input, stats) => decodeExportRequest(input, { stats }),
    );
    report('protobuf', r, PROTOBUF_INPUTS);
    expectNoFailures(r);
    expect(r.decoded).toBeGreaterThan(PROTOBUF_INPUTS / 10);
    expect(r.rejected).toBeGreaterThan(PROTOBUF_INPUTS / 10);
    expect(r.stats.droppedAttributes).toBeGreaterThan(0);
    expect(r.stats.truncatedValues).toBeGreaterThan(0);
    expect(r.stats.invalidUtf8).toBeGreaterThan(0);
    // Memory bounded: nothing decoded is retained. The bounds are generous (GC timing) yet far below a leak of 100k inputs.
    expect(heapUsedAfterGc() - heapBefore).toBeLessThan(200 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(1024 * 1024 * 1024);
  });

  test(`${JSON_INPUTS} mutated OTLP/JSON bodies: a batch within limits or PermanentError, nothing else`, () => {
    const rng = new Rng(SEED ^ 0x5eed);
    const pool = Array.from({ length: 300 }, () => randomJsonRequest(rng));
    const heapBefore = heapUsedAfterGc();
    const r = fuzz(
      JSON_INPUTS,
      rng,
      (i) => {
        if (i % 10 === 0) return { input: rng.pick(pool), mutation: 'none' };
        const m = rng.pick(JSON_MIX);
        let input = mutateJson(rng, rng.pick(pool), m);
        // Some get a second mutation on top (a wrong type inside a deep value, a cut-off huge number...).
        if (m !== 'truncate' && rng.chance(0.2)) input = mutateJson(rng, input, 'char');
        return { input, mutation: m };
      },
      (input, stats) => decodeExportRequestJson(input, { stats }),
    );
    report('json', r, JSON_INPUTS);
    expectNoFailures(r);
    expect(r.decoded).toBeGreaterThan(JSON_INPUTS / 10);
    expect(r.rejected).toBeGreaterThan(JSON_INPUTS / 10);
    expect(r.stats.droppedAttributes).toBeGreaterThan(0);
    expect(r.stats.truncatedValues).toBeGreaterThan(0);
    expect(r.stats.invalidUtf8).toBeGreaterThan(0);
    expect(heapUsedAfterGc() - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('decoder limits', () => {
  const both = [
    ['protobuf', (n: number, stats: DecodeStats, limits?: Partial<DecodeLimits>) => decodeExportRequest(manyAttributesRecord(n), { stats, limits })],
    ['json', (n: number, stats: DecodeStats, limits?: Partial<DecodeLimits>) => decodeExportRequestJson(manyAttributesJson(n), { stats, limits })],
  ] as const;

  test.each(both)('%s: 10k attributes -> the first 1000 kept, the rest dropped and counted in droppedAttributesCount', (_name, decode) => {
    const stats = newDecodeStats();
    const batch = decode(10_000, stats);
    expect(batch.attributes[0]).toHaveLength(1000);
    expect(batch.attributes[0][999].key).toBe('k999');
    expect(batch.droppedAttributesCount[0]).toBe(9000);
    expect(stats.droppedAttributes).toBe(9000);
    // Exactly at the limit: nothing dropped.
    const atLimit = newDecodeStats();
    expect(decode(1000, atLimit).droppedAttributesCount[0]).toBe(0);
    expect(atLimit.droppedAttributes).toBe(0);
    // A configured limit.
    const small = newDecodeStats();
    expect(decode(10, small, { maxAttributesPerRecord: 3 }).attributes[0].map((kv) => kv.key)).toEqual(['k0', 'k1', 'k2']);
    expect(small.droppedAttributes).toBe(7);
  });

  test('protobuf: dropped attributes add to the sender droppedAttributesCount', () => {
    const attrs = Buffer.concat(Array.from({ length: 5 }, (_, i) => lenField(6, lenField(1, Buffer.from(`k${i}`)))));
    const body = wrapRecord(Buffer.concat([attrs, varint((7 << 3) | 0), varint(4)]));
    const batch = decodeExportRequest(body, { limits: { maxAttributesPerRecord: 2 } });
    expect(batch.droppedAttributesCount[0]).toBe(7);
  });

  test('long attribute values are truncated (strings in UTF-16 units, never splitting a surrogate pair; bytes; nested values) and counted; bodies are not', () => {
    const long = 'a'.repeat(100_000);
    const pair = 'x'.repeat(9) + '\u{1F600}' + 'yyyy'; // the pair sits at units 9-10
    const text = jsonWithRecord(
      JSON.stringify({
        body: { stringValue: long },
        attributes: [
          { key: 'long', value: { stringValue: long } },
          { key: 'pair', value: { stringValue: pair } },
          { key: 'bytes', value: { bytesValue: Buffer.alloc(20, 7).toString('base64') } },
          { key: 'nested', value: { arrayValue: { values: [{ kvlistValue: { values: [{ key: 'in', value: { stringValue: long } }] } }] } } },
        ],
      }),
    );
    const stats = newDecodeStats();
    const batch = decodeExportRequestJson(text, { stats });
    expect((batch.attributes[0][0].value as string).length).toBe(64 * 1024);
    expect(batch.body[0]).toBe(long);
    expect(stats.truncatedValues).toBe(2);

    const small = newDecodeStats();
    const b2 = decodeExportRequestJson(text, { stats: small, limits: { maxAttributeValueLength: 10 } });
    expect(b2.attributes[0][1].value).toBe('x'.repeat(9));
    expect(b2.attributes[0][2].value).toEqual(new Uint8Array(10).fill(7));
    const nested = (b2.attributes[0][3].value as AnyValue[])[0] as KeyValueList;
    expect(nested.values[0].value).toBe('a'.repeat(10));
    expect(small.truncatedValues).toBe(4);

    // The same through protobuf.
    const kv = Buffer.concat([lenField(1, Buffer.from('long')), lenField(2, lenField(1, Buffer.from(long)))]);
    const pb = newDecodeStats();
    const b3 = decodeExportRequest(wrapRecord(lenField(6, kv)), { stats: pb });
    expect((b3.attributes[0][0].value as string).length).toBe(64 * 1024);
    expect(pb.truncatedValues).toBe(1);
  });

  test.each([
    ['protobuf', (depth: number, limits?: Partial<DecodeLimits>) => decodeExportRequest(wrapRecord(lenField(5, deepAnyValue(depth))), { limits })],
    ['json', (depth: number, limits?: Partial<DecodeLimits>) => {
      let v = '{"stringValue":"leaf"}';
      for (let i = 0; i < depth; i++) v = `{"arrayValue":{"values":[${v}]}}`;
      return decodeExportRequestJson(jsonWithRecord(`{"body":${v}}`), { limits });
    }],
  ] as const)('%s: AnyValue nesting up to 32 levels is accepted, deeper is a PermanentError (never a stack overflow)', (_name, decode) => {
    expect(decode(32).length).toBe(1);
    expect(() => decode(33)).toThrow(PermanentError);
    expect(() => decode(33)).toThrow(/nested deeper than 32 levels/);
    expect(() => decode(50_000)).toThrow(PermanentError);
    expect(decode(40, { maxAnyValueDepth: 40 }).length).toBe(1);
    expect(() => decode(5, { maxAnyValueDepth: 4 })).toThrow(PermanentError);
  });

  test('protobuf: invalid UTF-8 becomes U+FFFD and is counted; a U+FFFD the sender wrote is not counted', () => {
    const bad = Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xc3]), Buffer.from('b')]);
    const stats = newDecodeStats();
    const batch = decodeExportRequest(wrapRecord(Buffer.concat([lenField(5, lenField(1, bad)), lenField(3, bad)])), { stats });
    expect(batch.body[0]).toBe('a\uFFFD\uFFFDb');
    expect(batch.severityText[0]).toBe('a\uFFFD\uFFFDb');
    expect(stats.invalidUtf8).toBe(2);
    const honest = newDecodeStats();
    expect(decodeExportRequest(wrapRecord(lenField(5, lenField(1, Buffer.from('x\uFFFDy')))), { stats: honest }).body[0]).toBe('x\uFFFDy');
    expect(honest.invalidUtf8).toBe(0);
  });

  test('json: lone surrogates (\\uD800 escapes) become U+FFFD and are counted', () => {
    const stats = newDecodeStats();
    const batch = decodeExportRequestJson(jsonWithRecord('{"body":{"stringValue":"a\\ud800b"},"attributes":[{"key":"\\udc00","value":{"stringValue":"\\ud83d\\ude00"}}]}'), { stats });
    expect(batch.body[0]).toBe('a\uFFFDb');
    expect(batch.attributes[0][0]).toEqual({ key: '\uFFFD', value: '\u{1F600}' });
    expect(stats.invalidUtf8).toBe(2);
  });

  test('a body of tiny records is refused past max_records_per_request (too_large), quickly and without ~800 MB of heap', () => {
    // 4 MiB of empty LogRecords (2 bytes each) would decode into ~2M records.
    const records = Buffer.alloc(4 * 1024 * 1024 - 16);
    for (let i = 0; i + 1 < records.length; i += 2) records[i] = (2 << 3) | 2;
    const body = lenField(1, lenField(2, records));
    const started = performance.now();
    let error: unknown;
    try {
      decodeExportRequest(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).reason).toBe('too_large');
    expect((error as Error).message).toMatch(/more than 100000 log records/);
    expect(performance.now() - started).toBeLessThan(5_000);
    const json = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${'{},'.repeat(100_000)}{}]}]}]}`;
    expect(() => decodeExportRequestJson(json)).toThrow(/more than 100000 log records/);
    expect(decodeExportRequestJson(json, { limits: { maxRecordsPerRequest: 100_001 } }).length).toBe(100_001);
    expect(decodeExportRequest(lenField(1, lenField(2, records.subarray(0, 20))), { limits: { maxRecordsPerRequest: 10 } }).length).toBe(10);
  });

  test('huge length prefixes, 10-byte varints and lengths past the end are PermanentErrors', () => {
    for (const len of [0xffffffff, 2 ** 35, 2 ** 63]) {
      expect(() => decodeExportRequest(Buffer.concat([varint((1 << 3) | 2), varint(BigInt(len)), Buffer.from('xx')]))).toThrow(PermanentError);
    }
    expect(() => decodeExportRequest(Buffer.alloc(20, 0xff))).toThrow(PermanentError);
  });
});
