/**
 * The internal log batch: the one type that flows along every pipeline edge.
 *
 * Columnar (struct of arrays): record i is the i-th element of every column.
 * Resources and scopes are shared by many records, so records carry an index
 * into `resources` / `scopes` instead of a copy. Receivers append with
 * `LogBatchBuilder`; processors read or rewrite columns in place; exporters
 * read columns. Whoever receives a batch through `consumeLogs` owns it once the
 * returned promise resolves.
 */
import { HIGH_WORD, LOW_WORD, cut, timeColumn, withRoom, wordsOf, type TimeColumn, type TypedColumn } from './time-column';

/** A key/value list value (OTLP kvlist_value). */
export class KeyValueList {
  constructor(public readonly values: KeyValue[]) {}
}

/**
 * An OTLP AnyValue, mapped onto native types so that reading it allocates nothing:
 * string, boolean, bigint (int64), number (double), Uint8Array (bytes),
 * AnyValue[] (array), KeyValueList (kvlist), undefined (empty).
 */
export type AnyValue = string | boolean | bigint | number | Uint8Array | AnyValue[] | KeyValueList | undefined;

/**
 * One template argument: its text, or a safe integer standing for its decimal text
 * (String(n)). The compact decoder keeps integer arguments as numbers, so no string is
 * made per argument unless something reads the text (argText); the Native encoder
 * writes the digits straight into the block. Whatever needs text calls argText /
 * argTexts; `'' + a` and template rendering give the same text.
 */
export type TemplateArg = string | number;

/** The text of a template argument. */
export function argText(a: TemplateArg): string {
  return typeof a === 'string' ? a : String(a);
}

/** The texts of a record's template arguments (a new array). */
export function argTexts(args: readonly TemplateArg[]): string[] {
  return args.map(argText);
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/**
 * Attribute lists that many records share as one array (a template's call-site
 * attributes from the compact decoder): a consumer may cache per list what it
 * derives from one (the Native encoder encodes each once per block). Such lists
 * are never mutated; membership is by identity.
 */
const SHARED_ATTRIBUTE_LISTS = new WeakSet<readonly KeyValue[]>();

/** Marks `list` as shared by many records (see SHARED_ATTRIBUTE_LISTS); returns it. */
export function sharedAttributeList<T extends readonly KeyValue[]>(list: T): T {
  SHARED_ATTRIBUTE_LISTS.add(list);
  return list;
}

export function isSharedAttributeList(list: readonly KeyValue[]): boolean {
  return SHARED_ATTRIBUTE_LISTS.has(list);
}

export interface ResourceInfo {
  attributes: KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
  /** `service.name` attribute as a string, '' when absent. */
  serviceName: string;
  /**
   * Who sent these records, when the receiver knows better than the attributes
   * (collector/pipeline/sender-scope.ts): set by the compact receiver for its stream.
   * Not an attribute: never stored, never sent on.
   */
  senderScope?: string;
}

export interface ScopeInfo {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
}

export class LogBatch {
  length = 0;
  /**
   * Unsigned nanoseconds, 0 when unset (time-column.ts: typed, no bigint kept per record).
   * A builder may replace the column to grow it, and trim() cuts it: read it from the
   * batch, do not keep it across adds. Read indexes below `length` only: the column
   * grows ahead of the records added (by doubling), and only trim() cuts it to `length`.
   */
  timeUnixNano: TimeColumn;
  /** As timeUnixNano. */
  observedTimeUnixNano: TimeColumn;
  /**
   * The numeric columns below are typed arrays (no slot for the garbage collector to scan,
   * no young-generation copy of them while a batch is in flight); like the time columns
   * they may be replaced by a builder growing them and are longer than `length` until
   * trim(). severityNumber keeps any number (a double); the others are uint32.
   */
  severityNumber: Float64Array<ArrayBuffer>;
  readonly severityText: string[];
  readonly body: AnyValue[];
  readonly attributes: KeyValue[][];
  droppedAttributesCount: Uint32Array<ArrayBuffer>;
  flags: Uint32Array<ArrayBuffer>;
  /** Lower-case hex, '' when unset. */
  readonly traceId: string[];
  /** Lower-case hex, '' when unset. */
  readonly spanId: string[];
  readonly eventName: string[];
  resourceIndex: Uint32Array<ArrayBuffer>;
  scopeIndex: Uint32Array<ArrayBuffer>;
  readonly resources: ResourceInfo[] = [];
  readonly scopes: ScopeInfo[] = [];
  /** Global template id (stable 64-bit hash of the template text), 0n when none is known. */
  readonly templateId: bigint[];
  /** Template arguments in order (TemplateArg: a string, or an integer standing for its decimal text); [] when no template. */
  readonly templateArgs: TemplateArg[][];
  /**
   * Bodies not built yet (compact-stream records): where `bodyParts[i]` is set, record i's
   * body is its template's constant parts joined by its templateArgs (renderBody), and
   * `body[i]` is undefined until bodyOf() builds it. Read every body through bodyOf();
   * whoever changes templateArgs[i] builds the body first. Absent when no record is lazy.
   * Building a body per record was a sixth of the collector's CPU on the compact path,
   * and most are never read (the stored row keeps only the arguments).
   */
  bodyParts?: (readonly string[] | undefined)[];
  /**
   * Estimated encoded size of the batch in bytes, maintained by builders, used
   * by size-bounded queues and batchers. An estimate, not an exact wire size.
   */
  byteSize = 0;

  /**
   * `capacity`: records the builder will add, when known (a decoder knows its
   * request's count): each column is allocated at that size once instead of growing
   * by doubling (the copies were a sixth of what the collector allocated per record).
   * The builder's trim() cuts the columns to `length` if fewer were added.
   */
  constructor(capacity = 0) {
    const n = capacity > 0 && capacity <= MAX_PRESIZED_RECORDS ? capacity : 0;
    const typed = Math.max(capacity, 0);
    this.timeUnixNano = timeColumn(typed);
    this.observedTimeUnixNano = timeColumn(typed);
    this.severityNumber = new Float64Array(typed);
    this.severityText = column(n);
    this.body = column(n);
    this.attributes = column(n);
    this.droppedAttributesCount = new Uint32Array(typed);
    this.flags = new Uint32Array(typed);
    this.traceId = column(n);
    this.spanId = column(n);
    this.eventName = column(n);
    this.resourceIndex = new Uint32Array(typed);
    this.scopeIndex = new Uint32Array(typed);
    this.templateId = column(n);
    this.templateArgs = column(n);
  }
}

const MAX_UINT32 = 0xffff_ffff;

/** The typed columns of a LogBatch, grown and cut together. */
const TYPED_COLUMNS = ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'droppedAttributesCount', 'flags', 'resourceIndex', 'scopeIndex'] as const;

