/**
 * The SDK side of the compact protocol (proto/logfun/v1/ingest.proto): encodes
 * buffered records as a columnar RecordBatch, template definitions and the
 * Hello, written field by field with ProtoWriter (no message objects).
 *
 * Size, per templated record: a template index, a time delta in nanoseconds
 * (zigzag varint), and the arguments in per-kind columns. Beyond that only
 * what differs from the template's definition is sent:
 *   - argument kinds: the template definition declares them (from the template's
 *     first record); a record whose kinds differ is listed in kind_override_record;
 *   - severity: the definition's, unless the record is listed in severity_override_record;
 *   - numbers: one column for every JavaScript number: integers as themselves,
 *     short decimals (12.5, 0.25) as a scaled integer, others as an 8-byte double;
 *   - strings: each distinct string once per batch, repeats as a back reference;
 *   - attributes and span contexts: batch-local tables referenced by index, so a
 *     child logger's bound attributes or a span shared by many records are sent once.
 * Records the columns cannot express exactly (OpenTelemetry API records, a record
 * with its own scope, an argument count that does not match its template, a
 * template longer than MAX_TEMPLATE_TEXT_LENGTH) travel
 * as OTLP LogRecords (verbatim_records), so every record arrives as the OTLP
 * transport would have delivered it.
 *
 * Stream encoding (CompactEncoderOptions, the logfun stream transport turns all
 * of it on; the file transport keeps the plain form):
 *   - stringDictionary: a string seen a second time joins a dictionary kept for
 *     the encoder's life (up to MAX_DICTIONARY_STRINGS of up to
 *     MAX_DICTIONARY_STRING_LENGTH characters) and is sent as its index from then
 *     on; the transport defines the entries on each stream before the first
 *     batch that refers to them (StringDefinitions);
 *   - integerKind: integer numbers travel as INT (no decimal scale bits), or as
 *     INT_DELTA (the difference from the same argument's previous value in the
 *     batch) when that was smaller for the template's first batch;
 *   - numberedStrings: strings like `INV-2024-1000123` or `img_881.jpg` travel as
 *     prefix + integer + suffix (STRING_NUMBER), the prefix and suffix from the
 *     dictionary;
 *   and a new template's declared kinds come from all of its records in its first
 *   batch (the kind most of them have), not just the first record.
 *
 * Template indexes (and dictionary indexes) are per encoder (one per transport),
 * start at 1 and are never reused, so an encoded batch stays valid on any stream
 * of the same transport once its templates and strings are defined there (see
 * logfun-stream.ts).
 */
