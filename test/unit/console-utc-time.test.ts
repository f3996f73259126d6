/** One time format on every console page: 24-hour UTC, read back as UTC (console/src/utc-time.ts). */
import { parseUtcInput, utcClock, utcInputValue, utcRangeText, utcText } from '../../console/src/utc-time';

const T = Date.UTC(2026, 11, 6, 17, 54, 16, 292);

test('times are shown in 24-hour UTC, never "5:54:16 PM"', () => {
  expect(utcText(T)).toBe('2026-12-06 17:54:16');
  expect(utcText(T, true)).toBe('2026-12-06 17:54:16.292');
  expect(utcClock(T)).toBe('17:54:16');
  expect(utcRangeText(T - 3_600_000, T)).toBe('2026-12-06 16:54:16 – 17:54:16 UTC');
  expect(utcRangeText(T - 86_400_000, T)).toBe('2026-12-05 17:54:16 – 2026-12-06 17:54:16 UTC');
});

test('inputs read the same text back as UTC, and a zone when one is given', () => {
  expect(parseUtcInput(utcText(T))).toBe('2026-12-06T17:54:16.000Z');
  expect(parseUtcInput('2026-12-06 17:54')).toBe('2026-12-06T17:54:00.000Z');
  expect(parseUtcInput('2026-12-06')).toBe('2026-12-06T00:00:00.000Z');
  expect(parseUtcInput('2026-12-06T18:54:16+01:00')).toBe('2026-12-06T17:54:16.000Z');
  expect(parseUtcInput('')).toBe('');
  expect(parseUtcInput('yesterday')).toBeUndefined();
  expect(utcInputValue(String(T))).toBe('2026-12-06 17:54:16');
  expect(utcInputValue('2026-12-06T17:54:16Z')).toBe('2026-12-06 17:54:16');
  expect(utcInputValue('nonsense')).toBe('');
});
