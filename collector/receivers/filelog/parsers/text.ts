/** Plain text: the line is the body, nothing else is known. Never fails. */
import type { ParsedLine } from './types';

export function parseTextLine(line: string): ParsedLine {
  return { timeUnixNano: 0n, severityNumber: 0, severityText: '', body: line, attributes: [], traceId: '', spanId: '', parseError: '' };
}
