/**
 * Offline mode: records written by the file transport decode back exactly
 * (timestamps to the nanosecond, levels, bodies, typed arguments, attributes,
 * span ids), truncated and damaged files decode up to the damage, rotation and
 * appending keep every file decodable.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { context, trace, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { createLogger, MemoryTransport, type ExportedRecord, type Transport, type ExportBatch } from '../../sdk';
import type { TransportContext } from '../../sdk/transport';
import { FileTransport, type FileTransportOptions } from '../../sdk/transports/file';
import { decodeLogFile, formatJsonLine, formatTextLine, isoNanos, type DecodedRecord } from '../../protocol/file-format/decode';
import { MAGIC } from '../../protocol/file-format/frames';
import { traced } from '../../sdk/traced';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-file-format-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let fileCounter = 0;
function tmpFile(): string {
  return path.join(tmp, `log-${++fileCounter}.lf`);
}

/** Sends every batch to a MemoryTransport (the reference) and a FileTransport. */
class TeeTransport implements Transport {
  readonly name = 'tee';
  constructor(
    readonly memory: MemoryTransport,
    readonly file: FileTransport,
  ) {}
  attach(context: TransportContext) {
    this.file.attach(context);
  }
  async export(batch: ExportBatch) {
    await this.file.export(batch);
    return this.memory.export(batch);
  }
  async shutdown() {
    await this.file.shutdown();
    await this.memory.shutdown();
  }
}

function teeLogger(file: string, options: Partial<FileTransportOptions> = {}, batchRecords = 512) {
  const memory = new MemoryTransport();
  const fileTransport = new FileTransport({ path: file, ...options });
  const tee = new TeeTransport(memory, fileTransport);
  const diagnostics: string[] = [];
  const log = createLogger({
    service: 'checkout ✓',
    transport: tee,
    level: 'trace',
    exitHooks: false,
    batch: { maxRecords: batchRecords },
    attributes: { region: 'eu-west', nested: { a: [1, 'two', true], big: 2n ** 60n } },
    diagnostics: (m) => diagnostics.push(m),
  });
  return { log, memory, fileTransport, diagnostics };
}

/** A synchronous ContextManager for context.with in tests. */
class StackContextManager implements ContextManager {
  private stack: Context[] = [];
  active(): Context {
    return this.stack[this.stack.length - 1] ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.stack = [];
    return this;
  }
}

const TEMPLATE_KEYS = /^(log\.record\.|code\.)/;

/** The record's own attributes (bound + call), without the template attributes the file carries in its definitions. */
function ownAttributes(r: ExportedRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.attributes)) if (!TEMPLATE_KEYS.test(k)) out[k] = v;
  return out;
}

/** Arguments as the compact encoding carries them: a bigint beyond int64 travels as its decimal text (as in OTLP). */
function expectedArgs(args: readonly unknown[] | undefined): unknown[] | undefined {
  return args?.map((a) => (typeof a === 'bigint' && (a > 2n ** 63n - 1n || a < -(2n ** 63n)) ? a.toString() : a));
}

/** Independent ISO-8601 rendering with nanoseconds. */
function iso(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/**
 * An attribute value as the file carries it (OTLP AnyValue): integers (number or
 * bigint) decode as numbers when safe, else as bigints; null is the empty value (undefined).
 */
function asDecoded(v: unknown): unknown {
  if (v === null) return undefined;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(asDecoded);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = asDecoded(x);
    return out;
  }
  return v;
}

function sameNumber(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' ? Object.is(a, b) || (a === 0 && b === 0) : false;
}

function expectSameRecord(d: DecodedRecord, m: ExportedRecord, service: string): void {
  expect(d.timeUnixNano).toBe(m.timeUnixNano);
  expect(d.severityNumber).toBe(m.severityNumber);
  expect(d.severityText).toBe(m.severityText);
  expect(d.body).toEqual(m.body);
  expect(d.service).toBe(service);
  if (m.template !== undefined) {
    expect(d.template?.text).toBe(m.template.text);
    expect(d.template?.id).toBe(m.template.id);
    expect(d.template?.function).toBe(m.template.site?.function ?? '');
    expect(d.template?.lineno).toBe(m.template.site?.lineno ?? 0);
    const want = expectedArgs(m.args);
    expect(d.args?.length).toBe(want?.length);
    want?.forEach((a, i) => {
      if (sameNumber(a, d.args![i])) return;
      expect(d.args![i]).toEqual(a);
    });
    expect(d.attributes).toEqual(asDecoded(ownAttributes(m)));
  } else {
    expect(d.template).toBeUndefined();
  }
  expect(d.traceId).toBe(m.traceId);
  expect(d.spanId).toBe(m.spanId);
  expect(formatTextLine(d)).toBe(`${iso(m.timeUnixNano)} ${m.severityText} ${service} ${typeof m.body === 'string' ? m.body : JSON.stringify(m.body)}`);
}

