/**
 * The resource (who is logging) and instrumentation scope (which library)
 * attached to every record.
 */
import * as os from 'os';
import { randomUUID } from 'crypto';
import { SDK_NAME, SDK_VERSION } from './version';
import { captureAttributes, type AttributeList } from '../protocol/values';

/** service.instance.id default: random per process, shared by every logger in it. */
export const PROCESS_INSTANCE_ID = randomUUID();

export interface Resource {
  readonly attributes: AttributeList;
  /** service.name, for diagnostics and the console transport. */
  readonly serviceName: string;
}

export interface ResourceOptions {
  service: string;
  serviceVersion?: string;
  serviceInstanceId?: string;
  /** More resource attributes; they override the detected ones (not service.name). */
  attributes?: Record<string, unknown>;
}

/**
 * service.name, service.version (when given), service.instance.id, host.name,
 * process.pid, telemetry.sdk.{name,language,version}, then the caller's attributes.
 */
export function createResource(options: ResourceOptions): Resource {
  const detected: Record<string, unknown> = {
    'service.name': options.service,
    ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    'service.instance.id': options.serviceInstanceId ?? PROCESS_INSTANCE_ID,
    'host.name': os.hostname(),
    'process.pid': process.pid,
    'telemetry.sdk.name': SDK_NAME,
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': SDK_VERSION,
  };
  const merged = { ...detected, ...(options.attributes ?? {}), 'service.name': options.service };
  return { attributes: captureAttributes(merged), serviceName: options.service };
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly schemaUrl: string;
  readonly attributes: AttributeList | undefined;
}

/** The scope of records logged through the logfun API. */
export const LOGFUN_SCOPE: InstrumentationScope = Object.freeze({ name: 'logfun', version: SDK_VERSION, schemaUrl: '', attributes: undefined });
