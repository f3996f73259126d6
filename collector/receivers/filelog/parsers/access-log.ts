/**
 * Access-log lines: NCSA Common Log Format and Combined Log Format (Apache,
 * nginx), scanned by hand with indexOf/charCodeAt into a reusable struct, then
 * mapped to OpenTelemetry HTTP semantic-convention attributes.
 *
 *   host ident authuser [dd/Mon/yyyy:HH:MM:SS +hhmm] "METHOD target PROTO" status bytes ["referer" "user-agent"]
 *
 * Why hand-written: the scanner is the hot path of both the filelog receiver and
 * the httpstats aggregation; `bench/access-log-parse.ts` compares it with a
 * regular expression in the same run.
 *
 * Leniency (what real servers write): authuser may contain spaces; bytes may be
 * '-' (no body, reported as 0); the referer/user-agent pair is optional, so one
 * parser serves both formats; fields after the user agent (nginx's
 * $http_x_forwarded_for, timings) are ignored; quoted fields may contain `\"`
 * and `\\` escapes (Apache's), which are unescaped. A request field that is not
 * `METHOD target [PROTO]` (`"-"` for timeouts, binary from TLS probes) is kept
 * in `request` with method/path left empty: the line itself is valid.
 */
import type { KeyValue } from '../../../pipeline/batch';
import { parseClfDate, millisToNanos } from './time';
import type { ParsedLine } from './types';
import { malformedLine } from './types';

/** One scanned access-log line. Strings are '' when the field is absent or '-'. */
export interface AccessLogFields {
  remoteHost: string;
  /** RFC 931 identity ('' when '-'). */
  ident: string;
  /** Authenticated user ('' when '-'). */
  authUser: string;
  /** Event time, epoch milliseconds UTC (the line's zone applied). */
  timeMs: number;
  /** The request field as written (unescaped). */
  request: string;
  /** Request method as written ('' when the request is not `METHOD target ...`). */
  method: string;
  /** Request target as written (path and query). */
  target: string;
  /** Path of the target, without the query. */
  path: string;
  /** Query of the target without the '?' ('' when none). */
  query: string;
  /** Protocol as written, e.g. 'HTTP/1.1' ('' for HTTP/0.9 style requests). */
  protocol: string;
  status: number;
  /** Response body bytes; 0 when written '-'. */
  bytes: number;
  referer: string;
  userAgent: string;
}

export function newAccessLogFields(): AccessLogFields {
  return {
    remoteHost: '', ident: '', authUser: '', timeMs: 0, request: '', method: '', target: '',
    path: '', query: '', protocol: '', status: 0, bytes: 0, referer: '', userAgent: '',
  };
}

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;

