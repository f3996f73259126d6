/** The HTTP statistics "Requests/s" card says which span it averages over (console/src/rate-span.ts). */
import { rateLabel, spanText } from '../../console/src/rate-span';

test('the label names the span with data when it is shorter than the range', () => {
  expect(rateLabel(14 * 60_000, 3_600_000)).toBe('Requests/s (avg of 14 min with data)');
  expect(rateLabel(3_600_000, 3_600_000)).toBe('Requests/s (avg of range)');
  expect(rateLabel(0, 3_600_000)).toBe('Requests/s');
  expect(spanText(40_000)).toBe('40 s');
  expect(spanText(3 * 3_600_000)).toBe('3 h');
  expect(spanText(3 * 86_400_000)).toBe('3 d');
});
