/**
 * Persisted read positions: for each file, its identity (inode + the bytes at
 * its head, the "fingerprint") and the offset up to which its lines were
 * acknowledged downstream. One JSON file per receiver id, replaced atomically
 * (write a temporary file, fsync, rename), so a crash leaves either the old or
 * the new checkpoint, never a torn one.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface FileCheckpoint {
  /** Inode number as a decimal string (64-bit inodes do not fit a double). */
  ino: string;
  /** The file's first bytes (up to fingerprint_size) when last seen. */
  fingerprint: Buffer;
  /** Bytes of the file whose lines were delivered. */
  offset: number;
  /** Path when last seen (informational: files are matched by identity, not path). */
  path: string;
  /** When the file was last seen (epoch ms); old entries of vanished files expire. */
  seenAtMs: number;
}

interface StoredEntry {
  ino: string;
  fingerprint: string;
  offset: number;
  path: string;
  seen_at_ms: number;
}

const FORMAT_VERSION = 1;

export class CheckpointStore {
  readonly file: string;

  constructor(storageDir: string, receiverId: string) {
    this.file = path.join(storageDir, receiverId.replace(/[^A-Za-z0-9._-]/g, '_') + '.json');
  }

  /** The stored checkpoints; [] when there are none. Throws with a clear message when the file is unreadable or corrupt. */
  async load(): Promise<FileCheckpoint[]> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read checkpoint ${this.file}: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new Error(`checkpoint ${this.file} is not valid JSON: ${(e as Error).message}`);
    }
    const files = (doc as { version?: unknown; files?: unknown })?.files;
    if ((doc as { version?: unknown })?.version !== FORMAT_VERSION || !Array.isArray(files)) {
      throw new Error(`checkpoint ${this.file} has an unknown format`);
    }
    const out: FileCheckpoint[] = [];
    for (const e of files as StoredEntry[]) {
      if (typeof e?.ino !== 'string' || typeof e.fingerprint !== 'string' || !Number.isSafeInteger(e.offset) || e.offset < 0) continue;
      out.push({
        ino: e.ino,
        fingerprint: Buffer.from(e.fingerprint, 'base64'),
        offset: e.offset,
        path: typeof e.path === 'string' ? e.path : '',
        seenAtMs: typeof e.seen_at_ms === 'number' ? e.seen_at_ms : Date.now(),
      });
    }
    return out;
  }

  async save(entries: FileCheckpoint[]): Promise<void> {
    const doc = {
      version: FORMAT_VERSION,
      files: entries.map<StoredEntry>((e) => ({
        ino: e.ino,
        fingerprint: e.fingerprint.toString('base64'),
        offset: e.offset,
        path: e.path,
        seen_at_ms: e.seenAtMs,
      })),
    };
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(doc));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, this.file);
  }
}
