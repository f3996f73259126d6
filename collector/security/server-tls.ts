/**
 * Server-side TLS settings, in otelcol's configtls shape:
 *
 *   tls:
 *     cert_file: /etc/logfun/tls/server.crt   # PEM certificate (chain) of the server
 *     key_file:  /etc/logfun/tls/server.key   # its PEM private key
 *     client_ca_file: /etc/logfun/tls/ca.crt  # optional: require client certificates signed by these CAs (mutual TLS)
 *     min_version: "1.2"                      # optional: "1.2" (default) or "1.3"
 *
 * Files are read once, at start (and at config validation, so a missing or
 * unreadable file, a bad PEM or a key that does not match its certificate is
 * reported with the other config errors, before anything listens).
 */
import * as fs from 'fs';
import * as tls from 'tls';
import { isPlainObject } from '../config/merge';

export interface ServerTlsConfig {
  cert_file: string;
  key_file: string;
  /** CA bundle that client certificates must chain to; given = mutual TLS (clients without one are refused). */
  client_ca_file?: string;
  /** Lowest TLS version accepted: "1.2" (default) or "1.3". */
  min_version?: string;
}

/** What a Node TLS server needs, read from a ServerTlsConfig. */
export interface ServerTlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Client CAs (mutual TLS) or undefined. */
  ca: Buffer | undefined;
  minVersion: tls.SecureVersion;
  /** True when client certificates are required. */
  requireClientCert: boolean;
}

const TLS_KEYS = ['cert_file', 'key_file', 'client_ca_file', 'min_version'];
const MIN_VERSIONS: Record<string, tls.SecureVersion> = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

/** Parses a `tls` mapping (null/absent = plaintext); problems go to `errors` with `path` as prefix. */
export function unmarshalServerTls(raw: unknown, path: string, errors: string[]): ServerTlsConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    errors.push(`${path}: expected a mapping with cert_file and key_file`);
    return undefined;
  }
  const out: ServerTlsConfig = { cert_file: '', key_file: '' };
  for (const [key, value] of Object.entries(raw)) {
    if (!TLS_KEYS.includes(key)) {
      errors.push(`${path}.${key}: unknown key (valid keys: ${TLS_KEYS.join(', ')})`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number') errors.push(`${path}.${key}: expected a string, got ${JSON.stringify(value)}`);
    else (out as unknown as Record<string, string>)[key] = typeof value === 'number' ? value.toFixed(1) : value;
  }
  return out;
}

/** Every problem with a TLS config (paths prefixed with `path`); reads the files to check them. */
export function validateServerTls(config: ServerTlsConfig | undefined, path: string): string[] {
  if (!config) return [];
  try {
    loadServerTls(config, path);
    return [];
  } catch (e) {
    return e instanceof TlsConfigError ? e.problems : [(e as Error).message];
  }
}

class TlsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** Reads and checks the files of a TLS config. Throws listing every problem. */
export function loadServerTls(config: ServerTlsConfig, path: string): ServerTlsMaterial {
  const problems: string[] = [];
  const read = (key: 'cert_file' | 'key_file' | 'client_ca_file', required: boolean): Buffer | undefined => {
    const file = config[key];
    if (typeof file !== 'string' || file === '') {
      if (required) problems.push(`${path}.${key}: required when tls is set`);
      return undefined;
    }
    try {
      return fs.readFileSync(file);
    } catch (e) {
      problems.push(`${path}.${key}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
  };
  const cert = read('cert_file', true);
  const key = read('key_file', true);
  const ca = read('client_ca_file', false);
  const version = config.min_version === undefined || config.min_version === '' ? '1.2' : String(config.min_version);
  const minVersion = MIN_VERSIONS[version];
  if (!minVersion) problems.push(`${path}.min_version: expected "1.2" or "1.3", got ${JSON.stringify(config.min_version)}`);
  if (problems.length === 0) {
    // Parses the PEMs and checks that the key belongs to the certificate.
    try {
      tls.createSecureContext({ cert, key, ca });
    } catch (e) {
      problems.push(`${path}: invalid certificate, key or client CA (${config.cert_file}, ${config.key_file}${ca ? `, ${config.client_ca_file}` : ''}): ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new TlsConfigError(problems);
  return { cert: cert!, key: key!, ca, minVersion: minVersion!, requireClientCert: ca !== undefined };
}

/** Options for https.createServer / http2.createSecureServer from loaded material. */
export function secureServerOptions(material: ServerTlsMaterial): tls.TlsOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: material.minVersion,
    ...(material.ca ? { ca: material.ca, requestCert: true, rejectUnauthorized: true } : {}),
  };
}
