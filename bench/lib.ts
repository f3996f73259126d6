/**
 * Shared helpers for bench/ scripts: table printing, `--help`; the collector child
 * process comes from the test kit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
export { REPO_ROOT, freePort, startCollectorProcess, waitForCount, type CollectorProcess } from '../test/kit/collector-process';

/**
 * `--help` or `-h` on any bench prints the bench's own header comment (usage, what it
 * measures, against what) and exits, instead of starting a run that may take half an
 * hour (bench/soak). Every bench imports this module, so importing it is enough.
 */
function exitWithUsageOnHelp(): void {
  if (!process.argv.slice(2).some((a) => a === '--help' || a === '-h')) return;
  const main = require.main?.filename;
  const source = main !== undefined ? fs.readFileSync(main, 'utf8') : '';
  const header = /\/\*\*([\s\S]*?)\*\//.exec(source);
  const text = header ? header[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim() : 'no usage text: see the bench source';
  process.stdout.write(text + '\n');
  process.exit(0);
}
exitWithUsageOnHelp();

/** A bench's command line cannot be used: `<bench>: <message> (--help for usage)` on stderr, exit status 2 (no stack trace). */
export function exitWithUsageError(message: string): never {
  const bench = path.basename(require.main?.filename ?? 'bench', '.js');
  process.stderr.write(`${bench}: ${message} (--help for usage)\n`);
  process.exit(2);
}

/**
 * The input path a bench reads: `given` (its command-line argument), else `fallback` (the
 * project's shared data next to the repository, when it is there). A newcomer has neither:
 * instead of a stack trace, one usage line naming the missing argument, exit status 2; a path
 * given that does not exist is `<path>: no such file or directory`, status 2 too.
 * `kind` says what the argument is, e.g. '<file>: an access log'.
 */
export function benchInputPath(given: string | undefined, fallback: string | undefined, kind: string): string {
  if (given === undefined) {
    if (fallback !== undefined && fs.existsSync(fallback)) return fallback;
    return exitWithUsageError(`missing argument ${kind}${fallback !== undefined ? ` (the default, ${fallback}, is not there)` : ''}`);
  }
  if (!fs.existsSync(given)) return exitWithUsageError(`${given}: no such file or directory`);
  return path.resolve(given);
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((v) => (typeof v === 'number' ? formatNumber(v) : v)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  console.log(`\n${title}`);
  console.log(header.map((h, i) => h.padEnd(widths[i])).join(' | '));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of cells) console.log(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | '));
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}
