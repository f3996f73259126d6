/**
 * Limits the OTLP decoders enforce on what one request may carry, beyond the
 * transport's message-size limit (max_recv_msg_size / max_request_body_size).
 *
 * Semantics (OpenTelemetry attribute limits, applied by the receiver):
 * - maxAttributesPerRecord: a record (and a resource, and a scope) keeps its
 *   first N attributes; the rest are dropped and added to its
 *   droppedAttributesCount (saturating at 2^32-1). The request is accepted.
 * - maxAttributeValueLength: string attribute values longer than N UTF-16 code
 *   units, and bytes values longer than N bytes, are truncated to N (a string is
 *   never cut between the two halves of a surrogate pair); this applies inside
 *   array and kvlist values too. Bodies are not truncated (the message-size
 *   limit bounds them). The request is accepted.
 * - maxRecordsPerRequest: a request with more log records is rejected whole
 *   (PermanentError 'too_large' -> RESOURCE_EXHAUSTED / 413) as soon as the
 *   decoder meets record N+1. Without it a 4 MiB body of empty records (2 bytes
 *   each in protobuf) decodes into ~2M records, ~800 MB of heap and seconds of
 *   blocked event loop; real exporters send a few thousand records per request.
 * - maxAnyValueDepth: an AnyValue nested deeper than N array/kvlist levels
 *   rejects the whole request (PermanentError -> INVALID_ARGUMENT / 400). The
 *   decoders check depth while descending, so no input can overflow the stack.
 * - Invalid UTF-8 in a protobuf string field (and in an OTLP/JSON body, and lone
 *   surrogates written as \uD800 escapes in JSON strings) is replaced with
 *   U+FFFD and counted; the request is accepted. Protobuf allows a parser to
 *   reject such strings; we keep the record because losing a whole batch of
 *   logs over one bad byte helps nobody, and the replacement is visible.
 *
 * Every drop, truncation and replacement is counted in DecodeStats, which the
 * receiver turns into metrics.
 */
import type { AnyValue, KeyValue, LogBatch } from '../pipeline/batch';
import { KeyValueList } from '../pipeline/batch';
import { PermanentError } from '../pipeline/errors';

export interface DecodeLimits {
  maxRecordsPerRequest: number;
  maxAttributesPerRecord: number;
  maxAttributeValueLength: number;
  maxAnyValueDepth: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxRecordsPerRequest: 100_000,
  maxAttributesPerRecord: 1000,
  maxAttributeValueLength: 64 * 1024,
  maxAnyValueDepth: 32,
});

/** What the limits changed in one decoded request (all counts are additive across calls). */
export interface DecodeStats {
  /** Attributes dropped over maxAttributesPerRecord (records, resources and scopes). */
  droppedAttributes: number;
  /** Attribute values (strings or bytes, nested ones included) truncated to maxAttributeValueLength. */
  truncatedValues: number;
  /** Strings (or whole JSON bodies) in which invalid UTF-8 / lone surrogates were replaced with U+FFFD. */
  invalidUtf8: number;
}

export function newDecodeStats(): DecodeStats {
  return { droppedAttributes: 0, truncatedValues: 0, invalidUtf8: 0 };
}

export interface DecodeOptions {
  /** Missing members take DEFAULT_DECODE_LIMITS. */
  limits?: Partial<DecodeLimits>;
  /** Filled in (added to) with what the limits changed. */
  stats?: DecodeStats;
}

export function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  if (!limits) return DEFAULT_DECODE_LIMITS;
  return {
    maxRecordsPerRequest: limits.maxRecordsPerRequest ?? DEFAULT_DECODE_LIMITS.maxRecordsPerRequest,
    maxAttributesPerRecord: limits.maxAttributesPerRecord ?? DEFAULT_DECODE_LIMITS.maxAttributesPerRecord,
    maxAttributeValueLength: limits.maxAttributeValueLength ?? DEFAULT_DECODE_LIMITS.maxAttributeValueLength,
    maxAnyValueDepth: limits.maxAnyValueDepth ?? DEFAULT_DECODE_LIMITS.maxAnyValueDepth,
  };
}

const MAX_UINT32 = 0xffffffff;

export function tooManyRecords(max: number): PermanentError {
  return new PermanentError(`request has more than ${max} log records (limit max_records_per_request)`, 'too_large');
}

/**
 * Applies the count and length limits to every attribute list of a decoded
 * batch, in place (the batch was just built by a decoder and is not shared).
 * Cheap when nothing is over a limit: one length check per list and per
 * top-level string value.
 */
export function applyAttributeLimits(batch: LogBatch, limits: DecodeLimits, stats: DecodeStats): void {
  for (let i = 0; i < batch.length; i++) {
    const attrs = batch.attributes[i];
    if (attrs.length === 0) continue;
    const dropped = limitList(attrs, limits, stats);
    if (dropped > 0) batch.droppedAttributesCount[i] = Math.min(MAX_UINT32, batch.droppedAttributesCount[i] + dropped);
  }
  for (const r of batch.resources) {
    const dropped = limitList(r.attributes, limits, stats);
    if (dropped > 0) r.droppedAttributesCount = Math.min(MAX_UINT32, r.droppedAttributesCount + dropped);
  }
  for (const s of batch.scopes) {
    const dropped = limitList(s.attributes, limits, stats);
    if (dropped > 0) s.droppedAttributesCount = Math.min(MAX_UINT32, s.droppedAttributesCount + dropped);
  }
}

/** Truncates the list to the count limit (returns how many were dropped) and long values to the length limit. */
function limitList(list: KeyValue[], limits: DecodeLimits, stats: DecodeStats): number {
  let dropped = 0;
  if (list.length > limits.maxAttributesPerRecord) {
    dropped = list.length - limits.maxAttributesPerRecord;
    list.length = limits.maxAttributesPerRecord;
    stats.droppedAttributes += dropped;
  }
  for (const kv of list) kv.value = limitValue(kv.value, limits.maxAttributeValueLength, stats);
  return dropped;
}

function limitValue(v: AnyValue, max: number, stats: DecodeStats): AnyValue {
  if (typeof v === 'string') return v.length > max ? truncateString(v, max, stats) : v;
  if (v instanceof Uint8Array) {
    if (v.length <= max) return v;
    stats.truncatedValues++;
    return v.slice(0, max);
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = limitValue(v[i], max, stats);
    return v;
  }
  if (v instanceof KeyValueList) {
    for (const kv of v.values) kv.value = limitValue(kv.value, max, stats);
  }
  return v;
}

function truncateString(s: string, max: number, stats: DecodeStats): string {
  stats.truncatedValues++;
  let end = max;
  // Do not leave the high half of a surrogate pair at the end.
  if (end > 0) {
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
  }
  return s.slice(0, end);
}

/** `s` with lone surrogates replaced by U+FFFD (counted); `s` itself when well-formed. */
export function wellFormed(s: string, stats: DecodeStats | undefined): string {
  // ES2024 String methods (Node 20 has them; the project's lib setting is ES2022).
  const str = s as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  if (str.isWellFormed()) return s;
  if (stats) stats.invalidUtf8++;
  return str.toWellFormed();
}
