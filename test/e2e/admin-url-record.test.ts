/**
 * The admin URL a collector records beside its token file (./.logfun/admin-url),
 * where `logfun sql/tail/control` run in that folder find it and send its token.
 * Issue: `npm test` while `npm start` (the demo) ran in the repository folder broke
 * the demo's CLI: tests started collectors with the repository as their working
 * folder; each overwrote the demo's admin-url with its own and removed it at stop,
 * after which the CLI there went to the default address without the token (401).
 *   - the tests run in a temporary working folder (jest globalSetup), never the repository;
 *   - a collector started and stopped where another live collector's record is
 *     leaves that record as it is; a stale record (its collector gone) is replaced.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { REPO_ROOT } from '../kit/collector-process';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-admin-url-'));
const tokenFile = path.join(dir, '.logfun', 'admin-token');
const urlFile = path.join(dir, '.logfun', 'admin-url');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A collector without a configured token (so it keeps it in a file and records its URL), no store. */
function collectorIn(tokenFileYaml: string | undefined): Collector {
  const tokenSetting = tokenFileYaml === undefined ? '' : `, console_token_file: ${JSON.stringify(tokenFileYaml)}`;
  return new Collector({
    yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
exporters:
  debug: {}
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0"${tokenSetting} }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`,
    logger: createMemoryLogger(),
  });
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined);

test('tests run in a temporary working folder: a collector with the default token file leaves the repository .logfun alone', async () => {
  expect(fs.realpathSync(process.cwd())).not.toBe(fs.realpathSync(REPO_ROOT));
  const repoState = path.join(REPO_ROOT, '.logfun');
  const before = fs.existsSync(repoState) ? fs.readdirSync(repoState).map((f) => [f, fs.statSync(path.join(repoState, f)).mtimeMs]) : undefined;
  const c = collectorIn(undefined);
  await c.start();
  try {
    expect(c.adminTokenFile).toBe(path.resolve('.logfun', 'admin-token'));
    expect(path.relative(REPO_ROOT, c.adminTokenFile!).startsWith('..')).toBe(true);
  } finally {
    await c.shutdown();
  }
  const after = fs.existsSync(repoState) ? fs.readdirSync(repoState).map((f) => [f, fs.statSync(path.join(repoState, f)).mtimeMs]) : undefined;
  expect(after).toEqual(before);
  fs.rmSync(path.resolve('.logfun'), { recursive: true, force: true });
});

test("a collector started and stopped where another running collector's admin-url is leaves it untouched", async () => {
  const first = collectorIn(tokenFile);
  await first.start();
  try {
    const firstUrl = `http://127.0.0.1:${first.admin.port}`;
    expect(read(urlFile)).toBe(firstUrl);

    const second = collectorIn(tokenFile);
    await second.start();
    try {
      expect(read(urlFile)).toBe(firstUrl); // not taken over: the CLI here still reaches the first one
      expect(second.adminToken).toBe(first.adminToken);
    } finally {
      await second.shutdown();
    }
    expect(read(urlFile)).toBe(firstUrl); // not removed by the one that did not write it
  } finally {
    await first.shutdown();
  }
  expect(read(urlFile)).toBeUndefined(); // the writer removes its own record
});

test('a stale admin-url (its collector gone) is replaced, then removed at stop', async () => {
  const gone = collectorIn(tokenFile);
  await gone.start();
  const goneUrl = `http://127.0.0.1:${gone.admin.port}`;
  await gone.shutdown();
  fs.writeFileSync(urlFile, goneUrl + '\n'); // as a kill -9 leaves it: nobody listens there now
  const c = collectorIn(tokenFile);
  await c.start();
  try {
    expect(read(urlFile)).toBe(`http://127.0.0.1:${c.admin.port}`);
  } finally {
    await c.shutdown();
  }
  expect(read(urlFile)).toBeUndefined();
});
