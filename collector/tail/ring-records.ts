/**
 * What the live tail's recent ring keeps of an accepted batch (hub.ts): exactly what
 * tailRecordOf reads, in a form with almost no object per record.
 *
 * Why: the ring holds the last 50,000 accepted records so that a tail starting now
 * sees them. Holding the batches themselves kept every record's objects (its
 * argument array and strings, its timestamp bigint) alive for that long: all of them
 * were copied into the old generation and marked again by every full collection,
 * about a fifth of the collector's CPU under load. Here numbers go into typed arrays,
 * the template arguments of all records into one array of UTF-16 units with offsets, and what many
 * records share (a template's body parts, a shared attribute list, a severity text)
 * is referenced, not copied. records() gives the same TailRecords as
 * tailRecordsOf(batch) would have.
 */
import type { AnyValue, KeyValue, LogBatch } from '../pipeline/batch';
import { isSharedAttributeList, lazyBodyParts, renderBody } from '../pipeline/batch';
import { anyValueBytes, keyValuesBytes, SLOT_BYTES, stringBytes } from '../pipeline/held-bytes';
import { anyValueToString } from '../storage/anyvalue-string';
import { storedWords, wordsOf } from '../pipeline/time-column';
import { writeDecimal } from '../bytes/binary-writer';
import { serviceNameOf, tailRecordFields, type TailRecord } from './record';

/**
 * A column of references, kept as its one value when every record has the same (the
 * usual case for ids, severity texts, lazy bodies): an array of n references less for
 * the ring to keep and the collector to mark.
 */
interface RefColumn<T> {
  readonly all: readonly T[] | undefined;
  readonly one: T;
}

function refColumn<T>(values: readonly T[], n: number): RefColumn<T> {
  const first = values[0];
  for (let i = 1; i < n; i++) if (values[i] !== first) return { all: values.slice(0, n), one: first };
  return { all: undefined, one: first };
}

/** The built bodies and the lazy bodies' parts (undefined where built) as reference columns, arrays only when records differ. */
function bodyColumns(b: LogBatch, n: number): [RefColumn<AnyValue>, RefColumn<readonly string[] | undefined>] {
  const parts0 = lazyBodyParts(b, 0);
  const body0 = parts0 === undefined ? b.body[0] : undefined;
  let same = true;
  for (let i = 1; i < n && same; i++) {
    const parts = lazyBodyParts(b, i);
    same = parts === parts0 && (parts !== undefined || b.body[i] === body0);
  }
  if (same) return [{ all: undefined, one: body0 }, { all: undefined, one: parts0 }];
  const body: AnyValue[] = [];
  const bodyParts: (readonly string[] | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const parts = lazyBodyParts(b, i);
    bodyParts.push(parts);
    body.push(parts === undefined ? b.body[i] : undefined);
  }
  return [{ all: body, one: body0 }, { all: bodyParts, one: parts0 }];
}

function refAt<T>(c: RefColumn<T>, i: number): T {
  return c.all === undefined ? c.one : c.all[i];
}

/** Where of() gathers the arguments' units (grown as needed, copied out at each batch's size). */
let unitScratch = new Uint16Array(1 << 16);
/** Above this the scratch grown for one batch is let go. */
const MAX_KEPT_SCRATCH_UNITS = 1 << 20;
/** '-' and 16 digits: the longest safe integer's text. */
const MAX_DECIMAL_UNITS = 17;

/** units[from..to) as a string, exactly (lone surrogates too), in chunks that fromCharCode takes as arguments. */
function unitsText(units: Uint16Array, from: number, to: number): string {
  let out = '';
  for (let at = from; at < to; at += 8192) out += String.fromCharCode(...units.subarray(at, Math.min(to, at + 8192)));
  return out;
}

/** Bytes the references of a column keep, each distinct value (by reference, consecutive repeats) once. */
function refColumnBytes<T>(column: RefColumn<T>, bytesOf: (value: T) => number): number {
  if (column.all === undefined) return bytesOf(column.one);
  let bytes = SLOT_BYTES * column.all.length;
  let last: T | undefined;
  for (let i = 0; i < column.all.length; i++) {
    const v = column.all[i];
    if (i > 0 && v === last) continue;
    bytes += bytesOf(v);
    last = v;
  }
  return bytes;
}

export class RingRecords {
  /**
   * About the heap bytes these records keep alive: their typed arrays and what their
   * columns reference (bodies, attribute lists, ids). The ring counts this rather than
   * the batch's wire size alone: records of many small attributes keep six times their
   * wire size (64 MiB of them on the wire kept 413 MB).
   */
  readonly heldBytes: number;

  private constructor(
    readonly length: number,
    private readonly times: BigUint64Array,
    private readonly resourceIndex: Uint32Array,
    /** service.name by resource index of the batch. */
    private readonly services: readonly string[],
    private readonly severityNumber: Float64Array,
    private readonly severityText: RefColumn<string>,
    /** The body of a record whose body is built, undefined where `bodyParts` says how to build it. */
    private readonly body: RefColumn<AnyValue>,
    private readonly bodyParts: RefColumn<readonly string[] | undefined>,
    private readonly templateId: BigUint64Array,
    /** Every record's template arguments, one after another. */
    /** Every record's template arguments as UTF-16 units, one after another (an integer as its digits). */
    private readonly args: Uint16Array,
    /** End of each argument in `args`. */
    private readonly argEnd: Uint32Array,
    /** Record i's arguments are argEnd[argFrom[i]] .. argEnd[argFrom[i + 1] - 1]. */
    private readonly argFrom: Uint32Array,
    private readonly traceId: RefColumn<string>,
    private readonly spanId: RefColumn<string>,
    private readonly attributes: RefColumn<readonly KeyValue[]>,
  ) {
    this.heldBytes =
      times.byteLength +
      resourceIndex.byteLength +
      severityNumber.byteLength +
      templateId.byteLength +
      args.byteLength +
      argEnd.byteLength +
      argFrom.byteLength +
      refColumnBytes(body, anyValueBytes) +
      refColumnBytes(traceId, stringBytes) +
      refColumnBytes(spanId, stringBytes) +
      refColumnBytes(attributes, keyValuesBytes);
  }

