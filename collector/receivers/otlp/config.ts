/**
 * otlp receiver configuration, in otelcol's shape:
 *
 *   receivers:
 *     otlp:
 *       protocols:
 *         grpc:                      # written (even empty) = enabled with defaults
 *           endpoint: 0.0.0.0:4317
 *           max_recv_msg_size: 4MiB
 *           logfun_ingest: true      # also serve logfun.v1.Ingest (the SDK's compact stream); default true
 *         http:
 *           endpoint: 0.0.0.0:4318
 *           max_request_body_size: 4MiB
 *           logs_url_path: /v1/logs
 *
 * As in otelcol, a protocol not written under `protocols` is disabled, and a
 * protocol written with no value (`grpc:`) is enabled with its defaults. In the
 * resolved config object a disabled protocol is null (or absent).
 */
import { mergeConfig, isPlainObject } from '../../config/merge';
import { parseSize } from '../../config/units';
import { parseHostPort } from '../../otlp/endpoint';

export interface GrpcProtocolConfig {
  endpoint: string;
  /** Largest accepted request message (after decompression); larger -> RESOURCE_EXHAUSTED. */
  max_recv_msg_size: string | number;
  /**
   * Serve the compact protocol (logfun.v1.Ingest/Stream) on the same port. Optional:
   * absent means true (kept out of the defaults so the otelcol-shaped default stays as it was).
   */
  logfun_ingest?: boolean;
}

export interface HttpProtocolConfig {
  endpoint: string;
  /** Largest accepted request body, compressed and decompressed; larger -> 413. */
  max_request_body_size: string | number;
  /** Path that accepts log exports. */
  logs_url_path: string;
}

export interface OtlpReceiverConfig {
  protocols: {
    grpc?: GrpcProtocolConfig | null;
    http?: HttpProtocolConfig | null;
  };
}

export function createDefaultGrpcConfig(): GrpcProtocolConfig {
  return { endpoint: '0.0.0.0:4317', max_recv_msg_size: '4MiB' };
}

export function createDefaultHttpConfig(): HttpProtocolConfig {
  return { endpoint: '0.0.0.0:4318', max_request_body_size: '4MiB', logs_url_path: '/v1/logs' };
}

export function createDefaultOtlpReceiverConfig(): OtlpReceiverConfig {
  return { protocols: { grpc: createDefaultGrpcConfig(), http: createDefaultHttpConfig() } };
}

const PROTOCOLS = ['grpc', 'http'] as const;

/**
 * Resolves the user's YAML value with otelcol semantics: protocols not written
 * are disabled; written ones are merged over their defaults. Problems go to `errors`.
 */
export function unmarshalOtlpReceiverConfig(raw: unknown, path: string, errors: string[]): OtlpReceiverConfig {
  const config: OtlpReceiverConfig = { protocols: { grpc: null, http: null } };
  if (raw === undefined || raw === null) {
    errors.push(`${path}.protocols: must enable at least one protocol (grpc or http)`);
    return config;
  }
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping with "protocols"`);
    return config;
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'protocols') errors.push(`${path}.${key}: unknown key (valid keys: protocols)`);
  }
  const protocols = raw.protocols;
  if (protocols === undefined || protocols === null) {
    errors.push(`${path}.protocols: must enable at least one protocol (grpc or http)`);
    return config;
  }
  if (!isPlainObject(protocols)) {
    errors.push(`${path}.protocols: expected a mapping with grpc and/or http`);
    return config;
  }
  for (const key of Object.keys(protocols)) {
    if (!(PROTOCOLS as readonly string[]).includes(key)) errors.push(`${path}.protocols.${key}: unknown protocol (valid: grpc, http)`);
  }
  if ('grpc' in protocols) {
    let rawGrpc = protocols.grpc;
    let logfunIngest: boolean | undefined;
    if (isPlainObject(rawGrpc) && 'logfun_ingest' in rawGrpc) {
      const { logfun_ingest: value, ...rest } = rawGrpc;
      rawGrpc = rest;
      if (typeof value === 'boolean') logfunIngest = value;
      else if (value !== null && value !== undefined) errors.push(`${path}.protocols.grpc.logfun_ingest: expected true or false, got ${typeof value} ${JSON.stringify(value)}`);
    }
    config.protocols.grpc = mergeConfig(createDefaultGrpcConfig(), rawGrpc, `${path}.protocols.grpc`, errors) as GrpcProtocolConfig;
    if (logfunIngest !== undefined) config.protocols.grpc.logfun_ingest = logfunIngest;
  }
  if ('http' in protocols) {
    config.protocols.http = mergeConfig(createDefaultHttpConfig(), protocols.http, `${path}.protocols.http`, errors) as HttpProtocolConfig;
  }
  return config;
}

/** Every problem with a resolved config, paths relative to the component. */
export function validateOtlpReceiverConfig(config: OtlpReceiverConfig): string[] {
  const problems: string[] = [];
  const { grpc, http } = config.protocols ?? {};
  if (!grpc && !http) problems.push('protocols: must enable at least one protocol (grpc or http)');
  const ports: { name: string; port: number; host: string }[] = [];
  if (grpc) {
    collect(problems, () => ports.push({ name: 'grpc', ...parseHostPort(grpc.endpoint, 'protocols.grpc.endpoint') }));
    collect(problems, () => positiveSize(grpc.max_recv_msg_size, 'protocols.grpc.max_recv_msg_size'));
    if (grpc.logfun_ingest !== undefined && typeof grpc.logfun_ingest !== 'boolean') {
      problems.push(`protocols.grpc.logfun_ingest: expected true or false, got ${JSON.stringify(grpc.logfun_ingest)}`);
    }
  }
  if (http) {
    collect(problems, () => ports.push({ name: 'http', ...parseHostPort(http.endpoint, 'protocols.http.endpoint') }));
    collect(problems, () => positiveSize(http.max_request_body_size, 'protocols.http.max_request_body_size'));
    if (typeof http.logs_url_path !== 'string' || !http.logs_url_path.startsWith('/')) {
      problems.push(`protocols.http.logs_url_path: must start with "/", got ${JSON.stringify(http.logs_url_path)}`);
    }
  }
  if (ports.length === 2 && ports[0].port !== 0 && ports[0].port === ports[1].port) {
    problems.push(`protocols: grpc and http cannot both listen on port ${ports[0].port}`);
  }
  return problems;
}

export function positiveSize(value: string | number, path: string): number {
  const n = parseSize(value, path);
  if (n <= 0) throw new Error(`${path}: must be greater than 0`);
  return n;
}

function collect(problems: string[], check: () => unknown): void {
  try {
    check();
  } catch (e) {
    problems.push((e as Error).message);
  }
}
