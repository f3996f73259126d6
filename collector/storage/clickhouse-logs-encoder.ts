/**
 * Turns LogBatch records into INSERT rows for the logs table, driven by the
 * table's actual columns (read from system.columns), so one encoder serves the
 * full and the legacy schema and any table a user created by hand: columns we
 * do not know are left out of the INSERT and get their defaults; known columns
 * are written in the representation their type needs.
 *
 * Two formats, one line per row (so a block can be split or filtered by rows):
 * JSONCompactEachRow, measured fastest into chDB (encoding and server-side
 * parsing), used wherever the server reads it; TabSeparated for servers that do
 * not (18.16). Nanoseconds are exact in both: DateTime64(9) is written as the
 * decimal text `<10-digit seconds>.<9 digits>`, built from the bigint.
 *
 * Mapping (as the contrib exporter does it): Timestamp = timeUnixNano, or
 * observedTimeUnixNano when that is 0; TraceFlags = flags & 0xff; ServiceName =
 * the resource's service.name rendered as a string; Body and attribute values via
 * anyValueToString.
 */
import { argTexts, bodyOf, type LogBatch, type KeyValue, type ResourceInfo, type ScopeInfo } from '../pipeline/batch';
import { maxStoredTime } from '../pipeline/time-column';
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
  tsvMap: string;
  tsvKeys: string;
  tsvValues: string;
  /** JSON forms: Map columns take an object (a repeated key keeps its last value), Nested columns two arrays. */
  object: Record<string, string>;
  keys: string[];
  values: string[];
}

