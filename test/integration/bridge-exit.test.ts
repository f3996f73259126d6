/**
 * The pino and winston bridges at the end of short scripts, as their users write
 * them, with the built package (`npm run build` first) and a `logfun collector`
 * child process writing to chDB:
 *
 * - pino: the README snippet (an in-process destination and a
 *   `pino.transport({ target: 'logfun/pino' })` worker in one script) ending on its
 *   own, run again and again (every run's records must arrive: pino flushes its
 *   worker transports at exit and users rely on it); the worker with process.exit();
 *   awaiting `logger.flush(cb)`; the collector down (bounded, drops reported).
 * - winston: `logger.on('finish', () => process.exit())` + `logger.end()` (winston's
 *   documented way to wait for transports), run again and again; ending on its own;
 *   the collector down.
 */
import { startCollectorProcess, freePort, waitForCount, type CollectorProcess } from '../kit/collector-process';
import { describeRun, runScript, ScriptFolder, type ModuleKind, type ScriptRun } from '../kit/sdk-scripts';

jest.setTimeout(600_000);

const KINDS: ModuleKind[] = ['cjs', 'mjs'];
const RUNS = 10;
const RECORDS = 5;
const MARKER = 'SCRIPT-DONE';

let collector: CollectorProcess;
let folder: ScriptFolder;
let endpoint: string;
let downEndpoint: string;

beforeAll(async () => {
  folder = ScriptFolder.create('logfun-bridge-exit-');
  const [c, downPort] = await Promise.all([startCollectorProcess(), freePort()]);
  collector = c;
  endpoint = `127.0.0.1:${collector.grpcPort}`;
  downEndpoint = `127.0.0.1:${downPort}`;
});

afterAll(async () => {
  await collector?.stop();
  folder?.remove();
});

/** Imports for a script of either kind: `names` from `module` (default export as `defaultName`). */
function imports(kind: ModuleKind, lines: { module: string; defaultName?: string; names?: string[] }[]): string {
  return lines
    .map(({ module, defaultName, names }) => {
      if (kind === 'mjs') {
        const parts = [defaultName, names && names.length > 0 ? `{ ${names.join(', ')} }` : undefined].filter(Boolean);
        return `import ${parts.join(', ')} from '${module}';`;
      }
      const out: string[] = [];
      if (defaultName) out.push(`const ${defaultName} = require('${module}');`);
      if (names && names.length > 0) out.push(`const { ${names.join(', ')} } = require('${module}');`);
      return out.join('\n');
    })
    .join('\n');
}

/** Wraps `body` so it may use await in either kind (top-level await in an ES module). */
function script(kind: ModuleKind, head: string, body: string): string {
  return kind === 'mjs' ? `${head}\n${body}\n` : `'use strict';\n${head}\n(async () => {\n${body}\n})().catch((err) => { console.error(err); process.exitCode = 1; });\n`;
}

async function countOf(service: string): Promise<number> {
  const rows = await collector.sql(`SELECT count() AS n FROM otel.otel_logs WHERE ServiceName = '${service}'`);
  return Number(rows[0].n);
}

