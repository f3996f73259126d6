/** Varint checks of the collector's protobuf reader (collector/protobuf/reader.ts). */

/**
 * True when the varint just read from `buf[start, end)` has bits set above bit 31 (bits
 * 32-34 in its 5th byte, any in later bytes). A reader that keeps only the low 32 bits
 * of a length prefix must refuse such a prefix, or it would read a huge length as a
 * small, wrong one and decode the bytes after it as other fields.
 */
export function varintExceeds32Bits(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start + 4; i < end; i++) {
    if ((buf[i] & (i === start + 4 ? 0x70 : 0x7f)) !== 0) return true;
  }
  return false;
}