/** A prototype-less object, so an attribute named "__proto__" is an ordinary key. */
function attributeObject(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function renderAttrs(attrs: readonly KeyValue[]): RenderedAttrs {
  const keys = attrs.map((a) => a.key);
  const values = attrs.map((a) => anyValueToString(a.value));
  const object = attributeObject();
  for (let i = 0; i < keys.length; i++) object[keys[i]] = values[i];
  return { tsvMap: tsvMap(attrs), tsvKeys: tsvStringArray(keys), tsvValues: tsvStringArray(values), object, keys, values };
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
      v = { serviceName: service ? anyValueToString(service.value) : '', schemaUrl: r.schemaUrl, attrs: renderAttrs(r.attributes) };
      this.resources.set(r, v);
    }
    return v;
  }

  scope(s: ScopeInfo): RenderedScope {
    let v = this.scopes.get(s);
    if (!v) {
      v = { name: s.name, version: s.version, schemaUrl: s.schemaUrl, attrs: renderAttrs(s.attributes) };
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

/** One column in both formats: TSV text, or a value for JSON.stringify. */
interface ColumnWriter {
  tsv: (r: RowState) => string;
  json: (r: RowState) => unknown;
}

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

/** A string column: escaped for TSV, as is for JSON. */
function text(get: (r: RowState) => string): ColumnWriter {
  return { tsv: (r) => tsvEscape(get(r)), json: get };
}

/** A column whose TSV text needs no escaping (numbers, times); JSON gets `json(r)`. */
function plain(get: (r: RowState) => string, json: (r: RowState) => unknown = get): ColumnWriter {
  return { tsv: get, json };
}

type AttrPart = 'map' | 'keys' | 'values';

function attrsWriter(part: AttrPart, of: 'resource' | 'scope' | 'log'): ColumnWriter {
  if (of !== 'log') {
    const attrs = (r: RowState) => (of === 'resource' ? r.res.attrs : r.scope.attrs);
    if (part === 'map') return { tsv: (r) => attrs(r).tsvMap, json: (r) => attrs(r).object };
    if (part === 'keys') return { tsv: (r) => attrs(r).tsvKeys, json: (r) => attrs(r).keys };
    return { tsv: (r) => attrs(r).tsvValues, json: (r) => attrs(r).values };
  }
  if (part === 'map') {
    return {
      tsv: (r) => tsvMap(r.b.attributes[r.i]),
      json: (r) => {
        const o = attributeObject();
        for (const a of r.b.attributes[r.i]) o[a.key] = anyValueToString(a.value);
        return o;
      },
    };
  }
  const list = part === 'keys' ? (r: RowState) => r.b.attributes[r.i].map((a) => a.key) : (r: RowState) => r.b.attributes[r.i].map((a) => anyValueToString(a.value));
  return { tsv: (r) => tsvStringArray(list(r)), json: list };
}

const ATTRIBUTE_COLUMNS: Record<string, 'resource' | 'scope' | 'log'> = {
  ResourceAttributes: 'resource',
  ScopeAttributes: 'scope',
  LogAttributes: 'log',
};

function clampUInt8(n: number): number {
  return n < 0 ? 0 : n > 255 ? 255 : Math.trunc(n);
}

export interface LogsRowEncoderOptions {
  /**
   * For a `RawBody` column (Body rendered at query time, see template-store.ts): what
   * to store for a record's body text, given its service, template id and arguments
   * ('' when the template renders the body exactly). Without it RawBody holds the body.
   */
  rawBodyOf?: (body: string, service: string, templateId: bigint, args: readonly string[]) => string;
  /**
   * For a record whose body was never built (LogBatch.bodyParts): whether the stored
   * template renders exactly `parts` joined by the record's arguments, so RawBody is ''
   * without building the body. Without it the body is built and given to rawBodyOf.
   */
  renderedBodyStored?: (service: string, templateId: bigint, parts: readonly string[]) => boolean;
}

/** How to write one known column of the given type; undefined when we cannot fill it. */
function writerFor(col: TableColumn, options: LogsRowEncoderOptions = {}): ColumnWriter | undefined {
  const { name, type } = col;
  const dt64 = /^DateTime64\((\d+)/.exec(type);
  switch (name) {
    case 'Timestamp':
      if (dt64) {
        const digits = Math.min(9, Number(dt64[1]));
        return plain(digits === 0 ? (r) => secondsOf(r.ts) : (r) => secondsOf(r.ts) + '.' + fractionOf(r.ts, digits));
      }
      if (/^DateTime/.test(type)) return plain((r) => secondsOf(r.ts));
      if (/^U?Int64$/.test(type)) return plain((r) => r.ts.toString());
      return undefined;
    case 'TimestampTime':
      // Only reached for a plain column; the contrib schema computes it (DEFAULT toDateTime(Timestamp)).
      return /^DateTime/.test(type) ? plain((r) => secondsOf(r.ts)) : undefined;
    case 'TimestampNanos':
      return /^U?Int(32|64)$/.test(type) ? plain((r) => String(Number(r.ts % NS_PER_S)), (r) => Number(r.ts % NS_PER_S)) : undefined;
    case 'TraceId':
      return text((r) => r.b.traceId[r.i]);
    case 'SpanId':
      return text((r) => r.b.spanId[r.i]);
    case 'TraceFlags':
      return plain((r) => String(r.b.flags[r.i] & 0xff), (r) => r.b.flags[r.i] & 0xff);
    case 'SeverityText':
      return text((r) => r.b.severityText[r.i]);
    case 'SeverityNumber':
      return plain((r) => String(clampUInt8(r.b.severityNumber[r.i])), (r) => clampUInt8(r.b.severityNumber[r.i]));
    case 'ServiceName':
      return text((r) => r.res.serviceName);
    case 'Body':
      return text((r) => anyValueToString(bodyOf(r.b, r.i)));
    case 'RawBody': {
      const rawBodyOf = options.rawBodyOf;
      if (!rawBodyOf) return text((r) => anyValueToString(bodyOf(r.b, r.i)));
      return text((r) => rawBodyOf(anyValueToString(bodyOf(r.b, r.i)), r.res.serviceName, r.b.templateId[r.i], argTexts(r.b.templateArgs[r.i])));
    }
    case 'ResourceSchemaUrl':
      return text((r) => r.res.schemaUrl);
    case 'ScopeSchemaUrl':
      return text((r) => r.scope.schemaUrl);
    case 'ScopeName':
      return text((r) => r.scope.name);
    case 'ScopeVersion':
      return text((r) => r.scope.version);
    case 'EventName':
      return text((r) => r.b.eventName[r.i]);
    case 'TemplateId':
      return plain((r) => BigInt.asUintN(64, r.b.templateId[r.i]).toString());
    case 'TemplateArgs':
      return /^Array\(/.test(type) ? { tsv: (r) => tsvStringArray(argTexts(r.b.templateArgs[r.i])), json: (r) => argTexts(r.b.templateArgs[r.i]) } : undefined;
    case 'InsertId':
      return plain((r) => r.insertId.toString());
  }
  const attr = ATTRIBUTE_COLUMNS[name];
  if (attr && /^Map\(/.test(type)) return attrsWriter('map', attr);
  const nested = /^(ResourceAttributes|ScopeAttributes|LogAttributes)\.(keys|values)$/.exec(name);
  if (nested && /^Array\(/.test(type)) return attrsWriter(nested[2] as AttrPart, ATTRIBUTE_COLUMNS[nested[1]]);
  return undefined;
}

export type LogsInsertFormat = 'JSONCompactEachRow' | 'TabSeparated';

/** JSON.stringify writes a lone UTF-16 surrogate as a \\udXXX escape the server cannot turn into UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v && typeof v === 'object') {
    const o = attributeObject() as Record<string, unknown>;
    for (const [k, x] of Object.entries(v)) o[wellFormed(k) as string] = wellFormed(x);
    return o;
  }
  return v;
}

export class LogsRowEncoder {
  /** The INSERT column list, in row order. */
  readonly columns: string[] = [];
  /** Insertable columns we do not know how to fill (left to their defaults). */
  readonly unknownColumns: string[] = [];
  /** True when the table has the InsertId column (insert-id deduplication). */
  readonly hasInsertId: boolean;
  /** 'datetime64' when Timestamp keeps nanoseconds itself; 'seconds' when they go to TimestampNanos (or are lost). */
  readonly timestampKind: 'datetime64' | 'seconds';
  private readonly writers: ColumnWriter[] = [];
  private readonly maxTimestampNs: bigint;

  constructor(
    tableColumns: readonly TableColumn[],
    readonly format: LogsInsertFormat = 'JSONCompactEachRow',
    options: LogsRowEncoderOptions = {},
  ) {
    for (const col of tableColumns) {
      // Columns with a DEFAULT expression (the contrib table's TimestampTime) are computed by the
      // server exactly as for the contrib exporter; MATERIALIZED/ALIAS ones cannot be written.
      if (col.defaultKind !== '') continue;
      const w = writerFor(col, options);
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

  /** False when record `i`'s timestamp is outside what the table's Timestamp column can hold. */
  storable(b: LogBatch, i: number): boolean {
    const ts = LogsRowEncoder.timestampOf(b, i);
    return ts >= 0n && ts <= this.maxTimestampNs;
  }

  /** storable() for every record of `b` (read on the time columns' words: no bigint per record). */
  allStorable(b: LogBatch): boolean {
    return maxStoredTime(b.timeUnixNano, b.observedTimeUnixNano, b.length) <= this.maxTimestampNs;
  }

  /**
   * One row (with its newline) for record `i`, or undefined when the record cannot
   * be stored (its timestamp is outside what the column can hold).
   */
  encodeRow(b: LogBatch, i: number, ctx: EncodeContext, insertId: bigint): string | undefined {
    if (!this.storable(b, i)) return undefined;
    const ts = LogsRowEncoder.timestampOf(b, i);
    const state: RowState = {
      b,
      i,
      ts,
      res: ctx.resource(b.resources[b.resourceIndex[i]]),
      scope: ctx.scope(b.scopes[b.scopeIndex[i]]),
      insertId,
    };
    const w = this.writers;
    if (this.format === 'JSONCompactEachRow') {
      const values = new Array<unknown>(w.length);
      for (let k = 0; k < w.length; k++) values[k] = w[k].json(state);
      const line = JSON.stringify(values);
      // Rare: only a lone surrogate makes JSON.stringify emit "\ud8xx"-style escapes.
      return (line.includes('\\ud') ? JSON.stringify(wellFormed(values)) : line) + '\n';
    }
    let line = w[0].tsv(state);
    for (let k = 1; k < w.length; k++) line += '\t' + w[k].tsv(state);
    return line + '\n';
  }
}
