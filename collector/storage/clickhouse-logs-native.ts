/**
 * Encodes log records into one Native block for the logs table (native-block.ts):
 * column by column, straight from the LogBatch columns, with the values shared by
 * many rows (service, scope, resource attributes) encoded once per resource/scope
 * and copied as bytes. The engine reads Native ~2-3x cheaper than
 * JSONCompactEachRow (bench/ingest.ts, "engine only"), and writing it allocates
 * no string per row.
 *
 * Same mapping as the text encoder (clickhouse-logs-encoder.ts, which stays for
 * tables this one cannot write): the table's actual columns decide what is
 * written; unknown columns and DEFAULT/MATERIALIZED/ALIAS ones are left out.
 * Each column is written in the type we produce (String, UInt8, UInt64,
 * Array(String), Map(String, String), the table's own DateTime/DateTime64); a
 * LowCardinality(...) table type is filled from its plain type, which the engine
 * converts on insert where it has input_format_native_allow_types_conversion.
 * `create()` returns undefined when some known column has a type this encoder
 * does not produce exactly (a user's Nullable column, LowCardinality on a server
 * without conversion): the caller then keeps the text encoder.
 */
import { argTexts, bodyOf, isSharedAttributeList, lazyBodyParts, type AnyValue, type KeyValue, type LogBatch, type ResourceInfo, type ScopeInfo } from '../pipeline/batch';
import { anyValueToString } from './anyvalue-string';
import type { LogsRowEncoderOptions, TableColumn } from './clickhouse-logs-encoder';
import { NativeWriter, encodedString } from './native-block';
import { HIGH_WORD, LOW_WORD, splitNanoWords, storedWords, wordsOf } from '../pipeline/time-column';

/** The records of one block: record k is `batches[k]`'s record `indexes[k]`; its InsertId is `base + offsets[k]`. */
export interface BlockRows {
  batches: LogBatch[];
  indexes: number[];
  offsets: number[];
  base: bigint;
}

/** What the engine accepts in a Native block. */
export interface NativeCapabilities {
  /** input_format_native_allow_types_conversion exists (a String column fills a LowCardinality(String) one). */
  typeConversion: boolean;
}

type ColumnFill = (w: NativeWriter, rows: BlockRows, ctx: NativeEncodeContext) => void;

interface NativeColumn {
  name: string;
  /** The type declared in the block (what the fill writes). */
  type: string;
  fill: ColumnFill;
}

/** Per-block caches of what many rows share, keyed by the shared objects. */
export class NativeEncodeContext {
  private readonly resources = new Map<ResourceInfo, { service: Buffer; schemaUrl: Buffer; attrs: EncodedAttrs }>();
  private readonly scopes = new Map<ScopeInfo, { name: Buffer; version: Buffer; schemaUrl: Buffer; attrs: EncodedAttrs }>();

  // the last resource and scope looked up: rows come in runs of one resource and scope
  private lastResource: ResourceInfo | undefined;
  private lastResourceValue: { service: Buffer; schemaUrl: Buffer; attrs: EncodedAttrs } | undefined;
  private lastScope: ScopeInfo | undefined;
  private lastScopeValue: { name: Buffer; version: Buffer; schemaUrl: Buffer; attrs: EncodedAttrs } | undefined;

  resource(r: ResourceInfo) {
    if (r === this.lastResource) return this.lastResourceValue!;
    let v = this.resources.get(r);
    if (!v) {
      const service = r.attributes.find((kv) => kv.key === 'service.name');
      v = { service: encodedString(service ? anyValueToString(service.value) : ''), schemaUrl: encodedString(r.schemaUrl), attrs: encodeAttrs(r.attributes) };
      this.resources.set(r, v);
    }
    this.lastResource = r;
    this.lastResourceValue = v;
    return v;
  }

  private readonly sharedLists = new Map<readonly KeyValue[], EncodedAttrs>();
  private resourceRuns: number[] | undefined;
  private scopeRuns: number[] | undefined;

