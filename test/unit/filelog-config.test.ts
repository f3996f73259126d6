/**
 * filelog receiver configuration (through the real config loader) and its globs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConfig, ConfigError, type FactoryRegistry } from '../../collector/config/config';
import type { ComponentFactory } from '../../collector/pipeline/component';
import { filelogReceiverFactory } from '../../collector/receivers/filelog/factory';
import { resolveFileLogConfig, type FileLogReceiverConfig } from '../../collector/receivers/filelog/config';
import { compileExcludes, expandBraces, expandGlob, globToRegExp } from '../../collector/receivers/filelog/glob';

const sink: ComponentFactory<Record<string, never>> = {
  type: 'sink',
  kind: 'exporter',
  createDefaultConfig: () => ({}),
  create: () => ({ start: async () => {}, shutdown: async () => {}, consumeLogs: async () => {} }),
};
const factories: FactoryRegistry = new Map<string, ComponentFactory>([
  ['receiver:filelog', filelogReceiverFactory as ComponentFactory],
  ['exporter:sink', sink as ComponentFactory],
]);

function withReceiver(body: string): string {
  return `
receivers:
  filelog/web:
${body
  .split('\n')
  .map((l) => '    ' + l)
  .join('\n')}
exporters:
  sink:
service:
  pipelines:
    logs:
      receivers: [filelog/web]
      exporters: [sink]
`;
}

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, factories);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('filelog config', () => {
  test('defaults follow otelcol (start_at end, 200ms poll, 1MiB lines, 500ms force flush); user values merge', () => {
    const cfg = parseConfig(
      withReceiver(`include: [logs/*.log]
parser: combined
start_at: beginning
max_line_size: 64KiB
resource:
  attributes: { service.name: nginx, deployment.environment: prod }
attributes: { source: file, shard: 3 }`),
      factories,
    );
    const c = cfg.receivers.get('filelog/web')!.config as FileLogReceiverConfig;
    expect(c.start_at).toBe('beginning');
    expect(c.parser).toBe('combined');
    expect(c.resource.attributes).toEqual({ 'service.name': 'nginx', 'deployment.environment': 'prod' });
    const r = resolveFileLogConfig(c, '/srv');
    expect(r.include).toEqual(['/srv/logs/*.log']);
    expect(r.maxLineSize).toBe(65536);
    expect(r.pollIntervalMs).toBe(200);
    expect(r.forceFlushPeriodMs).toBe(500);
    expect(r.storageDir).toBe('/srv/.logfun/filelog');
    expect(r.attributes).toEqual({ source: 'file', shard: 3 });
    const d = filelogReceiverFactory.createDefaultConfig();
    expect(d.start_at).toBe('end');
    expect(d.max_line_size).toBe('1MiB');
  });

  test('every problem is reported at once', () => {
    const problems = problemsOf(
      withReceiver(`include: []
exclude: [""]
start_at: middle
parser: xml
poll_interval: soon
max_line_size: huge
encoding: utf-16
max_batch_size: 0
resource: { attributes: { service.name: [a] }, labels: {} }
bogus: 1`),
    );
    const expected = [
      'receivers.filelog/web.bogus: unknown key',
      'receivers.filelog/web.resource.labels: unknown key',
    ];
    for (const e of expected) expect(problems.some((p) => p.startsWith(e))).toBe(true);
    // Structural problems stop before validation; fix them and the semantic ones all appear together.
    const semantic = problemsOf(
      withReceiver(`include: []
exclude: [""]
start_at: middle
parser: xml
poll_interval: soon
max_line_size: huge
encoding: utf-16
max_batch_size: 0
resource: { attributes: { service.name: [a] } }`),
    );
    for (const e of [
      'include: at least one glob pattern is required',
      'exclude[0]: expected a non-empty string',
      'start_at: must be "end" or "beginning"',
      'parser: must be one of clf, combined, csv, json, text, auto',
      'poll_interval: invalid duration',
      'max_line_size: invalid size',
      'encoding: only utf8 is supported',
      'max_batch_size: must be a positive integer',
      'resource.attributes.service.name: expected a string, number or boolean',
    ])
      expect(semantic.some((p) => p.includes(e))).toBe(true);
  });
});

describe('filelog globs', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filelog-glob-'));
    for (const f of ['a.log', 'b.log', 'c.txt', '.hidden.log', 'x/d.log', 'x/y/e.log', 'z/f.log', 'a.log.1']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), 'x\n');
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rel = (files: string[]) => files.map((f) => path.relative(dir, f));

  test('*, ?, [..], {a,b} and ** expand to regular files, sorted', async () => {
    expect(rel(await expandGlob(`${dir}/*.log`))).toEqual(['.hidden.log', 'a.log', 'b.log']);
    expect(rel(await expandGlob(`${dir}/?.log*`))).toEqual(['a.log', 'a.log.1', 'b.log']);
    expect(rel(await expandGlob(`${dir}/[!b].log`))).toEqual(['a.log']);
    expect(rel(await expandGlob(`${dir}/{a.log,c.txt,x/d.log}`))).toEqual(['a.log', 'c.txt', 'x/d.log']);
    expect(rel(await expandGlob(`${dir}/**/*.log`))).toEqual(['.hidden.log', 'a.log', 'b.log', 'x/d.log', 'x/y/e.log', 'z/f.log']);
    expect(rel(await expandGlob(`${dir}/x/**`))).toEqual(['x/d.log', 'x/y/e.log']);
    expect(rel(await expandGlob(`${dir}/*/d.log`))).toEqual(['x/d.log']);
    expect(await expandGlob(`${dir}/missing/*.log`)).toEqual([]);
    expect(rel(await expandGlob(`${dir}/a.log`))).toEqual(['a.log']);
  });

  test('excludes match the absolute path, or the base name for patterns without a slash', () => {
    const excluded = compileExcludes(['*.1', `${dir}/x/**`]);
    expect(excluded(`${dir}/a.log.1`)).toBe(true);
    expect(excluded(`${dir}/x/y/e.log`)).toBe(true);
    expect(excluded(`${dir}/a.log`)).toBe(false);
    expect(globToRegExp('/var/**/app-{web,api}.log').test('/var/log/k8s/app-api.log')).toBe(true);
    expect(globToRegExp('/var/**/app-{web,api}.log').test('/var/app-web.log')).toBe(true);
    expect(globToRegExp('/var/*.log').test('/var/a/b.log')).toBe(false);
    expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef']);
  });
});
