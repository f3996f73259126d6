/**
 * Process exit behaviour, in real child processes: records logged just before
 * the event loop runs dry are flushed by the beforeExit hook; process.exit()
 * (synchronous 'exit' only) loses what is buffered and says so; a receiver that
 * stays down does not keep the process alive beyond shutdownTimeoutMs.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OtlpGrpcSink } from '../kit/otlp-grpc-sink';

jest.setTimeout(60_000);

const SDK_ENTRY = path.resolve(__dirname, '../../sdk/index.ts');

/** A child script that loads the TypeScript SDK through a transpile-only require hook. */
function childScript(body: string): string {
  return `
const fs = require('fs');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const out = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  module._compile(out, filename);
};
const { createLogger } = require(${JSON.stringify(SDK_ENTRY)});
${body}
`;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-sdk-exit-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function runChild(name: string, body: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const file = path.join(tmp, `${name}.js`);
  fs.writeFileSync(file, childScript(body));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

describe('flush at process exit', () => {
  let sink: OtlpGrpcSink;
  beforeEach(async () => {
    sink = await OtlpGrpcSink.start();
  });
  afterEach(async () => {
    await sink.stop();
  });

  it('delivers records logged right before the process ends on its own (beforeExit)', async () => {
    const { code, stderr } = await runChild(
      'natural-end',
      `const log = createLogger({ service: 'batch-job', endpoint: '${sink.endpoint}', batch: { delayMs: 60000 } });
       for (let i = 0; i < 500; i++) log.info\`job step \${i}\`;`,
    );
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/not delivered/);
    expect(sink.recordCount()).toBe(500);
    expect(sink.records()[499].body).toBe('job step 499');
  });

  it('process.exit() cannot flush asynchronously: the loss is reported on stderr', async () => {
    const { code, stderr } = await runChild(
      'hard-exit',
      `const log = createLogger({ service: 'batch-job', endpoint: '${sink.endpoint}', batch: { delayMs: 60000 } });
       for (let i = 0; i < 20; i++) log.info\`step \${i}\`;
       process.exit(3);`,
    );
    expect(code).toBe(3);
    // 'auto' had no answer from the endpoint yet: it was trying the compact stream.
    expect(stderr).toMatch(/process exiting with 20 log records not delivered to logfun: the process ended before they were sent \(process\.exit\(\)/);
    expect(stderr).toMatch(/await logger\.shutdown\(\) before process\.exit\(\)/);
    expect(sink.recordCount()).toBe(0);
  });

  it('awaiting shutdown() before process.exit() delivers everything', async () => {
    const { code } = await runChild(
      'clean-exit',
      `const log = createLogger({ service: 'batch-job', endpoint: '${sink.endpoint}', batch: { delayMs: 60000 } });
       for (let i = 0; i < 20; i++) log.info\`step \${i}\`;
       log.shutdown().then(() => process.exit(0));`,
    );
    expect(code).toBe(0);
    expect(sink.recordCount()).toBe(20);
  });

  it('does not hang when the receiver is down: gives up after shutdownTimeoutMs and reports', async () => {
    const port = sink.port;
    await sink.stop();
    const { code, stderr, ms } = await runChild(
      'receiver-down',
      `const log = createLogger({ service: 'batch-job', endpoint: '127.0.0.1:${port}', shutdownTimeoutMs: 500, retry: { initialBackoffMs: 50, maxBackoffMs: 100 } });
       for (let i = 0; i < 5; i++) log.info\`step \${i}\`;`,
    );
    expect(code).toBe(0);
    // A hang would never end; the bound only has to survive a loaded CI machine (child start-up dominates).
    expect(ms).toBeLessThan(30_000);
    expect(stderr).toMatch(/export failed/);
    expect(stderr).toMatch(/process exiting with 5 log records not delivered to logfun: the flush at exit could not deliver them within 500 ms/);
    // The script never called process.exit(): the report must not say it did.
    expect(stderr).not.toMatch(/process\.exit/);
  });
});
