/**
 * Every call form of README's SDK snippet records where it was logged from:
 * code.filepath = the calling script and code.lineno = its calling line. Run in
 * a child process against the built package (a plain .cjs script, so its line
 * numbers are the source's: no transpiler in between).
 */
import { describeRun, runScript, ScriptFolder } from '../kit/sdk-scripts';

jest.setTimeout(30_000);

/** The README snippet's calls, one per line, each marked with its form. */
const CALLS = [
  'log.info`user ${userId} paid ${amount}`; // tagged',
  "log.warn('retry %d of %s', attempt, orderId); // printf",
  "log.info({ orderId, region }, 'order %s placed', id); // attributes-first",
  "log.info('cache warmed', { entries: 10 }); // message-first",
  "log.error(err, 'payment failed for %s', user); // error",
  "log.info('cache cold'); // plain",
];

const HEADER = `const { createLogger, MemoryTransport } = require('logfun');
const memory = new MemoryTransport();
const log = createLogger({ service: 'callsite', transport: memory, level: 'trace', exitHooks: false });
const [userId, amount, attempt, orderId, region, id, user, err] = ['u1', 3, 2, 'o9', 'eu', 7, 'bob', new Error('declined')];
`;

const FOOTER = `
log.flush().then(async () => {
  console.log(JSON.stringify(memory.records.map((r) => [r.attributes['code.filepath'], r.attributes['code.lineno']])));
  await log.shutdown();
});
`;

test('each README call form carries code.filepath and code.lineno of its calling line', async () => {
  const folder = ScriptFolder.create('logfun-callsite-');
  try {
    const file = folder.write('forms', 'cjs', HEADER + CALLS.join('\n') + FOOTER);
    const run = await runScript(file);
    expect({ code: run.code, out: describeRun(run) }).toMatchObject({ code: 0 });
    const firstLine = HEADER.split('\n').length; // the line of CALLS[0]
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual(CALLS.map((_, i) => [file, firstLine + i]));
  } finally {
    folder.remove();
  }
});
