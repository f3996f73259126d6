/**
 * `service.control` in the collector config:
 *
 *   service:
 *     control:
 *       enabled: true            # default: on when a clickhouse exporter exists
 *       endpoint: ""             # default: that exporter's endpoint (and credentials, database)
 *       database: ""
 *       username: ""
 *       password: ""
 *       table: control_rules
 *       poll_interval: 100ms     # how soon other collectors' changes are seen (default 100ms on a
 *                                # server; 1s on embedded chDB, where no other process can write)
 *       token: ""                # bearer token for /api/v1/rules; default env LOGFUN_CONTROL_TOKEN
 *       limits:                  # writes past one are refused (HTTP 413); see store.ts ControlLimits
 *         max_rules_per_service: 1000       # manual rules naming one service
 *         max_rules: 10000                  # manual rules in all
 *         max_auto_rules_per_service: 2000  # the balancer's (per-sender mutes multiply with senders)
 *         max_update_bytes: 512KiB          # the ControlUpdate pushed to one SDK (also capped when pushed)
 *
 * Why 100 ms: a change made through one collector must reach SDKs connected to
 * every other collector within 200 ms (p99); the poll is one tiny aggregate query.
 */
import { isPlainObject } from '../config/merge';
import { parseDuration, parseSize } from '../config/units';

export interface ControlServiceConfig {
  /** undefined = automatic (on when a clickhouse exporter exists). */
  enabled: boolean | undefined;
  endpoint: string;
  database: string;
  username: string;
  password: string;
  table: string;
  /** '' = automatic (see above). */
  poll_interval: string | number;
  token: string;
  limits: ControlLimitsConfig;
}

export interface ControlLimitsConfig {
  max_rules_per_service: number;
  max_rules: number;
  max_auto_rules_per_service: number;
  /** Bytes, or a size like 512KiB. */
  max_update_bytes: string | number;
}

export function createDefaultControlConfig(): ControlServiceConfig {
  return {
    enabled: undefined,
    endpoint: '',
    database: '',
    username: '',
    password: '',
    table: 'control_rules',
    poll_interval: '',
    token: '',
    limits: { max_rules_per_service: 1000, max_rules: 10_000, max_auto_rules_per_service: 2000, max_update_bytes: '512KiB' },
  };
}

function parseLimits(raw: unknown, path: string, errors: string[], into: ControlLimitsConfig): void {
  if (raw === undefined || raw === null) return;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping`);
    return;
  }
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'max_rules_per_service':
      case 'max_rules':
      case 'max_auto_rules_per_service':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) errors.push(`${path}.${key}: expected an integer >= 1, got ${JSON.stringify(value)}`);
        else into[key] = value;
        break;
      case 'max_update_bytes':
        try {
          if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`${path}.max_update_bytes: expected a size like 512KiB`);
          if (parseSize(value, `${path}.max_update_bytes`) < 1024) throw new Error(`${path}.max_update_bytes: must be at least 1KiB`);
          into.max_update_bytes = value;
        } catch (e) {
          errors.push((e as Error).message);
        }
        break;
      default:
        errors.push(`${path}.${key}: unknown key (valid keys: ${Object.keys(into).join(', ')})`);
    }
  }
}

/** Parses `service.control` (absent = defaults), reporting problems into `errors` with `path` as prefix. */
export function parseControlConfig(raw: unknown, path: string, errors: string[]): ControlServiceConfig {
  const config = createDefaultControlConfig();
  if (raw === undefined || raw === null) return config;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping`);
    return config;
  }
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'enabled':
        if (value === null || value === 'auto') config.enabled = undefined;
        else if (typeof value === 'boolean') config.enabled = value;
        else errors.push(`${path}.enabled: expected true, false or auto, got ${JSON.stringify(value)}`);
        break;
      case 'endpoint':
      case 'database':
      case 'username':
      case 'password':
      case 'token':
        if (value === null) break;
        if (typeof value !== 'string') errors.push(`${path}.${key}: expected a string, got ${JSON.stringify(value)}`);
        else config[key] = value;
        break;
      case 'table':
        if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) errors.push(`${path}.table: expected a plain table name, got ${JSON.stringify(value)}`);
        else config.table = value;
        break;
      case 'poll_interval':
        try {
          if (value === null || value === '') break;
          if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`${path}.poll_interval: expected a duration like 100ms`);
          if (parseDuration(value, `${path}.poll_interval`) <= 0) throw new Error(`${path}.poll_interval: must be positive`);
          config.poll_interval = value;
        } catch (e) {
          errors.push((e as Error).message);
        }
        break;
      case 'limits':
        parseLimits(value, `${path}.limits`, errors, config.limits);
        break;
      default:
        errors.push(`${path}.${key}: unknown key (valid keys: ${Object.keys(config).join(', ')})`);
    }
  }
  if (config.endpoint && !/^(chdb:\/\/|https?:\/\/)/.test(config.endpoint)) {
    errors.push(`${path}.endpoint: expected chdb://<folder> or http(s)://host:port, got ${JSON.stringify(config.endpoint)}`);
  }
  return config;
}