/** Replaces each typed column of `b` by `f` of it (f keeps the column's type). */
function eachTypedColumn(b: LogBatch, f: (col: TypedColumn) => TypedColumn): void {
  const columns = b as unknown as Record<(typeof TYPED_COLUMNS)[number], TypedColumn>;
  for (const name of TYPED_COLUMNS) columns[name] = f(columns[name]);
}

/** Every typed column of `b` with room for `length` records (each grown by doubling where it has not). */
function growTypedColumns(b: LogBatch, length: number): void {
  eachTypedColumn(b, (col) => withRoom(col, length));
}

/** Above this, V8 may give a pre-sized array slow (dictionary) elements: grow such columns instead. */
const MAX_PRESIZED_RECORDS = 16_384;

function column<T>(capacity: number): T[] {
  return capacity > 0 ? new Array<T>(capacity) : [];
}

/** Every column of `b` cut to b.length (after a pre-sized batch got fewer records). */
function trimColumns(b: LogBatch): void {
  const n = b.length;
  eachTypedColumn(b, (col) => cut(col, n));
  if (b.severityText.length === n) return;
  for (const col of [b.severityText, b.body, b.attributes, b.traceId, b.spanId, b.eventName, b.templateId, b.templateArgs] as unknown[][]) {
    col.length = n;
  }
  if (b.bodyParts !== undefined && b.bodyParts.length > n) b.bodyParts.length = n;
}

export interface LogRecordInput {
  timeUnixNano?: bigint;
  observedTimeUnixNano?: bigint;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  templateId?: bigint;
  templateArgs?: TemplateArg[];
  /** A body not built yet: these parts joined by templateArgs (see LogBatch.bodyParts); `body` is then left out. */
  bodyParts?: readonly string[];
}

/**
 * A record with every field present and unset, for a decoder to fill and pass to
 * LogBatchBuilder.add once per record (add copies its fields into the columns, so one
 * object serves a whole batch and none is allocated per record).
 */
