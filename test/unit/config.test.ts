import { parseConfig, ConfigError, type FactoryRegistry } from '../../collector/config/config';
import type { ComponentFactory } from '../../collector/pipeline/component';
import { batchProcessorFactory } from '../../processors/batch/factory';
import { parseDuration, parseSize } from '../../collector/config/units';

const nullComponent = { start: async () => {}, shutdown: async () => {}, consumeLogs: async () => {} };
const fakeReceiver: ComponentFactory<{ endpoint: string; max: number }> = {
  type: 'fake',
  kind: 'receiver',
  createDefaultConfig: () => ({ endpoint: 'localhost:1', max: 10 }),
  validate: (c) => (c.max > 100 ? ['max: must be at most 100'] : []),
  create: () => nullComponent,
};
const sinkExporter: ComponentFactory<{ name: string }> = {
  type: 'sink',
  kind: 'exporter',
  createDefaultConfig: () => ({ name: 'x' }),
  create: () => nullComponent,
};
const factories: FactoryRegistry = new Map<string, ComponentFactory>([
  ['receiver:fake', fakeReceiver as ComponentFactory],
  ['exporter:sink', sinkExporter as ComponentFactory],
  ['processor:batch', batchProcessorFactory as ComponentFactory],
]);

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, factories);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config', () => {
  test('a valid config resolves defaults merged with user values', () => {
    const cfg = parseConfig(
      `
receivers:
  fake:
    max: 50
  fake/second:
processors:
  batch:
    timeout: 1s
exporters:
  sink:
service:
  pipelines:
    logs:
      receivers: [fake, fake/second]
      processors: [batch]
      exporters: [sink]
`,
      factories,
    );
    expect(cfg.receivers.get('fake')!.config).toEqual({ endpoint: 'localhost:1', max: 50 });
    expect(cfg.receivers.get('fake/second')!.config).toEqual({ endpoint: 'localhost:1', max: 10 });
    expect(cfg.processors.get('batch')!.config).toEqual({ send_batch_size: 8192, send_batch_max_size: 0, timeout: '1s' });
    expect(cfg.pipelines.get('logs')).toEqual({ receivers: ['fake', 'fake/second'], processors: ['batch'], exporters: ['sink'] });
    expect(cfg.telemetry.admin.endpoint).toBe('127.0.0.1:13133');
  });

  test('every error is reported at once, with its path', () => {
    const problems = problemsOf(`
receivers:
  fake:
    max: 500
    typo_key: 1
  nosuch:
processors:
  batch:
    send_batch_size: -3
    timeout: soon
exporters:
  sink:
    name: [1, 2]
service:
  pipelines:
    logs:
      receivers: [fake, missing]
      exporters: []
    metrics:
      receivers: [fake]
      exporters: [sink]
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('receivers.fake.typo_key: unknown key'),
        expect.stringContaining('receivers.nosuch: unknown receiver type "nosuch"'),
        expect.stringContaining('processors.batch: send_batch_size: must be a positive integer'),
        expect.stringContaining('timeout: invalid duration "soon"'),
        expect.stringContaining('exporters.sink.name: expected a string'),
        expect.stringContaining('service.pipelines.logs.receivers: "missing" is not defined'),
        expect.stringContaining('service.pipelines.logs.exporters: at least one is required'),
        expect.stringContaining('service.pipelines.metrics: only "logs" pipelines are supported'),
      ]),
    );
    // The semantic check of fake (max <= 100) is skipped because its shape was already wrong.
    expect(problems.length).toBeGreaterThanOrEqual(8);
  });

  test('semantic validation runs when the shape is right', () => {
    expect(problemsOf('receivers: {fake: {max: 500}}\nexporters: {sink: {}}\nservice: {pipelines: {logs: {receivers: [fake], exporters: [sink]}}}')).toEqual([
      'receivers.fake: max: must be at most 100',
    ]);
  });

  test('environment variables are expanded, with defaults', () => {
    const cfg = parseConfig(
      'receivers: {fake: {endpoint: "${env:LF_HOST}:${LF_PORT:-4317}"}}\nexporters: {sink: {}}\nservice: {pipelines: {logs: {receivers: [fake], exporters: [sink]}}}',
      factories,
      'test',
      { LF_HOST: 'example' },
    );
    expect((cfg.receivers.get('fake')!.config as { endpoint: string }).endpoint).toBe('example:4317');
    expect(() =>
      parseConfig('receivers: {fake: {endpoint: "${NOPE}"}}\nexporters: {sink: {}}\nservice: {pipelines: {logs: {receivers: [fake], exporters: [sink]}}}', factories, 't', {}),
    ).toThrow(/NOPE is referenced but not set/);
  });

  // README: every problem in a file is reported at once — an unset variable does not hide the file's other problems.
  test('unset variables are reported with the other problems in one pass, each where it is used', () => {
    let problems: string[] = [];
    try {
      parseConfig('receivers: {fake: {endpoint: "${NOPE_HOST}:4317", max: 500}}\nexporters: {sink: {name: "${env:NOPE_NAME}"}}\nservice: {control: {token: "${NOPE_HOST}"}}', factories, 't', {});
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        'receivers.fake.endpoint: environment variable NOPE_HOST is referenced but not set (read as empty)',
        'exporters.sink.name: environment variable NOPE_NAME is referenced but not set (read as empty)',
        'service.control.token: environment variable NOPE_HOST is referenced but not set (read as empty)',
        'receivers.fake: max: must be at most 100',
        'service.pipelines: at least one pipeline is required',
      ]),
    );
  });

  test('broken YAML is a config error, not a crash', () => {
    expect(problemsOf('receivers: [unclosed')[0]).toMatch(/^YAML:/);
    expect(problemsOf('')).toEqual(['service: missing (it must list service.pipelines)']);
  });

  test('durations and sizes', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2m')).toBe(120000);
    expect(parseDuration(15)).toBe(15);
    expect(() => parseDuration('5 parsecs')).toThrow(/invalid duration/);
    expect(parseSize('4MiB')).toBe(4 * 1024 * 1024);
    expect(parseSize('1KB')).toBe(1000);
    expect(() => parseSize('-1')).toThrow();
  });
});

describe('config environment expansion', () => {
  test('a value with YAML syntax in it stays one string', () => {
    const cfg = parseConfig(
      'receivers: {fake: {endpoint: "${env:LF_SECRET}"}}\nexporters: {sink: {}}\nservice: {pipelines: {logs: {receivers: [fake], exporters: [sink]}}}',
      factories,
      'test',
      { LF_SECRET: `p@ss: #'"{x}` },
    );
    expect((cfg.receivers.get('fake')!.config as { endpoint: string }).endpoint).toBe(`p@ss: #'"{x}`);
  });
});
