/**
 * `await log.shutdown()` returns, in a real script, with every transport: the code
 * after it runs and the process exits with code 0, whether the collector is up
 * (every record arrives in ClickHouse), down (the records are counted as dropped
 * and reported, within a bounded time) or goes away while the script runs.
 *
 * The scripts use the built package (`npm run build` first) as a service does, as
 * CommonJS (an async function) and as an ES module (top-level await: a promise
 * left pending when the event loop runs dry ends an ES module with code 13). The
 * collector is a child process (`logfun collector`) writing to chDB.
 */
import * as fs from 'fs';
import * as path from 'path';
import { freePort, startCollectorProcess, waitForCount, type CollectorProcess } from '../kit/collector-process';
import { CutProxy } from '../kit/cut-proxy';
import { describeRun, runScript, ScriptFolder, type ModuleKind, type ScriptRun } from '../kit/sdk-scripts';
import { decodeLogFile } from '../../protocol/file-format/decode';

jest.setTimeout(300_000);

const KINDS: ModuleKind[] = ['cjs', 'mjs'];
const NETWORK_TRANSPORTS = ['auto', 'logfun', 'otlp'] as const;
const RECORDS = 40;
const MARKER = 'AFTER-SHUTDOWN';

let collector: CollectorProcess;
let folder: ScriptFolder;
let downPort: number;

beforeAll(async () => {
  folder = ScriptFolder.create('logfun-sdk-shutdown-');
  [collector, downPort] = await Promise.all([startCollectorProcess(), freePort()]);
});

afterAll(async () => {
  await collector?.stop();
  folder?.remove();
});

/**
 * A script that logs `records` records, awaits shutdown, then prints the marker and the
 * logger's stats. `middle` (optional) runs between a first half and the rest: e.g. a
 * flush and a pause until the test has cut the collector off.
 */
function shutdownScript(kind: ModuleKind, options: Record<string, unknown>, records: number, middle?: { first: number; code: string }): string {
  const first = middle?.first ?? records;
  const body = `
const log = createLogger(${JSON.stringify(options)});
for (let i = 0; i < ${first}; i++) log.info\`shutdown test record \${i}\`;
${middle ? middle.code : ''}
for (let i = ${first}; i < ${records}; i++) log.info\`shutdown test record \${i}\`;
await log.shutdown();
console.log('${MARKER} ' + JSON.stringify(log.stats()));
`;
  return kind === 'cjs'
    ? `'use strict';\nconst { createLogger } = require('logfun');\nasync function main() {${body}}\nmain().catch((err) => { console.error(err); process.exitCode = 1; });\n`
    : `import { createLogger } from 'logfun';\n${body}`;
}

interface Stats {
  emitted: number;
  exported: number;
  dropped: number;
  droppedAtShutdown: number;
}

/** The run printed the marker (the code after the awaited shutdown ran) and exited with code 0; returns the stats it printed. */
function expectShutdownReturned(run: ScriptRun): Stats {
  const line = run.stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (line === undefined || run.code !== 0) throw new Error(`the code after \`await log.shutdown()\` did not run or the exit code is not 0: ${describeRun(run)}`);
  return JSON.parse(line.slice(MARKER.length + 1)) as Stats;
}

async function countOf(service: string): Promise<number> {
  const rows = await collector.sql(`SELECT count() AS n FROM otel.otel_logs WHERE ServiceName = '${service}'`);
  return Number(rows[0].n);
}

