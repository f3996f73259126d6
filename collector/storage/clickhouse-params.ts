/**
 * Client-side binding of ClickHouse query parameters (`{name:Type}`), for servers
 * that predate server-side parameters (e.g. 18.16). Each placeholder outside
 * string literals, quoted identifiers and comments becomes a typed literal:
 * `CAST('<escaped text>' AS Type)`, `[...]` for arrays, NULL for null. The
 * value text is always inside a quoted, escaped string literal, so a value can
 * never change the statement's structure.
 */

/** Escapes a string for a single-quoted ClickHouse literal (backslash escapes, valid on every version). */
export function quoteString(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += ch;
    }
  }
  return out + "'";
}

/** Quotes an identifier (database, table, column) with backticks. */
export function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

function valueText(v: unknown, type: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`query parameter of type ${type} must be finite, got ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Date) {
    if (/^DateTime64/.test(type)) return (v.getTime() / 1000).toFixed(3);
    if (/^DateTime/.test(type)) return String(Math.floor(v.getTime() / 1000));
    return v.toISOString().slice(0, 10);
  }
  throw new Error(`unsupported query parameter value for type ${type}: ${typeof v}`);
}

/** Renders one value as a literal of the given ClickHouse type. */
export function renderParamLiteral(v: unknown, type: string): string {
  const t = type.trim();
  if (v === null || v === undefined) return 'NULL';
  const arr = /^Array\((.*)\)$/s.exec(t);
  if (arr) {
    if (!Array.isArray(v)) throw new Error(`query parameter of type ${t} must be an array`);
    return '[' + v.map((e) => renderParamLiteral(e, arr[1])).join(', ') + ']';
  }
  if (t === 'String') return quoteString(valueText(v, t));
  return `CAST(${quoteString(valueText(v, t))} AS ${t})`;
}

/**
 * Replaces `{name:Type}` placeholders with literals. Throws when a placeholder has
 * no value, so a missing parameter is a clear error rather than a server syntax error.
 */
export function bindParamsClientSide(sql: string, params: Record<string, unknown>): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = skipQuoted(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '{') {
      const m = /^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/.exec(sql.slice(i));
      if (!m) {
        out += ch;
        i++;
        continue;
      }
      if (!(m[1] in params)) throw new Error(`query parameter "${m[1]}" has no value`);
      out += renderParamLiteral(params[m[1]], m[2]);
      i += m[0].length;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
