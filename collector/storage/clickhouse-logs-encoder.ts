/**
 * Turns LogBatch records into TabSeparated rows for the logs table, driven by the
 * table's actual columns (read from system.columns), so one encoder serves the
 * full and the legacy schema and any table a user created by hand: columns we
 * do not know are left out of the INSERT and get their defaults; known columns
 * are written in the representation their type needs.
 *
 * TabSeparated was measured fastest into chDB and is understood by every server
 * version (see the exporter's README notes). Nanoseconds are exact: DateTime64(9)
 * is written as the decimal text `<seconds>.<9 digits>`, built from the bigint.
 *
 * Mapping (as the contrib exporter does it): Timestamp = timeUnixNano, or
 * observedTimeUnixNano when that is 0; TraceFlags = flags & 0xff; ServiceName =
 * the resource's service.name rendered as a string; Body and attribute values via
 * anyValueToString.
 */
import type { LogBatch, KeyValue, ResourceInfo, ScopeInfo } from '../pipeline/batch';
import { anyValueToString } from './anyvalue-string';

export interface TableColumn {
  name: string;
  type: string;
  /** system.columns default_kind: '' | 'DEFAULT' | 'MATERIALIZED' | 'ALIAS' | 'EPHEMERAL'. */
  defaultKind: string;
}

