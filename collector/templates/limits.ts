/**
 * `service.templates` in the collector config: the bounds on template state that
 * clients can make the collector keep (issue 12, finding 4). Every template a client
 * defines costs memory in the collector-wide dictionary and a row in log_templates,
 * so each of these is a bound a hostile or broken client cannot lift:
 *
 *   service:
 *     templates:
 *       max_text_length: 4096            # longest template text (UTF-16 units)
 *       max_per_service: 5000            # dictionary entries per service; least recently seen evicted
 *       max_bytes: 64MiB                 # all entries together; least recently seen evicted
 *       new_per_service_per_minute: 600  # admissions of new templates per claimed service
 *                                        #   (bursts up to max_per_service)
 *       new_per_minute: 6000             # admissions over all services (bursts up to 10 x max_per_service)
 *       max_definitions_per_stream: 65536  # definitions one compact stream may send in its life
 *       max_text_per_stream: 8388608       # characters of template text one stream's definitions hold
 *       max_text_all_streams: 134217728    # the same over all open streams of a receiver
 *       max_bytes_all_streams: 256MiB      # memory all open streams' definitions and dictionary strings hold
 *                                          #   (their characters, plus 1 KiB a definition and 32 bytes a string)
 *
 * What happens beyond each bound (see dictionary.ts and the compact receiver):
 *   - a compact definition longer than max_text_length ends its stream with
 *     INVALID_ARGUMENT (our SDK never sends one: it sends such records untemplated);
 *     any other over-long text (OTLP attributes, mined bodies) is not admitted;
 *   - a template not admitted (too long, or over the admission rate) leaves its
 *     records untemplated: they are stored with their rendered Body, counted in
 *     logfun_templates_refused_total, never dropped;
 *   - eviction forgets the in-memory entry only: what was written to log_templates
 *     stays, a later record of the template is stored with its Body and re-admits it;
 *   - more than max_definitions_per_stream definitions, or definitions holding more
 *     text than max_text_per_stream (or than max_text_all_streams over all open
 *     streams: a stream's definitions live as long as it does), or open streams whose
 *     definitions and dictionary strings hold more than max_bytes_all_streams, end the
 *     stream with RESOURCE_EXHAUSTED (retryable: an SDK reconnects and defines only what it uses).
 *     The admission rates are per claimed service.name and in total, not per stream,
 *     so opening new streams does not renew them.
 *
 * Defaults: 4096 characters holds any real log statement (the longest in the Loghub
 * sets is under 1000); 5000 templates a service is several times what a large
 * service has; 64 MiB is ~30 000 templates of 1 KiB; a legitimate service defines
 * all of its templates in its first minutes, which the burst covers; 8 Mi characters
 * is 16384 templates (the per-stream count an SDK is told) of 512 characters.
 * max_bytes_all_streams counts what the text limits do not: a definition's function,
 * file and location and its own structures (about 1 KiB: 16384 definitions of short
 * text with 60-character call sites held 20 MB a stream, so max_concurrent_streams
 * streams held 5 GB under the text limits alone), and the dictionary strings; 256 MiB
 * is 256 streams of 1000 templates with call sites.
 */
import { isPlainObject } from '../config/merge';
import { parseSize } from '../config/units';

export interface TemplateLimitsConfig {
  max_text_length: number;
  max_per_service: number;
  max_bytes: string | number;
  new_per_service_per_minute: number;
  new_per_minute: number;
  max_definitions_per_stream: number;
  max_text_per_stream: number;
  max_text_all_streams: number;
  max_bytes_all_streams: string | number;
}

/** The resolved bounds (bytes as a number). */
export interface TemplateLimits {
  maxTextLength: number;
  maxPerService: number;
  maxBytes: number;
  newPerServicePerMinute: number;
  newPerMinute: number;
  maxDefinitionsPerStream: number;
  maxTextPerStream: number;
  maxTextAllStreams: number;
  maxBytesAllStreams: number;
}

export function createDefaultTemplateLimitsConfig(): TemplateLimitsConfig {
  return {
    max_text_length: 4096,
    max_per_service: 5000,
    max_bytes: '64MiB',
    new_per_service_per_minute: 600,
    new_per_minute: 6000,
    max_definitions_per_stream: 65_536,
    max_text_per_stream: 8 * 1024 * 1024,
    max_text_all_streams: 128 * 1024 * 1024,
    max_bytes_all_streams: '256MiB',
  };
}

export const DEFAULT_TEMPLATE_LIMITS: Readonly<TemplateLimits> = Object.freeze(resolveTemplateLimits(createDefaultTemplateLimitsConfig()));

export function resolveTemplateLimits(c: TemplateLimitsConfig): TemplateLimits {
  return {
    maxTextLength: c.max_text_length,
    maxPerService: c.max_per_service,
    maxBytes: parseSize(c.max_bytes, 'max_bytes'),
    newPerServicePerMinute: c.new_per_service_per_minute,
    newPerMinute: c.new_per_minute,
    maxDefinitionsPerStream: c.max_definitions_per_stream,
    maxTextPerStream: c.max_text_per_stream,
    maxTextAllStreams: c.max_text_all_streams,
    maxBytesAllStreams: parseSize(c.max_bytes_all_streams, 'max_bytes_all_streams'),
  };
}

/** Parses `service.templates` (absent = defaults), reporting every problem into `errors` with `path` as prefix. */
export function parseTemplateLimitsConfig(raw: unknown, path: string, errors: string[]): TemplateLimitsConfig {
  const config = createDefaultTemplateLimitsConfig();
  if (raw === undefined || raw === null) return config;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping`);
    return config;
  }
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'max_text_length':
      case 'max_per_service':
      case 'new_per_service_per_minute':
      case 'new_per_minute':
      case 'max_definitions_per_stream':
      case 'max_text_per_stream':
      case 'max_text_all_streams':
        if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) errors.push(`${path}.${key}: must be a positive integer, got ${JSON.stringify(value)}`);
        else config[key] = value;
        break;
      case 'max_bytes':
      case 'max_bytes_all_streams':
        try {
          if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`${path}.${key}: expected a size like 64MiB, got ${JSON.stringify(value)}`);
          if (parseSize(value, `${path}.${key}`) < 1024 * 1024) throw new Error(`${path}.${key}: must be at least 1MiB, got ${JSON.stringify(value)}`);
          config[key] = value;
        } catch (e) {
          errors.push((e as Error).message);
        }
        break;
      default:
        errors.push(`${path}.${key}: unknown key (valid keys: ${Object.keys(config).join(', ')})`);
    }
  }
  return config;
}
