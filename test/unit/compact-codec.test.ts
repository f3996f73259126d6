/**
 * The compact codec without a network: SDK records encoded by the compact encoder
 * and decoded by the collector's CompactStreamDecoder come out exactly as the
 * same records through the OTLP path (sdk/wire/otlp-encode -> collector/otlp
 * wire-decode), plus templateId / templateArgs; the hand-written encoder agrees
 * with protobufjs; bad input is refused with Malformed, never another error.
 */
import { context as otelContext, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { createLogger, templateIdOf, type ExportBatch, type Transport } from '../../sdk';
import { encodeExportLogsRequest } from '../../sdk/wire/otlp-encode';
import {
  CompactEncoder,
  encodeHello,
  encodeStringDefinitions,
  encodeTemplateDefinitions,
  MAX_DICTIONARY_STRINGS,
  STREAM_ENCODING,
  type CompactBatch,
  type CompactEncoderOptions,
} from '../../sdk/wire/compact-encode';
import { ProtoWriter } from '../../protocol/proto-writer';
import { protoType, longToBigInt } from '../../protocol/protos';
import { LOGFUN_SCOPE, type Resource } from '../../sdk/resource';
import { SDK_VERSION } from '../../sdk/version';
import { decodeExportRequest } from '../../collector/otlp/wire-decode';
import { CompactStreamDecoder } from '../../collector/compact/decoder';
import { decodeClientMessage, type RecordBatchMessage } from '../../collector/compact/messages';
import { Int64Column, Malformed } from '../../collector/protobuf/reader';
import { SessionTable } from '../../collector/compact/sessions';
import { recordsOf, type RecordView } from '../kit/recording-consumer';

/** A synchronous context manager, enough for otelContext.with() in tests. */
class StackContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;
  active(): Context {
    return this.current;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

interface Captured {
  otlp: Uint8Array;
  compact: CompactBatch;
  resource: Resource;
  /** StringDefinitions a stream would carry before this batch. */
  strings: Buffer[];
}

/** Encodes every batch both ways while its records are still buffered. */
class TwoWayTransport implements Transport {
  readonly name = 'two-way';
  readonly encoder: CompactEncoder;
  readonly captured: Captured[] = [];
  private defined = 0;
  constructor(options: CompactEncoderOptions = {}) {
    this.encoder = new CompactEncoder(options);
  }
  async export(batch: ExportBatch) {
    const compact = this.encoder.encodeBatch(batch);
    let strings: Buffer[] = [];
    if (compact.dictionarySize > this.defined) {
      strings = encodeStringDefinitions(this.defined + 1, this.encoder.dictionaryEntries(this.defined + 1, compact.dictionarySize));
      this.defined = compact.dictionarySize;
    }
    this.captured.push({ otlp: encodeExportLogsRequest(batch), compact, resource: batch.resource, strings });
  }
  async shutdown() {}
}

const ENCODINGS: [string, CompactEncoderOptions][] = [
  ['plain encoding', {}],
  ['stream encoding (dictionary, INT / INT_DELTA, STRING_NUMBER)', STREAM_ENCODING],
];

function decodeBoth(captured: Captured[], templateAttributes = true): { viaOtlp: RecordView[]; viaCompact: RecordView[] } {
  const decoder = new CompactStreamDecoder();
  const hello = decodeClientMessage(encodeHello({ resource: captured[0].resource, scope: LOGFUN_SCOPE, sdkVersion: SDK_VERSION, lastAckedSequence: 0, sessionId: Buffer.alloc(16) }));
  if (hello.kind !== 'hello') throw new Error('not a hello');
  decoder.setHello(hello.hello);
  const viaOtlp: RecordView[] = [];
  const viaCompact: RecordView[] = [];
  for (const c of captured) {
    viaOtlp.push(...recordsOf(decodeExportRequest(c.otlp)));
    const defs = decodeClientMessage(encodeTemplateDefinitions(c.compact.templates, false));
    if (defs.kind !== 'templates') throw new Error('not templates');
    decoder.define(defs.templates, defs.reset);
    for (const m of c.strings) {
      const strings = decodeClientMessage(m);
      if (strings.kind !== 'strings') throw new Error('not strings');
      decoder.defineStrings(strings.firstIndex, strings.values);
    }
    const msg = decodeClientMessage(c.compact.message);
    if (msg.kind !== 'batch') throw new Error('not a batch');
    viaCompact.push(...recordsOf(decoder.decode(msg.batch, templateAttributes).batch));
  }
  return { viaOtlp, viaCompact };
}

/** Records of each batch stably regrouped by scope (first-seen order), as the OTLP encoder groups them. */
function groupedByScopePerBatch(records: RecordView[], captured: Captured[]): RecordView[] {
  const out: RecordView[] = [];
  let at = 0;
  for (const c of captured) {
    const batch = records.slice(at, at + c.compact.records);
    at += c.compact.records;
    const keys: string[] = [];
    for (const r of batch) {
      const key = JSON.stringify([r.scope.name, r.scope.version, r.scope.schemaUrl]);
      if (!keys.includes(key)) keys.push(key);
    }
    for (const key of keys) out.push(...batch.filter((r) => JSON.stringify([r.scope.name, r.scope.version, r.scope.schemaUrl]) === key));
  }
  return out;
}

function withoutTemplateColumns(r: RecordView) {
  const { templateId: _id, templateArgs: _args, ...rest } = r;
  return rest;
}

beforeAll(() => {
  otelContext.setGlobalContextManager(new StackContextManager());
});

describe.each(ENCODINGS)('compact codec, %s: the same records as the OTLP path', (_name, encoding) => {
  it('every argument kind, attributes, severities, span contexts and OTel API records', async () => {
    const transport = new TwoWayTransport(encoding);
    const log = createLogger({ service: 'codec', transport, level: 'trace', exitHooks: false, attributes: { region: 'eu', zone: 1 }, diagnostics: () => undefined });
    const values: unknown[] = [
      'plain', 'ünïcödé ✓ 𝄞', '', 0, -0, 1, -1, 42, 2 ** 47, -(2 ** 47) - 3, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
      12.5, -0.25, 0.1, 1e-7, 123.456789, Math.PI, 0.1 + 0.2, 1e20, -1e300, 5e-324, NaN, Infinity, -Infinity,
      12n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n, -(2n ** 70n), true, false, new Uint8Array([0, 1, 2, 255]), new Uint8Array(0),
      { obj: 1 }, null, undefined, new Date(0), Symbol('s'),
    ];
    for (const v of values) log.info`value ${v} end`;
    // The same template with a string each time, repeated (back references) and new.
    for (let i = 0; i < 50; i++) log.debug`user ${['alice', 'bob', 'carol'][i % 3]} from ${`10.0.0.${i % 7}`} took ${i * 1.5} ms`;
    // Ids: numbered strings (leading zeros, long digit runs, no digits, unicode), growing and huge integers.
    const ids = ['INV-2024-000123', 'INV-2024-100123', 'img_881.jpg', 'no digits', '0', '007', '1234567890123456789', 'ü-42-ü', '', 'x9', 'SKU-99999'];
    for (let i = 0; i < 60; i++) {
      const n = i % 7 === 6 ? -(2 ** 53) + 1 + i : 1_000_000 + i * 3;
      log.info`order ${ids[i % ids.length]} seq ${n} of ${i % 5 === 4 ? 2n ** 62n : i} size ${i % 9 === 8 ? 0.5 : i}`;
    }
    // printf shared by several levels: severity overrides.
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) log[level]('job %s step %d', 'j-1', 3);
    // Structured calls, child loggers, keys overriding bound ones.
    const child = log.child({ requestId: 'r-1', region: 'us' });
    child.info({ orderId: 7, region: 'ap', nested: { a: [1, 'x'] } }, 'order %s placed', 'o-7');
    child.warn('cache warmed', { entries: 10 });
    child.error(new Error('boom'), 'failed for %s', 'u-1');
    log.child({ requestId: 'r-2' }).info`same template ${1} from ${'another'} child`;
    log.info`same template ${2} from ${'root'} child`;
    // Span contexts: two spans, several records each.
    const spanA = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    const spanB = trace.setSpanContext(ROOT_CONTEXT, { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 0 });
    otelContext.with(spanA, () => {
      log.info`in span ${'a'}`;
      log.info`in span ${'a2'}`;
    });
    otelContext.with(spanB, () => log.info`in span ${'b'}`);
    otelContext.with(spanA, () => log.info`in span ${'a3'}`);
    // OTel API records (verbatim), one with an old timestamp between templated records.
    const api = log.loggerProvider.getLogger('lib', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0', attributes: { team: 'x' } });
    api.emit({ timestamp: [1_000, 5], severityNumber: SeverityNumber.WARN2, severityText: 'WARN2', body: { a: [1, 'b'], n: null }, attributes: { k: 1.5, bad: () => 1 } as never, eventName: 'ev', context: spanB });
    log.info`after the api record ${1}`;
    api.emit({ body: 'no severity' });
    log.loggerProvider.getLogger('other').emit({ body: new Uint8Array([7]) });
    await log.shutdown();

    const { viaOtlp, viaCompact: inBufferOrder } = decodeBoth(transport.captured);
    // OTLP groups each batch's records by scope; the compact batch keeps the logging order.
    const viaCompact = groupedByScopePerBatch(inBufferOrder, transport.captured);
    expect(viaCompact.length).toBe(viaOtlp.length);
    expect(viaCompact.length).toBeGreaterThan(100);
    expect(viaCompact.map(withoutTemplateColumns)).toEqual(viaOtlp.map(withoutTemplateColumns));
    // Template columns: the id of the template text, the argument texts as in the Body.
    for (const r of viaCompact) {
      const text = r.attributes.find((kv) => kv.key === 'log.record.template')?.value;
      if (r.scope.name !== 'logfun') {
        expect(r.templateId).toBe(0n);
        continue;
      }
      expect(r.templateId).toBe(templateIdOf(text as string));
    }
    const first = viaCompact.find((r) => r.body === 'value 1.5e-7 end' || r.body === 'value 1e-7 end')!;
    expect(first.templateArgs).toEqual([String(1e-7)]);
    const big = viaCompact.find((r) => r.body === `value ${2n ** 64n} end`)!;
    expect(big.attributes.find((kv) => kv.key === 'log.record.arg.0')?.value).toBe(String(2n ** 64n));
    const bytes = viaCompact.find((r) => r.body === 'value AAEC/w== end')!;
    expect(bytes.templateArgs).toEqual(['AAEC/w==']);
  });

  it('without template attributes (no consumer reads them): the same records minus log.record.template*, log.record.arg.*', async () => {
    const transport = new TwoWayTransport(encoding);
    const log = createLogger({ service: 'lean', transport, exitHooks: false, attributes: { region: 'eu' }, diagnostics: () => undefined });
    for (let i = 0; i < 40; i++) log.info`user ${`u${i % 7}`} paid ${i * 3} cents ratio ${i / 8} ok ${i % 2 === 0}`;
    log.child({ requestId: 'r-1' }).warn('job %s step %d', 'j-1', 3);
    log.info({ orderId: 7 }, 'order %s placed', 'o-7');
    log.loggerProvider.getLogger('other').emit({ body: 'verbatim', attributes: { 'log.record.template': 'kept as sent' } });
    await log.shutdown();
    const full = decodeBoth(transport.captured, true).viaCompact;
    const lean = decodeBoth(transport.captured, false).viaCompact;
    const isTemplateKey = (k: string) => k === 'log.record.template' || k === 'log.record.template.id' || k.startsWith('log.record.arg.');
    expect(lean.length).toBe(full.length);
    expect(full.filter((r) => r.attributes.some((kv) => isTemplateKey(kv.key))).length).toBe(full.length);
    for (let i = 0; i < full.length; i++) {
      // Verbatim (OTel API) records keep what their sender set; templated ones lose only the template attributes.
      const expected = full[i].templateId === 0n ? full[i] : { ...full[i], attributes: full[i].attributes.filter((kv) => !isTemplateKey(kv.key)) };
      expect(lean[i]).toEqual(expected);
    }
    expect(lean.find((r) => r.body === 'verbatim')!.attributes).toEqual([{ key: 'log.record.template', value: 'kept as sent' }]);
    expect(lean.some((r) => r.attributes.some((kv) => kv.key === 'code.filepath'))).toBe(true);
  });

  it('is far smaller than OTLP for templated records', async () => {
    const transport = new TwoWayTransport(encoding);
    const log = createLogger({ service: 'size', transport, exitHooks: false, batch: { maxRecords: 512 }, buffer: { maxRecords: 10_000 } });
    const users = ['alice', 'bob', 'carol', 'dave'];
    for (let i = 0; i < 2000; i++) log.info`user ${users[i % 4]} paid ${(i * 37) % 10000} cents (${(i % 100) / 4} EUR) for order ${100000 + i}`;
    await log.shutdown();
    let otlp = 0;
    let compact = 0;
    for (const c of transport.captured) {
      otlp += c.otlp.length;
      compact += c.compact.message.length;
    }
    expect(compact).toBeLessThan(otlp / 10);
  });

  it('splits records over batches; dictionary entries and kinds carry over', async () => {
    const transport = new TwoWayTransport(encoding);
    const log = createLogger({ service: 'multi', transport, exitHooks: false, batch: { maxRecords: 7 }, buffer: { maxRecords: 10_000 } });
    for (let i = 0; i < 300; i++) log.info`key ${`key_${1000 + (i % 13)}`} region ${['eu', 'us'][i % 2]} n ${i} ratio ${i / 8}`;
    await log.shutdown();
    expect(transport.captured.length).toBeGreaterThan(40);
    const { viaOtlp, viaCompact } = decodeBoth(transport.captured);
    expect(viaCompact.map(withoutTemplateColumns)).toEqual(viaOtlp.map(withoutTemplateColumns));
  });
});

describe('stream encoding: bounds', () => {
  it('stops growing the dictionary at its bound and keeps decoding exactly', async () => {
    const transport = new TwoWayTransport(STREAM_ENCODING);
    const log = createLogger({ service: 'many', transport, exitHooks: false, batch: { maxRecords: 2048 }, buffer: { maxRecords: 100_000, maxBytes: 256 * 1024 * 1024 } });
    // Every string twice (a second sighting joins the dictionary), more of them than it holds;
    // letters only (strings with digit runs would travel as STRING_NUMBER).
    const word = (i: number) => i.toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)]);
    for (let i = 0; i < MAX_DICTIONARY_STRINGS + 3000; i++) {
      log.info`name ${word(i)}`;
      log.info`again ${word(i)} and a long one ${'L'.repeat(80) + word(i)}`;
    }
    await log.shutdown();
    expect(transport.encoder.dictionarySize).toBe(MAX_DICTIONARY_STRINGS);
    const { viaOtlp, viaCompact } = decodeBoth(transport.captured);
    expect(viaCompact.length).toBe(2 * (MAX_DICTIONARY_STRINGS + 3000));
    expect(viaCompact.map((r) => r.body)).toEqual(viaOtlp.map((r) => r.body));
  });
});

