/**
 * google.rpc.Status and google.rpc.RetryInfo, as OTLP uses them to report
 * failures: the OTLP/HTTP error body is a Status (in the request's encoding),
 * and an OTLP/gRPC server tells a client how long to wait before retrying with
 * a RetryInfo detail in the `grpc-status-details-bin` trailer.
 *
 * The four message types are the public googleapis definitions (same names
 * and field numbers), declared inline because nothing else needs them.
 */
import * as protobuf from 'protobufjs';
import Long from 'long';

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
export const GRPC_STATUS_DETAILS_KEY = 'grpc-status-details-bin';

const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            RetryInfo: { fields: { retryDelay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
  },
});
const StatusType = root.lookupType('google.rpc.Status');
const RetryInfoType = root.lookupType('google.rpc.RetryInfo');

export interface RpcStatus {
  code: number;
  message: string;
  /** Retry delay carried as a RetryInfo detail, if any. */
  retryDelayMs?: number;
}

function retryInfoAny(delayMs: number): { typeUrl: string; value: Uint8Array } {
  const ms = Math.max(0, Math.round(delayMs));
  const value = RetryInfoType.encode({
    retryDelay: { seconds: Long.fromNumber(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
  }).finish();
  return { typeUrl: RETRY_INFO_TYPE_URL, value };
}

/** Binary google.rpc.Status, with a RetryInfo detail when a retry delay is given. */
export function encodeRpcStatus(status: RpcStatus): Uint8Array {
  return StatusType.encode({
    code: status.code,
    message: status.message,
    details: status.retryDelayMs !== undefined ? [retryInfoAny(status.retryDelayMs)] : [],
  }).finish();
}

/** google.rpc.Status in the protobuf JSON mapping (the OTLP/HTTP JSON error body). */
export function encodeRpcStatusJson(status: RpcStatus): string {
  const body: Record<string, unknown> = { code: status.code, message: status.message };
  if (status.retryDelayMs !== undefined) {
    body.details = [{ '@type': RETRY_INFO_TYPE_URL, retryDelay: `${(Math.max(0, status.retryDelayMs) / 1000).toFixed(3)}s` }];
  }
  return JSON.stringify(body);
}

/** Decodes a binary google.rpc.Status; undefined when it is not one. */
export function decodeRpcStatus(buf: Uint8Array): RpcStatus | undefined {
  try {
    const msg = StatusType.decode(buf) as unknown as {
      code: number;
      message: string;
      details: { typeUrl: string; value: Uint8Array }[];
    };
    const status: RpcStatus = { code: msg.code, message: msg.message };
    for (const d of msg.details) {
      if (d.typeUrl !== RETRY_INFO_TYPE_URL) continue;
      const info = RetryInfoType.decode(d.value) as unknown as { retryDelay?: { seconds: Long | number; nanos: number } | null };
      if (info.retryDelay) {
        const seconds = typeof info.retryDelay.seconds === 'number' ? info.retryDelay.seconds : info.retryDelay.seconds.toNumber();
        status.retryDelayMs = seconds * 1000 + Math.round(info.retryDelay.nanos / 1_000_000);
      }
    }
    return status;
  } catch {
    return undefined;
  }
}
