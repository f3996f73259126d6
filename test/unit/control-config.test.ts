/** service.control config, how the collector picks the rule store, token checks and the API's JSON parsing. */
import { parseConfig, ConfigError } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';
import { controlPlaneFromConfig, controlTokenOf } from '../../collector/control/setup';
import { bearerTokenMatches } from '../../collector/control/api';
import { parseRuleRequest, parseTargetQuery, ruleToJson } from '../../collector/control/json';
import { normalizeTarget, RuleValidationError } from '../../collector/control/rules';
import { controlTableSql } from '../../collector/control/table';
import { controlProcessorFactory } from '../../processors/control/factory';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';

const factories = defaultFactories();
const pipelines = `
  pipelines:
    logs: { receivers: [otlp], exporters: [EXPORTER] }`;

function config(exporters: string, exporter: string, control = ''): string {
  return `receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
exporters:
${exporters}
service:${control}${pipelines.replace('EXPORTER', exporter)}
`;
}

const clickhouse = '  clickhouse: { endpoint: "http://ch.example:8123", database: logs, username: u, password: p }';

describe('service.control', () => {
  test('defaults: on with a clickhouse exporter, on its store', () => {
    const cfg = parseConfig(config(clickhouse, 'clickhouse'), factories);
    expect(cfg.control).toMatchObject({ enabled: undefined, table: 'control_rules', poll_interval: '', token: '' });
    const plane = controlPlaneFromConfig(cfg, new Metrics(), createMemoryLogger());
    expect(plane?.options).toMatchObject({ endpoint: 'http://ch.example:8123', database: 'logs', username: 'u', password: 'p', table: 'control_rules', pollIntervalMs: 100 });
  });

  test('embedded chDB polls slowly (no other process can write there)', () => {
    const cfg = parseConfig(config('  clickhouse: { endpoint: "chdb://./data" }', 'clickhouse'), factories);
    expect(controlPlaneFromConfig(cfg, new Metrics(), createMemoryLogger())?.pollIntervalMs).toBe(1000);
  });

  test('off without a clickhouse exporter, or when disabled', () => {
    expect(controlPlaneFromConfig(parseConfig(config('  debug: {}', 'debug'), factories), new Metrics(), createMemoryLogger())).toBeUndefined();
    const disabled = parseConfig(config(clickhouse, 'clickhouse', '\n  control: { enabled: false }'), factories);
    expect(controlPlaneFromConfig(disabled, new Metrics(), createMemoryLogger())).toBeUndefined();
  });

  test('an own endpoint, poll interval and token', () => {
    const cfg = parseConfig(
      config('  debug: {}', 'debug', '\n  control: { endpoint: "http://rules:8123", database: ctl, poll_interval: 250ms, token: "${TOKEN}" }'),
      factories,
      'test',
      { TOKEN: 't0ken' },
    );
    const plane = controlPlaneFromConfig(cfg, new Metrics(), createMemoryLogger());
    expect(plane?.options).toMatchObject({ endpoint: 'http://rules:8123', database: 'ctl', pollIntervalMs: 250, username: undefined });
    expect(controlTokenOf(cfg, {})).toBe('t0ken');
    const noToken = parseConfig(config(clickhouse, 'clickhouse'), factories);
    expect(controlTokenOf(noToken, { LOGFUN_CONTROL_TOKEN: 'from-env' })).toBe('from-env');
    expect(controlTokenOf(noToken, {})).toBe('');
  });

  test('every problem is reported at once', () => {
    try {
      parseConfig(config(clickhouse, 'clickhouse', '\n  control: { enabled: maybe, poll_interval: soon, colour: red, endpoint: "ftp://x", table: "a-b" }'), factories);
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('service.control.enabled');
      expect(problems).toContain('service.control.poll_interval');
      expect(problems).toContain('service.control.colour: unknown key');
      expect(problems).toContain('service.control.endpoint');
      expect(problems).toContain('service.control.table');
    }
  });
});

describe('control processor config', () => {
  test('defaults are valid; bad values are reported', () => {
    expect(controlProcessorFactory.validate!(controlProcessorFactory.createDefaultConfig())).toEqual([]);
    expect(controlProcessorFactory.validate!({ function_attributes: [''], template_id_attribute: 3 as never, instance_attribute: '' })).toHaveLength(2);
  });
});

describe('bearer tokens', () => {
  test('only the exact token passes', () => {
    expect(bearerTokenMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerTokenMatches('bearer   s3cret ', 's3cret')).toBe(true);
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 's3cret']) expect(bearerTokenMatches(h, 's3cret')).toBe(false);
  });
});

describe('API JSON', () => {
  test('PUT bodies: template ids as text, severity names, unknown fields refused', () => {
    const input = parseRuleRequest({ target: { service: 's', templateId: '0x10' }, state: 'off', minSeverity: 'warn' });
    expect(input.target).toEqual({ service: 's', instance: '', function: '', templateId: 16n });
    expect(() => parseRuleRequest({ target: { service: 's' }, state: 'on', colour: 1 })).toThrow(/colour: unknown field/);
    expect(() => parseRuleRequest({ target: 's', state: 'on' })).toThrow(RuleValidationError);
    expect(() => parseRuleRequest([])).toThrow(RuleValidationError);
  });

  test('DELETE targets by id or by fields', () => {
    expect(parseTargetQuery(new URLSearchParams({ target: 'a%2Fb//f/0' }))).toEqual({ service: 'a/b', instance: '', function: 'f', templateId: 0n });
    expect(parseTargetQuery(new URLSearchParams('service=s&template=42'))).toEqual({ service: 's', instance: '', function: '', templateId: 42n });
    expect(() => parseTargetQuery(new URLSearchParams('function=f'))).toThrow(RuleValidationError);
  });

  test('rules render template ids as decimal text', () => {
    const json = ruleToJson({
      target: normalizeTarget({ service: 's', templateId: 18446744073709551615n }),
      state: 'off',
      sampleRate: 1,
      minSeverity: 17,
      source: 'auto',
      reason: 'r',
      version: 5n,
      updatedAt: 0,
      updatedBy: 'b',
      expiresAt: 1000,
    });
    expect(json).toMatchObject({ id: 's///18446744073709551615', target: { service: 's', templateId: '18446744073709551615' }, minSeverityText: 'ERROR', version: '5', expiresAt: '1970-01-01T00:00:01.000Z' });
  });
});

describe('control_rules DDL', () => {
  test('legacy servers get DateTime and no LowCardinality; replicated engines carry over', () => {
    const [, legacy] = controlTableSql('legacy', { database: 'otel' });
    expect(legacy).toContain('UpdatedAt DateTime,');
    expect(legacy).not.toContain('LowCardinality');
    expect(legacy).toContain('ENGINE = ReplacingMergeTree(Version)');
    const [db, full] = controlTableSql('full', { database: 'otel', clusterName: 'c', tableEngine: { name: 'ReplicatedMergeTree', params: "'/t/{shard}/ctl', '{replica}'" } });
    expect(db).toBe('CREATE DATABASE IF NOT EXISTS `otel` ON CLUSTER `c`');
    expect(full).toContain("ENGINE = ReplicatedReplacingMergeTree('/t/{shard}/ctl', '{replica}', Version)");
    expect(full).toContain('UpdatedAt DateTime64(3)');
  });
});
