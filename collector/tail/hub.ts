/**
 * The live source of the tail: a tap around the ClickHouse exporter's
 * consumeLogs (installed by the collector when it builds the pipeline graph, see
 * service/graph.ts `wrapExporter`), and the subscribers that read from it.
 *
 * What "live" means: the records the pipeline delivered to the exporter. A batch
 * is announced to the subscribers as *pending* before the exporter sees it, and
 * becomes *accepted* when the exporter's consumeLogs resolves (or *failed* when
 * it rejects: the sender retries, and the retry is a new batch). A subscriber
 * shows only accepted records. Because a record reaches storage only through the
 * exporter, its live copy is known to every subscriber before it can be stored:
 * that ordering is what makes the replay/live seam exact (see session.ts).
 *
 * Accepted batches also stay in a recent ring (bounded by records, bytes and age) so a
 * tail starting now also sees records that were accepted a moment ago but may
 * still wait in the exporter's queue (not yet in storage): without the ring those
 * would fall between the replay (not stored yet) and the live feed (already past).
 * The ring keeps what an accepted batch's records need in few objects: the
 * exporter's own copy of them as stored when it has one (the clickhouse exporter's
 * Native block, ring-block.ts), else a compact copy of the batch's columns
 * (ring-records.ts); they are turned into TailRecords only when a subscriber needs
 * them, so with nobody tailing the tap costs a copy per batch.
 *
 * Nothing here ever waits for a subscriber: offering records is synchronous and a
 * full subscriber queue drops (that subscriber's) records and counts them.
 */
import { estimatedBytes, type LogBatch } from '../pipeline/batch';
import { templateAttributesNeeded, type LogsConsumer } from '../pipeline/component';
import type { Counter, Metrics } from '../telemetry/metrics';
import { tailRecordsOf, type TailRecord } from './record';
import { maxStoredTime } from '../pipeline/time-column';
import { RingRecords } from './ring-records';
import type { RingSource } from './ring-block';

export type EntryState = 'pending' | 'accepted' | 'failed';

/** One batch as the hub tracks it. */
export class TapEntry {
  state: EntryState = 'pending';
  acceptedAtMs = 0;
  private records: TailRecord[] | undefined;
  /** What the ring keeps of the batch once accepted, unless its records were projected already (keep()). */
  private kept: RingSource | undefined;
  constructor(
    private batch: LogBatch | undefined,
    readonly count: number,
    readonly maxTimeNs: bigint,
    /**
     * The batch's size as its receiver estimated it (estimatedBytes); once kept for the
     * ring, raised to what the kept records reference (RingRecords.heldBytes): what the
     * ring's byte bound counts.
     */
    public bytes: number,
  ) {}

  /** The batch's records (projected once, shared by every subscriber). */
  recordsOf(): TailRecord[] {
    if (!this.records) {
      this.records = this.batch ? tailRecordsOf(this.batch) : this.kept ? this.kept.records() : [];
      this.batch = undefined;
      this.kept = undefined;
    }
    return this.records;
  }

  /**
   * Lets go of the batch, keeping what its records need in few objects, for an entry entering
   * the ring: `stored`, the exporter's own copy of them as stored (ring-block.ts), when it has
   * one; else RingRecords of the batch (ring-records.ts).
   */
  keep(stored?: RingSource): void {
    if (this.records !== undefined || this.batch === undefined) return;
    this.kept = stored ?? RingRecords.of(this.batch);
    this.bytes = Math.max(this.bytes, this.kept.heldBytes);
    this.batch = undefined;
  }
}

/**
 * An exporter that can give the ring its own copy of an accepted batch's records as it
 * stores them, cheaper to keep than the batch (the clickhouse exporter's Native block:
 * ring-block.ts). The tap asks for copies once (keepStoredCopies) and takes each batch's
 * right after consumeLogs(batch) resolved; a batch without one is kept as RingRecords.
 */
export interface StoredCopySource {
  keepStoredCopies(): void;
  takeStoredCopy(batch: LogBatch): RingSource | undefined;
}

/** What the hub needs from a subscriber (session.ts implements it). */
export interface TapSubscriber {
  /** Records of a new entry (pending), or of the ring/in-flight entries at subscription time. Synchronous, must not throw. */
  offer(entry: TapEntry, fromRing: boolean): void;
  /** An entry changed state (accepted or failed). */
  settled(entry: TapEntry): void;
}

export interface LiveTailHubOptions {
  metrics: Metrics;
  /** Accepted records kept for tails that start now; default 50 000. */
  ringRecords?: number;
  /**
   * Bytes those records may keep, as their batches' estimatedBytes count them (the
   * receivers' sizes of what they decoded) or what the kept records reference
   * (RingRecords.heldBytes), whichever is more; default 64 MiB. Without it 50,000 records of
   * 60 KB bodies kept 3 GB alive for as long as they stayed in the ring; with the wire size
   * alone, records of 1000 small attributes kept 413 MB.
   */
  ringBytes?: number;
  /** Age after which an accepted batch leaves the ring; default 120 s (well above the exporter's flush interval). */
  ringMs?: number;
  now?: () => number;
}