  /**
   * Whether RingRecords of `b` would keep objects of its own records alive (a built body, an
   * attribute list of the record's own), which the collector then copies out of the young
   * generation and marks while the ring holds them. Records of the compact stream keep none
   * (lazy bodies, a template's shared attribute list): for them RingRecords is the cheaper copy.
   */
  static keepsRecordObjects(b: LogBatch): boolean {
    let shared: readonly KeyValue[] | undefined; // the last list found shared: records come in runs of one
    for (let i = 0; i < b.length; i++) {
      if (lazyBodyParts(b, i) === undefined && b.body[i] !== undefined && b.body[i] !== '') return true;
      const attrs = b.attributes[i];
      if (attrs.length === 0 || attrs === shared) continue;
      if (!isSharedAttributeList(attrs)) return true;
      shared = attrs;
    }
    return false;
  }

  /** The batch's records. */
  static of(b: LogBatch): RingRecords {
    const n = b.length;
    const times = new BigUint64Array(n);
    const templateId = new BigUint64Array(n);
    const resourceIndex = new Uint32Array(n);
    const severityNumber = new Float64Array(n);
    // the stored time (storedTimeOf) copied as 32-bit words, no bigint
    const timeWords = wordsOf(b.timeUnixNano);
    const observedWords = wordsOf(b.observedTimeUnixNano);
    const keptWords = wordsOf(times);
    for (let i = 0; i < n; i++) {
      const from = storedWords(timeWords, observedWords, i);
      keptWords[2 * i] = from[2 * i];
      keptWords[2 * i + 1] = from[2 * i + 1];
      templateId[i] = b.templateId[i];
      resourceIndex[i] = b.resourceIndex[i];
      severityNumber[i] = b.severityNumber[i];
    }
    // All arguments' UTF-16 units one after another (no object per argument; a string built by
    // `+=` made one per argument, and turned each integer argument into a string first).
    const argFrom = new Uint32Array(n + 1);
    let argCount = 0;
    for (let i = 0; i < n; i++) {
      argFrom[i] = argCount;
      argCount += b.templateArgs[i].length;
    }
    argFrom[n] = argCount;
    const argEnd = new Uint32Array(argCount);
    let units = unitScratch;
    let end = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const list = b.templateArgs[i];
      for (let a = 0; a < list.length; a++) {
        const x = list[a];
        const text = typeof x === 'number' && !Number.isSafeInteger(x) ? String(x) : x;
        const room = typeof text === 'string' ? text.length : MAX_DECIMAL_UNITS;
        if (end + room > units.length) {
          const grown = new Uint16Array(Math.max(2 * units.length, end + room));
          grown.set(units.subarray(0, end));
          units = unitScratch = grown;
        }
        if (typeof text === 'string') for (let c = 0; c < text.length; c++) units[end++] = text.charCodeAt(c);
        else end += writeDecimal(units, text, end);
        argEnd[at++] = end;
      }
    }
    const args = units.slice(0, end);
    if (units.length > MAX_KEPT_SCRATCH_UNITS) unitScratch = new Uint16Array(1 << 16); // not kept after a batch of huge arguments
    return new RingRecords(
      n,
      times,
      resourceIndex,
      b.resources.map((r) => serviceNameOf(r)),
      severityNumber,
      refColumn(b.severityText, n),
      ...bodyColumns(b, n),
      templateId,
      args,
      argEnd,
      argFrom,
      refColumn(b.traceId, n),
      refColumn(b.spanId, n),
      refColumn(b.attributes, n),
    );
  }

  /** Record i's template arguments. */
  private argsOf(i: number): string[] {
    const from = this.argFrom[i];
    const to = this.argFrom[i + 1];
    const out = new Array<string>(to - from);
    for (let a = from; a < to; a++) out[a - from] = unitsText(this.args, a === 0 ? 0 : this.argEnd[a - 1], this.argEnd[a]);
    return out;
  }

  /** Every record, as tailRecordsOf(batch) gives it. */
  records(): TailRecord[] {
    const out = new Array<TailRecord>(this.length);
    for (let i = 0; i < this.length; i++) {
      const args = this.argsOf(i);
      const parts = refAt(this.bodyParts, i);
      out[i] = tailRecordFields({
        timeNs: this.times[i],
        service: this.services[this.resourceIndex[i]] ?? '',
        severityNumber: this.severityNumber[i],
        severityText: refAt(this.severityText, i),
        body: parts !== undefined ? renderBody(parts, args) : anyValueToString(refAt(this.body, i)),
        templateId: this.templateId[i],
        templateArgs: args,
        traceId: refAt(this.traceId, i),
        spanId: refAt(this.spanId, i),
        attributes: refAt(this.attributes, i),
      });
    }
    return out;
  }
}
