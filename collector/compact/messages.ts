/**
 * Compact protocol messages (proto/logfun/v1/ingest.proto) on the collector side:
 * ClientMessage decoded by hand into plain columns (the RecordBatch is the hot
 * path), ServerMessage encoded by hand (HelloAck, Ack) or through protobufjs
 * (ControlUpdate, rare and nested).
 *
 * Decoding only checks the wire format; what the columns mean (template indexes,
 * argument counts, references) is checked by CompactStreamDecoder.
 */
import type { KeyValue } from '../pipeline/batch';
import { ProtoWriter, WIRE_LEN, WIRE_VARINT } from '../../protocol/proto-writer';
import { bigIntToLong, protoType } from '../../protocol/protos';
import { EMPTY_FLOAT64, EMPTY_UINT32, Int64Column, Malformed, ProtoReader, WT_I64, WT_LEN, WT_VARINT } from '../protobuf/reader';

export interface HelloMessage {
  resource: KeyValue[];
  scopeName: string;
  scopeVersion: string;
  sdkVersion: string;
  lastAckedSequence: number;
  sessionId: Buffer;
}

export interface TemplateDefinitionMessage {
  index: number;
  templateId: bigint;
  text: string;
  severityNumber: number;
  severityText: string;
  function: string;
  codeLocation: string;
  codeFilepath: string;
  codeLineno: bigint;
  argumentKinds: number[];
}

export interface AttributeSetMessage {
  attributes: KeyValue[];
  dropped: number;
}

export interface VerbatimRecordMessage {
  /** LogRecord bytes. */
  record: Buffer;
  /** InstrumentationScope bytes (empty when absent). */
  scope: Buffer;
  schemaUrl: string;
}

/** RecordBatch.muted_counts entry: records the SDK dropped because they were muted. */
export interface MutedCountMessage {
  /** 0n = none (a muted function scope). */
  templateId: bigint;
  function: string;
  count: number;
  /** MuteReason (sdk/mute-counts.ts MUTE_REASON); 0 = unspecified. */
  reason: number;
}

/**
 * A RecordBatch as its columns (see ingest.proto for their meaning). Numeric repeated
 * fields are typed arrays (uint32 fields: Uint32Array; sint64 fields: Int64Column; doubles
 * and string_numbers: Float64Array), filled without a JS array or object per value: a
 * batch's number arrays were 15% of what the collector allocated on the compact path.
 */
export interface RecordBatchMessage {
  sequence: number;
  baseTimeUnixNano: bigint;
  templateIndex: Uint32Array<ArrayBuffer>;
  timeDelta: Int64Column;
  argumentCount: Uint32Array<ArrayBuffer>;
  argumentKind: Uint32Array<ArrayBuffer>;
  stringValues: string[];
  intValues: Int64Column;
  doubleValues: Float64Array<ArrayBuffer>;
  boolValues: boolean[];
  bytesValues: Uint8Array[];
  traceIds: Buffer | undefined;
  spanIds: Buffer | undefined;
  droppedSinceLast: number;
  numberValues: Int64Column;
  stringRefs: Uint32Array<ArrayBuffer>;
  severityOverrideRecord: Uint32Array<ArrayBuffer>;
  severityOverride: Uint32Array<ArrayBuffer>;
  kindOverrideRecord: Uint32Array<ArrayBuffer>;
  kindOverride: Uint32Array<ArrayBuffer>;
  attributeSets: AttributeSetMessage[];
  boundAttributes: Uint32Array<ArrayBuffer>;
  callAttributes: Uint32Array<ArrayBuffer>;
  spanContext: Uint32Array<ArrayBuffer>;
  traceFlags: Uint32Array<ArrayBuffer>;
  verbatim: VerbatimRecordMessage[];
  dictionarySize: number;
  /** Safe integers (uint53). */
  stringNumbers: Float64Array<ArrayBuffer>;
  mutedCounts: MutedCountMessage[];
}

export type ClientMessage =
  | { kind: 'hello'; hello: HelloMessage }
  | { kind: 'templates'; templates: TemplateDefinitionMessage[]; reset: boolean }
  | { kind: 'batch'; batch: RecordBatchMessage }
  | { kind: 'strings'; firstIndex: number; values: string[] }
  | { kind: 'empty' };

const u32 = (r: ProtoReader, end: number): number => r.uint32(end);
const bool = (r: ProtoReader, end: number): boolean => r.bool(end);

