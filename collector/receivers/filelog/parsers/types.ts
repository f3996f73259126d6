/**
 * What a line parser produces: the fields of one OTel log record, before the
 * receiver adds its own (file name/path, observed time, resource).
 *
 * Parsers are pure functions of one line (no I/O, no clock), usable outside the
 * receiver, e.g. by a console mode that aggregates an access log directly.
 */
import type { AnyValue, KeyValue } from '../../../pipeline/batch';

export interface ParsedLine {
  /** Event time from the line itself, nanoseconds since the epoch; 0n when the line has none. */
  timeUnixNano: bigint;
  /** OTel severity number; 0 (unspecified) when the line has no level. */
  severityNumber: number;
  /** The level as written in the line ('' when none). */
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  /** Lower-case hex, '' when the line carries none. */
  traceId: string;
  /** Lower-case hex, '' when the line carries none. */
  spanId: string;
  /**
   * '' when the line parsed. Otherwise a short reason: the record then has
   * body = the line and the attribute `log.parse.error` = this reason, and the
   * receiver counts it as malformed.
   */
  parseError: string;
}

/**
 * Parses one line (without its line terminator). Returns null only for lines that
 * are not log records by the format's own definition (a CSV header line); every
 * other line yields a record, malformed or not.
 */
export type LineParser = (line: string) => ParsedLine | null;

export const PARSER_NAMES = ['clf', 'combined', 'csv', 'json', 'text', 'auto'] as const;
export type ParserName = (typeof PARSER_NAMES)[number];

/** Attribute set on records whose line did not parse. */
export const PARSE_ERROR_ATTRIBUTE = 'log.parse.error';

/** A record for a line that did not parse: nothing is lost, the reason is visible. */
export function malformedLine(line: string, reason: string): ParsedLine {
  return {
    timeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: line,
    attributes: [{ key: PARSE_ERROR_ATTRIBUTE, value: reason }],
    traceId: '',
    spanId: '',
    parseError: reason,
  };
}
