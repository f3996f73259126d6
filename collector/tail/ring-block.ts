/**
 * What the live tail's recent ring (hub.ts) keeps of a batch the ClickHouse exporter
 * accepted into its write-ahead log: a copy of the exporter's insert-ready Native
 * block, read back into TailRecords only when a tail starts.
 *
 * Why: whatever the ring keeps lives for up to its 50,000 records. Kept as the batch's
 * own objects (ring-records.ts keeps bodies, attribute lists and their strings by
 * reference), every record's objects survived the young generation, were copied into the
 * old one and marked by every full collection: 12-15% of the collector's CPU on the OTLP
 * path (bench/ingest with the ring off). The block is one buffer outside the heap,
 * already encoded (a copy costs a memcpy), and exactly what the table stores: the ring's
 * records are the rows the replay reads (storage's UTF-8, clamped severity, rendered
 * service), which is what the replay/live seam compares.
 *
 * Only blocks whose columns say everything a TailRecord holds are kept so (tailColumnsOf):
 * a table missing one, or keeping time coarser than nanoseconds, leaves the exporter's
 * batches to RingRecords.
 */
import { readUint64LE } from '../bytes/binary-writer';
import { nativeBlockLayout, NativeCursor } from '../storage/native-slice';
import { renderLikeClickHouse } from '../storage/template-store';
import { normalizeAttributes, type TailRecord } from './record';

/** What the ring keeps of an accepted batch: RingRecords (ring-records.ts) or BlockRingRecords. */
export interface RingSource {
  /** About the bytes kept alive: what the ring's byte bound counts. */
  readonly heldBytes: number;
  /** The batch's records as the tail shows them. */
  records(): TailRecord[];
}

/** A column of a Native block: its name and the type it is written in. */
export interface BlockColumn {
  name: string;
  type: string;
}

/** Where a block's columns give each TailRecord field (tailColumnsOf). */
export interface TailColumns {
  /** Nanoseconds in Timestamp (DateTime64(9)), or seconds in Timestamp (DateTime) and the rest in TimestampNanos. */
  time: 'DateTime64' | 'DateTime+nanos';
  /** Body itself, or RawBody: '' where the table renders the body from its template (Body an ALIAS). */
  body: 'Body' | 'RawBody';
  /** LogAttributes as a Map, or as the Nested LogAttributes.keys / LogAttributes.values. */
  attributes: 'Map' | 'Nested';
}

const REQUIRED: Readonly<Record<string, string>> = {
  ServiceName: 'String',
  SeverityNumber: 'UInt8',
  SeverityText: 'String',
  TemplateId: 'UInt64',
  TemplateArgs: 'Array(String)',
  TraceId: 'String',
  SpanId: 'String',
};

