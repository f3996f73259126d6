/**
 * The component model, after the OpenTelemetry Collector's:
 * factories make receivers, processors and exporters from a config; every
 * component has start()/shutdown() (shutdown is safe twice and before start);
 * data moves along one edge type, `consumeLogs`.
 */
import type { LogBatch } from './batch';
import type { Metrics } from '../telemetry/metrics';
import type { TemplateDictionary } from '../templates/dictionary';
import type { ControlPlane } from '../control/store';

/** The one edge type. The callee owns the batch once the promise resolves; reject with PermanentError/RetryableError. */
export interface LogsConsumer {
  consumeLogs(batch: LogBatch): Promise<void>;
  /**
   * Whether this consumer, or any after it, reads the template attributes of records
   * that already carry their template in the batch's columns (compact-stream records:
   * `log.record.template`, `log.record.template.id`, `log.record.arg.<i>`). A receiver
   * that may leave them out asks before decoding (templateAttributesNeeded below):
   * building them costs a third of what the collector allocates per compact record,
   * and the template processor, first in the default pipeline, strips them again.
   * Absent means yes: a consumer that does not say is given everything.
   */
  templateAttributesNeeded?(): boolean;
}

/** Whether `consumer` (or what follows it) needs the template attributes of compact records (see LogsConsumer). */
export function templateAttributesNeeded(consumer: LogsConsumer): boolean {
  return consumer.templateAttributesNeeded?.() ?? true;
}

/** Diagnostic logger for the collector's own messages (not the data path). */
export interface DiagLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What a component can reach of the running collector. */
export interface Host {
  readonly metrics: Metrics;
  readonly logger: DiagLogger;
  /** Registered components by id, for components that look each other up (e.g. the console finds the store). */
  readonly components: ReadonlyMap<string, Component>;
  /** The collector-wide template dictionary (defined by receivers/processors, persisted by storage). */
  readonly templates: TemplateDictionary;
  /** The control plane (rules that mute/sample/floor records), when service.control is enabled. */
  readonly control?: ControlPlane;
}

export interface Component {
  start(host: Host): Promise<void>;
  /** Drains and releases resources. Must be safe to call twice and before start(). */
  shutdown(): Promise<void>;
}

export interface Processor extends Component, LogsConsumer {}
export interface Exporter extends Component, LogsConsumer {}
export type Receiver = Component;

export type ComponentKind = 'receiver' | 'processor' | 'exporter';

export interface CreateSettings {
  /** Full id, "type" or "type/name". */
  id: string;
  metrics: Metrics;
  logger: DiagLogger;
}

/**
 * A factory: a type id, a default config and a create function.
 * `validate` returns every problem found (paths relative to the component), [] when valid.
 */
export interface ComponentFactory<C = unknown> {
  readonly type: string;
  readonly kind: ComponentKind;
  createDefaultConfig(): C;
  validate?(config: C): string[];
  /**
   * Optional custom merge of the user's YAML value (raw) over the defaults, for configs whose
   * presence has meaning (e.g. otlp `protocols`: a protocol not written is disabled). Report
   * problems into `errors` with `path` as prefix. Without it, the generic strict merge is used.
   */
  unmarshal?(raw: unknown, path: string, errors: string[]): C;
  /** Receivers and processors get `next`; exporters do not. */
  create(settings: CreateSettings, config: C, next: LogsConsumer | undefined): Component;
  /** The "host:port" endpoints a component of this config will listen on (checked free before a collector starts anything). */
  listenEndpoints?(config: C): string[];
}

/** Sends each batch to several consumers (a receiver shared by pipelines; a pipeline with several exporters). */
export class FanoutConsumer implements LogsConsumer {
  constructor(private readonly consumers: LogsConsumer[]) {}
  templateAttributesNeeded(): boolean {
    return this.consumers.some(templateAttributesNeeded);
  }
  async consumeLogs(batch: LogBatch): Promise<void> {
    if (this.consumers.length === 1) return this.consumers[0].consumeLogs(batch);
    // Each consumer must see the records; they share the batch read-only. All are awaited so the
    // sender's acknowledgement means every branch accepted it; the first failure is reported.
    const results = await Promise.allSettled(this.consumers.map((c) => c.consumeLogs(batch)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
