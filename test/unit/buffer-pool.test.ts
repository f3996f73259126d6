import { BufferPool } from '../../collector/bytes/buffer-pool';

test('take() reuses the smallest released buffer that fits, else allocates a power of two', () => {
  const pool = new BufferPool(1 << 20);
  const small = pool.take(5000);
  const large = pool.take(100_000);
  expect(small.length).toBe(8192);
  expect(large.length).toBe(131_072);
  pool.release(large);
  pool.release(small);
  expect(pool.take(6000)).toBe(small);
  expect(pool.take(6000)).toBe(large); // the only free one left that fits
  expect(pool.heldBytes).toBe(0);
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
  expect(pool.heldBytes).toBe(16_384);
});