/** Index of the quote closing a field opened before `from`, skipping `\"`; -1 if none. */
function closingQuote(line: string, from: number, mayHaveEscapes: boolean): number {
  let q = line.indexOf('"', from);
  if (!mayHaveEscapes) return q;
  while (q > 0) {
    let backslashes = 0;
    for (let k = q - 1; k >= from && line.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return q;
    q = line.indexOf('"', q + 1);
  }
  return q;
}

/** Apache's escapes inside quoted fields: `\"` and `\\` (other `\xhh` sequences are kept as written). */
function unescapeQuoted(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) {
        out += s[i + 1];
        i++;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/** Value of the digits in s[start, end), -1 when empty or not all digits. */
function intAt(s: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Splits `METHOD target PROTO` into the struct; leaves method/path empty when it is not one. */
export function splitRequest(request: string, out: AccessLogFields): void {
  out.request = request;
  out.method = '';
  out.target = '';
  out.path = '';
  out.query = '';
  out.protocol = '';
  const sp = request.indexOf(' ');
  if (sp <= 0) return;
  const method = request.substring(0, sp);
  if (!isToken(method)) return;
  const last = request.lastIndexOf(' ');
  let target: string;
  if (last > sp && request.startsWith('HTTP/', last + 1)) {
    target = request.substring(sp + 1, last);
    out.protocol = request.substring(last + 1);
  } else {
    target = request.substring(sp + 1);
  }
  if (target.length === 0) return;
  out.method = method;
  out.target = target;
  let pathStart = 0;
  // Absolute-form targets (proxy requests): the path starts after scheme://authority.
  if (target.charCodeAt(0) !== 47 /* / */) {
    const scheme = target.indexOf('://');
    if (scheme > 0) {
      const slash = target.indexOf('/', scheme + 3);
      pathStart = slash < 0 ? target.length : slash;
    }
  }
  const qm = target.indexOf('?', pathStart);
  if (qm < 0) {
    out.path = pathStart === 0 ? target : target.substring(pathStart) || '/';
  } else {
    out.path = target.substring(pathStart, qm) || '/';
    out.query = target.substring(qm + 1);
  }
}

/** RFC 9110 token characters: a method must consist of them. */
function isToken(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (!alnum && "!#$%&'*+-.^_`|~".indexOf(s[i]) < 0) return false;
  }
  return s.length > 0;
}

/**
 * Scans one CLF or Combined line into `out` (reused between calls, nothing else
 * allocated but the field strings). Returns '' on success, else a short reason
 * (out is then partially filled and must not be used).
 */
export function scanAccessLog(line: string, out: AccessLogFields): string {
  const mayHaveEscapes = line.indexOf('\\') >= 0;
  const hostEnd = line.indexOf(' ');
  if (hostEnd <= 0) return hostEnd === 0 ? 'line starts with a space' : 'not an access log line';
  const identEnd = line.indexOf(' ', hostEnd + 1);
  if (identEnd < 0) return 'missing ident/authuser';
  const bracket = line.indexOf(' [', identEnd);
  if (bracket < 0) return 'missing [date]';
  const dateEnd = line.indexOf(']', bracket + 2);
  if (dateEnd < 0) return 'unterminated [date]';
  const timeMs = parseClfDate(line, bracket + 2, dateEnd);
  if (timeMs !== timeMs) return 'invalid date';

  if (line.charCodeAt(dateEnd + 1) !== SPACE || line.charCodeAt(dateEnd + 2) !== QUOTE) return 'missing "request"';
  const requestStart = dateEnd + 3;
  const requestEnd = closingQuote(line, requestStart, mayHaveEscapes);
  if (requestEnd < 0) return 'unterminated "request"';

  if (line.charCodeAt(requestEnd + 1) !== SPACE) return 'missing status';
  const statusStart = requestEnd + 2;
  const statusEnd = line.indexOf(' ', statusStart);
  if (statusEnd < 0) return 'missing bytes';
  const status = intAt(line, statusStart, statusEnd);
  if (status < 100 || status > 999) return 'invalid status';

  const bytesStart = statusEnd + 1;
  let bytesEnd = line.indexOf(' ', bytesStart);
  if (bytesEnd < 0) bytesEnd = line.length;
  let bytes: number;
  if (bytesEnd === bytesStart + 1 && line.charCodeAt(bytesStart) === 45 /* - */) bytes = 0;
  else {
    bytes = intAt(line, bytesStart, bytesEnd);
    if (bytes < 0) return 'invalid bytes';
  }

  let referer = '';
  let userAgent = '';
  if (bytesEnd < line.length && line.charCodeAt(bytesEnd + 1) === QUOTE) {
    const refererEnd = closingQuote(line, bytesEnd + 2, mayHaveEscapes);
    if (refererEnd < 0) return 'unterminated "referer"';
    referer = line.substring(bytesEnd + 2, refererEnd);
    if (line.charCodeAt(refererEnd + 1) === SPACE && line.charCodeAt(refererEnd + 2) === QUOTE) {
      const agentEnd = closingQuote(line, refererEnd + 3, mayHaveEscapes);
      if (agentEnd < 0) return 'unterminated "user-agent"';
      userAgent = line.substring(refererEnd + 3, agentEnd);
    }
  }

  out.remoteHost = line.substring(0, hostEnd);
  const ident = line.substring(hostEnd + 1, identEnd);
  out.ident = ident === '-' ? '' : ident;
  const authUser = line.substring(identEnd + 1, bracket);
  out.authUser = authUser === '-' ? '' : authUser;
  out.timeMs = timeMs;
  const request = line.substring(requestStart, requestEnd);
  splitRequest(mayHaveEscapes ? unescapeQuoted(request) : request, out);
  out.status = status;
  out.bytes = bytes;
  out.referer = referer === '-' ? '' : mayHaveEscapes ? unescapeQuoted(referer) : referer;
  out.userAgent = userAgent === '-' ? '' : mayHaveEscapes ? unescapeQuoted(userAgent) : userAgent;
  return '';
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/**
 * OTel HTTP semantic-convention attributes of a scanned line:
 * client.address, user.name, http.request.method (+ http.request.method_original
 * for unknown methods, which become `_OTHER`, as the convention requires),
 * url.path, url.query, network.protocol.version, http.response.status_code (int),
 * http.response.body.size (int), http.request.header.referer (string[], the
 * convention's type for header attributes), user_agent.original.
 */
export function accessLogAttributes(f: AccessLogFields): KeyValue[] {
  const attrs: KeyValue[] = [{ key: 'client.address', value: f.remoteHost }];
  if (f.authUser) attrs.push({ key: 'user.name', value: f.authUser });
  if (f.method) {
    if (KNOWN_METHODS.has(f.method)) attrs.push({ key: 'http.request.method', value: f.method });
    else attrs.push({ key: 'http.request.method', value: '_OTHER' }, { key: 'http.request.method_original', value: f.method });
    attrs.push({ key: 'url.path', value: f.path });
    if (f.query) attrs.push({ key: 'url.query', value: f.query });
    if (f.protocol.length > 5) attrs.push({ key: 'network.protocol.version', value: f.protocol.substring(5) });
  }
  attrs.push({ key: 'http.response.status_code', value: BigInt(f.status) }, { key: 'http.response.body.size', value: BigInt(f.bytes) });
  if (f.referer) attrs.push({ key: 'http.request.header.referer', value: [f.referer] });
  if (f.userAgent) attrs.push({ key: 'user_agent.original', value: f.userAgent });
  return attrs;
}

/** The record of a scanned access-log line: body = the line as written, time = the line's date. */
export function accessLogRecord(line: string, f: AccessLogFields): ParsedLine {
  return {
    timeUnixNano: millisToNanos(f.timeMs),
    severityNumber: 0,
    severityText: '',
    body: line,
    attributes: accessLogAttributes(f),
    traceId: '',
    spanId: '',
    parseError: '',
  };
}

/** A LineParser for CLF and Combined lines (each parser owns its scratch struct). */
export function createAccessLogParser(): (line: string) => ParsedLine {
  const fields = newAccessLogFields();
  return (line) => {
    const error = scanAccessLog(line, fields);
    return error ? malformedLine(line, error) : accessLogRecord(line, fields);
  };
}
