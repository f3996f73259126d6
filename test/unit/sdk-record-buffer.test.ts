/**
 * RecordBuffer windows against a straightforward model: `take` (O(1) byte sums
 * by subtraction, binary search at the byte bound) must pick exactly the
 * records a record-by-record scan picks, across wrap-around, releases and
 * rewinds; freed slots hold no references.
 */
import { RecordBuffer, type BufferWindow } from '../../sdk/record-buffer';

/** Deterministic pseudo-random numbers (xorshift32). */
function random(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

describe('RecordBuffer', () => {
  it('takes the same windows as a record-by-record scan (count and byte bounds, wrap-around, release, rewind)', () => {
    // Plain comparisons in the loop (expect() per step would dominate the run time).
    const fail = (what: string) => {
      throw new Error(what);
    };
    let takes = 0;
    for (let t = 0; t < 200; t++) {
      const rnd = random(t + 1);
      const capacity = 1 + rnd(40);
      const buffer = new RecordBuffer(capacity, 1e9);
      let held: number[] = [];
      let inFlight: BufferWindow[] = [];
      for (let step = 0; step < 300; step++) {
        const op = rnd(4);
        if (op <= 1) {
          const size = 1 + rnd(100);
          const slot = buffer.append(size);
          if (slot >= 0) held.push(size);
          else if (held.length !== capacity) fail(`append refused below capacity (${held.length} of ${capacity})`);
        } else if (op === 2) {
          const maxCount = 1 + rnd(20);
          const maxBytes = rnd(400);
          const start = inFlight.reduce((a, w) => a + w.count, 0);
          const window = buffer.take(maxCount, maxBytes);
          if (start === held.length) {
            if (window !== undefined) fail('take() with nothing pending returned a window');
            continue;
          }
          let count = 0;
          let bytes = 0;
          while (start + count < held.length && count < maxCount) {
            const size = held[start + count];
            if (count > 0 && bytes + size > maxBytes) break;
            bytes += size;
            count++;
          }
          if (window === undefined || window.count !== count || window.bytes !== bytes) {
            fail(`trial ${t}: take(${maxCount}, ${maxBytes}) gave ${window?.count}/${window?.bytes}, the scan ${count}/${bytes}`);
          }
          inFlight.push(window!);
          takes++;
        } else if (inFlight.length > 0) {
          if (rnd(4) === 0) {
            buffer.rewind();
            inFlight = [];
          } else {
            const w = inFlight.shift()!;
            buffer.release(w);
            held = held.slice(w.count);
          }
        }
        if (buffer.count !== held.length) fail(`count ${buffer.count}, model ${held.length}`);
        if (buffer.bytes !== held.reduce((a, b) => a + b, 0)) fail(`bytes ${buffer.bytes} differ from the model`);
      }
    }
    expect(takes).toBeGreaterThan(5_000);
  });

  it('frees released slots (no references kept, trace flags reset) and refuses out-of-order releases', () => {
    const buffer = new RecordBuffer(4, 1e6);
    for (let i = 0; i < 3; i++) {
      const slot = buffer.append(10);
      buffer.args[slot] = [i];
      buffer.traceId[slot] = 'abc';
      buffer.traceFlags[slot] = 1;
    }
    const first = buffer.take(2, 1e6)!;
    const second = buffer.take(2, 1e6)!;
    expect(() => buffer.release(second)).toThrow(/released in order/);
    buffer.release(first);
    expect(buffer.args.slice(0, 2)).toEqual([undefined, undefined]);
    expect(buffer.traceId.slice(0, 2)).toEqual([undefined, undefined]);
    expect([...buffer.traceFlags.subarray(0, 2)]).toEqual([0, 0]);
    expect(buffer.args[2]).toEqual([2]);
    expect(buffer.clear()).toBe(1);
    expect(buffer.args[2]).toBeUndefined();
    expect(buffer.traceFlags[2]).toBe(0);
  });
});
