/**
 * NativeWriter's hand-written byte stores agree with Node's own encoders at the
 * edges: uint64n at 32-bit and 53-bit boundaries, raw() below and above the
 * length where it stops copying in a loop, copyOut() as an independent copy.
 */
import { NativeWriter, encodedString } from '../../collector/storage/native-block';

describe('NativeWriter', () => {
  test('uint64n writes the same bytes as writeBigUInt64LE for numbers below 2^53', () => {
    const values = [0, 1, 255, 256, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0001, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER];
    const w = new NativeWriter(8);
    for (const v of values) w.uint64n(v);
    const expected = Buffer.alloc(8 * values.length);
    values.forEach((v, i) => expected.writeBigUInt64LE(BigInt(v), 8 * i));
    expect(w.copyOut()).toEqual(expected);
  });

  test('raw copies short and long values exactly, across buffer growth', () => {
    const w = new NativeWriter(4);
    const parts = [Buffer.from([1, 2, 3]), Buffer.alloc(31, 7), Buffer.alloc(32, 8), Buffer.alloc(33, 9), Buffer.alloc(1000, 5)];
    for (const p of parts) w.raw(p);
    expect(w.copyOut()).toEqual(Buffer.concat(parts));
  });

  test('repeat writes a value n times, as n raw writes would, across buffer growth', () => {
    for (const value of [Buffer.from([42]), Buffer.from('abc'), Buffer.alloc(33, 3).fill(4, 10), Buffer.alloc(300, 6)]) {
      for (const times of [0, 1, 2, 3, 17, 1000]) {
        const repeated = new NativeWriter(4);
        const raw = new NativeWriter(4);
        repeated.u8(1);
        raw.u8(1);
        repeated.repeat(value, times);
        for (let k = 0; k < times; k++) raw.raw(value);
        repeated.u8(2);
        raw.u8(2);
        expect(repeated.copyOut().equals(raw.copyOut())).toBe(true);
      }
    }
  });

  test('copyOut is a copy: later writes to the writer leave it unchanged', () => {
    const w = new NativeWriter(16);
    w.string('kestrel');
    const out = w.copyOut();
    w.reset();
    w.string('marrow!');
    expect(out).toEqual(encodedString('kestrel'));
    expect(w.copyOut(1).toString()).toBe('marrow!');
  });
});
