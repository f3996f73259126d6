/**
 * Collector configuration in the otelcol shape:
 *
 *   receivers:  { <type>[/<name>]: <component config> }
 *   processors: { ... }
 *   exporters:  { ... }
 *   service:
 *     pipelines: { logs[/<name>]: { receivers: [...], processors: [...], exporters: [...] } }
 *     telemetry: { admin: { endpoint }, logs: { level } }
 *     control:   { enabled, endpoint, token, poll_interval, ... } (see control/config.ts)
 *     templates: { max_text_length, max_per_service, max_bytes, ... } (see templates/limits.ts)
 *     process:   { shutdown_timeout, watchdog_timeout, heap_exit_ratio } (see service/process-config.ts)
 *
 * `loadConfig` parses YAML, expands ${env:NAME} / ${NAME} (with ${NAME:-default}),
 * resolves each component against its factory's default config and validates the
 * whole graph, reporting every error at once in a ConfigError.
 */
import { readLimitsFromConfig } from './read-limits';
import * as fs from 'fs';
import YAML from 'yaml';
import type { ComponentFactory, ComponentKind } from '../pipeline/component';
import { isPlainObject, mergeConfig } from './merge';
import { createDefaultControlConfig, parseControlConfig, type ControlServiceConfig } from '../control/config';
import { unmarshalServerTls, validateServerTls, type ServerTlsConfig } from '../security/server-tls';
import { DEFAULT_TEMPLATE_LIMITS, parseTemplateLimitsConfig, resolveTemplateLimits, type TemplateLimits } from '../templates/limits';
import { createDefaultProcessConfig, parseProcessConfig, type ProcessConfig } from '../service/process-config';

export interface PipelineConfig {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface ReadLimitsConfig {
  /** A query's time limit ("30s"). */
  max_execution_time: string | number;
  max_result_rows: number;
  /** Result size limit ("256MiB"). */
  max_result_bytes: string | number;
  /** Memory one query may use ("2GiB"). */
  max_memory_usage: string | number;
  max_threads: number;
  /** Reads at once; more wait (up to 32), then 503. */
  max_concurrent: number;
}

export interface TelemetryConfig {
  /** host:port of the admin HTTP endpoint; "" disables it. */
  admin: {
    endpoint: string;
    /** Serve read-only SQL on /api/v1/sql (for `logfun sql`); turn off where the admin port is reachable by others. */
    sql_api: boolean;
    /**
     * The admin token: the console, the SQL API and the control API need it. '' = $LOGFUN_CONSOLE_TOKEN,
     * else the token kept in console_token_file (made at the first start, 0600).
     */
    console_token?: string;
    /** Where a made token is kept; '' = ./.logfun/admin-token in the working directory. */
    console_token_file: string;
    /** Host names the admin endpoint answers to besides IP literals and localhost (DNS-rebinding guard); "*" = any. */
    allowed_hosts: string[];
    /** Limits of every read on someone's behalf (SQL API, `logfun sql`, console): storage/clickhouse-reader.ts. */
    read_limits: ReadLimitsConfig;
    /** HTTPS for the admin endpoint (console, APIs, metrics); null = plain HTTP. See security/server-tls.ts. */
    tls?: ServerTlsConfig | null;
  };
  logs: { level: 'info' | 'warn' | 'error' };
}

export interface ResolvedComponent {
  id: string;
  kind: ComponentKind;
  factory: ComponentFactory;
  config: unknown;
}

export interface CollectorConfig {
  receivers: Map<string, ResolvedComponent>;
  processors: Map<string, ResolvedComponent>;
  exporters: Map<string, ResolvedComponent>;
  pipelines: Map<string, PipelineConfig>;
  telemetry: TelemetryConfig;
  /** service.control (the control plane); always set by resolveConfig. */
  control?: ControlServiceConfig;
  /** service.templates: bounds of the template dictionary (defaults when absent). */
  templates?: TemplateLimits;
  /** service.process: fatal-error and shutdown behaviour of `logfun collector` (defaults when absent). */
  process?: ProcessConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[], source: string) {
    super(`invalid configuration (${source}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type FactoryRegistry = Map<string, ComponentFactory>;

const DEFAULT_TELEMETRY: TelemetryConfig = { admin: { endpoint: '127.0.0.1:13133', sql_api: true, console_token: '', console_token_file: '', allowed_hosts: [], read_limits: { max_execution_time: '30s', max_result_rows: 100000, max_result_bytes: '64MiB', max_memory_usage: '2GiB', max_threads: 1, max_concurrent: 2 }, tls: null }, logs: { level: 'info' } };

/**
 * Expands ${env:NAME}, ${NAME} and ${NAME:-default} in every string value of the parsed
 * config (after YAML parsing, as otelcol does, so a value with YAML syntax in it, e.g. a
 * password with `: # ' "`, stays one string). A value that is exactly one reference to a
 * number-like variable stays a string; the strict merge accepts numeric strings.
 */
export function expandEnvInValues(value: unknown, env: NodeJS.ProcessEnv, errors: string[], at = ''): unknown {
  if (typeof value === 'string') return expandEnv(value, env, errors, at);
  if (Array.isArray(value)) return value.map((v, i) => expandEnvInValues(v, env, errors, `${at}[${i}]`));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnvInValues(v, env, errors, at ? `${at}.${k}` : k);
    return out;
  }
  return value;
}

/** Expands ${env:NAME}, ${NAME} and ${NAME:-default} in one string (the value at path `at`, named in the problem of an unset one). */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, errors: string[], at = ''): string {
  return text.replace(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => {
    const v = env[name];
    if (v !== undefined) return v;
    if (dflt !== undefined) return dflt;
    errors.push(`${at ? `${at}: ` : ''}environment variable ${name} is referenced but not set (read as empty)`);
    return '';
  });
}

export function loadConfigFile(file: string, factories: FactoryRegistry, env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new ConfigError([`cannot read ${file}: ${(e as Error).message}`], file);
  }
  return parseConfig(configText(bytes, file), factories, file, env);
}

