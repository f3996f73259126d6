/**
 * A write-ahead log on disk: the durable sending queue between the receivers
 * and an exporter.
 *
 * Layout of the directory:
 *   wal.json                 { version, id }: a random id made when the log is created
 *                            (exporters derive insert identities from it and the position)
 *   <first seq>.seg          segments: frames appended in sequence order
 *   state.json               { acked, inflight }: how far the consumer got (atomic rename)
 *   marks.json               delivery marks of deleted segments (atomic rename)
 *   ledger.json              { through, totals }: batch-ledger totals (batch-ledger.ts) of
 *                            the entries up to `through` (atomic rename)
 *   lock                     the pid of the process that has the log open
 *   spare-<seq>.free         acknowledged segments kept for reuse (see Recycling)
 *
 * A frame: u32 length of the body, u32 CRC-32 of everything after it, f64 seq,
 * f64 appendedAt (ms), u32 records, then the body: u8 flags (bit 0: a mark, bit 1:
 * ledger deltas) [s scope, s key, f64 sequence] [u32 n, n x (s name, f64 delta)],
 * then the caller's payload. Entries are numbered 1, 2, ... (seq);
 * a position { seq, record } means every entry before `seq` and the first
 * `record` records of entry `seq` are done.
 *
 * Durability: append() resolves once write() of its frame returned, so the entry
 * is in the OS page cache and survives kill -9 of this process. Only an fsync
 * protects against power loss or a kernel crash; that is the `fsync` policy:
 * 'never', 'interval' (default in the exporter: every fsyncIntervalMs, off the
 * append path, so at most about that much acknowledged data is at risk on power
 * loss), or 'always' (before append resolves; costs one fsync per group of
 * concurrent appends). Appends arriving while a write is in progress are written
 * together (group commit).
 *
 * Recovery on open: every frame is checked (length, CRC, increasing seq). A torn
 * last frame (the process died in the middle of a write, or the machine lost
 * power without fsync) is cut off and counted (recovery.tornTails / tornBytes);
 * that entry's append never resolved, so no sender was acknowledged for it. A bad
 * frame elsewhere cuts the rest of its segment (recovery.corruptSegments).
 * read() checks the frame's place, length, seq and stored CRC against what this
 * process wrote or verified on open, and its bytes against that CRC.
 *
 * Bounded by bytes: `maxBytes` bounds the frames not yet acknowledged (the
 * caller decides what to do when full: hasRoom() before append()). Whole
 * segments are deleted or kept as spares (below) once every entry in them is
 * acknowledged, so the disk holds at most maxBytes plus one segment plus
 * MAX_SPARE_SEGMENTS spares.
 *
 * Recycling: deleting a segment and writing a new file costs the kernel more
 * (freeing its pages and blocks, allocating new ones) than writing over a file
 * it has. So up to MAX_SPARE_SEGMENTS acknowledged full segments have their
 * first frame head overwritten by an end marker (END_MARKER: 28 bytes, length
 * 0) and are renamed to spare-<seq>.free (not segments on open), and a new
 * segment takes a spare's file by renaming it. A recycled file holds stale
 * bytes after the frames written into it, so each write to it is followed by
 * the end marker (overwritten by the next write): on open, the end marker where
 * the next frame would start is the clean end of the segment, not a torn frame. A recycled segment is cut to its frames when
 * appends move on to the next segment and on close.
 *
 * Delivery marks (delivery-mark.ts) are stored in the entry they came with, kept
 * in memory (bounded, least recently updated forgotten first) and written to
 * marks.json before a segment holding marks is deleted, so a mark outlives its
 * records.
 *
 * Ledger deltas (batch-ledger.ts) are stored in the entry they came with and summed
 * per counter once the entry is written (`ledger()`); the totals are written to
 * ledger.json (with the last entry they include) before a segment holding deltas is
 * deleted, and on open the deltas of the entries after that one are added to them.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { DeliveryMark } from './delivery-mark';
import type { LedgerDeltas } from './batch-ledger';
import { crc32 } from './crc32';

export type FsyncPolicy = 'never' | 'interval' | 'always';

export interface WalOptions {
  directory: string;
  /** Bound on the bytes of frames not yet acknowledged; 0 = no bound. */
  maxBytes: number;
  /** A new segment is started once the current one reaches this size. Default 8 MiB. */
  segmentBytes?: number;
  /** Default 'interval'. */
  fsync?: FsyncPolicy;
  /** With fsync 'interval'. Default 1000 ms. */
  fsyncIntervalMs?: number;
  /** Sessions whose marks are kept. Default 65536. */
  maxMarks?: number;
}

