/** Length prefixes beyond 32 bits must be refused by both hand-written protobuf readers. */
import { varintExceeds32Bits } from '../../collector/protobuf/varint';
import { ProtoReader, Malformed } from '../../collector/protobuf/reader';
import { decodeExportRequest } from '../../collector/otlp/wire-decode';
import { PermanentError } from '../../collector/pipeline/errors';

// 2^32 as a varint: its low 32 bits are 0, so a reader keeping only those would see length 0.
const TWO_POW_32 = [0x80, 0x80, 0x80, 0x80, 0x10];

describe('length prefixes wider than 32 bits', () => {
  test('varintExceeds32Bits looks only at bits above 31', () => {
    expect(varintExceeds32Bits(Uint8Array.from(TWO_POW_32), 0, 5)).toBe(true);
    expect(varintExceeds32Bits(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 0, 5)).toBe(false); // 2^32 - 1
    expect(varintExceeds32Bits(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0, 6)).toBe(true); // 2^35
    expect(varintExceeds32Bits(Uint8Array.from([0x05]), 0, 1)).toBe(false);
  });

  test('the compact reader refuses one instead of reading it as 0', () => {
    const r = new ProtoReader(Buffer.from([...TWO_POW_32, 0x08, 0x01]));
    expect(() => r.lengthEnd(7)).toThrow(Malformed);
  });

  test('the OTLP reader refuses one (resource_logs field with length 2^32)', () => {
    expect(() => decodeExportRequest(Uint8Array.from([0x0a, ...TWO_POW_32]))).toThrow(PermanentError);
  });
});
