/**
 * The debug exporter: prints every batch to stdout at the configured verbosity
 * and counts the records (logfun_exporter_sent_records_total{exporter}).
 * Never refuses a batch.
 */
import type { LogBatch } from '../../pipeline/batch';
import type { CreateSettings, Exporter, Host } from '../../pipeline/component';
import type { Counter } from '../../telemetry/metrics';
import type { DebugExporterConfig } from './config';
import { formatBatch } from './format';

export type TextSink = (text: string) => void;

export class DebugExporter implements Exporter {
  private readonly sent: Counter;
  private readonly id: string;
  /** Records printed since creation. */
  recordCount = 0;

  /** `sink` defaults to process.stdout; tests and embedders may capture the text instead. */
  constructor(
    settings: CreateSettings,
    private readonly config: DebugExporterConfig,
    private readonly sink: TextSink = (text) => void process.stdout.write(text),
  ) {
    this.id = settings.id;
    this.sent = settings.metrics.counter('logfun_exporter_sent_records_total', 'Log records an exporter delivered');
  }

  async start(_host: Host): Promise<void> {}

  async consumeLogs(batch: LogBatch): Promise<void> {
    if (batch.length === 0) return;
    this.sink(formatBatch(batch, this.config.verbosity, this.id));
    this.recordCount += batch.length;
    this.sent.inc({ exporter: this.id }, batch.length);
  }

  async shutdown(): Promise<void> {}
}