import type { ExportBatch } from '../transport';
import type { Template } from '../templates';
import type { MutedCount } from '../mute-counts';
import { LOGFUN_SCOPE, type InstrumentationScope, type Resource } from '../resource';
import type { RecordBuffer } from '../record-buffer';
import { severityTextOf } from '../../protocol/severity';
import { isIntegral, type ArgumentValue, type AttributeList, type AttributeValue } from '../../protocol/values';
import {
  bodyAt,
  droppedAttributesAt,
  eventNameAt,
  forEachAttribute,
  observedTimeUnixNanoAt,
  scopeAt,
  severityTextAt,
  timeUnixNanoAt,
} from '../record-view';
import { ProtoWriter, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../../protocol/proto-writer';
import { MAX_DICTIONARY_STRING_LENGTH, MAX_DICTIONARY_STRINGS, MAX_TEMPLATE_TEXT_LENGTH } from '../../protocol/compact-limits';
import { ArgumentKind } from '../../protocol/argument-kind';

export interface CompactEncoderOptions {
  /** Repeated strings as indexes into a dictionary defined on the stream (StringDefinitions). */
  stringDictionary?: boolean;
  /** Integer numbers as INT (instead of NUMBER with scale 0). */
  integerKind?: boolean;
  /** Strings with a digit run as prefix + integer + suffix (STRING_NUMBER). Pays off with stringDictionary. */
  numberedStrings?: boolean;
}

/** What the compact stream transport uses: every size optimisation. */
export const STREAM_ENCODING: Readonly<CompactEncoderOptions> = Object.freeze({ stringDictionary: true, integerKind: true, numberedStrings: true });

export { MAX_DICTIONARY_STRING_LENGTH, MAX_DICTIONARY_STRINGS, MAX_TEMPLATE_TEXT_LENGTH };

/** Strings seen once, remembered to spot the second sighting (cleared when full). */
const MAX_DICTIONARY_CANDIDATES = 8192;
/** Longest digit run sent as a number (10^15 < 2^53). */
const MAX_NUMBER_DIGITS = 15;
/** A slot is declared STRING_NUMBER when its strings have digit runs at least this long, mostly. */
const MIN_ID_DIGITS = 3;
const SAFE_HALF = 2 ** 52;

/** Bytes of the zigzag varint of a safe integer (approximate beyond 2^52, where it does not matter). */
function sintSize(v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Field numbers of ClientMessage / RecordBatch / TemplateDefinition / Hello. */
const CLIENT_HELLO = 1;
const CLIENT_TEMPLATES = 2;
const CLIENT_BATCH = 3;
const CLIENT_STRINGS = 4;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Decimal numbers are sent scaled when |m| stays below this (n = m * 16 + s is then an exact double). */
const DECIMAL_MAX_MANTISSA = 2 ** 47;
const MAX_DECIMAL_SCALE = 14;
const NUMBER_DOUBLE_ESCAPE = 15;
const POW10: number[] = Array.from({ length: MAX_DECIMAL_SCALE + 1 }, (_, i) => 10 ** i);
/** Distinct strings tracked for back references per batch; beyond it strings are sent inline. */
const MAX_STRING_REFS = 16384;
/** Seconds apart below which a nanosecond delta is an exact double (2^53 ns is 104 days). */
const SAFE_DELTA_SECONDS = 9_000_000;

const ZERO_TRACE = new Uint8Array(16);
const ZERO_SPAN = new Uint8Array(8);

/** What an encoder knows about one template: its index and the definition sent on each new stream. */
export interface TemplateSlot {
  readonly index: number;
  readonly template: Template;
  readonly severity: number;
  readonly kinds: Uint8Array;
  /** Encoded TemplateDefinition message (without its field tag). */
  readonly definition: Buffer;
}

/** A batch encoded once, resent unchanged after a reconnect. */
export class CompactBatch {
  constructor(
    readonly sequence: number,
    /** ClientMessage { batch } bytes. */
    readonly message: Buffer,
    /** Templates the batch refers to (they must be defined on the stream first). */
    readonly templates: readonly TemplateSlot[],
    readonly records: number,
    /** Dictionary entries 1..dictionarySize must be defined on the stream first (0: none). */
    readonly dictionarySize = 0,
  ) {}
}

/** A string's last digit run as a number, when it has one that renders back exactly. */
function splitNumbered(s: string): { prefix: string; value: number; suffix: string; digits: number } | undefined {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c >= 48 && c <= 57) break;
    end--;
  }
  if (end === 0) return undefined;
  let start = end - 1;
  while (start > 0) {
    const c = s.charCodeAt(start - 1);
    if (c < 48 || c > 57) break;
    start--;
  }
  const digits = end - start;
  if (digits > MAX_NUMBER_DIGITS || (digits > 1 && s.charCodeAt(start) === 48)) return undefined;
  return { prefix: s.slice(0, start), value: Number(s.slice(start, end)), suffix: s.slice(end), digits };
}

/** Kind of a captured argument in the plain encoding. */
function kindOf(v: ArgumentValue): ArgumentKind {
  switch (typeof v) {
    case 'string':
      return ArgumentKind.String;
    case 'number':
      return ArgumentKind.Number;
    case 'boolean':
      return ArgumentKind.Bool;
    case 'bigint':
      // Beyond int64 the OTLP path sends the decimal text; so do we.
      return v >= INT64_MIN && v <= INT64_MAX ? ArgumentKind.Int : ArgumentKind.String;
  }
  return ArgumentKind.Bytes;
}

/** Reusable column writers of one batch. */
class Columns {
  readonly main = new ProtoWriter(64 * 1024);
  readonly templateIndex = new ProtoWriter(2048);
  readonly timeDelta = new ProtoWriter(4096);
  readonly strings = new ProtoWriter(16 * 1024);
  readonly stringRefs = new ProtoWriter(2048);
  readonly ints = new ProtoWriter(256);
  readonly numbers = new ProtoWriter(4096);
  readonly doubles = new ProtoWriter(1024);
  readonly bools = new ProtoWriter(256);
  readonly bytes = new ProtoWriter(256);
  readonly severityRecord = new ProtoWriter(256);
  readonly severityValue = new ProtoWriter(256);
  readonly kindRecord = new ProtoWriter(256);
  readonly kindValue = new ProtoWriter(256);
  readonly attributeSets = new ProtoWriter(1024);
  readonly boundColumn = new ProtoWriter(1024);
  readonly callColumn = new ProtoWriter(1024);
  readonly spanColumn = new ProtoWriter(1024);
  readonly traceIds = new ProtoWriter(256);
  readonly spanIds = new ProtoWriter(256);
  readonly traceFlags = new ProtoWriter(64);
  readonly verbatim = new ProtoWriter(256);
  readonly stringNumbers = new ProtoWriter(256);

