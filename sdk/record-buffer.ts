/**
 * The bounded record buffer: a columnar ring (struct of arrays) holding every
 * record from the logging call until its transport acknowledged it.
 *
 * Records keep their captured, typed values (template + arguments, never a
 * formatted string); rendering and encoding happen on the flush path. The ring
 * is bounded by record count and by estimated bytes; `append` refuses when
 * either bound would be exceeded (the caller counts the drop). Records are
 * addressed by a monotonically increasing sequence number; three cursors split
 * the ring:
 *
 *   firstSeq .. sentSeq   taken by the transport, not yet acknowledged (in flight)
 *   sentSeq  .. nextSeq   pending: not yet taken
 *
 * `take` moves records from pending to in flight, `release` frees acknowledged
 * (or permanently rejected) records from the front, `rewind` puts every
 * in-flight record back to pending so it is sent again (after a failure or a
 * reconnect): at-least-once delivery within the buffer bound.
 *
 * Slot contract (the hot path relies on it): a free slot has every object
 * column undefined and traceFlags 0 (the constructor, `release` and `clear`
 * keep it so), so a writer sets only the columns its record uses.
 *
 * Arguments stay the logging call's own (captured) argument array: one small
 * array per record. Keeping them inline in flat columns instead (numbers
 * unboxed) was measured and did not pay: readers need arrays, and building
 * them when a batch is taken allocates as much as it saves.
 */
import type { Template } from './templates';
import type { ArgumentValue, AttributeList, AttributeValue } from '../protocol/values';
import type { InstrumentationScope } from './resource';

/** Fields only records from the OpenTelemetry API carry. */
export interface RecordExtra {
  readonly observedSec: number;
  readonly observedNano: number;
  readonly severityText: string;
  /** The record's Body when it was given (API records have no template). */
  readonly body: AttributeValue;
  readonly eventName: string;
}

/** A contiguous run of records [firstSeq, firstSeq + count). */
export interface BufferWindow {
  readonly firstSeq: number;
  readonly count: number;
  readonly bytes: number;
}

export class RecordBuffer {
  readonly template: (Template | undefined)[];
  readonly severity: Uint8Array;
  readonly timeSec: Float64Array;
  readonly timeNano: Uint32Array;
  /** Captured arguments of the template (undefined when it has none). */
  readonly args: (ArgumentValue[] | undefined)[];
  /** Attributes bound to the (child) logger; shared, immutable lists. */
  readonly bound: (AttributeList | undefined)[];
  /** Attributes of this call (structured calls, OTel API records). */
  readonly attrs: (AttributeList | undefined)[];
  /** Lower-case hex trace id / span id, undefined when the record has no span context. */
  readonly traceId: (string | undefined)[];
  readonly spanId: (string | undefined)[];
  readonly traceFlags: Uint8Array;
  readonly scope: (InstrumentationScope | undefined)[];
  readonly extra: (RecordExtra | undefined)[];
  /** Estimated encoded bytes of each record. */
  readonly size: Uint32Array;
  /**
   * Bytes appended since the buffer was created, up to and including each
   * record: `take` sums a window's sizes by subtraction (O(1)), never by a
   * loop over its records. Exact as a double up to 2^53 bytes.
   */
  private readonly appendedThrough: Float64Array;
  private appended = 0;

