/**
 * The two error classes that decide every retry in the pipeline.
 *
 * - PermanentError: the data can never be accepted (malformed, too large, schema
 *   violation). The caller drops it and counts it; retrying would loop forever.
 * - RetryableError: a transient condition (downstream unavailable, queue full,
 *   memory limit). The caller retries with backoff, waiting at least
 *   `retryAfterMs` when given.
 *
 * Any other thrown error is treated as retryable by callers that retry, because an
 * unknown failure is more likely transient than a verdict on the data.
 * Receivers map these to protocol codes at the edge (see `grpcStatusFor` / `httpStatusFor`).
 */
export class PermanentError extends Error {
  readonly permanent = true;
  constructor(message: string, readonly reason: 'invalid' | 'too_large' | 'rejected' = 'invalid') {
    super(message);
    this.name = 'PermanentError';
  }
}

export class RetryableError extends Error {
  readonly retryable = true;
  constructor(message: string, readonly retryAfterMs?: number, readonly reason: 'unavailable' | 'exhausted' = 'unavailable') {
    super(message);
    this.name = 'RetryableError';
  }
}

export function isPermanent(err: unknown): err is PermanentError {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}

/** gRPC status codes we use (numeric values from the gRPC spec). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function grpcStatusFor(err: unknown): number {
  if (isPermanent(err)) return err.reason === 'too_large' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.INVALID_ARGUMENT;
  if (err instanceof RetryableError && err.reason === 'exhausted') return GrpcCode.RESOURCE_EXHAUSTED;
  return GrpcCode.UNAVAILABLE;
}

/** HTTP status per the OTLP/HTTP spec: 400 permanent, 413 too large, 429/503 retryable. */
export function httpStatusFor(err: unknown): number {
  if (isPermanent(err)) return err.reason === 'too_large' ? 413 : 400;
  if (err instanceof RetryableError && err.reason === 'exhausted') return 429;
  return 503;
}