  reset(): void {
    for (const w of [
      this.main,
      this.templateIndex,
      this.timeDelta,
      this.strings,
      this.stringRefs,
      this.ints,
      this.numbers,
      this.doubles,
      this.bools,
      this.bytes,
      this.severityRecord,
      this.severityValue,
      this.kindRecord,
      this.kindValue,
      this.attributeSets,
      this.boundColumn,
      this.callColumn,
      this.spanColumn,
      this.traceIds,
      this.spanIds,
      this.traceFlags,
      this.verbatim,
      this.stringNumbers,
    ])
      w.reset();
  }
}

export class CompactEncoder {
  private readonly slots = new WeakMap<Template, TemplateSlot>();
  private nextIndex = 1;
  private readonly columns = new Columns();
  private readonly kindScratch: number[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly attributeSetIds = new Map<AttributeList, number>();
  private readonly spanIds = new Map<string, number>();
  private readonly options: CompactEncoderOptions;
  /** The string dictionary: entry k is dictionary[k - 1]. */
  private readonly dictionary: string[] = [];
  private readonly dictionaryIds = new Map<string, number>();
  private readonly candidates = new Set<string>();
  /** Declared kinds of templates first seen in the batch being encoded (stream encoding). */
  private readonly firstBatchKinds = new Map<Template, Uint8Array>();

  constructor(options: CompactEncoderOptions = {}) {
    this.options = { ...options };
  }

  /** Templates whose definition was built; they keep their index for the encoder's life. */
  get templateCount(): number {
    return this.nextIndex - 1;
  }

  /** Dictionary entries so far. */
  get dictionarySize(): number {
    return this.dictionary.length;
  }

  /** Dictionary entries from..to (1-based, inclusive). */
  dictionaryEntries(from: number, to: number): string[] {
    return this.dictionary.slice(from - 1, to);
  }

  /** The slot of a template, defining it (from the record at `slot`) on first use. */
  private slotFor(template: Template, buf: RecordBuffer, slot: number, args: readonly ArgumentValue[] | undefined): TemplateSlot {
    let s = this.slots.get(template);
    if (s !== undefined) return s;
    let kinds = this.firstBatchKinds.get(template);
    if (kinds === undefined) {
      kinds = new Uint8Array(template.placeholderCount);
      if (args !== undefined) for (let i = 0; i < kinds.length; i++) kinds[i] = kindOf(args[i]);
    }
    const severity = buf.severity[slot];
    const index = this.nextIndex++;
    s = { index, template, severity, kinds, definition: encodeTemplateDefinition(index, template, severity, kinds) };
    this.slots.set(template, s);
    return s;
  }

  /**
   * Stream encoding: the declared kinds of templates first seen in this batch, from
   * all their records here (numbers: INT unless one has decimals; strings:
   * STRING_NUMBER when most have an id-like digit run).
   */
  private declareNewTemplateKinds(batch: ExportBatch): void {
    this.firstBatchKinds.clear();
    const { integerKind, numberedStrings } = this.options;
    if (!integerKind && !numberedStrings) return;
    const buf = batch.buffer;
    const counts = new Map<Template, Float64Array>();
    for (let i = 0; i < batch.length; i++) {
      const slot = batch.slot(i);
      const template = buf.template[slot];
      if (template === undefined || this.slots.has(template)) continue;
      const args = buf.args[slot];
      const n = template.placeholderCount;
      if (args === undefined || args.length !== n) continue;
      let c = counts.get(template);
      if (c === undefined) {
        // Per argument: [first kind, decimals, numbered strings, strings, INT bytes, INT_DELTA bytes, previous].
        c = new Float64Array(7 * n).fill(0);
        for (let a = 0; a < n; a++) c[7 * a] = kindOf(args[a]);
        counts.set(template, c);
      }
      for (let a = 0; a < n; a++) {
        const v = args[a];
        const at = 7 * a;
        if (typeof v === 'number') {
          if (!isIntegral(v)) c[at + 1]++;
          else if (Math.abs(v) < SAFE_HALF) {
            c[at + 4] += sintSize(v);
            c[at + 5] += sintSize(v - c[at + 6]);
            c[at + 6] = v;
          } else c[at + 1]++; // huge integers: not worth delta coding
        } else if (typeof v === 'string') {
          c[at + 3]++;
          const split = numberedStrings ? splitNumbered(v) : undefined;
          if (split !== undefined && split.digits >= MIN_ID_DIGITS) c[at + 2]++;
        }
      }
    }
    for (const [template, c] of counts) {
      const kinds = new Uint8Array(template.placeholderCount);
      for (let a = 0; a < kinds.length; a++) {
        const at = 7 * a;
        let kind = c[at] as ArgumentKind;
        if (kind === ArgumentKind.Number && integerKind && c[at + 1] === 0) {
          // Delta coding when it saves at least a tenth.
          kind = c[at + 5] < 0.9 * c[at + 4] ? ArgumentKind.IntDelta : ArgumentKind.Int;
        }
        if (kind === ArgumentKind.String && numberedStrings && c[at + 2] * 2 >= c[at + 3] && c[at + 3] > 0) kind = ArgumentKind.StringNumber;
        kinds[a] = kind;
      }
      this.firstBatchKinds.set(template, kinds);
    }
  }

  /** Kind of an argument as this encoder sends it, given the kind its template declares. */
  private sentKindOf(v: ArgumentValue, declared: number): ArgumentKind {
    const kind = kindOf(v);
    if (kind === ArgumentKind.Number) {
      // An integer where NUMBER is declared stays NUMBER (scale 0): no override.
      if (this.options.integerKind && declared !== ArgumentKind.Number && isIntegral(v as number)) {
        return declared === ArgumentKind.IntDelta && Math.abs(v as number) < SAFE_HALF ? ArgumentKind.IntDelta : ArgumentKind.Int;
      }
      return kind;
    }
    if (kind === ArgumentKind.String && declared === ArgumentKind.StringNumber && typeof v === 'string' && splitNumbered(v) !== undefined) {
      return ArgumentKind.StringNumber;
    }
    return kind;
  }

  /** One string in the string columns: a dictionary index, a back reference, or inline. */
  private writeString(text: string): void {
    const c = this.columns;
    if (this.options.stringDictionary) {
      const id = this.dictionaryIds.get(text);
      if (id !== undefined) {
        c.stringRefs.uint32(id);
        this.anyStringRef = true;
        return;
      }
      if (text.length <= MAX_DICTIONARY_STRING_LENGTH && this.dictionary.length < MAX_DICTIONARY_STRINGS) {
        if (this.candidates.has(text)) {
          // Second sighting: from now on an index.
          this.candidates.delete(text);
          this.dictionary.push(text);
          const k = this.dictionary.length;
          this.dictionaryIds.set(text, k);
          c.stringRefs.uint32(k);
          this.anyStringRef = true;
          return;
        }
        if (this.candidates.size >= MAX_DICTIONARY_CANDIDATES) this.candidates.clear();
        this.candidates.add(text);
      }
      c.stringRefs.uint32(0);
      c.strings.tag(7, WIRE_LEN).string(text);
      return;
    }
    const known = this.stringIds.get(text);
    if (known !== undefined) {
      c.stringRefs.uint32(known);
      this.anyStringRef = true;
      return;
    }
    c.stringRefs.uint32(0);
    c.strings.tag(7, WIRE_LEN).string(text);
    this.distinctStrings++;
    if (this.distinctStrings <= MAX_STRING_REFS) this.stringIds.set(text, this.distinctStrings);
  }

  private anyStringRef = false;
  private distinctStrings = 0;
  /** INT_DELTA: the previous value per template index and argument position, in this batch. */
  private readonly deltaPrevious = new Map<number, number[]>();

  /** Encodes a batch as ClientMessage { batch }. */
  encodeBatch(batch: ExportBatch): CompactBatch {
    const c = this.columns;
    c.reset();
    this.stringIds.clear();
    this.attributeSetIds.clear();
    this.spanIds.clear();
    this.anyStringRef = false;
    this.distinctStrings = 0;
    this.deltaPrevious.clear();
    this.declareNewTemplateKinds(batch);
    const buf = batch.buffer;
    const used: TemplateSlot[] = [];
    const usedSet = new Set<TemplateSlot>();
    let templated = 0;
    let prevSec = 0;
    let prevNano = 0;
    let baseSec = -1;
    let baseNano = 0;
    let anyBound = false;
    let anyCall = false;
    let anySpan = false;
    let lastTrace: string | undefined;
    let lastSpan: string | undefined;
    let lastFlags = -1;
    let lastSpanIndex = 0;
    const kinds = this.kindScratch;

    for (let i = 0; i < batch.length; i++) {
      const slot = batch.slot(i);
      const template = buf.template[slot];
      const args = buf.args[slot];
      const argCount = args === undefined ? 0 : args.length;
      const sec = buf.timeSec[slot];
      if (
        template === undefined ||
        argCount !== template.placeholderCount ||
        template.text.length > MAX_TEMPLATE_TEXT_LENGTH ||
        buf.extra[slot] !== undefined ||
        (buf.scope[slot] !== undefined && buf.scope[slot] !== LOGFUN_SCOPE) ||
        !(sec >= 0)
      ) {
        c.templateIndex.uint32(0);
        writeVerbatimRecord(c.verbatim, buf, slot);
        continue;
      }
      const s = this.slotFor(template, buf, slot, args);
      if (!usedSet.has(s)) {
        usedSet.add(s);
        used.push(s);
      }
      const j = templated++;
      c.templateIndex.uint32(s.index);

      // Time: delta from the previous templated record, exact.
      const nano = buf.timeNano[slot];
      if (baseSec < 0) {
        baseSec = sec;
        baseNano = nano;
        c.timeDelta.uint32(0);
      } else if (Math.abs(sec - prevSec) < SAFE_DELTA_SECONDS) {
        c.timeDelta.sint64((sec - prevSec) * 1e9 + (nano - prevNano));
      } else {
        c.timeDelta.sint64Big(BigInt(sec - prevSec) * 1_000_000_000n + BigInt(nano - prevNano));
      }
      prevSec = sec;
      prevNano = nano;

      const severity = buf.severity[slot];
      if (severity !== s.severity) {
        c.severityRecord.uint32(j);
        c.severityValue.uint32(severity);
      }

      if (argCount > 0) {
        const declared = s.kinds;
        let differs = false;
        for (let a = 0; a < argCount; a++) {
          const v = args![a];
          const kind = this.sentKindOf(v, declared[a]);
          kinds[a] = kind;
          if (kind !== declared[a]) differs = true;
          switch (kind) {
            case ArgumentKind.String:
              this.writeString(typeof v === 'string' ? v : (v as bigint).toString());
              break;
            case ArgumentKind.StringNumber: {
              const split = splitNumbered(v as string)!;
              this.writeString(split.prefix);
              this.writeString(split.suffix);
              c.stringNumbers.uint53(split.value);
              break;
            }
            case ArgumentKind.Number:
              writeNumber(c.numbers, c.doubles, v as number);
              break;
            case ArgumentKind.Int:
              if (typeof v === 'number') c.ints.sint64(v === 0 ? 0 : v);
              else c.ints.sint64Big(v as bigint);
              break;
            case ArgumentKind.IntDelta: {
              // |v| and the previous value are below 2^52: the difference is exact.
              let previous = this.deltaPrevious.get(s.index);
              if (previous === undefined) {
                previous = new Array<number>(argCount).fill(0);
                this.deltaPrevious.set(s.index, previous);
              }
              const n = v === 0 ? 0 : (v as number);
              c.ints.sint64(n - previous[a]);
              previous[a] = n;
              break;
            }
            case ArgumentKind.Bool:
              c.bools.bool(v as boolean);
              break;
            case ArgumentKind.Bytes:
              c.bytes.tag(11, WIRE_LEN).bytes(v as Uint8Array);
              break;
          }
        }
        if (differs) {
          c.kindRecord.uint32(j);
          for (let a = 0; a < argCount; a++) c.kindValue.uint32(kinds[a]);
        }
      }

      const bound = buf.bound[slot];
      if (bound !== undefined && (bound.keys.length > 0 || bound.dropped > 0)) {
        c.boundColumn.uint32(this.attributeSetIndex(bound));
        anyBound = true;
      } else c.boundColumn.uint32(0);
      const call = buf.attrs[slot];
      if (call !== undefined && (call.keys.length > 0 || call.dropped > 0)) {
        c.callColumn.uint32(this.attributeSetIndex(call));
        anyCall = true;
      } else c.callColumn.uint32(0);

      const traceId = buf.traceId[slot];
      const spanId = buf.spanId[slot];
      if (traceId !== undefined && spanId !== undefined) {
        const flags = buf.traceFlags[slot];
        if (traceId !== lastTrace || spanId !== lastSpan || flags !== lastFlags) {
          lastTrace = traceId;
          lastSpan = spanId;
          lastFlags = flags;
          const key = traceId + spanId + flags;
          let k = this.spanIds.get(key);
          if (k === undefined) {
            k = this.spanIds.size + 1;
            this.spanIds.set(key, k);
            c.traceIds.raw(hexId(traceId, 16, ZERO_TRACE));
            c.spanIds.raw(hexId(spanId, 8, ZERO_SPAN));
            c.traceFlags.uint32(flags);
          }
          lastSpanIndex = k;
        }
        c.spanColumn.uint32(lastSpanIndex);
        anySpan = true;
      } else c.spanColumn.uint32(0);
    }

    const m = c.main;
    m.tag(1, WIRE_VARINT).uint53(batch.sequence);
    if (baseSec >= 0) m.tag(2, WIRE_I64).fixed64UnixNano(baseSec, baseNano);
    m.message(3, c.templateIndex);
    if (c.timeDelta.length > 0) m.message(4, c.timeDelta);
    m.raw(c.strings.buf.subarray(0, c.strings.length));
    if (c.ints.length > 0) m.message(8, c.ints);
    if (c.doubles.length > 0) m.message(9, c.doubles);
    if (c.bools.length > 0) m.message(10, c.bools);
    m.raw(c.bytes.buf.subarray(0, c.bytes.length));
    if (anySpan) {
      m.tag(12, WIRE_LEN).bytes(c.traceIds.buf.subarray(0, c.traceIds.length));
      m.tag(13, WIRE_LEN).bytes(c.spanIds.buf.subarray(0, c.spanIds.length));
    }
    if (batch.droppedSinceLast > 0) m.tag(14, WIRE_VARINT).uint53(batch.droppedSinceLast);
    if (c.numbers.length > 0) m.message(15, c.numbers);
    if (this.anyStringRef) m.message(17, c.stringRefs);
    if (c.severityRecord.length > 0) {
      m.message(18, c.severityRecord);
      m.message(19, c.severityValue);
    }
    if (c.kindRecord.length > 0) {
      m.message(20, c.kindRecord);
      m.message(21, c.kindValue);
    }
    m.raw(c.attributeSets.buf.subarray(0, c.attributeSets.length));
    if (anyBound) m.message(23, c.boundColumn);
    if (anyCall) m.message(24, c.callColumn);
    if (anySpan) {
      m.message(25, c.spanColumn);
      if (hasNonZeroVarint(c.traceFlags)) m.message(26, c.traceFlags);
    }
    m.raw(c.verbatim.buf.subarray(0, c.verbatim.length));
    const dictionarySize = this.options.stringDictionary ? this.dictionary.length : 0;
    if (dictionarySize > 0) m.tag(28, WIRE_VARINT).uint32(dictionarySize);
    if (c.stringNumbers.length > 0) m.message(29, c.stringNumbers);
    writeMutedCounts(m, batch.mutedCounts);

    const header = new ProtoWriter(8);
    header.tag(CLIENT_BATCH, WIRE_LEN).uint32(m.length);
    const message = Buffer.concat([header.buf.subarray(0, header.length), m.buf.subarray(0, m.length)]);
    return new CompactBatch(batch.sequence, message, used, batch.length, dictionarySize);
  }

  /** 1-based index of an attribute list in the batch's attribute_sets, adding it on first use. */
  private attributeSetIndex(list: AttributeList): number {
    let k = this.attributeSetIds.get(list);
    if (k !== undefined) return k;
    k = this.attributeSetIds.size + 1;
    this.attributeSetIds.set(list, k);
    const w = this.columns.attributeSets;
    w.fork(22);
    for (let i = 0; i < list.keys.length; i++) writeKeyValue(w, 1, list.keys[i], list.values[i]);
    if (list.dropped > 0) w.tag(2, WIRE_VARINT).uint32(list.dropped);
    w.ldelim();
    return k;
  }
}

/** A JavaScript number into number_values (and double_values for the escape). */
function writeNumber(numbers: ProtoWriter, doubles: ProtoWriter, v: number): void {
  if (isIntegral(v)) {
    // -0 is a safe integer: sent (and exported by the OTLP path) as int 0.
    if (Math.abs(v) < DECIMAL_MAX_MANTISSA) numbers.sint64(v === 0 ? 0 : v * 16);
    else numbers.sint64Big(BigInt(v) * 16n);
    return;
  }
  if (Number.isFinite(v)) {
    const magnitude = Math.abs(v);
    for (let s = 1; s <= MAX_DECIMAL_SCALE; s++) {
      const p = POW10[s];
      if (magnitude * p >= DECIMAL_MAX_MANTISSA) break;
      const m = Math.round(v * p);
      if (m / p === v) {
        numbers.sint64(m * 16 + s);
        return;
      }
    }
  }
  numbers.sint64(NUMBER_DOUBLE_ESCAPE);
  doubles.double(v);
}

function hasNonZeroVarint(w: ProtoWriter): boolean {
  for (let i = 0; i < w.length; i++) if (w.buf[i] !== 0) return true;
  return false;
}

function hexId(hex: string, size: number, zero: Uint8Array): Uint8Array {
  if (hex.length !== size * 2) return zero;
  const b = Buffer.from(hex, 'hex');
  return b.length === size ? b : zero;
}

// ---- AnyValue / KeyValue (OTLP common.proto), as the OTLP transport encodes them ----

/** An AnyValue's fields (no tag): int for safe-integer numbers and int64 bigints, double for other numbers. */
export function writeAnyValueFields(w: ProtoWriter, v: AttributeValue | ArgumentValue): void {
  switch (typeof v) {
    case 'string':
      w.tag(1, WIRE_LEN).string(v);
      return;
    case 'boolean':
      w.tag(2, WIRE_VARINT).bool(v);
      return;
    case 'number':
      if (isIntegral(v)) w.tag(3, WIRE_VARINT).int64(v);
      else w.tag(4, WIRE_I64).double(v);
      return;
    case 'bigint':
      if (v >= INT64_MIN && v <= INT64_MAX) w.tag(3, WIRE_VARINT).uint64Big(v);
      else w.tag(1, WIRE_LEN).string(v.toString());
      return;
  }
  if (v === null || v === undefined) return;
  if (v instanceof Uint8Array) {
    w.tag(7, WIRE_LEN).bytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.fork(5);
    for (const item of v) {
      w.fork(1);
      writeAnyValueFields(w, item);
      w.ldelim();
    }
    w.ldelim();
    return;
  }
  const obj = v as { [key: string]: AttributeValue };
  w.fork(6);
  for (const key of Object.keys(obj)) writeKeyValue(w, 1, key, obj[key]);
  w.ldelim();
}

/** A KeyValue as field `field` of the enclosing message. */
export function writeKeyValue(w: ProtoWriter, field: number, key: string, value: AttributeValue | ArgumentValue): void {
  w.fork(field);
  w.tag(1, WIRE_LEN).string(key);
  w.fork(2);
  writeAnyValueFields(w, value);
  w.ldelim();
  w.ldelim();
}

function writeUnixNanoBig(w: ProtoWriter, ns: bigint): void {
  w.fixed64Big(ns);
}

/** VerbatimRecord { record: LogRecord (exactly as the OTLP transport writes it), scope, scope_schema_url }. */
function writeVerbatimRecord(w: ProtoWriter, buf: RecordBuffer, slot: number): void {
  w.fork(27);
  w.fork(1);
  w.tag(1, WIRE_I64);
  writeUnixNanoBig(w, timeUnixNanoAt(buf, slot));
  w.tag(11, WIRE_I64);
  writeUnixNanoBig(w, observedTimeUnixNanoAt(buf, slot));
  const severity = buf.severity[slot];
  if (severity !== 0) w.tag(2, WIRE_VARINT).uint32(severity);
  const severityText = severityTextAt(buf, slot);
  if (severityText !== '') w.tag(3, WIRE_LEN).string(severityText);
  const body = bodyAt(buf, slot);
  if (body !== undefined) {
    w.fork(5);
    writeAnyValueFields(w, body);
    w.ldelim();
  }
  forEachAttribute(buf, slot, true, (key, value) => writeKeyValue(w, 6, key, value));
  const dropped = droppedAttributesAt(buf, slot);
  if (dropped !== 0) w.tag(7, WIRE_VARINT).uint32(dropped);
  const flags = buf.traceFlags[slot];
  if (flags !== 0) w.tag(8, WIRE_I32).fixed32(flags);
  const traceId = buf.traceId[slot];
  if (traceId) w.tag(9, WIRE_LEN).bytes(Buffer.from(traceId, 'hex'));
  const spanId = buf.spanId[slot];
  if (spanId) w.tag(10, WIRE_LEN).bytes(Buffer.from(spanId, 'hex'));
  const eventName = eventNameAt(buf, slot);
  if (eventName) w.tag(12, WIRE_LEN).string(eventName);
  w.ldelim();
  const scope = scopeAt(buf, slot);
  writeScope(w, 2, scope);
  if (scope.schemaUrl) w.tag(3, WIRE_LEN).string(scope.schemaUrl);
  w.ldelim();
}

function writeScope(w: ProtoWriter, field: number, scope: InstrumentationScope): void {
  w.fork(field);
  if (scope.name) w.tag(1, WIRE_LEN).string(scope.name);
  if (scope.version) w.tag(2, WIRE_LEN).string(scope.version);
  const attrs = scope.attributes;
  if (attrs !== undefined) {
    for (let i = 0; i < attrs.keys.length; i++) writeKeyValue(w, 3, attrs.keys[i], attrs.values[i]);
    if (attrs.dropped > 0) w.tag(4, WIRE_VARINT).uint32(attrs.dropped);
  }
  w.ldelim();
}

// ---- template definitions and Hello ----

function encodeTemplateDefinition(index: number, template: Template, severity: number, kinds: Uint8Array): Buffer {
  const w = new ProtoWriter(template.text.length + 64);
  w.tag(1, WIRE_VARINT).uint32(index);
  w.tag(2, WIRE_I64).fixed64Big(template.id);
  w.tag(3, WIRE_LEN).string(template.text);
  if (severity !== 0) w.tag(4, WIRE_VARINT).uint32(severity);
  const severityText = severityTextOf(severity);
  if (severityText) w.tag(5, WIRE_LEN).string(severityText);
  const site = template.site;
  if (site !== undefined) {
    if (site.function) w.tag(6, WIRE_LEN).string(site.function);
    w.tag(7, WIRE_LEN).string(`${site.filepath}:${site.lineno}`);
    w.tag(8, WIRE_LEN).string(site.filepath);
    w.tag(9, WIRE_VARINT).int64(site.lineno);
  }
  if (kinds.length > 0) {
    w.fork(10);
    for (let i = 0; i < kinds.length; i++) w.uint32(kinds[i]);
    w.ldelim();
  }
  return w.finish();
}

/** ClientMessage { templates: { templates: definitions, reset } }. */
export function encodeTemplateDefinitions(slots: readonly TemplateSlot[], reset: boolean): Buffer {
  let size = 8;
  for (const s of slots) size += s.definition.length + 6;
  const inner = new ProtoWriter(size);
  for (const s of slots) {
    inner.tag(1, WIRE_LEN).uint32(s.definition.length);
    inner.raw(s.definition);
  }
  if (reset) inner.tag(2, WIRE_VARINT).bool(true);
  const out = new ProtoWriter(inner.length + 8);
  out.message(CLIENT_TEMPLATES, inner);
  return out.finish();
}

/**
 * Most bytes per definitions message: a new stream may need thousands of entries,
 * and a collector's max_recv_msg_size may be small (it refuses a larger message
 * by ending the stream, which no batch split could cure).
 */
export const MAX_DEFINITIONS_MESSAGE_BYTES = 32 * 1024;

/** ClientMessage { strings } messages defining dictionary entries first, first + 1, ... (split to bound their size). */
export function encodeStringDefinitions(first: number, values: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < values.length) {
    const inner = new ProtoWriter(4096);
    inner.tag(1, WIRE_VARINT).uint32(first + at);
    while (at < values.length && inner.length < MAX_DEFINITIONS_MESSAGE_BYTES) inner.tag(2, WIRE_LEN).string(values[at++]);
    const msg = new ProtoWriter(inner.length + 8);
    msg.message(CLIENT_STRINGS, inner);
    out.push(msg.finish());
  }
  return out;
}

