/**
 * What the live tail draws of its records (pure, unit-tested):
 *
 *  - rows in time order: records of several services arrive in the order their
 *    batches reached the collector, so within what the page holds each new
 *    record is inserted where its time belongs (ties keep arrival order);
 *  - the Time column's text: date and time to the millisecond, which fits the
 *    column (the full nanosecond time is the cell's tooltip).
 */

export interface TimedRecord {
  /** Nanoseconds since the epoch, as a decimal string without leading zeros. */
  timeNs: string;
}

/** Compares two decimal nanosecond strings numerically. */
export function compareTimeNs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * `records` (in time order) with `incoming` inserted in time order; returns the
 * array (`records` itself, modified). In-order arrivals are appended; late ones go
 * after the last record not later than them.
 */
export function insertInTimeOrder<T extends TimedRecord>(records: T[], incoming: readonly T[]): T[] {
  for (const r of incoming) {
    const n = records.length;
    if (n === 0 || compareTimeNs(records[n - 1].timeNs, r.timeNs) <= 0) {
      records.push(r);
      continue;
    }
    // First position whose time is later than r (so equal times keep arrival order).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareTimeNs(records[mid].timeNs, r.timeNs) <= 0) lo = mid + 1;
      else hi = mid;
    }
    records.splice(lo, 0, r);
  }
  return records;
}

/** "2026-12-06T18:54:39.292735123Z" → "2026-12-06 18:54:39.292" (UTC, as the column's header says). */
export function tailTimeText(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1').replace(/Z$/, '');
}
