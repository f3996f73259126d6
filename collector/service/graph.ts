/**
 * Builds the component graph from a resolved config and runs it.
 *
 * Shape (as in the OpenTelemetry Collector): each pipeline is
 * receivers -> processors (in order) -> fan-out to exporters. Receivers and
 * exporters are single instances shared by every pipeline that names them
 * (a receiver fans out to the first stage of each of its pipelines); processors
 * are instantiated per pipeline, so their state is never shared by accident.
 *
 * Between each receiver and its pipelines sits the record-time guard
 * (collector/pipeline/time-guard.ts), the one place every way in shares.
 *
 * Start order is reverse data-flow (exporters, processors back to front,
 * receivers last) so nothing receives data before its downstream can take it;
 * shutdown is data-flow order (receivers first) so each stage drains into a
 * still-running next stage.
 */
import type { CollectorConfig } from '../config/config';
import { FanoutConsumer, type Component, type DiagLogger, type Host, type LogsConsumer } from '../pipeline/component';
import type { Metrics } from '../telemetry/metrics';
import { TimeGuardConsumer } from '../pipeline/time-guard';

interface Node {
  key: string;
  component: Component;
}

export interface PipelineGraphOptions {
  /**
   * Wraps an exporter where the pipelines feed it (the live tail's tap, collector/tail/hub.ts);
   * called once per exporter, the result is what every pipeline sends to. Default: none.
   */
  wrapExporter?(id: string, type: string, exporter: LogsConsumer): LogsConsumer;
}

export class PipelineGraph {
  /** Components by key: "receiver:otlp", "exporter:clickhouse", "processor:batch@logs". */
  readonly components = new Map<string, Component>();
  private readonly startOrder: Node[] = [];
  private readonly stopOrder: Node[] = [];
  private started: Node[] = [];

  constructor(
    private readonly config: CollectorConfig,
    private readonly metrics: Metrics,
    private readonly logger: DiagLogger,
    private readonly options: PipelineGraphOptions = {},
  ) {
    this.build();
  }

  private build(): void {
    const { config } = this;
    const settings = (id: string) => ({ id, metrics: this.metrics, logger: this.logger });

    const exporters = new Map<string, Component & LogsConsumer>();
    for (const [name, p] of config.pipelines) {
      for (const id of p.exporters) {
        if (exporters.has(id)) continue;
        const rc = config.exporters.get(id)!;
        exporters.set(id, rc.factory.create(settings(id), rc.config, undefined) as Component & LogsConsumer);
      }
      void name;
    }

    const feeds = new Map<string, LogsConsumer>();
    for (const [id, exporter] of exporters) feeds.set(id, this.options.wrapExporter?.(id, config.exporters.get(id)!.factory.type, exporter) ?? exporter);

    // Per pipeline: processors back to front, each one's next is the stage after it.
    const pipelineEntry = new Map<string, LogsConsumer>();
    const processorNodes: Node[][] = [];
    for (const [name, p] of config.pipelines) {
      let next: LogsConsumer = new FanoutConsumer(p.exporters.map((id) => feeds.get(id)!));
      const nodes: Node[] = [];
      for (let i = p.processors.length - 1; i >= 0; i--) {
        const id = p.processors[i];
        const rc = config.processors.get(id)!;
        const proc = rc.factory.create(settings(id), rc.config, next) as Component & LogsConsumer;
        nodes.unshift({ key: `processor:${id}@${name}`, component: proc });
        next = proc;
      }
      pipelineEntry.set(name, next);
      processorNodes.push(nodes);
    }

    const receivers: Node[] = [];
    const receiverIds = new Set<string>();
    for (const p of config.pipelines.values()) for (const id of p.receivers) receiverIds.add(id);
    for (const id of receiverIds) {
      const targets = [...config.pipelines].filter(([, p]) => p.receivers.includes(id)).map(([name]) => pipelineEntry.get(name)!);
      const rc = config.receivers.get(id)!;
      // Every receiver's batches pass the record-time policy before any processor sees them
      // (collector/pipeline/time-guard.ts): a time the tables cannot hold never gets further.
      const next = new TimeGuardConsumer(targets.length === 1 ? targets[0] : new FanoutConsumer(targets), id, this.metrics);
      receivers.push({ key: `receiver:${id}`, component: rc.factory.create(settings(id), rc.config, next) });
    }

    const exporterNodes = [...exporters].map(([id, c]) => ({ key: `exporter:${id}`, component: c }));
    this.startOrder.push(...exporterNodes);
    for (const nodes of processorNodes) this.startOrder.push(...[...nodes].reverse());
    this.startOrder.push(...receivers);
    this.stopOrder.push(...receivers);
    for (const nodes of processorNodes) this.stopOrder.push(...nodes);
    this.stopOrder.push(...exporterNodes);
    for (const n of this.startOrder) this.components.set(n.key, n.component);
  }

  /** Starts every component; if one fails, those already started are shut down and the error is rethrown. */
  async start(host: Host): Promise<void> {
    for (const node of this.startOrder) {
      try {
        await node.component.start(host);
        this.started.push(node);
      } catch (e) {
        this.logger.error(`failed to start ${node.key}`, { error: (e as Error).message });
        await this.shutdown();
        throw new Error(`failed to start ${node.key}: ${(e as Error).message}`);
      }
    }
  }

  /** Shuts down in data-flow order; errors are logged and the rest still shut down. Safe to call twice. */
  async shutdown(): Promise<void> {
    const started = new Set(this.started.map((n) => n.key));
    this.started = [];
    for (const node of this.stopOrder) {
      if (!started.has(node.key)) continue;
      try {
        await node.component.shutdown();
      } catch (e) {
        this.logger.error(`error shutting down ${node.key}`, { error: (e as Error).message });
      }
    }
  }
}
