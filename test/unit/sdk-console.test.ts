import * as path from 'path';
import { PassThrough } from 'stream';
import { createLogger, ConsoleTransport } from '../../sdk';

/** This file as the console transport shows a call site: relative to the working folder (a temporary one under jest). */
const here = path.relative(process.cwd(), __filename).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('console transport', () => {
  it('prints one readable line per record: time, level, service, Body, attributes, call site', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d) => (out += d));
    const log = createLogger({ service: 'dev-app', transport: new ConsoleTransport({ stream, colors: false }), level: 'debug', exitHooks: false });
    function handle() {
      log.child({ requestId: 'r-1' }).info`user ${42} logged in`;
    }
    handle();
    log.debug({ cache: 'users', hits: 3 }, 'cache %s warmed', 'users');
    log.trace`below the level`;
    await log.shutdown();
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(String.raw`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z INFO  dev-app {2}user 42 logged in requestId="r-1" \(` + here + String.raw`:\d+ handle\)$`));
    expect(lines[1]).toMatch(new RegExp(String.raw` DEBUG dev-app {2}cache users warmed cache="users" hits=3 \(` + here + String.raw`:\d+\)$`));
  });

  it('colors levels on a TTY unless NO_COLOR', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d) => (out += d));
    const log = createLogger({ service: 'dev-app', transport: new ConsoleTransport({ stream, colors: true }), exitHooks: false });
    log.error`boom`;
    await log.shutdown();
    expect(out).toContain('\x1b[31mERROR');
  });
});
