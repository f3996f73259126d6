/**
 * Buffers handed back for reuse by an owner that knows when it is done with them.
 *
 * Why: every Buffer above Node's small pool is memory outside the JavaScript heap that
 * V8 counts, and every 64 MiB of it allocated since the last full collection starts
 * another one (marking the whole heap). The collector's write-ahead log path allocated
 * one buffer per log entry held in memory (read back from the log, or kept at append):
 * about 450 bytes per record, hence a full collection every ~150,000 records. Reusing
 * those buffers once the insert that carried them is done takes that away.
 *
 * Contract: whoever takes a buffer owns it until it releases it, and releases it only
 * when nothing can read it any more (no view of it is kept anywhere). Not releasing a
 * buffer is always safe: it is then garbage like any other. The pool keeps at most
 * `maxBytes` of free buffers; a release beyond that lets the buffer go.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * A buffer of at least `size` bytes (contents undefined): the smallest free one that
   * fits, or a new one of the next size class (so a buffer fits entries of similar sizes).
   * Its first `size` bytes are the caller's to fill; release() takes the buffer itself.
   * A miss also lets go of the largest free buffer (too small for this size): when entries
   * grow, the pool does not stay full of buffers that fit none of them.
   */
  take(size: number): Buffer {
    let best = -1;
    let largest = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i].length;
      if (len >= size && (best < 0 || len < this.free[best].length)) best = i;
      if (largest < 0 || len > this.free[largest].length) largest = i;
    }
    if (best < 0) {
      if (largest >= 0) this.remove(largest);
      return Buffer.allocUnsafeSlow(sizeClass(size));
    }
    return this.remove(best);
  }

  private remove(i: number): Buffer {
    const buf = this.free[i];
    this.free[i] = this.free[this.free.length - 1];
    this.free.pop();
    this.freeBytes -= buf.length;
    return buf;
  }

  /** Gives back a buffer from take() that nothing reads any more. */
  release(buf: Buffer): void {
    // a second release of one buffer would give it two owners
    if (this.freeBytes + buf.length > this.maxBytes || this.free.includes(buf)) return;
    this.free.push(buf);
    this.freeBytes += buf.length;
  }

  /** Free buffers held. */
  get heldBuffers(): number {
    return this.free.length;
  }

  /** Bytes of free buffers held. */
  get heldBytes(): number {
    return this.freeBytes;
  }
}

/** The size a new buffer gets: at least 4 KiB, else rounded up to a quarter of its power of two (at most a quarter unused). */
function sizeClass(size: number): number {
  if (size <= 4096) return 4096;
  const step = 2 ** Math.floor(Math.log2(size)) / 4;
  return Math.ceil(size / step) * step;
}
