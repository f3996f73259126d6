import { parseConfig, ConfigError, type FactoryRegistry } from '../../collector/config/config';
import type { ComponentFactory } from '../../collector/pipeline/component';
import { otlpReceiverFactory, type OtlpReceiverConfig } from '../../collector/receivers/otlp/factory';
import { debugExporterFactory } from '../../collector/exporters/debug/factory';

const factories: FactoryRegistry = new Map([otlpReceiverFactory, debugExporterFactory].map((f) => [`${f.kind}:${f.type}`, f as ComponentFactory]));

function load(grpc: string): OtlpReceiverConfig {
  const yaml = `receivers:\n  otlp:\n    protocols:\n      grpc:\n${grpc}\nexporters:\n  debug:\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n`;
  return parseConfig(yaml, factories, 'test', {}).receivers.get('otlp')!.config as OtlpReceiverConfig;
}

describe('otlp receiver: logfun_ingest', () => {
  it('is absent (on) by default, and can be turned off or on explicitly', () => {
    expect(load('').protocols.grpc).toEqual({ endpoint: '0.0.0.0:4317', max_recv_msg_size: '4MiB' });
    expect(load('        logfun_ingest: false').protocols.grpc).toMatchObject({ endpoint: '0.0.0.0:4317', logfun_ingest: false });
    expect(load('        logfun_ingest: true\n        endpoint: 127.0.0.1:5317').protocols.grpc).toEqual({ endpoint: '127.0.0.1:5317', max_recv_msg_size: '4MiB', logfun_ingest: true });
  });

  it('must be a boolean, reported with the other problems', () => {
    let problems: string[] = [];
    try {
      load('        logfun_ingest: sometimes\n        colour: blue');
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/receivers\.otlp\.protocols\.grpc\.logfun_ingest: expected true or false, got string "sometimes"/),
        expect.stringMatching(/receivers\.otlp\.protocols\.grpc\.colour: unknown key/),
      ]),
    );
  });
});
