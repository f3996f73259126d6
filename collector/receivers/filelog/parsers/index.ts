/**
 * Line parsers by name. Each `createLineParser` call returns a parser with its
 * own scratch state, so parsers used by different receivers never share it.
 *
 * - clf / combined: one scanner accepting both (the referer/user-agent pair is optional).
 * - csv: the `"remotehost","rfc931","authuser","date","request","status","bytes"` format.
 * - json: one JSON object per line.
 * - text: body = line.
 * - auto: per line, the first format that parses — JSON for `{...}`, CSV for
 *   lines starting with a quote, then CLF/Combined, else text. It never reports
 *   a malformed line: what fits no format is text.
 */
import { createAccessLogParser } from './access-log';
import { createCsvAccessLogParser } from './csv';
import { parseJsonLine } from './json';
import { parseTextLine } from './text';
import type { LineParser, ParserName } from './types';

export function createLineParser(name: ParserName): LineParser {
  switch (name) {
    case 'clf':
    case 'combined':
      return createAccessLogParser();
    case 'csv':
      return createCsvAccessLogParser();
    case 'json':
      return parseJsonLine;
    case 'text':
      return parseTextLine;
    case 'auto':
      return createAutoParser();
    default:
      throw new Error(`unknown parser "${String(name)}"`);
  }
}

function createAutoParser(): LineParser {
  const accessLog = createAccessLogParser();
  const csv = createCsvAccessLogParser();
  return (line) => {
    const first = line.charCodeAt(0);
    if (first === 123 /* { */) {
      const r = parseJsonLine(line);
      if (!r.parseError) return r;
    } else if (first === 34 /* " */) {
      const r = csv(line);
      if (r === null || !r.parseError) return r;
    }
    const r = accessLog(line);
    return r.parseError ? parseTextLine(line) : r;
  };
}

export * from './types';
export { scanAccessLog, newAccessLogFields, accessLogAttributes, accessLogRecord, createAccessLogParser, splitRequest, type AccessLogFields } from './access-log';
export { scanCsvAccessLog, splitCsvLine, createCsvAccessLogParser, CSV_HEADER, CSV_ACCESS_LOG_COLUMNS } from './csv';
export { parseJsonLine, jsonToAnyValue } from './json';
export { parseTextLine } from './text';
export { parseClfDate, parseIso8601Nanos, epochNumberToNanos, daysFromCivil } from './time';
export { severityOfName, severityOfNumber, severityShortText } from './severity';