describe('hand-written encoder vs protobufjs', () => {
  it('encodes a RecordBatch that protobufjs reads to the same columns', async () => {
    const transport = new TwoWayTransport();
    const log = createLogger({ service: 'pbjs', transport, exitHooks: false, level: 'trace', diagnostics: () => undefined });
    // One call site (one template), the second call with a different kind in place 1.
    const site = (second: unknown, flag: boolean, byte: number, last: number) => log.info`a ${'x'} ${second} ${2.5} ${flag} ${7n} ${new Uint8Array([byte])} ${last}`;
    site(1, true, 1, Math.PI);
    site('y', false, 2, -1);
    log.warn`b ${'x'}`;
    await log.shutdown();
    const c = transport.captured[0];
    const pb = protoType('logfun.v1.ClientMessage').decode(c.compact.message) as unknown as { batch: Record<string, any> };
    const ours = decodeClientMessage(c.compact.message) as { kind: 'batch'; batch: RecordBatchMessage };
    const b = pb.batch;
    const n = (v: unknown) => Number(longToBigInt(v, false));
    expect(n(b.sequence)).toBe(ours.batch.sequence);
    expect(b.templateIndex).toEqual([...ours.batch.templateIndex]);
    expect(b.timeDeltaNano.map(n)).toEqual(ours.batch.timeDelta.toArray().map(Number));
    expect(b.stringValues).toEqual(ours.batch.stringValues);
    expect(b.stringRefs).toEqual([...ours.batch.stringRefs]);
    expect(b.numberValues.map(n)).toEqual(ours.batch.numberValues.toArray().map(Number));
    expect(b.doubleValues).toEqual([Math.PI]);
    expect(b.boolValues).toEqual([true, false]);
    expect(b.intValues.map(n)).toEqual([7, 7]);
    expect(b.bytesValues.map((x: Uint8Array) => [...x])).toEqual([[1], [2]]);
    expect(b.kindOverrideRecord).toEqual([1]);
    expect(longToBigInt(b.baseTimeUnixNano)).toBe(ours.batch.baseTimeUnixNano);
    // Template definitions and Hello too.
    const defs = protoType('logfun.v1.ClientMessage').decode(encodeTemplateDefinitions(c.compact.templates, true)) as unknown as { templates: any };
    expect(defs.templates.reset).toBe(true);
    expect(defs.templates.templates.map((t: any) => t.text)).toEqual(['a {} {} {} {} {} {} {}', 'b {}']);
    expect(b.kindOverride).toEqual([0, 0, 5, 3, 1, 4, 5]);
    expect(longToBigInt(defs.templates.templates[0].templateId)).toBe(templateIdOf('a {} {} {} {} {} {} {}'));
    expect(defs.templates.templates[0].argumentKinds).toEqual([0, 5, 5, 3, 1, 4, 5]);
    expect(defs.templates.templates[1].severityNumber).toBe(13);
    const hello = protoType('logfun.v1.ClientMessage').decode(
      encodeHello({ resource: c.resource, scope: LOGFUN_SCOPE, sdkVersion: '9.9.9', lastAckedSequence: 12, sessionId: Buffer.from([1, 2]) }),
    ) as unknown as { hello: any };
    expect(hello.hello.sdkVersion).toBe('9.9.9');
    expect(n(hello.hello.lastAckedSequence)).toBe(12);
    expect(hello.hello.resource.find((kv: any) => kv.key === 'service.name').value.stringValue).toBe('pbjs');
  });
});

