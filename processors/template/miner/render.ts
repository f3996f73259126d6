/**
 * Template text format and its exact inverse.
 *
 * A template is the original line with every variable part replaced by the
 * marker `<*>`; all constant text, whitespace included, is kept byte for byte,
 * so `renderTemplate(template, args)` reproduces the line exactly.
 *
 * Escaping (so that a literal `<*>` in a log line survives): inside constant
 * text, every sequence `<` + n backslashes + `*>` (n >= 0) is written with one
 * more backslash, `<` + (n+1) backslashes + `*>`. Reading left to right, `<*>`
 * with no backslash is therefore always a variable, and `<\*>` is the literal
 * text `<*>`. Lines that contain neither `<*>` nor `<\…*>` (practically all)
 * produce templates with no escapes at all, so the template stays readable and
 * comparable to other tools' `<*>` notation.
 */

export const VARIABLE_MARKER = '<*>';

const LITERAL_MARKERS = /<(\\*)\*>/g;

/** Escapes constant text for inclusion in a template (see the module comment). */
export function escapeConstant(text: string): string {
  if (text.indexOf('*>') < 0) return text;
  return text.replace(LITERAL_MARKERS, (_m, slashes: string) => `<\\${slashes}*>`);
}

/** Inverse of escapeConstant for text that holds no variable markers. */
export function unescapeConstant(text: string): string {
  if (text.indexOf('*>') < 0) return text;
  return text.replace(/<\\(\\*)\*>/g, (_m, slashes: string) => `<${slashes}*>`);
}

/**
 * Scans a template: calls onConstant with each unescaped constant run (possibly
 * empty between adjacent variables is skipped) and onVariable at each `<*>`.
 */
function scanTemplate(template: string, onConstant: (text: string) => void, onVariable: () => void): void {
  const n = template.length;
  let runStart = 0; // start of the pending raw slice (no escapes in it yet)
  let pending = ''; // unescaped constant text before runStart
  let i = 0;
  while (i < n) {
    if (template.charCodeAt(i) !== 0x3c /* < */) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && template.charCodeAt(j) === 0x5c /* \ */) j++;
    if (j + 1 < n && template.charCodeAt(j) === 0x2a /* * */ && template.charCodeAt(j + 1) === 0x3e /* > */) {
      const slashes = j - i - 1;
      if (slashes === 0) {
        pending += template.slice(runStart, i);
        if (pending.length > 0) onConstant(pending);
        pending = '';
        onVariable();
      } else {
        // literal `<` + (slashes-1) backslashes + `*>`
        pending += template.slice(runStart, i) + '<' + '\\'.repeat(slashes - 1) + '*>';
      }
      i = j + 2;
      runStart = i;
    } else {
      i = j; // a literal `<` (and backslashes); continue after them
    }
  }
  pending += template.slice(runStart);
  if (pending.length > 0) onConstant(pending);
}

/** Number of variables (`<*>` markers) in a template. */
export function countVariables(template: string): number {
  let count = 0;
  scanTemplate(template, () => {}, () => count++);
  return count;
}

/**
 * Renders a template with its arguments: the exact original line.
 * Contract: for every result r of TemplateMiner.add(line),
 * renderTemplate(r.template, r.args) === line.
 * Missing arguments render as the empty string; extra arguments are ignored.
 */
export function renderTemplate(template: string, args: readonly string[]): string {
  let out = '';
  let k = 0;
  scanTemplate(
    template,
    (text) => {
      out += text;
    },
    () => {
      out += k < args.length ? args[k] : '';
      k++;
    },
  );
  return out;
}

/** Splits a template into its constant parts: parts.length === countVariables + 1. */
export function templateParts(template: string): string[] {
  const parts: string[] = [''];
  scanTemplate(
    template,
    (text) => {
      parts[parts.length - 1] += text;
    },
    () => parts.push(''),
  );
  return parts;
}
