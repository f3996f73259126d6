/**
 * Encodes a batch of buffered records as an OTLP ExportLogsServiceRequest
 * (protobuf bytes), the plain-OTLP view of logfun records: Body rendered as
 * text, template text/id and typed arguments as attributes
 * (log.record.template, log.record.template.id, log.record.arg.<i>), code
 * location attributes, one ResourceLogs, one ScopeLogs per instrumentation scope.
 */
import { Writer } from 'protobufjs';
import { OTLP, bigIntToLong, protoType } from '../../protocol/protos';
import type { ExportBatch } from '../transport';
import {
  argumentAttributeKey,
  bodyAt,
  TEMPLATE_ATTRIBUTE,
  TEMPLATE_ID_ATTRIBUTE,
  droppedAttributesAt,
  eventNameAt,
  forEachAttribute,
  observedTimeUnixNanoAt,
  scopeAt,
  severityTextAt,
  timeUnixNanoAt,
} from '../record-view';
import type { InstrumentationScope, Resource } from '../resource';
import type { RecordBuffer } from '../record-buffer';
import type { Template } from '../templates';
import { isIntegral, type ArgumentValue, type AttributeList, type AttributeValue } from '../../protocol/values';

/** OTLP AnyValue as a protobufjs plain object (one oneof field set, or none for empty). */
export type OtlpAnyValue = Record<string, unknown>;
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Native value to OTLP AnyValue: safe-integer numbers and int64-range bigints are intValue, other numbers doubleValue. */
export function toOtlpAnyValue(v: AttributeValue | ArgumentValue): OtlpAnyValue {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'number':
      return isIntegral(v) ? { intValue: v } : { doubleValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      // Beyond int64 an integer cannot be an intValue; its exact decimal text is kept instead.
      return v >= INT64_MIN && v <= INT64_MAX ? { intValue: bigIntToLong(v, false) } : { stringValue: v.toString() };
  }
  if (v === null || v === undefined) return {};
  if (v instanceof Uint8Array) return { bytesValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toOtlpAnyValue) } };
  const obj = v as { [key: string]: AttributeValue };
  return { kvlistValue: { values: Object.keys(obj).map((key) => ({ key, value: toOtlpAnyValue(obj[key]) })) } };
}

export function toOtlpKeyValues(list: AttributeList | undefined): OtlpKeyValue[] {
  if (!list) return [];
  const out: OtlpKeyValue[] = new Array(list.keys.length);
  for (let i = 0; i < list.keys.length; i++) out[i] = { key: list.keys[i], value: toOtlpAnyValue(list.values[i]) };
  return out;
}

function hexToBytes(hex: string | undefined): Uint8Array {
  return hex ? Buffer.from(hex, 'hex') : EMPTY_BYTES;
}
const EMPTY_BYTES = new Uint8Array(0);

/**
 * The ExportLogsServiceRequest as a protobufjs plain object: the readable
 * reference encoding (tests check the direct writer below against it).
 */
export function buildExportLogsRequest(batch: ExportBatch): Record<string, unknown> {
  const buf = batch.buffer;
  const byScope = new Map<InstrumentationScope, Record<string, unknown>[]>();
  for (let i = 0; i < batch.length; i++) {
    const slot = batch.slot(i);
    const attributes: OtlpKeyValue[] = [];
    forEachAttribute(buf, slot, true, (key, value) => {
      attributes.push({ key, value: toOtlpAnyValue(value) });
    });
    const record: Record<string, unknown> = {
      timeUnixNano: bigIntToLong(timeUnixNanoAt(buf, slot)),
      observedTimeUnixNano: bigIntToLong(observedTimeUnixNanoAt(buf, slot)),
      severityNumber: buf.severity[slot],
      severityText: severityTextAt(buf, slot),
      attributes,
      droppedAttributesCount: droppedAttributesAt(buf, slot),
      flags: buf.traceFlags[slot],
      traceId: hexToBytes(buf.traceId[slot]),
      spanId: hexToBytes(buf.spanId[slot]),
      eventName: eventNameAt(buf, slot),
    };
    const body = bodyAt(buf, slot);
    if (body !== undefined) record.body = toOtlpAnyValue(body);
    const scope = scopeAt(buf, slot);
    let records = byScope.get(scope);
    if (records === undefined) {
      records = [];
      byScope.set(scope, records);
    }
    records.push(record);
  }
  const scopeLogs: Record<string, unknown>[] = [];
  for (const [scope, logRecords] of byScope) {
    scopeLogs.push({
      scope: {
        name: scope.name,
        version: scope.version,
        attributes: toOtlpKeyValues(scope.attributes),
        droppedAttributesCount: scope.attributes?.dropped ?? 0,
      },
      logRecords,
      schemaUrl: scope.schemaUrl,
    });
  }
  return {
    resourceLogs: [
      {
        resource: { attributes: toOtlpKeyValues(batch.resource.attributes), droppedAttributesCount: 0 },
        scopeLogs,
      },
    ],
  };
}