export function reusableRecordInput(): LogRecordInput {
  return {
    timeUnixNano: undefined,
    observedTimeUnixNano: undefined,
    severityNumber: undefined,
    severityText: undefined,
    body: undefined,
    attributes: undefined,
    droppedAttributesCount: undefined,
    flags: undefined,
    traceId: undefined,
    spanId: undefined,
    eventName: undefined,
    templateId: undefined,
    templateArgs: undefined,
    bodyParts: undefined,
  };
}

/** Appends records to a batch, de-duplicating resources and scopes by identity of the caller's index. */
export class LogBatchBuilder {
  readonly batch: LogBatch;
  /** Size of the bodyParts column when its first lazy body comes (the columns' presized capacity). */
  private readonly lazyCapacity: number;

  /** `capacity`: the number of records about to be added, when known (see LogBatch). */
  constructor(capacity = 0) {
    this.batch = new LogBatch(capacity);
    this.lazyCapacity = capacity > 0 && capacity <= MAX_PRESIZED_RECORDS ? capacity : 0;
  }

  /** Cuts the columns to the records added (all columns have `length` entries after it; the time columns grow ahead). */
  trim(): void {
    trimColumns(this.batch);
  }

  addResource(resource: Omit<ResourceInfo, 'serviceName'>): number {
    const service = resource.attributes.find((kv) => kv.key === 'service.name');
    this.batch.resources.push({ ...resource, serviceName: typeof service?.value === 'string' ? service.value : '' });
    return this.batch.resources.length - 1;
  }

  addScope(scope: ScopeInfo): number {
    this.batch.scopes.push(scope);
    return this.batch.scopes.length - 1;
  }

  add(resourceIndex: number, scopeIndex: number, r: LogRecordInput, byteSize = 0): void {
    const b = this.batch;
    // Index stores, not push: the columns may be pre-sized (a store at length appends otherwise).
    const k = b.length;
    if (k >= b.timeUnixNano.length || k >= b.severityNumber.length) growTypedColumns(b, k + 1);
    b.timeUnixNano[k] = r.timeUnixNano ?? 0n;
    b.observedTimeUnixNano[k] = r.observedTimeUnixNano ?? 0n;
    b.severityNumber[k] = r.severityNumber ?? 0;
    b.severityText[k] = r.severityText ?? '';
    b.body[k] = r.body;
    b.attributes[k] = r.attributes ?? [];
    b.droppedAttributesCount[k] = Math.min(r.droppedAttributesCount ?? 0, MAX_UINT32); // a sum of counts may pass 2^32 - 1
    b.flags[k] = r.flags ?? 0;
    b.traceId[k] = r.traceId ?? '';
    b.spanId[k] = r.spanId ?? '';
    b.eventName[k] = r.eventName ?? '';
    b.resourceIndex[k] = resourceIndex;
    b.scopeIndex[k] = scopeIndex;
    b.templateId[k] = r.templateId ?? 0n;
    b.templateArgs[k] = r.templateArgs ?? [];
    if (r.bodyParts !== undefined) (b.bodyParts ??= new Array(Math.max(this.lazyCapacity, k + 1)))[k] = r.bodyParts;
    else if (b.bodyParts !== undefined) b.bodyParts[k] = undefined;
    b.byteSize += byteSize;
    b.length++;
  }

  /** Views of the batch's time columns as 32-bit words (time-column.ts), for `timesOf`; renewed when a column is. */
  private timeWords: Uint32Array | undefined;
  private observedWords: Uint32Array | undefined;
  private wordsOfTime: TimeColumn | undefined;
  private wordsOfObserved: TimeColumn | undefined;

  /**
   * add(), with the record's time and observed time both high * 2^32 + low nanoseconds
   * (0 <= high, low < 2^32; r's own times are not read): a decoder that keeps its times
   * as 32-bit halves creates no bigint per record.
   */
  addAtTime(resourceIndex: number, scopeIndex: number, r: LogRecordInput, byteSize: number, high: number, low: number): void {
    this.addAtTimes(resourceIndex, scopeIndex, r, byteSize, high, low, high, low);
  }

