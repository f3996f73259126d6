/**
 * A hand-driven compact ingest stream (logfun.v1.Ingest/Stream) for tests that
 * play a client the SDK would never be: an impostor claiming another service's
 * name, a sender of made-up muted_counts. Messages are built with the protobuf
 * types of proto/ (no SDK encoder), so the test says exactly what goes on the wire.
 *
 * Templates have one STRING argument per `{}`; records of a batch share one
 * timestamp. Every ServerMessage is decoded and kept (acks, control updates).
 */
import { randomBytes } from 'crypto';
import Long from 'long';
import { templateIdOf } from '../../sdk';
import { GrpcClientStream, type GrpcStreamStatus } from '../../sdk/wire/compact-grpc-stream';
import { LOGFUN_INGEST_STREAM_PATH, protoType } from '../../protocol/protos';

export interface RawRule {
  service: string;
  serviceInstance: string;
  function: string;
  templateId: bigint;
  /** 0 = ON, 1 = OFF. */
  state: number;
  reason: string;
}

export interface RawMutedCount {
  templateId: bigint;
  function?: string;
  count: number;
  /** MuteReason: 2 = AUTO (the default), 1 = OFF. */
  reason?: number;
}

const u64 = (v: bigint): Long => Long.fromString(v.toString(), true);

export class RawCompactStream {
  private readonly stream: GrpcClientStream;
  private readonly templateIndex = new Map<string, number>();
  private sequence = 0;
  readonly acked = new Set<number>();
  /** Every ControlUpdate received, in order, with its encoded size. */
  readonly controls: { rules: RawRule[]; bytes: number }[] = [];
  status: GrpcStreamStatus | undefined;

  constructor(
    target: string,
    readonly resource: Record<string, string>,
    readonly sessionId: Buffer = randomBytes(16),
  ) {
    const ServerMessage = protoType('logfun.v1.ServerMessage');
    this.stream = new GrpcClientStream(
      { target, secure: false, path: LOGFUN_INGEST_STREAM_PATH },
      {
        onMessage: (buf) => {
          const m = ServerMessage.toObject(ServerMessage.decode(buf), { longs: String, defaults: true }) as {
            ack?: { sequence: string; statusCode: number };
            control?: { rules: { target: { service: string; serviceInstance: string; function: string; templateId: string }; state: number; reason: string }[] };
          };
          if (m.ack) {
            if (m.ack.statusCode === 0) this.acked.add(Number(m.ack.sequence));
          } else if (m.control) {
            this.controls.push({
              bytes: buf.length,
              rules: m.control.rules.map((r) => ({
                service: r.target.service,
                serviceInstance: r.target.serviceInstance,
                function: r.target.function,
                templateId: BigInt.asUintN(64, BigInt(r.target.templateId)),
                state: r.state,
                reason: r.reason,
              })),
            });
          }
        },
        onClose: (status) => (this.status = status),
      },
    );
    this.send({
      hello: {
        resource: Object.entries(resource).map(([key, value]) => ({ key, value: { stringValue: value } })),
        scopeName: 'raw-compact-stream',
        sdkVersion: 'raw',
        sessionId: this.sessionId,
      },
    });
  }

  private send(message: Record<string, unknown>): void {
    const ClientMessage = protoType('logfun.v1.ClientMessage');
    this.stream.send(Buffer.from(ClientMessage.encode(ClientMessage.fromObject(message)).finish()));
  }

  /** Defines `text` on the stream (once) with a severity number; returns its index. */
  define(text: string, severityNumber = 9): number {
    let index = this.templateIndex.get(text);
    if (index !== undefined) return index;
    index = this.templateIndex.size + 1;
    this.templateIndex.set(text, index);
    const placeholders = text.split('{}').length - 1;
    this.send({
      templates: {
        templates: [{ index, templateId: u64(templateIdOf(text)), text, severityNumber, argumentKinds: new Array(placeholders).fill(0) }],
      },
    });
    return index;
  }

  /**
   * One RecordBatch: `records` of template `text` (defined first if needed), each
   * with `args(i)` as its string arguments, and `mutedCounts`. Returns its sequence.
   */
  batch(text: string | undefined, records: number, args: (i: number) => string[], mutedCounts: RawMutedCount[] = [], severityNumber = 9): number {
    const index = text === undefined ? 0 : this.define(text, severityNumber);
    const sequence = ++this.sequence;
    const stringValues: string[] = [];
    for (let i = 0; i < records; i++) stringValues.push(...args(i));
    this.send({
      batch: {
        sequence: Long.fromNumber(sequence, true),
        baseTimeUnixNano: u64(BigInt(Date.now()) * 1_000_000n),
        templateIndex: new Array(text === undefined ? 0 : records).fill(index),
        timeDeltaNano: new Array(text === undefined ? 0 : records).fill(0),
        stringValues,
        mutedCounts: mutedCounts.map((m) => ({ templateId: u64(m.templateId), function: m.function ?? '', count: Long.fromNumber(m.count, true), reason: m.reason ?? 2 })),
      },
    });
    return sequence;
  }

  get lastControl(): { rules: RawRule[]; bytes: number } | undefined {
    return this.controls[this.controls.length - 1];
  }

  close(): void {
    this.stream.close('test done');
  }
}
