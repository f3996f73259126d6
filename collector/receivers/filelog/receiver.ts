/**
 * The filelog receiver: tails the files matched by `include` globs, parses each
 * line with the configured parser and sends LogBatches downstream.
 *
 * Contracts:
 * - Polling: every poll_interval the globs are re-scanned, new files opened and
 *   every open file read from its position. One poll runs at a time; a poll
 *   waits for each batch to be accepted before reading on (backpressure).
 * - Identity: a file is its inode plus the bytes at its head (fingerprint), as
 *   in otelcol. A file renamed within the globs keeps its position; one renamed
 *   out of them (or deleted) is read to its end through its still-open handle
 *   and closed after a grace period without new data, so lines written to it
 *   after a rename are not lost; the new file at the old path is read from its
 *   beginning. A file whose size falls below the read position or whose head
 *   changes was truncated (copytruncate) or replaced: it is read again from 0.
 *   A file appearing while running whose head starts with the fingerprint of a
 *   file being read is a copy of it (copytruncate with a glob matching the copy,
 *   `access.log*`): it is read from where the original's emitted lines end, so
 *   no line is counted twice.
 * - Skipped, counted and logged once: directories, binary files (a NUL byte in
 *   the head), gzip files unless gzip: read (see config.ts).
 * - start_at applies only to files found at start without a checkpoint; files
 *   appearing later are read from their beginning.
 * - Checkpoints (inode + fingerprint -> offset) advance only when consumeLogs
 *   resolved for the lines, and are written atomically; a restart with the same
 *   storage after shutdown() neither loses nor repeats a line. After a crash,
 *   lines acknowledged since the last checkpoint write are sent again
 *   (at-least-once), never lost.
 * - A retryable (or unknown) downstream error is retried with exponential
 *   backoff (the same batch object is sent again), without limit while
 *   running; a permanent one drops the batch, counted as refused.
 * - A last line without its newline is held until its newline comes, however
 *   long (a pause at the per-poll byte limit or a slow downstream never cuts a
 *   line in two). Only the last read of a file (shutdown, or closing a file
 *   renamed away) emits it as it is, marked log.file.partial_line = true.
 * - readToEnd() (batch mode) reads every file to its end, one file after the
 *   other, oldest modification first, delivering without a deadline.
 * - shutdown() reads every file to its end as of that moment, delivers it
 *   (retrying at most drain_timeout), writes the checkpoint and closes files.
 *
 * Metrics (label receiver=<component id>):
 *   logfun_receiver_accepted_records_total
 *   logfun_receiver_refused_records_total{reason}      permanent refusals (dropped)
 *   logfun_receiver_malformed_lines_total{parser}      lines kept with log.parse.error
 *   logfun_receiver_send_retries_total
 *   logfun_filelog_open_files                          gauge
 *   logfun_filelog_rotations_total{kind}               moved | truncated | copied
 *   logfun_filelog_skipped_files_total{reason}         directory | binary | gzip
 *   logfun_filelog_partial_lines_total                 lines emitted without their newline
 *   logfun_filelog_split_lines_total                   pieces of lines over max_line_size (all but each one's last)
 *   logfun_filelog_long_lines_total                    lines over max_line_size
 *   logfun_filelog_nul_bytes_skipped_total             NUL bytes at line starts (a truncated file's hole)
 *   logfun_filelog_header_lines_total                  CSV header lines (not records)
 *   logfun_filelog_errors_total{op}                    open | read | glob | checkpoint | poll
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../../pipeline/batch';
import type { CreateSettings, Host, LogsConsumer, Receiver } from '../../pipeline/component';
import { isPermanent, RetryableError } from '../../pipeline/errors';
import type { Counter } from '../../telemetry/metrics';
import { CheckpointStore, type FileCheckpoint } from './checkpoint-store';
import { resolveFileLogConfig, type AttributeValueConfig, type FileLogReceiverConfig, type ResolvedFileLogConfig } from './config';
import { compileExcludes, expandGlob } from './glob';
import { createLineParser } from './parsers';
import type { LineParser } from './parsers/types';
import { gunzipIfGzip, isGzip } from './gzip-stream';
import { isBinaryHead, PREVIOUS_CONTENT_MS, splitLines, StreamSource, TrackedFile, type FileLine, type LineSource } from './tracked-file';

export const READ_CHUNK_BYTES = 256 * 1024;
/** Per file and poll, so one busy file cannot starve the others. */
export const MAX_BYTES_PER_FILE_PER_POLL = 16 * 1024 * 1024;
/** A file renamed away or deleted is closed after this long without new data. */
const LOST_FILE_GRACE_MS = 1000;
/** Checkpoints of files no longer open are kept this long (a file may come back under a matched name). */
const DORMANT_TTL_MS = 24 * 3600 * 1000;
const MAX_DORMANT = 1000;