  /** Where each run of rows of one batch and one resource (or scope) ends (sharedRunEnd), found once per block. */
  runEnds(of: 'resource' | 'scope', rows: BlockRows): readonly number[] {
    let ends = of === 'resource' ? this.resourceRuns : this.scopeRuns;
    if (ends === undefined) {
      ends = [];
      for (let k = 0; k < rows.indexes.length; ) ends.push((k = sharedRunEnd(of, rows, k)));
      if (of === 'resource') this.resourceRuns = ends;
      else this.scopeRuns = ends;
    }
    return ends;
  }
  private times: { seconds: Float64Array; nanos: Uint32Array } | undefined;

  /**
   * Each row's timestamp as whole seconds and nanoseconds (DateTime + TimestampNanos
   * columns), computed once per block from the batches' time columns as 32-bit words
   * (time-column.ts): no bigint per row.
   */
  splitTimes(rows: BlockRows): { seconds: Float64Array; nanos: Uint32Array } {
    if (this.times === undefined) {
      const n = rows.indexes.length;
      // Views of scratch arrays shared by all blocks: a context lives for one synchronous encodeInto.
      if (timeScratch.seconds.length < n) timeScratch = { seconds: new Float64Array(2 * n), nanos: new Uint32Array(2 * n) };
      const seconds = timeScratch.seconds.subarray(0, n);
      const nanos = timeScratch.nanos.subarray(0, n);
      const { batches, indexes } = rows;
      let batch: LogBatch | undefined;
      let times = EMPTY_WORDS;
      let observed = EMPTY_WORDS;
      for (let k = 0; k < n; k++) {
        if (batches[k] !== batch) {
          // rows come in runs of one batch: its columns' word views once per run
          batch = batches[k];
          times = wordsOf(batch.timeUnixNano);
          observed = wordsOf(batch.observedTimeUnixNano);
        }
        const i = indexes[k];
        const words = storedWords(times, observed, i);
        const split = splitNanoWords(words[2 * i + HIGH_WORD], words[2 * i + LOW_WORD]);
        nanos[k] = split.nanos;
        seconds[k] = split.seconds;
      }
      this.times = { seconds, nanos };
    }
    return this.times;
  }

  /** Where each attribute source's Array offsets were written in this block (writeAttrOffsets), as positions in the writer. */
  private readonly offsetsWritten = new Map<AttrSource, { start: number; end: number }>();

  offsetsOf(of: AttrSource): { start: number; end: number } | undefined {
    return this.offsetsWritten.get(of);
  }

  noteOffsets(of: AttrSource, start: number, end: number): void {
    this.offsetsWritten.set(of, { start, end });
  }

  /** A record's attribute list encoded once per block when many records share it (isSharedAttributeList), else undefined. */
  shared(list: readonly KeyValue[]): EncodedAttrs | undefined {
    if (list === this.lastList) return this.lastListValue;
    let v: EncodedAttrs | undefined;
    if (list.length > 0 && isSharedAttributeList(list)) {
      v = this.sharedLists.get(list);
      if (v === undefined) this.sharedLists.set(list, (v = encodeAttrs(list)));
    }
    // rows come in runs of one template, hence of one shared list
    this.lastList = list;
    this.lastListValue = v;
    return v;
  }

  private lastList: readonly KeyValue[] | undefined;
  private lastListValue: EncodedAttrs | undefined;

  /** renderedBodyStored's answers in this block, by the template's parts (the decoder shares one array per template). */
  private readonly renderedStored = new Map<readonly string[], { service: string; id: bigint; stored: boolean }>();

