/**
 * Wires the control plane into a collector from its config (`service.control`,
 * see config.ts): the store defaults to the first clickhouse exporter's endpoint,
 * credentials and database, and its cluster settings.
 */
import type { CollectorConfig } from '../config/config';
import type { DiagLogger } from '../pipeline/component';
import type { Metrics } from '../telemetry/metrics';
import { parseDuration, parseSize } from '../config/units';
import type { TableEngine } from '../storage/clickhouse-schema';
import { createDefaultControlConfig } from './config';
import { ControlPlane } from './store';

export const CONTROL_TOKEN_ENV = 'LOGFUN_CONTROL_TOKEN';

interface ExporterStoreConfig {
  endpoint: string;
  username?: string;
  password?: string;
  database?: string;
  cluster_name?: string;
  table_engine?: TableEngine;
  create_schema?: boolean;
}

/** The control plane the config asks for, or undefined when it is disabled (or there is no store to keep rules in). */
export function controlPlaneFromConfig(config: CollectorConfig, metrics: Metrics, logger: DiagLogger): ControlPlane | undefined {
  const c = config.control ?? createDefaultControlConfig();
  if (c.enabled === false) return undefined;
  const exporter = [...config.exporters.values()].find((e) => e.factory.type === 'clickhouse');
  const ex = exporter?.config as ExporterStoreConfig | undefined;
  const endpoint = c.endpoint || ex?.endpoint || '';
  if (!endpoint) {
    if (c.enabled === true) logger.warn('service.control is enabled but names no endpoint and there is no clickhouse exporter; control is off');
    return undefined;
  }
  const sameStore = ex !== undefined && endpoint === ex.endpoint;
  return new ControlPlane({
    endpoint,
    database: c.database || ex?.database || 'otel',
    username: c.username || (sameStore ? ex.username : undefined) || undefined,
    password: c.password || (sameStore ? ex.password : undefined) || undefined,
    table: c.table,
    clusterName: sameStore ? ex.cluster_name || undefined : undefined,
    tableEngine: sameStore ? ex.table_engine : undefined,
    // The exporter's create_schema: false means its user may not (or should not) run DDL; nor do we.
    createSchema: sameStore ? ex.create_schema !== false : true,
    pollIntervalMs: c.poll_interval === '' ? defaultPollIntervalMs(endpoint) : parseDuration(c.poll_interval, 'service.control.poll_interval'),
    limits: {
      maxManualRulesPerService: c.limits.max_rules_per_service,
      maxManualRules: c.limits.max_rules,
      maxAutoRulesPerService: c.limits.max_auto_rules_per_service,
      maxSdkUpdateBytes: parseSize(c.limits.max_update_bytes, 'service.control.limits.max_update_bytes'),
    },
    metrics,
    logger,
  });
}

/**
 * 100 ms on a server (a change through one collector reaches SDKs on the others
 * within 200 ms p99); 1 s on embedded chDB, which no other process can write
 * (the poll then only times rule expiry).
 */
export function defaultPollIntervalMs(endpoint: string): number {
  return endpoint.startsWith('chdb://') ? 1_000 : 100;
}

/** The API token: service.control.token, else $LOGFUN_CONTROL_TOKEN; '' = no auth. */
export function controlTokenOf(config: CollectorConfig, env: NodeJS.ProcessEnv = process.env): string {
  return config.control?.token || env[CONTROL_TOKEN_ENV] || '';
}
