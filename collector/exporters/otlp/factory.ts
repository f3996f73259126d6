import type { ComponentFactory } from '../../pipeline/component';
import {
  createDefaultOtlpExporterConfig,
  unmarshalOtlpExporterConfig,
  validateOtlpExporterConfig,
  type OtlpExporterConfig,
} from './config';
import { OtlpExporter } from './exporter';

export type { OtlpExporterConfig } from './config';
export { OtlpExporter } from './exporter';

/** Exporter type "otlp": forwards batches to an OTLP/gRPC endpoint (default localhost:4317, plaintext, gzip). */
export const otlpExporterFactory: ComponentFactory<OtlpExporterConfig> = {
  type: 'otlp',
  kind: 'exporter',
  createDefaultConfig: createDefaultOtlpExporterConfig,
  unmarshal: unmarshalOtlpExporterConfig,
  validate: validateOtlpExporterConfig,
  create(settings, config) {
    return new OtlpExporter(settings, config);
  },
};
