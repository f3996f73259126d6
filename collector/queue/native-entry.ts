/**
 * A write-ahead-log entry that holds its records as an insert-ready ClickHouse
 * Native block (storage/native-block.ts), so a record is encoded once, when it
 * is appended, and the bytes read back from the log are the INSERT body.
 *
 * Layout: u8 tag 0x4E ('N'), v rows, v column count, s column name..., then the
 * Native block to the end of the payload. The column names are the INSERT's
 * column list (the table's columns when the block was encoded: a block kept
 * across a restart is inserted by name). With InsertId deduplication (servers
 * without tokens) the block leaves out the InsertId column, which derives from the
 * insert block the rows are sent in: each insert adds it. Entries in the LogBatch form
 * (batch-codec.ts) begin with that codec's version byte (1), so the first byte
 * tells the two kinds apart; both may be in one log.
 */
import type { BinaryWriter } from '../bytes/binary-writer';
import { NativeCursor } from '../storage/native-slice';

export const NATIVE_ENTRY_TAG = 0x4e;

export interface NativeEntry {
  rows: number;
  columns: readonly string[];
  /** The Native block (a view into the payload). */
  block: Buffer;
}

export function isNativeEntry(payload: Uint8Array): boolean {
  return payload.length > 0 && payload[0] === NATIVE_ENTRY_TAG;
}

/** Writes the entry header; the caller writes the block right after it. */
export function writeNativeEntryHeader(w: BinaryWriter, rows: number, columns: readonly string[]): void {
  w.u8(NATIVE_ENTRY_TAG);
  w.varint(rows);
  w.varint(columns.length);
  for (const c of columns) w.string(c);
}

/** Reads an entry written by writeNativeEntryHeader + block. Throws on a malformed header. */
export function decodeNativeEntry(payload: Buffer): NativeEntry {
  const c = new NativeCursor(payload, 0);
  c.skip(1);
  if (payload[0] !== NATIVE_ENTRY_TAG) throw new Error('not a Native log entry');
  const rows = c.varint();
  const count = c.varint();
  const columns: string[] = [];
  for (let k = 0; k < count; k++) columns.push(c.string());
  const block = payload.subarray(c.pos);
  // The block's own header repeats the counts: a cheap check that header and block belong together.
  const b = new NativeCursor(block, 0);
  if (b.varint() !== count || b.varint() !== rows) throw new Error('Native log entry: header and block disagree');
  return { rows, columns, block };
}
