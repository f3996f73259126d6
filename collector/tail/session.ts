/**
 * One tail: replay from storage from `since`, then continue live, with no gap
 * and no duplicate at the seam.
 *
 *  1. Subscribe to the live source first (hub.ts). From this instant every record
 *     delivered to the exporter is queued here (pending until the exporter
 *     accepts it), plus the ring of records accepted a moment ago whose storage
 *     may still be on its way. `until` = now.
 *  2. Replay the stored records with since <= time <= until, oldest first
 *     (replay.ts). Each replayed row is shown; if a queued live record has the
 *     same identity (record.ts) one queued copy is marked to be skipped: it is the
 *     same record, already shown. Every stored row was delivered to the exporter
 *     before it was stored, so if its live copy arrived after step 1 (or sits in
 *     the ring) that copy is already queued when the replay reads the row.
 *  3. Emit the queued records in arrival order, minus the skipped ones: those
 *     are the ones the replay did not show (not stored yet, stored after the
 *     replay passed their time, or with times after `until`).
 *  4. Continue live: every new record as it is accepted.
 *
 * A record is therefore shown exactly once: by the replay if it was stored and
 * in range when read, else by the live half. (Limits, stated: a record accepted
 * before the ring's horizon — 120 s / 50 000 records by default — and stored only
 * after the replay read its time range is not shown, e.g. after a long storage
 * outage; records whose timestamps are after `until` and that were stored before
 * the ring's horizon are not replayed.)
 *
 * Bounded: the queue holds at most `maxQueue` records. A consumer that falls
 * behind (a slow client) loses the newest records for itself only, never stalls
 * the collector; the loss is counted (logfun_tail_dropped_records_total) and told
 * to the client as a `dropped` event where the records are missing (between
 * the last record before the gap and the first after it).
 *
 * Consumption is pull-based (`events()`): the replay reads its next page only
 * when the consumer took the previous one.
 */
import type { Counter } from '../telemetry/metrics';
import type { LiveTailHub, TapEntry, TapSubscriber } from './hub';
import type { ReplaySource } from './replay';
import { asciiLower, matchesFilter, recordIdentity, type TailFilter, type TailRecord } from './record';

export type TailPhase = 'replay' | 'live';

export type TailEvent =
  | { type: 'record'; record: TailRecord; phase: TailPhase }
  /** The replay is done: what follows is live. */
  | { type: 'live'; replayed: number; seamDuplicates: number }
  /** `count` records were dropped for this tail since the last event (queue full); `total` so far. */
  | { type: 'dropped'; count: number; total: number };

export interface TailSessionOptions {
  hub: LiveTailHub;
  /** Without a replay source (no store) the tail is live only (plus the recent ring). */
  replay?: ReplaySource;
  sinceNs: bigint;
  filter: TailFilter;
  /** Queued live records at most; default 10 000. */
  maxQueue?: number;
  nowNs?: () => bigint;
}

interface Item {
  entry: TapEntry | undefined;
  record: TailRecord | undefined;
  /** Seam identity, set for records queued while the replay runs. */
  id?: string;
  /** A drop marker (no record): this many records were dropped here, in arrival order. */
  dropped?: number;
  /** From the hub's recent ring at subscription: bounded by the ring, not counted against maxQueue. */
  fromRing?: boolean;
}

export const DEFAULT_TAIL_QUEUE = 10_000;

export class TailSession implements TapSubscriber {
  readonly sinceNs: bigint;
  readonly filter: TailFilter;
  /** Replay upper bound: the time the live subscription began. */
  untilNs = 0n;
  private readonly hub: LiveTailHub;
  private readonly replay: ReplaySource | undefined;
  private readonly maxQueue: number;
  private readonly lowerText: string | undefined;
  private readonly nowNs: () => bigint;
  private queue: Item[] = [];
  private head = 0;
  private phase: TailPhase = 'replay';
  /** Identities of queued (seam) records not yet matched by a replayed row. */
  private readonly seamCounts = new Map<string, number>();
  /** Identities of queued records the replay already showed (to skip when draining). */
  private readonly skip = new Map<string, number>();
  private droppedTotal = 0;
  /** Records queued (markers not counted). */
  private queuedRecords = 0;
  private wakeUp: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly abort = new AbortController();
  private closed = false;
  private readonly droppedCounter: Counter;
  private readonly seamCounter: Counter;
  private readonly sentCounter: Counter;

