/**
 * Y-axis ticks for the console's charts: a "nice" step (1, 2 or 5 times a power
 * of ten), an axis top that is a whole number of steps at or above the data's
 * maximum, and labels with just enough decimals for the step, so no two labels
 * read the same (a maximum of 0.1 in quarters printed with one decimal read
 * "0.1 0.1 0.1 0 0", issue 13). Pure (no DOM), unit-tested on its own.
 */

export interface AxisTicks {
  /** The axis top (the largest tick). */
  max: number;
  /** Tick values from 0 up to max. */
  values: number[];
  /** One label per value, all distinct. */
  labels: string[];
}

/** The smallest 1/2/5 × 10^k at or above `v` (v > 0). */
export function niceStep(v: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5]) if (v <= m * p * (1 + 1e-9)) return m * p;
  return 10 * p;
}

/** Ticks from 0 to at least `dataMax` with at most `maxTicks` steps (an empty or zero range gets 0..1). */
export function axisTicks(dataMax: number, maxTicks = 4, unit = ''): AxisTicks {
  const top = Number.isFinite(dataMax) && dataMax > 0 ? dataMax : 1;
  const step = niceStep(top / maxTicks);
  const steps = Math.max(1, Math.ceil(top / step - 1e-9));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  for (let i = 0; i <= steps; i++) values.push(Number((i * step).toFixed(decimals)));
  const labels = values.map((v) => v.toLocaleString('en-US', { minimumFractionDigits: v === 0 ? 0 : decimals, maximumFractionDigits: decimals }) + unit);
  return { max: values[values.length - 1], values, labels };
}