  private firstSeq = 0;
  private sentSeq = 0;
  private nextSeq = 0;
  private writeSlot = 0;
  private totalBytes = 0;
  private inFlightBytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number,
  ) {
    if (!(capacity >= 1)) throw new Error(`logfun: buffer capacity must be >= 1 (got ${capacity})`);
    this.template = new Array(capacity).fill(undefined);
    this.severity = new Uint8Array(capacity);
    this.timeSec = new Float64Array(capacity);
    this.timeNano = new Uint32Array(capacity);
    this.args = new Array(capacity).fill(undefined);
    this.bound = new Array(capacity).fill(undefined);
    this.attrs = new Array(capacity).fill(undefined);
    this.traceId = new Array(capacity).fill(undefined);
    this.spanId = new Array(capacity).fill(undefined);
    this.traceFlags = new Uint8Array(capacity);
    this.scope = new Array(capacity).fill(undefined);
    this.extra = new Array(capacity).fill(undefined);
    this.size = new Uint32Array(capacity);
    this.appendedThrough = new Float64Array(capacity);
  }

  /** Records held (pending + in flight). */
  get count(): number {
    return this.nextSeq - this.firstSeq;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get pendingCount(): number {
    return this.nextSeq - this.sentSeq;
  }

  get pendingBytes(): number {
    return this.totalBytes - this.inFlightBytes;
  }

  get inFlightCount(): number {
    return this.sentSeq - this.firstSeq;
  }

  /**
   * Reserves the next slot for a record of `bytes` estimated bytes and returns
   * it, or -1 when the buffer is full by count or bytes. The caller then sets
   * template, severity, timeSec, timeNano and the other columns its record uses
   * (a free slot's object columns are undefined, traceFlags 0).
   */
  append(bytes: number): number {
    if (this.nextSeq - this.firstSeq >= this.capacity || this.totalBytes + bytes > this.maxBytes) return -1;
    const slot = this.writeSlot;
    this.writeSlot = slot + 1 === this.capacity ? 0 : slot + 1;
    this.nextSeq++;
    this.totalBytes += bytes;
    this.size[slot] = bytes;
    this.appended += bytes;
    this.appendedThrough[slot] = this.appended;
    return slot;
  }

  slotOf(seq: number): number {
    return seq % this.capacity;
  }

  /**
   * Takes up to `maxCount` pending records and, beyond the first, up to
   * `maxBytes` estimated bytes; undefined when nothing is pending.
   */
  take(maxCount: number, maxBytes: number): BufferWindow | undefined {
    if (this.sentSeq >= this.nextSeq) return undefined;
    const firstSeq = this.sentSeq;
    const firstSlot = this.slotOf(firstSeq);
    // Bytes appended before the window's first record.
    const before = this.appendedThrough[firstSlot] - this.size[firstSlot];
    const bytesOf = (count: number) => this.appendedThrough[this.slotOf(firstSeq + count - 1)] - before;
    let count = Math.min(Math.max(1, maxCount), this.nextSeq - firstSeq);
    if (count > 1 && bytesOf(count) > maxBytes) {
      // The largest count whose bytes fit (the first record goes alone if it must).
      let lo = 1;
      let hi = count - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (bytesOf(mid) <= maxBytes) lo = mid;
        else hi = mid - 1;
      }
      count = lo;
    }
    const bytes = bytesOf(count);
    this.sentSeq = firstSeq + count;
    this.inFlightBytes += bytes;
    return { firstSeq, count, bytes };
  }

  /**
   * A window of no records at the front of what is pending (for a batch that only
   * carries muted counts); valid while nothing is in flight, released like any window.
   */
  emptyWindow(): BufferWindow {
    return { firstSeq: this.sentSeq, count: 0, bytes: 0 };
  }

  /** Frees the oldest in-flight window (acknowledged or given up); windows are released in order. */
  release(window: BufferWindow): void {
    if (window.firstSeq !== this.firstSeq) {
      throw new Error(`logfun: buffer windows must be released in order (expected ${this.firstSeq}, got ${window.firstSeq})`);
    }
    if (window.count > 0) {
      // At most two contiguous slot ranges (the window may wrap around the ring).
      const start = this.slotOf(window.firstSeq);
      const end = start + window.count;
      if (end <= this.capacity) this.freeSlots(start, end);
      else {
        this.freeSlots(start, this.capacity);
        this.freeSlots(0, end - this.capacity);
      }
    }
    this.firstSeq += window.count;
    this.totalBytes -= window.bytes;
    if (this.sentSeq < this.firstSeq) this.sentSeq = this.firstSeq;
    this.inFlightBytes = Math.max(0, this.inFlightBytes - window.bytes);
  }

  /** Restores the free-slot state of slots [start, end): object columns undefined (no references kept), traceFlags 0. */
  private freeSlots(start: number, end: number): void {
    this.template.fill(undefined, start, end);
    this.args.fill(undefined, start, end);
    this.bound.fill(undefined, start, end);
    this.attrs.fill(undefined, start, end);
    this.traceId.fill(undefined, start, end);
    this.spanId.fill(undefined, start, end);
    this.traceFlags.fill(0, start, end);
    this.scope.fill(undefined, start, end);
    this.extra.fill(undefined, start, end);
  }

  /** Forgets every record (shutdown gave up on them); returns how many there were. */
  clear(): number {
    const n = this.count;
    this.template.fill(undefined);
    this.args.fill(undefined);
    this.bound.fill(undefined);
    this.attrs.fill(undefined);
    this.traceId.fill(undefined);
    this.spanId.fill(undefined);
    this.scope.fill(undefined);
    this.extra.fill(undefined);
    this.traceFlags.fill(0);
    this.firstSeq = this.sentSeq = this.nextSeq;
    this.totalBytes = 0;
    this.inFlightBytes = 0;
    return n;
  }

  /** Returns every in-flight record to pending, to be taken (sent) again. */
  rewind(): void {
    this.sentSeq = this.firstSeq;
    this.inFlightBytes = 0;
  }
}
