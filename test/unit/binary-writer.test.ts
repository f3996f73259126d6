/** collector/bytes/binary-writer.ts: 64-bit values written and read as Buffer's own methods do, for every edge. */
import { BinaryWriter, readUint64LE, writeUint64LE } from '../../collector/bytes/binary-writer';

const EDGES = [0n, 1n, 255n, 256n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, -1n, -(2n ** 63n), 1_700_000_000_123_456_789n];

test('writeUint64LE writes the bytes of Buffer#writeBigUInt64LE(v mod 2^64), at any offset', () => {
  for (const v of EDGES) {
    for (const offset of [0, 3]) {
      const ours = Buffer.alloc(12);
      const theirs = Buffer.alloc(12);
      writeUint64LE(ours, offset, v);
      theirs.writeBigUInt64LE(BigInt.asUintN(64, v), offset);
      expect(ours).toEqual(theirs);
      expect(readUint64LE(ours, offset)).toBe(BigInt.asUintN(64, v));
    }
  }
});

test('u64 and i64 append the same bits; the buffer grows as needed', () => {
  const w = new BinaryWriter(4);
  for (const v of EDGES) w.u64(v);
  for (const v of EDGES) w.i64(v);
  const bytes = w.view();
  expect(bytes.length).toBe(16 * EDGES.length);
  EDGES.forEach((v, k) => {
    expect(bytes.readBigUInt64LE(8 * k)).toBe(BigInt.asUintN(64, v));
    expect(bytes.readBigInt64LE(8 * (EDGES.length + k))).toBe(BigInt.asIntN(64, v));
  });
});