export interface HelloFields {
  resource: Resource;
  scope: InstrumentationScope;
  sdkVersion: string;
  lastAckedSequence: number;
  sessionId: Uint8Array;
}

/** ClientMessage { hello }. */
export function encodeHello(h: HelloFields): Buffer {
  const w = new ProtoWriter(512);
  w.fork(CLIENT_HELLO);
  const attrs = h.resource.attributes;
  for (let i = 0; i < attrs.keys.length; i++) writeKeyValue(w, 1, attrs.keys[i], attrs.values[i]);
  if (h.scope.name) w.tag(2, WIRE_LEN).string(h.scope.name);
  if (h.scope.version) w.tag(3, WIRE_LEN).string(h.scope.version);
  if (h.sdkVersion) w.tag(4, WIRE_LEN).string(h.sdkVersion);
  if (h.lastAckedSequence > 0) w.tag(5, WIRE_VARINT).uint53(h.lastAckedSequence);
  if (h.sessionId.length > 0) w.tag(6, WIRE_LEN).bytes(h.sessionId);
  w.ldelim();
  return w.finish();
}

/** RecordBatch.muted_counts (field 30): one MutedCount message per entry. */
export function writeMutedCounts(m: ProtoWriter, counts: readonly MutedCount[]): void {
  for (const c of counts) {
    if (!(c.count > 0)) continue;
    m.fork(30);
    if (c.templateId !== 0n) m.tag(1, WIRE_I64).fixed64Big(c.templateId);
    if (c.function !== '') m.tag(2, WIRE_LEN).string(c.function);
    m.tag(3, WIRE_VARINT).uint53(c.count);
    if (c.reason !== 0) m.tag(4, WIRE_VARINT).uint32(c.reason);
    m.ldelim();
  }
}
