/**
 * JSON lines (pino, bunyan, logrus, zap, Docker json-file, ...): one object per
 * line. Fields become attributes (nested objects as kvlists, arrays as arrays,
 * integers as int64, null as empty), except those with a dedicated place in
 * the record:
 *
 * - body: `msg`, else `message` (when neither exists, the body is the line);
 * - timestamp: `timestamp`, `time`, `ts` or `@timestamp` — ISO 8601 text or an
 *   epoch number in s/ms/us/ns by magnitude (a value that does not parse stays
 *   an attribute);
 * - severity: `level`, `severity`, `lvl` or `levelname` — a name (info, WARN,
 *   warning, ...) or a pino/bunyan number (30 = info);
 * - trace context: `trace_id`/`traceId` (32 hex), `span_id`/`spanId` (16 hex).
 */
import { KeyValueList, type AnyValue, type KeyValue } from '../../../pipeline/batch';
import { epochNumberToNanos, parseIso8601Nanos } from './time';
import { severityOfName, severityOfNumber, severityShortText } from './severity';
import { malformedLine, type ParsedLine } from './types';

const MESSAGE_KEYS = ['msg', 'message'];
const TIME_KEYS = ['timestamp', 'time', 'ts', '@timestamp'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname'];
const TRACE_ID_KEYS = ['trace_id', 'traceId'];
const SPAN_ID_KEYS = ['span_id', 'spanId'];

/** A JSON value as an OTel AnyValue: integers to int64 (bigint), null to empty. */
export function jsonToAnyValue(v: unknown): AnyValue {
  if (v === null || v === undefined) return undefined;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isSafeInteger(v) ? BigInt(v) : v;
    case 'object':
      if (Array.isArray(v)) return v.map(jsonToAnyValue);
      return new KeyValueList(Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value: jsonToAnyValue(value) })));
    default:
      return String(v);
  }
}

function timeOf(v: unknown): bigint | undefined {
  if (typeof v === 'number') return epochNumberToNanos(v);
  if (typeof v !== 'string') return undefined;
  const iso = parseIso8601Nanos(v);
  if (iso !== undefined) return iso;
  return /^\d+(\.\d+)?$/.test(v) ? epochNumberToNanos(Number(v)) : undefined;
}

function firstKey(obj: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(obj, k)) return k;
  return undefined;
}

function hexId(v: unknown, length: number): string {
  if (typeof v !== 'string' || v.length !== length || !/^[0-9a-fA-F]+$/.test(v)) return '';
  return v.toLowerCase();
}

export function parseJsonLine(line: string): ParsedLine {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return malformedLine(line, 'invalid JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return malformedLine(line, 'not a JSON object');
  const record = obj as Record<string, unknown>;
  const used = new Set<string>();

  let body: AnyValue = line;
  const messageKey = firstKey(record, MESSAGE_KEYS);
  if (messageKey !== undefined) {
    body = jsonToAnyValue(record[messageKey]);
    used.add(messageKey);
  }

  let timeUnixNano = 0n;
  const timeKey = firstKey(record, TIME_KEYS);
  if (timeKey !== undefined) {
    const t = timeOf(record[timeKey]);
    if (t !== undefined) {
      timeUnixNano = t;
      used.add(timeKey);
    }
  }

  let severityNumber = 0;
  let severityText = '';
  const levelKey = firstKey(record, LEVEL_KEYS);
  if (levelKey !== undefined) {
    const level = record[levelKey];
    if (typeof level === 'string') {
      severityText = level;
      severityNumber = severityOfName(level);
      used.add(levelKey);
    } else if (typeof level === 'number') {
      severityNumber = severityOfNumber(level);
      severityText = severityShortText(severityNumber);
      if (severityNumber) used.add(levelKey);
    }
  }

  let traceId = '';
  let spanId = '';
  const traceKey = firstKey(record, TRACE_ID_KEYS);
  if (traceKey !== undefined && (traceId = hexId(record[traceKey], 32))) used.add(traceKey);
  const spanKey = firstKey(record, SPAN_ID_KEYS);
  if (spanKey !== undefined && (spanId = hexId(record[spanKey], 16))) used.add(spanKey);

  const attributes: KeyValue[] = [];
  for (const key of Object.keys(record)) {
    if (!used.has(key)) attributes.push({ key, value: jsonToAnyValue(record[key]) });
  }
  return { timeUnixNano, severityNumber, severityText, body, attributes, traceId, spanId, parseError: '' };
}
