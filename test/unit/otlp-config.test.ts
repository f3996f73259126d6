import { parseConfig, ConfigError, type FactoryRegistry } from '../../collector/config/config';
import type { ComponentFactory } from '../../collector/pipeline/component';
import { otlpReceiverFactory, type OtlpReceiverConfig } from '../../collector/receivers/otlp/factory';
import { otlpExporterFactory, type OtlpExporterConfig } from '../../collector/exporters/otlp/factory';
import { debugExporterFactory } from '../../collector/exporters/debug/factory';

const factories: FactoryRegistry = new Map(
  [otlpReceiverFactory, otlpExporterFactory, debugExporterFactory].map((f) => [`${f.kind}:${f.type}`, f as ComponentFactory]),
);

function load(components: string, pipelines = 'receivers: [otlp]\n      exporters: [debug]') {
  const yaml = `${components}\nservice:\n  pipelines:\n    logs:\n      ${pipelines}\n`;
  return parseConfig(yaml, factories, 'test', {});
}

function problems(components: string, pipelines?: string): string[] {
  try {
    load(components, pipelines);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const receiverConfig = (components: string) => load(components).receivers.get('otlp')!.config as OtlpReceiverConfig;

describe('otlp receiver config', () => {
  test('default config enables both protocols on the standard ports', () => {
    expect(otlpReceiverFactory.createDefaultConfig()).toEqual({
      protocols: {
        grpc: { endpoint: '0.0.0.0:4317', max_recv_msg_size: '4MiB' },
        http: { endpoint: '0.0.0.0:4318', max_request_body_size: '4MiB', logs_url_path: '/v1/logs' },
      },
    });
    expect(otlpReceiverFactory.validate!(otlpReceiverFactory.createDefaultConfig())).toEqual([]);
  });

  test('as in otelcol: a written protocol with no value is enabled with defaults, an unwritten one is disabled', () => {
    const both = receiverConfig('receivers:\n  otlp:\n    protocols:\n      grpc:\n      http:\nexporters:\n  debug:');
    expect(both.protocols.grpc).toEqual({ endpoint: '0.0.0.0:4317', max_recv_msg_size: '4MiB' });
    expect(both.protocols.http?.endpoint).toBe('0.0.0.0:4318');

    const grpcOnly = receiverConfig('receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:5317\nexporters:\n  debug:');
    expect(grpcOnly.protocols.grpc).toEqual({ endpoint: '127.0.0.1:5317', max_recv_msg_size: '4MiB' });
    expect(grpcOnly.protocols.http).toBeNull();
  });

  test('every problem is reported at once, with its path', () => {
    const found = problems(
      'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: nowhere\n        max_recv_msg_size: lots\n        colour: blue\n      http:\n        logs_url_path: v1/logs\n      thrift:\n    extra: 1\nexporters:\n  debug:',
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/receivers\.otlp\.protocols\.grpc\.colour: unknown key/),
        expect.stringMatching(/receivers\.otlp\.protocols\.thrift: unknown protocol/),
        expect.stringMatching(/receivers\.otlp\.extra: unknown key/),
      ]),
    );
    // Validation runs once unmarshalling succeeded.
    expect(otlpReceiverFactory.validate!({ protocols: { grpc: { endpoint: 'nowhere', max_recv_msg_size: 'lots' }, http: { endpoint: '0.0.0.0:4317', max_request_body_size: 0, logs_url_path: 'v1/logs' } } })).toEqual([
      expect.stringMatching(/protocols\.grpc\.endpoint: invalid endpoint "nowhere"/),
      expect.stringMatching(/protocols\.grpc\.max_recv_msg_size: invalid size "lots"/),
      expect.stringMatching(/protocols\.http\.max_request_body_size: must be greater than 0/),
      expect.stringMatching(/logs_url_path: must start with "\/"/),
    ]);
  });

  test('no protocol at all is an error', () => {
    expect(problems('receivers:\n  otlp:\nexporters:\n  debug:')).toEqual([expect.stringMatching(/receivers\.otlp\.protocols: must enable at least one protocol/)]);
    expect(problems('receivers:\n  otlp:\n    protocols: {}\nexporters:\n  debug:')).toEqual([expect.stringMatching(/must enable at least one protocol/)]);
  });

  test('grpc and http on the same port is an error', () => {
    const found = otlpReceiverFactory.validate!({
      protocols: { grpc: { endpoint: '0.0.0.0:4317', max_recv_msg_size: '4MiB' }, http: { endpoint: '127.0.0.1:4317', max_request_body_size: '4MiB', logs_url_path: '/v1/logs' } },
    });
    expect(found).toEqual([expect.stringMatching(/cannot both listen on port 4317/)]);
  });
});

describe('otlp exporter config', () => {
  test('defaults: localhost:4317, plaintext, gzip, 10s timeout, retry on', () => {
    const config = load('receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  otlp:', 'receivers: [otlp]\n      exporters: [otlp]').exporters.get('otlp')!
      .config as OtlpExporterConfig;
    expect(config).toMatchObject({ endpoint: 'localhost:4317', tls: { insecure: true }, compression: 'gzip', timeout: '10s', headers: {}, retry_on_failure: { enabled: true } });
  });

  test('headers are free-form; other keys are checked', () => {
    const config = load(
      'receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  otlp:\n    endpoint: collector:4317\n    headers:\n      authorization: Bearer x\n      x-retries: 3\n    retry_on_failure:\n      max_elapsed_time: 1m',
      'receivers: [otlp]\n      exporters: [otlp]',
    ).exporters.get('otlp')!.config as OtlpExporterConfig;
    expect(config.headers).toEqual({ authorization: 'Bearer x', 'x-retries': '3' });
    expect(config.retry_on_failure.max_elapsed_time).toBe('1m');
    expect(config.retry_on_failure.initial_interval).toBe('5s');

    expect(
      problems('receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  otlp:\n    endpoint: nope\n    compression: zstd\n    timeout: soon\n    tls:\n      cert_file: c.pem\n    retries: 3', 'receivers: [otlp]\n      exporters: [otlp]'),
    ).toEqual([expect.stringMatching(/exporters\.otlp\.retries: unknown key/)]);
    expect(otlpExporterFactory.validate!({ ...otlpExporterFactory.createDefaultConfig(), endpoint: 'nope', compression: 'zstd', timeout: 'soon', tls: { ...otlpExporterFactory.createDefaultConfig().tls, cert_file: 'c.pem' } })).toEqual([
      expect.stringMatching(/endpoint: invalid endpoint "nope"/),
      expect.stringMatching(/compression: must be gzip or none/),
      expect.stringMatching(/timeout: invalid duration "soon"/),
      expect.stringMatching(/cert_file and key_file must be given together/),
    ]);
  });
});

describe('debug exporter config', () => {
  test('verbosity defaults to basic and must be known', () => {
    expect(debugExporterFactory.createDefaultConfig()).toEqual({ verbosity: 'basic' });
    expect(problems('receivers:\n  otlp:\n    protocols:\n      http:\nexporters:\n  debug:\n    verbosity: loud')).toEqual([
      expect.stringMatching(/exporters\.debug: verbosity: must be one of basic, normal, detailed/),
    ]);
  });
});
