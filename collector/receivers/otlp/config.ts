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
 *           max_concurrent_streams: 256  # gRPC calls in progress (Export calls + compact streams), all
 *                                        # connections together; more -> RESOURCE_EXHAUSTED (retryable)
 *           read_timeout: 30s            # an Export call's request message must arrive within this
 *                                        # after its metadata; else DEADLINE_EXCEEDED
 *         http:
 *           endpoint: 0.0.0.0:4318
 *           max_request_body_size: 4MiB  # checked against Content-Length before the body is read
 *           logs_url_path: /v1/logs
 *           max_connections: 512         # open connections; requests on more -> 503 + Retry-After, connection closed
 *           read_header_timeout: 10s     # the request line and headers must arrive within this
 *           read_timeout: 30s            # the whole request (headers and body) must arrive within this
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
 *         max_in_flight_bytes: 64MiB        # request bytes held at once, both protocols together (admission.ts);
 *                                           # more -> RESOURCE_EXHAUSTED / 429 with a retry delay
 *
 * Message size is limited per protocol (max_recv_msg_size, max_request_body_size).
 * Invalid UTF-8 in strings is replaced with U+FFFD and counted, never rejected
 * (see collector/otlp/limits.ts for the exact semantics of every limit).
 * As in otelcol, a protocol not written under `protocols` is disabled, and a
 * protocol written with no value (`grpc:`) is enabled with its defaults. In the
 * resolved config object a disabled protocol is null (or absent). The admission
 * keys (max_concurrent_streams, max_connections, read_header_timeout,
 * read_timeout) are optional in the resolved object: absent means the default.
 */
import { mergeConfig, isPlainObject } from '../../config/merge';
import { parseDuration, parseSize } from '../../config/units';
import { DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_IN_FLIGHT_BYTES, type AdmissionLimits } from './admission';
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
  /** gRPC calls in progress over all connections; more -> RESOURCE_EXHAUSTED. Optional: default 256. */
  max_concurrent_streams?: number;
  /**
   * How long an Export call's request message may take to arrive after its metadata; a call
   * still incomplete then ends with DEADLINE_EXCEEDED. Optional: default 30s (as OTLP/HTTP's).
   */
  read_timeout?: string | number;
}

export interface HttpProtocolConfig extends ServerSecurityConfig {
  endpoint: string;
  /** Largest accepted request body, compressed and decompressed; larger -> 413. */
  max_request_body_size: string | number;
  /** Path that accepts log exports. */
  logs_url_path: string;
  /** Open connections; requests on connections beyond it get 503 and the connection is closed. Optional: default 512. */
  max_connections?: number;
  /** Time for the request line and headers. Optional: default 10s. */
  read_header_timeout?: string | number;
  /** Time for the whole request, body included (not the time to answer it). Optional: default 30s. */
  read_timeout?: string | number;
}

export const DEFAULT_HTTP_MAX_CONNECTIONS = 512;
export const DEFAULT_READ_HEADER_TIMEOUT_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/** HTTP server limits resolved from a config (validated by validateOtlpReceiverConfig). */
export interface HttpServerLimits {
  maxConnections: number;
  readHeaderTimeoutMs: number;
  readTimeoutMs: number;
}

export function httpServerLimitsOf(http: HttpProtocolConfig): HttpServerLimits {
  return {
    maxConnections: http.max_connections ?? DEFAULT_HTTP_MAX_CONNECTIONS,
    readHeaderTimeoutMs: http.read_header_timeout === undefined ? DEFAULT_READ_HEADER_TIMEOUT_MS : positiveDuration(http.read_header_timeout, 'protocols.http.read_header_timeout'),
    readTimeoutMs: http.read_timeout === undefined ? DEFAULT_READ_TIMEOUT_MS : positiveDuration(http.read_timeout, 'protocols.http.read_timeout'),
  };
}

/** The receiver-wide admission limits of a config (admission.ts). */
export function admissionLimitsOf(config: OtlpReceiverConfig): AdmissionLimits {
  const bytes = config.limits?.max_in_flight_bytes;
  return {
    maxInFlightBytes: bytes === undefined ? DEFAULT_MAX_IN_FLIGHT_BYTES : positiveSize(bytes, 'limits.max_in_flight_bytes'),
    maxConcurrentStreams: config.protocols.grpc?.max_concurrent_streams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
  };
}

