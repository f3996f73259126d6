/**
 * Command-line values and errors, the same for every `logfun` command.
 *
 * A number flag is checked where it is read, naming the flag and what was typed:
 * Number('abc') is NaN, and a NaN passed on reaches some deeper check (a processor's
 * config, the control API) that names its own field ("processors.httpstats:
 * alerts.rate_threshold ... got null") instead of the flag the user typed.
 *
 * Every error names the command actually run (`logfun demo: ...`), whether commander
 * finds it (unknown option, missing argument) or an action throws it (nameErrorsByCommand,
 * commandErrorLine).
 */
import * as fs from 'fs';
import type { Command } from 'commander';

/** Thrown for a flag value that cannot be used: the message names the flag and what was typed (exit status 1). */
export class FlagError extends Error {}

/** Thrown for a file named on the command line that cannot be read: `<path>: no such file`, exit status 2. */
export class InputFileError extends Error {
  readonly exitCode = 2;
}

/** Why a file cannot be read, in the words of `ls` and `cat` rather than Node's (`ENOENT: no such file or directory, open '...'`). */
export function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'no such file (a part of the path is not a directory)';
  return `cannot be read (${code ?? (e as Error).message})`;
}

/** A descriptor of `file` open for reading, when it is a readable file (not a directory); else an InputFileError `<file>: <why>`. */
export function openReadableFile(file: string): number {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return fd;
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    throw new InputFileError(`${file}: ${fileProblem(e)}`);
  }
}

/** `file` when it is a readable file (not a directory); else an InputFileError `<file>: <why>`. */
export function readableFile(file: string): string {
  fs.closeSync(openReadableFile(file));
  return file;
}

export interface NumberRange {
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Values must be above this (exclusive). */
  above?: number;
  /** Largest value allowed (inclusive). */
  max?: number;
  integer?: boolean;
}

function describeRange(r: NumberRange): string {
  const kind = r.integer ? 'a whole number' : 'a number';
  const parts = [r.above !== undefined ? `above ${r.above}` : '', r.min !== undefined ? `of at least ${r.min}` : '', r.max !== undefined ? `of at most ${r.max}` : ''].filter(Boolean);
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

/** `text` (the value of `flag`) as a number in `range`; else a FlagError naming the flag and what was typed. */
export function numberFlag(flag: string, text: string, range: NumberRange = {}): number {
  const n = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(n) &&
    (!range.integer || Number.isSafeInteger(n)) &&
    (range.min === undefined || n >= range.min) &&
    (range.above === undefined || n > range.above) &&
    (range.max === undefined || n <= range.max);
  if (!ok) throw new FlagError(`${flag}: expected ${describeRange(range)}, got ${JSON.stringify(text)}`);
  return n;
}

/** `logfun control set`: the command's words from the program's name down. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * The one line (or block) an error thrown by a command's action prints: `<command path>: <message>`,
 * the message's own leading command name (`httpstats: ...`) not said twice.
 */
export function commandErrorLine(path: string, message: string): string {
  const last = path.split(' ').pop()!;
  const own = `${last}: `;
  return `${path}: ${message.startsWith(own) ? message.slice(own.length) : message}`;
}

/**
 * Commander's own errors (unknown option, missing argument, a value not among the choices) name
 * the command run: `logfun demo: unknown option '--rat'` rather than `error: unknown option`.
 * Call once every command is registered; applies to the program and every subcommand.
 */
export function nameErrorsByCommand(program: Command): void {
  const visit = (c: Command) => {
    c.configureOutput({ outputError: (text, write) => write(commandErrorLine(commandPath(c), text.replace(/^error: /, ''))) });
    for (const sub of c.commands) visit(sub);
  };
  visit(program);
}
