/**
 * Offline mode end to end: a service logging to a file (a real child process)
 * is killed with SIGKILL mid-stream; the file decodes (everything written
 * before the kill, in order, no crash); a restarted service appends to it.
 * `logfun decode` (its command function, on files written by the SDK) prints
 * text and JSON lines and reports damaged input with exit code 2.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { createLogger } from '../../sdk';
import { decodeLogFile } from '../../protocol/file-format/decode';
import { runDecode, type DecodeFormat } from '../../collector/cli/decode';

jest.setTimeout(60_000);

const SDK_ENTRY = path.resolve(__dirname, '../../sdk/index.ts');

/**
 * A child script that loads TypeScript sources through a transpile-only
 * require hook; transpiled files are cached in `cacheDir` (the second child
 * starts faster).
 */
function childScript(body: string, cacheDir: string): string {
  return `
const fs = require('fs');
const path = require('path');
let ts;
require.extensions['.ts'] = (module, filename) => {
  const cached = path.join(${JSON.stringify(cacheDir)}, filename.replace(/[^A-Za-z0-9]/g, '_') + '_' + fs.statSync(filename).mtimeMs + '.js');
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    ts = ts || require(${JSON.stringify(require.resolve('typescript'))});
    out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
    }).outputText;
    fs.mkdirSync(${JSON.stringify(cacheDir)}, { recursive: true });
    fs.writeFileSync(cached, out);
  }
  module._compile(out, filename);
};
${body}
`;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-sdk-file-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startChild(name: string, body: string, args: string[] = []) {
  const file = path.join(tmp, `${name}.js`);
  fs.writeFileSync(file, childScript(body, path.join(tmp, 'ts-cache')));
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<ChildRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => stdout };
}

/** A service that logs numbered records to `file` until killed (printing progress on stdout). */
function writerBody(file: string, service: string): string {
  return `
const { createLogger } = require(${JSON.stringify(SDK_ENTRY)});
const log = createLogger({ service: ${JSON.stringify(service)}, transport: 'file', file: { path: ${JSON.stringify(file)} }, batch: { maxRecords: 50, delayMs: 5 } });
let i = 0;
setInterval(() => {
  for (let k = 0; k < 25; k++, i++) log.info\`record \${i} of \${${JSON.stringify(service)}} value \${i * 0.5}\`;
  process.stdout.write(String(i) + '\\n');
}, 2);
`;
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a service killed while writing its log file', () => {
  it('leaves a file that decodes up to the kill, and a restarted service appends to it', async () => {
    const file = path.join(tmp, 'killed', 'service.lf');
    const first = startChild('writer-1', writerBody(file, 'killed-svc'));
    await waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 20_000, 30_000);
    first.child.kill('SIGKILL');
    const run = await first.done;
    expect(run.signal).toBe('SIGKILL');

    const afterKill = decodeLogFile(fs.readFileSync(file));
    expect(afterKill.error).toBeUndefined();
    expect(afterKill.records).toBeGreaterThan(100);
    // Every record before the kill point, in order, none missing in between.
    afterKill.decoded.forEach((r, i) => expect(r.body).toBe(`record ${i} of killed-svc value ${i * 0.5}`));
    if (afterKill.truncation) expect(afterKill.truncation.offset + afterKill.truncation.presentBytes).toBe(fs.statSync(file).size);

    const second = startChild('writer-2', writerBody(file, 'restarted-svc'));
    await waitFor(() => Number(second.output().trim().split('\n').pop() || 0) >= 500, 30_000);
    second.child.kill('SIGTERM');
    await second.done;

    const afterRestart = decodeLogFile(fs.readFileSync(file));
    expect(afterRestart.error).toBeUndefined();
    expect(afterRestart.sessions).toBe(2);
    const services = afterRestart.decoded.map((r) => r.service);
    const firstCount = services.indexOf('restarted-svc');
    expect(firstCount).toBe(afterKill.records);
    expect(services.slice(firstCount).every((s) => s === 'restarted-svc')).toBe(true);
    afterRestart.decoded.slice(firstCount).forEach((r, i) => expect(r.body).toBe(`record ${i} of restarted-svc value ${i * 0.5}`));
  });
});

describe('logfun decode', () => {
  /** A file written by the SDK: `records` WARN records from a child logger, 10 per frame. */
  async function writeFile(name: string, records: number): Promise<string> {
    const file = path.join(tmp, `${name}.lf`);
    const log = createLogger({
      service: 'decode-svc',
      transport: 'file',
      file: { path: file },
      batch: { maxRecords: 10 },
      attributes: { env: 'test' },
      exitHooks: false,
    });
    for (let i = 0; i < records; i++) {
      log.child({ request: i }).warn`user ${'ü' + i} paid ${i + 0.25} big ${2n ** 64n + BigInt(i)}`;
      if (i % 10 === 9) await log.flush();
    }
    await log.shutdown();
    return file;
  }

  async function decodeCommand(format: DecodeFormat, files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d) => (stdout += d));
    err.on('data', (d) => (stderr += d));
    const code = await runDecode(files, { format, out, err });
    return { code, stdout, stderr };
  }

  it('prints text lines <ISO timestamp> <LEVEL> <service> <body> and JSON lines with typed values', async () => {
    const file = await writeFile('complete', 30);
    const decoded = decodeLogFile(fs.readFileSync(file)).decoded;
    const text = await decodeCommand('text', [file]);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    lines.forEach((line, i) => {
      const ns = decoded[i].timeUnixNano;
      const iso = new Date(Number(ns / 1_000_000n)).toISOString().replace(/\.\d{3}Z$/, `.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`);
      expect(line).toBe(`${iso} WARN decode-svc user ü${i} paid ${i + 0.25} big ${2n ** 64n + BigInt(i)}`);
    });

    const json = await decodeCommand('json', [file]);
    expect(json.code).toBe(0);
    const rows = json.stdout.trimEnd().split('\n');
    expect(rows[7]).toContain(`"args":["ü7",7.25,"${2n ** 64n + 7n}"]`);
    const row = JSON.parse(rows[7]);
    expect(row).toMatchObject({
      level: 'WARN',
      severityNumber: 13,
      service: 'decode-svc',
      body: `user ü7 paid 7.25 big ${2n ** 64n + 7n}`,
      template: 'user {} paid {} big {}',
      attributes: { env: 'test', request: 7 },
      timeUnixNano: decoded[7].timeUnixNano.toString(),
    });
  });

  it('reports a truncated file on stderr with exit code 2 after printing every complete record', async () => {
    const file = await writeFile('truncated', 40);
    const bytes = fs.readFileSync(file);
    const cut = path.join(tmp, 'cut.lf');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
    const run = await decodeCommand('text', [cut]);
    expect(run.code).toBe(2);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(30);
    expect(run.stderr).toMatch(/cut\.lf: truncated: the last frame \(at byte \d+\) is incomplete \(\d+ of \d+ bytes\); the 30 records before it were decoded/);

    const notLogfun = path.join(tmp, 'plain.txt');
    fs.writeFileSync(notLogfun, 'hello\n');
    const bad = await decodeCommand('text', [notLogfun, path.join(tmp, 'missing.lf'), file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/plain\.txt: not a logfun log file/);
    expect(bad.stderr).toContain(`logfun decode: ${path.join(tmp, 'missing.lf')}: no such file\n`);
    expect(bad.stdout.trimEnd().split('\n')).toHaveLength(40);
  });
});
