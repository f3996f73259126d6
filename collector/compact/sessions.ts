/**
 * Duplicate detection for at-least-once compact streams.
 *
 * An SDK numbers its batches 1, 2, ... within a session (a random id per
 * logger pipeline, sent in the Hello with its service.instance.id), sends one at
 * a time and resends a batch whose Ack it did not get on a new stream. The
 * collector keeps, per session, the highest sequence its pipeline accepted (the
 * high-water mark): a batch at or below it is acknowledged again without being
 * stored again. A batch whose first copy is still being consumed (the old stream
 * died meanwhile) waits for that copy's outcome instead of running twice.
 *
 * Bounded: at most `maxSessions` sessions, least recently used forgotten first
 * (a forgotten session only loses duplicate detection for a batch resent after
 * it was forgotten). The table lives as long as the process, keyed by receiver
 * id (sessionTableFor), so a receiver re-created in the same process (config
 * reload, restart of the gRPC server) still recognises resent batches.
 *
 * Across a collector process restart: a table with a scope (sessionTableFor's
 * tables: the receiver id) runs each consume under a delivery mark
 * (collector/queue/delivery-mark.ts). A durable queue (the clickhouse exporter
 * with queue.storage: wal) stores the mark in the same log entry as the records
 * and restores it on open, before the receivers start; a session first seen
 * after that starts at the restored high-water mark. So a batch that was in the
 * log when the process died, whose Ack the SDK never got, is acknowledged when
 * resent and not stored twice. Without a durable queue (or with a processor that
 * buffers, such as batch, between receiver and queue) it stays at-least-once.
 */
import { onRestoredDeliveryMarks, restoredSequence, withDeliveryMark } from '../queue/delivery-mark';

export class SessionState {
  /** Highest sequence accepted. */
  highWater = 0;
  constructor(readonly key = '') {}
  /** Sequences being consumed now -> whether they were accepted. */
  readonly inFlight = new Map<number, Promise<boolean>>();
}

export type ConsumeOutcome = 'accepted' | 'duplicate';

export class SessionTable {
  private readonly sessions = new Map<string, SessionState>();

  /** `scope`: the name delivery marks of this table carry (undefined: no marks, memory only). */
  constructor(
    readonly maxSessions = 65_536,
    readonly scope?: string,
  ) {
    if (scope !== undefined) {
      onRestoredDeliveryMarks((marks) => {
        for (const m of marks) {
          const s = m.scope === scope ? this.sessions.get(m.key) : undefined;
          if (s === undefined) continue;
          const seq = restoredSequence(scope, m.key);
          if (seq > s.highWater) s.highWater = seq;
        }
      });
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session's state (created on first use), marked as most recently used. */
  get(key: string): SessionState {
    let s = this.sessions.get(key);
    if (s !== undefined) {
      this.sessions.delete(key);
      this.sessions.set(key, s);
      return s;
    }
    s = new SessionState(key);
    if (this.scope !== undefined) s.highWater = restoredSequence(this.scope, key);
    this.sessions.set(key, s);
    if (this.sessions.size > this.maxSessions) {
      // Oldest first; a session with a batch in flight is kept (it is about to be answered).
      for (const [k, state] of this.sessions) {
        if (this.sessions.size <= this.maxSessions) break;
        if (state.inFlight.size === 0 && k !== key) this.sessions.delete(k);
      }
    }
    return s;
  }

  /**
   * Runs `consume` for sequence `seq` of a session unless that sequence was
   * already accepted ('duplicate'); rejects with consume's error when it fails
   * (the sequence is then not marked, so a resend runs again).
   */
  async runOnce(state: SessionState, seq: number, consume: () => Promise<void>): Promise<ConsumeOutcome> {
    for (;;) {
      if (seq <= state.highWater) return 'duplicate';
      const running = state.inFlight.get(seq);
      if (running === undefined) break;
      await running;
    }
    const scope = this.scope;
    const attempt = scope === undefined ? consume() : withDeliveryMark({ scope, key: state.key, sequence: seq }, consume);
    // Marked before anyone waiting on this sequence looks again.
    const settled: Promise<boolean> = attempt
      .then(
        () => {
          if (seq > state.highWater) state.highWater = seq;
          return true;
        },
        () => false,
      )
      .finally(() => {
        if (state.inFlight.get(seq) === settled) state.inFlight.delete(seq);
      });
    state.inFlight.set(seq, settled);
    await attempt;
    return 'accepted';
  }
}

const tables = new Map<string, SessionTable>();

/** The process-wide session table of a receiver id. */
export function sessionTableFor(receiverId: string): SessionTable {
  let t = tables.get(receiverId);
  if (t === undefined) {
    t = new SessionTable(undefined, receiverId);
    tables.set(receiverId, t);
  }
  return t;
}
