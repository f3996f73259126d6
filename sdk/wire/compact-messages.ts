/**
 * Messages the collector sends down the compact stream (ServerMessage of
 * proto/logfun/v1/ingest.proto), decoded for the SDK. They are few (one ack per
 * batch, rare control updates), so protobufjs decodes them.
 */
import { longToBigInt, protoType } from '../../protocol/protos';

/** RuleState of proto/logfun/v1/control.proto. */
export const RULE_STATE_ON = 0;
export const RULE_STATE_OFF = 1;
export const RULE_STATE_AUTO = 2;

export interface ControlRuleView {
  target: { service: string; serviceInstance: string; function: string; templateId: bigint };
  state: number;
  sampleRate: number;
  minSeverity: number;
  version: bigint;
  reason: string;
}

export interface ControlUpdateView {
  rules: ControlRuleView[];
  version: bigint;
}

export type ServerMessageView =
  | { kind: 'helloAck'; collectorId: string; lastAckedSequence: number; maxTemplates: number }
  | { kind: 'ack'; sequence: number; statusCode: number; message: string; retryAfterMs: number }
  | { kind: 'control'; update: ControlUpdateView }
  | { kind: 'unknown' };

type Msg = Record<string, unknown>;

function num(v: unknown): number {
  return Number(longToBigInt(v, true));
}

export function toControlUpdateView(control: Msg): ControlUpdateView {
  const rules = ((control.rules as Msg[] | undefined) ?? []).map((r): ControlRuleView => {
    const t = (r.target as Msg | undefined) ?? {};
    return {
      target: {
        service: (t.service as string) ?? '',
        serviceInstance: (t.serviceInstance as string) ?? '',
        function: (t.function as string) ?? '',
        templateId: longToBigInt(t.templateId, true),
      },
      state: (r.state as number) ?? 0,
      sampleRate: (r.sampleRate as number) ?? 0,
      minSeverity: (r.minSeverity as number) ?? 0,
      version: longToBigInt(r.version, true),
      reason: (r.reason as string) ?? '',
    };
  });
  return { rules, version: longToBigInt(control.version, true) };
}

/** Decodes one ServerMessage; throws on malformed bytes. */
export function decodeServerMessage(bytes: Uint8Array): ServerMessageView {
  const m = protoType('logfun.v1.ServerMessage').decode(bytes) as unknown as Msg;
  if (m.helloAck) {
    const h = m.helloAck as Msg;
    return { kind: 'helloAck', collectorId: (h.collectorId as string) ?? '', lastAckedSequence: num(h.lastAckedSequence), maxTemplates: (h.maxTemplates as number) ?? 0 };
  }
  if (m.ack) {
    const a = m.ack as Msg;
    return {
      kind: 'ack',
      sequence: num(a.sequence),
      statusCode: (a.statusCode as number) ?? 0,
      message: (a.message as string) ?? '',
      retryAfterMs: (a.retryAfterMs as number) ?? 0,
    };
  }
  if (m.control) return { kind: 'control', update: toControlUpdateView(m.control as Msg) };
  return { kind: 'unknown' };
}
