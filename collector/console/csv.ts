/**
 * CSV (RFC 4180) for the explorer's export: CRLF line ends, and a field is
 * quoted when it holds a comma, a double quote, CR or LF (or starts or ends with
 * a space, which some readers trim), with every double quote doubled. Anything
 * else is written as is, so a value of any content reads back exactly.
 *
 * Spreadsheet formula injection: a field starting with = + - @ TAB or CR is
 * written as it is (the export is data, not a sheet); readers that evaluate
 * formulas should import as text.
 */
import type { LogRow } from './logs-query';

export const CSV_LOG_COLUMNS = ['time', 'timeNs', 'service', 'severityText', 'severityNumber', 'function', 'templateId', 'body', 'args', 'traceId', 'spanId'] as const;

export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

export function csvLogHeader(): string {
  return csvLine(CSV_LOG_COLUMNS);
}

/** One record; `args` is the JSON array of the template arguments (one column, still exact). */
export function csvLogLine(r: LogRow): string {
  return csvLine([r.time, r.timeNs, r.service, r.severityText, String(r.severityNumber), r.function ?? '', r.templateId, r.body, JSON.stringify(r.args ?? []), r.traceId, r.spanId]);
}

/**
 * Parses CSV text (RFC 4180, CRLF or LF line ends) into rows of fields. For tests
 * and tools reading an export back; throws on a quote left open.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('CSV: a quoted field is not closed');
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