/** Every service got exactly RECORDS records (polls until they are in ClickHouse; a missing one fails with the counts). */
async function expectArrived(services: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  let counts: Record<string, number> = {};
  for (;;) {
    counts = {};
    for (const s of services) counts[s] = await countOf(s);
    if (services.every((s) => counts[s] >= RECORDS) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(counts).toEqual(Object.fromEntries(services.map((s) => [s, RECORDS])));
}

function expectCleanExit(run: ScriptRun, marker = true): void {
  if (run.code !== 0 || (marker && !run.stdout.includes(MARKER))) throw new Error(`the script did not end as expected: ${describeRun(run)}`);
}

const PINO_HEAD = (kind: ModuleKind) =>
  imports(kind, [
    { module: 'pino', defaultName: 'pino' },
    { module: 'logfun/pino', names: ['pinoDestination', 'pinoOptions'] },
  ]);

describe.each(KINDS)('pino, %s script', (kind) => {
  test(`the README snippet (in process + worker transport) ending on its own: every record of ${RUNS} runs arrives`, async () => {
    const services: string[] = [];
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const inProcess = `pino-inproc-${kind}-${run}`;
      const worker = `pino-worker-${kind}-${run}`;
      services.push(inProcess, worker);
      const file = folder.write(
        `pino-readme-${run}`,
        kind,
        script(
          kind,
          PINO_HEAD(kind),
          `const log = pino(pinoOptions(), pinoDestination({ service: '${inProcess}', endpoint: '${endpoint}' }));
const log2 = pino(pinoOptions(), pino.transport({ target: 'logfun/pino', options: { service: '${worker}', endpoint: '${endpoint}' } }));
for (let i = 0; i < ${RECORDS}; i++) {
  log.info('order %d shipped to %s', i, 'berlin');
  log2.info('order %d shipped to %s', i, 'berlin');
}
console.log('${MARKER}');`,
        ),
      );
      const r = await runScript(file);
      if (r.code !== 0 || r.stderr !== '') failures.push(describeRun(r));
    }
    expect(failures).toEqual([]);
    await expectArrived(services);
  });

  test('awaiting logger.flush(cb) on both loggers returns, and the records arrive', async () => {
    const inProcess = `pino-flush-inproc-${kind}`;
    const worker = `pino-flush-worker-${kind}`;
    const file = folder.write(
      'pino-flush',
      kind,
      script(
        kind,
        PINO_HEAD(kind),
        `const log = pino(pinoOptions(), pinoDestination({ service: '${inProcess}', endpoint: '${endpoint}' }));
const log2 = pino(pinoOptions(), pino.transport({ target: 'logfun/pino', options: { service: '${worker}', endpoint: '${endpoint}' } }));
for (let i = 0; i < ${RECORDS}; i++) {
  log.info('order %d flushed', i);
  log2.info('order %d flushed', i);
}
await new Promise((resolve, reject) => log.flush((err) => (err ? reject(err) : resolve())));
await new Promise((resolve, reject) => log2.flush((err) => (err ? reject(err) : resolve())));
console.log('${MARKER}');`,
      ),
    );
    expectCleanExit(await runScript(file));
    await expectArrived([inProcess, worker]);
  });
});

describe('pino worker transport, more endings', () => {
  // A CommonJS script's top-level variables die with its module function: once it returned,
  // the pino loggers (and the worker transport pino holds only weakly) may be collected,
  // and then pino's exit hook never ends the worker; it is terminated. (An ES module's
  // bindings live as long as the process, so this is CommonJS only.)
  test(`the README snippet, then the script works on and its loggers are garbage-collected: every record of ${RUNS} runs arrives`, async () => {
    const services: string[] = [];
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const inProcess = `pino-gc-inproc-${run}`;
      const worker = `pino-gc-worker-${run}`;
      services.push(inProcess, worker);
      const file = folder.write(
        `pino-gc-${run}`,
        'cjs',
        `${PINO_HEAD('cjs')}
const log = pino(pinoOptions(), pinoDestination({ service: '${inProcess}', endpoint: '${endpoint}' }));
const transport = pino.transport({ target: 'logfun/pino', options: { service: '${worker}', endpoint: '${endpoint}' } });
const log2 = pino(pinoOptions(), transport);
for (let i = 0; i < ${RECORDS}; i++) {
  log.info('order %d shipped to %s', i, 'berlin');
  log2.info('order %d shipped to %s', i, 'berlin');
}
// More work after the last log line; the loggers are not used any more. gc() stands in
// for the collections that work would cause (deterministic here).
transport.once('ready', () => setTimeout(() => global.gc(), 200));
`,
      );
      const r = await runScript(file, { nodeArgs: ['--expose-gc'] });
      if (r.code !== 0 || r.stderr !== '') failures.push(describeRun(r));
    }
    expect(failures).toEqual([]);
    await expectArrived(services);
  });

  test(`process.exit() right after logging: pino flushes its worker, every record of ${RUNS} runs arrives`, async () => {
    const services: string[] = [];
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const worker = `pino-exit-worker-${run}`;
      services.push(worker);
      const file = folder.write(
        `pino-exit-${run}`,
        'cjs',
        `${PINO_HEAD('cjs')}
const log = pino(pinoOptions(), pino.transport({ target: 'logfun/pino', options: { service: '${worker}', endpoint: '${endpoint}' } }));
for (let i = 0; i < ${RECORDS}; i++) log.info('order %d shipped', i);
process.exit(0);
`,
      );
      const r = await runScript(file);
      if (r.code !== 0) failures.push(describeRun(r));
    }
    expect(failures).toEqual([]);
    await expectArrived(services);
  });

  test('collector down: the script ends within the bound and the worker reports its drops on stderr', async () => {
    const file = folder.write(
      'pino-down',
      'cjs',
      `${PINO_HEAD('cjs')}
const log = pino(pinoOptions(), pino.transport({ target: 'logfun/pino', options: { service: 'pino-down', endpoint: '${downEndpoint}', shutdownTimeoutMs: 1000 } }));
for (let i = 0; i < ${RECORDS}; i++) log.info('order %d lost', i);
console.log('${MARKER}');
`,
    );
    const r = await runScript(file);
    expectCleanExit(r);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stderr).toMatch(new RegExp(`logfun SDK dropped ${RECORDS} log records \\(0 buffer full, 0 rejected by the receiver, ${RECORDS} at shutdown\\)[^\\n]*service pino-down`));
  });
});

