/**
 * otlp exporter configuration (otelcol's otlp exporter shape):
 *
 *   exporters:
 *     otlp:
 *       endpoint: localhost:4317      # host:port; an http:// or https:// prefix forces plaintext / TLS
 *       tls:
 *         insecure: true              # plaintext (default); false = TLS
 *         ca_file: ''                 # trust these CAs instead of the system roots
 *         cert_file: ''               # client certificate (mTLS), with key_file
 *         key_file: ''
 *         insecure_skip_verify: false # TLS without verifying the server certificate
 *         server_name_override: ''    # name checked against the server certificate
 *       compression: gzip             # gzip | none
 *       timeout: 10s                  # per attempt
 *       headers: { authorization: "Bearer ..." }
 *       retry_on_failure:
 *         enabled: true
 *         initial_interval: 5s
 *         randomization_factor: 0.5
 *         multiplier: 1.5
 *         max_interval: 30s
 *         max_elapsed_time: 300s      # 0 = retry until shutdown
 */
import { isPlainObject, mergeConfig } from '../../config/merge';
import { parseDuration } from '../../config/units';
import { parseHostPort } from '../../otlp/endpoint';

export interface OtlpExporterTlsConfig {
  insecure: boolean;
  ca_file: string;
  cert_file: string;
  key_file: string;
  insecure_skip_verify: boolean;
  server_name_override: string;
}

export interface RetryConfig {
  enabled: boolean;
  initial_interval: string | number;
  randomization_factor: number;
  multiplier: number;
  max_interval: string | number;
  max_elapsed_time: string | number;
}

export interface OtlpExporterConfig {
  endpoint: string;
  tls: OtlpExporterTlsConfig;
  compression: string;
  timeout: string | number;
  headers: Record<string, string>;
  retry_on_failure: RetryConfig;
}

export function createDefaultOtlpExporterConfig(): OtlpExporterConfig {
  return {
    endpoint: 'localhost:4317',
    tls: { insecure: true, ca_file: '', cert_file: '', key_file: '', insecure_skip_verify: false, server_name_override: '' },
    compression: 'gzip',
    timeout: '10s',
    headers: {},
    retry_on_failure: {
      enabled: true,
      initial_interval: '5s',
      randomization_factor: 0.5,
      multiplier: 1.5,
      max_interval: '30s',
      max_elapsed_time: '300s',
    },
  };
}

/** The generic merge, except `headers`, whose keys are the user's own. */
export function unmarshalOtlpExporterConfig(raw: unknown, path: string, errors: string[]): OtlpExporterConfig {
  const defaults = createDefaultOtlpExporterConfig();
  if (raw === undefined || raw === null) return defaults;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping`);
    return defaults;
  }
  const { headers, ...rest } = raw;
  const config = mergeConfig(defaults, rest, path, errors) as OtlpExporterConfig;
  if (headers !== undefined && headers !== null) {
    if (!isPlainObject(headers)) errors.push(`${path}.headers: expected a mapping of header names to values`);
    else {
      config.headers = {};
      for (const [k, v] of Object.entries(headers)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') config.headers[k] = String(v);
        else errors.push(`${path}.headers.${k}: expected a string value`);
      }
    }
  }
  return config;
}

export interface ResolvedTarget {
  /** grpc-js target, "host:port". */
  target: string;
  tls: boolean;
}

/** Strips an http(s):// scheme; the scheme, when given, decides TLS, else tls.insecure does. */
export function resolveTarget(config: OtlpExporterConfig): ResolvedTarget {
  const m = /^(https?):\/\/(.*?)\/?$/i.exec(config.endpoint.trim());
  const hostPort = m ? m[2] : config.endpoint.trim();
  parseHostPort(hostPort, 'endpoint');
  const tls = m ? m[1].toLowerCase() === 'https' : !config.tls.insecure;
  return { target: hostPort, tls };
}

export function validateOtlpExporterConfig(config: OtlpExporterConfig): string[] {
  const problems: string[] = [];
  const check = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  check(() => resolveTarget(config));
  if (!['gzip', 'none', ''].includes(config.compression)) problems.push(`compression: must be gzip or none, got ${JSON.stringify(config.compression)}`);
  check(() => {
    if (parseDuration(config.timeout, 'timeout') <= 0) throw new Error('timeout: must be greater than 0');
  });
  const tls = config.tls;
  if (Boolean(tls.cert_file) !== Boolean(tls.key_file)) problems.push('tls: cert_file and key_file must be given together');
  for (const [k, v] of Object.entries(config.headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) problems.push(`headers.${k}: invalid header name`);
    if (typeof v !== 'string') problems.push(`headers.${k}: expected a string value`);
  }
  const r = config.retry_on_failure;
  check(() => parseDuration(r.initial_interval, 'retry_on_failure.initial_interval'));
  check(() => parseDuration(r.max_interval, 'retry_on_failure.max_interval'));
  check(() => parseDuration(r.max_elapsed_time, 'retry_on_failure.max_elapsed_time'));
  if (!(r.multiplier >= 1)) problems.push('retry_on_failure.multiplier: must be at least 1');
  if (!(r.randomization_factor >= 0 && r.randomization_factor <= 1)) problems.push('retry_on_failure.randomization_factor: must be between 0 and 1');
  return problems;
}
