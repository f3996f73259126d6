/**
 * NativeWriter's hand-written byte stores agree with Node's own encoders at the
 * edges: uint64n at 32-bit and 53-bit boundaries, raw() below and above the
 * length where it stops copying in a loop, copyOut() as an independent copy,
 * uint64Steps as uint64n one by one, copyWritten and repeatLast after the buffer grew.
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

  test('arg and stringParts write a number argument as string() writes String(n), digits straight from the number', () => {
    const numbers = [0, -0, 1, -1, 9, 10, 99, 100, 101, 12345, -987654, 999_999_999, 1e9, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 1e10 - 1, -(2 ** 32) - 1, 10 ** 15, 10 ** 15 - 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 1000; i++) numbers.push(Math.floor((Math.random() - 0.5) * 2 ** (i % 54)));
    for (let d = 1; d <= 16; d++) numbers.push(10 ** (d - 1), 10 ** d - 1, -(10 ** (d - 1)), -(10 ** d - 1)); // both ends of every digit count
    const odd = [1.5, -0.25, 1e21, 2 ** 53, NaN, Infinity, 1e-7]; // not safe integers: through their text
    const args: (string | number)[] = [...numbers, ...odd, 'text', 'ünï', ''];
    const fast = new NativeWriter(4);
    const plain = new NativeWriter(4);
    for (const a of args) {
      fast.arg(a);
      plain.string(String(a));
    }
    expect(fast.copyOut()).toEqual(plain.copyOut());

    const parts = ['order ', ' of ', ' done'];
    const rendered = new NativeWriter(4);
    const built = new NativeWriter(4);
    for (let k = 0; k + 1 < args.length; k++) {
      const pair = [args[k], args[k + 1]];
      rendered.stringParts(parts, pair);
      built.string(parts[0] + pair[0] + parts[1] + pair[1] + parts[2]);
    }
    rendered.stringParts(['x'.repeat(200), ''], [Number.MIN_SAFE_INTEGER]); // a length of two bytes
    built.string('x'.repeat(200) + Number.MIN_SAFE_INTEGER);
    expect(rendered.copyOut()).toEqual(built.copyOut());
  });

  test('stringParts writes parts of any length and script as string() writes the rendered text, one parts array used again and again', () => {
    // Parts are copied from their UTF-8 bytes made once per parts array: short and long
    // (above the byte loop's 32), multi-byte, a lone surrogate (U+FFFD, as string() writes it), empty.
    const templates: string[][] = [
      ['', ''],
      ['a', 'bc', ''],
      ['x'.repeat(31), 'y'.repeat(32), 'z'.repeat(33)],
      ['ünïcødé ', ' 日本語のテキスト '.repeat(3), ' 🎉'],
      ['lone \ud800 surrogate ', ' and \udfff'],
      ['long part ' + 'é'.repeat(100), ''],
    ];
    const rendered = new NativeWriter(4);
    const built = new NativeWriter(4);
    for (let round = 0; round < 3; round++) {
      for (const parts of templates) {
        const args = parts.slice(1).map((_, a) => (a % 2 === 0 ? round * 1000 + a : `arg ${a} ü`));
        rendered.stringParts(parts, args);
        let text = parts[0];
        for (let a = 0; a < args.length; a++) text += args[a] + parts[a + 1];
        built.string(text);
      }
    }
    expect(rendered.copyOut()).toEqual(built.copyOut());
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

  test('uint64Steps writes the offsets uint64n writes one by one, across 2^32 too', () => {
    for (const [from, step, n] of [
      [0, 3, 5],
      [7, 0, 4],
      [0xffff_fff0, 4, 8], // passes 2^32 within the run
      [2 ** 40, 1, 3],
      [5, 2, 0],
    ]) {
      const steps = new NativeWriter(4);
      const single = new NativeWriter(4);
      steps.u8(9);
      single.u8(9);
      steps.uint64Steps(from, step, n);
      for (let k = 1; k <= n; k++) single.uint64n(from + step * k);
      expect(steps.copyOut()).toEqual(single.copyOut());
    }
  });

  test('repeatLast writes the last bytes again as many times as asked, short and long, across growth', () => {
    for (const n of [1, 5, 32, 33, 300]) {
      for (const more of [0, 1, 2, 7, 100]) {
        const w = new NativeWriter(4);
        const expected = new NativeWriter(4);
        const value = Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff));
        w.u8(42);
        expected.u8(42);
        w.raw(value);
        w.repeatLast(n, more);
        for (let k = 0; k <= more; k++) expected.raw(value);
        expect(w.copyOut()).toEqual(expected.copyOut());
      }
    }
  });

  test('copyWritten repeats earlier bytes at the end, also after the buffer grew', () => {
    const w = new NativeWriter(8);
    w.u8(1);
    w.uint64Steps(0, 2, 3);
    const end = w.pos;
    w.string('x'.repeat(100)); // grows the buffer
    w.copyWritten(1, end);
    const out = w.copyOut();
    expect(out.subarray(out.length - (end - 1))).toEqual(out.subarray(1, end));
    expect(out.length).toBe(end + 101 + (end - 1));
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
