/**
 * The compact protocol's meaning, independent of gRPC: one decoder per stream
 * (or per compact file) holds what the Hello and the template definitions said
 * and turns each RecordBatch into a LogBatch.
 *
 * Every record comes out as the OTLP path delivers the same SDK record
 * (sdk/wire/otlp-encode.ts -> collector/otlp/wire-decode.ts), so everything
 * downstream works unchanged:
 *   - Body: the template rendered with its arguments (plain text), built when first read (bodyOf);
 *   - attributes: the logger's bound attributes (minus keys the call sets), the
 *     call's attributes, then log.record.template, log.record.template.id,
 *     code.function (when known) / code.filepath / code.lineno, and typed
 *     log.record.arg.<i> (int64 -> bigint, double -> number, ...);
 *   - resource from the Hello, scope from the Hello, severity number and text,
 *     time = observed time, trace/span ids and flags;
 * and in addition templateId / templateArgs (the arguments as rendered in the Body; an integer
 * argument kept as a number, see TemplateArg).
 * Records sent verbatim (OTel API records) are decoded by the OTLP decoder itself.
 *
 * Input that breaks the protocol (unknown template index, an argument count
 * that does not match the template, a column that is too short or too long, a
 * reference out of range, an id that is not templateIdOf(text)) throws Malformed.
 */
import { ArgumentKind, MAX_ARGUMENT_KIND } from '../../protocol/argument-kind';
import { LogBatchBuilder, reusableRecordInput, sharedAttributeList, type AnyValue, type KeyValue, type LogBatch, type TemplateArg } from '../pipeline/batch';
import { decodeExportRequest } from '../otlp/wire-decode';
import { parseTemplateText } from '../../protocol/template-text';
import { templateIdOf, templateIdToString } from '../../protocol/template-id';
import { severityTextOf } from '../../protocol/severity';
import { ProtoWriter, WIRE_LEN } from '../../protocol/proto-writer';
import { MAX_DICTIONARY_STRING_LENGTH } from '../../protocol/compact-limits';
import { Malformed } from '../protobuf/reader';
import type { HelloMessage, MutedCountMessage, RecordBatchMessage, TemplateDefinitionMessage } from './messages';

const SAFE = Number.MAX_SAFE_INTEGER;
/** Digit runs of STRING_NUMBER arguments are below 10^15 (the SDK's bound), so String(n) is exact. */
const MAX_STRING_NUMBER = 1e15;

const POW10: number[] = Array.from({ length: 15 }, (_, i) => 10 ** i);

const TEMPLATE_ATTRIBUTE = 'log.record.template';
const TEMPLATE_ID_ATTRIBUTE = 'log.record.template.id';
const ARGUMENT_KEYS: string[] = [];
function argumentKey(i: number): string {
  return (ARGUMENT_KEYS[i] ??= `log.record.arg.${i}`);
}

/** A template as defined on one stream. */
export interface StreamTemplate {
  readonly index: number;
  readonly id: bigint;
  readonly idString: string;
  readonly text: string;
  readonly parts: readonly string[];
  readonly placeholders: number;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly function: string;
  /** '' when the call site is unknown (then no code.* attributes). */
  readonly filepath: string;
  readonly lineno: bigint;
  /** "file:line" ('' when unknown). */
  readonly location: string;
  /** Declared argument kinds; undefined when the definition gave none (records must say). */
  readonly kinds: Uint8Array | undefined;
  /**
   * code.function / code.filepath / code.lineno of the site ([] when unknown): the whole
   * attribute list of a record without bound, call or template attributes, shared by all
   * such records (lists and their entries are never mutated in place downstream).
   */
  readonly siteAttributes: readonly KeyValue[];
}

export interface DecodedBatch {
  batch: LogBatch;
  sequence: number;
  /** Records the SDK reported dropped since its previous batch. */
  droppedSinceLast: number;
  /**
   * Records the SDK dropped because they were muted (RecordBatch.muted_counts; entries
   * with a count of 0 left out). The batch does not contain them: a receiver adds them
   * as report records (processors/spam/sdk-report.ts) through `builder`.
   */
  mutedCounts: MutedCountMessage[];
  /** The builder of `batch` (more records may be appended), with the Hello's resource and scope. */
  builder: LogBatchBuilder;
  /** The stream templates the batch's records use, each once. */
  usedTemplates: StreamTemplate[];
  resourceIndex: number;
  scopeIndex: number;
}