export interface WalPosition {
  /** Entries before this one are done. */
  seq: number;
  /** Records of entry `seq` done. */
  record: number;
}

export interface WalRange {
  from: WalPosition;
  to: WalPosition;
}

export interface WalEntry {
  seq: number;
  appendedAt: number;
  records: number;
  mark: DeliveryMark | undefined;
  payload: Buffer;
}

export interface WalRecovery {
  /** Entries not yet acknowledged found on open. */
  entries: number;
  /** Their records (minus the acknowledged part of the first one). */
  records: number;
  /** Their frames' bytes. */
  bytes: number;
  /** Segments whose last frame was incomplete or failed its CRC, and was cut. */
  tornTails: number;
  tornBytes: number;
  /** Segments other than the last with a bad frame (cut from there). */
  corruptSegments: number;
  /** Segments deleted on open because every entry in them was acknowledged. */
  deletedSegments: number;
}

/** Thrown by append() when the log is full (check hasRoom() first to choose drop or refuse). */
export class WalFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalFullError';
  }
}

const HEADER_BYTES = 28;
/**
 * Written after the frames in a recycled segment, and at the head of a spare: a frame head
 * of length 0 (never valid) with "LFEND" where the CRC and seq go. Not all zeros, so that a
 * zero-filled tail (a file system's answer to lost writes) still counts as torn.
 */
const END_MARKER = Buffer.alloc(HEADER_BYTES);
END_MARKER.write('LFEND', 4, 'latin1');
const MAX_SPARE_SEGMENTS = 4;
const MAX_FRAME_BODY = 1024 * 1024 * 1024;
const STATE_VERSION = 1;

interface Segment {
  firstSeq: number;
  file: string;
  /** Bytes assigned (written or being written). */
  size: number;
  lastSeq: number;
  hasMarks: boolean;
  /** Holds entries with ledger deltas (ledger.json is written before it is deleted). */
  hasLedger?: boolean;
  /** Its file was a spare: stale bytes may follow the frames (see Recycling). */
  recycled?: boolean;
  reader: Promise<fs.promises.FileHandle> | undefined;
}

interface IndexEntry {
  seq: number;
  segment: Segment;
  offset: number;
  size: number;
  records: number;
  appendedAt: number;
  /** The frame's CRC as this process computed (append) or verified (recovery) it; read() compares the stored one to it. */
  crc: number;
}

interface PendingWrite {
  entry: IndexEntry;
  /** Head and the payload's parts. */
  frame: Buffer[];
  mark: DeliveryMark | undefined;
  ledger: LedgerDeltas | undefined;
  resolve: (seq: number) => void;
  reject: (err: Error) => void;
}

