/**
 * Whether a receiver may leave the template attributes out of compact records
 * (LogsConsumer.templateAttributesNeeded): asked of the real processors and
 * exporters as the pipeline graph wires them. Only a template processor that
 * strips them (its default) makes them unneeded; a consumer that does not say
 * (a debug exporter, a tag processor of a user's) gets them.
 */
import { resolveConfig, type FactoryRegistry } from '../../collector/config/config';
import { PipelineGraph } from '../../collector/service/graph';
import { templateAttributesNeeded, type ComponentFactory, type LogsConsumer } from '../../collector/pipeline/component';
import { defaultFactories } from '../../collector/components';
import type { LogBatch } from '../../collector/pipeline/batch';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';

/** The real factories plus a receiver that keeps what the graph hands it, and a processor that says nothing. */
function factoriesWithProbe(nexts: Map<string, LogsConsumer>): FactoryRegistry {
  const factories = new Map(defaultFactories());
  const probe: ComponentFactory<{}> = {
    type: 'probe',
    kind: 'receiver',
    createDefaultConfig: () => ({}),
    create: (s, _c, next) => {
      nexts.set(s.id, next!);
      return { start: async () => undefined, shutdown: async () => undefined };
    },
  };
  const silent: ComponentFactory<{}> = {
    type: 'silent',
    kind: 'processor',
    createDefaultConfig: () => ({}),
    create: (_s, _c, next) => ({ start: async () => undefined, shutdown: async () => undefined, consumeLogs: (b: LogBatch) => next!.consumeLogs(b) }),
  };
  factories.set('receiver:probe', probe as ComponentFactory);
  factories.set('processor:silent', silent as ComponentFactory);
  return factories;
}

function neededFor(pipelines: Record<string, { processors: string[]; exporters: string[] }>, processors: Record<string, unknown> = {}): boolean {
  const nexts = new Map<string, LogsConsumer>();
  const factories = factoriesWithProbe(nexts);
  const config = resolveConfig(
    {
      receivers: { probe: null },
      processors: { template: null, 'template/keep': { strip_template_attributes: false }, batch: null, spam: null, control: null, memory_limiter: { limit_mib: 512 }, silent: null, ...processors },
      exporters: { debug: null },
      service: { pipelines: Object.fromEntries(Object.entries(pipelines).map(([name, p]) => [name, { receivers: ['probe'], ...p }])) },
    },
    factories,
  );
  new PipelineGraph(config, new Metrics(), createMemoryLogger());
  return templateAttributesNeeded(nexts.get('probe')!);
}

describe('template attributes of compact records: needed or not', () => {
  test('a pipeline starting with the template processor (stripping, the default) does not need them', () => {
    expect(neededFor({ logs: { processors: ['template', 'spam', 'control'], exporters: ['debug'] } })).toBe(false);
    expect(neededFor({ logs: { processors: ['memory_limiter', 'batch', 'template', 'spam', 'control'], exporters: ['debug'] } })).toBe(false);
  });

  test('they are needed without a template processor, with one that keeps them, or after a processor that does not say', () => {
    expect(neededFor({ logs: { processors: [], exporters: ['debug'] } })).toBe(true);
    expect(neededFor({ logs: { processors: ['batch', 'spam'], exporters: ['debug'] } })).toBe(true);
    expect(neededFor({ logs: { processors: ['template/keep'], exporters: ['debug'] } })).toBe(true);
    expect(neededFor({ logs: { processors: ['silent', 'template'], exporters: ['debug'] } })).toBe(true);
  });

  test('a receiver feeding two pipelines gives them when either needs them', () => {
    expect(neededFor({ 'logs/a': { processors: ['template'], exporters: ['debug'] }, 'logs/b': { processors: [], exporters: ['debug'] } })).toBe(true);
    expect(neededFor({ 'logs/a': { processors: ['template'], exporters: ['debug'] }, 'logs/b': { processors: ['batch', 'template'], exporters: ['debug'] } })).toBe(false);
  });
});