describe('ProtoWriter', () => {
  it('writes varints, zigzag, fixed64 times and long nested messages like protobufjs', () => {
    const w = new ProtoWriter(16);
    const samples = [0, 1, -1, 63, -64, 2 ** 31, -(2 ** 31), 2 ** 52 - 1, -(2 ** 52) + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    w.fork(4);
    for (const v of samples) w.sint64(v);
    w.ldelim();
    w.tag(2, 1).fixed64UnixNano(1_700_000_000, 999_999_999);
    w.fork(7);
    w.raw(Buffer.from('x'.repeat(300)));
    w.ldelim();
    const T = protoType('logfun.v1.RecordBatch');
    const m = T.decode(w.finish()) as unknown as Record<string, any>;
    expect(m.timeDeltaNano.map((x: unknown) => Number(longToBigInt(x, false)))).toEqual(samples);
    expect(longToBigInt(m.baseTimeUnixNano)).toBe(1_700_000_000_999_999_999n);
    expect(m.stringValues).toEqual(['x'.repeat(300)]);
  });
});

describe('decoder refuses bad input with Malformed', () => {
  async function sample(): Promise<Captured> {
    const transport = new TwoWayTransport();
    const log = createLogger({ service: 'bad', transport, exitHooks: false, diagnostics: () => undefined });
    for (let i = 0; i < 20; i++) log.info`user ${'u' + (i % 3)} paid ${i} x ${i / 4}`;
    await log.shutdown();
    return transport.captured[0];
  }

  function decoderFor(c: Captured, define = true): CompactStreamDecoder {
    const d = new CompactStreamDecoder();
    const hello = decodeClientMessage(encodeHello({ resource: c.resource, scope: LOGFUN_SCOPE, sdkVersion: '', lastAckedSequence: 0, sessionId: Buffer.alloc(0) }));
    if (hello.kind === 'hello') d.setHello(hello.hello);
    if (define) {
      const defs = decodeClientMessage(encodeTemplateDefinitions(c.compact.templates, false));
      if (defs.kind === 'templates') d.define(defs.templates, false);
    }
    return d;
  }

  function batchOf(c: Captured): RecordBatchMessage {
    const m = decodeClientMessage(c.compact.message);
    if (m.kind !== 'batch') throw new Error('not a batch');
    return m.batch;
  }

  it('unknown template index, wrong argument counts, leftovers, bad references', async () => {
    const c = await sample();
    expect(() => decoderFor(c, false).decode(batchOf(c))).toThrow(/unknown template index 1/);
    const fewer = batchOf(c);
    fewer.numberValues = Int64Column.of(fewer.numberValues.toArray().slice(0, -1));
    expect(() => decoderFor(c).decode(fewer)).toThrow(/too few number values/);
    const more = batchOf(c);
    more.stringValues.push('extra');
    expect(() => decoderFor(c).decode(more)).toThrow(/too many argument values: 1 string values/);
    const counts = batchOf(c);
    counts.argumentCount = counts.templateIndex.map(() => 2);
    expect(() => decoderFor(c).decode(counts)).toThrow(/2 arguments for template 1 with 3 placeholders/);
    const ref = batchOf(c);
    ref.stringRefs[0] = 5;
    expect(() => decoderFor(c).decode(ref)).toThrow(/string reference 5/);
    const times = batchOf(c);
    times.timeDelta = Int64Column.of(times.timeDelta.toArray().slice(0, -1));
    expect(() => decoderFor(c).decode(times)).toThrow(/time_delta_nano has 19 entries for 20/);
    const noHello = new CompactStreamDecoder();
    expect(() => noHello.decode(batchOf(c))).toThrow(/before the Hello/);
  });

  it('times: base + deltas exactly (carries across 32-bit halves, negative and 64-bit deltas), out of 0..2^64-1 refused', async () => {
    const c = await sample();
    const timesOf = (base: bigint, deltas: (number | bigint)[]): bigint[] => {
      const m = batchOf(c);
      m.baseTimeUnixNano = base;
      m.timeDelta = Int64Column.of(m.timeDelta.toArray().map((_, j) => deltas[j % deltas.length]));
      const batch = decoderFor(c).decode(m).batch;
      expect([...batch.observedTimeUnixNano]).toEqual([...batch.timeUnixNano]);
      return [...batch.timeUnixNano];
    };
    const expected = (base: bigint, deltas: (number | bigint)[]): bigint[] => {
      let t = base;
      return Array.from({ length: 20 }, (_, j) => (t += BigInt(deltas[j % deltas.length])));
    };
    const cases: [bigint, (number | bigint)[]][] = [
      [1_700_000_000_123_456_789n, [0, 1, 999_999_999, -5, 2 ** 40, -(2 ** 33) - 7]],
      [(1n << 32n) - 3n, [1, 1, 1, 1, -1, -1, -1]], // back and forth over a carry
      [0n, [2 ** 53 - 1, 2 ** 53 - 1, 1n << 60n, -(2 ** 52)]],
      [(1n << 64n) - 100n, [-1_000_000, 3, 4]],
    ];
    for (const [base, deltas] of cases) expect(timesOf(base, deltas)).toEqual(expected(base, deltas));
    expect(() => timesOf(0n, [0, -1])).toThrow(/record 1: time out of range/);
    expect(() => timesOf((1n << 64n) - 2n, [1])).toThrow(/record 1: time out of range/);
    expect(() => timesOf(1n << 64n, [-1])).not.toThrow(); // only each record's time must be in range
  });

  it('a template id that is not the hash of its text, or kinds that do not match its placeholders', async () => {
    const d = new CompactStreamDecoder();
    const def = { index: 1, templateId: 1n, text: 'a {}', severityNumber: 9, severityText: '', function: '', codeLocation: '', codeFilepath: '', codeLineno: 0n, argumentKinds: [0] };
    expect(() => d.define([def], false)).toThrow(/is not templateIdOf/);
    expect(() => d.define([{ ...def, templateId: templateIdOf('a {}'), argumentKinds: [0, 0] }], false)).toThrow(/2 argument kinds for 1 placeholders/);
    expect(() => d.define([{ ...def, templateId: templateIdOf('a {}'), index: 0 }], false)).toThrow(/reserved/);
    const small = new CompactStreamDecoder({ maxTemplates: 1 });
    small.define([{ ...def, templateId: templateIdOf('a {}') }], false);
    expect(() => small.define([{ ...def, index: 2, templateId: templateIdOf('a {}') }], false)).toThrow(/more than 1 templates/);
    expect(small.define([{ ...def, index: 2, templateId: templateIdOf('a {}') }], true)).toHaveLength(1);
  });

  it('every truncation of a valid message either decodes or throws Malformed', async () => {
    const c = await sample();
    const full = c.compact.message;
    for (let len = 0; len < full.length; len++) {
      try {
        const m = decodeClientMessage(full.subarray(0, len));
        if (m.kind === 'batch') decoderFor(c).decode(m.batch);
      } catch (err) {
        expect(err).toBeInstanceOf(Malformed);
      }
    }
    // Random corruption: still only Malformed.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(full);
      for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        const m = decodeClientMessage(bytes);
        if (m.kind === 'batch') decoderFor(c).decode(m.batch);
      } catch (err) {
        expect(err).toBeInstanceOf(Malformed);
      }
    }
  });
});

describe('SessionTable (duplicate detection)', () => {
  it('runs a sequence once, lets a concurrent copy wait for it, and runs again after a failure', async () => {
    const table = new SessionTable(2);
    const s = table.get('svc\u0000i\u0000a');
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = table.runOnce(s, 1, async () => {
      runs++;
      await gate;
    });
    const copy = table.runOnce(s, 1, async () => {
      runs++;
    });
    release();
    expect(await first).toBe('accepted');
    expect(await copy).toBe('duplicate');
    expect(runs).toBe(1);
    await expect(table.runOnce(s, 2, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await table.runOnce(s, 2, async () => void runs++)).toBe('accepted');
    expect(runs).toBe(2);
    expect(await table.runOnce(s, 1, async () => void runs++)).toBe('duplicate');
    // Bounded: the least recently used session goes.
    table.get('b');
    table.get('c');
    expect(table.size).toBe(2);
    expect(table.get('svc\u0000i\u0000a').highWater).toBe(0);
  });
});