const openDirectories = new Set<string>();

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.seg`;
}

function markKey(m: { scope: string; key: string }): string {
  return `${m.scope}\u0000${m.key}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class WriteAheadLog {
  readonly directory: string;
  readonly id: string;
  readonly recovery: WalRecovery;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly fsyncPolicy: FsyncPolicy;

  private readonly segments: Segment[] = [];
  /** Files of spare segments (see Recycling), each starting with END_MARKER. */
  private readonly spares: string[] = [];
  private active: Segment | undefined;
  private writer: fs.promises.FileHandle | undefined;
  private writerSegment: Segment | undefined;
  private dirty = false;
  private fsyncTimer: NodeJS.Timeout | undefined;

  private readonly index: IndexEntry[] = [];
  private head = 0;
  private bytes = 0;
  private next: number;
  private written: number;
  private ackedPos: WalPosition;
  private inflightRange: WalRange | undefined;

  private readonly pending: PendingWrite[] = [];
  private pumping: Promise<void> | undefined;
  private stateChain: Promise<void> = Promise.resolve();
  private readonly markMap = new Map<string, DeliveryMark>();
  private readonly maxMarks: number;
  /** Batch-ledger totals over every entry written (ledger.json holds them up to `ledgerThrough`). */
  private readonly ledgerTotals = new Map<string, number>();
  private ledgerThrough = 0;
  private closed = false;

  private constructor(opts: WalOptions, id: string, acked: WalPosition, inflight: WalRange | undefined) {
    this.directory = opts.directory;
    this.id = id;
    this.maxBytes = opts.maxBytes;
    this.segmentBytes = opts.segmentBytes ?? 8 * 1024 * 1024;
    this.fsyncPolicy = opts.fsync ?? 'interval';
    this.maxMarks = opts.maxMarks ?? 65_536;
    this.ackedPos = acked;
    this.inflightRange = inflight;
    this.next = Math.max(1, acked.seq);
    this.written = this.next;
    this.recovery = { entries: 0, records: 0, bytes: 0, tornTails: 0, tornBytes: 0, corruptSegments: 0, deletedSegments: 0 };
    if (this.fsyncPolicy === 'interval') {
      this.fsyncTimer = setInterval(() => void this.syncIfDirty(), opts.fsyncIntervalMs ?? 1000);
      this.fsyncTimer.unref();
    }
  }

  /** Opens (creating when missing) the log in opts.directory and recovers what it holds. */
  static async open(opts: WalOptions): Promise<WriteAheadLog> {
    const dir = path.resolve(opts.directory);
    fs.mkdirSync(dir, { recursive: true });
    if (openDirectories.has(dir)) throw new Error(`write-ahead log ${dir} is already open in this process`);
    const lockFile = path.join(dir, 'lock');
    try {
      const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new Error(`write-ahead log ${dir} is in use by process ${pid}`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    fs.writeFileSync(lockFile, `${process.pid}\n`);
    openDirectories.add(dir);
    try {
      const metaFile = path.join(dir, 'wal.json');
      let id: string;
      if (fs.existsSync(metaFile)) {
        const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { id?: unknown };
        if (typeof meta.id !== 'string' || !/^[0-9a-f]{8,64}$/.test(meta.id)) throw new Error(`${metaFile}: no valid id`);
        id = meta.id;
      } else {
        id = randomBytes(8).toString('hex');
        writeFileAtomicSync(metaFile, JSON.stringify({ version: 1, id }) + '\n');
      }
      const state = readState(path.join(dir, 'state.json'));
      const wal = new WriteAheadLog({ ...opts, directory: dir }, id, state.acked, state.inflight);
      wal.loadMarks(path.join(dir, 'marks.json'));
      wal.loadLedger(path.join(dir, 'ledger.json'));
      await wal.recover();
      return wal;
    } catch (err) {
      openDirectories.delete(dir);
      throw err;
    }
  }

  // ---------------------------------------------------------------------------
  // What the log holds.

  /** Bytes of frames not yet acknowledged (including appends being written). */
  get liveBytes(): number {
    return this.bytes;
  }

  /** Entries not yet fully acknowledged (including appends being written). */
  get liveEntries(): number {
    return this.index.length - this.head;
  }

  /** Every entry with a smaller seq is written (its append resolved or about to). */
  get writtenSeq(): number {
    return this.written;
  }

  get acked(): WalPosition {
    return { ...this.ackedPos };
  }

  /** The range the consumer was sending when it last recorded one (see setInflight), if not acknowledged since. */
  get inflight(): WalRange | undefined {
    return this.inflightRange;
  }

  /** The smallest written, unacknowledged entry seq >= `seq`, or undefined. */
  nextLiveSeq(seq: number): number | undefined {
    const i = this.findIndex(seq);
    if (i >= this.index.length) return undefined;
    const e = this.index[i];
    return e.seq < this.written ? e.seq : undefined;
  }

  /** Records of a live entry (undefined when not live). */
  recordsOf(seq: number): number | undefined {
    const i = this.findIndex(seq);
    return i < this.index.length && this.index[i].seq === seq ? this.index[i].records : undefined;
  }

  /** Delivery marks stored in the log (latest per session). */
  marks(): DeliveryMark[] {
    return [...this.markMap.values()];
  }

  /** Whether a frame for a payload of `payloadBytes` fits the bound (always when the log is empty). */
  hasRoom(payloadBytes: number): boolean {
    if (this.maxBytes <= 0 || this.bytes === 0) return true;
    return this.bytes + HEADER_BYTES + payloadBytes + 64 <= this.maxBytes;
  }

  // ---------------------------------------------------------------------------
  // Appending.

  /**
   * Appends an entry; resolves with its seq once write() returned (see the
   * durability note above), or after fsync with policy 'always'. Throws
   * WalFullError when there is no room (hasRoom), and rejects when the write
   * failed (the entry is then not in the log). `payload` is written as it is,
   * not copied: the caller must not change it until the promise settles. A payload
   * given as parts is written as their concatenation (one writev, no copy) and read
   * back as one buffer.
   */
  append(payload: Buffer | readonly Buffer[], records: number, mark?: DeliveryMark, ledger?: LedgerDeltas): Promise<number> {
    if (this.closed) return Promise.reject(new Error('write-ahead log is closed'));
    const parts = Buffer.isBuffer(payload) ? [payload] : payload;
    if (!this.hasRoom(totalLength(parts))) {
      return Promise.reject(new WalFullError(`write-ahead log is full (${this.bytes} of ${this.maxBytes} bytes)`));
    }
    const seq = this.next++;
    const appendedAt = Date.now();
    const frame = encodeFrame(seq, appendedAt, records, mark, ledger, parts);
    const frameBytes = totalLength(frame);
    if (frameBytes - HEADER_BYTES > MAX_FRAME_BODY) return Promise.reject(new Error('queue entry too large'));
    let seg = this.active;
    if (seg === undefined || (seg.size > 0 && seg.size + frameBytes > this.segmentBytes)) {
      seg = { firstSeq: seq, file: path.join(this.directory, segmentName(seq)), size: 0, lastSeq: seq - 1, hasMarks: false, reader: undefined };
      this.segments.push(seg);
      this.active = seg;
    }
    const entry: IndexEntry = { seq, segment: seg, offset: seg.size, size: frameBytes, records, appendedAt, crc: frame[0].readUInt32LE(4) };
    seg.size += frameBytes;
    seg.lastSeq = seq;
    this.index.push(entry);
    this.bytes += frameBytes;
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ entry, frame, mark, ledger, resolve, reject });
      this.pumping ??= this.pump();
    });
  }

  private async pump(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const seg = this.pending[0].entry.segment;
        let n = 0;
        while (n < this.pending.length && this.pending[n].entry.segment === seg) n++;
        const group = this.pending.splice(0, n);
        try {
          const fh = await this.writerFor(seg);
          const frames = group.flatMap((p) => p.frame);
          if (seg.recycled) frames.push(END_MARKER);
          let position = group[0].entry.offset;
          let total = 0;
          for (const f of frames) total += f.length;
          let done = (await fh.writev(frames, position)).bytesWritten;
          while (done < total) {
            // A short write: write the rest from where it stopped.
            const rest = Buffer.concat(frames).subarray(done);
            position = group[0].entry.offset + done;
            done += (await fh.write(rest, 0, rest.length, position)).bytesWritten;
          }
          if (this.fsyncPolicy === 'always') await fh.datasync();
          else this.dirty = true;
        } catch (err) {
          this.rollBack(group, err as Error);
          continue;
        }
        this.written = group[group.length - 1].entry.seq + 1;
        for (const p of group) {
          if (p.mark) {
            p.entry.segment.hasMarks = true;
            this.rememberMark(p.mark);
          }
          if (p.ledger) {
            p.entry.segment.hasLedger = true;
            this.addLedger(p.ledger);
          }
          p.resolve(p.entry.seq);
        }
      }
    } finally {
      this.pumping = undefined;
    }
  }

  /** A failed write: this group and everything appended after it leave the log; their appends reject. */
  private rollBack(group: PendingWrite[], err: Error): void {
    const failed = [...group, ...this.pending.splice(0)];
    const firstSeq = failed[0].entry.seq;
    while (this.index.length > this.head && this.index[this.index.length - 1].seq >= firstSeq) {
      const e = this.index.pop()!;
      this.bytes -= e.size;
    }
    for (const seg of this.segments) {
      if (seg.lastSeq >= firstSeq) {
        const kept = this.index.filter((e, i) => i >= this.head && e.segment === seg);
        seg.size = kept.length ? kept[kept.length - 1].offset + kept[kept.length - 1].size : 0;
        seg.lastSeq = kept.length ? kept[kept.length - 1].seq : seg.firstSeq - 1;
      }
    }
    this.next = firstSeq;
    // Best effort: cut what may have been half written, so a later frame is not read after garbage.
    const seg = failed[0].entry.segment;
    if (this.writer && this.writerSegment === seg) void this.writer.truncate(seg.size).catch(() => undefined);
    const error = new Error(`writing the write-ahead log failed: ${err.message}`);
    for (const p of failed) p.reject(error);
  }

  private async writerFor(seg: Segment): Promise<fs.promises.FileHandle> {
    if (this.writerSegment === seg && this.writer) return this.writer;
    const old = this.writer;
    const oldSegment = this.writerSegment;
    this.writer = undefined;
    this.writerSegment = undefined;
    if (old) {
      // A recycled segment is cut to its frames before appends go on elsewhere, so only the last segment has stale bytes.
      if (oldSegment?.recycled) await old.truncate(oldSegment.size).catch(() => undefined);
      if (this.fsyncPolicy !== 'never') await old.datasync().catch(() => undefined);
      await old.close().catch(() => undefined);
    }
    const spare = fs.existsSync(seg.file) ? undefined : this.spares.pop();
    if (spare !== undefined) {
      try {
        await fs.promises.rename(spare, seg.file);
        seg.recycled = true;
      } catch {
        // A spare that cannot be taken: a new file instead.
      }
    }
    const fh = await fs.promises.open(seg.file, fs.existsSync(seg.file) ? 'r+' : 'w');
    this.writer = fh;
    this.writerSegment = seg;
    return fh;
  }

  private async syncIfDirty(): Promise<void> {
    if (!this.dirty || !this.writer) return;
    this.dirty = false;
    await this.writer.datasync().catch(() => undefined);
  }

  // ---------------------------------------------------------------------------
  // Reading and acknowledging.

  /**
   * Reads a written, unacknowledged entry. `allocate(size)`: where to read it (a buffer of
   * at least `size` bytes, e.g. from a BufferPool); the entry's payload is a view of it.
   */
  async read(seq: number, allocate: (size: number) => Buffer = Buffer.allocUnsafe): Promise<WalEntry> {
    const i = this.findIndex(seq);
    const e = this.index[i];
    if (e === undefined || e.seq !== seq || seq >= this.written) throw new Error(`entry ${seq} is not in the write-ahead log`);
    const seg = e.segment;
    seg.reader ??= fs.promises.open(seg.file, 'r');
    const fh = await seg.reader;
    const buf = allocate(e.size);
    let got = 0;
    while (got < e.size) {
      const { bytesRead } = await fh.read(buf, got, e.size - got, e.offset + got);
      if (bytesRead === 0) throw new Error(`entry ${seq}: segment ${seg.file} ends early`);
      got += bytesRead;
    }
    // The frame must be where the index says, whole, with its seq, carrying the CRC it was
    // written or found with (a wrong offset, a truncated, rewritten or replaced segment), and
    // its bytes must still match that CRC (a bit changed by the disk or another process since
    // it was written): a record is never sent from bytes that are not the ones acknowledged.
    const frame = buf.readUInt32LE(4) === e.crc ? parseFrame(buf, 0, e.size) : undefined;
    if (frame === undefined || frame.seq !== seq || frame.end !== e.size) throw new Error(`entry ${seq}: bad frame in ${seg.file}`);
    return { seq, appendedAt: frame.appendedAt, records: frame.records, mark: frame.mark, payload: buf.subarray(frame.payloadStart, frame.end) };
  }

  /**
   * Records the range the consumer is about to send (persisted before it
   * resolves), so that after a crash the same range is sent again first, with
   * the same identity. Cleared by acknowledge().
   */
  setInflight(range: WalRange): Promise<void> {
    this.inflightRange = { from: { ...range.from }, to: { ...range.to } };
    return this.saveState();
  }

  /**
   * Everything before `pos` is done: persists the position, then deletes the
   * segments every entry of which is done (writing marks.json first when they
   * held delivery marks).
   */
  async acknowledge(pos: WalPosition): Promise<void> {
    if (pos.seq < this.ackedPos.seq || (pos.seq === this.ackedPos.seq && pos.record < this.ackedPos.record)) return;
    this.ackedPos = { seq: pos.seq, record: pos.record };
    this.inflightRange = undefined;
    while (this.head < this.index.length && this.index[this.head].seq < pos.seq) {
      this.bytes -= this.index[this.head].size;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.index.length) {
      this.index.splice(0, this.head);
      this.head = 0;
    }
    await this.saveState();
    const done = this.segments.filter((s) => s !== this.active && s.lastSeq < pos.seq);
    if (done.length === 0) return;
    if (done.some((s) => s.hasMarks)) await this.saveMarks();
    if (done.some((s) => s.hasLedger)) await this.saveLedger();
    for (const s of done) {
      this.segments.splice(this.segments.indexOf(s), 1);
      if (s.reader) void s.reader.then((fh) => fh.close()).catch(() => undefined);
      if (!(await this.keepAsSpare(s))) await fs.promises.rm(s.file, { force: true });
    }
  }

  /**
   * Keeps an acknowledged segment's file as a spare when fewer than MAX_SPARE_SEGMENTS are
   * kept and it is about a segment's size: puts END_MARKER at its head first (so the file holds no
   * frame, whether a crash leaves it under its old name or it is later taken as a new
   * segment), then renames it. False when it was not kept (the caller deletes it).
   */
  private async keepAsSpare(s: Segment): Promise<boolean> {
    if (this.closed || this.spares.length >= MAX_SPARE_SEGMENTS || s.size < this.segmentBytes / 2) return false;
    const spare = path.join(this.directory, `spare-${s.firstSeq}.free`);
    try {
      const fh = await fs.promises.open(s.file, 'r+');
      try {
        await fh.write(END_MARKER, 0, HEADER_BYTES, 0);
      } finally {
        await fh.close();
      }
      await fs.promises.rename(s.file, spare);
    } catch {
      return false;
    }
    this.spares.push(spare);
    return true;
  }

  /** Waits for appends being written, syncs (unless fsync never), releases the directory. Safe twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    while (this.pumping) await this.pumping;
    await this.stateChain;
    if (this.writer) {
      if (this.writerSegment?.recycled) await this.writer.truncate(this.writerSegment.size).catch(() => undefined);
      if (this.fsyncPolicy !== 'never') await this.writer.datasync().catch(() => undefined);
      await this.writer.close().catch(() => undefined);
      this.writer = undefined;
    }
    for (const s of this.segments) if (s.reader) await s.reader.then((fh) => fh.close()).catch(() => undefined);
    fs.rmSync(path.join(this.directory, 'lock'), { force: true });
    openDirectories.delete(this.directory);
  }

  // ---------------------------------------------------------------------------
  // Internals.

  /** Index position of the first live entry with seq >= `seq`. */
  private findIndex(seq: number): number {
    let lo = this.head;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.index[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rememberMark(mark: DeliveryMark): void {
    const k = markKey(mark);
    const old = this.markMap.get(k);
    if (old !== undefined && old.sequence >= mark.sequence) return;
    this.markMap.delete(k);
    this.markMap.set(k, { scope: mark.scope, key: mark.key, sequence: mark.sequence });
    if (this.markMap.size > this.maxMarks) this.markMap.delete(this.markMap.keys().next().value as string);
  }

  private loadMarks(file: string): void {
    if (!fs.existsSync(file)) return;
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { marks?: [string, string, number][] };
    for (const [scope, key, sequence] of data.marks ?? []) this.rememberMark({ scope, key, sequence });
  }

  /** Batch-ledger totals (non-zero) over every entry written. */
  ledger(): [string, number][] {
    return [...this.ledgerTotals].filter(([, v]) => v !== 0);
  }

  private addLedger(deltas: Iterable<[string, number]>): void {
    for (const [k, v] of deltas) {
      const t = (this.ledgerTotals.get(k) ?? 0) + v;
      if (t === 0) this.ledgerTotals.delete(k);
      else this.ledgerTotals.set(k, t);
    }
  }

  private loadLedger(file: string): void {
    if (!fs.existsSync(file)) return;
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { through?: unknown; totals?: [string, number][] };
    if (typeof data.through === 'number' && Number.isSafeInteger(data.through)) this.ledgerThrough = data.through;
    this.addLedger((data.totals ?? []).filter(([k, v]) => typeof k === 'string' && Number.isFinite(v)));
  }

  /** Writes the totals of every entry written so far (taken now: later entries are added again on open). */
  private saveLedger(): Promise<void> {
    const through = this.written - 1;
    const body = JSON.stringify({ version: 1, through, totals: this.ledger() });
    return writeFileAtomic(path.join(this.directory, 'ledger.json'), body, this.fsyncPolicy !== 'never').then(() => {
      this.ledgerThrough = Math.max(this.ledgerThrough, through);
    });
  }

  private saveMarks(): Promise<void> {
    const marks = [...this.markMap.values()].map((m) => [m.scope, m.key, m.sequence]);
    return writeFileAtomic(path.join(this.directory, 'marks.json'), JSON.stringify({ version: 1, marks }), this.fsyncPolicy !== 'never');
  }

  private saveState(): Promise<void> {
    const body = JSON.stringify({ version: STATE_VERSION, acked: this.ackedPos, inflight: this.inflightRange ?? null });
    const file = path.join(this.directory, 'state.json');
    const run = this.stateChain.then(() => writeFileAtomic(file, body, this.fsyncPolicy === 'always'));
    this.stateChain = run.catch(() => undefined);
    return run;
  }

  private async recover(): Promise<void> {
    const all = fs.readdirSync(this.directory);
    // Spares of the previous process are taken over (each starts with END_MARKER, written before it was listed).
    for (const n of all.filter((n) => /^spare-\d+\.free$/.test(n))) {
      if (this.spares.length < MAX_SPARE_SEGMENTS) this.spares.push(path.join(this.directory, n));
      else fs.rmSync(path.join(this.directory, n), { force: true });
    }
    const names = all.filter((n) => /^\d{16}\.seg$/.test(n)).sort();
    const found: Segment[] = [];
    let lastSeq = 0;
    for (let k = 0; k < names.length; k++) {
      const file = path.join(this.directory, names[k]);
      const firstSeq = Number(names[k].slice(0, 16));
      const buf = fs.readFileSync(file);
      const seg: Segment = { firstSeq, file, size: 0, lastSeq: firstSeq - 1, hasMarks: false, reader: undefined };
      let off = 0;
      let expected = Math.max(firstSeq, lastSeq + 1);
      while (off < buf.length) {
        const f = parseFrame(buf, off, buf.length);
        if (f === undefined || f.seq < expected) break;
        const live = f.seq >= this.ackedPos.seq;
        if (f.mark) {
          seg.hasMarks = true;
          this.rememberMark(f.mark);
        }
        if (f.ledger) {
          seg.hasLedger = true;
          if (f.seq > this.ledgerThrough) this.addLedger(f.ledger);
        }
        if (live) {
          this.index.push({ seq: f.seq, segment: seg, offset: off, size: f.end - off, records: f.records, appendedAt: f.appendedAt, crc: buf.readUInt32LE(off + 4) });
          this.bytes += f.end - off;
          this.recovery.entries++;
          this.recovery.records += f.records - (f.seq === this.ackedPos.seq ? Math.min(f.records, this.ackedPos.record) : 0);
        }
        seg.lastSeq = f.seq;
        expected = f.seq + 1;
        off = f.end;
      }
      // A recycled segment's clean end (see Recycling): cut the stale bytes, nothing torn.
      const cleanEnd = off + HEADER_BYTES <= buf.length && buf.subarray(off, off + HEADER_BYTES).equals(END_MARKER);
      if (off < buf.length && cleanEnd) {
        fs.truncateSync(file, off);
      } else if (off < buf.length) {
        if (k === names.length - 1) {
          this.recovery.tornTails++;
          this.recovery.tornBytes += buf.length - off;
        } else {
          this.recovery.corruptSegments++;
        }
        fs.truncateSync(file, off);
      }
      seg.size = off;
      if (seg.lastSeq >= seg.firstSeq) lastSeq = seg.lastSeq;
      found.push(seg);
    }
    this.recovery.bytes = this.bytes;
    this.next = Math.max(this.next, lastSeq + 1);
    this.written = this.next;
    if (this.inflightRange && (this.inflightRange.from.seq < this.ackedPos.seq || this.index.length === 0)) this.inflightRange = undefined;
    // Segments with nothing left to send go (marks first); the rest stay readable. Appends start a new segment.
    const done = found.filter((s) => s.lastSeq < this.ackedPos.seq || s.size === 0);
    if (done.some((s) => s.hasMarks)) await this.saveMarks();
    if (done.some((s) => s.hasLedger)) await this.saveLedger();
    for (const s of done) {
      fs.rmSync(s.file, { force: true });
      this.recovery.deletedSegments++;
    }
    for (const s of found) if (!done.includes(s)) this.segments.push(s);
  }
}

interface ParsedFrame {
  seq: number;
  appendedAt: number;
  records: number;
  mark: DeliveryMark | undefined;
  ledger: [string, number][] | undefined;
  payloadStart: number;
  end: number;
}

/** Bytes of a payload given as parts (what append writes for it). */
export function totalLength(parts: readonly Buffer[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** A frame as its head and the payload's parts (written together; the payload is not copied). */
function encodeFrame(seq: number, appendedAt: number, records: number, mark: DeliveryMark | undefined, ledger: LedgerDeltas | undefined, payload: readonly Buffer[]): Buffer[] {
  const scope = mark ? Buffer.from(mark.scope, 'utf8') : undefined;
  const key = mark ? Buffer.from(mark.key, 'utf8') : undefined;
  const markBytes = mark ? 1 + 4 + scope!.length + 4 + key!.length + 8 : 1;
  const names = ledger && ledger.size > 0 ? [...ledger].map(([k, v]) => [Buffer.from(k, 'utf8'), v] as const) : undefined;
  let ledgerBytes = 0;
  if (names) {
    ledgerBytes = 4;
    for (const [k] of names) ledgerBytes += 4 + k.length + 8;
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + markBytes + ledgerBytes);
  frame.writeDoubleLE(seq, 8);
  frame.writeDoubleLE(appendedAt, 16);
  frame.writeUInt32LE(records, 24);
  let p = HEADER_BYTES;
  if (mark) {
    frame[p++] = names ? 3 : 1;
    frame.writeUInt32LE(scope!.length, p);
    scope!.copy(frame, p + 4);
    p += 4 + scope!.length;
    frame.writeUInt32LE(key!.length, p);
    key!.copy(frame, p + 4);
    p += 4 + key!.length;
    frame.writeDoubleLE(mark.sequence, p);
    p += 8;
  } else {
    frame[p++] = names ? 2 : 0;
  }
  if (names) {
    frame.writeUInt32LE(names.length, p);
    p += 4;
    for (const [k, v] of names) {
      frame.writeUInt32LE(k.length, p);
      k.copy(frame, p + 4);
      p += 4 + k.length;
      frame.writeDoubleLE(v, p);
      p += 8;
    }
  }
  frame.writeUInt32LE(frame.length + totalLength(payload) - HEADER_BYTES, 0);
  let crc = crc32(frame.subarray(8));
  for (const part of payload) crc = crc32(part, crc);
  frame.writeUInt32LE(crc, 4);
  return [frame, ...payload];
}

/** The frame at `off`, or undefined when it is incomplete or fails its checks. */
function parseFrame(buf: Buffer, off: number, limit: number): ParsedFrame | undefined {
  if (limit - off < HEADER_BYTES) return undefined;
  const len = buf.readUInt32LE(off);
  if (len < 1 || len > MAX_FRAME_BODY || off + HEADER_BYTES + len > limit) return undefined;
  const end = off + HEADER_BYTES + len;
  if (crc32(buf.subarray(off + 8, end)) !== buf.readUInt32LE(off + 4)) return undefined;
  const seq = buf.readDoubleLE(off + 8);
  const appendedAt = buf.readDoubleLE(off + 16);
  const records = buf.readUInt32LE(off + 24);
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  let p = off + HEADER_BYTES;
  let mark: DeliveryMark | undefined;
  const flags = buf[p++];
  if (flags & 1) {
    const sl = buf.readUInt32LE(p);
    const scope = buf.toString('utf8', p + 4, p + 4 + sl);
    p += 4 + sl;
    const kl = buf.readUInt32LE(p);
    const key = buf.toString('utf8', p + 4, p + 4 + kl);
    p += 4 + kl;
    mark = { scope, key, sequence: buf.readDoubleLE(p) };
    p += 8;
    if (p > end) return undefined;
  }
  let ledger: [string, number][] | undefined;
  if (flags & 2) {
    if (p + 4 > end) return undefined;
    const n = buf.readUInt32LE(p);
    p += 4;
    ledger = [];
    for (let i = 0; i < n; i++) {
      if (p + 4 > end) return undefined;
      const kl = buf.readUInt32LE(p);
      if (p + 4 + kl + 8 > end) return undefined;
      const k = buf.toString('utf8', p + 4, p + 4 + kl);
      p += 4 + kl;
      ledger.push([k, buf.readDoubleLE(p)]);
      p += 8;
    }
  }
  return { seq, appendedAt, records, mark, ledger, payloadStart: p, end };
}

function readState(file: string): { acked: WalPosition; inflight: WalRange | undefined } {
  if (!fs.existsSync(file)) return { acked: { seq: 0, record: 0 }, inflight: undefined };
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { acked?: WalPosition; inflight?: WalRange | null };
  const pos = (p: unknown): WalPosition | undefined => {
    const o = p as WalPosition | undefined;
    return o && Number.isSafeInteger(o.seq) && Number.isSafeInteger(o.record) && o.seq >= 0 && o.record >= 0 ? { seq: o.seq, record: o.record } : undefined;
  };
  const acked = pos(s.acked);
  if (!acked) throw new Error(`${file}: no valid acked position`);
  const from = pos(s.inflight?.from);
  const to = pos(s.inflight?.to);
  return { acked, inflight: from && to ? { from, to } : undefined };
}

async function writeFileAtomic(file: string, body: string, sync: boolean): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(body);
    if (sync) await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

function writeFileAtomicSync(file: string, body: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, body);
  fs.renameSync(tmp, file);
}