/** Where a block with these columns gives every TailRecord field, or undefined when it does not (exactly). */
export function tailColumnsOf(columns: readonly BlockColumn[]): TailColumns | undefined {
  const types = new Map(columns.map((c) => [c.name, c.type]));
  for (const [name, type] of Object.entries(REQUIRED)) if (types.get(name) !== type) return undefined;
  const ts = types.get('Timestamp') ?? '';
  let time: TailColumns['time'];
  if (/^DateTime64\(9(?:, *'[^']*')?\)$/.test(ts)) time = 'DateTime64';
  else if (/^DateTime(?:\('[^']*'\))?$/.test(ts) && types.get('TimestampNanos') === 'UInt32') time = 'DateTime+nanos';
  else return undefined;
  let body: TailColumns['body'];
  if (types.get('Body') === 'String') body = 'Body';
  else if (types.get('RawBody') === 'String') body = 'RawBody';
  else return undefined;
  let attributes: TailColumns['attributes'];
  if (types.get('LogAttributes') === 'Map(String, String)') attributes = 'Map';
  else if (types.get('LogAttributes.keys') === 'Array(String)' && types.get('LogAttributes.values') === 'Array(String)') attributes = 'Nested';
  else return undefined;
  return { time, body, attributes };
}

/** Size of the slabs ringCopy cuts its copies from. */
const SLAB_BYTES = 4 * 1024 * 1024;
let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

/**
 * A copy of `block` for the ring, cut from a shared slab: one buffer per batch made V8
 * count each as new external memory and start full collections for it (2-4 instead of one
 * in a 200,000-record run). A slab is freed once the ring let go of every copy in it; the
 * ring evicts oldest first, so slabs go in the order they were filled. A block larger than
 * a quarter of a slab gets a buffer of its own.
 */
export function ringCopy(block: Uint8Array): Buffer {
  const n = block.length;
  if (n > SLAB_BYTES / 4) return Buffer.from(block);
  if (slabUsed + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const copy = slab.subarray(slabUsed, slabUsed + n);
  copy.set(block);
  slabUsed += n;
  return copy;
}

/** A record's body when its RawBody is '' and it has a template: the template's parts (as the table's dictionary renders them), by template id. */
export type TemplateParts = ReadonlyMap<bigint, readonly string[]>;

export class BlockRingRecords implements RingSource {
  readonly heldBytes: number;

  /**
   * `block`: a Native block with the columns `columns` describes (the ring keeps this
   * buffer: pass a copy, ringCopy). `parts`: with RawBody, the parts of the templates whose rows
   * were left to them ('' in RawBody).
   */
  constructor(
    private readonly block: Buffer,
    private readonly columns: TailColumns,
    private readonly parts: TemplateParts | undefined,
  ) {
    this.heldBytes = block.length + 64 * (parts?.size ?? 0);
  }

  records(): TailRecord[] {
    const layout = nativeBlockLayout(this.block);
    const at = new Map(layout.columns.map((c) => [c.name, c.dataStart]));
    const n = layout.rows;
    const cursor = (name: string) => new NativeCursor(this.block, at.get(name)!);
    const times = this.columns.time === 'DateTime64' ? readU64s(cursor('Timestamp'), n) : nanosOf(readU32s(cursor('Timestamp'), n), readU32s(cursor('TimestampNanos'), n));
    const services = readStrings(cursor('ServiceName'), n);
    const severityNumbers = readBytes(cursor('SeverityNumber'), n);
    const severityTexts = readStrings(cursor('SeverityText'), n);
    const templateIds = readU64s(cursor('TemplateId'), n);
    const args = readStringArrays(cursor('TemplateArgs'), n);
    const traceIds = readStrings(cursor('TraceId'), n);
    const spanIds = readStrings(cursor('SpanId'), n);
    const bodies = readStrings(cursor(this.columns.body), n);
    const [keys, values] = this.columns.attributes === 'Map' ? readMaps(cursor('LogAttributes'), n) : [readStringArrays(cursor('LogAttributes.keys'), n), readStringArrays(cursor('LogAttributes.values'), n)];
    const out = new Array<TailRecord>(n);
    for (let i = 0; i < n; i++) {
      out[i] = {
        timeNs: times[i],
        service: services[i],
        severityNumber: severityNumbers[i],
        severityText: severityTexts[i],
        body: this.bodyOf(bodies[i], templateIds[i], args[i]),
        templateId: templateIds[i],
        templateArgs: args[i],
        traceId: traceIds[i],
        spanId: spanIds[i],
        attributes: keys[i].length === 0 ? [] : normalizeAttributes(keys[i], values[i]),
      };
    }
    return out;
  }

  /** The body as the table shows it: with RawBody, '' and a template is the template rendered as the table's dictionary renders it. */
  private bodyOf(stored: string, templateId: bigint, args: readonly string[]): string {
    if (this.columns.body === 'Body' || stored !== '' || templateId === 0n) return stored;
    const parts = this.parts?.get(templateId);
    return parts === undefined ? '' : renderLikeClickHouse(parts, args);
  }
}

function readStrings(c: NativeCursor, n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = c.string();
  return out;
}

function readBytes(c: NativeCursor, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    c.skip(1);
    out[i] = c.buf[c.pos - 1];
  }
  return out;
}

function readU32s(c: NativeCursor, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    c.skip(4);
    out[i] = c.buf.readUInt32LE(c.pos - 4);
  }
  return out;
}

function readU64s(c: NativeCursor, n: number): bigint[] {
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    c.skip(8);
    out[i] = readUint64LE(c.buf, c.pos - 8);
  }
  return out;
}

function nanosOf(seconds: readonly number[], nanos: readonly number[]): bigint[] {
  return seconds.map((s, i) => BigInt(s) * 1_000_000_000n + BigInt(nanos[i]));
}

/** The cumulative element counts of an Array or Map column, as each row's [from, to). */
function rowRanges(c: NativeCursor, n: number): number[] {
  const ends = new Array<number>(n + 1);
  ends[0] = 0;
  for (let i = 0; i < n; i++) ends[i + 1] = c.u64();
  return ends;
}

function readStringArrays(c: NativeCursor, n: number): string[][] {
  const ends = rowRanges(c, n);
  const out = new Array<string[]>(n);
  for (let i = 0; i < n; i++) out[i] = readStrings(c, ends[i + 1] - ends[i]);
  return out;
}

/** A Map(String, String) column: offsets, then all keys, then all values; as each row's keys and values. */
function readMaps(c: NativeCursor, n: number): [string[][], string[][]] {
  const ends = rowRanges(c, n);
  const keys = new Array<string[]>(n);
  const values = new Array<string[]>(n);
  for (let i = 0; i < n; i++) keys[i] = readStrings(c, ends[i + 1] - ends[i]);
  for (let i = 0; i < n; i++) values[i] = readStrings(c, ends[i + 1] - ends[i]);
  return [keys, values];
}