describe('file transport round trip', () => {
  it('decodes every record exactly: unicode, big ints, bytes, floats, levels, attributes, scopes, spans', async () => {
    const file = tmpFile();
    const { log, memory } = teeLogger(file);
    const weird = 'naïve ☃ 日本語 🎉 {} \\{} C:\\temp\\ tab\there\nnewline';
    log.trace`unicode ${weird} and ${'é'.normalize('NFD')} end`;
    log.debug`ints ${0} ${-1} ${2 ** 53 - 1} ${-(2 ** 53 - 1)} ${-0}`;
    log.info`floats ${0.1} ${1 / 3} ${1e-300} ${-2.5e300} ${NaN} ${Infinity} ${-Infinity} ${2 ** 53 + 2} ${12.75} ${-0.001}`;
    log.warn`bigints ${0n} ${-(2n ** 63n)} ${2n ** 63n - 1n} ${2n ** 70n} ${-(10n ** 30n)}`;
    log.error`bytes ${new Uint8Array([0, 255, 1, 128])} ${new Uint8Array(0)} bool ${true} ${false}`;
    log.fatal`objects ${{ a: 1, b: [2n] }} ${[1, 'x']} ${null} ${undefined} ${new Date(0)}`;
    log.info('printf %s %d %i %f %j %% %c', 'str', '42.5', '7.9', '1e3', { j: 1 }, 'css');
    log.info('plain message with {} and \\ backslash');
    log.info({ orderId: 7, tags: ['a', 'b'], nested: { deep: { x: null } } }, 'order %s placed', 'o-1');
    log.child({ region: 'us-east', user: 'ü' }).warn('child %s', 'bound attrs override');
    log.error(new TypeError('bad input'), 'failed for %s', 'o-2');
    const scoped = traced('billing.charge', () => log.info`charging ${12.5}`);
    scoped();
    // A span context and an OTel-API record (travels verbatim).
    context.setGlobalContextManager(new StackContextManager());
    try {
      const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 });
      context.with(ctx, () => log.info`inside span ${1}`);
      log.loggerProvider.getLogger('api-scope', '1.2.3').emit({
        timestamp: [1_700_000_000, 123_456_789],
        severityNumber: 10,
        severityText: 'INFO2',
        body: { structured: ['body', 3] },
        attributes: { 'http.method': 'GET' },
        eventName: 'evt',
      });
    } finally {
      context.disable();
    }
    // Many records of one site, across several batches.
    for (let i = 0; i < 1500; i++) log.info`user ${i} paid ${(i % 100) * 0.25} for ${['book', 'pen'][i & 1]}`;
    await log.shutdown();

    const result = decodeLogFile(fs.readFileSync(file));
    expect(result.error).toBeUndefined();
    expect(result.truncation).toBeUndefined();
    expect(result.sessions).toBe(1);
    expect(result.droppedBySdk).toBe(0);
    expect(result.decoded).toHaveLength(memory.records.length);
    result.decoded.forEach((d, i) => expectSameRecord(d, memory.records[i], 'checkout ✓'));

    const byBody = (prefix: string) => result.decoded.find((r) => typeof r.body === 'string' && r.body.startsWith(prefix))!;
    expect(byBody('unicode').body).toBe(`unicode ${weird} and ${'é'.normalize('NFD')} end`);
    expect(byBody('floats').args).toEqual([0.1, 1 / 3, 1e-300, -2.5e300, NaN, Infinity, -Infinity, 2 ** 53 + 2, 12.75, -0.001]);
    expect(byBody('bigints').args).toEqual([0n, -(2n ** 63n), 2n ** 63n - 1n, (2n ** 70n).toString(), (-(10n ** 30n)).toString()]);
    expect(byBody('bytes').args).toEqual([new Uint8Array([0, 255, 1, 128]), new Uint8Array(0), true, false]);
    expect(byBody('charging').template!.function).toBe('billing.charge');
    expect(byBody('inside span')).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', flags: 1 });
    expect(byBody('child').attributes).toMatchObject({ region: 'us-east', user: 'ü' });
    const api = result.decoded.find((r) => r.template === undefined)!;
    expect(api).toMatchObject({
      timeUnixNano: 1_700_000_000_123_456_789n,
      severityNumber: 10,
      severityText: 'INFO2',
      body: { structured: ['body', 3] },
      eventName: 'evt',
      scope: { name: 'api-scope', version: '1.2.3' },
    });
    expect(api.attributes['http.method']).toBe('GET');
    expect(formatTextLine(api)).toBe('2023-11-14T22:13:20.123456789Z INFO2 checkout ✓ {"structured":["body",3]}');
  });

  it('formats JSON lines with typed arguments, exact big integers, bytes as base64 and bound attributes', async () => {
    const file = tmpFile();
    const { log } = teeLogger(file);
    log.child({ tenant: 't-1' }).info`paid ${12.5} of ${2n ** 62n} bytes ${new Uint8Array([1, 2, 3])} ok ${true} who ${'zoë'}`;
    await log.shutdown();
    const [r] = decodeLogFile(fs.readFileSync(file)).decoded;
    const line = formatJsonLine(r);
    expect(line).toContain(`"args":[12.5,${2n ** 62n},"AQID",true,"zoë"]`);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      time: isoNanos(r.timeUnixNano),
      timeUnixNano: r.timeUnixNano.toString(),
      level: 'INFO',
      severityNumber: 9,
      service: 'checkout ✓',
      body: `paid 12.5 of ${2n ** 62n} bytes AQID ok true who zoë`,
      template: 'paid {} of {} bytes {} ok {} who {}',
      filepath: __filename,
      attributes: { region: 'eu-west', tenant: 't-1', nested: { a: [1, 'two', true] } },
    });
    expect(line).toContain(`"big":${2n ** 60n}`);
    expect(parsed.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it.each(['deflate', 'brotli', 'none'] as const)('decodes %s-compressed files', async (compression) => {
    const file = tmpFile();
    const { log, memory, fileTransport } = teeLogger(file, { compression }, 100);
    for (let i = 0; i < 350; i++) log.info`n ${i} s ${'x'.repeat(i % 50)}`;
    await log.shutdown();
    const result = decodeLogFile(fs.readFileSync(file));
    expect(result.decoded.map((r) => r.body)).toEqual(memory.bodies());
    expect(result.frames).toBe(fileTransport.counters.frames);
    if (compression !== 'none') expect(fileTransport.counters.storedBytes).toBeLessThan(fileTransport.counters.payloadBytes);
  });
});