  /**
   * `ask(service, id, parts)` (LogsRowEncoderOptions.renderedBodyStored) asked once per block
   * and template: its answer depends on what the template store and dictionary hold, which
   * does not change while a block is encoded (synchronously); asked per row it was a key
   * string, three map lookups and a comparison of the parts, rows of one template alike.
   */
  renderedBodyStored(ask: NonNullable<LogsRowEncoderOptions['renderedBodyStored']>, service: string, id: bigint, parts: readonly string[]): boolean {
    const known = this.renderedStored.get(parts);
    if (known !== undefined && known.id === id && known.service === service) return known.stored;
    const stored = ask(service, id, parts);
    this.renderedStored.set(parts, { service, id, stored });
    return stored;
  }

  scope(s: ScopeInfo) {
    if (s === this.lastScope) return this.lastScopeValue!;
    let v = this.scopes.get(s);
    if (!v) {
      v = { name: encodedString(s.name), version: encodedString(s.version), schemaUrl: encodedString(s.schemaUrl), attrs: encodeAttrs(s.attributes) };
      this.scopes.set(s, v);
    }
    this.lastScope = s;
    this.lastScopeValue = v;
    return v;
  }
}

const EMPTY_WORDS: Uint32Array = new Uint32Array(0);

/** What splitTimes fills (a new pair per block was 12 bytes per row of garbage outside the heap). */
let timeScratch = { seconds: new Float64Array(0), nanos: new Uint32Array(0) };

/** An attribute list as Native bytes: its count, its keys and its values. */
interface EncodedAttrs {
  count: number;
  keys: Buffer;
  values: Buffer;
}

function encodeAttrs(attrs: readonly KeyValue[]): EncodedAttrs {
  const k = new NativeWriter(256);
  const v = new NativeWriter(256);
  for (const a of attrs) {
    k.string(a.key);
    v.string(anyValueToString(a.value));
  }
  return { count: attrs.length, keys: k.copyOut(), values: v.copyOut() };
}

function timestampOf(b: LogBatch, i: number): bigint {
  const t = b.timeUnixNano[i];
  return t !== 0n ? t : b.observedTimeUnixNano[i];
}

// --- column fills -----------------------------------------------------------

/**
 * A String column. Rows come in runs of one value (trace and span ids unset, one severity
 * text, no event name): a run's value is encoded once and its bytes repeated for the rest
 * of the run (repeatLast), not encoded again per row.
 */
function stringColumn(get: (b: LogBatch, i: number, ctx: NativeEncodeContext) => string): ColumnFill {
  return (w, rows, ctx) => {
    const { batches, indexes } = rows;
    let value: string | undefined;
    /** Bytes of `value` as written last; rows of its run not written yet. */
    let valueBytes = 0;
    let pending = 0;
    for (let k = 0; k < indexes.length; k++) {
      const s = get(batches[k], indexes[k], ctx);
      if (s === value) {
        pending++;
        continue;
      }
      w.repeatLast(valueBytes, pending);
      pending = 0;
      const start = w.pos;
      w.string(s);
      value = s;
      valueBytes = w.pos - start;
    }
    w.repeatLast(valueBytes, pending);
  };
}

/** Body: a body still in its parts (lazyBodyParts) is written from them, never built as a string. */
const bodyColumn: ColumnFill = (w, rows) => {
  const { batches, indexes } = rows;
  for (let k = 0; k < indexes.length; k++) {
    const b = batches[k];
    const i = indexes[k];
    const parts = lazyBodyParts(b, i);
    if (parts !== undefined) w.stringParts(parts, b.templateArgs[i]);
    else w.string(anyValueToString(bodyOf(b, i)));
  }
};

/**
 * The end of the run of rows from `k` on that come from one batch and one resource (or
 * scope) of it: rows come in such runs, and what a resource or scope gives every row of
 * a run is looked up once and its bytes repeated.
 */
function sharedRunEnd(of: 'resource' | 'scope', rows: BlockRows, k: number): number {
  const { batches, indexes } = rows;
  const b = batches[k];
  const column = of === 'resource' ? b.resourceIndex : b.scopeIndex;
  const v = column[indexes[k]];
  let end = k + 1;
  while (end < indexes.length && batches[end] === b && column[indexes[end]] === v) end++;
  return end;
}

