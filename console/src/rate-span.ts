/**
 * The label of the HTTP statistics "Requests/s" card: the card averages over the
 * span that has data (the API's rateSpanMs), which is shorter than the selected
 * range when the collector ran only part of it — the label says which span.
 */

/** A span as the card shows it: "45 s", "14 min", "2.5 h", "3 d". */
export function spanText(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  const m = s / 60;
  if (m < 90) return `${Math.round(m)} min`;
  const h = m / 60;
  if (h < 36) return `${Number(h.toFixed(h < 10 ? 1 : 0))} h`;
  return `${Number((h / 24).toFixed(1))} d`;
}

/** "Requests/s (avg of range)" when data covers the range, else "Requests/s (avg of 14 min with data)". */
export function rateLabel(rateSpanMs: number, rangeMs: number): string {
  if (rateSpanMs <= 0) return 'Requests/s';
  if (rateSpanMs >= rangeMs) return 'Requests/s (avg of range)';
  return `Requests/s (avg of ${spanText(rateSpanMs)} with data)`;
}
