import { randomBytes } from 'crypto';
import { splitNanoWords } from '../../collector/storage/time-split';

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
