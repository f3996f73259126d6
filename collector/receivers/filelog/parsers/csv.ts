/**
 * The CSV access-log format
 *
 *   "remotehost","rfc931","authuser","date","request","status","bytes"
 *   "10.0.0.2","-","apache",1549573860,"GET /api/user HTTP/1.0",200,1234
 *
 * Fields follow RFC 4180: quoted or not, `""` inside quotes is one quote, a
 * quoted field may contain commas. The header line (first field `remotehost`)
 * may appear anywhere (files are concatenated) and is not a record. The date is
 * epoch seconds (or milliseconds, by magnitude), a CLF date with or without its
 * brackets, or ISO 8601.
 */
import { malformedLine, type ParsedLine } from './types';
import { accessLogRecord, newAccessLogFields, splitRequest, type AccessLogFields } from './access-log';
import { parseClfDate, parseIso8601Nanos } from './time';

export const CSV_ACCESS_LOG_COLUMNS = ['remotehost', 'rfc931', 'authuser', 'date', 'request', 'status', 'bytes'] as const;

/** Returned by scanCsvAccessLog for the header line. */
export const CSV_HEADER = 'header';

/**
 * Splits one CSV line into `fields` (cleared first). Returns '' or a short
 * reason when the quoting is broken.
 */
export function splitCsvLine(line: string, fields: string[]): string {
  fields.length = 0;
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return 'unterminated quoted field';
        if (line.charCodeAt(q + 1) === 34) {
          value += line.substring(from, q + 1);
          from = q + 2;
          continue;
        }
        value += line.substring(from, q);
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return '';
      if (line.charCodeAt(i) !== 44 /* , */) return 'text after a closing quote';
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const value = line.substring(i, end);
      if (value.indexOf('"') >= 0) return 'quote inside an unquoted field';
      fields.push(value);
      if (comma < 0) return '';
      i = comma + 1;
    }
  }
}

function parseCsvDateMs(s: string): number {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const v = Number(t);
    return v < 1e11 ? Math.round(v * 1000) : Math.round(v);
  }
  if (t.length >= 2 && t.charCodeAt(0) === 91 /* [ */ && t.charCodeAt(t.length - 1) === 93) return parseClfDate(t, 1, t.length - 1);
  const clf = parseClfDate(t, 0, t.length);
  if (clf === clf) return clf;
  const iso = parseIso8601Nanos(t);
  return iso === undefined ? NaN : Number(iso / 1_000_000n);
}

function parseCount(s: string): number {
  if (s === '-' || s === '') return 0;
  return /^\d{1,15}$/.test(s) ? Number(s) : -1;
}

/**
 * Scans one CSV access-log line into `out` (reused). Returns '' on success,
 * CSV_HEADER for the header line, else a short reason.
 * `fields` is caller-provided scratch space.
 */
export function scanCsvAccessLog(line: string, out: AccessLogFields, fields: string[] = []): string {
  const error = splitCsvLine(line, fields);
  if (error) return error;
  if (fields[0].toLowerCase() === 'remotehost') return CSV_HEADER;
  if (fields.length !== CSV_ACCESS_LOG_COLUMNS.length) return `expected ${CSV_ACCESS_LOG_COLUMNS.length} fields, got ${fields.length}`;
  if (fields[0] === '') return 'empty remotehost';
  const timeMs = parseCsvDateMs(fields[3]);
  if (timeMs !== timeMs) return 'invalid date';
  const status = parseCount(fields[5]);
  if (status < 100 || status > 999) return 'invalid status';
  const bytes = parseCount(fields[6]);
  if (bytes < 0) return 'invalid bytes';
  out.remoteHost = fields[0];
  out.ident = fields[1] === '-' ? '' : fields[1];
  out.authUser = fields[2] === '-' ? '' : fields[2];
  out.timeMs = timeMs;
  splitRequest(fields[4], out);
  out.status = status;
  out.bytes = bytes;
  out.referer = '';
  out.userAgent = '';
  return '';
}

/** A LineParser for the CSV access-log format; returns null for header lines. */
export function createCsvAccessLogParser(): (line: string) => ParsedLine | null {
  const out = newAccessLogFields();
  const fields: string[] = [];
  return (line) => {
    const error = scanCsvAccessLog(line, out, fields);
    if (error === CSV_HEADER) return null;
    return error ? malformedLine(line, error) : accessLogRecord(line, out);
  };
}
