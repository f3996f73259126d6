import { BufferPool } from '../../collector/bytes/buffer-pool';

test('take() reuses the smallest released buffer that fits, else allocates the next size class', () => {
  const pool = new BufferPool(1 << 20);
  const small = pool.take(5000);
  const large = pool.take(100_000);
  expect(small.length).toBe(5120); // 4096 + 1024: classes are quarters of a power of two
  expect(large.length).toBe(114_688); // 65536 + 3 * 16384
  expect(pool.take(100).length).toBe(4096);
  pool.release(large);
  pool.release(small);
  expect(pool.take(5000)).toBe(small);
  expect(pool.take(5000)).toBe(large); // the only free one left that fits
  expect(pool.heldBytes).toBe(0);
});

test('a miss lets go of the largest free buffer, which fits none of the bigger entries', () => {
  const pool = new BufferPool(1 << 20);
  const a = pool.take(5000);
  const b = pool.take(9000);
  pool.release(a);
  pool.release(b);
  const big = pool.take(50_000);
  expect(big.length).toBeGreaterThanOrEqual(50_000);
  expect(pool.heldBuffers).toBe(1);
  expect(pool.take(5000)).toBe(a);
});

test('a buffer released twice is held once (it must never get two owners)', () => {
  const pool = new BufferPool(1 << 20);
  const b = pool.take(10_000);
  pool.release(b);
  pool.release(b);
  expect(pool.heldBytes).toBe(b.length);
  expect(pool.take(10_000)).toBe(b);
  expect(pool.take(10_000)).not.toBe(b);
});

test('free buffers beyond maxBytes are let go', () => {
  const pool = new BufferPool(20_000);
  const a = pool.take(16_000);
  const b = pool.take(16_000);
  pool.release(a);
  pool.release(b);
  expect(pool.heldBuffers).toBe(1);
  expect(pool.heldBytes).toBe(a.length);
});
