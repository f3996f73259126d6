/** Factory of the `clickhouse` exporter (see exporter.ts for behaviour, config.ts for settings). */
import type { Component, ComponentFactory, CreateSettings } from '../../pipeline/component';
import { createDefaultConfig, resolveConfig, validateConfig, type ClickHouseExporterConfig } from './config';
import { ClickHouseLogsExporter } from './exporter';

export const clickhouseExporterFactory: ComponentFactory<ClickHouseExporterConfig> = {
  type: 'clickhouse',
  kind: 'exporter',
  createDefaultConfig,
  validate: validateConfig,
  create(settings: CreateSettings, config: ClickHouseExporterConfig): Component {
    return new ClickHouseLogsExporter(settings, resolveConfig(config));
  },
};

export { ClickHouseLogsExporter } from './exporter';
export type { ClickHouseExporterConfig } from './config';
