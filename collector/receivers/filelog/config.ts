/**
 * filelog receiver configuration, in the shape of otelcol-contrib's filelog
 * receiver where the two overlap (include, exclude, start_at, poll_interval,
 * fingerprint_size, max_log_size -> max_line_size, encoding, force_flush_period,
 * include_file_name/path, attributes, resource, retry_on_failure), with a
 * named line parser instead of an operator chain and a storage directory
 * instead of a storage extension.
 *
 * YAML example:
 *
 *   receivers:
 *     filelog/nginx:
 *       include: [/var/log/nginx/*.log]
 *       exclude: ['*.gz']
 *       start_at: beginning
 *       parser: combined
 *       resource:
 *         attributes: { service.name: nginx }
 */
import * as path from 'path';
import { parseDuration, parseSize } from '../../config/units';
import { isPlainObject, mergeConfig } from '../../config/merge';
import { PARSER_NAMES, type ParserName } from './parsers/types';

export type AttributeValueConfig = string | number | boolean;

export interface FileLogReceiverConfig {
  /** Glob patterns (`*`, `?`, `[...]`, `{a,b}`, `**`) of files to tail; relative ones resolve against the working directory. */
  include: string[];
  /** Glob patterns of files never to read, matched against the absolute path (a pattern without '/' matches the base name). */
  exclude: string[];
  /** Where to start in files found at startup that have no checkpoint. Files appearing later are always read from their beginning. */
  start_at: 'end' | 'beginning';
  /** How often the globs are re-scanned and files checked for new data. */
  poll_interval: string | number;
  /** Directory holding this receiver's checkpoints (one JSON file per receiver id). */
  storage: string;
  parser: ParserName;
  /** Longest line kept as one record; longer lines are split into several records (counted, never dropped). */
  max_line_size: string | number;
  /** Bytes at the head of a file that identify it (with its inode) across renames and restarts. */
  fingerprint_size: string | number;
  /** Only UTF-8 is supported. */
  encoding: string;
  /**
   * Accepted for otelcol compatibility, not used: a last line without its newline is held until
   * its newline comes, whatever the timing (a pause of the writer or of the reader would otherwise
   * cut one line into two). Only shutdown, or closing a file renamed away or deleted, emits it as
   * it is, marked `log.file.partial_line: true`.
   */
  force_flush_period: string | number;
  /**
   * Gzip-compressed files (recognised by their magic bytes) matched by `include`: 'skip' (default;
   * counted as logfun_filelog_skipped_files_total{reason="gzip"} and logged once) or 'read' — read
   * whole, decompressed, when found at start with start_at: beginning (or with a checkpoint short of
   * their end). A compressed file appearing later is taken as the compressed rotation of a file
   * already read and is not read again (skipped, counted).
   */
  gzip: 'skip' | 'read';
  /** Records per batch sent downstream. */
  max_batch_size: number;
  /** Add `log.file.name` (base name) to each record. */
  include_file_name: boolean;
  /** Add `log.file.path` (absolute path) to each record. */
  include_file_path: boolean;
  /** Attributes added to every record. */
  attributes: Record<string, AttributeValueConfig>;
  resource: { attributes: Record<string, AttributeValueConfig> };
  /** Backoff for retryable downstream failures; the checkpoint does not advance meanwhile, and there is no limit while running. */
  retry_on_failure: { initial_interval: string | number; max_interval: string | number };
  /**
   * At shutdown every file is read to its end and delivered; this bounds how long
   * a failing downstream is retried then. What is not delivered stays behind the
   * checkpoint and is read again on the next start.
   */
  drain_timeout: string | number;
}

export function createDefaultFileLogConfig(): FileLogReceiverConfig {
  return {
    include: [],
    exclude: [],
    start_at: 'end',
    poll_interval: '200ms',
    storage: path.join('.logfun', 'filelog'),
    parser: 'text',
    max_line_size: '1MiB',
    fingerprint_size: '1KiB',
    encoding: 'utf8',
    force_flush_period: '500ms',
    gzip: 'skip',
    max_batch_size: 1000,
    include_file_name: true,
    include_file_path: true,
    attributes: {},
    resource: { attributes: {} },
    retry_on_failure: { initial_interval: '100ms', max_interval: '5s' },
    drain_timeout: '10s',
  };
}

/** The config with durations and sizes as numbers (ms, bytes) and paths absolute. */
export interface ResolvedFileLogConfig {
  include: string[];
  exclude: string[];
  startAt: 'end' | 'beginning';
  pollIntervalMs: number;
  storageDir: string;
  parser: ParserName;
  maxLineSize: number;
  fingerprintSize: number;
  forceFlushPeriodMs: number;
  gzip: 'skip' | 'read';
  maxBatchSize: number;
  includeFileName: boolean;
  includeFilePath: boolean;
  attributes: Record<string, AttributeValueConfig>;
  resourceAttributes: Record<string, AttributeValueConfig>;
  retryInitialMs: number;
  retryMaxMs: number;
  drainTimeoutMs: number;
}

const UTF8_NAMES = ['utf8', 'utf-8'];

function checkAttributes(value: unknown, where: string, problems: string[]): void {
  if (!isPlainObject(value)) {
    problems.push(`${where}: expected a mapping of attribute names to values`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) problems.push(`${where}.${k}: expected a string, number or boolean`);
  }
}