const WINSTON_HEAD = (kind: ModuleKind) =>
  imports(kind, [
    { module: 'winston', defaultName: 'winston' },
    { module: 'logfun/winston', names: ['LogfunWinstonTransport'] },
  ]);

/** winston's documented wait for its transports: end the logger, exit on 'finish'. */
function winstonFinishScript(kind: ModuleKind, service: string, target: string): string {
  return script(
    kind,
    WINSTON_HEAD(kind),
    `const logger = winston.createLogger({ transports: [new LogfunWinstonTransport({ service: '${service}', endpoint: '${target}', shutdownTimeoutMs: 1000 })] });
for (let i = 0; i < ${RECORDS}; i++) logger.info('invoice %d sent to %s', i, 'acme');
logger.on('finish', () => {
  console.log('${MARKER}');
  process.exit(0);
});
logger.end();`,
  );
}

describe.each(KINDS)('winston, %s script', (kind) => {
  test(`logger.end() and process.exit() on 'finish': every record of ${RUNS} runs arrives`, async () => {
    const services: string[] = [];
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const service = `winston-finish-${kind}-${run}`;
      services.push(service);
      const r = await runScript(folder.write(`winston-finish-${run}`, kind, winstonFinishScript(kind, service, endpoint)));
      if (r.code !== 0 || !r.stdout.includes(MARKER) || r.stderr !== '') failures.push(describeRun(r));
    }
    expect(failures).toEqual([]);
    await expectArrived(services);
  });

  test('ending on its own: the records arrive', async () => {
    const service = `winston-natural-${kind}`;
    const file = folder.write(
      'winston-natural',
      kind,
      script(
        kind,
        WINSTON_HEAD(kind),
        `const logger = winston.createLogger({ transports: [new LogfunWinstonTransport({ service: '${service}', endpoint: '${endpoint}' })] });
for (let i = 0; i < ${RECORDS}; i++) logger.info('invoice %d sent to %s', i, 'acme');
console.log('${MARKER}');`,
      ),
    );
    expectCleanExit(await runScript(file));
    await expectArrived([service]);
  });

  test("collector down: 'finish' comes within the bound, the drops are reported", async () => {
    const service = `winston-down-${kind}`;
    const r = await runScript(folder.write('winston-down', kind, winstonFinishScript(kind, service, downEndpoint)));
    expectCleanExit(r);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stderr).toMatch(new RegExp(`logfun SDK dropped ${RECORDS} log records \\(0 buffer full, 0 rejected by the receiver, ${RECORDS} at shutdown\\)`));
  });
});
