/**
 * What the embedded engine's read-only mode does not cover, for SQL a person or a
 * client wrote (the SQL API, `logfun sql`).
 *
 * The engine enforces read-only itself: the reader's session runs with readonly=1
 * (no writes, no DDL, no table functions, no SET, no SETTINGS clause: see
 * clickhouse-reader.ts). Three things stay outside it, because chDB is
 * `clickhouse local` and not a server:
 *   - `INTO OUTFILE` is a client feature of `clickhouse local`: it writes files
 *     whatever readonly says (a server refuses it);
 *   - `FORMAT x` would change what the API answers (it must stay JSONEachRow);
 *   - the scalar function `file(path)` reads any file (a server confines it to
 *     user_files_path, `clickhouse local` does not), and `catboostEvaluate` loads
 *     a model from a path.
 *
 * None of these is decided by reading the user's text. The engine parses it
 * (`formatQuerySingleLine`, the text bound as a parameter, so it never becomes
 * SQL), which refuses more than one statement and syntax errors, and prints the
 * one statement in canonical form: keywords upper case, every literal quoted one
 * way, no comments. The output clauses are looked for in that form, and function
 * names in the engine's own syntax tree (`EXPLAIN AST`). The canonical text is
 * what then runs, so what was checked is what executes.
 */

export class UserSqlRefusedError extends Error {}

/** Functions that read the host's files (lower case; the engine's names are case-sensitive, the check is not). */
export const HOST_READING_FUNCTIONS: ReadonlySet<string> = new Set(['file', 'catboostevaluate', 'modelevaluate']);

/** Runs one SELECT with bound `{name:Type}` parameters on a read-only session and returns its rows. */
export type BoundRowsOf = (sql: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>[]>;

/**
 * The statement to run for a user's `sql`, or UserSqlRefusedError with the reason.
 * @param rowsOf runs on a read-only session of the same engine
 * (the statement's kind, the root of its syntax tree, must be one that reads: the
 * engine would refuse the others anyway, this says so before anything runs)
 */
export interface VettedSql {
  /** The canonical statement to run. */
  statement: string;
  /** The root node of the engine's syntax tree ("SelectWithUnionQuery", "ShowTables", "InsertQuery", ...). */
  kind: string;
}

/** Statement kinds (root AST nodes) that only read, besides SELECT: SHOW ..., DESCRIBE, EXISTS, EXPLAIN. */
export function isReadKind(kind: string): boolean {
  return /^(SelectWithUnionQuery|SelectIntersectExceptQuery|Show|Describe|Exists|Explain)/.test(kind);
}

export async function vetUserSql(rowsOf: BoundRowsOf, sql: string): Promise<VettedSql> {
  if (sql.trim() === '') throw new UserSqlRefusedError('empty query');
  let canonical: string;
  try {
    const rows = await rowsOf('SELECT formatQuerySingleLine({q:String}) AS q', { q: sql });
    canonical = String(rows[0]?.q ?? '');
  } catch (e) {
    throw new UserSqlRefusedError(engineReason((e as Error).message));
  }
  const clause = outputClauseOf(canonical);
  if (clause) throw new UserSqlRefusedError(`${clause} is not allowed here: results are returned as rows`);
  const lines = (await rowsOf(`EXPLAIN AST ${canonical}`)).map((r) => String(Object.values(r)[0] ?? ''));
  for (const name of functionNamesOfAst(lines)) {
    if (HOST_READING_FUNCTIONS.has(name.toLowerCase())) throw new UserSqlRefusedError(`function ${name}() is not allowed here: it reads the collector's files`);
  }
  const kind = /^\s*(\S+)/.exec(lines[0] ?? '')?.[1] ?? '';
  if (!isReadKind(kind)) throw new UserSqlRefusedError(`read-only: only statements that read run here (SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN); this one is ${kind || 'unknown'}`);
  return { statement: canonical, kind };
}

/** The engine's message without the wrapper query it names (which is ours, not the user's). */
function engineReason(message: string): string {
  const cut = message.search(/\s*[.:]?\s*In scope SELECT formatQuerySingleLine/);
  return (cut > 0 ? message.slice(0, cut) : message).replace(/^Query failed:\s*/, '');
}

/**
 * "INTO OUTFILE" or "FORMAT" when the canonical statement has that output clause.
 * Reads the engine's canonical print (see the module comment): string literals in
 * single quotes with backslash escapes, identifiers in back quotes where needed,
 * keywords in upper case. A user identifier spelled like the keyword makes this
 * refuse, never accept.
 */
export function outputClauseOf(canonical: string): string | undefined {
  const words: { word: string; depth: number }[] = [];
  let depth = 0;
  for (let i = 0; i < canonical.length; ) {
    const c = canonical[i];
    if (c === "'" || c === '`' || c === '"') {
      i = skipQuoted(canonical, i);
      words.push({ word: '', depth });
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(canonical.slice(i, i + 64));
    if (m) {
      words.push({ word: m[0], depth });
      i += m[0].length;
      continue;
    }
    if (!/\s/.test(c)) words.push({ word: c, depth });
    i++;
  }
  // An INSERT's FORMAT names its input, not an output: the engine refuses the INSERT itself (readonly).
  const isInsert = words[0]?.word === 'INSERT';
  for (let k = 0; k + 1 < words.length; k++) {
    if (words[k].word === 'INTO' && words[k + 1].word === 'OUTFILE') return 'INTO OUTFILE';
    if (!isInsert && words[k].word === 'FORMAT' && words[k].depth === 0 && /^[A-Za-z_]/.test(words[k + 1].word)) return 'FORMAT';
  }
  return undefined;
}

function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/** Names of every function node in an `EXPLAIN AST` print (lines like "   Function file (children 1)"). */
export function functionNamesOfAst(lines: readonly string[]): string[] {
  const names: string[] = [];
  for (const text of lines) {
    for (const line of text.split('\n')) {
      const m = /^\s*Function\s+(\S+)/.exec(line);
      if (m) names.push(m[1].replace(/^`|`$/g, ''));
    }
  }
  return names;
}
