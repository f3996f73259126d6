import { randomBytes } from 'crypto';
import { maxStoredTime, millisAt, splitNanoWords, storedWords, timeColumn, wordsOf } from '../../collector/pipeline/time-column';

test('splitNanoWords gives ts / 10^9 and ts % 10^9 exactly over the whole unsigned 64-bit range', () => {
  const NS = 1_000_000_000n;
  const values = [0n, 1n, NS - 1n, NS, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, 1_700_000_000_123_456_789n, (1n << 64n) - NS, (1n << 64n) - 1n];
  for (let i = 0; i < 20_000; i++) values.push(randomBytes(8).readBigUInt64LE(0) >> BigInt(i % 40));
  for (let i = 0; i < 2_000; i++) values.push(BigInt(i) * NS + [0n, NS - 1n, 1n][i % 3]);
  for (const ts of values) {
    const { seconds, nanos } = splitNanoWords(Number(ts >> 32n), Number(ts & 0xffffffffn));
    expect([BigInt(seconds), BigInt(nanos)]).toEqual([ts / NS, ts % NS]);
  }
});

test('a time column holds unsigned 64-bit values; millisAt and storedWords read them without bigints, exactly', () => {
  const values = [0n, 1n, 999_999n, 1_000_000n, 1_700_000_000_123_456_789n, (1n << 64n) - 1n];
  for (let i = 0; i < 2_000; i++) values.push(randomBytes(8).readBigUInt64LE(0) >> BigInt(i % 64));
  const col = timeColumn(values.length);
  values.forEach((v, i) => (col[i] = v));
  const words = wordsOf(col);
  values.forEach((v, i) => expect(millisAt(words, i)).toBe(Number(v / 1_000_000n)));
  col[0] = -1n; // written modulo 2^64, as the time guard reports an original
  expect(col[0]).toBe((1n << 64n) - 1n);

  const times = timeColumn(2);
  const observed = timeColumn(2);
  times[1] = 5n;
  observed[0] = 7n;
  observed[1] = 9n;
  const [t, o] = [wordsOf(times), wordsOf(observed)];
  expect(storedWords(t, o, 0)).toBe(o); // time 0: the observed time is stored
  expect(storedWords(t, o, 1)).toBe(t);
});

test('maxStoredTime: the latest stored time (observed where time is 0) of the first n records', () => {
  const times = timeColumn(5);
  const observed = timeColumn(5);
  [[3n, 9n], [0n, (1n << 40n) + 1n], [(1n << 40n), 0n], [(1n << 64n) - 1n, 0n]].forEach(([t, o], i) => {
    times[i] = t;
    observed[i] = o;
  });
  expect(maxStoredTime(times, observed, 0)).toBe(0n);
  expect(maxStoredTime(times, observed, 1)).toBe(3n);
  expect(maxStoredTime(times, observed, 3)).toBe((1n << 40n) + 1n);
  expect(maxStoredTime(times, observed, 5)).toBe((1n << 64n) - 1n);
});