export class LiveTailHub {
  private readonly subscribers = new Set<TapSubscriber>();
  private readonly inflight = new Set<TapEntry>();
  /** Accepted entries, oldest first from ringHead; slots before ringHead are emptied (undefined) so evicted batches can be collected. */
  private readonly ring: (TapEntry | undefined)[] = [];
  private ringHead = 0;
  private ringCount = 0;
  private ringByteCount = 0;
  private readonly ringRecords: number;
  private readonly ringBytes: number;
  private readonly ringMs: number;
  private readonly now: () => number;
  private readonly subscribersGauge: Counter;
  private readonly tappedCounter: Counter;
  readonly metrics: Metrics;

  constructor(options: LiveTailHubOptions) {
    this.metrics = options.metrics;
    this.ringRecords = options.ringRecords ?? 50_000;
    this.ringBytes = options.ringBytes ?? 64 * 1024 * 1024;
    this.ringMs = options.ringMs ?? 120_000;
    this.now = options.now ?? Date.now;
    this.subscribersGauge = options.metrics.gauge('logfun_tail_subscribers', 'Live tail sessions subscribed to the records delivered to the exporter.');
    this.tappedCounter = options.metrics.counter('logfun_tail_tapped_records_total', 'Records the live tail saw accepted by the exporter it taps.');
    this.subscribersGauge.set({}, 0);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** What the ring's entries keep, as its byte bound counts it (TapEntry.bytes). */
  get ringHeldBytes(): number {
    return this.ringByteCount;
  }

  /** The exporter with the tap around it: same contract, same result. */
  tap(exporter: LogsConsumer & Partial<StoredCopySource>): LogsConsumer {
    exporter.keepStoredCopies?.();
    return { consumeLogs: (batch) => this.deliver(exporter, batch), templateAttributesNeeded: () => templateAttributesNeeded(exporter) };
  }

  private async deliver(exporter: LogsConsumer & Partial<StoredCopySource>, batch: LogBatch): Promise<void> {
    if (batch.length === 0) return exporter.consumeLogs(batch);
    const entry = new TapEntry(batch, batch.length, maxStoredTime(batch.timeUnixNano, batch.observedTimeUnixNano, batch.length), estimatedBytes(batch));
    // With subscribers the records are copied now, before the exporter owns the batch.
    if (this.subscribers.size > 0) entry.recordsOf();
    this.inflight.add(entry);
    for (const s of this.subscribers) s.offer(entry, false);
    try {
      await exporter.consumeLogs(batch);
    } catch (e) {
      this.settle(entry, 'failed');
      throw e;
    }
    this.settle(entry, 'accepted', exporter.takeStoredCopy?.(batch));
  }

  private settle(entry: TapEntry, state: 'accepted' | 'failed', stored?: RingSource): void {
    this.inflight.delete(entry);
    entry.state = state;
    if (state === 'accepted') {
      entry.acceptedAtMs = this.now();
      this.tappedCounter.inc({}, entry.count);
      entry.keep(stored);
      this.ring.push(entry);
      this.ringCount += entry.count;
      this.ringByteCount += entry.bytes;
      this.evict();
    }
    for (const s of this.subscribers) s.settled(entry);
  }

  private evict(): void {
    const oldest = this.now() - this.ringMs;
    while (this.ringHead < this.ring.length) {
      const e = this.ring[this.ringHead]!;
      if (this.ringCount <= this.ringRecords && this.ringByteCount <= this.ringBytes && e.acceptedAtMs >= oldest) break;
      this.ringCount -= e.count;
      this.ringByteCount -= e.bytes;
      // The slot is emptied at once: the array is compacted only now and then, and an
      // evicted entry still referenced from it would keep its whole batch alive.
      this.ring[this.ringHead] = undefined;
      this.ringHead++;
    }
    if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) {
      this.ring.splice(0, this.ringHead);
      this.ringHead = 0;
    }
  }

  /**
   * Adds a subscriber; it is first offered the ring (accepted recently, oldest
   * first) and the in-flight entries whose newest record is at or after
   * `sinceNs`, then every new entry. Returns the unsubscribe function.
   */
  subscribe(s: TapSubscriber, sinceNs: bigint): () => void {
    this.evict();
    for (let i = this.ringHead; i < this.ring.length; i++) {
      const e = this.ring[i]!;
      if (e.maxTimeNs >= sinceNs) s.offer(e, true);
    }
    for (const e of this.inflight) if (e.maxTimeNs >= sinceNs) s.offer(e, true);
    this.subscribers.add(s);
    this.subscribersGauge.set({}, this.subscribers.size);
    return () => {
      if (this.subscribers.delete(s)) this.subscribersGauge.set({}, this.subscribers.size);
    };
  }
}

/**
 * The graph hook (PipelineGraphOptions.wrapExporter) that taps the exporter the
 * console reads from: the first clickhouse exporter of the config (as
 * console/mount.ts picks it), so every live record is one the replay can find.
 */
export function tapStoreExporter(config: { exporters: ReadonlyMap<string, { factory: { type: string } }> }, hub: LiveTailHub): (id: string, type: string, exporter: LogsConsumer) => LogsConsumer {
  const storeId = [...config.exporters].find(([, e]) => e.factory.type === 'clickhouse')?.[0];
  return (id, _type, exporter) => (id === storeId ? hub.tap(exporter) : exporter);
}