// ---- direct protobuf writer (the export path) ----
//
// Same message as buildExportLogsRequest, written field by field with a
// protobufjs Writer: no intermediate objects, no BigInt for timestamps, and the
// per-template constant attributes (template text and id, code location) and
// the resource/scope messages encoded once and copied as raw bytes.

const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;
const tag = (field: number, wire: number) => ((field << 3) | wire) >>> 0;

const TWO_POW_16 = 65536;
const TWO_POW_32 = 4294967296;

/** Writes sec * 1e9 + nano as fixed64 (little-endian low, high word), exactly, with float math below 2^53. */
function writeUnixNano(w: Writer, sec: number, nano: number): void {
  const secHigh = Math.floor(sec / TWO_POW_16);
  const secLow = sec - secHigh * TWO_POW_16;
  const a = secHigh * 1e9; // < 2^48
  const b = secLow * 1e9 + nano; // < 2^47
  const aHigh = Math.floor(a / TWO_POW_16);
  const c = (a - aHigh * TWO_POW_16) * TWO_POW_16 + b; // < 2^48
  const cHigh = Math.floor(c / TWO_POW_32);
  w.fixed32(c - cHigh * TWO_POW_32).fixed32(aHigh + cHigh);
}

function writeAnyValue(w: Writer, v: AttributeValue | ArgumentValue): void {
  switch (typeof v) {
    case 'string':
      w.uint32(tag(1, LEN)).string(v);
      return;
    case 'boolean':
      w.uint32(tag(2, VARINT)).bool(v);
      return;
    case 'number':
      if (isIntegral(v)) w.uint32(tag(3, VARINT)).int64(v);
      else w.uint32(tag(4, I64)).double(v);
      return;
    case 'bigint':
      if (v >= INT64_MIN && v <= INT64_MAX) w.uint32(tag(3, VARINT)).int64(bigIntToLong(v, false));
      else w.uint32(tag(1, LEN)).string(v.toString());
      return;
  }
  if (v === null || v === undefined) return;
  if (v instanceof Uint8Array) {
    w.uint32(tag(7, LEN)).bytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.uint32(tag(5, LEN)).fork();
    for (const item of v) {
      w.uint32(tag(1, LEN)).fork();
      writeAnyValue(w, item);
      w.ldelim();
    }
    w.ldelim();
    return;
  }
  const obj = v as { [key: string]: AttributeValue };
  w.uint32(tag(6, LEN)).fork();
  for (const key of Object.keys(obj)) writeKeyValue(w, 1, key, obj[key]);
  w.ldelim();
}

/** A KeyValue as field `field` of the enclosing message. */
function writeKeyValue(w: Writer, field: number, key: string, value: AttributeValue | ArgumentValue): void {
  w.uint32(tag(field, LEN)).fork();
  w.uint32(tag(1, LEN)).string(key);
  w.uint32(tag(2, LEN)).fork();
  writeAnyValue(w, value);
  w.ldelim();
  w.ldelim();
}

/** Encoded LogRecord.attributes fields that are the same for every record of a template. */
const templateAttributeBytes = new WeakMap<Template, Uint8Array>();

function constantTemplateAttributes(template: Template): Uint8Array {
  let bytes = templateAttributeBytes.get(template);
  if (bytes === undefined) {
    const w = Writer.create();
    writeKeyValue(w, 6, TEMPLATE_ATTRIBUTE, template.text);
    writeKeyValue(w, 6, TEMPLATE_ID_ATTRIBUTE, template.idString);
    const site = template.site;
    if (site !== undefined) {
      if (site.function) writeKeyValue(w, 6, 'code.function', site.function);
      writeKeyValue(w, 6, 'code.filepath', site.filepath);
      writeKeyValue(w, 6, 'code.lineno', site.lineno);
    }
    bytes = w.finish();
    templateAttributeBytes.set(template, bytes);
  }
  return bytes;
}

const resourceBytes = new WeakMap<Resource, Uint8Array>();
const scopeBytes = new WeakMap<InstrumentationScope, Uint8Array>();