describe('damaged files', () => {
  async function writeFramesFile(records: number, perBatch: number): Promise<{ file: string; bytes: Buffer; bodies: unknown[] }> {
    const file = tmpFile();
    const { log, memory } = teeLogger(file, {}, perBatch);
    for (let i = 0; i < records; i++) {
      log.info`record ${i} of ${records}`;
      if (i % perBatch === perBatch - 1) await log.flush();
    }
    await log.shutdown();
    return { file, bytes: fs.readFileSync(file), bodies: memory.bodies() };
  }

  /** Offsets where frames start (after the magic). */
  function frameOffsets(bytes: Buffer): number[] {
    const offsets: number[] = [];
    let pos = MAGIC.length;
    while (pos < bytes.length) {
      offsets.push(pos);
      pos += 5 + bytes.readUInt32LE(pos + 1);
    }
    return offsets;
  }

  it('decodes everything before a truncated last frame and reports the truncation', async () => {
    const { bytes, bodies } = await writeFramesFile(100, 10);
    const offsets = frameOffsets(bytes);
    // Frame 0: Hello; frames 1..10: ten records each.
    expect(offsets).toHaveLength(11);
    const lastStart = offsets[offsets.length - 1];
    for (const cut of [lastStart + 1, lastStart + 3, lastStart + 5, lastStart + 9, bytes.length - 1]) {
      const result = decodeLogFile(bytes.subarray(0, cut));
      expect(result.decoded.map((r) => r.body)).toEqual(bodies.slice(0, 90));
      // Inside the 5-byte frame header only the header's own size is known.
      const expectedBytes = cut - lastStart < 5 ? 5 : bytes.length - lastStart;
      expect(result.truncation).toEqual({ offset: lastStart, expectedBytes, presentBytes: cut - lastStart });
      expect(result.error).toBeUndefined();
    }
    // Cut inside the header frame or the magic: nothing to decode, still no crash.
    expect(decodeLogFile(bytes.subarray(0, offsets[1] - 1))).toMatchObject({ records: 0, truncation: { offset: offsets[0] } });
    expect(decodeLogFile(bytes.subarray(0, 3))).toMatchObject({ records: 0, truncation: { offset: 0, presentBytes: 3 } });
    // An empty file is not a logfun file at all (not a truncated one), and says so.
    expect(() => decodeLogFile(bytes.subarray(0, 0))).toThrow('empty file (0 bytes): not a logfun log file');
    // Cut exactly at a frame boundary: complete, nothing to report.
    expect(decodeLogFile(bytes.subarray(0, lastStart))).toMatchObject({ records: 90, truncation: undefined });
  });

  it('stops at a damaged frame and keeps the records before it', async () => {
    const { bytes, bodies } = await writeFramesFile(50, 10);
    const offsets = frameOffsets(bytes);
    const damaged = Buffer.from(bytes);
    const at = offsets[3] + 5;
    for (let i = 0; i < 8; i++) damaged[at + i] ^= 0xa5;
    const result = decodeLogFile(damaged);
    expect(result.decoded.map((r) => r.body)).toEqual(bodies.slice(0, 20));
    expect(result.error).toMatch(new RegExp(`frame at byte ${offsets[3]} is damaged`));
  });

  it('refuses bytes that are not a logfun file', () => {
    expect(() => decodeLogFile(Buffer.from('{"level":30,"msg":"pino line"}\n'))).toThrow(/not a logfun log file/);
  });
});

