/**
 * Renders an OTLP AnyValue as a string exactly as the OpenTelemetry Collector's
 * `pcommon.Value.AsString()` does, which is what the contrib ClickHouse exporter
 * stores in `Body` and in the attribute maps:
 *
 * - empty → ''            - string → as is            - bool → 'true' / 'false'
 * - int → decimal (int64)  - bytes → standard base64 (with padding)
 * - double → Go's shortest repr in ES6 style: fixed notation for 1e-6 <= |x| < 1e21,
 *   exponent form otherwise ('1e+21', '1.5e-7'); -0 → '-0'; NaN/±Inf → the
 *   encoding/json error text Go produces ('json: unsupported value: NaN' / '+Inf' / '-Inf')
 * - array / kvlist → Go `encoding/json` of the raw value: map keys sorted by UTF-8
 *   bytes, duplicate keys last-wins, empty bytes → null, and no HTML escaping
 *   (`<`, `>`, `&` stay as they are: pdata renders with SetEscapeHTML(false) since
 *   open-telemetry/opentelemetry-collector#15108; older collectors wrote `\u003c` …);
 *   U+2028/U+2029 are still escaped, as Go always does. A NaN/Inf anywhere inside
 *   makes Go's encoder fail, so the whole rendering is '' (what AsString returns then).
 *
 * Shared by every component that must show or store a value the way OTel tools do.
 */
import { KeyValueList, type AnyValue } from '../pipeline/batch';

export function anyValueToString(v: AnyValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'undefined':
      return '';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return BigInt.asIntN(64, v).toString();
    case 'number':
      return goFloatToString(v);
  }
  if (v instanceof Uint8Array) return bytesToBase64(v);
  if (Array.isArray(v) || v instanceof KeyValueList) {
    try {
      return goJson(v);
    } catch (e) {
      if (e === UNSUPPORTED_VALUE) return '';
      throw e;
    }
  }
  return '';
}

/** Go's float64AsString / encoding/json float formatting for a finite or non-finite double. */
export function goFloatToString(f: number): string {
  if (Number.isNaN(f)) return 'json: unsupported value: NaN';
  if (f === Infinity) return 'json: unsupported value: +Inf';
  if (f === -Infinity) return 'json: unsupported value: -Inf';
  return finiteGoFloat(f);
}

function finiteGoFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const abs = Math.abs(f);
  // Both Go ('e' with shortest digits, exponent cleaned to e-7) and JS
  // toExponential() print the shortest round-trip digits with the same exponent form.
  if (abs < 1e-6 || abs >= 1e21) return f.toExponential();
  return String(f);
}

function bytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

const UNSUPPORTED_VALUE = Symbol('unsupported value');

/** Go encoding/json of pcommon AsRaw(): throws UNSUPPORTED_VALUE for NaN/Inf. */
function goJson(v: AnyValue): string {
  switch (typeof v) {
    case 'string':
      return goJsonString(v);
    case 'undefined':
      return 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return BigInt.asIntN(64, v).toString();
    case 'number':
      if (!Number.isFinite(v)) throw UNSUPPORTED_VALUE;
      return finiteGoFloat(v);
  }
  if (v instanceof Uint8Array) return v.byteLength === 0 ? 'null' : '"' + bytesToBase64(v) + '"';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += goJson(v[i]);
    }
    return out + ']';
  }
  if (v instanceof KeyValueList) {
    // Go map semantics: last duplicate wins; encoding/json sorts keys by their bytes.
    const byKey = new Map<string, AnyValue>();
    for (const kv of v.values) byKey.set(kv.key, kv.value);
    const keys = [...byKey.keys()].sort(compareUtf8);
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out += ',';
      out += goJsonString(keys[i]) + ':' + goJson(byKey.get(keys[i]));
    }
    return out + '}';
  }
  return 'null';
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Byte order of the UTF-8 encodings (differs from UTF-16 code-unit order above U+D7FF). */
function compareUtf8(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const HEX = '0123456789abcdef';
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** A JSON string literal escaped like Go's encoding/json Encoder with SetEscapeHTML(false) (Go ≥ 1.22). */
function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep =
        c === 0x08 ? '\\b' : c === 0x0c ? '\\f' : c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A valid surrogate pair is one code point and passes through; a lone
      // surrogate is invalid UTF-8 on the Go side, which writes \ufffd.
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}
