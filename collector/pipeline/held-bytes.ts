/**
 * Heap bytes that decoded records keep, estimated from V8's object and string sizes
 * (measured with --expose-gc: a KeyValue of two short strings kept 91 bytes: its object
 * 32, each string about 24 plus its characters, a slot in its list 8). Characters count
 * one byte (text outside Latin-1 takes two). For bounds on what is kept in memory:
 * a record's size on the wire says little about it (10-15 bytes for such an attribute).
 */
import { estimatedBytes, KeyValueList, type AnyValue, type KeyValue, type LogBatch, type TemplateArg } from './batch';

export const OBJECT_BYTES = 32;
export const STRING_BYTES = 24;
export const SLOT_BYTES = 8;

/** Bytes a string keeps. */
export function stringBytes(s: string): number {
  return STRING_BYTES + s.length;
}

/** Bytes an AnyValue keeps (a number or boolean stored inline counts nothing). */
export function anyValueBytes(v: AnyValue): number {
  if (typeof v === 'string') return stringBytes(v);
  if (typeof v === 'bigint') return STRING_BYTES;
  if (v instanceof Uint8Array) return 3 * OBJECT_BYTES + v.byteLength;
  if (Array.isArray(v)) {
    let bytes = OBJECT_BYTES;
    for (const x of v) bytes += SLOT_BYTES + anyValueBytes(x);
    return bytes;
  }
  if (v instanceof KeyValueList) return OBJECT_BYTES + keyValuesBytes(v.values);
  return 0;
}

/** Bytes an attribute list keeps. */
export function keyValuesBytes(list: readonly KeyValue[]): number {
  let bytes = OBJECT_BYTES;
  for (let i = 0; i < list.length; i++) bytes += SLOT_BYTES + OBJECT_BYTES + stringBytes(list[i].key) + anyValueBytes(list[i].value);
  return bytes;
}

/** Bytes a record's template arguments keep (an integer argument is stored inline). */
function templateArgsBytes(args: readonly TemplateArg[]): number {
  if (args.length === 0) return 0;
  let bytes = OBJECT_BYTES;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    bytes += SLOT_BYTES + (typeof a === 'string' ? stringBytes(a) : 0);
  }
  return bytes;
}

/** Bytes a record keeps besides its body and attributes (its slots in the batch's columns, its ids). */
const RECORD_BYTES = 128;

/**
 * About the heap bytes a batch keeps while it is held (a memory queue): its bodies and
 * attribute lists (a list shared by consecutive records once), or its size as received
 * (estimatedBytes) when that is more.
 */
export function batchHeldBytes(b: LogBatch): number {
  let bytes = RECORD_BYTES * b.length;
  let lastAttributes: readonly KeyValue[] | undefined;
  for (let i = 0; i < b.length; i++) {
    bytes += anyValueBytes(b.body[i]) + templateArgsBytes(b.templateArgs[i]);
    const attributes = b.attributes[i];
    if (attributes !== lastAttributes) bytes += keyValuesBytes(attributes);
    lastAttributes = attributes;
  }
  return Math.max(estimatedBytes(b), bytes);
}