/** Decodes one ClientMessage. Throws Malformed. */
export function decodeClientMessage(buf: Buffer): ClientMessage {
  const r = new ProtoReader(buf);
  const end = buf.length;
  let out: ClientMessage = { kind: 'empty' };
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | WT_LEN:
        out = { kind: 'hello', hello: readHello(r, r.lengthEnd(end)) };
        break;
      case (2 << 3) | WT_LEN: {
        const stop = r.lengthEnd(end);
        const templates: TemplateDefinitionMessage[] = [];
        let reset = false;
        while (r.pos < stop) {
          const t = r.uint32(stop);
          if (t === ((1 << 3) | WT_LEN)) templates.push(readTemplateDefinition(r, r.lengthEnd(stop)));
          else if (t === ((2 << 3) | WT_VARINT)) reset = r.bool(stop);
          else r.skip(t & 7, stop);
        }
        out = { kind: 'templates', templates, reset };
        break;
      }
      case (3 << 3) | WT_LEN:
        out = { kind: 'batch', batch: readRecordBatch(r, r.lengthEnd(end)) };
        break;
      case (4 << 3) | WT_LEN: {
        const stop = r.lengthEnd(end);
        let firstIndex = 0;
        const values: string[] = [];
        while (r.pos < stop) {
          const t = r.uint32(stop);
          if (t === ((1 << 3) | WT_VARINT)) firstIndex = r.uint32(stop);
          else if (t === ((2 << 3) | WT_LEN)) values.push(r.string(stop));
          else r.skip(t & 7, stop);
        }
        out = { kind: 'strings', firstIndex, values };
        break;
      }
      default:
        r.skip(tag & 7, end);
    }
  }
  return out;
}

function readHello(r: ProtoReader, end: number): HelloMessage {
  const h: HelloMessage = { resource: [], scopeName: '', scopeVersion: '', sdkVersion: '', lastAckedSequence: 0, sessionId: Buffer.alloc(0) };
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | WT_LEN:
        h.resource.push(r.keyValue(r.lengthEnd(end)));
        break;
      case (2 << 3) | WT_LEN:
        h.scopeName = r.string(end);
        break;
      case (3 << 3) | WT_LEN:
        h.scopeVersion = r.string(end);
        break;
      case (4 << 3) | WT_LEN:
        h.sdkVersion = r.string(end);
        break;
      case (5 << 3) | WT_VARINT:
        h.lastAckedSequence = r.uint53(end, 'last_acked_sequence');
        break;
      case (6 << 3) | WT_LEN:
        h.sessionId = Buffer.from(r.view(end));
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  return h;
}

function readTemplateDefinition(r: ProtoReader, end: number): TemplateDefinitionMessage {
  const d: TemplateDefinitionMessage = {
    index: 0,
    templateId: 0n,
    text: '',
    severityNumber: 0,
    severityText: '',
    function: '',
    codeLocation: '',
    codeFilepath: '',
    codeLineno: 0n,
    argumentKinds: [],
  };
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | WT_VARINT:
        d.index = r.uint32(end);
        break;
      case (2 << 3) | WT_I64:
        d.templateId = r.fixed64(end);
        break;
      case (3 << 3) | WT_LEN:
        d.text = r.string(end);
        break;
      case (4 << 3) | WT_VARINT:
        d.severityNumber = r.uint32(end) | 0;
        break;
      case (5 << 3) | WT_LEN:
        d.severityText = r.string(end);
        break;
      case (6 << 3) | WT_LEN:
        d.function = r.string(end);
        break;
      case (7 << 3) | WT_LEN:
        d.codeLocation = r.string(end);
        break;
      case (8 << 3) | WT_LEN:
        d.codeFilepath = r.string(end);
        break;
      case (9 << 3) | WT_VARINT:
        d.codeLineno = r.int64Big(end);
        break;
      case (10 << 3) | WT_VARINT:
      case (10 << 3) | WT_LEN:
        r.repeated(tag & 7, end, d.argumentKinds, u32);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  return d;
}

