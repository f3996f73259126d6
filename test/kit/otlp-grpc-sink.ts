/**
 * Test kit: a tiny real gRPC server implementing OTLP LogsService/Export. It
 * decodes requests with protocol/protos.ts, records them, flattens them into
 * records with native typed values (int64 -> bigint, double -> number, bytes ->
 * Uint8Array, kvlist -> object, array -> array, empty -> undefined), and can be
 * told to fail with a gRPC status, to answer a partial success, or be stopped
 * and restarted on the same port (a real outage).
 */
import * as grpc from '@grpc/grpc-js';
import { LOGS_SERVICE_EXPORT_PATH, OTLP, longToBigInt } from '../../protocol/protos';

export type SinkValue = string | boolean | bigint | number | Uint8Array | SinkValue[] | { [key: string]: SinkValue } | undefined;

export interface SinkRecord {
  resource: Record<string, SinkValue>;
  scope: { name: string; version: string; attributes: Record<string, SinkValue>; schemaUrl: string };
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** Undefined when the record has no body field. */
  body: SinkValue;
  hasBody: boolean;
  attributes: Record<string, SinkValue>;
  droppedAttributesCount: number;
  flags: number;
  /** Lower-case hex, '' when absent. */
  traceId: string;
  spanId: string;
  eventName: string;
}

interface Failure {
  code: grpc.status;
  details: string;
  /** Remaining failing calls; Infinity = until cleared. */
  remaining: number;
}

type Msg = Record<string, unknown>;

/** Native value of a decoded OTLP AnyValue message. */
export function anyValueToNative(av: unknown): SinkValue {
  if (av === null || av === undefined) return undefined;
  const m = av as Msg & { value?: string };
  const which = m.value ?? ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'].find((k) => Object.prototype.hasOwnProperty.call(m, k));
  switch (which) {
    case 'stringValue':
      return m.stringValue as string;
    case 'boolValue':
      return m.boolValue as boolean;
    case 'intValue':
      return longToBigInt(m.intValue, false);
    case 'doubleValue':
      return m.doubleValue as number;
    case 'bytesValue':
      return new Uint8Array(m.bytesValue as Uint8Array);
    case 'arrayValue':
      return (((m.arrayValue as Msg).values as unknown[]) ?? []).map(anyValueToNative);
    case 'kvlistValue':
      return keyValuesToObject((m.kvlistValue as Msg).values as unknown[]);
    default:
      return undefined;
  }
}

export function keyValuesToObject(kvs: unknown[] | undefined): Record<string, SinkValue> {
  const out: Record<string, SinkValue> = {};
  for (const kv of kvs ?? []) {
    const { key, value } = kv as { key: string; value: unknown };
    out[key] = anyValueToNative(value);
  }
  return out;
}

function hex(bytes: unknown): string {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return '';
  return Buffer.from(bytes).toString('hex');
}

/** Flattens one decoded ExportLogsServiceRequest into records. */
export function requestToRecords(request: Msg): SinkRecord[] {
  const out: SinkRecord[] = [];
  for (const rl of (request.resourceLogs as Msg[]) ?? []) {
    const resource = keyValuesToObject(((rl.resource as Msg | undefined)?.attributes as unknown[]) ?? []);
    for (const sl of (rl.scopeLogs as Msg[]) ?? []) {
      const s = (sl.scope as Msg | undefined) ?? {};
      const scope = {
        name: (s.name as string) ?? '',
        version: (s.version as string) ?? '',
        attributes: keyValuesToObject(s.attributes as unknown[]),
        schemaUrl: (sl.schemaUrl as string) ?? '',
      };
      for (const r of (sl.logRecords as Msg[]) ?? []) {
        const hasBody = r.body !== null && r.body !== undefined;
        out.push({
          resource,
          scope,
          timeUnixNano: longToBigInt(r.timeUnixNano),
          observedTimeUnixNano: longToBigInt(r.observedTimeUnixNano),
          severityNumber: (r.severityNumber as number) ?? 0,
          severityText: (r.severityText as string) ?? '',
          body: hasBody ? anyValueToNative(r.body) : undefined,
          hasBody,
          attributes: keyValuesToObject(r.attributes as unknown[]),
          droppedAttributesCount: (r.droppedAttributesCount as number) ?? 0,
          flags: (r.flags as number) ?? 0,
          traceId: hex(r.traceId),
          spanId: hex(r.spanId),
          eventName: (r.eventName as string) ?? '',
        });
      }
    }
  }
  return out;
}

