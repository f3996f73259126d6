/**
 * Template text: literal parts joined by `{}` placeholders, with a literal `{}`
 * (and backslashes before a placeholder) escaped by backslashes. The one
 * definition of how a template's text is written, read and rendered, shared by
 * the SDK (which makes templates) and the collector (which stores, mines and
 * renders them).
 */
import { renderArgument, type ArgumentValue } from './values';

/** Renders literal parts interleaved with argument texts (missing arguments render as ''). */
export function renderParts(parts: readonly string[], args: readonly ArgumentValue[] | undefined): string {
  if (parts.length === 1) return parts[0];
  let out = parts[0];
  for (let i = 1; i < parts.length; i++) {
    const a = args && i - 1 < args.length ? args[i - 1] : undefined;
    out += (a === undefined ? '' : renderArgument(a)) + parts[i];
  }
  return out;
}

/** The argument placeholder of template texts. */
export const PLACEHOLDER = '{}';

const BACKSLASH = 92;

function backslashRunBefore(s: string, end: number, floor: number): number {
  let k = 0;
  while (end - k - 1 >= floor && s.charCodeAt(end - k - 1) === BACKSLASH) k++;
  return k;
}

/** Escapes one literal part for template text; `beforePlaceholder` when a `{}` placeholder follows it. */
export function escapeLiteral(s: string, beforePlaceholder: boolean): string {
  const needsTail = beforePlaceholder && s.length > 0 && s.charCodeAt(s.length - 1) === BACKSLASH;
  if (s.indexOf(PLACEHOLDER) < 0 && !needsTail) return s;
  let out = '';
  let i = 0;
  for (;;) {
    const p = s.indexOf(PLACEHOLDER, i);
    const end = p < 0 ? s.length : p;
    const k = backslashRunBefore(s, end, i);
    if (p < 0) {
      out += beforePlaceholder ? s.slice(i, end - k) + '\\'.repeat(2 * k) : s.slice(i);
      return out;
    }
    out += s.slice(i, end - k) + '\\'.repeat(2 * k + 1) + PLACEHOLDER;
    i = p + PLACEHOLDER.length;
  }
}

/** Template text from literal parts (parts.length = placeholders + 1). */
export function templateTextOf(parts: readonly string[]): string {
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    text += escapeLiteral(parts[i], !last);
    if (!last) text += PLACEHOLDER;
  }
  return text;
}

/** Literal parts of a template text (inverse of templateTextOf). */
export function parseTemplateText(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let i = 0;
  for (;;) {
    const p = text.indexOf(PLACEHOLDER, i);
    if (p < 0) {
      parts.push(current + text.slice(i));
      return parts;
    }
    const k = backslashRunBefore(text, p, i);
    current += text.slice(i, p - k) + '\\'.repeat(k >> 1);
    if (k & 1) {
      current += PLACEHOLDER;
    } else {
      parts.push(current);
      current = '';
    }
    i = p + PLACEHOLDER.length;
  }
}

/** Renders a template text with arguments (for collectors holding text + args). */
export function renderTemplateText(text: string, args: readonly ArgumentValue[]): string {
  return renderParts(parseTemplateText(text), args);
}

