import type { ComponentFactory } from '../../pipeline/component';
import { createDefaultDebugExporterConfig, validateDebugExporterConfig, type DebugExporterConfig } from './config';
import { DebugExporter } from './exporter';

export type { DebugExporterConfig } from './config';
export { DebugExporter } from './exporter';

/** Exporter type "debug": prints records to stdout (verbosity basic | normal | detailed). */
export const debugExporterFactory: ComponentFactory<DebugExporterConfig> = {
  type: 'debug',
  kind: 'exporter',
  createDefaultConfig: createDefaultDebugExporterConfig,
  validate: validateDebugExporterConfig,
  create(settings, config) {
    return new DebugExporter(settings, config);
  },
};
