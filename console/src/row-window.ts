/**
 * Windowing arithmetic for a long list of fixed-height rows (the live tail): only
 * the rows in view (plus a margin) are in the DOM, spacers stand in for the rest,
 * so the DOM — and the cost of every layout — stays bounded however many rows the
 * list holds. Pure (no DOM), so it is unit-tested on its own.
 */

export interface RowWindow {
  /** Index of the first row to render. */
  first: number;
  /** One past the last row to render. */
  end: number;
  /** Height in px of the spacer standing in for rows [0, first). */
  topPx: number;
  /** Height in px of the spacer standing in for rows [end, total). */
  bottomPx: number;
}

/**
 * The rows to render for a viewport scrolled to `scrollTop` (px from the top of
 * the first row) and `viewportPx` high, over `total` rows of `rowPx` each, with
 * `overscan` extra rows above and below. Never more than
 * ceil(viewportPx / rowPx) + 2 * overscan + 1 rows, whatever `total` is.
 */
export function rowWindow(total: number, rowPx: number, scrollTop: number, viewportPx: number, overscan = 20): RowWindow {
  if (total <= 0 || !(rowPx > 0)) return { first: 0, end: 0, topPx: 0, bottomPx: 0 };
  const visible = Math.ceil(Math.max(0, viewportPx) / rowPx) + 1;
  const top = Math.min(total, Math.max(0, Math.floor(Math.max(0, scrollTop) / rowPx)));
  let first = Math.max(0, top - overscan);
  const end = Math.min(total, top + visible + overscan);
  // Scrolled past the end (the list just shrank): still show the last screenful.
  if (end - first < Math.min(total, visible)) first = Math.max(0, end - visible - overscan);
  return { first, end, topPx: first * rowPx, bottomPx: (total - end) * rowPx };
}

/**
 * What the tail shows while it replays: how many records so far and how far the
 * replay got through its time range [sinceMs, untilMs] (by the newest replayed
 * record's time: the replay is oldest first, so this is its progress).
 */
export function replayProgress(replayed: number, lastMs: number | undefined, sinceMs: number, untilMs: number): { percent: number; text: string } {
  const span = untilMs - sinceMs;
  const done = lastMs === undefined ? 0 : span > 0 ? (lastMs - sinceMs) / span : 1;
  const percent = Math.max(0, Math.min(100, Math.floor(done * 100)));
  const at = lastMs === undefined ? '' : ` · up to ${new Date(lastMs).toISOString().slice(11, 19)}`;
  return { percent, text: `replaying ${replayed.toLocaleString('en-US')} records${at} of ${new Date(untilMs).toISOString().slice(11, 19)} UTC (${percent}%)` };
}