/** How far a batch read got: every file read, its size and the offset reached (bytes). */
export interface ReadProgress {
  /** `error`: why a file could not be read to its end (a damaged gzip file: the lines before the damage were read). */
  files: { path: string; size: number; offset: number; gzip: boolean; error?: string }[];
  /** False when the signal stopped the read before every file's end. */
  complete: boolean;
  /** Matched paths that could not be opened (e.g. EMFILE: more files than the open-file limit), with why: not read at all. */
  unopened: { path: string; error: string }[];
}

/** Files skipped by id (device:inode), so that they are not opened again at every poll. */
const MAX_SKIPPED = 10_000;

/** Thrown when shutdown's drain_timeout passes while downstream still refuses: the rest stays behind the checkpoint. */
class DeliveryAbandoned extends Error {}

interface PendingBatch {
  builder: LogBatchBuilder;
  resourceIndex: number;
  scopeIndex: number;
  records: number;
  /** Offset each file reaches once this batch is acknowledged. */
  commits: Map<LineSource, { generation: number; offset: number }>;
}

function toAnyValue(v: AttributeValueConfig): AnyValue {
  return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v;
}

function startsWith(buf: Buffer, prefix: Buffer): boolean {
  return buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

export class FileLogReceiver implements Receiver {
  private readonly cfg: ResolvedFileLogConfig;
  private readonly parser: LineParser;
  private readonly isExcluded: (filePath: string) => boolean;
  private readonly store: CheckpointStore;
  /** Our own checkpoint files are never tailed, whatever the globs say. */
  private readonly storagePrefix: string;
  private readonly lostIdlePolls: number;
  /** Open files by device:inode, in discovery order. */
  private readonly files = new Map<string, TrackedFile>();
  /** Checkpoints of files not open now: loaded at start, or of closed files. */
  private dormant: FileCheckpoint[] = [];
  private batch: PendingBatch;
  private readonly scratch = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private observedTimeUnixNano = 0n;

  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private drainDeadlineMs = Infinity;
  /** Resolves when shutdown's drain_timeout has passed: a consumeLogs call still pending then is given up. */
  private readonly drainExpired: Promise<'expired'>;
  private expireDrain!: () => void;
  private abandoned = false;
  /** readToEnd() is running: the scheduled polls wait. */
  private batchReading = false;
  /** Files not read (directory, binary, gzip) by device:inode -> reason. */
  private readonly skipped = new Map<string, string>();
  /** Matched paths that could not be opened, and why (until they are). */
  private readonly unopened = new Map<string, string>();
  /** Ends a backoff sleep early (shutdown re-evaluates the drain deadline). */
  private wake: (() => void) | undefined;

  private dirty = false;
  private saveQueued = false;
  private saveChain: Promise<void> = Promise.resolve();
  private readonly warned = new Set<string>();

  private readonly labels: { receiver: string };
  private readonly malformedLabels: { receiver: string; parser: string };
  private readonly accepted: Counter;
  private readonly refused: Counter;
  private readonly malformed: Counter;
  private readonly retries: Counter;
  private readonly openFiles: Counter;
  private readonly rotations: Counter;
  private readonly splitLines: Counter;
  private readonly longLines: Counter;
  private readonly nulBytes: Counter;
  private readonly headerLines: Counter;
  private readonly errors: Counter;
  private readonly skippedFiles: Counter;
  private readonly partialLines: Counter;

  constructor(
    private readonly settings: CreateSettings,
    config: FileLogReceiverConfig,
    private readonly next: LogsConsumer,
  ) {
    this.cfg = resolveFileLogConfig(config);
    this.parser = createLineParser(this.cfg.parser);
    this.isExcluded = compileExcludes(this.cfg.exclude);
    this.store = new CheckpointStore(this.cfg.storageDir, settings.id);
    this.storagePrefix = path.join(this.cfg.storageDir, path.sep);
    this.lostIdlePolls = Math.max(2, Math.ceil(LOST_FILE_GRACE_MS / this.cfg.pollIntervalMs));
    this.batch = this.newBatch();
    this.drainExpired = new Promise((resolve) => (this.expireDrain = () => resolve('expired')));

    const m = settings.metrics;
    this.labels = { receiver: settings.id };
    this.malformedLabels = { receiver: settings.id, parser: this.cfg.parser };
    this.accepted = m.counter('logfun_receiver_accepted_records_total', 'Log records accepted by the next consumer');
    this.refused = m.counter('logfun_receiver_refused_records_total', 'Log records refused by the next consumer, by reason');
    this.malformed = m.counter('logfun_receiver_malformed_lines_total', 'Lines that did not parse (kept as records with log.parse.error)');
    this.retries = m.counter('logfun_receiver_send_retries_total', 'Batches sent again after a retryable downstream error');
    this.openFiles = m.gauge('logfun_filelog_open_files', 'Files the filelog receiver has open');
    this.rotations = m.counter('logfun_filelog_rotations_total', 'Files renamed away/deleted (kind=moved) or truncated/replaced (kind=truncated)');
    this.splitLines = m.counter('logfun_filelog_split_lines_total', 'Pieces of lines longer than max_line_size emitted as separate records');
    this.nulBytes = m.counter('logfun_filelog_nul_bytes_skipped_total', 'NUL bytes skipped at line starts (the hole a writer without O_APPEND leaves in a truncated file)');
    this.longLines = m.counter('logfun_filelog_long_lines_total', 'Lines longer than max_line_size (each emitted as several records, split_lines_total pieces in all but their last)');
    this.headerLines = m.counter('logfun_filelog_header_lines_total', 'Header lines skipped (CSV header), not records');
    this.errors = m.counter('logfun_filelog_errors_total', 'I/O errors of the filelog receiver, by operation');
    this.skippedFiles = m.counter('logfun_filelog_skipped_files_total', 'Matched paths not read, by reason (directory, binary, gzip)');
    this.partialLines = m.counter('logfun_filelog_partial_lines_total', 'Last lines of files emitted without their newline (shutdown or close), marked log.file.partial_line');
  }

  start(_host: Host): Promise<void> {
    if (this.state !== 'new') return this.startPromise ?? Promise.resolve();
    this.state = 'starting';
    this.startPromise = this.doStart();
    return this.startPromise;
  }

  private async doStart(): Promise<void> {
    await fs.promises.mkdir(this.cfg.storageDir, { recursive: true });
    try {
      this.dormant = await this.store.load();
    } catch (e) {
      this.errors.inc({ ...this.labels, op: 'checkpoint' });
      this.settings.logger.warn('filelog: ignoring unusable checkpoint, files are treated as new', { receiver: this.settings.id, error: (e as Error).message });
    }
    // Files present now get their start position now (start_at), so that what is written
    // after start() resolves is read.
    await this.discover(true);
    this.markDirty();
    if (this.state !== 'starting') return;
    this.state = 'running';
    this.schedule(0);
  }

  /**
   * Stops: reads every file to its end and delivers it (see the header), unless `finalRead` is
   * false — a batch read stopped by the user ends where it stopped (what was delivered is
   * checkpointed; a held partial line stays unread).
   */
  shutdown(options: { finalRead?: boolean } = {}): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return Promise.resolve();
    }
    this.shutdownPromise ??= this.doShutdown(options.finalRead ?? true);
    return this.shutdownPromise;
  }

  private async doShutdown(finalRead: boolean): Promise<void> {
    try {
      await this.startPromise;
    } catch {
      // start() failed and reported it; there is nothing to drain.
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.drainDeadlineMs = Date.now() + this.cfg.drainTimeoutMs;
    const drainTimer = setTimeout(this.expireDrain, this.cfg.drainTimeoutMs);
    this.wake?.();
    await this.polling;
    if (!this.abandoned && finalRead) await this.runPoll(true);
    clearTimeout(drainTimer);
    const entries = this.checkpointEntries(Date.now());
    this.dirty = true;
    await this.saveChain;
    await this.writeCheckpoint(entries);
    for (const f of this.files.values()) await f.close();
    this.files.clear();
    this.openFiles.set(this.labels, 0);
    this.state = 'stopped';
  }

  /**
   * Batch mode: reads every matched file to its end as of now, one after the other (oldest
   * modification first, so rotated files come before the current one), delivering every line with
   * retries and no deadline. Lines without their newline stay held (shutdown emits them). Scheduled
   * polling pauses meanwhile. `signal` stops the read early (complete: false).
   */
  async readToEnd(signal?: AbortSignal): Promise<ReadProgress> {
    await this.startPromise;
    if (this.state !== 'running') throw new Error('filelog: readToEnd() needs a started receiver');
    this.batchReading = true;
    let complete = true;
    try {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      await this.polling;
      await this.discover(false);
      const byAge: { f: TrackedFile; mtimeMs: number }[] = [];
      for (const f of this.files.values()) {
        const st = await f.handle.stat().catch(() => undefined);
        byAge.push({ f, mtimeMs: st ? st.mtimeMs : 0 });
      }
      byAge.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.f.path < b.f.path ? -1 : 1));
      for (const { f } of byAge) {
        // Incomplete only when the signal stopped a file with more to read: a signal that comes
        // during a file's last read stops nothing.
        let more = true;
        while (more && !signal?.aborted) {
          more = await this.readFile(f, false);
          if (more) await this.deliver();
        }
        if (more) complete = false;
      }
      await this.deliver();
      const files: ReadProgress['files'] = [];
      for (const { f } of byAge) files.push({ path: f.path, size: await f.size().catch(() => f.readOffset), offset: f.readOffset, gzip: f.gzip, ...(f.damage ? { error: f.damage } : {}) });
      const unopened = [...this.unopened].map(([path, error]) => ({ path, error }));
      return { files, complete, unopened };
    } finally {
      this.batchReading = false;
      this.schedule(this.cfg.pollIntervalMs);
    }
  }

  private schedule(delayMs: number): void {
    if (this.state !== 'running' || this.batchReading) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const poll = this.runPoll(false);
      this.polling = poll.then(() => undefined);
      void poll.then((behind) => this.schedule(behind ? 0 : this.cfg.pollIntervalMs));
    }, delayMs);
  }

  /** Runs one poll, never throwing; true when files are behind (more to read right away). */
  private async runPoll(final: boolean): Promise<boolean> {
    try {
      return await this.poll(final);
    } catch (e) {
      if (e instanceof DeliveryAbandoned) {
        this.abandoned = true;
        this.settings.logger.warn('filelog: downstream still refusing at the end of drain_timeout; undelivered lines stay behind the checkpoint', {
          receiver: this.settings.id,
        });
      } else {
        this.errors.inc({ ...this.labels, op: 'poll' });
        this.settings.logger.error('filelog: poll failed', { receiver: this.settings.id, error: (e as Error).message });
      }
      return false;
    }
  }

  /** Returns true when a file has more data than one poll reads (the next poll should follow at once). */
  private async poll(final: boolean): Promise<boolean> {
    await this.discover(false);
    let behind = false;
    for (const f of [...this.files.values()]) if (await this.readFile(f, final)) behind = true;
    await this.deliver();
    // Renamed-away/deleted files that stayed idle are done: their checkpoint moves to the dormant list.
    const now = Date.now();
    for (const [key, f] of this.files) {
      if (f.lost && f.idlePolls >= this.lostIdlePolls && f.pending.length === 0 && f.ackedOffset === f.emittedOffset) {
        this.dormant.push(f.checkpoint(now));
        this.files.delete(key);
        await f.close();
        this.markDirty();
      }
    }
    this.openFiles.set(this.labels, this.files.size);
    if (this.dirty) void this.requestSave();
    return behind;
  }

  // --- discovery -------------------------------------------------------------------------------

  /** Matched regular files by device:inode (the first path seen for hard links). */
  private async scan(): Promise<Map<string, string>> {
    const paths = new Set<string>();
    for (const pattern of this.cfg.include) {
      try {
        const directories: string[] = [];
        const matched = await expandGlob(pattern, directories);
        // A directory named as a pattern (`/var/log/nginx`) or matched by one (`/var/log/*`) is no log: said and counted, once.
        for (const d of directories) if (!this.isExcluded(d) && !path.join(d, path.sep).startsWith(this.storagePrefix)) await this.skipDirectory(d);
        if (matched.length === 0 && directories.length === 0) this.warnOnce(`nomatch:${pattern}`, 'filelog: include pattern matches no file (yet)', { pattern });
        for (const p of matched) if (!this.isExcluded(p) && !p.startsWith(this.storagePrefix)) paths.add(p);
      } catch (e) {
        this.errors.inc({ ...this.labels, op: 'glob' });
        this.warnOnce(`glob:${pattern}`, 'filelog: cannot expand include pattern', { pattern, error: (e as Error).message });
      }
    }
    const byId = new Map<string, string>();
    for (const p of [...paths].sort()) {
      try {
        const st = await fs.promises.stat(p, { bigint: true });
        if (!st.isFile()) continue;
        const id = `${st.dev}:${st.ino}`;
        if (!byId.has(id) && !this.skipped.has(id)) byId.set(id, p);
      } catch {
        // Vanished between the directory listing and stat: the next poll sees the new state.
      }
    }
    return byId;
  }

  private async discover(initial: boolean): Promise<void> {
    const matched = await this.scan();
    for (const [id, f] of this.files) {
      const p = matched.get(id);
      if (p !== undefined) {
        f.path = p;
        f.lost = false;
        f.idlePolls = 0;
      } else if (!f.lost) {
        f.lost = true;
        f.idlePolls = 0;
        this.rotations.inc({ ...this.labels, kind: 'moved' });
      }
    }
    for (const [id, p] of matched) {
      if (!this.files.has(id)) await this.open(p, initial);
    }
  }

  private async open(filePath: string, initial: boolean): Promise<void> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(filePath, 'r');
    } catch (e) {
      this.errors.inc({ ...this.labels, op: 'open' });
      this.cannotOpen(filePath, e as Error);
      this.warnOnce(`open:${filePath}`, 'filelog: cannot open file', { path: filePath, error: (e as Error).message });
      return;
    }
    try {
      const st = await handle.stat({ bigint: true });
      const id = `${st.dev}:${st.ino}`;
      // The path may have been rotated between the scan and the open.
      if (this.files.has(id) || !st.isFile()) {
        await handle.close();
        return;
      }
      const ino = st.ino.toString();
      const size = Number(st.size);
      const headBuf = Buffer.alloc(Math.min(this.cfg.fingerprintSize, size));
      const { bytesRead } = await handle.read(headBuf, 0, headBuf.length, 0);
      const head = headBuf.subarray(0, bytesRead);
      let offset: number;
      const gzip = isGzip(head);
      if (!gzip && isBinaryHead(head)) {
        await handle.close();
        this.skip(id, filePath, 'binary');
        return;
      }
      const known = this.dormant.findIndex((c) => c.ino === ino && startsWith(head, c.fingerprint));
      const original = known < 0 && !initial && !gzip ? await this.copyOrigin(head) : undefined;
      if (known >= 0) {
        const c = this.dormant[known];
        this.dormant.splice(known, 1);
        offset = c.offset <= size ? c.offset : 0;
      } else if (original) {
        // A copy of a file being read (copytruncate): what the original emitted is not read again,
        // and its held partial line is completed from the copy.
        offset = Math.min(original.take(), size);
        this.rotations.inc({ ...this.labels, kind: 'copied' });
      } else {
        offset = initial && this.cfg.startAt === 'end' ? size : 0;
      }
      if (gzip && (this.cfg.gzip === 'skip' || (offset === 0 && !(initial && this.cfg.startAt === 'beginning')))) {
        // Skipped: not asked for, or a compressed rotation appearing while running (already read as text).
        await handle.close();
        this.skip(id, filePath, 'gzip');
        return;
      }
      const tracked = new TrackedFile(filePath, handle, ino, head, offset);
      tracked.gzip = gzip;
      this.files.set(id, tracked);
      this.unopened.delete(filePath);
      this.markDirty();
    } catch (e) {
      await handle.close().catch(() => undefined);
      this.errors.inc({ ...this.labels, op: 'open' });
      this.cannotOpen(filePath, e as Error);
      this.warnOnce(`open:${filePath}`, 'filelog: cannot read file', { path: filePath, error: (e as Error).message });
    }
  }

  /**
   * Where a copy whose head is `head` starts to hold unread lines, if it is a copy of an open file
   * (copytruncate): that file's fingerprint starts `head`, and is either full (fingerprint_size
   * bytes: two files that long alike are one) or the original has just been truncated — a short
   * common head alone (a CSV header) proves nothing. The original may also have been truncated
   * already in this or an earlier poll (its previous content is remembered until a copy claims
   * it). `take()` returns the offset and hands the original's held partial line to the copy.
   */
  private async copyOrigin(head: Buffer, except?: TrackedFile): Promise<{ take(): number } | undefined> {
    for (const f of this.files.values()) {
      if (f === except || f.gzip) continue;
      const before = f.previousContent;
      if (before && Date.now() - before.atMs < PREVIOUS_CONTENT_MS && startsWith(head, before.fingerprint)) {
        return { take: () => ((f.previousContent = undefined), before.emittedOffset) };
      }
      if (f.fingerprint.length === 0 || !startsWith(head, f.fingerprint)) continue;
      if (f.fingerprint.length >= this.cfg.fingerprintSize || (await f.size().catch(() => Infinity)) < f.readOffset) {
        return { take: () => (f.dropPending(), f.emittedOffset) };
      }
    }
    return undefined;
  }

  private countNulBytes(f: LineSource): void {
    if (f.skippedNulBytes === 0) return;
    this.nulBytes.inc(this.labels, f.skippedNulBytes);
    this.warnOnce(`nul:${f.path}`, 'filelog: skipped NUL bytes at the start of a line (a hole left by a writer without O_APPEND when its file was truncated?)', {
      path: f.path,
      bytes: f.skippedNulBytes,
    });
    f.skippedNulBytes = 0;
  }

  private cannotOpen(filePath: string, e: Error): void {
    if (this.unopened.size >= MAX_SKIPPED) this.unopened.clear();
    this.unopened.set(filePath, (e as NodeJS.ErrnoException).code ?? e.message);
  }

  private async skipDirectory(dirPath: string): Promise<void> {
    const st = await fs.promises.stat(dirPath, { bigint: true }).catch(() => undefined);
    if (st?.isDirectory()) this.skip(`${st.dev}:${st.ino}`, dirPath, 'directory');
  }

  private skip(id: string, filePath: string, reason: 'directory' | 'binary' | 'gzip'): void {
    if (this.skipped.has(id)) return;
    if (this.skipped.size >= MAX_SKIPPED) this.skipped.clear();
    this.skipped.set(id, reason);
    this.skippedFiles.inc({ ...this.labels, reason });
    const why = {
      directory: 'a directory, not a file',
      binary: 'a binary file (NUL bytes at its head), not a text log',
      gzip: this.cfg.gzip === 'skip' ? 'gzip-compressed (set gzip: read to read it)' : 'gzip-compressed and appeared while running (a rotation of a file already read)',
    }[reason];
    this.warnOnce(`skip:${filePath}`, `filelog: not reading ${filePath}: ${why}`, { path: filePath, reason });
  }

  /** Paths skipped (directory, binary, gzip) and why. */
  skippedPaths(): Map<string, string> {
    return new Map(this.skipped);
  }

  // --- reading ---------------------------------------------------------------------------------

  /** Reads what the file has (at most MAX_BYTES_PER_FILE_PER_POLL unless final); true when it has more. */
  private async readFile(f: TrackedFile, final: boolean): Promise<boolean> {
    try {
      // A gzip file is read once, whole (its handle is closed by then): a rotation is not appended to.
      if (f.gzip) {
        if (f.readOffset === 0) {
          const size = await f.size();
          if (size > 0) await this.readGzip(f, size);
        }
        return false;
      }
      const size = await f.size();
      await this.checkContent(f, size);
      const limit = final ? size : f.readOffset + MAX_BYTES_PER_FILE_PER_POLL;
      let read = 0;
      while (f.readOffset < limit) {
        const nowMs = Date.now();
        const { bytes, lines } = await f.readChunk(this.scratch, this.cfg.maxLineSize);
        if (bytes === 0) break;
        read += bytes;
        this.observedTimeUnixNano = BigInt(nowMs) * 1_000_000n;
        for (const line of lines) {
          this.addLine(f, line);
          if (this.batch.records >= this.cfg.maxBatchSize) await this.deliver();
        }
      }
      this.countNulBytes(f);
      if (f.lost) f.idlePolls = read === 0 ? f.idlePolls + 1 : 0;
      // Only the file's last read emits a line without its newline; a pause never does.
      const lastRead = final || (f.lost && f.idlePolls >= this.lostIdlePolls);
      if (f.pending.length > 0 && lastRead) this.emitPending(f);
      return !final && f.readOffset >= limit;
    } catch (e) {
      if (e instanceof DeliveryAbandoned) throw e;
      this.errors.inc({ ...this.labels, op: 'read' });
      this.warnOnce(`read:${f.path}`, 'filelog: cannot read file', { path: f.path, error: (e as Error).message });
      return false;
    }
  }

  /**
   * Reads a gzip file whole through a decompressor. Its lines carry no offset (a compressed file
   * has no line offsets): the checkpoint moves to its size once every line is delivered, so an
   * interrupted read is read again whole (at least once).
   */
  private async readGzip(f: TrackedFile, size: number): Promise<void> {
    const input = f.handle.createReadStream({ start: 0, end: size - 1, autoClose: false });
    const gunzip = zlib.createGunzip();
    input.pipe(gunzip);
    let pending: Buffer = Buffer.alloc(0);
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) pending = await this.addChunkLines(f, pending, chunk, () => f.ackedOffset);
    } catch (e) {
      this.errors.inc({ ...this.labels, op: 'read' });
      // The bytes after the last newline were cut by the damage, not written as a line by the
      // program: not emitted (a cut line could pass for a request with wrong figures), but said.
      f.damage = `${(e as Error).message}; the lines before the damage were read` + (pending.length ? `, the ${pending.length} bytes of the line it cut were not` : '');
      pending = Buffer.alloc(0);
      this.warnOnce(`gzip:${f.path}`, 'filelog: cannot decompress file', { path: f.path, error: f.damage });
    } finally {
      input.unpipe(gunzip);
      input.destroy();
    }
    this.countNulBytes(f);
    if (pending.length) this.addLine(f, { text: pending.toString('utf8'), endOffset: f.ackedOffset, split: false, partial: true });
    f.readOffset = size;
    f.emittedOffset = size;
    this.batch.commits.set(f, { generation: f.generation, offset: size });
  }

  /**
   * Emits the complete lines of `pending` + `chunk` (a decompressor's or a stream's output, which
   * has no file offsets: each line's end offset is `endOffset()`), delivering full batches; returns
   * the bytes after the last newline, to be held until the next chunk.
   */
  private async addChunkLines(f: LineSource, pending: Buffer, chunk: Buffer, endOffset: () => number): Promise<Buffer> {
    const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const lines: FileLine[] = [];
    const rest = splitLines(data, 0, this.cfg.maxLineSize, lines, f);
    this.observedTimeUnixNano = BigInt(Date.now()) * 1_000_000n;
    for (const line of lines) {
      line.endOffset = endOffset();
      this.addLine(f, line);
      if (this.batch.records >= this.cfg.maxBatchSize) await this.deliver();
    }
    return Buffer.from(data.subarray(rest));
  }

  /**
   * Reads a stream (standard input, a named pipe) to its end: lines are emitted as they complete and
   * delivered after every chunk (a live `tail -f | ...` is seen as it comes); a line split across
   * chunks, however long the pause between them, is held until its newline. At the end of the
   * stream its last line without a newline is emitted, marked partial. `signal` stops the read
   * (complete: false); the held line is then emitted only when `emitPartialOnStop` (a live run
   * ends as a file's final read does), else dropped and counted as not read (a stopped batch).
   * A gzip-compressed stream (`gzip -c access.log | ...`) is decompressed (gzip-stream.ts); its
   * size and read offset are then in compressed bytes, as a .gz file's are, and a damaged one
   * is read up to the damage, the line the damage cut not emitted (as readGzip does).
   */
  async readStream(name: string, input: NodeJS.ReadableStream & { destroy(error?: Error): void }, options: { signal?: AbortSignal; emitPartialOnStop?: boolean } = {}): Promise<ReadProgress> {
    await this.startPromise;
    if (this.state !== 'running') throw new Error('filelog: readStream() needs a started receiver');
    const f = new StreamSource(name);
    const signal = options.signal;
    const stop = () => input.destroy();
    signal?.addEventListener('abort', stop, { once: true });
    let error: string | undefined;
    // A gzip stream: the compressed bytes read (its size, as a .gz file's), else undefined.
    let compressed: number | undefined;
    try {
      if (!signal?.aborted) {
        const chunks = gunzipIfGzip(input as AsyncIterable<Buffer>, { onGzip: () => (compressed = 0), onCompressed: (n) => (compressed! += n) });
        for await (const chunk of chunks) {
          f.bytes += chunk.length;
          f.pending = await this.addChunkLines(f, f.pending, chunk, () => f.bytes);
          await this.deliver();
          if (signal?.aborted) break;
        }
      }
    } catch (e) {
      if (!signal?.aborted) {
        this.errors.inc({ ...this.labels, op: 'read' });
        error = (e as Error).message;
      }
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    const complete = !signal?.aborted;
    this.countNulBytes(f);
    if (error !== undefined && compressed !== undefined) {
      // The bytes after the last newline were cut by the damage, not written as a line: not emitted, but said.
      error += '; the lines before the damage were read' + (f.pending.length ? `, the ${f.pending.length} bytes of the line it cut were not` : '');
      f.pending = Buffer.alloc(0);
    }
    if (f.pending.length && (complete || options.emitPartialOnStop)) {
      const text = f.pending.toString('utf8');
      f.pending = Buffer.alloc(0);
      this.addLine(f, { text: text.endsWith('\r') ? text.slice(0, -1) : text, endOffset: f.bytes, split: false, partial: true });
    }
    await this.deliver();
    const read = compressed ?? f.bytes - f.pending.length;
    return { files: [{ path: name, size: compressed ?? f.bytes, offset: read, gzip: compressed !== undefined, ...(error ? { error } : {}) }], complete, unopened: [] };
  }

  /** Detects truncation (size below the read position) and replaced content (head changed); restarts such a file from 0. */
  private async checkContent(f: TrackedFile, size: number): Promise<void> {
    let replaced = size < f.readOffset;
    let head: Buffer | undefined;
    if (!replaced) {
      head = await f.readHead(Math.min(this.cfg.fingerprintSize, size));
      if (!startsWith(head, f.fingerprint)) replaced = true;
      else if (head.length > f.fingerprint.length) f.fingerprint = head;
    }
    if (!replaced) return;
    head ??= await f.readHead(Math.min(this.cfg.fingerprintSize, size));
    // The held partial line belongs to the old content: emit it rather than lose it.
    this.emitPending(f);
    // The new content may be a copy of another file being read: `cp access.log access.log.1`
    // over the previous copy (copytruncate) rewrites the same file. Read it from where the
    // original stopped, as a newly found copy is (open), not again from its start.
    const original = f.gzip ? undefined : await this.copyOrigin(head, f);
    f.reset(head);
    if (original) {
      f.readOffset = f.emittedOffset = f.ackedOffset = Math.min(original.take(), size);
      this.rotations.inc({ ...this.labels, kind: 'copied' });
    } else this.rotations.inc({ ...this.labels, kind: 'truncated' });
    this.markDirty();
  }

  private emitPending(f: TrackedFile): void {
    const line = f.takePending();
    if (!line) return;
    this.observedTimeUnixNano = BigInt(Date.now()) * 1_000_000n;
    this.addLine(f, line);
  }

  private addLine(f: LineSource, line: FileLine): void {
    const b = this.batch;
    const commit = b.commits.get(f);
    if (commit !== undefined && commit.generation === f.generation) commit.offset = line.endOffset;
    else b.commits.set(f, { generation: f.generation, offset: line.endOffset });
    if (line.split) {
      this.splitLines.inc(this.labels);
      if (!f.inLongLine) this.longLines.inc(this.labels);
    }
    f.inLongLine = line.split;
    if (line.partial) this.partialLines.inc(this.labels);
    const parsed = this.parser(line.text);
    if (parsed === null) {
      this.headerLines.inc(this.labels);
      return;
    }
    if (parsed.parseError) this.malformed.inc(this.malformedLabels);
    const attributes = parsed.attributes;
    if (this.cfg.includeFileName) attributes.push({ key: 'log.file.name', value: f.name });
    if (this.cfg.includeFilePath) attributes.push({ key: 'log.file.path', value: f.path });
    if (line.partial) attributes.push({ key: 'log.file.partial_line', value: true });
    for (const key in this.cfg.attributes) attributes.push({ key, value: toAnyValue(this.cfg.attributes[key]) });
    b.builder.add(
      b.resourceIndex,
      b.scopeIndex,
      {
        timeUnixNano: parsed.timeUnixNano,
        observedTimeUnixNano: this.observedTimeUnixNano,
        severityNumber: parsed.severityNumber,
        severityText: parsed.severityText,
        body: parsed.body,
        attributes,
        traceId: parsed.traceId,
        spanId: parsed.spanId,
      },
      line.text.length + 24 * attributes.length,
    );
    b.records++;
  }

  // --- delivery --------------------------------------------------------------------------------

  private newBatch(): PendingBatch {
    const builder = new LogBatchBuilder();
    const attributes: KeyValue[] = Object.entries(this.cfg.resourceAttributes).map(([key, value]) => ({ key, value: toAnyValue(value) }));
    const resourceIndex = builder.addResource({ attributes, droppedAttributesCount: 0, schemaUrl: '' });
    const scopeIndex = builder.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    return { builder, resourceIndex, scopeIndex, records: 0, commits: new Map() };
  }

  /** Sends the pending batch (retrying), then advances the files' acknowledged offsets. */
  private async deliver(): Promise<void> {
    const b = this.batch;
    if (b.records === 0 && b.commits.size === 0) return;
    this.batch = this.newBatch();
    if (b.records > 0) {
      const refusal = await this.send(b.builder.batch);
      if (refusal === undefined) this.accepted.inc(this.labels, b.records);
      else this.refused.inc({ ...this.labels, reason: refusal }, b.records);
    }
    for (const [f, c] of b.commits) if (f.generation === c.generation && c.offset > f.ackedOffset) f.ackedOffset = c.offset;
    this.markDirty();
    void this.requestSave();
  }

  /**
   * undefined when accepted, the reason when refused permanently (the batch is then
   * dropped, counted); throws DeliveryAbandoned at the end of the drain timeout.
   */
  private async send(batch: LogBatch): Promise<string | undefined> {
    let attempt = 0;
    for (;;) {
      try {
        const consumed = this.next.consumeLogs(batch);
        // Raced below: a rejection after the race is over must not go unhandled.
        consumed.catch(() => undefined);
        if ((await Promise.race([consumed, this.drainExpired])) === 'expired') throw new DeliveryAbandoned();
        if (attempt > 0) this.settings.logger.info('filelog: downstream accepted again', { receiver: this.settings.id, attempts: attempt + 1 });
        return undefined;
      } catch (err) {
        if (err instanceof DeliveryAbandoned) throw err;
        if (isPermanent(err)) {
          this.settings.logger.error('filelog: downstream refused a batch permanently; dropped', {
            receiver: this.settings.id,
            records: batch.length,
            error: (err as Error).message,
          });
          return err.reason;
        }
        this.retries.inc(this.labels);
        if (attempt === 0) this.settings.logger.warn('filelog: downstream failed, retrying', { receiver: this.settings.id, error: (err as Error)?.message });
        const backoff = Math.min(this.cfg.retryMaxMs, this.cfg.retryInitialMs * 2 ** Math.min(attempt, 30));
        const hint = err instanceof RetryableError && err.retryAfterMs !== undefined ? err.retryAfterMs : 0;
        let delay = Math.max(backoff * (0.8 + 0.4 * Math.random()), hint);
        attempt++;
        if (this.state === 'stopping') {
          const remaining = this.drainDeadlineMs - Date.now();
          if (remaining <= 0) throw new DeliveryAbandoned();
          delay = Math.min(delay, remaining);
        }
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  // --- checkpoints -----------------------------------------------------------------------------

  private markDirty(): void {
    this.dirty = true;
  }

  private checkpointEntries(nowMs: number): FileCheckpoint[] {
    this.dormant = this.dormant.filter((c) => nowMs - c.seenAtMs < DORMANT_TTL_MS).slice(-MAX_DORMANT);
    return [...[...this.files.values()].map((f) => f.checkpoint(nowMs)), ...this.dormant];
  }

  /** Coalesces save requests: at most one write runs and at most one waits. */
  private requestSave(): Promise<void> {
    if (this.saveQueued) return this.saveChain;
    this.saveQueued = true;
    this.saveChain = this.saveChain.then(() => {
      this.saveQueued = false;
      if (!this.dirty) return;
      return this.writeCheckpoint(this.checkpointEntries(Date.now()));
    });
    return this.saveChain;
  }

  private async writeCheckpoint(entries: FileCheckpoint[]): Promise<void> {
    this.dirty = false;
    try {
      await this.store.save(entries);
    } catch (e) {
      this.dirty = true;
      this.errors.inc({ ...this.labels, op: 'checkpoint' });
      this.warnOnce('checkpoint', 'filelog: cannot write checkpoint', { file: this.store.file, error: (e as Error).message });
    }
  }

  private warnOnce(key: string, msg: string, fields: Record<string, unknown>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.settings.logger.warn(msg, { receiver: this.settings.id, ...fields });
  }
}