/** A string shared by all the records of a resource or scope: its bytes repeated per run of rows (sharedRunEnd). */
function sharedColumn(of: 'resource' | 'scope', get: (b: LogBatch, i: number, ctx: NativeEncodeContext) => Buffer): ColumnFill {
  return (w, rows, ctx) => {
    const { batches, indexes } = rows;
    let k = 0;
    for (const end of ctx.runEnds(of, rows)) {
      w.repeat(get(batches[k], indexes[k], ctx), end - k);
      k = end;
    }
  };
}

function uint8Column(get: (b: LogBatch, i: number) => number): ColumnFill {
  return (w, rows) => {
    const { batches, indexes } = rows;
    for (let k = 0; k < indexes.length; k++) w.u8(get(batches[k], indexes[k]));
  };
}

function clampUInt8(n: number): number {
  return n < 0 ? 0 : n > 255 ? 255 : Math.trunc(n);
}

/** Timestamp as DateTime64(digits): Int64 count of 10^-digits seconds. */
function dateTime64Column(digits: number): ColumnFill {
  const divisor = 10n ** BigInt(9 - digits);
  return (w, rows) => {
    const { batches, indexes } = rows;
    for (let k = 0; k < indexes.length; k++) {
      const ts = timestampOf(batches[k], indexes[k]);
      w.u64(divisor === 1n ? ts : ts / divisor);
    }
  };
}

const dateTimeColumn: ColumnFill = (w, rows, ctx) => {
  const { seconds } = ctx.splitTimes(rows);
  for (let k = 0; k < seconds.length; k++) w.uint32(seconds[k]);
};

/** TemplateArgs, an Array(String): the offsets, then every row's arguments (an integer's digits written as its text). */
const templateArgsColumn: ColumnFill = (w, rows) => {
  const { batches, indexes } = rows;
  let end = 0;
  for (let k = 0; k < indexes.length; k++) w.uint64n((end += batches[k].templateArgs[indexes[k]].length));
  for (let k = 0; k < indexes.length; k++) {
    const args = batches[k].templateArgs[indexes[k]];
    for (let a = 0; a < args.length; a++) w.arg(args[a]);
  }
};

type AttrSource = 'resource' | 'scope' | 'log';

function sharedAttrs(of: 'resource' | 'scope', b: LogBatch, i: number, ctx: NativeEncodeContext): EncodedAttrs {
  return of === 'resource' ? ctx.resource(b.resources[b.resourceIndex[i]]).attrs : ctx.scope(b.scopes[b.scopeIndex[i]]).attrs;
}

/** Map(String, String): offsets, all keys, all values. */
function mapColumn(of: AttrSource): ColumnFill {
  if (of !== 'log') {
    return (w, rows, ctx) => {
      writeAttrOffsets(w, of, rows, ctx);
      writeSharedAttrs(w, of, 'keys', rows, ctx);
      writeSharedAttrs(w, of, 'values', rows, ctx);
    };
  }
  return (w, rows, ctx) => {
    writeAttrOffsets(w, of, rows, ctx);
    writeLogAttrsColumn(w, 'keys', rows, ctx);
    writeLogAttrsColumn(w, 'values', rows, ctx);
  };
}

/**
 * The Array offsets of one attribute source's lists, row by row (their cumulative counts):
 * the keys and the values columns of a Nested attribute column carry the same offsets, so
 * they are computed for the first of the two in a block and the second copies those bytes
 * (NativeEncodeContext.offsetsOf; six offset columns per row on the 18.16 table, three computed).
 */
