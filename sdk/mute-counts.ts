/**
 * Counts of records the SDK dropped at the call site because they were muted
 * (a control rule, or the application itself), per (template id, code.function,
 * reason), so the collector learns exactly what was dropped
 * (RecordBatch.muted_counts in proto/logfun/v1/ingest.proto).
 *
 * Hot path (a muted call): the logger has already paid one boolean check
 * (Template.muted / FunctionScope.muted); counting then costs one property read
 * of the site's open tally, two comparisons and one increment. A tally is queued
 * on its 0 -> 1 transition only, so nothing else happens per call.
 *
 * A tally is "open" for one counter (one pipeline) and one mute epoch. The epoch
 * moves whenever what decides a mute may have changed (every control update, every
 * muteFunction / unmuteFunction): the next muted call of a site then opens a new
 * tally with the reason in force now, so no count is ever booked under a reason
 * that did not cause it. Drained tallies of one key are merged into one entry.
 *
 * Exactness: counts leave the counter only into a batch (drain), travel with that
 * batch (acknowledged, resent after a reconnect and de-duplicated with its
 * sequence) and come back (restore) only when the batch was not accepted and its
 * records go out again in other batches.
 */
import type { Template } from './templates';
import type { FunctionScope } from './traced';
import { MUTE_REASON, muteReasonName, type MuteReasonCode } from '../protocol/mute-reasons';

export { MUTE_REASON, muteReasonName, type MuteReasonCode };

/** One entry of RecordBatch.muted_counts. */
export interface MutedCount {
  /** Global template id; 0n when dropped before template resolution (a muted function scope). */
  readonly templateId: bigint;
  /** code.function of the site or scope ('' = unknown). */
  readonly function: string;
  readonly count: number;
  readonly reason: number;
}

export const NO_MUTED_COUNTS: readonly MutedCount[] = Object.freeze([]);

/** Moves whenever mute decisions may have changed (sealing every open tally). */
export const muteEpoch = { value: 0 };

/** Seals every open tally: the next muted call of each site opens a new one with the reason in force then. */
export function bumpMuteEpoch(): void {
  muteEpoch.value++;
}

/** A site's counts under one counter, epoch and reason. */
export class MuteTally {
  count = 0;
  constructor(
    readonly owner: MutedCounter,
    readonly epoch: number,
    readonly templateId: bigint,
    readonly fn: string,
    readonly reason: number,
  ) {}
}

/** What can be muted and counted: a Template (templates.ts) or a FunctionScope (traced.ts). */
export interface MutableSite {
  muteTally: MuteTally | undefined;
}

/** The muted counts of one pipeline. */
export class MutedCounter {
  /** Counts drained so far (the hot path only increments tallies: the total is summed when asked). */
  private drainedTotal = 0;
  /** Muted calls counted without a site (Pipeline.noteMuted). */
  siteless = 0;
  private queue: MuteTally[] = [];
  /** Counts of batches that were not accepted, to go out with the next one. */
  private restored: MutedCount[] = [];

  constructor(
    /** Called when counts become pending after none were (to schedule a flush). */
    private readonly onPending: () => void = () => undefined,
  ) {}

  /**
   * Counts one muted call of a template. `site` is the template the record would
   * have used (inside a traced() scope: the scope's variant, whose code.function is
   * the scope's name); `decidedBy` the registry template whose `muted` was checked
   * (its `mutedReason` says why).
   */
  countTemplate(site: Template, decidedBy: Template): void {
    this.countTemplateFor(site, decidedBy.mutedReason);
  }

  /** Counts one muted call of a template, muted for `reason` (MUTE_REASON). */
  countTemplateFor(site: Template, reason: number): void {
    const t = site.muteTally;
    if (t !== undefined && t.owner === this && t.epoch === muteEpoch.value && t.reason === reason) {
      if (t.count++ === 0) this.enqueue(t);
      return;
    }
    this.open(site, site.id, site.site?.function ?? '', reason);
  }

  /** Counts one call dropped because its traced() scope is muted (before template resolution). */
  countScope(scope: FunctionScope): void {
    const t = scope.muteTally;
    if (t !== undefined && t.owner === this && t.epoch === muteEpoch.value) {
      if (t.count++ === 0) this.enqueue(t);
      return;
    }
    this.open(scope, 0n, scope.name, scope.mutedReason);
  }

  private open(site: MutableSite, templateId: bigint, fn: string, reason: number): void {
    const open = new MuteTally(this, muteEpoch.value, templateId, fn, reason);
    open.count = 1;
    // Another counter's open tally (a second pipeline logging the same site) is only
    // replaced as the site's shortcut: it stays queued there with its counts.
    site.muteTally = open;
    this.enqueue(open);
  }

  private enqueue(t: MuteTally): void {
    if (this.queue.length === 0 && this.restored.length === 0) this.onPending();
    this.queue.push(t);
  }

  get hasPending(): boolean {
    return this.queue.length > 0 || this.restored.length > 0;
  }

  /** Takes every pending count, merged per (template id, function, reason). */
  drain(): readonly MutedCount[] {
    if (!this.hasPending) return NO_MUTED_COUNTS;
    const merged = new Map<string, { templateId: bigint; function: string; count: number; reason: number }>();
    const add = (templateId: bigint, fn: string, reason: number, count: number) => {
      if (count <= 0) return;
      const key = `${templateId}\u0000${reason}\u0000${fn}`;
      const m = merged.get(key);
      if (m !== undefined) m.count += count;
      else merged.set(key, { templateId, function: fn, count, reason });
    };
    for (const r of this.restored) add(r.templateId, r.function, r.reason, r.count);
    for (const t of this.queue) {
      add(t.templateId, t.fn, t.reason, t.count);
      this.drainedTotal += t.count;
      t.count = 0;
    }
    this.restored = [];
    this.queue = [];
    return [...merged.values()];
  }

  /** Gives back the counts of a batch that was not accepted (they go out with the next batch). */
  restore(counts: readonly MutedCount[]): void {
    if (counts.length === 0) return;
    if (!this.hasPending) this.onPending();
    for (const c of counts) this.restored.push(c);
  }

  /** Muted calls counted since creation (LoggerStats.muted). */
  get total(): number {
    let n = this.drainedTotal + this.siteless;
    for (const t of this.queue) n += t.count;
    return n;
  }

  /** Counts pending now (not drained), for diagnostics. */
  pendingTotal(): number {
    let n = 0;
    for (const t of this.queue) n += t.count;
    for (const r of this.restored) n += r.count;
    return n;
  }
}
