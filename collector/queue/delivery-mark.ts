/**
 * Delivery marks: "sequence N of sender session K was accepted", carried from a
 * receiver to a durable queue so that the queue can store the mark in the same
 * entry as the records (atomic: both survive a crash or neither does).
 *
 * The receiver runs the downstream call inside `withDeliveryMark(...)`; the
 * mark travels through the processors on the AsyncLocalStorage context (a
 * processor that calls `next.consumeLogs` from the same async chain keeps it;
 * one that buffers and sends later from a timer, like the batch processor, does
 * not, and its senders fall back to at-least-once). A durable queue reads
 * `currentDeliveryMark()` when it appends.
 *
 * On open, a durable queue hands the marks it recovered to
 * `restoreDeliveryMarks`; session tables (collector/compact/sessions.ts) read
 * them so that a batch resent after a crash, whose first copy is already in the
 * queue, is acknowledged without being stored twice.
 */
import { AsyncLocalStorage } from 'async_hooks';

export interface DeliveryMark {
  /** Which session table the key belongs to (the receiver id). */
  scope: string;
  /** The sender session within that table. */
  key: string;
  /** Highest sequence of that session accepted. */
  sequence: number;
}

const context = new AsyncLocalStorage<DeliveryMark>();

/** Runs `fn` with `mark` as the current delivery mark of its async chain. */
export function withDeliveryMark<T>(mark: DeliveryMark, fn: () => T): T {
  return context.run(mark, fn);
}

/** The mark of the receiver call this code runs under, if any. */
export function currentDeliveryMark(): DeliveryMark | undefined {
  return context.getStore();
}

type RestoredListener = (marks: readonly DeliveryMark[]) => void;

/** scope -> session key -> source (durable queue) -> highest sequence it holds. */
const restored = new Map<string, Map<string, Map<string, number>>>();
const listeners = new Set<RestoredListener>();

/**
 * Records marks recovered from durable storage by `source` (one durable queue,
 * e.g. its directory) and tells the listeners. Several sources (several durable
 * exporters fed by one receiver) each hold the mark of what they appended; a
 * session's restored sequence is the lowest among the sources that know it, so a
 * batch one queue holds and another missed at the crash is taken again (stored
 * twice in the first, at-least-once) rather than lost in the second.
 */
export function restoreDeliveryMarks(marks: Iterable<DeliveryMark>, source = ''): void {
  const list: DeliveryMark[] = [];
  for (const m of marks) {
    let table = restored.get(m.scope);
    if (table === undefined) restored.set(m.scope, (table = new Map()));
    let bySource = table.get(m.key);
    if (bySource === undefined) table.set(m.key, (bySource = new Map()));
    if ((bySource.get(source) ?? 0) < m.sequence) bySource.set(source, m.sequence);
    list.push(m);
  }
  if (list.length > 0) for (const l of listeners) l(list);
}

/** The restored sequence of a session (lowest over the sources that know it), 0 when none. */
export function restoredSequence(scope: string, key: string): number {
  const bySource = restored.get(scope)?.get(key);
  if (bySource === undefined) return 0;
  let low = Infinity;
  for (const seq of bySource.values()) if (seq < low) low = seq;
  return low === Infinity ? 0 : low;
}

/** Called with every later batch of restored marks; returns the unsubscribe function. */
export function onRestoredDeliveryMarks(listener: RestoredListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
