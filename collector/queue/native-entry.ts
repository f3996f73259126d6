/**
 * A write-ahead-log entry that holds its records as an insert-ready ClickHouse
 * Native block (storage/native-block.ts), so a record is encoded once, when it
 * is appended, and the bytes read back from the log are the INSERT body.
 *
 * Layout: u8 tag 0x4E ('N'), v rows, v column count, s column name..., then the
 * Native block to the end of the payload. The column names are the INSERT's
 * column list (the table's columns when the block was encoded: a block kept
 * across a restart is inserted by name). Entries in the LogBatch form
 * (batch-codec.ts) begin with that codec's version byte (1), so the first byte
 * tells the two kinds apart; both may be in one log.
 */
import type { BinaryWriter } from '../bytes/binary-writer';

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
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > payload.length) throw new Error(`Native log entry truncated at byte ${pos}`);
  };
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      need(1);
      const b = payload[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new Error('Native log entry: varint too long');
  };
  need(1);
  if (payload[pos++] !== NATIVE_ENTRY_TAG) throw new Error('not a Native log entry');
  const rows = varint();
  const count = varint();
  const columns: string[] = [];
  for (let k = 0; k < count; k++) {
    const n = varint();
    need(n);
    columns.push(payload.toString('utf8', pos, pos + n));
    pos += n;
  }
  const block = payload.subarray(pos);
  // The block's own header repeats the counts: a cheap check that header and block belong together.
  let at = 0;
  const blockVarint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10 && at < block.length; i++) {
      const b = block[at++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    return -1;
  };
  if (blockVarint() !== count || blockVarint() !== rows) throw new Error('Native log entry: header and block disagree');
  return { rows, columns, block };
}