/**
 * What one stream may make the collector keep for the stream's life. The
 * dictionary bounds are the SDK's own (sdk/wire/compact-encode.ts), so a stream
 * holds at most 16384 x 64 UTF-16 units of strings (~2 MiB, ~1 MiB for Latin-1)
 * and DEFAULT_MAX_TEMPLATE_CHARS of template text, whatever its client sends.
 * (The string bound used to be 1024 units: ~17 MB per stream a client could fill.)
 */
export interface CompactDecoderOptions {
  /** Most templates defined at once; more is a protocol violation (the SDK must reset). Default 16384. */
  maxTemplates?: number;
  /** Most dictionary strings per stream (at least 16384, the SDK's bound). Default 16384. */
  maxStrings?: number;
  /** Longest dictionary string in UTF-16 units (at least the SDK's 64). Default 64. */
  maxStringLength?: number;
  /**
   * Most UTF-16 units of template text (text, function, file path, location) defined at
   * once on a stream; more is refused like too many templates. Default DEFAULT_MAX_TEMPLATE_CHARS.
   */
  maxTemplateChars?: number;
  /** Longest template text in UTF-16 units; a longer definition throws TemplateTooLong. Default: no limit. */
  maxTextLength?: number;
}

/** 16384 templates (the most a stream may define) of 256 characters each: 4 Mi UTF-16 units. */
export const DEFAULT_MAX_TEMPLATE_CHARS = 4 * 1024 * 1024;

/** A template's share of maxTemplateChars. */
function templateChars(t: StreamTemplate): number {
  return t.text.length + t.function.length + t.filepath.length + t.location.length;
}

/**
 * Bytes a stream's definitions hold beyond their characters, for heldBytes: measured
 * with `node --expose-gc` over 64,000 definitions, 770 bytes a definition of bare text
 * and 1,100 with a call site (the template object, its id string, parts, argument kinds,
 * site attributes); 29 a dictionary string of 64 characters.
 */
export const DEFINITION_OVERHEAD_BYTES = 1024;
export const DICTIONARY_STRING_OVERHEAD_BYTES = 32;

/** A template definition whose text is over the decoder's maxTextLength (checked before any hashing or parsing). */
export class TemplateTooLong extends Malformed {}

export class CompactStreamDecoder {
  private readonly templates = new Map<number, StreamTemplate>();
  private readonly maxTemplates: number;
  private readonly strings: string[] = [];
  /** UTF-16 units of the dictionary strings defined now. */
  private stringChars = 0;
  private readonly maxStrings: number;
  private readonly maxStringLength: number;
  private readonly maxTemplateChars: number;
  /** UTF-16 units of the templates defined now (templateChars). */
  private templateCharsTotal = 0;
  private readonly maxTextLength: number;
  private textChars = 0;
  private hello: HelloMessage | undefined;
  /** service.name of the Hello's resource ('' when absent). */
  serviceName = '';
  /** service.instance.id of the Hello's resource ('' when absent). */
  serviceInstanceId = '';
  /** ResourceInfo.senderScope of decoded batches (collector/pipeline/sender-scope.ts); set by the receiver. */
  senderScope: string | undefined;

  constructor(options: CompactDecoderOptions = {}) {
    this.maxTemplates = options.maxTemplates ?? 16_384;
    this.maxStrings = options.maxStrings ?? 16_384;
    this.maxStringLength = options.maxStringLength ?? MAX_DICTIONARY_STRING_LENGTH;
    this.maxTemplateChars = options.maxTemplateChars ?? DEFAULT_MAX_TEMPLATE_CHARS;
    this.maxTextLength = options.maxTextLength ?? Infinity;
  }

  get stringCount(): number {
    return this.strings.length;
  }

  /** Defines dictionary entries firstIndex, firstIndex + 1, ... (1-based, in order). Throws Malformed. */
  defineStrings(firstIndex: number, values: readonly string[]): void {
    if (firstIndex < 1 || firstIndex > this.strings.length + 1) {
      throw new Malformed(`string definitions start at entry ${firstIndex}, but only ${this.strings.length} entries are defined (entries are defined in order)`);
    }
    if (firstIndex - 1 + values.length > this.maxStrings) throw new Malformed(`more than ${this.maxStrings} dictionary strings on one stream`);
    for (let i = 0; i < values.length; i++) {
      if (values[i].length > this.maxStringLength) throw new Malformed(`dictionary string ${firstIndex + i} is longer than ${this.maxStringLength} characters`);
      this.stringChars += values[i].length - (this.strings[firstIndex - 1 + i]?.length ?? 0);
      this.strings[firstIndex - 1 + i] = values[i];
    }
  }

