/**
 * Test kit: small node scripts (CommonJS or ES module) that use the *built* logfun
 * package the way a service does — `require('logfun')`, `import 'logfun/pino'`,
 * `pino.transport({ target: 'logfun/pino' })` — run as child processes.
 *
 * The scripts live in a temp folder whose node_modules links `logfun` to this
 * repository (its package.json "exports" map and dist/: run `npm run build` first)
 * and the loggers the bridges adapt (pino, winston) to the ones installed here.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './collector-process';

export type ModuleKind = 'cjs' | 'mjs';

export interface ScriptRun {
  /** Exit code; null when the script was killed at the timeout (or by a signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** True when runScript killed it because it ran longer than its timeout. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Kill the script after this long (a hang must fail the test, not stall it). Default 30 s. */
  timeoutMs?: number;
  /** Called with each chunk of stdout as it arrives (e.g. to act when the script reaches a point). */
  onStdout?: (text: string, child: { writeStdin(s: string): void }) => void;
  args?: string[];
  /** Node options before the script (e.g. --expose-gc). */
  nodeArgs?: string[];
}

/** Packages a script may import besides logfun (linked from this repository's node_modules). */
const PEERS = ['pino', 'winston', 'winston-transport'];

export class ScriptFolder {
  private constructor(readonly dir: string) {}

  /** A temp folder with node_modules/logfun -> this repository. Throws when dist/ is missing. */
  static create(prefix: string): ScriptFolder {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'sdk', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` before this test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const modules = path.join(dir, 'node_modules');
    fs.mkdirSync(modules);
    fs.symlinkSync(REPO_ROOT, path.join(modules, 'logfun'), 'dir');
    for (const name of PEERS) {
      const pkg = path.dirname(require.resolve(`${name}/package.json`, { paths: [REPO_ROOT] }));
      fs.symlinkSync(pkg, path.join(modules, name), 'dir');
    }
    return new ScriptFolder(dir);
  }

  /** Writes `<name>.cjs` or `<name>.mjs`; returns its path. */
  write(name: string, kind: ModuleKind, source: string): string {
    const file = path.join(this.dir, `${name}.${kind}`);
    fs.writeFileSync(file, source);
    return file;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs a script with this node; resolves when it exited (or was killed at the timeout). */
export function runScript(file: string, options: RunOptions = {}): Promise<ScriptRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file, ...(options.args ?? [])], { cwd: path.dirname(file), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    const handle = { writeStdin: (s: string) => void child.stdin.write(s) };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      options.onStdout?.(d.toString(), handle);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Describes a run for an assertion message. */
export function describeRun(r: ScriptRun): string {
  return `exit code ${r.code} signal ${r.signal}${r.timedOut ? ' (killed at the timeout)' : ''} after ${r.ms} ms\nstdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(-3000)}`;
}
