/**
 * A stream's chunks, decompressed when the stream is gzip: standard input may be
 * `gzip -c access.log | logfun httpstats -` as well as text, as a file path may be a
 * .gz rotation. Told apart by the gzip magic bytes (1f 8b) at the stream's start;
 * concatenated members (`cat a.gz b.gz |`) decompress as one stream. A damaged or cut
 * gzip stream ends the iteration with zlib's error, after the bytes before the damage.
 */
import { Readable } from 'stream';
import * as zlib from 'zlib';

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export interface GzipStreamObserver {
  /** Called once, before the first chunk, when the stream is gzip. */
  onGzip(): void;
  /** The length of each compressed chunk read (a gzip stream only; text chunks are what is yielded). */
  onCompressed(bytes: number): void;
}

export async function* gunzipIfGzip(input: AsyncIterable<Buffer>, observer: GzipStreamObserver): AsyncGenerator<Buffer> {
  const raw = input[Symbol.asyncIterator]();
  // The magic needs two bytes; a pipe may deliver one first.
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await raw.next();
    if (next.done) break;
    head = head.length ? Buffer.concat([head, next.value]) : next.value;
  }
  if (!isGzip(head)) {
    if (head.length) yield head;
    for (let next = await raw.next(); !next.done; next = await raw.next()) yield next.value;
    return;
  }
  observer.onGzip();
  async function* compressed(): AsyncGenerator<Buffer> {
    observer.onCompressed(head.length);
    yield head;
    for (let next = await raw.next(); !next.done; next = await raw.next()) {
      observer.onCompressed(next.value.length);
      yield next.value;
    }
  }
  const feed = Readable.from(compressed(), { objectMode: false });
  const gunzip = zlib.createGunzip();
  feed.on('error', (e) => gunzip.destroy(e));
  feed.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } finally {
    feed.unpipe(gunzip);
    feed.destroy();
    gunzip.destroy();
  }
}