describe.each(KINDS)('%s script: await log.shutdown() returns', (kind) => {
  describe.each(NETWORK_TRANSPORTS)("transport '%s'", (transport) => {
    test('collector up: the code after it runs, exit code 0, every record arrived', async () => {
      const service = `up-${kind}-${transport}`;
      const file = folder.write(service, kind, shutdownScript(kind, { service, transport, endpoint: `127.0.0.1:${collector.grpcPort}` }, RECORDS));
      const run = await runScript(file);
      const stats = expectShutdownReturned(run);
      expect(stats).toMatchObject({ emitted: RECORDS, exported: RECORDS, dropped: 0 });
      await waitForCount(collector, `ServiceName = '${service}'`, RECORDS, 30_000);
      expect(await countOf(service)).toBe(RECORDS);
      // The diagnostics have nothing to say when everything was delivered.
      expect(run.stderr).toBe('');
    });

    test('collector down: returns within the bound, the records are counted as dropped and reported', async () => {
      const service = `down-${kind}-${transport}`;
      const options = { service, transport, endpoint: `127.0.0.1:${downPort}`, shutdownTimeoutMs: 1000, retry: { initialBackoffMs: 50, maxBackoffMs: 200 } };
      const run = await runScript(folder.write(service, kind, shutdownScript(kind, options, RECORDS)));
      const stats = expectShutdownReturned(run);
      expect(stats).toMatchObject({ emitted: RECORDS, exported: 0, dropped: RECORDS, droppedAtShutdown: RECORDS });
      expect(run.stderr).toMatch(new RegExp(`logfun SDK dropped ${RECORDS} log records \\(0 buffer full, 0 rejected by the receiver, ${RECORDS} at shutdown\\)`));
      // shutdownTimeoutMs (1 s) + closing the transport + node's start-up; generous for a loaded machine.
      expect(run.ms).toBeLessThan(15_000);
      // The diagnostics name the protocol they talk about: 'auto' tries the compact stream first.
      const speaks = transport === 'otlp' ? 'otlp' : 'logfun';
      expect(run.stderr).toMatch(new RegExp(`logfun: ${speaks} export failed`));
      if (speaks === 'logfun') expect(run.stderr).not.toMatch(/otlp export failed/);
    });

    test.each(['cut', 'freeze'] as const)(
      'collector goes away mid-run (%s): returns, what was acknowledged arrived, the rest is counted as dropped',
      async (how) => {
        const service = `gone-${how}-${kind}-${transport}`;
        const proxy = await CutProxy.start(collector.grpcPort);
        try {
          const half = RECORDS / 2;
          const options = { service, transport, endpoint: proxy.endpoint, shutdownTimeoutMs: 1000, retry: { initialBackoffMs: 50, maxBackoffMs: 200 } };
          // The script flushes the first half, says so, and waits for a line on stdin (sent once the collector is gone).
          const middle = {
            first: half,
            code: `const flushed = await log.flush(10000);
console.log('FLUSHED ' + flushed);
await new Promise((resolve) => process.stdin.once('data', () => { process.stdin.destroy(); resolve(); }));`,
          };
          const file = folder.write(service, kind, shutdownScript(kind, options, RECORDS, middle));
          const run = await runScript(file, {
            onStdout: (text, child) => {
              if (!text.includes('FLUSHED')) return;
              if (how === 'cut') void proxy.cut().then(() => child.writeStdin('go\n'));
              else {
                proxy.freeze();
                child.writeStdin('go\n');
              }
            },
          });
          expect(run.stdout).toContain('FLUSHED true');
          const stats = expectShutdownReturned(run);
          expect(stats).toMatchObject({ emitted: RECORDS, exported: half, dropped: RECORDS - half, droppedAtShutdown: RECORDS - half });
          expect(run.stderr).toMatch(new RegExp(`logfun SDK dropped ${RECORDS - half} log records`));
          // Below exportTimeoutMs (10 s): no call to the frozen collector may hold the process until its deadline.
          expect(run.ms).toBeLessThan(9_000);
          await waitForCount(collector, `ServiceName = '${service}'`, half, 30_000);
          expect(await countOf(service)).toBe(half);
        } finally {
          await proxy.cut();
        }
      },
    );
  });

  test("transport 'file': returns, every record is in the file", async () => {
    const service = `file-${kind}`;
    const logFile = path.join(folder.dir, `${service}.lfl`);
    const run = await runScript(folder.write(service, kind, shutdownScript(kind, { service, transport: 'file', file: { path: logFile } }, RECORDS)));
    expect(expectShutdownReturned(run)).toMatchObject({ emitted: RECORDS, exported: RECORDS, dropped: 0 });
    const decoded = decodeLogFile(fs.readFileSync(logFile));
    expect(decoded.decoded.map((r) => r.body)).toEqual(Array.from({ length: RECORDS }, (_, i) => `shutdown test record ${i}`));
  });

  test("transport 'console': returns, every record was printed", async () => {
    const service = `console-${kind}`;
    const run = await runScript(folder.write(service, kind, shutdownScript(kind, { service, transport: 'console' }, RECORDS)));
    expect(expectShutdownReturned(run)).toMatchObject({ emitted: RECORDS, exported: RECORDS, dropped: 0 });
    expect(run.stderr.split('\n').filter((l) => /shutdown test record \d+/.test(l))).toHaveLength(RECORDS);
  });
});

/**
 * A large buffer at shutdown (issue: the SDK used to give up because acknowledgements
 * were slow): 200,000 records buffered, then `await log.shutdown()` with the default
 * shutdownTimeoutMs (5 s), against a collector with the default processors and the
 * write-ahead log. Measured ~1 s on an idle 2-core machine.
 */
test('a 200,000-record buffer drains at shutdown with the default settings: no drops, every record stored', async () => {
  const records = 200_000;
  const os = await import('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-sdk-drain-'));
  const big = await startCollectorProcess({
    dir,
    processorsYaml: '  template:\n  spam:\n  control:',
    pipelineProcessors: ['template', 'spam', 'control'],
    exportersYaml: `  clickhouse:\n    endpoint: "chdb://${dir}/data"\n    queue: { storage: wal, directory: ${dir}/queue }`,
  });
  try {
    const service = 'drain-200k';
    const options = { service, endpoint: `127.0.0.1:${big.grpcPort}`, buffer: { maxRecords: records, maxBytes: 512 * 1024 * 1024 } };
    const source = `'use strict';
const { createLogger } = require('logfun');
async function main() {
  const log = createLogger(${JSON.stringify(options)});
  for (let i = 0; i < ${records}; i++) log.info\`order \${i} paid by user \${'u' + (i % 97)} in \${i % 1000} ms\`;
  await log.shutdown();
  console.log('${MARKER} ' + JSON.stringify(log.stats()));
}
main().catch((err) => { console.error(err); process.exitCode = 1; });
`;
    const run = await runScript(folder.write(service, 'cjs', source), { timeoutMs: 60_000 });
    expect(expectShutdownReturned(run)).toMatchObject({ emitted: records, exported: records, dropped: 0 });
    await waitForCount(big, `ServiceName = '${service}'`, records, 60_000);
    const rows = await big.sql(`SELECT count() AS n, uniqExact(TemplateArgs[1]) AS orders FROM otel.otel_logs WHERE ServiceName = '${service}'`);
    expect(rows[0]).toEqual({ n: String(records), orders: String(records) });
  } finally {
    await big.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
