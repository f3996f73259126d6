/**
 * LogBatch -> ExportLogsServiceRequest as a plain object, in one of two
 * flavours: OTLP/JSON (hex ids, int64 as decimal strings, bytes as base64;
 * JSON.stringify gives the OTLP/JSON encoding) or protobufjs' object form (for
 * the reference encoder in reference.ts).
 *
 * Records are grouped by resource and then by scope, in order of first
 * appearance; within a group records keep their batch order.
 */
import { bigIntToLong } from '../../protocol/protos';
import { bodyOf, KeyValueList, type AnyValue, type KeyValue, type LogBatch } from '../pipeline/batch';
import { groupByResourceAndScope } from './group';

/** OTLP/JSON ExportLogsServiceRequest for the batch (lowerCamelCase keys, per the OTLP/JSON spec). */
export function encodeExportRequestJson(batch: LogBatch): string {
  return JSON.stringify(toRequestObject(batch, jsonFlavour));
}

/** How the two encodings spell values that protobuf and JSON represent differently. */
export interface Flavour {
  u64(v: bigint): unknown;
  i64(v: bigint): unknown;
  double(v: number): unknown;
  bytes(v: Uint8Array): unknown;
  id(hex: string): unknown;
}

export const protobufjsFlavour: Flavour = {
  u64: (v) => bigIntToLong(v, true),
  i64: (v) => bigIntToLong(v, false),
  double: (v) => v,
  bytes: (v) => v,
  id: (hex) => Buffer.from(hex, 'hex'),
};

export const jsonFlavour: Flavour = {
  u64: (v) => v.toString(),
  i64: (v) => v.toString(),
  // JSON has no NaN/Infinity literals; the protobuf JSON mapping spells them as strings.
  double: (v) => (Number.isFinite(v) ? v : String(v)),
  bytes: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
  id: (hex) => hex,
};

type Obj = Record<string, unknown>;

export function toRequestObject(batch: LogBatch, f: Flavour): Obj {
  const resourceLogs: Obj[] = [];
  for (const [ri, scopes] of groupByResourceAndScope(batch)) {
    const res = batch.resources[ri];
    const scopeLogs: Obj[] = [];
    for (const [si, records] of scopes) {
      const scope = batch.scopes[si];
      const sl: Obj = {
        scope: { name: scope.name, version: scope.version, attributes: keyValues(scope.attributes, f), droppedAttributesCount: scope.droppedAttributesCount },
        logRecords: records.map((i) => logRecord(batch, i, f)),
      };
      if (scope.schemaUrl) sl.schemaUrl = scope.schemaUrl;
      scopeLogs.push(sl);
    }
    const rl: Obj = { resource: { attributes: keyValues(res.attributes, f), droppedAttributesCount: res.droppedAttributesCount }, scopeLogs };
    if (res.schemaUrl) rl.schemaUrl = res.schemaUrl;
    resourceLogs.push(rl);
  }
  return { resourceLogs };
}

function logRecord(b: LogBatch, i: number, f: Flavour): Obj {
  const rec: Obj = {
    timeUnixNano: f.u64(b.timeUnixNano[i]),
    observedTimeUnixNano: f.u64(b.observedTimeUnixNano[i]),
    severityNumber: b.severityNumber[i],
    attributes: keyValues(b.attributes[i], f),
  };
  if (b.severityText[i]) rec.severityText = b.severityText[i];
  // An absent body and an empty AnyValue both map to undefined; absent is the smaller encoding.
  const body = bodyOf(b, i);
  if (body !== undefined) rec.body = anyValue(body, f);
  if (b.droppedAttributesCount[i]) rec.droppedAttributesCount = b.droppedAttributesCount[i];
  if (b.flags[i]) rec.flags = b.flags[i];
  if (b.traceId[i]) rec.traceId = f.id(b.traceId[i]);
  if (b.spanId[i]) rec.spanId = f.id(b.spanId[i]);
  if (b.eventName[i]) rec.eventName = b.eventName[i];
  return rec;
}

function keyValues(list: KeyValue[], f: Flavour): Obj[] {
  const out = new Array<Obj>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = { key: list[i].key, value: anyValue(list[i].value, f) };
  return out;
}

function anyValue(v: AnyValue, f: Flavour): Obj {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: f.i64(v) };
    case 'number':
      return { doubleValue: f.double(v) };
    case 'undefined':
      return {};
  }
  if (v instanceof Uint8Array) return { bytesValue: f.bytes(v) };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => anyValue(x, f)) } };
  if (v instanceof KeyValueList) return { kvlistValue: { values: keyValues(v.values, f) } };
  return {};
}
