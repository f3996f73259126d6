/**
 * A collector config whose spam balancer decides within a second or two (100 ms
 * buckets, short windows): template -> spam -> control into chDB. Shared by the
 * end-to-end spam tests that drive real SDKs against it.
 */
/** The processors block (template, spam, control) of a collector whose balancer decides within a second or two. */
export const FAST_SPAM_PROCESSORS_YAML = `  template: { state_directory: "" }
  spam:
    strategy: both
    evaluation_interval: 100ms
    bucket: 100ms
    rate_window: 500ms
    history: 10s
    min_history: 200ms
    min_rate: 50
    min_samples: 20
    trigger_evaluations: 2
    release: { min_mute: 1s, max_mute: 10s, window: 500ms, ratio: 0.5, report_grace: 500ms, confirm: 300ms }
    summary: { interval: 1s }
    targets: { functions: false }
    write: { flush_interval: 200ms }
  control: {}`;

export function fastSpamCollectorYaml(chdbFolder: string, database: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
${FAST_SPAM_PROCESSORS_YAML}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${chdbFolder}`)}
    database: ${database}
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  pipelines:
    logs: { receivers: [otlp], processors: [template, spam, control], exporters: [clickhouse] }
`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 20 ms until it returns a value (not undefined / false); throws after timeoutMs. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