  get templateCount(): number {
    return this.templates.size;
  }

  /** Characters of template text the stream's current definitions hold (what a receiver bounds). */
  get templateTextChars(): number {
    return this.textChars;
  }

  /**
   * About the memory the stream's definitions and dictionary strings hold (what a receiver
   * bounds over all its open streams): their characters (a byte each: two for text outside
   * Latin-1, which this undercounts by at most half) plus DEFINITION_OVERHEAD_BYTES a
   * definition and DICTIONARY_STRING_OVERHEAD_BYTES a string.
   */
  get heldBytes(): number {
    return (
      this.templateCharsTotal +
      this.templates.size * DEFINITION_OVERHEAD_BYTES +
      this.stringChars +
      this.strings.length * DICTIONARY_STRING_OVERHEAD_BYTES
    );
  }

  get helloReceived(): boolean {
    return this.hello !== undefined;
  }

  setHello(hello: HelloMessage): void {
    this.hello = hello;
    for (const kv of hello.resource) {
      if (kv.key === 'service.name' && typeof kv.value === 'string') this.serviceName = kv.value;
      if (kv.key === 'service.instance.id' && typeof kv.value === 'string') this.serviceInstanceId = kv.value;
    }
  }

  /** Defines templates (after forgetting all of them when `reset`); returns the new definitions. Throws Malformed. */
  define(definitions: readonly TemplateDefinitionMessage[], reset: boolean): StreamTemplate[] {
    if (reset) {
      this.templates.clear();
      this.templateCharsTotal = 0;
      this.textChars = 0;
    }
    const out: StreamTemplate[] = [];
    for (const d of definitions) {
      if (d.index === 0) throw new Malformed('template index 0 is reserved');
      if (d.text.length > this.maxTextLength) {
        throw new TemplateTooLong(`template ${d.index}: text of ${d.text.length} characters is longer than the limit of ${this.maxTextLength} (service.templates.max_text_length)`);
      }
      // Checked before the text is parsed or kept: a redefinition replaces the old one's share.
      const previous = this.templates.get(d.index);
      const chars = d.text.length + d.function.length + d.codeFilepath.length + d.codeLocation.length;
      if (this.templateCharsTotal - (previous ? templateChars(previous) : 0) + chars > this.maxTemplateChars) {
        throw new Malformed(`template definitions on one stream exceed ${this.maxTemplateChars} characters of text (the SDK must send TemplateDefinitions.reset first)`);
      }
      const id = templateIdOf(d.text);
      if (id !== d.templateId) {
        throw new Malformed(`template ${d.index}: template_id ${d.templateId} is not templateIdOf(text) = ${id} for ${JSON.stringify(d.text.slice(0, 200))}`);
      }
      const parts = parseTemplateText(d.text);
      const placeholders = parts.length - 1;
      let kinds: Uint8Array | undefined;
      if (d.argumentKinds.length > 0 || placeholders === 0) {
        if (d.argumentKinds.length !== placeholders) {
          throw new Malformed(`template ${d.index}: ${d.argumentKinds.length} argument kinds for ${placeholders} placeholders`);
        }
        kinds = new Uint8Array(d.argumentKinds);
        for (const k of d.argumentKinds) if (k > MAX_ARGUMENT_KIND) throw new Malformed(`template ${d.index}: unknown argument kind ${k}`);
      }
      const hasSite = d.codeFilepath !== '';
      const t: StreamTemplate = {
        index: d.index,
        id,
        idString: templateIdToString(id),
        text: d.text,
        parts,
        placeholders,
        severityNumber: d.severityNumber,
        severityText: d.severityText || severityTextOf(d.severityNumber),
        function: d.function,
        filepath: d.codeFilepath,
        lineno: d.codeLineno,
        location: d.codeLocation || (hasSite ? `${d.codeFilepath}:${d.codeLineno}` : ''),
        kinds,
        siteAttributes: sharedAttributeList(siteAttributesOf(d.function, d.codeFilepath, d.codeLineno)),
      };
      if (previous) this.templateCharsTotal -= templateChars(previous);
      this.templateCharsTotal += templateChars(t);
      this.textChars += t.text.length - (this.templates.get(d.index)?.text.length ?? 0);
      this.templates.set(d.index, t);
      out.push(t);
    }
    if (this.templates.size > this.maxTemplates) {
      throw new Malformed(`more than ${this.maxTemplates} templates defined on one stream (the SDK must send TemplateDefinitions.reset first)`);
    }
    return out;
  }