function emptyBatch(): RecordBatchMessage {
  return {
    sequence: 0,
    baseTimeUnixNano: 0n,
    templateIndex: EMPTY_UINT32,
    timeDelta: new Int64Column(),
    argumentCount: EMPTY_UINT32,
    argumentKind: EMPTY_UINT32,
    stringValues: [],
    intValues: new Int64Column(),
    doubleValues: EMPTY_FLOAT64,
    boolValues: [],
    bytesValues: [],
    traceIds: undefined,
    spanIds: undefined,
    droppedSinceLast: 0,
    numberValues: new Int64Column(),
    stringRefs: EMPTY_UINT32,
    severityOverrideRecord: EMPTY_UINT32,
    severityOverride: EMPTY_UINT32,
    kindOverrideRecord: EMPTY_UINT32,
    kindOverride: EMPTY_UINT32,
    attributeSets: [],
    boundAttributes: EMPTY_UINT32,
    callAttributes: EMPTY_UINT32,
    spanContext: EMPTY_UINT32,
    traceFlags: EMPTY_UINT32,
    verbatim: [],
    dictionarySize: 0,
    stringNumbers: EMPTY_FLOAT64,
    mutedCounts: [],
  };
}

function readRecordBatch(r: ProtoReader, end: number): RecordBatchMessage {
  const b = emptyBatch();
  while (r.pos < end) {
    const tag = r.uint32(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    switch (field) {
      case 1:
        if (wt !== WT_VARINT) r.skip(wt, end);
        else b.sequence = r.uint53(end, 'sequence');
        break;
      case 2:
        if (wt !== WT_I64) r.skip(wt, end);
        else b.baseTimeUnixNano = r.fixed64(end);
        break;
      case 3:
        b.templateIndex = r.uint32Column(wt, end, b.templateIndex);
        break;
      case 4:
        r.sint64Column(wt, end, b.timeDelta);
        break;
      case 5:
        b.argumentCount = r.uint32Column(wt, end, b.argumentCount);
        break;
      case 6:
        b.argumentKind = r.uint32Column(wt, end, b.argumentKind);
        break;
      case 7:
        if (wt !== WT_LEN) throw new Malformed('string_values with a non-length wire type');
        b.stringValues.push(r.string(end));
        break;
      case 8:
        r.sint64Column(wt, end, b.intValues);
        break;
      case 9:
        b.doubleValues = r.doubleColumn(wt, end, b.doubleValues, 'double_values');
        break;
      case 10:
        r.repeated(wt, end, b.boolValues, bool);
        break;
      case 11:
        if (wt !== WT_LEN) throw new Malformed('bytes_values with a non-length wire type');
        b.bytesValues.push(r.bytes(end));
        break;
      case 12:
        if (wt !== WT_LEN) r.skip(wt, end);
        else b.traceIds = r.view(end);
        break;
      case 13:
        if (wt !== WT_LEN) r.skip(wt, end);
        else b.spanIds = r.view(end);
        break;
      case 14:
        if (wt !== WT_VARINT) r.skip(wt, end);
        else b.droppedSinceLast = r.uint53(end, 'dropped_since_last');
        break;
      case 15:
        r.sint64Column(wt, end, b.numberValues);
        break;
      case 17:
        b.stringRefs = r.uint32Column(wt, end, b.stringRefs);
        break;
      case 18:
        b.severityOverrideRecord = r.uint32Column(wt, end, b.severityOverrideRecord);
        break;
      case 19:
        b.severityOverride = r.uint32Column(wt, end, b.severityOverride);
        break;
      case 20:
        b.kindOverrideRecord = r.uint32Column(wt, end, b.kindOverrideRecord);
        break;
      case 21:
        b.kindOverride = r.uint32Column(wt, end, b.kindOverride);
        break;
      case 22:
        if (wt !== WT_LEN) r.skip(wt, end);
        else b.attributeSets.push(readAttributeSet(r, r.lengthEnd(end)));
        break;
      case 23:
        b.boundAttributes = r.uint32Column(wt, end, b.boundAttributes);
        break;
      case 24:
        b.callAttributes = r.uint32Column(wt, end, b.callAttributes);
        break;
      case 25:
        b.spanContext = r.uint32Column(wt, end, b.spanContext);
        break;
      case 26:
        b.traceFlags = r.uint32Column(wt, end, b.traceFlags);
        break;
      case 27:
        if (wt !== WT_LEN) r.skip(wt, end);
        else b.verbatim.push(readVerbatim(r, r.lengthEnd(end)));
        break;
      case 28:
        if (wt !== WT_VARINT) r.skip(wt, end);
        else b.dictionarySize = r.uint32(end);
        break;
      case 29:
        b.stringNumbers = r.uint53Column(wt, end, b.stringNumbers, 'string_numbers entry');
        break;
      case 30:
        if (wt !== WT_LEN) r.skip(wt, end);
        else b.mutedCounts.push(readMutedCount(r, r.lengthEnd(end)));
        break;
      default:
        r.skip(wt, end);
    }
  }
  return b;
}

function readMutedCount(r: ProtoReader, end: number): MutedCountMessage {
  const m: MutedCountMessage = { templateId: 0n, function: '', count: 0, reason: 0 };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((1 << 3) | WT_I64)) m.templateId = r.fixed64(end);
    else if (tag === ((2 << 3) | WT_LEN)) m.function = r.string(end);
    else if (tag === ((3 << 3) | WT_VARINT)) m.count = r.uint53(end, 'muted count');
    else if (tag === ((4 << 3) | WT_VARINT)) m.reason = r.uint32(end);
    else r.skip(tag & 7, end);
  }
  return m;
}

