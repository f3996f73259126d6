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

test('string writes a varint byte length and the UTF-8 bytes, for every length and encoding path', () => {
  const samples = ['', 'INFO', 'é', 'abcdefghijklmnop', 'abcdefghijklmnoé', 'abcdefghijklmnopq', '日本語', 'x'.repeat(42), 'ü'.repeat(42), 'x'.repeat(127), 'x'.repeat(128), 'y'.repeat(70000)];
  const w = new BinaryWriter(2);
  for (const s of samples) w.string(s);
  const bytes = w.view();
  let at = 0;
  for (const s of samples) {
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      length |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    expect(bytes.subarray(at, at + length).toString('utf8')).toBe(s);
    at += length;
  }
  expect(at).toBe(bytes.length);
});

test('stringParts writes what string() writes for the rendered text, whatever its length', () => {
  const cases: [string[], string[]][] = [
    [[''], []],
    [['plain'], []],
    [['user ', ' logged in from ', ''], ['ann', '10.0.0.1']],
    [['é', 'ü'], ['日本']],
    [['x'.repeat(100), 'y'.repeat(27)], ['z']], // 128 bytes: a two-byte length
    [['a'.repeat(40), ''], ['€'.repeat(30)]],
    [['k'.repeat(20000), 'm'.repeat(50000)], ['n'.repeat(100)]], // three-byte length
  ];
  for (const [parts, args] of cases) {
    const viaParts = new BinaryWriter(1);
    const viaString = new BinaryWriter(1);
    viaParts.u8(7);
    viaString.u8(7);
    viaParts.stringParts(parts, args);
    viaString.string(parts[0] + args.map((a, k) => a + parts[k + 1]).join(''));
    viaParts.u8(9);
    viaString.u8(9);
    expect(viaParts.view()).toEqual(viaString.view());
  }
});
