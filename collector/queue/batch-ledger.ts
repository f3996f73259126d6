/**
 * Batch ledgers: signed counters that ride with a batch into a durable queue, so
 * that what a processor counted about an accepted batch is as durable as the
 * batch (the spam balancer's drop counts: processors/spam/drop-ledger.ts).
 *
 * A processor that must make counts durable with the batch it passes on runs the
 * downstream call inside `withLedger(deltas, ...)`; like a delivery mark
 * (delivery-mark.ts) the deltas travel on the AsyncLocalStorage context, so every
 * stage that calls the next one from the same async chain keeps them (a stage that
 * buffers and sends later loses them: the counts are then as durable as the
 * process). A durable queue (queue/wal.ts) stores `currentLedger()` in the entry it
 * appends — also for a batch with no records left, which stages must then still
 * pass on (see `mustPassEmpty`) — and keeps the running totals per counter: the
 * sum of the deltas of every entry ever appended, outliving the entries
 * (ledger.json).
 *
 * On open a durable queue hands its totals to `restoreLedger`; the owner of the
 * counters takes them at its start (`takeRestoredLedger`) and settles them (the
 * spam processor summarises what its killed predecessor had counted but not
 * summarised, passing the opposite deltas with that summary, so the totals go
 * back to 0). Several durable queues fed by one pipeline each hold the same totals:
 * a counter's restored value is the largest among them.
 */
import { AsyncLocalStorage } from 'async_hooks';

/** Counter name -> signed delta. Names are owned by their writer (prefix with the component's id). */
export type LedgerDeltas = ReadonlyMap<string, number>;

const context = new AsyncLocalStorage<LedgerDeltas>();

/** Runs `fn` with `deltas` as the ledger of its async chain (merged with an outer one). */
export function withLedger<T>(deltas: LedgerDeltas, fn: () => T): T {
  const outer = context.getStore();
  if (outer === undefined || outer.size === 0) return context.run(deltas, fn);
  const merged = new Map(outer);
  for (const [k, v] of deltas) merged.set(k, (merged.get(k) ?? 0) + v);
  return context.run(merged, fn);
}

/** The ledger deltas of the call this code runs under, if any (undefined when none or empty). */
export function currentLedger(): LedgerDeltas | undefined {
  const l = context.getStore();
  return l !== undefined && l.size > 0 ? l : undefined;
}

/** Whether a stage that filtered every record out must still pass the empty batch on (it carries a ledger). */
export function mustPassEmpty(): boolean {
  return currentLedger() !== undefined;
}

/** counter -> source (durable queue) -> total. */
const restored = new Map<string, Map<string, number>>();

/** Records the totals a durable queue (`source`, e.g. its directory) recovered. */
export function restoreLedger(totals: Iterable<[string, number]>, source = ''): void {
  for (const [k, v] of totals) {
    if (!Number.isFinite(v) || v === 0) continue;
    let bySource = restored.get(k);
    if (bySource === undefined) restored.set(k, (bySource = new Map()));
    bySource.set(source, v);
  }
}

/** Removes and returns the restored counters whose names start with `prefix` (largest value over the sources). */
export function takeRestoredLedger(prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, bySource] of restored) {
    if (!k.startsWith(prefix)) continue;
    let best = 0;
    for (const v of bySource.values()) if (Math.abs(v) > Math.abs(best)) best = v;
    if (best !== 0) out.set(k, best);
    restored.delete(k);
  }
  return out;
}
