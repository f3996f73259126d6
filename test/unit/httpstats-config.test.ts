/** httpstats processor configuration: defaults, validation (every problem at once), YAML. */
import { parseConfig, ConfigError } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';
import { httpstatsProcessorFactory } from '../../processors/httpstats/factory';
import { resolveHttpStatsConfig, type HttpStatsProcessorConfig } from '../../processors/httpstats/config';

function withDefaults(over: (c: HttpStatsProcessorConfig) => void): HttpStatsProcessorConfig {
  const c = httpstatsProcessorFactory.createDefaultConfig();
  over(c);
  return c;
}

describe('httpstats config', () => {
  it('has working defaults: 10 s intervals, 2 min vs 20 min at 1.5x, 10 req/s over 2 min', () => {
    const c = httpstatsProcessorFactory.createDefaultConfig();
    expect(httpstatsProcessorFactory.validate!(c)).toEqual([]);
    const r = resolveHttpStatsConfig(c);
    expect(r.intervalMs).toBe(10_000);
    expect(r.alerts).toMatchObject({ shortWindowMs: 120_000, longWindowMs: 1_200_000, ratio: 1.5, rateWindowMs: 120_000, rateThreshold: 10, groupBy: 'service' });
    expect(r.collectorId).not.toBe('');
    expect(httpstatsProcessorFactory.type).toBe('httpstats');
    expect(httpstatsProcessorFactory.kind).toBe('processor');
  });

  it('reports every problem at once', () => {
    const c = withDefaults((c) => {
      c.interval = '7s';
      c.endpoint = 'ftp://nowhere';
      c.database = 'bad-name';
      c.top_paths = 0;
      c.alerts.ratio = 1;
      c.alerts.long_window = '1m';
      c.alerts.recovery_ratio = 1.5;
      c.alerts.group_by = 'host' as never;
      c.alerts.webhook.url = 'not a url';
      c.write.retry_max_interval = 'soon';
    });
    const problems = httpstatsProcessorFactory.validate!(c);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^interval: must be whole seconds dividing a minute/),
        expect.stringMatching(/^endpoint:/),
        expect.stringMatching(/^database:/),
        expect.stringMatching(/^top_paths:/),
        expect.stringMatching(/^alerts\.ratio:/),
        expect.stringMatching(/^alerts\.long_window: must be longer/),
        expect.stringMatching(/^alerts\.recovery_ratio:/),
        expect.stringMatching(/^alerts\.group_by:/),
        expect.stringMatching(/^alerts\.webhook\.url:/),
        expect.stringMatching(/write\.retry_max_interval/),
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it('accepts intervals that roll up into minutes and hours', () => {
    for (const ok of ['1s', '5s', '10s', '15s', '30s', '1m']) {
      expect(httpstatsProcessorFactory.validate!(withDefaults((c) => (c.interval = ok)))).toEqual([]);
    }
    // Longer intervals need alert windows of at least one interval.
    expect(httpstatsProcessorFactory.validate!(withDefaults((c) => (c.interval = '5m')))).toEqual([
      'alerts.short_window: must be at least one interval (5m)',
      'alerts.rate_window: must be at least one interval (5m)',
    ]);
    const hourly = withDefaults((c) => {
      c.interval = '1h';
      c.alerts = { ...c.alerts, short_window: '2h', long_window: '24h', rate_window: '2h' };
    });
    expect(httpstatsProcessorFactory.validate!(hourly)).toEqual([]);
    for (const bad of ['0s', '7s', '90s', '1500ms', '7m']) {
      expect(httpstatsProcessorFactory.validate!(withDefaults((c) => (c.interval = bad))).length).toBeGreaterThan(0);
    }
  });

  it('is read from YAML in the otelcol shape, with free-form webhook headers and strict other keys', () => {
    const yaml = `
receivers:
  filelog:
    include: [/var/log/nginx/access.log]
    parser: combined
processors:
  httpstats:
    interval: 5s
    alerts:
      rate_threshold: 50
      webhook:
        url: http://127.0.0.1:9/hook
        headers: { Authorization: Bearer abc, X-Team: web }
exporters:
  clickhouse:
    endpoint: chdb://./data
service:
  pipelines:
    logs:
      receivers: [filelog]
      processors: [httpstats]
      exporters: [clickhouse]
`;
    const cfg = parseConfig(yaml, defaultFactories(), 'test');
    const c = cfg.processors.get('httpstats')!.config as HttpStatsProcessorConfig;
    expect(c.interval).toBe('5s');
    expect(c.alerts.rate_threshold).toBe(50);
    expect(c.alerts.ratio).toBe(1.5);
    expect(c.alerts.webhook.headers).toEqual({ Authorization: 'Bearer abc', 'X-Team': 'web' });

    const bad = yaml.replace('interval: 5s', 'interval: 5s\n    intervall: 10s').replace('rate_threshold: 50', 'rate_threshold: 50\n      colour: red');
    try {
      parseConfig(bad, defaultFactories(), 'test');
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/intervall: unknown key/);
      expect(problems).toMatch(/alerts\.colour: unknown key/);
    }
  });
});
