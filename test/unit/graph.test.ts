import { resolveConfig, type FactoryRegistry } from '../../collector/config/config';
import { PipelineGraph } from '../../collector/service/graph';
import type { Component, ComponentFactory, Host, LogsConsumer } from '../../collector/pipeline/component';
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { batchProcessorFactory } from '../../processors/batch/factory';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';

/** Components that record lifecycle events into a shared journal. */
function journalingFactories(journal: string[], received: Map<string, LogBatch[]>) {
  const receivers = new Map<string, LogsConsumer>();
  const lifecycle = (id: string): Component => ({
    start: async () => void journal.push(`start ${id}`),
    shutdown: async () => void journal.push(`stop ${id}`),
  });
  const receiver: ComponentFactory<{}> = {
    type: 'push',
    kind: 'receiver',
    createDefaultConfig: () => ({}),
    create: (s, _c, next) => {
      receivers.set(s.id, next!);
      return lifecycle(`receiver:${s.id}`);
    },
  };
  const tag: ComponentFactory<{ value: string }> = {
    type: 'tag',
    kind: 'processor',
    createDefaultConfig: () => ({ value: '' }),
    create: (s, c, next) => ({
      ...lifecycle(`processor:${s.id}`),
      consumeLogs: async (b: LogBatch) => {
        for (let i = 0; i < b.length; i++) b.attributes[i] = [...b.attributes[i], { key: 'tag', value: c.value }];
        await next!.consumeLogs(b);
      },
    }),
  };
  const sink: ComponentFactory<{}> = {
    type: 'sink',
    kind: 'exporter',
    createDefaultConfig: () => ({}),
    create: (s) => ({
      ...lifecycle(`exporter:${s.id}`),
      consumeLogs: async (b: LogBatch) => {
        received.set(s.id, [...(received.get(s.id) ?? []), b]);
      },
    }),
  };
  const factories: FactoryRegistry = new Map<string, ComponentFactory>([
    ['receiver:push', receiver as ComponentFactory],
    ['processor:tag', tag as ComponentFactory],
    ['processor:batch', batchProcessorFactory as ComponentFactory],
    ['exporter:sink', sink as ComponentFactory],
  ]);
  return { factories, receivers };
}

function batchOf(...bodies: string[]): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'test', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (const body of bodies) b.add(r, s, { body });
  return b.batch;
}

describe('pipeline graph', () => {
  const host = (): Host => ({ metrics: new Metrics(), logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() });

  test('starts downstream first, stops upstream first, fans out, keeps processors per pipeline', async () => {
    const journal: string[] = [];
    const received = new Map<string, LogBatch[]>();
    const { factories, receivers } = journalingFactories(journal, received);
    const config = resolveConfig(
      {
        receivers: { push: null },
        processors: { 'tag/a': { value: 'A' }, 'tag/b': { value: 'B' } },
        exporters: { 'sink/1': null, 'sink/2': null },
        service: {
          pipelines: {
            'logs/a': { receivers: ['push'], processors: ['tag/a'], exporters: ['sink/1'] },
            'logs/b': { receivers: ['push'], processors: ['tag/b'], exporters: ['sink/1', 'sink/2'] },
          },
        },
      },
      factories,
    );
    const graph = new PipelineGraph(config, new Metrics(), createMemoryLogger());
    await graph.start(host());
    expect(journal).toEqual(['start exporter:sink/1', 'start exporter:sink/2', 'start processor:tag/a', 'start processor:tag/b', 'start receiver:push']);

    await receivers.get('push')!.consumeLogs(batchOf('hello'));
    const tagsAt1 = received.get('sink/1')!.map((b) => b.attributes[0].map((kv) => kv.value));
    expect(received.get('sink/1')).toHaveLength(2);
    expect(received.get('sink/2')).toHaveLength(1);
    expect(tagsAt1.flat()).toEqual(expect.arrayContaining(['A', 'B']));

    journal.length = 0;
    await graph.shutdown();
    await graph.shutdown();
    expect(journal).toEqual(['stop receiver:push', 'stop processor:tag/a', 'stop processor:tag/b', 'stop exporter:sink/1', 'stop exporter:sink/2']);
  });

  test('batch processor merges by size and acknowledges callers only after downstream accepted', async () => {
    const journal: string[] = [];
    const received = new Map<string, LogBatch[]>();
    const { factories, receivers } = journalingFactories(journal, received);
    const config = resolveConfig(
      {
        receivers: { push: null },
        processors: { batch: { send_batch_size: 3, timeout: '10s' } },
        exporters: { sink: null },
        service: { pipelines: { logs: { receivers: ['push'], processors: ['batch'], exporters: ['sink'] } } },
      },
      factories,
    );
    const graph = new PipelineGraph(config, new Metrics(), createMemoryLogger());
    await graph.start(host());
    const push = receivers.get('push')!;
    let firstAcked = false;
    const first = push.consumeLogs(batchOf('a', 'b')).then(() => (firstAcked = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(firstAcked).toBe(false);
    expect(received.get('sink')).toBeUndefined();
    await Promise.all([first, push.consumeLogs(batchOf('c'))]);
    expect(received.get('sink')!.map((b) => b.body)).toEqual([['a', 'b', 'c']]);

    // A partial batch is flushed at shutdown, not lost.
    const pending = push.consumeLogs(batchOf('d'));
    await graph.shutdown();
    await pending;
    expect(received.get('sink')!.map((b) => b.body)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  test('a downstream failure reaches the caller', async () => {
    const received = new Map<string, LogBatch[]>();
    const { factories, receivers } = journalingFactories([], received);
    const failing: ComponentFactory<{}> = {
      type: 'sink',
      kind: 'exporter',
      createDefaultConfig: () => ({}),
      create: () => ({ start: async () => {}, shutdown: async () => {}, consumeLogs: async () => Promise.reject(new Error('disk on fire')) }),
    };
    factories.set('exporter:sink', failing as ComponentFactory);
    const config = resolveConfig(
      {
        receivers: { push: null },
        processors: { batch: { send_batch_size: 1 } },
        exporters: { sink: null },
        service: { pipelines: { logs: { receivers: ['push'], processors: ['batch'], exporters: ['sink'] } } },
      },
      factories,
    );
    const graph = new PipelineGraph(config, new Metrics(), createMemoryLogger());
    await graph.start(host());
    await expect(receivers.get('push')!.consumeLogs(batchOf('x'))).rejects.toThrow('disk on fire');
    await graph.shutdown();
  });
});