function readAttributeSet(r: ProtoReader, end: number): AttributeSetMessage {
  const set: AttributeSetMessage = { attributes: [], dropped: 0 };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((1 << 3) | WT_LEN)) set.attributes.push(r.keyValue(r.lengthEnd(end)));
    else if (tag === ((2 << 3) | WT_VARINT)) set.dropped = r.uint32(end);
    else r.skip(tag & 7, end);
  }
  return set;
}

const EMPTY = Buffer.alloc(0);

function readVerbatim(r: ProtoReader, end: number): VerbatimRecordMessage {
  const v: VerbatimRecordMessage = { record: EMPTY, scope: EMPTY, schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((1 << 3) | WT_LEN)) v.record = r.view(end);
    else if (tag === ((2 << 3) | WT_LEN)) v.scope = r.view(end);
    else if (tag === ((3 << 3) | WT_LEN)) v.schemaUrl = r.string(end);
    else r.skip(tag & 7, end);
  }
  return v;
}

// ---- server messages ----

/** ServerMessage { hello_ack }. */
export function encodeHelloAck(collectorId: string, lastAckedSequence: number, maxTemplates: number): Buffer {
  const w = new ProtoWriter(64);
  w.fork(1);
  if (collectorId) w.tag(1, WIRE_LEN).string(collectorId);
  if (lastAckedSequence > 0) w.tag(2, WIRE_VARINT).uint53(lastAckedSequence);
  if (maxTemplates > 0) w.tag(3, WIRE_VARINT).uint32(maxTemplates);
  w.ldelim();
  return w.finish();
}

/** ServerMessage { ack }: statusCode 0 = accepted, else the gRPC code of the refusal. */
export function encodeAck(sequence: number, statusCode = 0, message = '', retryAfterMs = 0): Buffer {
  const w = new ProtoWriter(32 + message.length);
  w.fork(2);
  w.tag(1, WIRE_VARINT).uint53(sequence);
  if (statusCode !== 0) w.tag(2, WIRE_VARINT).uint32(statusCode);
  if (message) w.tag(3, WIRE_LEN).string(message);
  if (retryAfterMs > 0) w.tag(4, WIRE_VARINT).uint32(Math.round(retryAfterMs));
  w.ldelim();
  return w.finish();
}

export type RuleStateName = 'on' | 'off' | 'auto';

export interface ControlRuleInput {
  target?: { service?: string; serviceInstance?: string; function?: string; templateId?: bigint };
  state: RuleStateName;
  sampleRate?: number;
  minSeverity?: number;
  version?: bigint | number;
  reason?: string;
}

export interface ControlUpdateInput {
  /** The full set of rules for the receiving SDKs, replacing earlier ones. */
  rules: ControlRuleInput[];
  version?: bigint | number;
  /** ControlUpdate.truncated: rules were left out to keep the update under its size cap. */
  truncated?: boolean;
}

const RULE_STATE: Record<RuleStateName, number> = { on: 0, off: 1, auto: 2 };

/** ServerMessage { control }. */
export function encodeControlUpdate(update: ControlUpdateInput): Buffer {
  const message = protoType('logfun.v1.ServerMessage').fromObject({
    control: {
      version: bigIntToLong(BigInt(update.version ?? 0)),
      rules: update.rules.map((rule) => ({
        target: {
          service: rule.target?.service ?? '',
          serviceInstance: rule.target?.serviceInstance ?? '',
          function: rule.target?.function ?? '',
          templateId: bigIntToLong(rule.target?.templateId ?? 0n),
        },
        state: RULE_STATE[rule.state],
        sampleRate: rule.sampleRate ?? 0,
        minSeverity: rule.minSeverity ?? 0,
        version: bigIntToLong(BigInt(rule.version ?? 0)),
        reason: rule.reason ?? '',
      })),
      truncated: update.truncated === true,
    },
  });
  return Buffer.from(protoType('logfun.v1.ServerMessage').encode(message).finish());
}
