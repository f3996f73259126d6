/**
 * A small time-series line chart on a canvas (no dependencies): a few series over a
 * shared time axis, y from 0 to a rounded maximum, grid lines at nice ticks with
 * distinct labels (ticks.ts; also in the canvas's data-y-labels, |-separated, for tests and
 * assistive tools). Redraws fully on every update (a few hundred points). A
 * value that is not a finite number (NaN, null) is a gap: the line stops there
 * and starts again after it.
 */
import { utcClock } from './utc-time.js';
import { axisTicks } from './ticks.js';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

export interface ChartOptions {
  /** Appended to the y-axis labels, e.g. " ms". */
  unit?: string;
  /** Shown when there are fewer than two points (default "collecting samples…"). */
  emptyText?: string;
}

export class LineChart {
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('canvas 2d context unavailable');
    this.ctx = ctx;
  }

  draw(times: number[], series: Series[], options: ChartOptions = {}): void {
    const dpr = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth || 600;
    const h = this.canvas.clientHeight || 220;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const left = 56;
    const right = 12;
    const top = 22;
    const bottom = 22;
    const pw = w - left - right;
    const ph = h - top - bottom;
    const ticks = axisTicks(Math.max(0, ...series.flatMap((s) => s.values).filter((v) => Number.isFinite(v))), 4, options.unit ?? '');
    const max = ticks.max;
    this.canvas.setAttribute('data-y-labels', ticks.labels.join('|'));
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#e5e7eb';
    ctx.fillStyle = '#6b7280';
    ctx.lineWidth = 1;
    ticks.values.forEach((v, i) => {
      const y = top + ph - (ph * v) / max;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + pw, y);
      ctx.stroke();
      ctx.fillText(ticks.labels[i], 4, y + 4);
    });
    if (times.length > 1) {
      const t0 = times[0];
      const t1 = times[times.length - 1];
      const span = Math.max(1, t1 - t0);
      ctx.fillText(utcClock(t0), left, h - 6);
      const endLabel = `${utcClock(t1)} UTC`;
      ctx.fillText(endLabel, left + pw - ctx.measureText(endLabel).width, h - 6);
      for (const s of series) {
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        let penDown = false;
        s.values.forEach((v, i) => {
          if (v === null || !Number.isFinite(v)) {
            penDown = false;
            return;
          }
          const x = left + ((times[i] - t0) / span) * pw;
          const y = top + ph - (Math.max(0, v) / max) * ph;
          if (!penDown) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
          penDown = true;
        });
        ctx.stroke();
        // A point with gaps on both sides has no line: mark it with a dot.
        ctx.fillStyle = s.color;
        const finite = (j: number) => j >= 0 && j < s.values.length && s.values[j] !== null && Number.isFinite(s.values[j]);
        s.values.forEach((v, i) => {
          if (!finite(i) || finite(i - 1) || finite(i + 1)) return;
          ctx.beginPath();
          ctx.arc(left + ((times[i] - t0) / span) * pw, top + ph - (Math.max(0, v) / max) * ph, 2.5, 0, 2 * Math.PI);
          ctx.fill();
        });
      }
    } else {
      ctx.fillText(options.emptyText ?? 'collecting samples…', left + 8, top + ph / 2);
    }
    let x = left;
    for (const s of series) {
      ctx.fillStyle = s.color;
      ctx.fillRect(x, 6, 10, 10);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(s.label, x + 14, 15);
      x += 24 + ctx.measureText(s.label).width;
    }
  }
}