  /**
   * add(), with the record's time and observed time each as high * 2^32 + low nanoseconds
   * (0 <= high, low < 2^32; r's own times are not read): the OTLP decoder reads a fixed64
   * as its two 32-bit halves and makes no bigint per record.
   */
  addAtTimes(resourceIndex: number, scopeIndex: number, r: LogRecordInput, byteSize: number, high: number, low: number, observedHigh: number, observedLow: number): void {
    this.add(resourceIndex, scopeIndex, r, byteSize);
    const b = this.batch;
    if (this.wordsOfTime !== b.timeUnixNano || this.wordsOfObserved !== b.observedTimeUnixNano) {
      this.timeWords = wordsOf((this.wordsOfTime = b.timeUnixNano));
      this.observedWords = wordsOf((this.wordsOfObserved = b.observedTimeUnixNano));
    }
    const k = b.length - 1;
    this.timeWords![2 * k + HIGH_WORD] = high;
    this.timeWords![2 * k + LOW_WORD] = low;
    this.observedWords![2 * k + HIGH_WORD] = observedHigh;
    this.observedWords![2 * k + LOW_WORD] = observedLow;
  }
}

/** Record i's body, built now if it was left to its parts (LogBatch.bodyParts) and kept. */
export function bodyOf(b: LogBatch, i: number): AnyValue {
  const lazy = b.bodyParts;
  if (lazy !== undefined) {
    const parts = lazy[i];
    if (parts !== undefined) {
      const body = renderBody(parts, b.templateArgs[i]);
      b.body[i] = body;
      lazy[i] = undefined;
      return body;
    }
  }
  return b.body[i];
}

/** Size assumed for a record when a batch carries no size estimate (byteSize 0). */
export const FALLBACK_RECORD_BYTES = 256;

/** The batch's size for memory bounds: its builders' estimate (byteSize), or FALLBACK_RECORD_BYTES a record. */
export function estimatedBytes(b: LogBatch): number {
  return b.byteSize > 0 ? b.byteSize : b.length * FALLBACK_RECORD_BYTES;
}

/** The parts record i's body is left to, or undefined when its body is built (or it has none). */
export function lazyBodyParts(b: LogBatch, i: number): readonly string[] | undefined {
  return b.bodyParts?.[i];
}

/** parts[0] + args[0] + parts[1] + ... + parts[n]: a template rendered with its arguments (a number as its text). */
export function renderBody(parts: readonly string[], args: readonly TemplateArg[]): string {
  let out = parts[0];
  for (let a = 0; a < args.length; a++) out += args[a] + parts[a + 1];
  return out;
}

/** Copies record `i` of `from` into `into` (resources/scopes re-indexed through the given maps). */
export function appendRecord(
  into: LogBatchBuilder,
  from: LogBatch,
  i: number,
  resourceMap: Map<number, number>,
  scopeMap: Map<number, number>,
): void {
  let r = resourceMap.get(from.resourceIndex[i]);
  if (r === undefined) {
    const res = from.resources[from.resourceIndex[i]];
    into.batch.resources.push(res);
    r = into.batch.resources.length - 1;
    resourceMap.set(from.resourceIndex[i], r);
  }
  let s = scopeMap.get(from.scopeIndex[i]);
  if (s === undefined) {
    into.batch.scopes.push(from.scopes[from.scopeIndex[i]]);
    s = into.batch.scopes.length - 1;
    scopeMap.set(from.scopeIndex[i], s);
  }
  into.add(
    r,
    s,
    {
      timeUnixNano: from.timeUnixNano[i],
      observedTimeUnixNano: from.observedTimeUnixNano[i],
      severityNumber: from.severityNumber[i],
      severityText: from.severityText[i],
      body: from.body[i],
      bodyParts: from.bodyParts?.[i],
      attributes: from.attributes[i],
      droppedAttributesCount: from.droppedAttributesCount[i],
      flags: from.flags[i],
      traceId: from.traceId[i],
      spanId: from.spanId[i],
      eventName: from.eventName[i],
      templateId: from.templateId[i],
      templateArgs: from.templateArgs[i],
    },
    0,
  );
}

/** Concatenates batches into one (used by the batch processor and exporters' own batching). */
export function mergeBatches(batches: LogBatch[]): LogBatch {
  if (batches.length === 1) return batches[0];
  const out = new LogBatchBuilder();
  for (const b of batches) {
    const rm = new Map<number, number>();
    const sm = new Map<number, number>();
    for (let i = 0; i < b.length; i++) appendRecord(out, b, i, rm, sm);
    out.batch.byteSize += b.byteSize;
  }
  out.trim();
  return out.batch;
}
