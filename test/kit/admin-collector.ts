/**
 * The smallest collector with the default admin auth (no console_token: the token
 * is made at start) and an embedded store: what the admin-endpoint security tests
 * attack. Everything on ephemeral loopback ports.
 */
import * as path from 'path';

export function adminCollectorYaml(folder: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0" }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`;
}
