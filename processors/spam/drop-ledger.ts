/**
 * The spam processor's drop ledger: counts it credited but has not yet summarised,
 * made as durable as the batches they came with (collector/queue/batch-ledger.ts),
 * so that a collector killed with kill -9 loses none of them.
 *
 * Contract: every drop the processor credits (records of an AUTO-muted key it
 * dropped, SDK drop reports it attributed) is a +n delta of the key's counter in
 * the ledger of the very batch whose acceptance makes the drop final; every
 * summary record is a -n delta in the ledger of the summary batch. A durable queue
 * (the clickhouse exporter's write-ahead log) stores the deltas with the batch it
 * acknowledges, so after a crash its totals are exactly what was acknowledged and
 * not summarised; the next processor of the same id summarises them at start
 * ('recovered') with the opposite deltas. Counters are per key (not per mute): a
 * drop credited after its mute ended is summarised by the key's next summary.
 *
 * A counter's name: spam \0 <processor id> \0 <sdk|collector> \0 JSON [service,
 * instance, kind, template id (decimal), function].
 */
import type { SpamKey } from './balancer';
import type { SuppressionRow } from '../../collector/storage/suppression-store';

export type DropSource = 'sdk' | 'collector';

/** What a summary needs to name a key. */
export interface KeyIdentity {
  service: string;
  instance: string;
  kind: 'template' | 'function';
  templateId: bigint;
  fn: string;
}

export function identityOf(k: SpamKey): KeyIdentity {
  return { service: k.service.name, instance: k.service.instance, kind: k.kind, templateId: k.templateId, fn: k.fn };
}

export function ledgerPrefix(processorId: string): string {
  return `spam\u0000${processorId}\u0000`;
}

export function ledgerName(processorId: string, source: DropSource, id: KeyIdentity): string {
  return `${ledgerPrefix(processorId)}${source}\u0000${JSON.stringify([id.service, id.instance, id.kind, id.templateId.toString(), id.fn])}`;
}

/** The source and key of a counter name of `processorId`, or undefined when it is not one. */
export function parseLedgerName(processorId: string, name: string): { source: DropSource; id: KeyIdentity } | undefined {
  const prefix = ledgerPrefix(processorId);
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const cut = rest.indexOf('\u0000');
  const source = rest.slice(0, cut);
  if (source !== 'sdk' && source !== 'collector') return undefined;
  try {
    const [service, instance, kind, templateId, fn] = JSON.parse(rest.slice(cut + 1)) as unknown[];
    if (typeof service !== 'string' || typeof instance !== 'string' || (kind !== 'template' && kind !== 'function') || typeof templateId !== 'string' || typeof fn !== 'string') return undefined;
    if (!/^\d{1,20}$/.test(templateId)) return undefined;
    return { source, id: { service, instance, kind, templateId: BigInt(templateId), fn } };
  } catch {
    return undefined;
  }
}

/** Deltas of one batch, built up per key and source. */
export class LedgerDeltasBuilder {
  readonly deltas = new Map<string, number>();
  constructor(private readonly processorId: string) {}

  add(k: SpamKey | KeyIdentity, source: DropSource, n: number): void {
    if (n === 0) return;
    const name = ledgerName(this.processorId, source, 'target' in k ? identityOf(k) : k);
    this.deltas.set(name, (this.deltas.get(name) ?? 0) + n);
  }

  get size(): number {
    return this.deltas.size;
  }
}

/**
 * A summary's log_suppression row waiting to be written: counter +1 in the ledger of
 * the summary batch, -1 in a ledger-only batch once the row is written; a restarted
 * processor writes the rows still at 1 again (same EventId: the table collapses a
 * row written twice), so a kill -9 between a summary and its row loses no row.
 */
export function rowLedgerName(processorId: string, row: SuppressionRow): string {
  const fields = Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v]);
  return `${ledgerPrefix(processorId)}row\u0000${JSON.stringify(Object.fromEntries(fields))}`;
}

const BIGINT_FIELDS = new Set(['templateId', 'eventId']);
const NUMBER_FIELDS = new Set(['timeMs', 'suppressed', 'sdkDropped', 'collectorDropped', 'windowStartMs', 'mutedSinceMs', 'rate', 'baselineRate', 'zScore', 'entropy']);

/** The row of a counter made by rowLedgerName, or undefined when the name is not one. */
export function parseRowLedgerName(processorId: string, name: string): SuppressionRow | undefined {
  const prefix = `${ledgerPrefix(processorId)}row\u0000`;
  if (!name.startsWith(prefix)) return undefined;
  try {
    const o = JSON.parse(name.slice(prefix.length)) as Record<string, unknown>;
    for (const k of BIGINT_FIELDS) {
      const v = o[k];
      if (typeof v !== 'string' || !/^\d{1,20}n$/.test(v)) return undefined;
      o[k] = BigInt(v.slice(0, -1));
    }
    for (const k of NUMBER_FIELDS) {
      const v = o[k];
      o[k] = typeof v === 'string' ? Number(v) : v;
      if (typeof o[k] !== 'number') return undefined;
    }
    if (typeof o.service !== 'string' || typeof o.action !== 'string' || (o.kind !== 'template' && o.kind !== 'function')) return undefined;
    return o as unknown as SuppressionRow;
  } catch {
    return undefined;
  }
}