function encodedResource(resource: Resource): Uint8Array {
  let bytes = resourceBytes.get(resource);
  if (bytes === undefined) {
    bytes = protoType('opentelemetry.proto.resource.v1.Resource')
      .encode({ attributes: toOtlpKeyValues(resource.attributes), droppedAttributesCount: 0 })
      .finish();
    resourceBytes.set(resource, bytes);
  }
  return bytes;
}

function encodedScope(scope: InstrumentationScope): Uint8Array {
  let bytes = scopeBytes.get(scope);
  if (bytes === undefined) {
    bytes = protoType('opentelemetry.proto.common.v1.InstrumentationScope')
      .encode({
        name: scope.name,
        version: scope.version,
        attributes: toOtlpKeyValues(scope.attributes),
        droppedAttributesCount: scope.attributes?.dropped ?? 0,
      })
      .finish();
    scopeBytes.set(scope, bytes);
  }
  return bytes;
}

function writeLogRecord(w: Writer, buf: RecordBuffer, slot: number): void {
  w.uint32(tag(1, I64));
  writeUnixNano(w, buf.timeSec[slot], buf.timeNano[slot]);
  const extra = buf.extra[slot];
  w.uint32(tag(11, I64));
  if (extra) writeUnixNano(w, extra.observedSec, extra.observedNano);
  else writeUnixNano(w, buf.timeSec[slot], buf.timeNano[slot]);
  const severity = buf.severity[slot];
  if (severity !== 0) w.uint32(tag(2, VARINT)).int32(severity);
  const severityText = severityTextAt(buf, slot);
  if (severityText !== '') w.uint32(tag(3, LEN)).string(severityText);
  const body = bodyAt(buf, slot);
  if (body !== undefined) {
    w.uint32(tag(5, LEN)).fork();
    writeAnyValue(w, body);
    w.ldelim();
  }
  forEachAttribute(buf, slot, false, (key, value) => writeKeyValue(w, 6, key, value));
  const template = buf.template[slot];
  if (template !== undefined) {
    w.raw(constantTemplateAttributes(template));
    const args = buf.args[slot];
    if (args !== undefined) for (let i = 0; i < args.length; i++) writeKeyValue(w, 6, argumentAttributeKey(i), args[i]);
  }
  const dropped = droppedAttributesAt(buf, slot);
  if (dropped !== 0) w.uint32(tag(7, VARINT)).uint32(dropped);
  const flags = buf.traceFlags[slot];
  if (flags !== 0) w.uint32(tag(8, I32)).fixed32(flags);
  const traceId = buf.traceId[slot];
  if (traceId) w.uint32(tag(9, LEN)).bytes(Buffer.from(traceId, 'hex'));
  const spanId = buf.spanId[slot];
  if (spanId) w.uint32(tag(10, LEN)).bytes(Buffer.from(spanId, 'hex'));
  const eventName = extra?.eventName;
  if (eventName) w.uint32(tag(12, LEN)).string(eventName);
}

/** Protobuf bytes of the batch's ExportLogsServiceRequest. */
export function encodeExportLogsRequest(batch: ExportBatch): Uint8Array {
  const buf = batch.buffer;
  // Slots grouped by scope, in first-seen order (almost always one group).
  const scopes: InstrumentationScope[] = [];
  const slotsByScope: number[][] = [];
  for (let i = 0; i < batch.length; i++) {
    const slot = batch.slot(i);
    const scope = scopeAt(buf, slot);
    let at = scopes.indexOf(scope);
    if (at < 0) {
      at = scopes.length;
      scopes.push(scope);
      slotsByScope.push([]);
    }
    slotsByScope[at].push(slot);
  }
  const w = Writer.create();
  w.uint32(tag(1, LEN)).fork(); // resource_logs
  w.uint32(tag(1, LEN)).bytes(encodedResource(batch.resource));
  for (let s = 0; s < scopes.length; s++) {
    w.uint32(tag(2, LEN)).fork(); // scope_logs
    w.uint32(tag(1, LEN)).bytes(encodedScope(scopes[s]));
    for (const slot of slotsByScope[s]) {
      w.uint32(tag(2, LEN)).fork();
      writeLogRecord(w, buf, slot);
      w.ldelim();
    }
    if (scopes[s].schemaUrl) w.uint32(tag(3, LEN)).string(scopes[s].schemaUrl);
    w.ldelim();
  }
  w.ldelim();
  return w.finish();
}

/** Reference encoding through protobufjs message objects (slower; for tests). */
export function encodeExportLogsRequestViaObjects(batch: ExportBatch): Uint8Array {
  return OTLP.ExportLogsServiceRequest.encode(buildExportLogsRequest(batch)).finish();
}
