/**
 * The live tail's row windowing (console/src/row-window.ts): however many rows
 * the list holds, only a screenful plus the overscan is rendered, the spacers
 * make up the rest of the height exactly, and the replay progress text.
 */
import { replayProgress, rowWindow } from '../../console/src/row-window';

describe('rowWindow', () => {
  test('renders a bounded window whatever the total, with spacers for the rest', () => {
    for (const total of [0, 1, 30, 5000, 1_000_000]) {
      for (const scrollTop of [0, 1234, total * 24, total * 24 + 5000]) {
        const w = rowWindow(total, 24, scrollTop, 600, 20);
        expect(w.end - w.first).toBeLessThanOrEqual(Math.ceil(600 / 24) + 1 + 2 * 20);
        expect(w.first).toBeGreaterThanOrEqual(0);
        expect(w.end).toBeLessThanOrEqual(total);
        expect(w.topPx + (w.end - w.first) * 24 + w.bottomPx).toBe(total * 24);
      }
    }
  });

  test('the rows in view are rendered', () => {
    const w = rowWindow(5000, 20, 20 * 1000, 400, 10);
    expect(w.first).toBe(990);
    expect(w.end).toBe(1000 + 21 + 10);
  });

  test('a few rows are all rendered; scrolled past the end still shows the last screenful', () => {
    expect(rowWindow(8, 24, 0, 600)).toEqual({ first: 0, end: 8, topPx: 0, bottomPx: 0 });
    const w = rowWindow(100, 24, 100_000, 240, 5);
    expect(w.end).toBe(100);
    expect(w.end - w.first).toBeGreaterThanOrEqual(11);
  });
});

describe('replayProgress', () => {
  test('counts and how far through the replay range the newest replayed record is', () => {
    const since = Date.parse('2026-01-01T10:00:00Z');
    const until = since + 300_000;
    expect(replayProgress(0, undefined, since, until)).toEqual({ percent: 0, text: 'replaying 0 records of 10:05:00 UTC (0%)' });
    expect(replayProgress(12345, since + 150_000, since, until)).toEqual({ percent: 50, text: 'replaying 12,345 records · up to 10:02:30 of 10:05:00 UTC (50%)' });
    expect(replayProgress(1, until + 5000, since, until).percent).toBe(100);
  });
});
