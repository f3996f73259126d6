/**
 * Test kit (plain Node, run as a child process): emits log records through the
 * official OpenTelemetry JS SDK and one of the official OTLP exporters, set up
 * as their READMEs show (LoggerProvider + BatchLogRecordProcessor).
 *
 * Why a child process: the OTLP/HTTP exporters load `http` with a dynamic
 * import(), which jest's VM sandbox refuses without --experimental-vm-modules;
 * in a plain Node process they run exactly as in a user's service.
 *
 *   node otel-sdk-emitter.js <grpc|http-json|http-proto> <url> <none|gzip>  < spec.json
 *
 * spec.json: { resource, scope: {name, version, schemaUrl, attributes}, attributeCountLimit,
 *   traceId, spanId, records: [{ timestamp, observedTimestamp, severityNumber, severityText,
 *   body?, eventName?, withSpan, attributes }] } where {"$bytes": [..]} stands for a Uint8Array.
 * Exits 0 after flush and shutdown; export failures are printed to stderr by the SDK's diag logger.
 */
'use strict';
const { diag, DiagConsoleLogger, DiagLogLevel, ROOT_CONTEXT, trace, TraceFlags } = require('@opentelemetry/api');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const [kind, url, compression] = process.argv.slice(2);

function revive(_key, value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (Array.isArray(value.$bytes)) return new Uint8Array(value.$bytes);
  }
  return value;
}

function makeExporter() {
  if (kind === 'grpc') {
    const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-grpc');
    return new OTLPLogExporter({ url, compression });
  }
  if (kind === 'http-json') {
    const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
    return new OTLPLogExporter({ url, compression });
  }
  if (kind === 'http-proto') {
    const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
    return new OTLPLogExporter({ url, compression });
  }
  throw new Error(`unknown exporter kind ${kind}`);
}

async function main() {
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const spec = JSON.parse(input, revive);

  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes(spec.resource),
    logRecordLimits: { attributeCountLimit: spec.attributeCountLimit },
    processors: [new BatchLogRecordProcessor({ exporter: makeExporter(), scheduledDelayMillis: 50 })],
  });
  const logger = loggerProvider.getLogger(spec.scope.name, spec.scope.version, { schemaUrl: spec.scope.schemaUrl, attributes: spec.scope.attributes });
  const spanContext = trace.setSpanContext(ROOT_CONTEXT, { traceId: spec.traceId, spanId: spec.spanId, traceFlags: TraceFlags.SAMPLED });
  for (const r of spec.records) {
    logger.emit({
      timestamp: r.timestamp,
      observedTimestamp: r.observedTimestamp,
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      body: r.body,
      eventName: r.eventName,
      context: r.withSpan ? spanContext : ROOT_CONTEXT,
      attributes: r.attributes,
    });
  }
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