/** Top-level TSV field escaping. */
const TSV_SPECIAL = /[\\\t\n\r\0]/;
export function tsvEscape(s: string): string {
  if (!TSV_SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0'));
}

/** A single-quoted string inside an Array/Map value of a TSV field. */
const QUOTED_SPECIAL = /[\\'\t\n\r\0]/;
export function tsvQuoted(s: string): string {
  if (!QUOTED_SPECIAL.test(s)) return "'" + s + "'";
  return (
    "'" +
    s.replace(/[\\'\t\n\r\0]/g, (c) =>
      c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0',
    ) +
    "'"
  );
}

export function tsvStringArray(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + tsvQuoted(values[i]);
  return out + ']';
}

function tsvMap(attrs: readonly KeyValue[]): string {
  if (attrs.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < attrs.length; i++) out += (i ? ',' : '') + tsvQuoted(attrs[i].key) + ':' + tsvQuoted(anyValueToString(attrs[i].value));
  return out + '}';
}

const NS_PER_S = 1_000_000_000n;
/** DateTime64(9) is an Int64 count of nanoseconds: up to 2262-04-11T23:47:16.854775807Z. */
const MAX_DATETIME64_NS = 9_223_372_036_854_775_807n;
/** DateTime is a UInt32 count of seconds: up to 2106-02-07T06:28:15Z. */
const MAX_DATETIME_NS = 4_294_967_296n * NS_PER_S - 1n;

/** Attribute set rendered once per resource/scope and reused for every record that shares it. */
interface RenderedAttrs {
  map: string;
  keys: string;
  values: string;
}

function renderAttrs(attrs: readonly KeyValue[]): RenderedAttrs {
  return {
    map: tsvMap(attrs),
    keys: tsvStringArray(attrs.map((a) => a.key)),
    values: tsvStringArray(attrs.map((a) => anyValueToString(a.value))),
  };
}

interface RenderedResource {
  serviceName: string;
  schemaUrl: string;
  attrs: RenderedAttrs;
}

interface RenderedScope {
  name: string;
  version: string;
  schemaUrl: string;
  attrs: RenderedAttrs;
}

/** Per-encoding caches keyed by the shared resource/scope objects (kept by mergeBatches and slices). */
export class EncodeContext {
  readonly resources = new Map<ResourceInfo, RenderedResource>();
  readonly scopes = new Map<ScopeInfo, RenderedScope>();

  resource(r: ResourceInfo): RenderedResource {
    let v = this.resources.get(r);
    if (!v) {
      const service = r.attributes.find((kv) => kv.key === 'service.name');
      v = {
        serviceName: tsvEscape(service ? anyValueToString(service.value) : ''),
        schemaUrl: tsvEscape(r.schemaUrl),
        attrs: renderAttrs(r.attributes),
      };
      this.resources.set(r, v);
    }
    return v;
  }

  scope(s: ScopeInfo): RenderedScope {
    let v = this.scopes.get(s);
    if (!v) {
      v = { name: tsvEscape(s.name), version: tsvEscape(s.version), schemaUrl: tsvEscape(s.schemaUrl), attrs: renderAttrs(s.attributes) };
      this.scopes.set(s, v);
    }
    return v;
  }
}

interface RowState {
  b: LogBatch;
  i: number;
  ts: bigint;
  res: RenderedResource;
  scope: RenderedScope;
  insertId: bigint;
}

type FieldWriter = (r: RowState) => string;

/**
 * Unix seconds as DateTime text. Always 10 digits: the server's text parser reads
 * a 10-digit number as a Unix timestamp but takes shorter ones for other date
 * forms ("1.5" would become a day in May), so small values are zero-padded.
 */
function secondsOf(ts: bigint): string {
  return (ts / NS_PER_S).toString().padStart(10, '0');
}

function fractionOf(ts: bigint, digits: number): string {
  const frac = (ts % NS_PER_S).toString().padStart(9, '0');
  return frac.slice(0, digits);
}

function attrsWriter(part: keyof RenderedAttrs, of: 'resource' | 'scope' | 'log'): FieldWriter {
  if (of === 'resource') return (r) => r.res.attrs[part];
  if (of === 'scope') return (r) => r.scope.attrs[part];
  if (part === 'map') return (r) => tsvMap(r.b.attributes[r.i]);
  if (part === 'keys') return (r) => tsvStringArray(r.b.attributes[r.i].map((a) => a.key));
  return (r) => tsvStringArray(r.b.attributes[r.i].map((a) => anyValueToString(a.value)));
}

const ATTRIBUTE_COLUMNS: Record<string, 'resource' | 'scope' | 'log'> = {
  ResourceAttributes: 'resource',
  ScopeAttributes: 'scope',
  LogAttributes: 'log',
};

function clampUInt8(n: number): number {
  return n < 0 ? 0 : n > 255 ? 255 : Math.trunc(n);
}

/** How to write one known column of the given type; undefined when we cannot fill it. */
function writerFor(col: TableColumn): FieldWriter | undefined {
  const { name, type } = col;
  const dt64 = /^DateTime64\((\d+)/.exec(type);
  switch (name) {
    case 'Timestamp':
      if (dt64) {
        const digits = Math.min(9, Number(dt64[1]));
        return digits === 0 ? (r) => secondsOf(r.ts) : (r) => secondsOf(r.ts) + '.' + fractionOf(r.ts, digits);
      }
      if (/^DateTime/.test(type)) return (r) => secondsOf(r.ts);
      if (/^U?Int64$/.test(type)) return (r) => r.ts.toString();
      return undefined;
    case 'TimestampTime':
      // Only reached for a plain column; the contrib schema computes it (DEFAULT toDateTime(Timestamp)).
      return /^DateTime/.test(type) ? (r) => secondsOf(r.ts) : undefined;
    case 'TimestampNanos':
      return /^U?Int(32|64)$/.test(type) ? (r) => (r.ts % NS_PER_S).toString() : undefined;
    case 'TraceId':
      return (r) => tsvEscape(r.b.traceId[r.i]);
    case 'SpanId':
      return (r) => tsvEscape(r.b.spanId[r.i]);
    case 'TraceFlags':
      return (r) => String(r.b.flags[r.i] & 0xff);
    case 'SeverityText':
      return (r) => tsvEscape(r.b.severityText[r.i]);
    case 'SeverityNumber':
      return (r) => String(clampUInt8(r.b.severityNumber[r.i]));
    case 'ServiceName':
      return (r) => r.res.serviceName;
    case 'Body':
      return (r) => tsvEscape(anyValueToString(r.b.body[r.i]));
    case 'ResourceSchemaUrl':
      return (r) => r.res.schemaUrl;
    case 'ScopeSchemaUrl':
      return (r) => r.scope.schemaUrl;
    case 'ScopeName':
      return (r) => r.scope.name;
    case 'ScopeVersion':
      return (r) => r.scope.version;
    case 'EventName':
      return (r) => tsvEscape(r.b.eventName[r.i]);
    case 'TemplateId':
      return (r) => BigInt.asUintN(64, r.b.templateId[r.i]).toString();
    case 'TemplateArgs':
      return /^Array\(/.test(type) ? (r) => tsvStringArray(r.b.templateArgs[r.i]) : undefined;
    case 'InsertId':
      return (r) => r.insertId.toString();
  }
  const attr = ATTRIBUTE_COLUMNS[name];
  if (attr && /^Map\(/.test(type)) return attrsWriter('map', attr);
  const nested = /^(ResourceAttributes|ScopeAttributes|LogAttributes)\.(keys|values)$/.exec(name);
  if (nested && /^Array\(/.test(type)) return attrsWriter(nested[2] as 'keys' | 'values', ATTRIBUTE_COLUMNS[nested[1]]);
  return undefined;
}

export class LogsTsvEncoder {
  /** The INSERT column list, in row order. */
  readonly columns: string[] = [];
  /** Insertable columns we do not know how to fill (left to their defaults). */
  readonly unknownColumns: string[] = [];
  /** True when the table has the InsertId column (insert-id deduplication). */
  readonly hasInsertId: boolean;
  /** 'datetime64' when Timestamp keeps nanoseconds itself; 'seconds' when they go to TimestampNanos (or are lost). */
  readonly timestampKind: 'datetime64' | 'seconds';
  private readonly writers: FieldWriter[] = [];
  private readonly maxTimestampNs: bigint;

  constructor(tableColumns: readonly TableColumn[]) {
    for (const col of tableColumns) {
      // Columns with a DEFAULT expression (the contrib table's TimestampTime) are computed by the
      // server exactly as for the contrib exporter; MATERIALIZED/ALIAS ones cannot be written.
      if (col.defaultKind !== '') continue;
      const w = writerFor(col);
      if (!w) {
        this.unknownColumns.push(col.name);
        continue;
      }
      this.columns.push(col.name);
      this.writers.push(w);
    }
    if (!this.columns.includes('Timestamp')) throw new Error('logs table has no writable Timestamp column');
    const ts = tableColumns.find((c) => c.name === 'Timestamp')!;
    this.timestampKind = /^DateTime64/.test(ts.type) ? 'datetime64' : 'seconds';
    this.maxTimestampNs = /^DateTime64/.test(ts.type) ? MAX_DATETIME64_NS : /^DateTime/.test(ts.type) ? MAX_DATETIME_NS : MAX_DATETIME64_NS;
    this.hasInsertId = this.columns.includes('InsertId');
  }

  /** The record's timestamp in nanoseconds, as stored. */
  static timestampOf(b: LogBatch, i: number): bigint {
    const t = b.timeUnixNano[i];
    return t !== 0n ? t : b.observedTimeUnixNano[i];
  }

  /**
   * One TSV line (with its newline) for record `i`, or undefined when the record
   * cannot be stored (its timestamp is outside what the column can hold).
   */
  encodeRow(b: LogBatch, i: number, ctx: EncodeContext, insertId: bigint): string | undefined {
    const ts = LogsTsvEncoder.timestampOf(b, i);
    if (ts < 0n || ts > this.maxTimestampNs) return undefined;
    const state: RowState = {
      b,
      i,
      ts,
      res: ctx.resource(b.resources[b.resourceIndex[i]]),
      scope: ctx.scope(b.scopes[b.scopeIndex[i]]),
      insertId,
    };
    const w = this.writers;
    let line = w[0](state);
    for (let k = 1; k < w.length; k++) line += '\t' + w[k](state);
    return line + '\n';
  }
}