/**
 * The config file's bytes as text, refusing binary files up front (a log file
 * or an executable given to --config by mistake) with a message that says so,
 * instead of YAML errors that would echo binary bytes to the terminal.
 */
export function configText(bytes: Buffer, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new ConfigError([`${file} is not a YAML text file: it contains NUL bytes (from byte ${nul}); --config expects the collector's YAML configuration`], file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError([`${file} is not a YAML text file: it is not valid UTF-8; --config expects the collector's YAML configuration`], file);
  }
}

export function parseConfig(text: string, factories: FactoryRegistry, source = 'config', env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const errors: string[] = [];
  let raw: unknown;
  try {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length) for (const e of doc.errors) errors.push(`YAML: ${e.message}`);
    raw = doc.toJS();
  } catch (e) {
    throw new ConfigError([`YAML: ${(e as Error).message}`], source);
  }
  if (errors.length) throw new ConfigError(errors, source);
  // An unset variable is one problem among the file's others: all are reported in one pass.
  raw = expandEnvInValues(raw, env, errors);
  return resolveConfig(raw ?? {}, factories, source, errors);
}

/** Resolves an already-parsed config object (YAML/JSON shape); `errors`: problems found before (reported with the rest). */
export function resolveConfig(raw: unknown, factories: FactoryRegistry, source = 'config', errors: string[] = []): CollectorConfig {
  if (!isPlainObject(raw)) throw new ConfigError(['top level: expected a mapping'], source);
  for (const key of Object.keys(raw)) {
    if (!['receivers', 'processors', 'exporters', 'service', 'extensions', 'connectors'].includes(key)) errors.push(`${key}: unknown top-level key`);
  }

  const sections: [ComponentKind, string][] = [
    ['receiver', 'receivers'],
    ['processor', 'processors'],
    ['exporter', 'exporters'],
  ];
  const resolved: Record<string, Map<string, ResolvedComponent>> = {};
  for (const [kind, section] of sections) {
    const map = new Map<string, ResolvedComponent>();
    resolved[section] = map;
    const entries = raw[section];
    if (entries === undefined || entries === null) continue;
    if (!isPlainObject(entries)) {
      errors.push(`${section}: expected a mapping of component ids`);
      continue;
    }
    for (const [id, userValue] of Object.entries(entries)) {
      const type = id.split('/')[0];
      const factory = factories.get(`${kind}:${type}`);
      if (!factory) {
        const known = [...factories.values()].filter((f) => f.kind === kind).map((f) => f.type);
        errors.push(`${section}.${id}: unknown ${kind} type "${type}" (known: ${known.join(', ')})`);
        continue;
      }
      const componentErrors: string[] = [];
      const config = factory.unmarshal
        ? factory.unmarshal(userValue, `${section}.${id}`, componentErrors)
        : mergeConfig(factory.createDefaultConfig(), userValue, `${section}.${id}`, componentErrors);
      // Semantic checks run even after shape errors of the generic merge, so one pass
      // reports everything (a custom unmarshal already checks what it reports, so there
      // they run only on a clean shape, to avoid saying the same thing twice); a
      // validator tripping over a malformed shape must not hide the shape errors.
      if (factory.validate && (!factory.unmarshal || componentErrors.length === 0)) {
        try {
          for (const p of factory.validate(config)) componentErrors.push(`${section}.${id}: ${p}`);
        } catch (e) {
          if (componentErrors.length === 0) componentErrors.push(`${section}.${id}: ${(e as Error).message}`);
        }
      }
      errors.push(...componentErrors);
      map.set(id, { id, kind, factory, config });
    }
  }

  const pipelines = new Map<string, PipelineConfig>();
  const service = raw.service;
  let telemetry = structuredClone(DEFAULT_TELEMETRY);
  let control = createDefaultControlConfig();
  let templates: TemplateLimits = { ...DEFAULT_TEMPLATE_LIMITS };
  let processConfig = createDefaultProcessConfig();
  if (!isPlainObject(service)) {
    errors.push('service: missing (it must list service.pipelines)');
  } else {
    for (const key of Object.keys(service)) if (!['pipelines', 'telemetry', 'extensions', 'control', 'templates', 'process'].includes(key)) errors.push(`service.${key}: unknown key`);
    telemetry = mergeConfig(DEFAULT_TELEMETRY, service.telemetry, 'service.telemetry', errors) as TelemetryConfig;
    if (telemetry.admin?.tls) {
      const before = errors.length;
      telemetry.admin.tls = unmarshalServerTls(telemetry.admin.tls, 'service.telemetry.admin.tls', errors) ?? null;
      if (errors.length === before) errors.push(...validateServerTls(telemetry.admin.tls ?? undefined, 'service.telemetry.admin.tls'));
    }
    readLimitsFromConfig(telemetry.admin.read_limits, errors);
    control = parseControlConfig(service.control, 'service.control', errors);
    const templatesErrors = errors.length;
    const templatesConfig = parseTemplateLimitsConfig(service.templates, 'service.templates', errors);
    if (errors.length === templatesErrors) templates = resolveTemplateLimits(templatesConfig);
    processConfig = parseProcessConfig(service.process, 'service.process', errors);
    const rawPipelines = service.pipelines;
    if (!isPlainObject(rawPipelines) || Object.keys(rawPipelines).length === 0) {
      errors.push('service.pipelines: at least one pipeline is required');
    } else {
      for (const [name, p] of Object.entries(rawPipelines)) {
        const path = `service.pipelines.${name}`;
        const signal = name.split('/')[0];
        if (signal !== 'logs') errors.push(`${path}: only "logs" pipelines are supported (got signal "${signal}")`);
        if (!isPlainObject(p)) {
          errors.push(`${path}: expected a mapping with receivers, processors, exporters`);
          continue;
        }
        for (const key of Object.keys(p)) if (!['receivers', 'processors', 'exporters'].includes(key)) errors.push(`${path}.${key}: unknown key`);
        const list = (key: 'receivers' | 'processors' | 'exporters', required: boolean): string[] => {
          const v = p[key];
          if (v === undefined || v === null) {
            if (required) errors.push(`${path}.${key}: at least one is required`);
            return [];
          }
          if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
            errors.push(`${path}.${key}: expected a list of component ids`);
            return [];
          }
          if (required && v.length === 0) errors.push(`${path}.${key}: at least one is required`);
          const seen = new Set<string>();
          for (const id of v as string[]) {
            if (!resolved[key].has(id) && !errors.some((e) => e.startsWith(`${key}.${id}:`))) errors.push(`${path}.${key}: "${id}" is not defined under ${key}`);
            if (seen.has(id)) errors.push(`${path}.${key}: "${id}" is listed twice`);
            seen.add(id);
          }
          return v as string[];
        };
        pipelines.set(name, { receivers: list('receivers', true), processors: list('processors', false), exporters: list('exporters', true) });
      }
    }
  }
  if (errors.length) throw new ConfigError(errors, source);
  return {
    receivers: resolved.receivers,
    processors: resolved.processors,
    exporters: resolved.exporters,
    pipelines,
    telemetry,
    control,
    templates,
    process: processConfig,
  };
}
