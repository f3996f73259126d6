/**
 * Timestamp parsing for log lines, by hand (no Date.parse on the hot path, no
 * locale): the Common Log Format date, ISO 8601 / RFC 3339 with up to
 * nanosecond fractions, and epoch numbers of any usual unit.
 * All results are UTC; a zone written in the input is applied exactly.
 */

const NS_PER_MS = 1_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Month number (1-12) of a three-letter English abbreviation at s[i..i+3), case-insensitive; 0 if none. */
function monthAt(s: string, i: number): number {
  const key = ((s.charCodeAt(i) | 32) << 16) | ((s.charCodeAt(i + 1) | 32) << 8) | (s.charCodeAt(i + 2) | 32);
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/** Value of `count` decimal digits at s[i..), or -1 if any is not a digit. */
function digitsAt(s: string, i: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const d = s.charCodeAt(i + k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function validClock(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60
  );
}

/**
 * The CLF date `dd/Mon/yyyy:HH:MM:SS +hhmm` in s[start, end) (no brackets), to
 * epoch milliseconds UTC; NaN when it is not one. A `.fff` fraction after the
 * seconds (a common customisation) is accepted to millisecond precision; the
 * zone may be omitted (then UTC).
 */
export function parseClfDate(s: string, start: number, end: number): number {
  let i = start;
  // Day: one or two digits.
  let day = s.charCodeAt(i) - 48;
  if (day < 0 || day > 9) return NaN;
  i++;
  const d2 = s.charCodeAt(i) - 48;
  if (d2 >= 0 && d2 <= 9) {
    day = day * 10 + d2;
    i++;
  }
  if (s.charCodeAt(i) !== 47 /* / */) return NaN;
  const month = monthAt(s, i + 1);
  if (month === 0 || s.charCodeAt(i + 4) !== 47) return NaN;
  const year = digitsAt(s, i + 5, 4);
  i += 9;
  if (year < 0 || s.charCodeAt(i) !== 58 /* : */) return NaN;
  const hour = digitsAt(s, i + 1, 2);
  const minute = s.charCodeAt(i + 3) === 58 ? digitsAt(s, i + 4, 2) : -1;
  const second = s.charCodeAt(i + 6) === 58 ? digitsAt(s, i + 7, 2) : -1;
  i += 9;
  if (hour < 0 || minute < 0 || second < 0 || i > end) return NaN;
  if (!validClock(year, month, day, hour, minute, second)) return NaN;
  let millis = 0;
  if (i < end && s.charCodeAt(i) === 46 /* . */) {
    i++;
    let scale = 100;
    while (i < end) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      millis += d * scale;
      scale /= 10;
      i++;
    }
    millis = Math.floor(millis);
  }
  let offsetMinutes = 0;
  if (i < end) {
    if (s.charCodeAt(i) !== 32) return NaN;
    const sign = s.charCodeAt(i + 1);
    if (sign !== 43 && sign !== 45) return NaN;
    const hh = digitsAt(s, i + 2, 2);
    // Both "+0100" and "+01:00" occur in the wild.
    const colon = s.charCodeAt(i + 4) === 58 ? 1 : 0;
    const mm = digitsAt(s, i + 4 + colon, 2);
    if (hh < 0 || mm < 0 || hh > 23 || mm > 59 || i + 6 + colon !== end) return NaN;
    offsetMinutes = (sign === 45 ? -1 : 1) * (hh * 60 + mm);
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis;
}

/**
 * ISO 8601 / RFC 3339 date-time to epoch nanoseconds: `YYYY-MM-DD[T ]HH:MM[:SS[.f{1,9}]][Z|±HH[:]MM]`,
 * or a bare date `YYYY-MM-DD`. Without a zone the time is taken as UTC.
 * Returns undefined when the text is not such a date-time.
 */
export function parseIso8601Nanos(s: string): bigint | undefined {
  const n = s.length;
  if (n < 10) return undefined;
  const year = digitsAt(s, 0, 4);
  const month = s.charCodeAt(4) === 45 ? digitsAt(s, 5, 2) : -1;
  const day = s.charCodeAt(7) === 45 ? digitsAt(s, 8, 2) : -1;
  if (year < 0 || month < 0 || day < 0) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let fractionNanos = 0;
  let offsetMinutes = 0;
  let i = 10;
  if (i < n) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 116 && sep !== 32) return undefined; // T, t, space
    hour = digitsAt(s, i + 1, 2);
    minute = s.charCodeAt(i + 3) === 58 ? digitsAt(s, i + 4, 2) : -1;
    if (hour < 0 || minute < 0) return undefined;
    i += 6;
    if (i < n && s.charCodeAt(i) === 58) {
      second = digitsAt(s, i + 1, 2);
      if (second < 0) return undefined;
      i += 3;
      if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        i++;
        let digits = 0;
        while (i < n) {
          const d = s.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          if (digits < 9) {
            fractionNanos = fractionNanos * 10 + d;
            digits++;
          }
          i++;
        }
        if (digits === 0) return undefined;
        for (; digits < 9; digits++) fractionNanos *= 10;
      }
    }
    if (i < n) {
      const z = s.charCodeAt(i);
      if ((z === 90 || z === 122) && i + 1 === n) {
        i++;
      } else if (z === 43 || z === 45) {
        const hh = digitsAt(s, i + 1, 2);
        const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
        const mm = i + 3 === n ? 0 : digitsAt(s, i + 3 + colon, 2);
        if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return undefined;
        if (i + 3 !== n && i + 5 + colon !== n) return undefined;
        offsetMinutes = (z === 45 ? -1 : 1) * (hh * 60 + mm);
        i = n;
      } else {
        return undefined;
      }
    }
  }
  if (!validClock(year, month, day, hour, minute, second)) return undefined;
  const seconds = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second;
  return BigInt(seconds) * 1_000_000_000n + BigInt(fractionNanos);
}

/**
 * An epoch number of unknown unit to nanoseconds, by magnitude (the convention
 * of log shippers): < 1e11 seconds (fractions kept to the microsecond), < 1e14
 * milliseconds, < 1e17 microseconds, else nanoseconds. Undefined for negative
 * or non-finite numbers.
 */
export function epochNumberToNanos(v: number): bigint | undefined {
  if (!Number.isFinite(v) || v < 0) return undefined;
  if (v < 1e11) return BigInt(Math.round(v * 1e6)) * 1000n;
  if (v < 1e14) return BigInt(Math.round(v * 1e3)) * 1000n;
  if (v < 1e17) return BigInt(Math.round(v)) * 1000n;
  return BigInt(Math.round(v));
}

/** Integer epoch milliseconds to nanoseconds. */
export function millisToNanos(ms: number): bigint {
  return BigInt(ms) * NS_PER_MS;
}