  constructor(options: TailSessionOptions) {
    this.hub = options.hub;
    this.replay = options.replay;
    this.sinceNs = options.sinceNs;
    this.filter = options.filter;
    this.maxQueue = options.maxQueue ?? DEFAULT_TAIL_QUEUE;
    this.lowerText = options.filter.text !== undefined ? asciiLower(options.filter.text) : undefined;
    this.nowNs = options.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
    const m = options.hub.metrics;
    this.droppedCounter = m.counter('logfun_tail_dropped_records_total', 'Records a live tail session could not keep (its client fell behind), by reason.');
    this.seamCounter = m.counter('logfun_tail_seam_duplicates_total', 'Live records not sent again because the replay from storage already sent them.');
    this.sentCounter = m.counter('logfun_tail_sent_records_total', 'Records sent to live tail clients, by phase.');
  }

  /** Subscribes to the live source (step 1). Idempotent. */
  start(): void {
    if (this.unsubscribe || this.closed) return;
    this.untilNs = this.nowNs();
    this.unsubscribe = this.hub.subscribe(this, this.sinceNs);
  }

  get queued(): number {
    return this.queuedRecords;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  offer(entry: TapEntry, fromRing: boolean): void {
    if (this.closed) return;
    for (const record of entry.recordsOf()) {
      if (fromRing && record.timeNs < this.sinceNs) continue;
      if (!matchesFilter(record, this.filter, this.lowerText)) continue;
      // The ring (already bounded, 50 000 records by default) is taken whole: a
      // burst just before the tail started is mostly in storage too, and counting
      // it against maxQueue would report those records as dropped for a slow client.
      if (fromRing) {
        this.queue.push(this.seamItem({ entry, record, fromRing: true }));
        continue;
      }
      if (this.queuedRecords >= this.maxQueue) {
        // One marker per run of drops (so the queue holds at most maxQueue records plus markers between them).
        const last = this.queue.length > this.head ? this.queue[this.queue.length - 1] : undefined;
        if (last?.dropped !== undefined) last.dropped++;
        else this.queue.push({ entry: undefined, record: undefined, dropped: 1 });
        this.droppedTotal++;
        this.droppedCounter.inc({ reason: 'slow_client' });
        continue;
      }
      this.queuedRecords++;
      this.queue.push(this.seamItem({ entry, record }));
    }
    this.wake();
  }

  /** Gives an item queued during the replay its seam identity (see step 2). */
  private seamItem(item: Item): Item {
    if (this.phase === 'replay' && this.replay && item.record) {
      item.id = recordIdentity(item.record);
      this.seamCounts.set(item.id, (this.seamCounts.get(item.id) ?? 0) + 1);
    }
    return item;
  }

  settled(entry: TapEntry): void {
    void entry;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => (this.wakeUp = resolve));
  }

  /** The tail's events until close(): replayed records, a `live` marker, then live records. */
  async *events(): AsyncGenerator<TailEvent, void, undefined> {
    this.start();
    let replayed = 0;
    let seamDuplicates = 0;
    if (this.replay) {
      for await (const page of this.replay.pages(this.sinceNs, this.untilNs, this.filter, this.abort.signal)) {
        for (const record of page) {
          if (this.closed) return;
          const id = recordIdentity(record);
          const pending = this.seamCounts.get(id);
          if (pending) {
            if (pending === 1) this.seamCounts.delete(id);
            else this.seamCounts.set(id, pending - 1);
            this.skip.set(id, (this.skip.get(id) ?? 0) + 1);
            seamDuplicates++;
            this.seamCounter.inc();
          }
          replayed++;
          this.sentCounter.inc({ phase: 'replay' });
          yield { type: 'record', record, phase: 'replay' };
        }
      }
    }
    this.phase = 'live';
    this.seamCounts.clear();
    if (this.closed) return;
    yield { type: 'live', replayed, seamDuplicates };
    let droppedSoFar = 0;
    while (!this.closed) {
      if (this.head >= this.queue.length) {
        await this.wait();
        continue;
      }
      const item = this.queue[this.head];
      if (item.entry?.state === 'pending') {
        await this.wait();
        continue;
      }
      this.queue[this.head++] = undefined as unknown as Item;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (item.dropped !== undefined) {
        droppedSoFar += item.dropped;
        yield { type: 'dropped', count: item.dropped, total: droppedSoFar };
        continue;
      }
      if (!item.fromRing) this.queuedRecords--;
      if (item.entry?.state === 'failed') continue;
      if (item.id !== undefined) {
        const n = this.skip.get(item.id);
        if (n) {
          if (n === 1) this.skip.delete(item.id);
          else this.skip.set(item.id, n - 1);
          continue;
        }
      }
      this.sentCounter.inc({ phase: 'live' });
      yield { type: 'record', record: item.record!, phase: 'live' };
    }
  }

  /** Unsubscribes and ends events(); safe twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.abort.abort();
    this.queue = [];
    this.head = 0;
    this.queuedRecords = 0;
    this.wake();
  }
}
