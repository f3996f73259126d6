/**
 * File globs for include/exclude, without a dependency: `*` and `?` (not across
 * '/'), `[abc]` / `[a-z]` / `[!abc]` / `[^abc]`, `{a,b}` alternatives (nested
 * allowed, may contain '/'), and `**` as a whole path segment (zero or more
 * directories). Dot files are matched like any other name (as otelcol does).
 * Symbolic links to files are followed; `**` does not descend into linked
 * directories (no cycles).
 */
import * as fs from 'fs';
import * as path from 'path';

const GLOB_CHARS = /[*?[]/;

/** Expands `{a,b}` alternatives (recursively) into plain patterns. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const alternatives = splitTopLevelCommas(pattern.substring(open + 1, i));
        if (alternatives.length < 2) continue; // `{x}` is literal, like in shells
        const head = pattern.substring(0, open);
        const tail = pattern.substring(i + 1);
        return alternatives.flatMap((alt) => expandBraces(head + alt + tail));
      }
    }
  }
  return [pattern];
}

function splitTopLevelCommas(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.substring(start, i));
      start = i + 1;
    }
  }
  parts.push(s.substring(start));
  return parts;
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}

/** Regular-expression source of a brace-free glob; `**` segments span directories. */
function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/')) {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (i + 2 === glob.length) out += '.*';
        else out += '(?:[^/]*/)*';
        i += 2;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.substring(i + 1, close);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.substring(1);
      out += '[' + (negate ? '^/' : '') + body.replace(/\\/g, '\\\\').replace(/\]/g, '\\]') + ']';
      i = close;
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[++i]);
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

/** A matcher for a whole path (or base name, for patterns without '/'). */
export function globToRegExp(pattern: string): RegExp {
  return new RegExp('^(?:' + expandBraces(pattern).map(globSource).join('|') + ')$');
}

/** Compiles exclude patterns: those containing '/' match the absolute path, the others the base name. */
export function compileExcludes(patterns: string[]): (filePath: string) => boolean {
  const full = patterns.filter((p) => p.includes('/')).map(globToRegExp);
  const base = patterns.filter((p) => !p.includes('/')).map(globToRegExp);
  return (filePath) => full.some((r) => r.test(filePath)) || (base.length > 0 && base.some((r) => r.test(path.basename(filePath))));
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function readDir(dir: string): Promise<fs.Dirent[]> {
  try {
    return await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    // A directory that does not exist (yet) or cannot be read matches nothing; the next poll retries.
    return [];
  }
}

/**
 * Regular files matching an absolute glob pattern, sorted. Directories the pattern's last
 * segment matches (`/var/log/*` and /var/log/nginx, or a directory named literally) are not
 * files: they go to `directories` when given (the filelog receiver skips and counts them);
 * those a trailing `**` walks through are not matches.
 */
export async function expandGlob(pattern: string, directories?: string[]): Promise<string[]> {
  const found = new Set<string>();
  const dirs = new Set<string>();
  for (const plain of expandBraces(pattern)) {
    const segments = plain.split('/');
    // Walk from the longest literal directory prefix.
    let first = 0;
    while (first < segments.length - 1 && !GLOB_CHARS.test(segments[first])) first++;
    const base = segments.slice(0, first).join('/') || '/';
    const matchers = segments.map((s) => (s === '**' ? '**' : GLOB_CHARS.test(s) ? new RegExp('^' + globSource(s) + '$') : s));
    await walk(base, matchers, first, { files: found, directories: dirs });
  }
  directories?.push(...[...dirs].sort());
  return [...found].sort();
}

interface Matches {
  files: Set<string>;
  directories: Set<string>;
}

async function walk(dir: string, segments: (string | RegExp)[], index: number, found: Matches): Promise<void> {
  const segment = segments[index];
  const last = index === segments.length - 1;
  if (segment === '**') {
    if (last) {
      for (const e of await readDir(dir)) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p, segments, index, found);
        else if ((e.isFile() || e.isSymbolicLink()) && (await isFile(p))) found.files.add(p);
      }
      return;
    }
    await walk(dir, segments, index + 1, found);
    for (const e of await readDir(dir)) if (e.isDirectory()) await walk(path.join(dir, e.name), segments, index, found);
    return;
  }
  if (typeof segment === 'string') {
    const p = path.join(dir, segment);
    if (last) await addMatch(p, found);
    else if (await isDirectory(p)) await walk(p, segments, index + 1, found);
    return;
  }
  for (const e of await readDir(dir)) {
    if (!segment.test(e.name)) continue;
    const p = path.join(dir, e.name);
    if (last) {
      if (e.isFile() || e.isSymbolicLink() || e.isDirectory()) await addMatch(p, found);
    } else if (e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(p)))) {
      await walk(p, segments, index + 1, found);
    }
  }
}

/** A path the whole pattern matched: a regular file (through a symbolic link too) is found, a directory noted. */
async function addMatch(p: string, found: Matches): Promise<void> {
  const st = await fs.promises.stat(p).catch(() => undefined);
  if (st?.isFile()) found.files.add(p);
  else if (st?.isDirectory()) found.directories.add(p);
}