/** Every problem of a merged config, [] when valid (paths relative to the component). */
export function validateFileLogConfig(c: FileLogReceiverConfig): string[] {
  const problems: string[] = [];
  for (const key of ['include', 'exclude'] as const) {
    const patterns: unknown = c[key];
    if (!Array.isArray(patterns)) {
      problems.push(`${key}: expected a list of glob patterns`);
      continue;
    }
    if (key === 'include' && patterns.length === 0) problems.push('include: at least one glob pattern is required');
    patterns.forEach((p, i) => {
      if (typeof p !== 'string' || p === '') problems.push(`${key}[${i}]: expected a non-empty string`);
    });
  }
  if (c.gzip !== 'skip' && c.gzip !== 'read') problems.push(`gzip: must be "skip" or "read", got ${JSON.stringify(c.gzip)}`);
  if (c.start_at !== 'end' && c.start_at !== 'beginning') problems.push(`start_at: must be "end" or "beginning", got ${JSON.stringify(c.start_at)}`);
  if (!(PARSER_NAMES as readonly string[]).includes(c.parser)) problems.push(`parser: must be one of ${PARSER_NAMES.join(', ')}, got ${JSON.stringify(c.parser)}`);
  if (typeof c.storage !== 'string' || c.storage === '') problems.push('storage: expected a directory path');
  if (!UTF8_NAMES.includes(String(c.encoding).toLowerCase())) problems.push(`encoding: only utf8 is supported, got ${JSON.stringify(c.encoding)}`);
  if (!Number.isInteger(c.max_batch_size) || c.max_batch_size <= 0) problems.push('max_batch_size: must be a positive integer');
  const durations: [string, string | number][] = [
    ['poll_interval', c.poll_interval],
    ['force_flush_period', c.force_flush_period],
    ['retry_on_failure.initial_interval', c.retry_on_failure?.initial_interval],
    ['retry_on_failure.max_interval', c.retry_on_failure?.max_interval],
    ['drain_timeout', c.drain_timeout],
  ];
  for (const [name, v] of durations) {
    try {
      const ms = parseDuration(v, name);
      if (name === 'poll_interval' && ms <= 0) problems.push('poll_interval: must be greater than 0');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  for (const [name, v] of [['max_line_size', c.max_line_size], ['fingerprint_size', c.fingerprint_size]] as const) {
    try {
      if (parseSize(v, name) < 16) problems.push(`${name}: must be at least 16 bytes`);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  checkAttributes(c.attributes, 'attributes', problems);
  checkAttributes(c.resource?.attributes, 'resource.attributes', problems);
  return problems;
}

/**
 * Merges the user's YAML value over the defaults. Attribute maps take any keys
 * (the generic merge would reject keys absent from the default `{}`); everything
 * else goes through the strict generic merge.
 */
export function unmarshalFileLogConfig(raw: unknown, where: string, errors: string[]): FileLogReceiverConfig {
  const defaults = createDefaultFileLogConfig();
  if (raw === undefined || raw === null) return defaults;
  if (!isPlainObject(raw)) {
    errors.push(`${where}: expected a mapping, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
    return defaults;
  }
  const { attributes, resource, ...rest } = raw;
  const merged = mergeConfig(defaults, rest, where, errors) as FileLogReceiverConfig;
  if (attributes !== undefined && attributes !== null) merged.attributes = attributes as Record<string, AttributeValueConfig>;
  if (resource !== undefined && resource !== null) {
    if (!isPlainObject(resource)) errors.push(`${where}.resource: expected a mapping with "attributes"`);
    else {
      for (const k of Object.keys(resource)) if (k !== 'attributes') errors.push(`${where}.resource.${k}: unknown key (valid keys: attributes)`);
      if (resource.attributes !== undefined && resource.attributes !== null) {
        merged.resource = { attributes: resource.attributes as Record<string, AttributeValueConfig> };
      }
    }
  }
  return merged;
}

export function resolveFileLogConfig(c: FileLogReceiverConfig, cwd = process.cwd()): ResolvedFileLogConfig {
  return {
    include: c.include.map((p) => path.resolve(cwd, p)),
    exclude: c.exclude.map((p) => (p.includes('/') ? path.resolve(cwd, p) : p)),
    startAt: c.start_at,
    pollIntervalMs: parseDuration(c.poll_interval, 'poll_interval'),
    storageDir: path.resolve(cwd, c.storage),
    parser: c.parser,
    maxLineSize: parseSize(c.max_line_size, 'max_line_size'),
    fingerprintSize: parseSize(c.fingerprint_size, 'fingerprint_size'),
    forceFlushPeriodMs: parseDuration(c.force_flush_period, 'force_flush_period'),
    gzip: c.gzip,
    maxBatchSize: c.max_batch_size,
    includeFileName: c.include_file_name,
    includeFilePath: c.include_file_path,
    attributes: c.attributes,
    resourceAttributes: c.resource.attributes,
    retryInitialMs: parseDuration(c.retry_on_failure.initial_interval, 'retry_on_failure.initial_interval'),
    retryMaxMs: parseDuration(c.retry_on_failure.max_interval, 'retry_on_failure.max_interval'),
    drainTimeoutMs: parseDuration(c.drain_timeout, 'drain_timeout'),
  };
}
