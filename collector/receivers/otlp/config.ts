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
 *           tls:                     # optional on either protocol (collector/security/server-tls.ts)
 *             cert_file: server.crt
 *             key_file: server.key
 *             client_ca_file: ca.crt # optional: mutual TLS
 *             min_version: "1.2"     # or "1.3"
 *           auth:                    # optional on either protocol (collector/security/bearer-auth.ts)
 *             token: ${env:LOGFUN_INGEST_TOKEN}   # or filename: /run/secrets/ingest-token
 *       limits:                      # optional; applies to OTLP requests on both protocols
 *         max_records_per_request: 100000   # more -> RESOURCE_EXHAUSTED / 413 (bounds decoded memory)
 *         max_attributes_per_record: 1000   # extra attributes dropped, counted in droppedAttributesCount
 *         max_attribute_value_length: 64KiB # longer string/bytes attribute values truncated (UTF-16 units / bytes)
 *         max_any_value_depth: 32           # deeper AnyValue nesting -> INVALID_ARGUMENT / 400
 *
 * Message size is limited per protocol (max_recv_msg_size, max_request_body_size).
 * Invalid UTF-8 in strings is replaced with U+FFFD and counted, never rejected
 * (see collector/otlp/limits.ts for the exact semantics of every limit).
 * As in otelcol, a protocol not written under `protocols` is disabled, and a
 * protocol written with no value (`grpc:`) is enabled with its defaults. In the
 * resolved config object a disabled protocol is null (or absent).
 */
import { mergeConfig, isPlainObject } from '../../config/merge';
import { parseSize } from '../../config/units';
import { parseHostPort } from '../../otlp/endpoint';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../../otlp/limits';
import { unmarshalServerTls, validateServerTls, type ServerTlsConfig } from '../../security/server-tls';
import { unmarshalBearerAuth, validateBearerAuth, type BearerAuthConfig } from '../../security/bearer-auth';

/**
 * Settings both protocols share: TLS and bearer-token auth (absent = plaintext, no auth).
 * With auth, every request (OTLP Export, the compact stream, OTLP/HTTP) needs
 * `authorization: Bearer <token>`: UNAUTHENTICATED / 401 otherwise.
 */
export interface ServerSecurityConfig {
  tls?: ServerTlsConfig | null;
  auth?: BearerAuthConfig | null;
}

export interface GrpcProtocolConfig extends ServerSecurityConfig {
  endpoint: string;
  /** Largest accepted request message (after decompression); larger -> RESOURCE_EXHAUSTED. */
  max_recv_msg_size: string | number;
  /**
   * Serve the compact protocol (logfun.v1.Ingest/Stream) on the same port. Optional:
   * absent means true (kept out of the defaults so the otelcol-shaped default stays as it was).
   */
  logfun_ingest?: boolean;
}

export interface HttpProtocolConfig extends ServerSecurityConfig {
  endpoint: string;
  /** Largest accepted request body, compressed and decompressed; larger -> 413. */
  max_request_body_size: string | number;
  /** Path that accepts log exports. */
  logs_url_path: string;
}

/** Per-request content limits (collector/otlp/limits.ts). */
export interface OtlpLimitsConfig {
  max_records_per_request: number;
  max_attributes_per_record: number;
  /** A count of UTF-16 units (strings) / bytes; may be written as a size ("64KiB"). */
  max_attribute_value_length: string | number;
  max_any_value_depth: number;
}

export interface OtlpReceiverConfig {
  protocols: {
    grpc?: GrpcProtocolConfig | null;
    http?: HttpProtocolConfig | null;
  };
  /** Optional: absent means the defaults (kept out of createDefaultConfig so the otelcol-shaped default stays as it was). */
  limits?: OtlpLimitsConfig;
}

export function createDefaultLimitsConfig(): OtlpLimitsConfig {
  return {
    max_records_per_request: DEFAULT_DECODE_LIMITS.maxRecordsPerRequest,
    max_attributes_per_record: DEFAULT_DECODE_LIMITS.maxAttributesPerRecord,
    max_attribute_value_length: '64KiB',
    max_any_value_depth: DEFAULT_DECODE_LIMITS.maxAnyValueDepth,
  };
}