describe('appending and rotation', () => {
  it('appends a new session to an existing file, cutting a truncated tail first', async () => {
    const file = tmpFile();
    const first = teeLogger(file, {}, 10);
    for (let i = 0; i < 25; i++) first.log.info`first ${i}`;
    await first.log.shutdown();
    const complete = fs.readFileSync(file);
    // A writer killed mid-frame leaves a partial frame behind.
    fs.appendFileSync(file, Buffer.from([0, 200, 0, 0, 0, 1, 2, 3]));
    const second = teeLogger(file, {}, 10);
    second.log.warn`second ${1}`;
    await second.log.shutdown();
    expect(second.diagnostics.join('\n')).toMatch(/incomplete frame \(8 bytes/);
    const result = decodeLogFile(fs.readFileSync(file));
    expect(result.truncation).toBeUndefined();
    expect(result.error).toBeUndefined();
    expect(result.sessions).toBe(2);
    expect(result.decoded.map((r) => r.body)).toEqual([...first.memory.bodies(), 'second 1']);
    expect(fs.readFileSync(file).subarray(0, complete.length)).toEqual(complete);
  });

  it('restarts a file that a writer left shorter than its magic bytes', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, MAGIC.subarray(0, 5));
    const { log, diagnostics } = teeLogger(file);
    log.info('fresh start');
    await log.shutdown();
    expect(diagnostics.join('\n')).toMatch(/incomplete frame \(5 bytes/);
    expect(decodeLogFile(fs.readFileSync(file)).decoded.map((r) => r.body)).toEqual(['fresh start']);
  });

  it('refuses to append to a file that is not a logfun file', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, 'precious data\n');
    const transport = new FileTransport({ path: file, diagnostics: () => undefined });
    const log = createLogger({ service: 's', transport, exitHooks: false, diagnostics: () => undefined, shutdownTimeoutMs: 200 });
    log.info('x');
    await log.flush(300);
    expect(log.stats().exported).toBe(0);
    expect(log.stats().failedExports).toBeGreaterThan(0);
    await log.shutdown();
    expect(fs.readFileSync(file, 'utf8')).toBe('precious data\n');
  });

  it('rotates by size: every file decodes on its own and together they hold every record in order', async () => {
    const file = tmpFile();
    const { log, memory, fileTransport } = teeLogger(file, { maxBytes: 400, maxFiles: 50, compression: 'none' }, 20);
    for (let i = 0; i < 200; i++) {
      log.info`rotating record ${i} with some text ${'abc'.repeat(i % 5)}`;
      if (i % 20 === 19) await log.flush();
    }
    await log.shutdown();
    expect(fileTransport.counters.rotations).toBeGreaterThan(2);
    const files = [file];
    for (let i = 1; fs.existsSync(`${file}.${i}`); i++) files.unshift(`${file}.${i}`);
    expect(files).toHaveLength(fileTransport.counters.rotations + 1);
    const bodies: unknown[] = [];
    for (const f of files) {
      const result = decodeLogFile(fs.readFileSync(f));
      expect(result.error).toBeUndefined();
      expect(result.sessions).toBe(1);
      bodies.push(...result.decoded.map((r) => r.body));
    }
    expect(bodies).toEqual(memory.bodies());
  });

  it('createLogger validates file options', () => {
    expect(() => createLogger({ transport: 'file', exitHooks: false })).toThrow(/file transport needs file.path/);
    expect(() => createLogger({ transport: 'file', file: { path: tmpFile(), compression: 'zip' as 'none' }, exitHooks: false })).toThrow(/file.compression/);
  });
});