/** Per-request content limits (collector/otlp/limits.ts). */
export interface OtlpLimitsConfig {
  max_records_per_request: number;
  max_attributes_per_record: number;
  /** A count of UTF-16 units (strings) / bytes; may be written as a size ("64KiB"). */
  max_attribute_value_length: string | number;
  max_any_value_depth: number;
  /** Request bytes held at once over both protocols (admission.ts); absent = 64MiB. */
  max_in_flight_bytes?: string | number;
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
    max_in_flight_bytes: '64MiB',
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
    const optional = takeOptional(rawGrpc, GRPC_OPTIONAL_KEYS);
    config.protocols.grpc = mergeConfig(createDefaultGrpcConfig(), optional.rest, `${path}.protocols.grpc`, errors) as GrpcProtocolConfig;
    if (logfunIngest !== undefined) config.protocols.grpc.logfun_ingest = logfunIngest;
    Object.assign(config.protocols.grpc, optional.taken);
    applySecurity(config.protocols.grpc, security);
  }
  if ('http' in protocols) {
    const security = takeSecurity(protocols.http, `${path}.protocols.http`, errors);
    const optional = takeOptional(security.rest, HTTP_OPTIONAL_KEYS);
    config.protocols.http = mergeConfig(createDefaultHttpConfig(), optional.rest, `${path}.protocols.http`, errors) as HttpProtocolConfig;
    Object.assign(config.protocols.http, optional.taken);
    applySecurity(config.protocols.http, security);
  }
  if (raw.limits !== undefined && raw.limits !== null) {
    config.limits = mergeConfig(createDefaultLimitsConfig(), raw.limits, `${path}.limits`, errors) as OtlpLimitsConfig;
  }
  return config;
}

/** Optional admission keys: kept out of the defaults (the otelcol-shaped default stays as it was), validated below. */
const GRPC_OPTIONAL_KEYS = ['max_concurrent_streams', 'read_timeout'] as const;
const HTTP_OPTIONAL_KEYS = ['max_connections', 'read_header_timeout', 'read_timeout'] as const;

/** Splits the given optional keys (null = absent) off a protocol's raw mapping. */
function takeOptional(raw: unknown, keys: readonly string[]): { rest: unknown; taken: Record<string, unknown> } {
  if (!isPlainObject(raw) || !keys.some((k) => k in raw)) return { rest: raw, taken: {} };
  const rest: Record<string, unknown> = {};
  const taken: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!keys.includes(k)) rest[k] = v;
    else if (v !== null && v !== undefined) taken[k] = v;
  }
  return { rest, taken };
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
    if (grpc.max_concurrent_streams !== undefined) collect(problems, () => positiveInteger(grpc.max_concurrent_streams, 'protocols.grpc.max_concurrent_streams', 1_000_000));
    if (grpc.read_timeout !== undefined) collect(problems, () => grpcReadTimeoutMs(grpc));
    problems.push(...validateServerTls(grpc.tls ?? undefined, 'protocols.grpc.tls'), ...validateBearerAuth(grpc.auth ?? undefined, 'protocols.grpc.auth'));
  }
  if (http) {
    collect(problems, () => ports.push({ name: 'http', ...parseHostPort(http.endpoint, 'protocols.http.endpoint') }));
    collect(problems, () => positiveSize(http.max_request_body_size, 'protocols.http.max_request_body_size'));
    if (typeof http.logs_url_path !== 'string' || !http.logs_url_path.startsWith('/')) {
      problems.push(`protocols.http.logs_url_path: must start with "/", got ${JSON.stringify(http.logs_url_path)}`);
    }
    if (http.max_connections !== undefined) collect(problems, () => positiveInteger(http.max_connections, 'protocols.http.max_connections', 1_000_000));
    if (http.read_header_timeout !== undefined) collect(problems, () => positiveDuration(http.read_header_timeout!, 'protocols.http.read_header_timeout'));
    if (http.read_timeout !== undefined) collect(problems, () => positiveDuration(http.read_timeout!, 'protocols.http.read_timeout'));
    let timeouts: HttpServerLimits | undefined;
    try {
      timeouts = httpServerLimitsOf(http);
    } catch {
      // each bad value was reported above
    }
    if (timeouts && timeouts.readHeaderTimeoutMs > timeouts.readTimeoutMs) {
      problems.push(`protocols.http.read_header_timeout (${timeouts.readHeaderTimeoutMs} ms) must not be longer than read_timeout (${timeouts.readTimeoutMs} ms)`);
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
  collect(problems, () => {
    const { maxInFlightBytes } = admissionLimitsOf(config);
    // A request as large as a protocol allows must fit the budget on its own.
    const largest = Math.max(grpc ? sizeOrZero(grpc.max_recv_msg_size) : 0, http ? sizeOrZero(http.max_request_body_size) : 0);
    if (maxInFlightBytes < largest) throw new Error(`limits.max_in_flight_bytes (${maxInFlightBytes} bytes) must be at least the largest request a protocol accepts (${largest} bytes)`);
  });
  if (ports.length === 2 && ports[0].port !== 0 && ports[0].port === ports[1].port) {
    problems.push(`protocols: grpc and http cannot both listen on port ${ports[0].port}`);
  }
  return problems;
}

function sizeOrZero(value: string | number): number {
  try {
    return parseSize(value);
  } catch {
    return 0; // reported by its own check
  }
}

/** An Export call's read_timeout in milliseconds (DEFAULT_READ_TIMEOUT_MS when not written). */
export function grpcReadTimeoutMs(grpc: GrpcProtocolConfig): number {
  return grpc.read_timeout === undefined ? DEFAULT_READ_TIMEOUT_MS : positiveDuration(grpc.read_timeout, 'protocols.grpc.read_timeout');
}

export function positiveDuration(value: string | number, path: string): number {
  const ms = parseDuration(value, path);
  if (ms <= 0) throw new Error(`${path}: must be longer than 0`);
  return ms;
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