export class OtlpGrpcSink {
  /** Decoded requests that were accepted, in order. */
  readonly requests: Msg[] = [];
  /** Export calls received, failed ones included. */
  calls = 0;
  /** Metadata of the last call (e.g. to check headers). */
  lastMetadata: grpc.Metadata | undefined;
  private server: grpc.Server | undefined;
  private failure: Failure | undefined;
  private partial: { rejected: number; message: string } | undefined;
  private waiters: { n: number; resolve: () => void }[] = [];
  private boundPort = 0;

  private constructor(private readonly serverOptions: grpc.ServerOptions) {}

  /** Starts on 127.0.0.1 with an ephemeral port (or `port`); `serverOptions` e.g. grpc.max_receive_message_length. */
  static async start(port = 0, serverOptions: grpc.ServerOptions = {}): Promise<OtlpGrpcSink> {
    const sink = new OtlpGrpcSink(serverOptions);
    await sink.listen(port);
    return sink;
  }

  get port(): number {
    return this.boundPort;
  }

  /** host:port for the SDK's `endpoint`. */
  get endpoint(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  private async listen(port: number): Promise<void> {
    const server = new grpc.Server(this.serverOptions);
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: LOGS_SERVICE_EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (m: Msg) => Buffer.from(OTLP.ExportLogsServiceResponse.encode(m).finish()),
        responseDeserialize: (b: Buffer) => OTLP.ExportLogsServiceResponse.decode(b) as unknown as Msg,
      },
    };
    server.addService(definition, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Msg>, callback: grpc.sendUnaryData<Msg>) => this.handle(call, callback),
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
  }

  private handle(call: grpc.ServerUnaryCall<Buffer, Msg>, callback: grpc.sendUnaryData<Msg>): void {
    this.calls++;
    this.lastMetadata = call.metadata;
    const f = this.failure;
    if (f && f.remaining > 0) {
      f.remaining--;
      if (f.remaining === 0) this.failure = undefined;
      callback({ code: f.code, details: f.details });
      return;
    }
    let request: Msg;
    try {
      request = OTLP.ExportLogsServiceRequest.decode(call.request) as unknown as Msg;
    } catch (err) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `cannot decode: ${String(err)}` });
      return;
    }
    this.requests.push(request);
    const partial = this.partial;
    this.partial = undefined;
    callback(null, partial ? { partialSuccess: { rejectedLogRecords: partial.rejected, errorMessage: partial.message } } : {});
    this.notify();
  }

  /** Fails the next `times` calls (default: every call until cleared with failWith(undefined)). */
  failWith(code: grpc.status | undefined, options: { times?: number; details?: string } = {}): void {
    this.failure =
      code === undefined ? undefined : { code, details: options.details ?? `sink told to fail with ${grpc.status[code]}`, remaining: options.times ?? Infinity };
  }

  /** The next accepted call answers with a partial success rejecting `rejected` records. */
  respondPartialSuccess(rejected: number, message: string): void {
    this.partial = { rejected, message };
  }

  /** Every record accepted so far, in order. */
  records(): SinkRecord[] {
    return this.requests.flatMap(requestToRecords);
  }

  recordCount(): number {
    let n = 0;
    for (const r of this.requests) for (const rl of (r.resourceLogs as Msg[]) ?? []) for (const sl of (rl.scopeLogs as Msg[]) ?? []) n += ((sl.logRecords as unknown[]) ?? []).length;
    return n;
  }

  /** Resolves once at least `n` records were accepted; rejects after `timeoutMs`. */
  waitForRecords(n: number, timeoutMs = 10_000): Promise<SinkRecord[]> {
    if (this.recordCount() >= n) return Promise.resolve(this.records());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sink: ${this.recordCount()} of ${n} records after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.records());
        },
      });
    });
  }

  private notify(): void {
    const count = this.recordCount();
    this.waiters = this.waiters.filter((w) => {
      if (count >= w.n) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /** Stops listening (connections are dropped: clients see UNAVAILABLE). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) server.forceShutdown();
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    if (this.server) return;
    await this.listen(this.boundPort);
  }
}
