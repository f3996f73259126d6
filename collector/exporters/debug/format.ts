/**
 * Text renderings of a LogBatch for the debug exporter, after otelcol's debug exporter:
 *
 * - basic:    one summary line per batch;
 * - normal:   one line per record (time, severity, body, attributes), grouped under
 *             resource and scope header lines;
 * - detailed: every field of every record, in otelcol's pdata text layout
 *             (ResourceLog #0 / ScopeLogs #0 / LogRecord #0 ... Body: Str(...)).
 *
 * Control characters in logged values are escaped so a record cannot drive the terminal.
 */
import { argTexts, bodyOf, KeyValueList, type AnyValue, type KeyValue, type LogBatch } from '../../pipeline/batch';
import { groupByResourceAndScope } from '../../otlp/group';

export type Verbosity = 'basic' | 'normal' | 'detailed';

const SEVERITY_NAMES = ['Unspecified', 'Trace', 'Debug', 'Info', 'Warn', 'Error', 'Fatal'];

/** "Info", "Warn3", ... as otelcol names SeverityNumber values. */
export function severityName(n: number): string {
  if (n <= 0 || n > 24 || !Number.isInteger(n)) return n === 0 ? 'Unspecified' : `SeverityNumber(${n})`;
  const base = SEVERITY_NAMES[Math.floor((n - 1) / 4) + 1];
  const step = (n - 1) % 4;
  return step === 0 ? base : `${base}${step + 1}`;
}

/** Escapes C0/C1 control characters (newlines included) so one value stays on one line. */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Nanoseconds since the epoch as "2020-02-11 20:26:13.000000789 +0000 UTC", exact to the nanosecond. */
export function formatTimestamp(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return `${ns}ns`;
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac.toString().padStart(9, '0')} +0000 UTC`;
}

/** A value as JSON-like text (bigints as numbers, bytes as base64). */
function toJsonText(v: AnyValue): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case 'undefined':
      return 'null';
  }
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v instanceof KeyValueList) return `{${v.values.map((kv) => `${JSON.stringify(kv.key)}:${toJsonText(kv.value)}`).join(',')}}`;
  return 'null';
}

/** otelcol's typed rendering: Str(..), Int(..), Double(..), Bool(..), Bytes(..), Slice(..), Map(..), Empty(). */
export function typedValue(v: AnyValue): string {
  switch (typeof v) {
    case 'string':
      return `Str(${escapeControl(v)})`;
    case 'boolean':
      return `Bool(${v})`;
    case 'bigint':
      return `Int(${v})`;
    case 'number':
      return `Double(${v})`;
    case 'undefined':
      return 'Empty()';
  }
  if (v instanceof Uint8Array) return `Bytes(${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')})`;
  if (Array.isArray(v)) return `Slice(${escapeControl(toJsonText(v))})`;
  if (v instanceof KeyValueList) return `Map(${escapeControl(toJsonText(v))})`;
  return 'Empty()';
}

/** A value as plain text: strings as they are, everything else as JSON-like text. */
function plainValue(v: AnyValue): string {
  return escapeControl(typeof v === 'string' ? v : toJsonText(v));
}

function attributesInline(list: KeyValue[]): string {
  return list.map((kv) => `${escapeControl(kv.key)}=${plainValue(kv.value)}`).join(' ');
}

function attributesBlock(out: string[], title: string, list: KeyValue[]): void {
  if (list.length === 0) return;
  out.push(`${title}:`);
  for (const kv of list) out.push(`     -> ${escapeControl(kv.key)}: ${typedValue(kv.value)}`);
}

/** The batch rendered at `verbosity`, ending with a newline. */
export function formatBatch(batch: LogBatch, verbosity: Verbosity, exporterId: string): string {
  const resources = new Set(batch.resourceIndex).size;
  const summary = `${exporterId}: ${batch.length} log record${batch.length === 1 ? '' : 's'} from ${resources} resource${resources === 1 ? '' : 's'}`;
  if (verbosity === 'basic') return summary + '\n';
  const out = [summary];
  let resourceNo = 0;
  for (const [ri, scopes] of groupByResourceAndScope(batch)) {
    const res = batch.resources[ri];
    const rn = resourceNo++;
    if (verbosity === 'normal') {
      out.push(`ResourceLog #${rn}${res.schemaUrl ? ` ${res.schemaUrl}` : ''} ${attributesInline(res.attributes)}`.trimEnd());
    } else {
      out.push(`ResourceLog #${rn}`, `Resource SchemaURL: ${res.schemaUrl}`);
      attributesBlock(out, 'Resource attributes', res.attributes);
    }
    let scopeNo = 0;
    for (const [si, records] of scopes) {
      const sn = scopeNo++;
      const scope = batch.scopes[si];
      const scopeName = `${escapeControl(scope.name)}${scope.version ? `@${escapeControl(scope.version)}` : ''}`;
      if (verbosity === 'normal') {
        out.push(`ScopeLog #${sn} ${scopeName} ${attributesInline(scope.attributes)}`.trimEnd());
        for (const i of records) out.push(normalRecord(batch, i));
      } else {
        out.push(`ScopeLogs #${sn}`, `ScopeLogs SchemaURL: ${scope.schemaUrl}`, `InstrumentationScope ${escapeControl(scope.name)} ${escapeControl(scope.version)}`);
        attributesBlock(out, 'InstrumentationScope attributes', scope.attributes);
        records.forEach((i, n) => detailedRecord(out, batch, i, n));
      }
    }
  }
  return out.join('\n') + '\n';
}

function normalRecord(b: LogBatch, i: number): string {
  const parts = [formatTimestamp(b.timeUnixNano[i] || b.observedTimeUnixNano[i])];
  parts.push(b.severityText[i] ? escapeControl(b.severityText[i]) : severityName(b.severityNumber[i]));
  if (b.eventName[i]) parts.push(`[${escapeControl(b.eventName[i])}]`);
  parts.push(plainValue(bodyOf(b, i)));
  const attrs = attributesInline(b.attributes[i]);
  if (attrs) parts.push(attrs);
  if (b.traceId[i]) parts.push(`trace_id=${b.traceId[i]}`);
  if (b.spanId[i]) parts.push(`span_id=${b.spanId[i]}`);
  return parts.join(' ');
}

function detailedRecord(out: string[], b: LogBatch, i: number, n: number): void {
  out.push(
    `LogRecord #${n}`,
    `ObservedTimestamp: ${formatTimestamp(b.observedTimeUnixNano[i])}`,
    `Timestamp: ${formatTimestamp(b.timeUnixNano[i])}`,
    `SeverityText: ${escapeControl(b.severityText[i])}`,
    `SeverityNumber: ${severityName(b.severityNumber[i])}(${b.severityNumber[i]})`,
  );
  if (b.eventName[i]) out.push(`EventName: ${escapeControl(b.eventName[i])}`);
  out.push(`Body: ${typedValue(bodyOf(b, i))}`);
  attributesBlock(out, 'Attributes', b.attributes[i]);
  if (b.droppedAttributesCount[i]) out.push(`DroppedAttributesCount: ${b.droppedAttributesCount[i]}`);
  out.push(`Trace ID: ${b.traceId[i]}`, `Span ID: ${b.spanId[i]}`, `Flags: ${b.flags[i]}`);
  if (b.templateId[i]) out.push(`Template ID: ${b.templateId[i]}`, `Template args: ${escapeControl(JSON.stringify(argTexts(b.templateArgs[i])))}`);
}
