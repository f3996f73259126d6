/**
 * The compact protocol in a whole in-process Collector built from YAML: the otlp
 * receiver serves logfun.v1.Ingest on its gRPC port by default (the SDK's default
 * 'auto' transport picks it), and `logfun_ingest: false` turns it off (the SDK
 * then falls back to OTLP on the same port).
 */
import { createLogger } from '../../sdk';
import type { AutoTransport } from '../../sdk/transports/logfun-stream';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';

jest.setTimeout(30_000);

function yaml(grpcExtra: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
${grpcExtra}
exporters:
  debug:
    verbosity: basic
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`;
}

async function run(grpcExtra: string) {
  const collector = new Collector({ yaml: yaml(grpcExtra), logger: createMemoryLogger() });
  await collector.start();
  const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
  const diagnostics: string[] = [];
  const log = createLogger({ service: 'in-collector', endpoint: `127.0.0.1:${port}`, exitHooks: false, batch: { delayMs: 10 }, diagnostics: (m) => diagnostics.push(m) });
  const writes = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    for (let i = 0; i < 20; i++) log.info`order ${i} of ${'collector'}`;
    await log.flush();
    const mode = (log.transport as AutoTransport).mode;
    await log.shutdown();
    await collector.shutdown();
    return { collector, mode, diagnostics };
  } finally {
    writes.mockRestore();
  }
}

describe('compact protocol in the Collector', () => {
  it('is served on the OTLP gRPC port by default', async () => {
    const { collector, mode, diagnostics } = await run('');
    expect(mode).toBe('logfun');
    expect(diagnostics).toEqual([]);
    expect(collector.metrics.value('logfun_receiver_accepted_records_total', { receiver: 'otlp' })).toBe(20);
    expect(collector.metrics.value('logfun_ingest_batches_total', { receiver: 'otlp', outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
    // Templates reach the collector-wide dictionary.
    expect(collector.templates.all().map((t) => [t.text, t.source, t.service])).toEqual([['order {} of {}', 'sdk', 'in-collector']]);
  });

  it('logfun_ingest: false turns it off; the SDK falls back to OTLP', async () => {
    const { collector, mode, diagnostics } = await run('        logfun_ingest: false');
    expect(mode).toBe('otlp');
    expect(diagnostics.join('\n')).toMatch(/does not serve the logfun compact protocol/);
    expect(collector.metrics.value('logfun_receiver_accepted_records_total', { receiver: 'otlp' })).toBe(20);
    expect(collector.metrics.value('logfun_ingest_streams_total')).toBe(0);
  });
});