function writeAttrOffsets(w: NativeWriter, of: AttrSource, rows: BlockRows, ctx: NativeEncodeContext): void {
  const written = ctx.offsetsOf(of);
  if (written !== undefined) {
    w.copyWritten(written.start, written.end);
    return;
  }
  const start = w.pos;
  if (of === 'log') writeLogOffsets(w, rows);
  else writeSharedOffsets(w, of, rows, ctx);
  ctx.noteOffsets(of, start, w.pos);
}

/** The Array offsets of the records' own attributes (their cumulative counts). */
function writeLogOffsets(w: NativeWriter, rows: BlockRows): void {
  const { batches, indexes } = rows;
  let end = 0;
  for (let k = 0; k < indexes.length; k++) w.uint64n((end += batches[k].attributes[indexes[k]].length));
}

/** The keys or the values of every record's attributes; a run of rows sharing one list (a template's site attributes) repeats its bytes. */
function writeLogAttrsColumn(w: NativeWriter, part: 'keys' | 'values', rows: BlockRows, ctx: NativeEncodeContext): void {
  const { batches, indexes } = rows;
  for (let k = 0; k < indexes.length; ) {
    const list = batches[k].attributes[indexes[k]];
    const encoded = ctx.shared(list);
    if (encoded === undefined) {
      writeAttrStrings(w, list, part);
      k++;
      continue;
    }
    let end = k + 1;
    while (end < indexes.length && batches[end].attributes[indexes[end]] === list) end++;
    w.repeat(encoded[part], end - k);
    k = end;
  }
}

/** The Array offsets of a resource's or scope's attributes, row by row (their cumulative counts). */
function writeSharedOffsets(w: NativeWriter, of: 'resource' | 'scope', rows: BlockRows, ctx: NativeEncodeContext): void {
  const { batches, indexes } = rows;
  let total = 0;
  let k = 0;
  for (const end of ctx.runEnds(of, rows)) {
    const count = sharedAttrs(of, batches[k], indexes[k], ctx).count;
    w.uint64Steps(total, count, end - k);
    total += count * (end - k);
    k = end;
  }
}

/** The keys or the values of a resource's or scope's attributes, row by row: encoded once, repeated per run. */
function writeSharedAttrs(w: NativeWriter, of: 'resource' | 'scope', part: 'keys' | 'values', rows: BlockRows, ctx: NativeEncodeContext): void {
  const { batches, indexes } = rows;
  let k = 0;
  for (const end of ctx.runEnds(of, rows)) {
    w.repeat(sharedAttrs(of, batches[k], indexes[k], ctx)[part], end - k);
    k = end;
  }
}

