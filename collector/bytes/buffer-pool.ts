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
   * fits, or a new one rounded up to a power of two (so buffers fit entries of similar
   * sizes). Its first `size` bytes are the caller's to fill; release() takes the buffer itself.
   */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i].length;
      if (len >= size && (best < 0 || len < this.free[best].length)) best = i;
    }
    if (best >= 0) {
      const buf = this.free[best];
      this.free[best] = this.free[this.free.length - 1];
      this.free.pop();
      this.freeBytes -= buf.length;
      return buf;
    }
    return Buffer.allocUnsafeSlow(size <= 4096 ? 4096 : 2 ** Math.ceil(Math.log2(size)));
  }

  /** Gives back a buffer from take() that nothing reads any more. */
  release(buf: Buffer): void {
    // a second release of one buffer would give it two owners
    if (this.freeBytes + buf.length > this.maxBytes || this.free.includes(buf)) return;
    this.free.push(buf);
    this.freeBytes += buf.length;
  }

  /** Bytes of free buffers held. */
  get heldBytes(): number {
    return this.freeBytes;
  }
}
