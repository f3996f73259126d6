/**
 * anyValueToString renders values exactly as the OpenTelemetry Collector's
 * pcommon.Value.AsString() (what the contrib ClickHouse exporter stores).
 */
import { KeyValueList } from '../../collector/pipeline/batch';
import { anyValueToString, goFloatToString } from '../../collector/storage/anyvalue-string';

describe('anyValueToString', () => {
  test('scalars', () => {
    expect(anyValueToString('as is \n "quoted" <b>')).toBe('as is \n "quoted" <b>');
    expect(anyValueToString(undefined)).toBe('');
    expect(anyValueToString(true)).toBe('true');
    expect(anyValueToString(false)).toBe('false');
    expect(anyValueToString(0n)).toBe('0');
    expect(anyValueToString(-42n)).toBe('-42');
    expect(anyValueToString(9223372036854775807n)).toBe('9223372036854775807');
    expect(anyValueToString(-9223372036854775808n)).toBe('-9223372036854775808');
  });

  test('bytes are standard base64 with padding', () => {
    expect(anyValueToString(new Uint8Array([]))).toBe('');
    expect(anyValueToString(new Uint8Array([0, 1, 2, 255]))).toBe('AAEC/w==');
    expect(anyValueToString(new Uint8Array([251, 255]))).toBe('+/8=');
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    expect(anyValueToString(view)).toBe('AQID');
  });

  test.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [100, '100'],
    [0.1 + 0.2, '0.30000000000000004'],
    [123456789.123, '123456789.123'],
    [0.000001, '0.000001'],
    [0.0000012345, '0.0000012345'],
    [1e-7, '1e-7'],
    [-1.5e-7, '-1.5e-7'],
    [1.23e-10, '1.23e-10'],
    [5e-324, '5e-324'],
    [1e20, '100000000000000000000'],
    [123456789012345680000, '123456789012345680000'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [NaN, 'json: unsupported value: NaN'],
    [Infinity, 'json: unsupported value: +Inf'],
    [-Infinity, 'json: unsupported value: -Inf'],
  ])('double %p renders like Go: %s', (value, expected) => {
    expect(goFloatToString(value)).toBe(expected);
    expect(anyValueToString(value)).toBe(expected);
  });

  test('arrays render as Go encoding/json of the raw values', () => {
    expect(anyValueToString([])).toBe('[]');
    expect(anyValueToString(['a', 1n, 2.5, true, undefined, new Uint8Array([1]), -0, 1e21])).toBe('["a",1,2.5,true,null,"AQ==",-0,1e+21]');
    expect(anyValueToString([new Uint8Array([])])).toBe('[null]');
    expect(anyValueToString([[1n, [2n]], new KeyValueList([])])).toBe('[[1,[2]],{}]');
  });

  test('kvlists render with keys sorted by UTF-8 bytes and the last duplicate winning', () => {
    const v = new KeyValueList([
      { key: 'b', value: 1n },
      { key: 'a', value: 'first' },
      { key: 'B', value: false },
      { key: 'a', value: 'second' },
      { key: '😀', value: 'astral' },
      { key: '\uffff', value: 'bmp' },
      { key: 'é', value: 2.5 },
    ]);
    // UTF-16 order would put 😀 (D83D...) before U+FFFF; UTF-8 order puts it after (F0 > EF).
    expect(anyValueToString(v)).toBe('{"B":false,"a":"second","b":1,"é":2.5,"\uffff":"bmp","😀":"astral"}');
  });

  test('strings inside JSON are escaped like Go with SetEscapeHTML(false) (\\b \\f short forms, lowercase \\u00xx)', () => {
    const s = '"\\/\b\f\n\r\t\u0001\u001f<>&\u2028\u2029\u007f é 😀';
    expect(anyValueToString([s])).toBe('["\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f<>&\\u2028\\u2029\u007f é 😀"]');
    // A lone surrogate is invalid UTF-8 for Go, which writes the replacement character.
    expect(anyValueToString(['a\ud800b', '\udc00'])).toBe('["a\\ufffdb","\\ufffd"]');
    // HTML characters are not escaped (pdata since open-telemetry/opentelemetry-collector#15108).
    expect(anyValueToString(new KeyValueList([{ key: '<k>', value: '&' }]))).toBe('{"<k>":"&"}');
  });

  test('a NaN or Inf anywhere inside makes the whole rendering empty (Go Marshal fails)', () => {
    expect(anyValueToString([1n, NaN])).toBe('');
    expect(anyValueToString(new KeyValueList([{ key: 'x', value: [Infinity] }]))).toBe('');
  });

  test('nested kvlist inside array inside kvlist', () => {
    const v = new KeyValueList([
      { key: 'list', value: [new KeyValueList([{ key: 'z', value: 1n }, { key: 'y', value: undefined }])] },
      { key: 'n', value: 3.25 },
    ]);
    expect(anyValueToString(v)).toBe('{"list":[{"y":null,"z":1}],"n":3.25}');
  });
});
