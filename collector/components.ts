/** Every component factory built into the collector, by "kind:type". */
import type { ComponentFactory } from './pipeline/component';
import type { FactoryRegistry } from './config/config';
import { otlpReceiverFactory } from './receivers/otlp/factory';
import { clickhouseExporterFactory } from './exporters/clickhouse/factory';
import { otlpExporterFactory } from './exporters/otlp/factory';
import { debugExporterFactory } from './exporters/debug/factory';
import { batchProcessorFactory } from '../processors/batch/factory';
import { filelogReceiverFactory } from './receivers/filelog/factory';
import { httpstatsProcessorFactory } from '../processors/httpstats/factory';
import { templateProcessorFactory } from '../processors/template/factory';
import { controlProcessorFactory } from '../processors/control/factory';
import { spamProcessorFactory } from '../processors/spam/factory';
import { memoryLimiterProcessorFactory } from '../processors/memory_limiter/factory';

export function defaultFactories(): FactoryRegistry {
  const all: ComponentFactory<any>[] = [
    otlpReceiverFactory,
    filelogReceiverFactory,
    batchProcessorFactory,
    templateProcessorFactory,
    spamProcessorFactory,
    controlProcessorFactory,
    httpstatsProcessorFactory,
    memoryLimiterProcessorFactory,
    clickhouseExporterFactory,
    otlpExporterFactory,
    debugExporterFactory,
  ];
  return new Map(all.map((f) => [`${f.kind}:${f.type}`, f as ComponentFactory]));
}
