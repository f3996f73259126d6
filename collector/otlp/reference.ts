/**
 * Reference OTLP protobuf codec built on protobufjs and the .proto files in
 * proto/ (protocol/protos.ts). Several times slower than the hand-written
 * wire-decode.ts / wire-encode.ts used on the data path; kept as an independent
 * implementation the tests cross-check those against.
 *
 * Same contract as decodeExportRequest: unknown fields skipped, int64/fixed64
 * exact, malformed input and trace/span ids of the wrong length -> PermanentError.
 */
import type Long from 'long';
import type * as protobuf from 'protobufjs';
import { longToBigInt, OTLP } from '../../protocol/protos';
import { KeyValueList, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../pipeline/batch';
import { PermanentError } from '../pipeline/errors';
import { protobufjsFlavour, toRequestObject } from './request-object';

/** The parts of protobufjs-decoded messages this module reads. */
interface PbAnyValue {
  /** Name of the set oneof member (protobufjs virtual oneof getter), undefined when empty. */
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Long | number;
  doubleValue?: number;
  bytesValue?: Uint8Array;
  arrayValue?: { values?: PbAnyValue[] } | null;
  kvlistValue?: { values?: PbKeyValue[] } | null;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}
interface PbLogRecord {
  timeUnixNano: Long | number;
  observedTimeUnixNano: Long | number;
  severityNumber: number;
  severityText: string;
  body?: PbAnyValue | null;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
interface PbScopeLogs {
  scope?: { name: string; version: string; attributes: PbKeyValue[]; droppedAttributesCount: number } | null;
  logRecords: PbLogRecord[];
  schemaUrl: string;
}
interface PbResourceLogs {
  resource?: { attributes: PbKeyValue[]; droppedAttributesCount: number } | null;
  scopeLogs: PbScopeLogs[];
  schemaUrl: string;
}
interface PbExportLogsServiceRequest {
  resourceLogs: PbResourceLogs[];
}

let requestType: protobuf.Type | undefined;
function exportRequestType(): protobuf.Type {
  return (requestType ??= OTLP.ExportLogsServiceRequest);
}

/** Reference encoder: protobufjs encoding of the same request object the JSON encoder builds. */
export function referenceEncodeExportRequest(batch: LogBatch): Uint8Array {
  return exportRequestType().encode(toRequestObject(batch, protobufjsFlavour)).finish();
}

/** Reference decoder, same contract as decodeExportRequest. */
export function referenceDecodeExportRequest(buf: Uint8Array): LogBatch {
  // A Buffer makes protobufjs hand out Buffer slices for bytes fields (fast hex for ids).
  const buffer = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let request: PbExportLogsServiceRequest;
  try {
    request = exportRequestType().decode(buffer) as unknown as PbExportLogsServiceRequest;
  } catch (err) {
    throw new PermanentError(`malformed OTLP protobuf ExportLogsServiceRequest: ${(err as Error).message}`);
  }
  const batch = requestToBatch(request);
  batch.byteSize = buf.byteLength;
  return batch;
}

function requestToBatch(request: PbExportLogsServiceRequest): LogBatch {
  const builder = new LogBatchBuilder();
  const resourceLogs = request.resourceLogs;
  for (let r = 0; r < resourceLogs.length; r++) {
    const rl = resourceLogs[r];
    // Resources and scopes are added when their first record is, so empty groups leave no trace.
    let resourceIndex = -1;
    for (let s = 0; s < rl.scopeLogs.length; s++) {
      const sl = rl.scopeLogs[s];
      let scopeIndex = -1;
      const records = sl.logRecords;
      for (let i = 0; i < records.length; i++) {
        const rec = records[i];
        if (resourceIndex < 0) {
          resourceIndex = builder.addResource({
            attributes: keyValues(rl.resource?.attributes),
            droppedAttributesCount: rl.resource?.droppedAttributesCount ?? 0,
            schemaUrl: rl.schemaUrl ?? '',
          });
        }
        if (scopeIndex < 0) {
          scopeIndex = builder.addScope({
            name: sl.scope?.name ?? '',
            version: sl.scope?.version ?? '',
            attributes: keyValues(sl.scope?.attributes),
            droppedAttributesCount: sl.scope?.droppedAttributesCount ?? 0,
            schemaUrl: sl.schemaUrl ?? '',
          });
        }
        const where = `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`;
        builder.add(resourceIndex, scopeIndex, {
          timeUnixNano: longToBigInt(rec.timeUnixNano, true),
          observedTimeUnixNano: longToBigInt(rec.observedTimeUnixNano, true),
          severityNumber: rec.severityNumber,
          severityText: rec.severityText,
          body: anyValue(rec.body),
          attributes: keyValues(rec.attributes),
          droppedAttributesCount: rec.droppedAttributesCount,
          flags: rec.flags >>> 0,
          traceId: idToHex(rec.traceId, 16, 'traceId', where),
          spanId: idToHex(rec.spanId, 8, 'spanId', where),
          eventName: rec.eventName,
        });
      }
    }
  }
  return builder.batch;
}

function keyValues(list: PbKeyValue[] | undefined): KeyValue[] {
  if (!list || list.length === 0) return [];
  const out = new Array<KeyValue>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = { key: list[i].key, value: anyValue(list[i].value) };
  return out;
}

function anyValue(v: PbAnyValue | null | undefined): AnyValue {
  if (!v) return undefined;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue as string;
    case 'boolValue':
      return v.boolValue as boolean;
    case 'intValue':
      return longToBigInt(v.intValue, false);
    case 'doubleValue':
      return v.doubleValue as number;
    case 'bytesValue':
      // Copy: a slice would pin the whole request buffer for as long as the record lives.
      return new Uint8Array(v.bytesValue as Uint8Array);
    case 'arrayValue': {
      const values = v.arrayValue?.values ?? [];
      const out = new Array<AnyValue>(values.length);
      for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i]);
      return out;
    }
    case 'kvlistValue':
      return new KeyValueList(keyValues(v.kvlistValue?.values));
    default:
      return undefined;
  }
}

/** Lower-case hex of a trace/span id; '' when absent or all zero (the spec's "invalid" id means unset). */
function idToHex(bytes: Uint8Array, expected: number, field: string, where: string): string {
  if (!bytes || bytes.length === 0) return '';
  if (bytes.length !== expected) {
    throw new PermanentError(`${where}.${field}: must be ${expected} bytes, got ${bytes.length}`);
  }
  let zero = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) {
      zero = false;
      break;
    }
  }
  if (zero) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}
