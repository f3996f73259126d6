/**
 * Times on the console pages: one format everywhere, 24-hour UTC, the same as the
 * tables' "Time (UTC)" columns (the browser's locale gave "5:54:16 PM" local time
 * beside them). Inputs take the same text back, read as UTC.
 */

/** "2026-12-06 17:54:16" (UTC; `withMs` adds ".292"). */
export function utcText(ms: number, withMs = false): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, withMs ? 23 : 19).replace('T', ' ');
}

/** "17:54:16" (UTC): chart axes, where the date is in the range line. */
export function utcClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** "2026-12-06 17:54:16 – 18:54:16 UTC" (the date of the end only when it differs). */
export function utcRangeText(fromMs: number, toMs: number): string {
  const from = utcText(fromMs);
  const to = utcText(toMs);
  return `${from} – ${to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to} UTC`;
}

/** An input's value for a time given in the URL (ISO or epoch ms): utcText, or '' when unreadable. */
export function utcInputValue(v: string | null): string {
  if (!v) return '';
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(t) ? utcText(t) : '';
}

/**
 * The ISO time of an input's text, read as UTC unless it names a zone
 * ("2026-12-06 17:54", "2026-12-06T17:54:16Z", "…+01:00"); '' for ''; undefined when unreadable.
 */
export function parseUtcInput(text: string): string | undefined {
  const s = text.trim();
  if (!s) return '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
