/**
 * logfun.v1.MuteReason (proto/logfun/v1/ingest.proto): why an SDK did not send
 * records it counted, as reported in RecordBatch.muted_counts.
 */
/** logfun.v1.MuteReason values. */
export const MUTE_REASON = {
  UNSPECIFIED: 0,
  /** A manual OFF rule. */
  OFF: 1,
  /** An automatic mute (the collector's spam balancer). */
  AUTO: 2,
  /** Sampled out by a rule (reserved: collectors sample today). */
  SAMPLED: 3,
  /** Below a rule's severity floor (reserved: collectors apply floors today). */
  SEVERITY: 4,
  /** Muted by the application itself, not by a control rule. */
  LOCAL: 5,
} as const;

export type MuteReasonCode = (typeof MUTE_REASON)[keyof typeof MUTE_REASON];

const REASON_NAMES = ['unspecified', 'off', 'auto', 'sampled', 'severity', 'local'] as const;

/** 'off', 'auto', ... ('unspecified' for unknown codes). */
export function muteReasonName(code: number): string {
  return REASON_NAMES[code] ?? 'unspecified';
}