/** The decoder limits of a config; throws listing every invalid value (paths relative to the component). */
export function decodeLimitsOf(config: OtlpReceiverConfig): DecodeLimits {
  const l = { ...createDefaultLimitsConfig(), ...(config.limits ?? {}) };
  const problems: string[] = [];
  const limits: DecodeLimits = { ...DEFAULT_DECODE_LIMITS };
  collect(problems, () => (limits.maxRecordsPerRequest = positiveInteger(l.max_records_per_request, 'limits.max_records_per_request', Number.MAX_SAFE_INTEGER)));
  collect(problems, () => (limits.maxAttributesPerRecord = nonNegativeInteger(l.max_attributes_per_record, 'limits.max_attributes_per_record')));
  collect(problems, () => (limits.maxAttributeValueLength = parseSize(l.max_attribute_value_length, 'limits.max_attribute_value_length')));
  collect(problems, () => (limits.maxAnyValueDepth = positiveInteger(l.max_any_value_depth, 'limits.max_any_value_depth', MAX_CONFIGURABLE_DEPTH)));
  if (problems.length > 0) throw new LimitsConfigError(problems);
  return limits;
}

/** Deepest configurable AnyValue nesting: the decoders recurse once per level, this keeps far from the stack limit. */
const MAX_CONFIGURABLE_DEPTH = 1000;

class LimitsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function nonNegativeInteger(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`${path}: must be a whole number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function positiveInteger(v: unknown, path: string, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max) throw new Error(`${path}: must be a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
  return v;
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
    if (key !== 'protocols' && key !== 'limits') errors.push(`${path}.${key}: unknown key (valid keys: protocols, limits)`);
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
    const security = takeSecurity(protocols.grpc, `${path}.protocols.grpc`, errors);
    let rawGrpc = security.rest;
    let logfunIngest: boolean | undefined;
    if (isPlainObject(rawGrpc) && 'logfun_ingest' in rawGrpc) {
      const { logfun_ingest: value, ...rest } = rawGrpc;
      rawGrpc = rest;
      if (typeof value === 'boolean') logfunIngest = value;
      else if (value !== null && value !== undefined) errors.push(`${path}.protocols.grpc.logfun_ingest: expected true or false, got ${typeof value} ${JSON.stringify(value)}`);
    }
    config.protocols.grpc = mergeConfig(createDefaultGrpcConfig(), rawGrpc, `${path}.protocols.grpc`, errors) as GrpcProtocolConfig;
    if (logfunIngest !== undefined) config.protocols.grpc.logfun_ingest = logfunIngest;
    applySecurity(config.protocols.grpc, security);
  }
  if ('http' in protocols) {
    const security = takeSecurity(protocols.http, `${path}.protocols.http`, errors);
    config.protocols.http = mergeConfig(createDefaultHttpConfig(), security.rest, `${path}.protocols.http`, errors) as HttpProtocolConfig;
    applySecurity(config.protocols.http, security);
  }
  if (raw.limits !== undefined && raw.limits !== null) {
    config.limits = mergeConfig(createDefaultLimitsConfig(), raw.limits, `${path}.limits`, errors) as OtlpLimitsConfig;
  }
  return config;
}

interface TakenSecurity {
  rest: unknown;
  tls?: ServerTlsConfig;
  auth?: BearerAuthConfig;
}

/** Splits `tls` and `auth` off a protocol's raw mapping (their keys are checked here, not by the generic merge). */
function takeSecurity(raw: unknown, path: string, errors: string[]): TakenSecurity {
  if (!isPlainObject(raw) || (!('tls' in raw) && !('auth' in raw))) return { rest: raw };
  const { tls, auth, ...rest } = raw;
  return { rest, tls: unmarshalServerTls(tls, `${path}.tls`, errors), auth: unmarshalBearerAuth(auth, `${path}.auth`, errors) };
}

function applySecurity(target: ServerSecurityConfig, security: TakenSecurity): void {
  if (security.tls) target.tls = security.tls;
  if (security.auth) target.auth = security.auth;
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
    problems.push(...validateServerTls(grpc.tls ?? undefined, 'protocols.grpc.tls'), ...validateBearerAuth(grpc.auth ?? undefined, 'protocols.grpc.auth'));
  }
  if (http) {
    collect(problems, () => ports.push({ name: 'http', ...parseHostPort(http.endpoint, 'protocols.http.endpoint') }));
    collect(problems, () => positiveSize(http.max_request_body_size, 'protocols.http.max_request_body_size'));
    if (typeof http.logs_url_path !== 'string' || !http.logs_url_path.startsWith('/')) {
      problems.push(`protocols.http.logs_url_path: must start with "/", got ${JSON.stringify(http.logs_url_path)}`);
    }
    problems.push(...validateServerTls(http.tls ?? undefined, 'protocols.http.tls'), ...validateBearerAuth(http.auth ?? undefined, 'protocols.http.auth'));
  }
  if (config.limits) {
    try {
      decodeLimitsOf(config);
    } catch (e) {
      problems.push(...(e instanceof LimitsConfigError ? e.problems : [(e as Error).message]));
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
