/** CRC-32 (IEEE, as zlib/gzip): node's zlib.crc32 where present (Node >= 20.15), else a table. */
import * as zlib from 'zlib';

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;
function slowCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** `value`: the CRC of the bytes before `data`, to continue it (crc32(b, crc32(a)) === crc32(a + b)). */
export function crc32(data: Uint8Array, value = 0): number {
  return native ? native(data, value) >>> 0 : slowCrc32(data, value);
}