  /**
   * Decodes a batch into a LogBatch. Throws Malformed. Without `templateAttributes`
   * records leave out log.record.template, log.record.template.id and log.record.arg.<i>
   * (their templateId / templateArgs columns say the same; see LogsConsumer.templateAttributesNeeded).
   */
  decode(b: RecordBatchMessage, templateAttributes = true): DecodedBatch {
    const hello = this.hello;
    if (hello === undefined) throw new Malformed('a RecordBatch before the Hello');
    const n = b.templateIndex.length;
    let templated = 0;
    for (let i = 0; i < n; i++) if (b.templateIndex[i] !== 0) templated++;
    checkColumns(b, n, templated);

    const builder = new LogBatchBuilder(n);
    const record = reusableRecordInput();
    const resourceIndex = builder.addResource({
      attributes: hello.resource.map((kv) => ({ key: kv.key, value: kv.value })),
      droppedAttributesCount: 0,
      schemaUrl: '',
      ...(this.senderScope !== undefined ? { senderScope: this.senderScope } : {}),
    });
    const scopeIndex = builder.addScope({ name: hello.scopeName, version: hello.scopeVersion, attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const verbatim = b.verbatim.length > 0 ? decodeVerbatim(b) : undefined;
    /** Scope index by the scope's bytes and schema URL (records of one OTel logger share one). */
    const verbatimScopes = new Map<string, number>();

    // Column cursors.
    let stringAt = 0;
    let stringRefAt = 0;
    let intAt = 0;
    let doubleAt = 0;
    let boolAt = 0;
    let bytesAt = 0;
    let numberAt = 0;
    let severityAt = 0;
    let kindRecordAt = 0;
    let kindAt = 0;
    let explicitKindAt = 0;
    let verbatimAt = 0;
    let stringNumberAt = 0;
    /** INT_DELTA: previous value per template index and argument position. */
    const deltaPrevious = new Map<number, (number | bigint)[]>();
    let deltaIndex = -1;
    let deltaValues: (number | bigint)[] | undefined;
    const used = new Map<number, StreamTemplate>();
    const useRefs = b.stringRefs.length > 0;
    const dictionarySize = b.dictionarySize;
    if (dictionarySize > this.strings.length) {
      throw new Malformed(`batch refers to ${dictionarySize} dictionary strings, ${this.strings.length} are defined on this stream`);
    }
    const strings = this.strings;
    /** The next string of the string columns (see ingest.proto). */
    const nextString = (i: number): string => {
      let ref = 0;
      if (useRefs) {
        if (stringRefAt >= b.stringRefs.length) throw new Malformed(`record ${i}: too few string_refs`);
        ref = b.stringRefs[stringRefAt++];
      }
      if (ref === 0) {
        if (stringAt >= b.stringValues.length) throw new Malformed(`record ${i}: too few string values`);
        return b.stringValues[stringAt++];
      }
      if (ref <= dictionarySize) return strings[ref - 1];
      const back = ref - dictionarySize;
      if (back > stringAt) throw new Malformed(`record ${i}: string reference ${ref} to a string not sent yet`);
      return b.stringValues[back - 1];
    };
    const explicitCounts = b.argumentCount.length > 0;
    const spanTable = b.spanContext.length > 0;
    const perRecordIds = !spanTable && b.traceIds !== undefined && b.traceIds.length > 0;
    const attributeSets = b.attributeSets;

    // The time as 32-bit halves (time = high * 2^32 + low, 0 <= low < 2^32): no bigint per record.
    // (`>>` floors and `&` takes the two's complement bits, so this holds for any base; each record checks its time.)
    let high = Number(b.baseTimeUnixNano >> 32n);
    let low = Number(b.baseTimeUnixNano & 0xffffffffn);
    let j = -1;
    let lastIndex = -1;
    let lastTemplate: StreamTemplate | undefined;
    for (let i = 0; i < n; i++) {
      const index = b.templateIndex[i];
      if (index === 0) {
        const v = verbatimAt++;
        const vb = verbatim!;
        const key = b.verbatim[v].scope.toString('latin1') + '\u0000' + b.verbatim[v].schemaUrl;
        let si = verbatimScopes.get(key);
        if (si === undefined) {
          si = builder.addScope(vb.scopes[vb.scopeIndex[v]]);
          verbatimScopes.set(key, si);
        }
        builder.add(
          resourceIndex,
          si,
          {
            timeUnixNano: vb.timeUnixNano[v],
            observedTimeUnixNano: vb.observedTimeUnixNano[v],
            severityNumber: vb.severityNumber[v],
            severityText: vb.severityText[v],
            body: vb.body[v],
            attributes: vb.attributes[v],
            droppedAttributesCount: vb.droppedAttributesCount[v],
            flags: vb.flags[v],
            traceId: vb.traceId[v],
            spanId: vb.spanId[v],
            eventName: vb.eventName[v],
          },
          estimateBytes(vb.body[v], vb.attributes[v].length),
        );
        continue;
      }
      j++;
      // Records come in runs of one template: look it up once per run.
      if (index !== lastIndex) {
        const found = this.templates.get(index);
        if (found === undefined) throw new Malformed(`record ${i}: unknown template index ${index} (not defined on this stream)`);
        if (!used.has(index)) used.set(index, found);
        lastIndex = index;
        lastTemplate = found;
      }
      const t = lastTemplate!;
      const delta = b.timeDelta.valueAt(j);
      if (typeof delta === 'number') {
        // a safe integer split into halves (exact: division by a power of two), added half by half
        const deltaHigh = Math.floor(delta / TWO_POW_32);
        low += delta - deltaHigh * TWO_POW_32;
        high += deltaHigh;
        if (low >= TWO_POW_32) {
          low -= TWO_POW_32;
          high++;
        }
      } else {
        const time = BigInt(high) * 0x1_0000_0000n + BigInt(low) + delta;
        high = Number(time >> 32n);
        low = Number(time & 0xffffffffn);
      }
      if (high < 0 || high >= TWO_POW_32) throw new Malformed(`record ${i}: time out of range`);

      let severity = t.severityNumber;
      let severityText = t.severityText;
      if (severityAt < b.severityOverrideRecord.length && b.severityOverrideRecord[severityAt] === j) {
        severity = b.severityOverride[severityAt++];
        if (severity > 255) throw new Malformed(`record ${i}: severity ${severity} out of range`);
        severityText = severityTextOf(severity);
      }

      // Argument kinds: explicit counts, an override, or the template's.
      let kinds: ArrayLike<number> | undefined = t.kinds;
      let kindOffset = 0;
      if (explicitCounts) {
        const count = b.argumentCount[j];
        if (count !== t.placeholders) throw new Malformed(`record ${i}: ${count} arguments for template ${index} with ${t.placeholders} placeholders`);
        kinds = b.argumentKind;
        kindOffset = explicitKindAt;
        explicitKindAt += count;
        if (explicitKindAt > b.argumentKind.length) throw new Malformed(`record ${i}: too few argument_kind entries`);
      } else if (kindRecordAt < b.kindOverrideRecord.length && b.kindOverrideRecord[kindRecordAt] === j) {
        kindRecordAt++;
        kinds = b.kindOverride;
        kindOffset = kindAt;
        kindAt += t.placeholders;
        if (kindAt > b.kindOverride.length) throw new Malformed(`record ${i}: too few kind_override entries for template ${index} with ${t.placeholders} placeholders`);
      } else if (kinds === undefined) {
        throw new Malformed(`record ${i}: template ${index} declares no argument kinds and the record gives none`);
      }

      const args: TemplateArg[] = t.placeholders > 0 ? new Array<TemplateArg>(t.placeholders) : EMPTY_ARGS;
      const argValues: AnyValue[] = templateAttributes && t.placeholders > 0 ? new Array<AnyValue>(t.placeholders) : EMPTY_VALUES;
      let argBytes = 0;
      for (let a = 0; a < t.placeholders; a++) {
        const kind = kinds![kindOffset + a];
        /** The argument as LogBatch.templateArgs keeps it: an integer stays a number (its text is made only where read). */
        let text: TemplateArg;
        let value: AnyValue;
        switch (kind) {
          case ArgumentKind.String:
            text = nextString(i);
            value = text;
            break;
          case ArgumentKind.StringNumber: {
            const prefix = nextString(i);
            const suffix = nextString(i);
            if (stringNumberAt >= b.stringNumbers.length) throw new Malformed(`record ${i}: too few string_numbers`);
            const n = b.stringNumbers[stringNumberAt++];
            if (n >= MAX_STRING_NUMBER) throw new Malformed(`record ${i}: string number ${n} has more than 15 digits`);
            text = prefix + String(n) + suffix;
            value = text;
            break;
          }
          case ArgumentKind.Int: {
            if (intAt >= b.intValues.length) throw new Malformed(`record ${i}: too few int values`);
            const v = b.intValues.valueAt(intAt++);
            value = templateAttributes && typeof v === 'number' ? BigInt(v) : v;
            text = typeof v === 'number' ? v : String(v);
            break;
          }
          case ArgumentKind.IntDelta: {
            if (intAt >= b.intValues.length) throw new Malformed(`record ${i}: too few int values`);
            const delta = b.intValues.valueAt(intAt++);
            // records come in runs of one template: its previous values looked up once per run
            let previous = deltaIndex === index ? deltaValues! : deltaPrevious.get(index);
            if (previous === undefined) {
              previous = new Array<number | bigint>(t.placeholders).fill(0);
              deltaPrevious.set(index, previous);
            }
            deltaIndex = index;
            deltaValues = previous;
            const before = previous[a];
            let v: number | bigint;
            if (typeof before === 'number' && typeof delta === 'number' && Math.abs(before) <= SAFE && Math.abs(before + delta) <= SAFE) v = before + delta;
            else {
              const big = BigInt.asIntN(64, BigInt(before) + BigInt(delta));
              v = big >= -BigInt(SAFE) && big <= BigInt(SAFE) ? Number(big) : big;
            }
            previous[a] = v;
            value = templateAttributes && typeof v === 'number' ? BigInt(v) : v;
            text = typeof v === 'number' ? v : String(v);
            break;
          }
          case ArgumentKind.Double: {
            if (doubleAt >= b.doubleValues.length) throw new Malformed(`record ${i}: too few double values`);
            const v = b.doubleValues[doubleAt++];
            value = v;
            text = String(v);
            break;
          }
          case ArgumentKind.Bool: {
            if (boolAt >= b.boolValues.length) throw new Malformed(`record ${i}: too few bool values`);
            const v = b.boolValues[boolAt++];
            value = v;
            text = v ? 'true' : 'false';
            break;
          }
          case ArgumentKind.Bytes: {
            if (bytesAt >= b.bytesValues.length) throw new Malformed(`record ${i}: too few bytes values`);
            const v = b.bytesValues[bytesAt++];
            value = v;
            text = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
            break;
          }
          case ArgumentKind.Number: {
            if (numberAt >= b.numberValues.length) throw new Malformed(`record ${i}: too few number values`);
            const encoded = b.numberValues.valueAt(numberAt++);
            let scale: number;
            let mantissa: number | bigint;
            if (typeof encoded === 'number') {
              scale = ((encoded % 16) + 16) % 16;
              mantissa = (encoded - scale) / 16;
            } else {
              scale = Number(((encoded % 16n) + 16n) % 16n);
              mantissa = (encoded - BigInt(scale)) / 16n;
            }
            if (scale === 0) {
              value = templateAttributes && typeof mantissa === 'number' ? BigInt(mantissa) : mantissa;
              text = typeof mantissa === 'number' ? mantissa : String(mantissa); // |mantissa| < 2^49: a safe integer
            } else if (scale === 15) {
              if (doubleAt >= b.doubleValues.length) throw new Malformed(`record ${i}: too few double values`);
              const v = b.doubleValues[doubleAt++];
              value = v;
              text = String(v);
            } else {
              const v = Number(mantissa) / POW10[scale];
              value = v;
              text = String(v);
            }
            break;
          }
          default:
            throw new Malformed(`record ${i}: unknown argument kind ${kind}`);
        }
        args[a] = text;
        if (templateAttributes) argValues[a] = value;
        argBytes += typeof text === 'string' ? text.length : 8;
      }

      // Attributes in the OTLP path's order.
      let attributes: KeyValue[];
      let dropped = 0;
      const boundRef = b.boundAttributes.length > 0 ? b.boundAttributes[j] : 0;
      const callRef = b.callAttributes.length > 0 ? b.callAttributes[j] : 0;
      if (boundRef > attributeSets.length || callRef > attributeSets.length) {
        throw new Malformed(`record ${i}: attribute set ${Math.max(boundRef, callRef)} of ${attributeSets.length}`);
      }
      const call = callRef > 0 ? attributeSets[callRef - 1] : undefined;
      if (boundRef === 0 && call === undefined && !templateAttributes) attributes = t.siteAttributes as KeyValue[];
      else attributes = [];
      if (boundRef > 0) {
        const bound = attributeSets[boundRef - 1];
        dropped += bound.dropped;
        for (const kv of bound.attributes) {
          if (call !== undefined && call.attributes.some((c) => c.key === kv.key)) continue;
          attributes.push({ key: kv.key, value: kv.value });
        }
      }
      if (call !== undefined) {
        dropped += call.dropped;
        for (const kv of call.attributes) attributes.push({ key: kv.key, value: kv.value });
      }
      if (attributes !== t.siteAttributes) {
        if (templateAttributes) attributes.push({ key: TEMPLATE_ATTRIBUTE, value: t.text }, { key: TEMPLATE_ID_ATTRIBUTE, value: t.idString });
        attributes.push(...t.siteAttributes); // shared entries, as the site-only lists are
        if (templateAttributes) for (let a = 0; a < t.placeholders; a++) attributes.push({ key: argumentKey(a), value: argValues[a] });
      }

      let traceId = '';
      let spanId = '';
      let flags = 0;
      if (spanTable) {
        const k = b.spanContext[j];
        if (k > 0) {
          traceId = idHex(b.traceIds!, (k - 1) * 16, 16);
          spanId = idHex(b.spanIds!, (k - 1) * 8, 8);
          flags = b.traceFlags.length > 0 ? b.traceFlags[k - 1] : 0;
        }
      } else if (perRecordIds) {
        traceId = idHex(b.traceIds!, j * 16, 16);
        spanId = idHex(b.spanIds!, j * 8, 8);
      }

      // one record object for the whole batch: add() copies its fields into the columns
      record.severityNumber = severity;
      record.severityText = severityText;
      record.bodyParts = t.parts; // the body is built only when something reads it (LogBatch.bodyParts, bodyOf)
      record.attributes = attributes;
      record.droppedAttributesCount = dropped;
      record.flags = flags;
      record.traceId = traceId;
      record.spanId = spanId;
      record.templateId = t.id;
      record.templateArgs = args;
      builder.addAtTime(resourceIndex, scopeIndex, record, 64 + 2 * t.text.length + argBytes + 24 * attributes.length, high, low);
    }

    // Every value column must be used up exactly.
    const leftovers: string[] = [];
    const left = (name: string, used: number, total: number) => {
      if (used !== total) leftovers.push(`${total - used} ${name}`);
    };
    left('string values', stringAt, b.stringValues.length);
    if (useRefs) left('string_refs', stringRefAt, b.stringRefs.length);
    left('int values', intAt, b.intValues.length);
    left('double values', doubleAt, b.doubleValues.length);
    left('bool values', boolAt, b.boolValues.length);
    left('bytes values', bytesAt, b.bytesValues.length);
    left('number values', numberAt, b.numberValues.length);
    left('string numbers', stringNumberAt, b.stringNumbers.length);
    left('severity overrides', severityAt, b.severityOverrideRecord.length);
    left('kind override records', kindRecordAt, b.kindOverrideRecord.length);
    left('kind overrides', kindAt, b.kindOverride.length);
    if (explicitCounts) left('argument kinds', explicitKindAt, b.argumentKind.length);
    if (leftovers.length > 0) throw new Malformed(`too many argument values: ${leftovers.join(', ')} not used by any record`);

    builder.trim();
    const mutedCounts = b.mutedCounts.length > 0 ? b.mutedCounts.filter((m) => m.count > 0) : b.mutedCounts;
    return { batch: builder.batch, sequence: b.sequence, droppedSinceLast: b.droppedSinceLast, mutedCounts, builder, resourceIndex, scopeIndex, usedTemplates: [...used.values()] };
  }
}

const EMPTY_ARGS: TemplateArg[] = [];
/** Times are unsigned 64-bit nanoseconds: a time's high half is below this. */
const TWO_POW_32 = 4294967296;

/** The code.* attributes of a template's call site, in the OTLP path's order; [] when the site is unknown. */
function siteAttributesOf(fn: string, filepath: string, lineno: bigint): readonly KeyValue[] {
  if (filepath === '') return [];
  const out: KeyValue[] = [];
  if (fn !== '') out.push({ key: 'code.function', value: fn });
  out.push({ key: 'code.filepath', value: filepath }, { key: 'code.lineno', value: lineno });
  return out;
}
const EMPTY_VALUES: AnyValue[] = [];

function estimateBytes(body: AnyValue, attributeCount: number): number {
  return 64 + (typeof body === 'string' ? body.length : 64) + 32 * attributeCount;
}

function idHex(buf: Buffer, at: number, size: number): string {
  for (let i = at; i < at + size; i++) if (buf[i] !== 0) return buf.toString('hex', at, at + size);
  return '';
}

/** Column lengths and reference ranges that do not depend on the templates. */
function checkColumns(b: RecordBatchMessage, n: number, templated: number): void {
  const perRecord = (name: string, column: { readonly length: number }) => {
    if (column.length !== 0 && column.length !== templated) throw new Malformed(`${name} has ${column.length} entries for ${templated} templated records`);
  };
  if (b.sequence < 1) throw new Malformed('batch sequence must be >= 1');
  if (b.timeDelta.length !== templated) throw new Malformed(`time_delta_nano has ${b.timeDelta.length} entries for ${templated} templated records`);
  perRecord('argument_count', b.argumentCount);
  perRecord('bound_attributes', b.boundAttributes);
  perRecord('call_attributes', b.callAttributes);
  perRecord('span_context', b.spanContext);
  if (b.verbatim.length !== n - templated) throw new Malformed(`${b.verbatim.length} verbatim records for ${n - templated} records with template index 0`);
  if (b.severityOverride.length !== b.severityOverrideRecord.length) throw new Malformed('severity_override and severity_override_record differ in length');
  increasing('severity_override_record', b.severityOverrideRecord, templated);
  increasing('kind_override_record', b.kindOverrideRecord, templated);
  const traceBytes = b.traceIds?.length ?? 0;
  const spanBytes = b.spanIds?.length ?? 0;
  if (b.spanContext.length > 0) {
    if (traceBytes % 16 !== 0 || spanBytes !== traceBytes / 2) throw new Malformed(`trace_ids (${traceBytes} bytes) and span_ids (${spanBytes} bytes) do not hold whole 16/8-byte ids in pairs`);
    const entries = traceBytes / 16;
    if (b.traceFlags.length !== 0 && b.traceFlags.length !== entries) throw new Malformed(`trace_flags has ${b.traceFlags.length} entries for ${entries} span contexts`);
    for (let c = 0; c < b.spanContext.length; c++) if (b.spanContext[c] > entries) throw new Malformed(`span_context ${b.spanContext[c]} of ${entries}`);
  } else if (traceBytes > 0 || spanBytes > 0) {
    if (traceBytes !== 16 * templated || spanBytes !== 8 * templated) {
      throw new Malformed(`trace_ids (${traceBytes} bytes) / span_ids (${spanBytes} bytes) must hold one 16/8-byte id per templated record (${templated})`);
    }
  }
}

function increasing(name: string, records: ArrayLike<number>, templated: number): void {
  let previous = -1;
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    if (r <= previous || r >= templated) throw new Malformed(`${name}: ${r} is out of order or beyond the ${templated} templated records`);
    previous = r;
  }
}

/** The verbatim records, decoded by the OTLP decoder (one ScopeLogs per record, in order). */
function decodeVerbatim(b: RecordBatchMessage): LogBatch {
  const w = new ProtoWriter(1024);
  w.fork(1); // ExportLogsServiceRequest.resource_logs
  for (const v of b.verbatim) {
    w.fork(2); // ResourceLogs.scope_logs
    if (v.scope.length > 0) w.tag(1, WIRE_LEN).bytes(v.scope);
    w.tag(2, WIRE_LEN).bytes(v.record);
    if (v.schemaUrl) w.tag(3, WIRE_LEN).string(v.schemaUrl);
    w.ldelim();
  }
  w.ldelim();
  let decoded: LogBatch;
  try {
    decoded = decodeExportRequest(w.finish());
  } catch (err) {
    throw new Malformed(`verbatim records: ${(err as Error).message}`);
  }
  if (decoded.length !== b.verbatim.length) throw new Malformed(`verbatim records: ${decoded.length} decoded of ${b.verbatim.length}`);
  return decoded;
}
