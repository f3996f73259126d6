/**
 * Protobuf message types for OTLP logs and logfun/v1, loaded from the .proto
 * files in proto/ with protobufjs at first use.
 *
 * Why a loader and not static code: protobufjs compiles encoders/decoders for
 * reflected types at runtime (codegen), so decode/encode run the same generated
 * code either way; the loader keeps proto/ the single source of truth with no
 * generated files to keep in sync. The collector's OTLP data path does not use
 * these types at all: a hand-written codec straight into the columnar batch
 * (collector/otlp/wire-*.ts) decodes about twice as fast (bench/otlp-codec).
 *
 * int64/fixed64 fields decode to Long objects (the `long` package is installed),
 * never to lossy numbers: nanosecond timestamps exceed 2^53.
 */
import * as path from 'path';
import * as fs from 'fs';
import * as protobuf from 'protobufjs';
import Long from 'long';

protobuf.util.Long = Long;
protobuf.configure();

function findProtoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(candidate, 'logfun', 'v1', 'ingest.proto'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('logfun: cannot find the proto/ directory next to the package');
}

export const PROTO_ROOT = findProtoRoot();

let root: protobuf.Root | undefined;

/** The protobufjs root with every OTLP logs and logfun/v1 type loaded. */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => path.join(PROTO_ROOT, target);
  r.loadSync(
    [
      'opentelemetry/proto/collector/logs/v1/logs_service.proto',
      'logfun/v1/ingest.proto',
      'logfun/v1/control.proto',
    ],
    { keepCase: false },
  );
  r.resolveAll();
  root = r;
  return r;
}

export function protoType(name: string): protobuf.Type {
  return protoRoot().lookupType(name);
}

export const OTLP = {
  get ExportLogsServiceRequest() {
    return protoType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
  },
  get ExportLogsServiceResponse() {
    return protoType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse');
  },
};

export const LOGS_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
export const LOGFUN_INGEST_STREAM_PATH = '/logfun.v1.Ingest/Stream';

/** Long (from protobufjs) or number to an exact bigint. */
export function longToBigInt(v: unknown, unsigned = true): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return BigInt(v);
  const l = v as Long;
  const lo = BigInt(l.low >>> 0);
  const hi = BigInt(l.high >>> 0);
  const u = (hi << 32n) | lo;
  if (unsigned || l.unsigned) return u;
  return BigInt.asIntN(64, u);
}

/** bigint to a Long for protobufjs encoding. */
export function bigIntToLong(v: bigint, unsigned = true): Long {
  const u = BigInt.asUintN(64, v);
  return new Long(Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0, unsigned);
}
