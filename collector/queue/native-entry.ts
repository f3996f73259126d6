/**
 * A write-ahead-log entry that holds its records as an insert-ready ClickHouse
 * Native block (storage/native-block.ts), so a record is encoded once, when it
 * is appended, and what is read back from the log is the INSERT body.
 *
 * Two layouts ("v" = unsigned LEB128 varint, "s" = v byte length + UTF-8):
 *
 *   'N' (0x4E): u8 tag, v rows, v column count, s column name..., then the Native
 *   block to the end of the payload (written before runs were left out; still read).
 *
 *   'R' (0x52): u8 tag, v rows, v column count, s column name..., v block bytes,
 *   v run count, per run (in block order): v literal bytes before it, u8 kind
 *   (RunKind), v a, v b, and for Steps v c; then the block's literal bytes (all but
 *   the runs' output) to the end of the payload. The runs are the block's repeated
 *   bytes (RepeatedRuns: a resource's and a scope's values and attribute lists on
 *   every row, about half of a compact-stream block): stored once per run, the
 *   entry costs the log (CRC, write, disk) half the bytes. Reading it back makes
 *   the block again with the writer calls that made it, byte for byte.
 *
 * The column names are the INSERT's column list (the table's columns when the block
 * was encoded: a block kept across a restart is inserted by name). With InsertId
 * deduplication (servers without tokens) the block leaves out the InsertId column,
 * which derives from the insert block the rows are sent in: each insert adds it.
 * Entries in the LogBatch form (batch-codec.ts) begin with that codec's version byte
 * (1), so the first byte tells the kinds apart; all may be in one log.
 */
import { BinaryWriter } from '../bytes/binary-writer';
import { NativeWriter, RUN_FIELDS, RunKind, type RepeatedRuns } from '../storage/native-block';
import { NativeCursor } from '../storage/native-slice';

/** The block whole after the header. */
export const NATIVE_ENTRY_TAG = 0x4e;
/** The block without its repeated runs (see above). */
export const NATIVE_RUNS_ENTRY_TAG = 0x52;

export interface NativeEntry {
  rows: number;
  columns: readonly string[];
  /** The Native block: a view into the payload ('N'), or of a buffer from `allocate` ('R'). */
  block: Buffer;
}

export function isNativeEntry(payload: Uint8Array): boolean {
  return payload.length > 0 && (payload[0] === NATIVE_ENTRY_TAG || payload[0] === NATIVE_RUNS_ENTRY_TAG);
}

/** Writes an 'N' entry's header; the caller writes the block right after it. */
export function writeNativeEntryHeader(w: BinaryWriter, rows: number, columns: readonly string[]): void {
  writeHead(w, NATIVE_ENTRY_TAG, rows, columns);
}

function writeHead(w: BinaryWriter, tag: number, rows: number, columns: readonly string[]): void {
  w.u8(tag);
  w.varint(rows);
  w.varint(columns.length);
  for (const c of columns) w.string(c);
}

/**
 * An 'R' entry of `block` (rows, columns) and its repeated `runs` (noted while the block
 * was written, positions relative to its start), as payload parts: the header, then views
 * of `block` between the runs (not copied: valid while `block` is).
 */
export function nativeRunsEntryParts(block: Buffer, rows: number, columns: readonly string[], runs: RepeatedRuns): Buffer[] {
  const head = new BinaryWriter(256 + 16 * runs.count);
  writeHead(head, NATIVE_RUNS_ENTRY_TAG, rows, columns);
  head.varint(block.length);
  head.varint(runs.count);
  const literals: Buffer[] = [];
  const f = runs.fields;
  let end = 0;
  for (let r = 0; r < f.length; r += RUN_FIELDS) {
    const [kind, at, length, a, b, c] = [f[r], f[r + 1], f[r + 2], f[r + 3], f[r + 4], f[r + 5]];
    head.varint(at - end);
    if (at > end) literals.push(block.subarray(end, at));
    head.u8(kind);
    head.varint(a);
    head.varint(b);
    if (kind === RunKind.Steps) head.varint(c);
    end = at + length;
  }
  if (end < block.length) literals.push(block.subarray(end));
  return [head.copyOut(), ...literals];
}

/**
 * Reads an entry of either layout. An 'R' entry's block is made in a buffer from
 * `allocate(size)` (e.g. a BufferPool's; its first `size` bytes). Throws on a malformed entry.
 */
export function decodeNativeEntry(payload: Buffer, allocate: (size: number) => Buffer = Buffer.allocUnsafe): NativeEntry {
  const tag = payload[0];
  if (tag !== NATIVE_ENTRY_TAG && tag !== NATIVE_RUNS_ENTRY_TAG) throw new Error('not a Native log entry');
  const c = new NativeCursor(payload, 1);
  const rows = c.varint();
  const count = c.varint();
  const columns: string[] = [];
  for (let k = 0; k < count; k++) columns.push(c.string());
  const block = tag === NATIVE_ENTRY_TAG ? payload.subarray(c.pos) : blockFromRuns(c, allocate);
  // The block's own header repeats the counts: a cheap check that header and block belong together.
  const b = new NativeCursor(block, 0);
  if (b.varint() !== count || b.varint() !== rows) throw new Error('Native log entry: header and block disagree');
  return { rows, columns, block };
}

interface Run {
  literalBefore: number;
  kind: RunKind;
  a: number;
  b: number;
  c: number;
}

/** An 'R' entry's block, from its run table at the cursor and its literal bytes after it. */
function blockFromRuns(c: NativeCursor, allocate: (size: number) => Buffer): Buffer {
  const size = c.varint();
  const runCount = c.varint();
  const runs: Run[] = [];
  for (let r = 0; r < runCount; r++) {
    const literalBefore = c.varint();
    c.skip(1);
    const kind = c.buf[c.pos - 1] as RunKind;
    runs.push({ literalBefore, kind, a: c.varint(), b: c.varint(), c: kind === RunKind.Steps ? c.varint() : 0 });
  }
  const literals = c.buf.subarray(c.pos);
  const w = new NativeWriter(0);
  w.buf = allocate(size);
  let used = 0;
  const literal = (n: number) => {
    if (n > literals.length - used || n > size - w.pos) throw new Error('Native log entry: runs and bytes disagree');
    w.raw(literals.subarray(used, used + n));
    used += n;
  };
  for (const run of runs) {
    literal(run.literalBefore);
    writeRun(w, run, size);
  }
  literal(literals.length - used);
  if (w.pos !== size) throw new Error('Native log entry: runs and bytes disagree');
  return w.buf.subarray(0, size);
}

/** One run written again with the call that wrote it, after checking it stays within `size` and reads only bytes written. */
function writeRun(w: NativeWriter, run: Run, size: number): void {
  const room = size - w.pos;
  const { kind, a, b, c } = run;
  if (kind === RunKind.Repeat && a > 0 && a <= w.pos && b > 0 && a * b <= room) w.repeatLast(a, b);
  else if (kind === RunKind.Steps && c > 0 && 8 * c <= room) w.uint64Steps(a, b, c);
  else if (kind === RunKind.Copy && a < b && b <= w.pos && b - a <= room) w.copyWritten(a, b);
  else throw new Error(`Native log entry: bad run (kind ${kind})`);
}
