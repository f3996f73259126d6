/**
 * "host:port" endpoints as written in otelcol configs: "0.0.0.0:4317",
 * "localhost:4318", "[::1]:4317", ":4317" (all interfaces), port 0 = any free port.
 */
export interface HostPort {
  /** Host without brackets; '' means all interfaces. */
  host: string;
  port: number;
}

/** Parses "host:port"; throws an Error naming `path` when it is not one. */
export function parseHostPort(endpoint: string, path = 'endpoint'): HostPort {
  if (typeof endpoint !== 'string') throw new Error(`${path}: expected "host:port", got ${typeof endpoint}`);
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]/]*)):(\d{1,5})$/.exec(endpoint.trim());
  if (!m) throw new Error(`${path}: invalid endpoint "${endpoint}" (expected host:port, e.g. 0.0.0.0:4317)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`${path}: port ${port} out of range (0-65535)`);
  return { host: m[1] ?? m[2], port };
}

/** "host:port" with IPv6 hosts in brackets, for grpc targets and URLs. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