/** The keys or the values of a record's own (not shared) attribute list, as strings. */
function writeAttrStrings(w: NativeWriter, list: readonly KeyValue[], part: 'keys' | 'values'): void {
  if (part === 'keys') for (const a of list) w.string(a.key);
  else for (const a of list) writeValueText(w, a.value);
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A value's text (anyValueToString) as a String: an int64 in the safe range as its
 * digits written straight into the block (BinaryWriter.arg), without making the string
 * first (a string per integer attribute per record was a tenth of what the OTLP path
 * allocated).
 */
function writeValueText(w: NativeWriter, v: AnyValue): void {
  if (typeof v === 'string') w.string(v);
  else if (typeof v === 'bigint' && v <= MAX_SAFE_BIGINT && v >= -MAX_SAFE_BIGINT) w.arg(Number(v));
  else w.string(anyValueToString(v));
}

/** One part (keys or values) of a Nested attribute column. */
function nestedColumn(of: AttrSource, part: 'keys' | 'values'): ColumnFill {
  if (of !== 'log') {
    return (w, rows, ctx) => {
      writeAttrOffsets(w, of, rows, ctx);
      writeSharedAttrs(w, of, part, rows, ctx);
    };
  }
  return (w, rows, ctx) => {
    writeAttrOffsets(w, of, rows, ctx);
    writeLogAttrsColumn(w, part, rows, ctx);
  };
}

const ATTRIBUTE_COLUMNS: Record<string, AttrSource> = { ResourceAttributes: 'resource', ScopeAttributes: 'scope', LogAttributes: 'log' };

/** The table type with LowCardinality(...) wrappers removed (what a plain-typed column fills). */
function withoutLowCardinality(type: string): string {
  let t = type;
  for (;;) {
    const next = t.replace(/LowCardinality\(([^()]*(?:\([^()]*\))?[^()]*)\)/, '$1');
    if (next === t) return t;
    t = next;
  }
}

/**
 * The column's fill and declared type, or undefined when we know the column but
 * not how to write its type in Native (the caller then uses the text encoder), or
 * null when the column is not ours (left to its default, as the text encoder does).
 */
function nativeColumnFor(col: TableColumn, caps: NativeCapabilities, options: LogsRowEncoderOptions): NativeColumn | undefined | null {
  const { name } = col;
  const type = caps.typeConversion ? withoutLowCardinality(col.type) : col.type;
  const is = (t: string) => type === t;
  const str = (get: (b: LogBatch, i: number, ctx: NativeEncodeContext) => string): NativeColumn | undefined =>
    is('String') ? { name, type, fill: stringColumn(get) } : undefined;
  const shared = (of: 'resource' | 'scope', get: (b: LogBatch, i: number, ctx: NativeEncodeContext) => Buffer): NativeColumn | undefined =>
    is('String') ? { name, type, fill: sharedColumn(of, get) } : undefined;
  switch (name) {
    case 'Timestamp': {
      const dt64 = /^DateTime64\((\d)(?:, *'[^']*')?\)$/.exec(type);
      if (dt64) return { name, type, fill: dateTime64Column(Math.min(9, Number(dt64[1]))) };
      if (/^DateTime(?:\('[^']*'\))?$/.test(type)) return { name, type, fill: dateTimeColumn };
      return undefined;
    }
    case 'TimestampTime':
      return /^DateTime(?:\('[^']*'\))?$/.test(type) ? { name, type, fill: dateTimeColumn } : undefined;
    case 'TimestampNanos':
      return is('UInt32')
        ? {
            name,
            type,
            fill: (w, rows, ctx) => {
              const { nanos } = ctx.splitTimes(rows);
              for (let k = 0; k < nanos.length; k++) w.uint32(nanos[k]);
            },
          }
        : undefined;
    case 'TraceId':
      return str((b, i) => b.traceId[i]);
    case 'SpanId':
      return str((b, i) => b.spanId[i]);
    case 'TraceFlags':
      return is('UInt8') ? { name, type, fill: uint8Column((b, i) => b.flags[i] & 0xff) } : undefined;
    case 'SeverityText':
      return str((b, i) => b.severityText[i]);
    case 'SeverityNumber':
      return is('UInt8') ? { name, type, fill: uint8Column((b, i) => clampUInt8(b.severityNumber[i])) } : undefined;
    case 'ServiceName':
      return shared('resource', (b, i, ctx) => ctx.resource(b.resources[b.resourceIndex[i]]).service);
    case 'Body':
      return is('String') ? { name, type, fill: bodyColumn } : undefined;
    case 'RawBody': {
      const rawBodyOf = options.rawBodyOf;
      if (!rawBodyOf) return str((b, i) => anyValueToString(bodyOf(b, i)));
      const renderedBodyStored = options.renderedBodyStored;
      return str((b, i, ctx) => {
        const service = b.resources[b.resourceIndex[i]].serviceName;
        const parts = lazyBodyParts(b, i);
        if (parts !== undefined && renderedBodyStored !== undefined && ctx.renderedBodyStored(renderedBodyStored, service, b.templateId[i], parts)) return '';
        return rawBodyOf(anyValueToString(bodyOf(b, i)), service, b.templateId[i], argTexts(b.templateArgs[i]));
      });
    }
    case 'ResourceSchemaUrl':
      return shared('resource', (b, i, ctx) => ctx.resource(b.resources[b.resourceIndex[i]]).schemaUrl);
    case 'ScopeSchemaUrl':
      return shared('scope', (b, i, ctx) => ctx.scope(b.scopes[b.scopeIndex[i]]).schemaUrl);
    case 'ScopeName':
      return shared('scope', (b, i, ctx) => ctx.scope(b.scopes[b.scopeIndex[i]]).name);
    case 'ScopeVersion':
      return shared('scope', (b, i, ctx) => ctx.scope(b.scopes[b.scopeIndex[i]]).version);
    case 'EventName':
      return str((b, i) => b.eventName[i]);
    case 'TemplateId':
      return is('UInt64')
        ? {
            name,
            type,
            fill: (w, rows) => {
              for (let k = 0; k < rows.indexes.length; k++) w.u64(rows.batches[k].templateId[rows.indexes[k]]);
            },
          }
        : undefined;
    case 'TemplateArgs':
      return is('Array(String)') ? { name, type, fill: templateArgsColumn } : undefined;
    case 'InsertId':
      return is('UInt64')
        ? {
            name,
            type,
            fill: (w, rows) => {
              for (let k = 0; k < rows.offsets.length; k++) w.u64(rows.base + BigInt(rows.offsets[k]));
            },
          }
        : undefined;
  }
  const attr = ATTRIBUTE_COLUMNS[name];
  if (attr) return is('Map(String, String)') ? { name, type, fill: mapColumn(attr) } : undefined;
  const nested = /^(ResourceAttributes|ScopeAttributes|LogAttributes)\.(keys|values)$/.exec(name);
  if (nested) return is('Array(String)') ? { name, type, fill: nestedColumn(ATTRIBUTE_COLUMNS[nested[1]], nested[2] as 'keys' | 'values') } : undefined;
  return null;
}

export class LogsNativeEncoder {
  readonly format = 'Native';
  /** The column list as one string (NUL-separated), to tell blocks encoded for other columns apart. */
  readonly columnsKey: string;

  /** Each column's name and the type its blocks declare, in block order. */
  readonly columnTypes: readonly { name: string; type: string }[];

  private constructor(
    /** The INSERT column list, in block order. */
    readonly columns: string[],
    private readonly nativeColumns: NativeColumn[],
  ) {
    this.columnsKey = columns.join('\0');
    this.columnTypes = nativeColumns.map((c) => ({ name: c.name, type: c.type }));
  }

  /**
   * An encoder for this table, or undefined when a column we fill has a type this
   * encoder does not write (keep the text encoder then). Columns with a default
   * expression and columns that are not ours are left out (their defaults apply).
   */
  static create(tableColumns: readonly TableColumn[], caps: NativeCapabilities, options: LogsRowEncoderOptions = {}): LogsNativeEncoder | undefined {
    const cols: NativeColumn[] = [];
    for (const col of tableColumns) {
      if (col.defaultKind !== '') continue;
      const c = nativeColumnFor(col, caps, options);
      if (c === undefined) return undefined;
      if (c !== null) cols.push(c);
    }
    if (!cols.some((c) => c.name === 'Timestamp')) return undefined;
    return new LogsNativeEncoder(
      cols.map((c) => c.name),
      cols,
    );
  }

  /** One Native block holding `rows`, written into `w` (which is reset first); returns w's bytes. */
  encode(rows: BlockRows, w: NativeWriter = new NativeWriter()): Buffer {
    w.reset();
    this.encodeInto(rows, w);
    return w.bytes();
  }

  /** Appends one Native block holding `rows` to what `w` holds (a log entry's header, say). */
  encodeInto(rows: BlockRows, w: NativeWriter): void {
    w.varint(this.nativeColumns.length);
    w.varint(rows.indexes.length);
    const ctx = new NativeEncodeContext();
    for (const c of this.nativeColumns) {
      w.column(c.name, c.type);
      c.fill(w, rows, ctx);
    }
  }
}
